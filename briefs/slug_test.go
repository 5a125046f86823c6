package briefs

import (
	"regexp"
	"strings"
	"testing"
)

var slugRe = regexp.MustCompile(`^[a-z0-9]+(-[a-z0-9]+)*$`)

func TestNormalizeSlug(t *testing.T) {
	tests := []struct{ in, want string }{
		{"putin-kim", "putin-kim"},
		{"Putin Kim", "putin-kim"},
		{"  Putin   &  Kim!  ", "putin-kim"},
		{"putin_kim__deal", "putin-kim-deal"},
		{"--putin---kim--", "putin-kim"},
		{"Zürich Straße", "zurich-strasse"},
		{"Crème brûlée", "creme-brulee"},
		{"Russia's deal", "russias-deal"},
		{"rock 🎸 roll 🚀", "rock-roll"},
		{"rock🎸roll", "rockroll"},
		{"Ærø Łódź", "aero-lodz"},
		{"Москва news", "news"},
		{"2024/06/19 summit", "2024-06-19-summit"},
		{"a—b–c", "a-b-c"},
		{strings.Repeat("word-", 20), "word-word-word-word-word-word-word-word-word-word-word-word-word"},
		{strings.Repeat("x", 80), strings.Repeat("x", 64)},
	}
	for _, tt := range tests {
		got, err := NormalizeSlug(tt.in)
		if err != nil || got != tt.want {
			t.Errorf("NormalizeSlug(%q) = %q, %v; want %q", tt.in, got, err, tt.want)
		}
	}
	for _, in := range []string{"", "   ", "🎸🚀", "---", "!!!", "Москва"} {
		_, err := NormalizeSlug(in)
		if ErrorCode(err) != EINVALID {
			t.Errorf("NormalizeSlug(%q) error = %v, want EINVALID", in, err)
			continue
		}
		if msg := ErrorMessage(err); !strings.Contains(msg, "slug") || !strings.Contains(msg, "e.g.") {
			t.Errorf("NormalizeSlug(%q) message %q does not say why", in, msg)
		}
	}
}

func FuzzNormalizeSlug(f *testing.F) {
	for _, s := range []string{"putin-kim", "Zürich Straße", "🎸", "", "a_b c-d", "\xff\xfe", strings.Repeat("ab-", 40)} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		got, err := NormalizeSlug(in)
		if err != nil {
			if ErrorCode(err) != EINVALID || got != "" {
				t.Fatalf("NormalizeSlug(%q) = %q, %v", in, got, err)
			}
			return
		}
		if len(got) > MaxSlugLen || !slugRe.MatchString(got) {
			t.Fatalf("NormalizeSlug(%q) = %q: not a slug", in, got)
		}
		if again, err := NormalizeSlug(got); err != nil || again != got {
			t.Fatalf("NormalizeSlug not idempotent: %q -> %q -> %q, %v", in, got, again, err)
		}
	})
}

// TestNormalizeSlugEchoIsShort: the refused input is echoed in at most 40
// runes with its ellipsis (the helper used here once gave 41).
func TestNormalizeSlugEchoIsShort(t *testing.T) {
	_, err := NormalizeSlug(strings.Repeat("★", 60))
	want := `"` + strings.Repeat("★", 39) + `…"`
	if msg := ErrorMessage(err); !strings.Contains(msg, want) {
		t.Errorf("NormalizeSlug(60 stars) = %q; want the echo %s", msg, want)
	}
}
