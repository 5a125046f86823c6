package briefs

import (
	"strings"
	"unicode/utf8"
)

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

// MostlyUTF8 reports whether bytes that declare no encoding look like
// UTF-8: valid, or with more valid multi-byte characters than invalid bytes
// (a UTF-8 page or feed with a few broken bytes is still UTF-8; a
// windows-1252 one has almost no valid multi-byte sequences). Pages and
// feeds both decide their fallback encoding with it.
func MostlyUTF8(b []byte) bool {
	valid, invalid := 0, 0
	for i := 0; i < len(b); {
		if b[i] < utf8.RuneSelf {
			i++
			continue
		}
		r, size := utf8.DecodeRune(b[i:])
		if r == utf8.RuneError && size <= 1 {
			invalid++
			i++
			continue
		}
		valid++
		i += size
	}
	return invalid == 0 || valid > invalid
}
