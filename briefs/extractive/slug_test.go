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
		topic    string
	}{
		{"Russia's Deal With North Korea Is 'Ominously Ambiguous'",
			[]string{"Vladimir Putin", "North Korea", "Russia", "Kim Jong Un", "Cold War"}, "putin-kim", "deal"},
		{"New Pact Between Putin, Kim Is 'Ominously Ambiguous'",
			[]string{"North Korea", "Vladimir Putin", "Kim Jong Un"}, "putin-kim", "pact"},
		// A title before a name is no slug word, nor a verb.
		{"Maryland Gov. Wes Moore vows to rebuild Baltimore bridge",
			[]string{"Wes Moore", "Baltimore", "Maryland", "Francis Scott Key Bridge"}, "moore-baltimore", "bridge"},
		{"Zurich Zoo welcomes a baby elephant", []string{"Zurich Zoo", "Switzerland"}, "zurich-zoo", "elephant"},
		{"Apple unveils a new iPhone", []string{"Apple", "Tim Cook"}, "cook-apple", "iphone"},
		{"South Dakota Gov. Kristi Noem defends meth campaign",
			[]string{"South Dakota", "Kristi Noem", "Twitter"}, "noem-south-dakota", "campaign"},
		{"Alibaba to raise up to $12.9bn in Hong Kong listing",
			[]string{"Hong Kong", "Alibaba", "New York", "Beijing"}, "alibaba", "listing"},
		{"Storm hits the coast", nil, "storm-coast", ""},
		{"Zürich bans cars", []string{"Zürich"}, "zurich", "cars"},
		{"", []string{"United Nations", "Geneva"}, "united-nations", ""},
		{"Talks in Geneva", []string{"Geneva", "Iran"}, "geneva", "talks"},
		{"Iran and Israel trade blows", []string{"Israel", "Iran", "Tehran"}, "iran-israel", "blows"},
		// Wordless scripts: Latin-script names, else "article".
		{"普京与金正恩签署协议", []string{"普京", "Kim Jong Un"}, "kim", ""},
		{"普京与金正恩签署协议", []string{"普京", "金正恩"}, "article", ""},
		{"Kindle書籍をパソコンで読む", []string{"PC"}, "kindle", ""},
		{"", nil, "article", ""},
		{"🎸🚀 !!!", nil, "article", ""},
	}
	for _, tt := range tests {
		got, topic := slugParts(tt.title, tt.entities)
		if got != tt.want {
			t.Errorf("slug of (%q, %q) = %q, want %q", tt.title, tt.entities, got, tt.want)
		}
		if !slugRe.MatchString(got) || len(got) > briefs.MaxSlugLen {
			t.Errorf("slug of %q = %q: not a slug", tt.title, got)
		}
		if topic != tt.topic {
			t.Errorf("topic of (%q, %q) = %q, want %q", tt.title, tt.entities, topic, tt.topic)
		} else if topic != "" && !slugRe.MatchString(got+"-"+topic) {
			t.Errorf("topic of %q = %q: not a slug word", tt.title, topic)
		}
	}
}

func TestSummarizeSampleSlug(t *testing.T) {
	sum, err := New().Summarize(briefs.Document{Text: readSample(t)})
	if err != nil {
		t.Fatal(err)
	}
	if sum.Slug != "putin-kim" || sum.SlugTopic != "deal" {
		t.Errorf("Slug, SlugTopic = %q, %q, want putin-kim, deal", sum.Slug, sum.SlugTopic)
	}
}
