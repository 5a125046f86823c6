//go:build linux

package e2e_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"briefbot/briefs"
	"briefbot/briefs/extractive"
)

// articleFactory makes many distinct, realistic articles cheaply: the sample
// text with a numbered update appended (so each has its own content hash),
// a headline and slug built from a few word lists (so the term index is not
// one term), and the sample's brief re-titled, as the service would cache
// it. The summarizer runs once.
type articleFactory struct {
	guild   string
	text    string
	sum     briefs.Summary
	version string
}

func newArticleFactory(tb testing.TB, guildID string) *articleFactory {
	tb.Helper()
	x := extractive.New()
	text := sampleText(tb)
	sum, err := x.Summarize(briefs.Document{Text: text})
	if err != nil {
		tb.Fatal(err)
	}
	return &articleFactory{guild: guildID, text: text, sum: sum, version: x.Version()}
}

var (
	factoryPeople = []string{"putin", "kim", "scholz", "macron", "modi", "lula", "meloni", "sanchez", "tusk", "kishida", "albanese", "ramaphosa", "milei"}
	factoryTopics = []string{"trade", "energy", "defence", "climate", "grain", "chips", "tariffs", "shipping", "rates", "elections", "water"}
	factoryPlaces = []string{"pyongyang", "berlin", "paris", "delhi", "brasilia", "rome", "madrid", "warsaw", "tokyo", "canberra", "pretoria"}
)

// slug is the slug of article n.
func (f *articleFactory) slug(n int) string {
	return fmt.Sprintf("%s-%s-%s-%d", factoryPeople[n%len(factoryPeople)], factoryTopics[(n/3)%len(factoryTopics)],
		factoryPlaces[(n/7)%len(factoryPlaces)], n)
}

// text is the text of article n.
func (f *articleFactory) textOf(n int) string {
	return f.text + fmt.Sprintf("\n\nUpdate %d: officials in %s said talks on %s would resume next week.", n,
		capital(factoryPlaces[(n/7)%len(factoryPlaces)]), factoryTopics[(n/3)%len(factoryTopics)])
}

// request is the AddRequest that stores article n, as briefs.Service.Add
// builds it.
func (f *articleFactory) request(n int) briefs.AddRequest {
	text := f.textOf(n)
	hash := briefs.ContentHash(text)
	person := factoryPeople[n%len(factoryPeople)]
	place := factoryPlaces[(n/7)%len(factoryPlaces)]
	title := fmt.Sprintf("%s and %s: %s talks in %s, report %d", capital(person), f.sum.Entities[0], factoryTopics[(n/3)%len(factoryTopics)], capital(place), n)
	now := time.Now().UTC()
	a := briefs.Article{
		ID: hash[:16], GuildID: f.guild, Slug: f.slug(n), Title: title, Text: text,
		ContentHash: hash, AddedBy: memberID, AddedAt: now, Byline: f.sum.Byline, PublishedAt: f.sum.PublishedAt,
	}
	entities := append([]string{capital(person), capital(place)}, f.sum.Entities...)
	if len(entities) > 8 {
		entities = entities[:8]
	}
	b := briefs.Brief{
		ArticleID: a.ID, GuildID: a.GuildID, Slug: a.Slug, Title: title, Gist: f.sum.Gist, Bullets: f.sum.Bullets,
		Byline: a.Byline, PublishedAt: a.PublishedAt, ReadingMinutes: briefs.ReadingMinutes(f.sum.Words),
		Entities: entities, Summarizer: f.version, CreatedAt: now,
	}
	return briefs.AddRequest{
		Article: a, Brief: b, ExactSlug: true, BriefTTL: 24 * time.Hour,
		Terms: briefs.IndexTerms(a.Slug, a.Title, b.Entities),
	}
}

// capital upper-cases the first letter of an ASCII word.
func capital(w string) string {
	if w == "" {
		return w
	}
	return strings.ToUpper(w[:1]) + w[1:]
}
