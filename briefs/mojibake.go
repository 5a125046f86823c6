package briefs

import "strings"

// RepairMojibake repairs UTF-8 text that was decoded as Windows-1252 once
// ("willâ€¦", "Â£72,000"), a common accident of copy and paste. The
// summarizer's cleaning and the evaluation's comparison with the source
// both use it, so they agree on what the article said.
func RepairMojibake(s string) string {
	if !strings.Contains(s, "\u00e2\u20ac") && !strings.Contains(s, "\u00c2") {
		return s
	}
	return mojibake.Replace(s)
}

var mojibake = strings.NewReplacer(
	"\u00e2\u20ac\u2122", "'", "\u00e2\u20ac\u02dc", "'", "\u00e2\u20ac\u0153", `"`,
	"\u00e2\u20ac\u009d", `"`, "\u00e2\u20ac\u00a6", "\u2026", "\u00e2\u20ac\u201d", "\u2014",
	"\u00e2\u20ac\u201c", "\u2013", "\u00c2\u00a3", "\u00a3", "\u00c2\u00a0", " ",
	"\u00c2\u00a9", "\u00a9", "\u00c2\u00b0", "\u00b0", "\u00c2\u00bd", "\u00bd",
)
