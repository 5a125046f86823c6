package bot

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"

	"briefbot/briefs"

	"github.com/bwmarrin/discordgo"
)

// Discord's message limits: content 2000 characters; at most 10 embeds, of
// a title up to 256, a description up to 4096, 25 fields (name 256, value
// 1024), a footer up to 2048 and an author name up to 256, and 6000 in all;
// 25 autocomplete choices of names up to 100; custom ids up to 100; button
// labels up to 80. URLs over 512 characters are not linked, and /briefs
// pages hold 10 briefs.
const (
	maxContent       = 2000
	maxEmbeds        = 10
	maxEmbedTitle    = 256
	maxEmbedDesc     = 4096
	maxEmbedFields   = 25
	maxFieldName     = 256
	maxFieldValue    = 1024
	maxFooter        = 2048
	maxAuthorName    = 256
	maxEmbedTotal    = 6000
	maxChoices       = 25
	maxChoiceName    = 100
	maxCustomID      = 100
	maxButtonLabel   = 80
	maxURLLength     = 512
	listingsPageSize = 10
)

// BriefEmbed renders a brief: title linked to the source, gist (left out when
// it is the title again), bullets, the people and places named, and a footer
// with site, date, reading time and slug.
func BriefEmbed(b briefs.Brief) *discordgo.MessageEmbed {
	var desc strings.Builder
	if !SameSentence(b.Title, b.Gist) {
		desc.WriteString(b.Gist)
		if len(b.Bullets) > 0 && b.Gist != "" {
			desc.WriteString("\n")
		}
	}
	for _, bl := range b.Bullets {
		if repeatsGist(bl, b.Gist) {
			continue
		}
		if desc.Len() > 0 {
			desc.WriteString("\n")
		}
		desc.WriteString("• ")
		desc.WriteString(bl)
	}
	e := &discordgo.MessageEmbed{
		Title:       b.Title,
		Description: desc.String(),
		Footer:      &discordgo.MessageEmbedFooter{Text: briefFooter(b)},
	}
	if names := namedList(b.Entities, maxFieldValue); names != "" {
		e.Fields = []*discordgo.MessageEmbedField{{Name: namedFieldName, Value: names}}
	}
	if isWebURL(b.SourceURL) {
		e.URL = b.SourceURL
	}
	if b.Byline != "" {
		e.Author = &discordgo.MessageEmbedAuthor{Name: b.Byline}
	}
	if img := briefs.ImageURL(b.ImageURL); img != "" {
		// Discord fetches the image itself and shows it beside the brief.
		e.Thumbnail = &discordgo.MessageEmbedThumbnail{URL: img}
	}
	return e
}

// namedFieldName heads the embed field that lists the entities of a brief.
const namedFieldName = "People & places"

// namedList joins the names a brief mentions with " · ", as many whole names
// as fit in limit characters; "" when there are none.
func namedList(names []string, limit int) string {
	var b strings.Builder
	n := 0
	for _, name := range names {
		name = strings.Join(strings.Fields(name), " ")
		if name == "" {
			continue
		}
		add := utf8.RuneCountInString(name)
		if n > 0 {
			add += len(" · ") - 1 // "·" is one character
		}
		if n+add > limit {
			break
		}
		if n > 0 {
			b.WriteString(" · ")
		}
		b.WriteString(name)
		n += add
	}
	return b.String()
}

// SameSentence reports whether a brief's title and gist say the same thing,
// so that only the title is shown: equal once case, punctuation and white
// space are ignored, or the title (three words or more) is the start of the
// gist cut short with "…". A complete shorter headline above the whole
// sentence ("Storm closes Denver schools" over "A storm closed schools ...
// on Monday, snarling the commute.") is a headline and its lede: both show.
func SameSentence(title, gist string) bool {
	t, g := sentenceKey(title), sentenceKey(gist)
	if t == "" || g == "" {
		return false
	}
	if t == g {
		return true
	}
	cut := strings.HasSuffix(strings.TrimSpace(title), "\u2026") || strings.HasSuffix(strings.TrimSpace(title), "...")
	return cut && strings.Count(t, " ") >= 2 && strings.HasPrefix(g, t+" ")
}

// sentenceKey is s in lower case with punctuation dropped and white space
// collapsed: "Putin, Kim sign pact…" -> "putin kim sign pact".
func sentenceKey(s string) string {
	var b strings.Builder
	space := false
	for _, r := range strings.ToLower(s) {
		switch {
		case unicode.IsLetter(r) || unicode.IsDigit(r):
			if space && b.Len() > 0 {
				b.WriteByte(' ')
			}
			space = false
			b.WriteRune(r)
		case unicode.IsSpace(r) || r == '-' || r == '\u2013' || r == '\u2014' || r == '/':
			space = true
		}
		// Other punctuation (quotes, commas, "…") is dropped.
	}
	return b.String()
}

