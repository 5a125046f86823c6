package bot

import (
	"strings"
	"testing"
	"unicode/utf8"

	"briefbot/briefs"

	"github.com/bwmarrin/discordgo"
)

func runes(s string) int { return utf8.RuneCountInString(s) }

// One case per Discord message limit, each checked after
// fitMessage on input well over it.
func TestFitMessageEnforcesEachLimit(t *testing.T) {
	over := func(n int) string { return strings.Repeat("é", n+50) }
	tests := []struct {
		name  string
		data  func() *discordgo.InteractionResponseData
		check func(*discordgo.InteractionResponseData) bool
	}{
		{"content 2000", func() *discordgo.InteractionResponseData {
			return &discordgo.InteractionResponseData{Content: over(2000)}
		},
			func(d *discordgo.InteractionResponseData) bool {
				return runes(d.Content) == 2000 && strings.HasSuffix(d.Content, "…")
			}},
		{"embed title 256", func() *discordgo.InteractionResponseData {
			return &discordgo.InteractionResponseData{Embeds: []*discordgo.MessageEmbed{{Title: over(256)}}}
		}, func(d *discordgo.InteractionResponseData) bool { return runes(d.Embeds[0].Title) == 256 }},
		{"description 4096", func() *discordgo.InteractionResponseData {
			return &discordgo.InteractionResponseData{Embeds: []*discordgo.MessageEmbed{{Description: over(4096)}}}
		}, func(d *discordgo.InteractionResponseData) bool { return runes(d.Embeds[0].Description) == 4096 }},
		{"25 fields", func() *discordgo.InteractionResponseData {
			e := &discordgo.MessageEmbed{}
			for range 40 {
				e.Fields = append(e.Fields, &discordgo.MessageEmbedField{Name: "n", Value: "v"})
			}
			return &discordgo.InteractionResponseData{Embeds: []*discordgo.MessageEmbed{e}}
		}, func(d *discordgo.InteractionResponseData) bool { return len(d.Embeds[0].Fields) == 25 }},
		{"field name 256 and value 1024", func() *discordgo.InteractionResponseData {
			return &discordgo.InteractionResponseData{Embeds: []*discordgo.MessageEmbed{{Fields: []*discordgo.MessageEmbedField{{Name: over(256), Value: over(1024)}}}}}
		}, func(d *discordgo.InteractionResponseData) bool {
			f := d.Embeds[0].Fields[0]
			return runes(f.Name) == 256 && runes(f.Value) == 1024
		}},
		{"footer 2048", func() *discordgo.InteractionResponseData {
			return &discordgo.InteractionResponseData{Embeds: []*discordgo.MessageEmbed{{Footer: &discordgo.MessageEmbedFooter{Text: over(2048)}}}}
		}, func(d *discordgo.InteractionResponseData) bool { return runes(d.Embeds[0].Footer.Text) == 2048 }},
		{"author 256", func() *discordgo.InteractionResponseData {
			return &discordgo.InteractionResponseData{Embeds: []*discordgo.MessageEmbed{{Author: &discordgo.MessageEmbedAuthor{Name: over(256)}}}}
		}, func(d *discordgo.InteractionResponseData) bool { return runes(d.Embeds[0].Author.Name) == 256 }},
		{"10 embeds", func() *discordgo.InteractionResponseData {
			d := &discordgo.InteractionResponseData{}
			for range 12 {
				d.Embeds = append(d.Embeds, &discordgo.MessageEmbed{Title: "t"})
			}
			return d
		}, func(d *discordgo.InteractionResponseData) bool { return len(d.Embeds) == 10 }},
		{"6000 in total", func() *discordgo.InteractionResponseData {
			d := &discordgo.InteractionResponseData{}
			for range 3 {
				d.Embeds = append(d.Embeds, &discordgo.MessageEmbed{Title: "title", Description: over(4000)})
			}
			return d
		}, func(d *discordgo.InteractionResponseData) bool {
			total := 0
			for _, e := range d.Embeds {
				total += embedLength(e)
				if e.Title != "title" {
					return false // titles survive; descriptions give way
				}
			}
			return total <= 6000
		}},
		{"25 choices of 100", func() *discordgo.InteractionResponseData {
			d := &discordgo.InteractionResponseData{}
			for range 30 {
				d.Choices = append(d.Choices, &discordgo.ApplicationCommandOptionChoice{Name: over(100), Value: "v"})
			}
			return d
		}, func(d *discordgo.InteractionResponseData) bool {
			return len(d.Choices) == 25 && runes(d.Choices[0].Name) == 100
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := tt.data()
			fitMessage(d)
			if !tt.check(d) {
				t.Errorf("limit not enforced")
			}
		})
	}
}

