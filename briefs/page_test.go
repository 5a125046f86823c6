package briefs_test

import (
	"context"
	"os"
	"strings"
	"testing"
	"time"

	"briefbot/briefs"
	"briefbot/briefs/extractive"
	"briefbot/store/storetest"
)

func TestLooksLikeHTML(t *testing.T) {
	for _, tc := range []struct {
		text string
		want bool
	}{
		{"<!DOCTYPE html><html><head></head><body><p>Hi.</p></body></html>", true},
		{"\ufeff  <html lang=\"en\"><p>Hi.</p></html>", true},
		{"<article><h1>Bridge reopens</h1><p>The bridge reopened.</p></article>", true},
		{"<body>\n<div class=\"x\"><p>One.</p></div>", true},
		{strings.Repeat("<p>A paragraph of the story.</p>\n", 6), true},
		{"Use the <p> element for paragraphs and <br> for line breaks in your page.", false},
		{"The index rose as a < b and c > d held; <3 from all of us.", false},
		{"Putin and Kim signed a pact.\n\nThe text was not published.", false},
		{"<notatag> and <another> in a long list of <angle> brackets <here> and <there> <again> <and> <again> <and> <again>", false},
	} {
		if got := briefs.LooksLikeHTML(tc.text); got != tc.want {
			t.Errorf("LooksLikeHTML(%.50q) = %v, want %v", tc.text, got, tc.want)
		}
	}
}

func sample(t *testing.T) string {
	t.Helper()
	b, err := os.ReadFile("../examples/putin-kim.txt")
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// savedPage is HTML as a user hands it over; the fake extractor below
// stands for the page reader, which has tests of its own.
const savedPage = `<!DOCTYPE html><html><head><title>Saved</title></head><body><article><p>...</p></article></body></html>`

func TestAddHTMLGoesThroughThePageExtractor(t *testing.T) {
	ctx := context.Background()
	text := sample(t)
	published := time.Date(2024, 6, 19, 9, 13, 0, 0, time.UTC)
	var calls int
	svc := &briefs.Service{
		Store: storetest.Open(t), Summarizer: extractive.New(), MaxArticleBytes: 1 << 20, MaxPageBytes: 1 << 20,
		ExtractPage: func(html []byte) (briefs.WebPage, error) {
			calls++
			if string(html) != savedPage {
				t.Errorf("extractor got %.60q", html)
			}
			return briefs.WebPage{
				URL: "https://news.example/putin-kim", CanonicalURL: "https://news.example/putin-kim",
				Title: "Putin and Kim sign a defence pact", Byline: "Ada Reporter", Site: "News Example",
				PublishedAt: published, Image: "https://img.news.example/pact.jpg", Text: text,
			}, nil
		},
	}
	res, err := svc.Add(ctx, briefs.AddInput{GuildID: "g", UserID: "u", Text: savedPage})
	if err != nil {
		t.Fatal(err)
	}
	a, err := svc.Store.ArticleBySlug(ctx, "g", res.Brief.Slug)
	if err != nil {
		t.Fatal(err)
	}
	if a.Text != text || a.Title != "Putin and Kim sign a defence pact" || a.Byline != "Ada Reporter" || a.Site != "News Example" ||
		a.SourceURL != "https://news.example/putin-kim" || !a.PublishedAt.Equal(published) ||
		a.ImageURL != "https://img.news.example/pact.jpg" || a.Lang != "en" {
		t.Errorf("stored article: %+v", a)
	}
	b := res.Brief
	if b.Title != a.Title || b.ImageURL != a.ImageURL || b.Lang != "en" || b.SourceURL != a.SourceURL {
		t.Errorf("brief: %+v", b)
	}

	// What the admin gives wins over the page; plain text never reaches
	// the extractor.
	res, err = svc.Add(ctx, briefs.AddInput{GuildID: "g2", Text: savedPage, Title: "My own headline", SourceURL: "https://other.example/x"})
	if err != nil {
		t.Fatal(err)
	}
	if res.Brief.Title != "My own headline" || res.Brief.SourceURL != "https://other.example/x" {
		t.Errorf("given title and link: %q %q", res.Brief.Title, res.Brief.SourceURL)
	}
	n := calls
	if _, err := svc.Add(ctx, briefs.AddInput{GuildID: "g3", Text: text}); err != nil {
		t.Fatal(err)
	}
	if calls != n {
		t.Error("plain text went through the page extractor")
	}
}

func TestAddHTMLRefusedStoresNothing(t *testing.T) {
	ctx := context.Background()
	hint := "That page has too little article text to summarize. Paste the article text instead: /article add text: in Discord, or briefbot add FILE."
	svc := &briefs.Service{
		Store: storetest.Open(t), Summarizer: extractive.New(), MaxPageBytes: 1 << 10,
		ExtractPage: func([]byte) (briefs.WebPage, error) {
			return briefs.WebPage{}, briefs.Errorf(briefs.EINVALID, "%s", hint)
		},
	}
	_, err := svc.Add(ctx, briefs.AddInput{GuildID: "g", Text: savedPage})
	if briefs.ErrorCode(err) != briefs.EINVALID || !strings.Contains(err.Error(), "Paste the article text instead") {
		t.Errorf("refusal: %v", err)
	}
	big := savedPage + strings.Repeat("<p>More.</p>", 200)
	if _, err := svc.Add(ctx, briefs.AddInput{GuildID: "g", Text: big}); briefs.ErrorCode(err) != briefs.ETOOLARGE {
		t.Errorf("page over MaxPageBytes: %v", err)
	}
	if _, total, err := svc.Store.Recent(ctx, "g", 0, 10); err != nil || total != 0 {
		t.Errorf("after refusals the guild has %d articles (%v)", total, err)
	}
}
