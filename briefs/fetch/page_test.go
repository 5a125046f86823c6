package fetch_test

import (
	"os"
	"strings"
	"testing"
	"time"

	"briefbot/briefs"
	"briefbot/briefs/fetch"
)

// A saved page whose first visible text is a cookie banner and whose
// <title> is the site's name: the headline is the article's, the text is
// the story, and the canonical link stands for the page's URL.
func TestExtractPageSaved(t *testing.T) {
	raw, err := os.ReadFile("testdata/saved-valley-news.html")
	if err != nil {
		t.Fatal(err)
	}
	p, err := fetch.ExtractPage(raw)
	if err != nil {
		t.Fatal(err)
	}
	if p.Title != "Old river bridge reopens after two years of repairs" {
		t.Errorf("title %q", p.Title)
	}
	if !strings.HasPrefix(p.Text, "The old stone bridge over the Lessing river reopened") {
		t.Errorf("text starts %q", truncate(p.Text, 120))
	}
	for _, absent := range []string{"cookies", "Accept all", "Manage settings", "Privacy policy", "Copyright"} {
		if strings.Contains(p.Text, absent) {
			t.Errorf("text keeps %q:\n%s", absent, p.Text)
		}
	}
	want := fetch.Page{
		URL:          "https://www.valleynews.example/2025/03/04/river-bridge-reopens",
		CanonicalURL: "https://www.valleynews.example/2025/03/04/river-bridge-reopens",
		Byline:       "Maren Holt",
		SiteName:     "Valley News",
		Image:        "https://cdn.valleynews.example/img/bridge.jpg",
		PublishedAt:  time.Date(2025, 3, 4, 7, 30, 0, 0, time.UTC),
	}
	got := p
	got.Title, got.Text = "", ""
	if got != want {
		t.Errorf("page\n got %+v\nwant %+v", got, want)
	}

	// Without a canonical link there is no URL, and no made-up site name.
	bare := strings.Replace(string(raw), `<link rel="canonical" href="https://www.valleynews.example/2025/03/04/river-bridge-reopens">`, "", 1)
	bare = strings.Replace(bare, `<meta property="og:site_name" content="Valley News">`, "", 1)
	bare = strings.Replace(bare, `https://cdn.valleynews.example/img/bridge.jpg`, `/img/bridge.jpg`, 1)
	p, err = fetch.ExtractPage([]byte(bare))
	if err != nil {
		t.Fatal(err)
	}
	if p.URL != "" || p.CanonicalURL != "" || p.Image != "" || strings.Contains(p.SiteName, "invalid") {
		t.Errorf("page without a link: URL %q, canonical %q, image %q, site %q", p.URL, p.CanonicalURL, p.Image, p.SiteName)
	}
	if p.Title != "Old river bridge reopens after two years of repairs" {
		t.Errorf("title without a link: %q", p.Title)
	}

	// A page with no story is refused with the hint to paste the text.
	_, err = fetch.ExtractPage([]byte(`<!DOCTYPE html><html><head><title>Valley News</title></head><body>
<div class="cookie-consent"><p>We use cookies to improve your experience. Accept all cookies?</p><button>Accept all</button></div>
<nav><a href="/">Home</a> <a href="/local">Local</a></nav></body></html>`))
	if briefs.ErrorCode(err) != briefs.EINVALID || !strings.Contains(err.Error(), "Paste the article text") {
		t.Errorf("a page of furniture: %v", err)
	}
}

func truncate(s string, n int) string {
	if len(s) > n {
		return s[:n]
	}
	return s
}

func TestFragmentText(t *testing.T) {
	for in, want := range map[string]string{
		"<b>Breaking</b>: Council &amp; port":           "Breaking: Council & port",
		"<p>One.</p><p>Two <a href='/x'>links</a>.</p>": "One.\n\nTwo links.",
		"plain   text\n with  spaces":                   "plain text with spaces",
		"<script>alert(1)</script>Visible":              "Visible",
		"":                                              "",
	} {
		if got := fetch.FragmentText(in); got != want {
			t.Errorf("FragmentText(%q) = %q, want %q", in, got, want)
		}
	}
}