func TestFitMessageLeavesShortMessagesAlone(t *testing.T) {
	d := &discordgo.InteractionResponseData{Content: "hi", Embeds: []*discordgo.MessageEmbed{{Title: "t", Description: "d"}}}
	fitMessage(d)
	if d.Content != "hi" || d.Embeds[0].Title != "t" || d.Embeds[0].Description != "d" {
		t.Fatalf("changed a short message: %+v", d)
	}
}

func TestBriefEmbedDoesNotRepeatTheGist(t *testing.T) {
	b := briefs.Brief{
		Title:   "Pact",
		Gist:    "Putin and Kim signed a pact on Wednesday, calling it a breakthrough.",
		Bullets: []string{"Putin and Kim signed a pact on Wednesday.", "The text is unpublished.", "China is silent."},
		Slug:    "pact",
	}
	desc := BriefEmbed(b).Description
	if strings.Count(desc, "Putin and Kim signed a pact on Wednesday") != 1 {
		t.Errorf("gist repeated as a bullet:\n%s", desc)
	}
	if !strings.Contains(desc, "• The text is unpublished.") || !strings.Contains(desc, "• China is silent.") {
		t.Errorf("other bullets lost:\n%s", desc)
	}
}

func TestBriefEmbedNamesPeopleAndPlaces(t *testing.T) {
	b := briefs.Brief{Title: "Pact", Gist: "Putin and Kim signed a pact.", Bullets: []string{"The text is unpublished."},
		Entities: []string{"Vladimir Putin", "Kim Jong Un", "North Korea"}, Slug: "putin-kim"}
	e := BriefEmbed(b)
	if len(e.Fields) != 1 || e.Fields[0].Name != "People & places" || e.Fields[0].Value != "Vladimir Putin · Kim Jong Un · North Korea" {
		t.Fatalf("fields = %+v", e.Fields)
	}
	text := BriefText(b)
	if !strings.Contains(text, "\nPeople & places: Vladimir Putin · Kim Jong Un · North Korea\n") {
		t.Errorf("text lacks the names:\n%s", text)
	}
	b.Entities = nil
	if e := BriefEmbed(b); len(e.Fields) != 0 {
		t.Errorf("a brief without names has fields %+v (Discord rejects an empty field)", e.Fields)
	}
}

func TestBriefEmbedNamesWithinLimits(t *testing.T) {
	var names []string
	for i := range 10 {
		names = append(names, strings.Repeat(string(rune('A'+i)), 300)) // 3000 characters in all
	}
	long := strings.Repeat("word ", 2000)
	b := briefs.Brief{Title: strings.Repeat("T", 400), Gist: long, Bullets: []string{long, long, long},
		Entities: names, Byline: strings.Repeat("B", 300), Slug: "s"}
	d := &discordgo.InteractionResponseData{Embeds: []*discordgo.MessageEmbed{BriefEmbed(b)}}
	fitMessage(d)
	e := d.Embeds[0]
	if len(e.Fields) != 1 {
		t.Fatalf("fields = %d, want 1", len(e.Fields))
	}
	v := e.Fields[0].Value
	if runes(v) > 1024 {
		t.Errorf("field value has %d characters, over 1024", runes(v))
	}
	// Whole names only: three of 300 with two separators.
	if want := strings.Join(names[:3], " · "); v != want {
		t.Errorf("field value is not the first whole names (%d characters)", runes(v))
	}
	if n := embedLength(e); n > 6000 {
		t.Errorf("embed has %d characters, over 6000", n)
	}
}

