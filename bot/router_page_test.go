package bot_test

import (
	"context"
	"os"
	"strings"
	"testing"

	"briefbot/briefs"
	"briefbot/briefs/fetch"

	"github.com/bwmarrin/discordgo"
)

// HTML pasted into /article add text: is read like a fetched page: the
// brief's headline is the article's, not the cookie banner above it.
func TestArticleAddPastedHTML(t *testing.T) {
	r, svc := newRouter(t)
	svc.ExtractPage = func(html []byte) (briefs.WebPage, error) {
		p, err := fetch.ExtractPage(html)
		if err != nil {
			return briefs.WebPage{}, err
		}
		return briefs.WebPage{URL: p.URL, CanonicalURL: p.CanonicalURL, Title: p.Title, Byline: p.Byline,
			Site: p.SiteName, PublishedAt: p.PublishedAt, Image: p.Image, Text: p.Text}, nil
	}
	raw, err := os.ReadFile("../briefs/fetch/testdata/saved-valley-news.html")
	if err != nil {
		t.Fatal(err)
	}
	resp := mustAdd(t, r, string(raw), "bridge")
	e := resp.Data.Embeds[0]
	if e.Title != "Old river bridge reopens after two years of repairs" {
		t.Errorf("embed title %q", e.Title)
	}
	if e.Thumbnail == nil || e.Thumbnail.URL != "https://cdn.valleynews.example/img/bridge.jpg" {
		t.Errorf("thumbnail %+v", e.Thumbnail)
	}
	if !strings.HasPrefix(e.Footer.Text, "Valley News · Mar 4, 2025 · ") || strings.Contains(e.Description, "cookies") {
		t.Errorf("footer %q, description:\n%s", e.Footer.Text, e.Description)
	}

	banner := `<!DOCTYPE html><html><body><div class="cookie-consent"><p>We use cookies to improve your experience. Accept all cookies?</p><button>Accept all</button></div><nav><a href="/">Home</a></nav></body></html>`
	resp = r.Handle(context.Background(), command("article", "add", admin, map[string]string{"text": banner}))
	if resp.Data == nil || strings.Contains(resp.Data.Content, "Added") || !strings.Contains(resp.Data.Content+embedText(resp.Data.Embeds), "Paste the article text") {
		t.Errorf("a page of furniture: %+v", resp.Data)
	}
}

func embedText(es []*discordgo.MessageEmbed) string {
	var b strings.Builder
	for _, e := range es {
		b.WriteString(e.Title + "\n" + e.Description + "\n")
	}
	return b.String()
}
