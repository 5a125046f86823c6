package briefs_test

import (
	"strings"
	"testing"
	"unicode/utf8"

	"briefbot/briefs"
)

func TestTruncate(t *testing.T) {
	for _, tc := range []struct {
		s    string
		n    int
		want string
	}{
		{"short", 10, "short"},
		{"exact", 5, "exact"},
		{"one over", 7, "one ov…"},
		{"word gap", 6, "word…"}, // the space before the cut goes
		{"Grüße aus Köln", 8, "Grüße a…"},
		{"日本語のテキスト", 4, "日本語…"},
		{"ab", 1, "…"},
		{"ab", 0, ""},
		{"ab", -1, ""},
		{"", 0, ""},
	} {
		if got := briefs.Truncate(tc.s, tc.n); got != tc.want {
			t.Errorf("Truncate(%q, %d) = %q; want %q", tc.s, tc.n, got, tc.want)
		}
	}
}

// TestTruncateNeverExceeds: the mark counts toward the limit; a helper
// that added it after n kept runes gave n+1.
func TestTruncateNeverExceeds(t *testing.T) {
	s := strings.Repeat("é", 300)
	for n := 0; n <= 301; n++ {
		if got := utf8.RuneCountInString(briefs.Truncate(s, n)); got > max(n, 0) {
			t.Fatalf("Truncate(300 runes, %d) has %d runes", n, got)
		}
	}
}