// repeatsGist reports whether a bullet says nothing the gist above it has not
// said: the gist is often the lead sentence and the first bullet a trimmed
// copy of it, which a reader should not see twice.
func repeatsGist(bullet, gist string) bool {
	core := strings.TrimRight(strings.TrimSpace(bullet), ".!?…\"'”’ ")
	return core != "" && strings.Contains(gist, core)
}

// briefFooter is "site · Jun 19, 2024 · 2 min read · putin-kim", leaving out
// what is unknown.
func briefFooter(b briefs.Brief) string {
	var parts []string
	if b.Site != "" {
		parts = append(parts, b.Site)
	}
	if !b.PublishedAt.IsZero() {
		parts = append(parts, b.PublishedAt.Format("Jan 2, 2006"))
	}
	parts = append(parts, fmt.Sprintf("%d min read", max(b.ReadingMinutes, 1)), b.Slug)
	return strings.Join(parts, " · ")
}

// sourceButton is the link button under a brief; nil when there is no link.
func sourceButton(b briefs.Brief) []discordgo.MessageComponent {
	if !isWebURL(b.SourceURL) || len(b.SourceURL) > maxURLLength {
		return nil
	}
	return []discordgo.MessageComponent{discordgo.ActionsRow{Components: []discordgo.MessageComponent{
		discordgo.Button{Style: discordgo.LinkButton, Label: "Read the article", URL: b.SourceURL},
	}}}
}

func isWebURL(s string) bool {
	return strings.HasPrefix(s, "https://") || strings.HasPrefix(s, "http://")
}

// listingLine is one article in a list: "`slug` — title".
func listingLine(l briefs.Listing) string {
	line := fmt.Sprintf("`%s` — %s", l.Slug, l.Title)
	if l.Site != "" {
		line += " (" + l.Site + ")"
	}
	switch {
	case l.StoryOf != "":
		line += fmt.Sprintf(" · in the story `%s`", l.StoryOf)
	case l.StorySources > 1:
		line += fmt.Sprintf(" · %d outlets", l.StorySources)
	}
	return line
}

// fitMessage enforces every Discord length limit on a message in one place:
// content, embed count, each embed part, fields, and the 6000-character total
// across embeds (cutting descriptions last, so titles survive). Cut text ends
// with "…".
func fitMessage(d *discordgo.InteractionResponseData) {
	if d == nil {
		return
	}
	d.Content = briefs.Truncate(d.Content, maxContent)
	if len(d.Embeds) > maxEmbeds {
		d.Embeds = d.Embeds[:maxEmbeds]
	}
	for i, c := range d.Choices {
		if i >= maxChoices {
			d.Choices = d.Choices[:maxChoices]
			break
		}
		c.Name = briefs.Truncate(c.Name, maxChoiceName)
	}
	total := 0
	for _, e := range d.Embeds {
		fitEmbed(e)
		total += embedLength(e)
	}
	// Over the total: shorten descriptions, last embed first.
	for i := len(d.Embeds) - 1; i >= 0 && total > maxEmbedTotal; i-- {
		e := d.Embeds[i]
		over := total - maxEmbedTotal
		n := utf8.RuneCountInString(e.Description)
		keep := max(n-over, 0)
		e.Description = briefs.Truncate(e.Description, keep)
		total += utf8.RuneCountInString(e.Description) - n
	}
}

func fitEmbed(e *discordgo.MessageEmbed) {
	e.Title = briefs.Truncate(e.Title, maxEmbedTitle)
	e.Description = briefs.Truncate(e.Description, maxEmbedDesc)
	if len(e.Fields) > maxEmbedFields {
		e.Fields = e.Fields[:maxEmbedFields]
	}
	for _, f := range e.Fields {
		f.Name = briefs.Truncate(f.Name, maxFieldName)
		f.Value = briefs.Truncate(f.Value, maxFieldValue)
	}
	if e.Footer != nil {
		e.Footer.Text = briefs.Truncate(e.Footer.Text, maxFooter)
	}
	if e.Author != nil {
		e.Author.Name = briefs.Truncate(e.Author.Name, maxAuthorName)
	}
	if len(e.URL) > maxURLLength {
		e.URL = ""
	}
}

// embedLength counts what Discord counts towards the 6000-character total.
func embedLength(e *discordgo.MessageEmbed) int {
	n := utf8.RuneCountInString(e.Title) + utf8.RuneCountInString(e.Description)
	for _, f := range e.Fields {
		n += utf8.RuneCountInString(f.Name) + utf8.RuneCountInString(f.Value)
	}
	if e.Footer != nil {
		n += utf8.RuneCountInString(e.Footer.Text)
	}
	if e.Author != nil {
		n += utf8.RuneCountInString(e.Author.Name)
	}
	return n
}
