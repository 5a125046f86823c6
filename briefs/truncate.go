package briefs

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// Truncate shortens s to at most n runes, the "…" that marks a cut
// included, so that a caller's limit (Discord's field sizes, MaxTitleLen,
// the length of an echoed input) holds for the result. White space left at
// the end of the kept part is dropped before the mark. s is returned
// unchanged when it fits; n <= 0 gives "".
func Truncate(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	if n <= 0 {
		return ""
	}
	r := []rune(s)
	return strings.TrimRightFunc(string(r[:n-1]), unicode.IsSpace) + "…"
}
