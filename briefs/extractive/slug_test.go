package extractive

import (
	"regexp"
	"testing"

	"briefbot/briefs"
)

var slugRe = regexp.MustCompile(`^[a-z0-9]+(-[a-z0-9]+)*$`)

func TestGenerateSlug(t *testing.T) {
	tests := []struct {
		title    string
		entities []string
		want     string
	}{
		{"Russia's Deal With North Korea Is 'Ominously Ambiguous'",
			[]string{"Vladimir Putin", "North Korea", "Russia", "Kim Jong Un", "Reuters"}, "putin-kim-north-korea"},
		{"New Pact Between Putin, Kim Is 'Ominously Ambiguous'",
			[]string{"North Korea", "Vladimir Putin", "Kim Jong Un"}, "putin-kim"},
		{"Apple unveils a new iPhone", []string{"Apple", "Tim Cook"}, "cook-apple"},
		{"Storm hits the coast", nil, "storm-hits-coast"},
		{"Zürich bans cars", []string{"Zürich"}, "zurich-bans-cars"},
		{"", []string{"United Nations", "Geneva"}, "united-nations-geneva"},
		{"", nil, "article"},
		{"🎸🚀 !!!", nil, "article"},
	}
	for _, tt := range tests {
		got := GenerateSlug(tt.title, tt.entities)
		if got != tt.want {
			t.Errorf("GenerateSlug(%q, %q) = %q, want %q", tt.title, tt.entities, got, tt.want)
		}
		if !slugRe.MatchString(got) || len(got) > briefs.MaxSlugLen {
			t.Errorf("GenerateSlug(%q) = %q: not a slug", tt.title, got)
		}
	}
}