func TestSameSentence(t *testing.T) {
	tests := []struct {
		title, gist string
		want        bool
	}{
		{"Putin and Kim sign a pact", "Putin and Kim sign a pact.", true},
		{"PUTIN AND KIM SIGN A PACT", "putin and kim  sign a pact!", true},
		{"Putin, Kim sign pact…", "Putin, Kim sign pact in Pyongyang on Wednesday.", true},
		{"“Putin and Kim” sign pact", "\"Putin and Kim\" sign pact.", true},
		{"Putin and Kim sign a pact", "The leaders met in Pyongyang.", false},
		{"Putin", "Putin met Kim in Pyongyang.", false}, // a short title is not the gist cut short
		{"Putin and Kim sign", "Putin and Kimberly signed nothing.", false},
		// A complete headline over its longer lede: both are shown.
		{"A storm dumped a foot of snow on Denver", "A storm dumped a foot of snow on Denver, closing schools.", false},
		{"", "Putin met Kim.", false},
	}
	for _, tt := range tests {
		if got := SameSentence(tt.title, tt.gist); got != tt.want {
			t.Errorf("SameSentence(%q, %q) = %v, want %v", tt.title, tt.gist, got, tt.want)
		}
	}
}

func TestBriefShowsTheTitleOnceWhenTheGistIsTheTitle(t *testing.T) {
	b := briefs.Brief{
		Title:   "Gaming used to be so simple",
		Gist:    "Gaming used to be so simple.",
		Bullets: []string{"Now we spend money over and over.", "We play on phones."},
		Slug:    "gaming",
	}
	e := BriefEmbed(b)
	if strings.Contains(e.Description, "Gaming used to be so simple") {
		t.Errorf("gist repeats the title:\n%s", e.Description)
	}
	if !strings.HasPrefix(e.Description, "• Now we spend money over and over.\n• We play on phones.") {
		t.Errorf("bullets lost or misplaced:\n%s", e.Description)
	}
	if n := strings.Count(strings.ToLower(BriefText(b)), "gaming used to be so simple"); n != 1 {
		t.Errorf("text shows the sentence %d times, want once:\n%s", n, BriefText(b))
	}
	// A different gist still shows, above the bullets.
	b.Gist = "Games now cost money over and over."
	if d := BriefEmbed(b).Description; !strings.HasPrefix(d, b.Gist+"\n\n• Now we spend") {
		t.Errorf("gist missing:\n%s", d)
	}
}

func TestBriefEmbedThumbnailIsTheLeadImage(t *testing.T) {
	b := briefs.Brief{Title: "Pact", Gist: "Putin and Kim signed a pact.", Slug: "pact",
		ImageURL: "https://img.news.example/pact.jpg"}
	e := BriefEmbed(b)
	if e.Thumbnail == nil || e.Thumbnail.URL != "https://img.news.example/pact.jpg" {
		t.Fatalf("thumbnail = %+v, want the lead image", e.Thumbnail)
	}
	for _, bad := range []string{"", "/pact.jpg", "javascript:alert(1)", "ftp://img.news.example/pact.jpg",
		"data:image/png;base64,AAAA", "https://img.news.example/" + strings.Repeat("a", briefs.MaxImageURLLen)} {
		b.ImageURL = bad
		if e := BriefEmbed(b); e.Thumbnail != nil {
			t.Errorf("image %.60q gave thumbnail %q; want none", bad, e.Thumbnail.URL)
		}
	}
}
