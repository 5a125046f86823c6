package bot

import (
	"strings"
	"testing"
	"unicode/utf8"

	"briefbot/briefs"

	"github.com/bwmarrin/discordgo"
)

func runes(s string) int { return utf8.RuneCountInString(s) }

// One case per Discord limit (DESIGN.md section 6), each checked after
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
