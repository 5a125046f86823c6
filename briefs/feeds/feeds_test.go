package feeds_test

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"briefbot/briefs"
	"briefbot/briefs/feeds"
)

func parseFile(t *testing.T, name, feedURL string) feeds.Feed {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	f, err := feeds.Parse(data, feedURL)
	if err != nil {
		t.Fatalf("parse %s: %v", name, err)
	}
	return f
}

// An RSS 2.0 news feed as sites write them: markup and double-escaped
// entities in titles (decoded once more, as readers do), relative links with tracking parameters, an item
// without a GUID, an unreadable date, an item with no link at all.
func TestParseRSS(t *testing.T) {
	f := parseFile(t, "news_rss.xml", "https://news.example.com/feed.xml")
	if f.Type != "rss" || f.Title != "Harbour & City News" || f.Link != "https://news.example.com/" {
		t.Errorf("feed = %q %q %q", f.Type, f.Title, f.Link)
	}
	var titles []string
	for _, it := range f.Items {
		titles = append(titles, it.Title)
	}
	// Dated items newest first, then the undated ones in feed order.
	want := []string{"Storm warning for the coast", "Breaking: Council & port agree on new ferry", "Market hall reopens", "Letters to the editor"}
	if !reflect.DeepEqual(titles, want) {
		t.Errorf("titles = %q\nwant %q", titles, want)
	}
	ferry := f.Items[1]
	if ferry.Link != "https://news.example.com/2026/12/04/ferry-deal?utm_source=rss" {
		t.Errorf("relative link resolved to %q", ferry.Link)
	}
	if !ferry.Published.Equal(time.Date(2026, 12, 4, 8, 30, 0, 0, time.UTC)) {
		t.Errorf("published %s", ferry.Published)
	}
	if !reflect.DeepEqual(ferry.Keys, []string{"guid:news-ferry-1204", "url:https://news.example.com/2026/12/04/ferry-deal"}) {
		t.Errorf("ferry keys %q: want the GUID and the canonical link (tracking parameter dropped)", ferry.Keys)
	}
	if ferry.Content != "The council and the port authority agreed on Thursday to run a new ferry.\n\nService starts in May." {
		t.Errorf("ferry content %q", ferry.Content)
	}
	storm := f.Items[0]
	if !reflect.DeepEqual(storm.Keys, []string{"url:https://news.example.com/2026/12/05/storm"}) {
		t.Errorf("an item without a GUID is known by its link: %q", storm.Keys)
	}
	if storm.Content != "Forecasters expect gusts of 100 km/h along the coast on Sunday." {
		t.Errorf("content:encoded is preferred to the description: %q", storm.Content)
	}
	if market := f.Items[2]; !market.Published.IsZero() {
		t.Errorf("an unreadable date gave %s, want none", market.Published)
	}
	letters := f.Items[3]
	if letters.Link != "" || len(letters.Keys) != 1 || !strings.HasPrefix(letters.Keys[0], "hash:") {
		t.Errorf("an item without GUID or link: link %q keys %q", letters.Link, letters.Keys)
	}
}

func TestParseAtomAndJSONFeed(t *testing.T) {
	a := parseFile(t, "news_atom.xml", "https://science.example.org/atom.xml")
	if a.Type != "atom" || a.Title != "Science Daily" || len(a.Items) != 2 {
		t.Fatalf("atom feed = %q %q, %d items", a.Type, a.Title, len(a.Items))
	}
	if a.Items[0].Link != "https://science.example.org/articles/comet" || a.Items[0].Keys[0] != "guid:tag:science.example.org,2026:comet" {
		t.Errorf("atom entry: %q %q", a.Items[0].Link, a.Items[0].Keys)
	}
	if want := time.Date(2026, 12, 3, 8, 0, 0, 0, time.UTC); !a.Items[1].Published.Equal(want) {
		t.Errorf("published (not updated) date: %s, want %s", a.Items[1].Published, want)
	}
	if a.Items[1].Content != "Researchers named a new species of warbler." {
		t.Errorf("atom content %q", a.Items[1].Content)
	}
	j := parseFile(t, "news_feed.json", "https://tech.example.net/feed.json")
	if j.Type != "json" || len(j.Items) != 2 || j.Items[1].Link != "https://tech.example.net/posts/battery" ||
		j.Items[0].Content != "The plant will employ 2,000 people." || j.Items[1].Content != "The recall now covers 40,000 units." {
		t.Errorf("json feed = %+v", j)
	}
}

// Each format of gofeed's own corpus is recognised.
func TestParseFormats(t *testing.T) {
	for name, want := range map[string]string{
		"gofeed/atom10_feed.xml": "atom", "gofeed/rdf_feed.xml": "rss", "gofeed/rss_feed_bom.xml": "rss", "gofeed/json11_feed.json": "json",
	} {
		if f := parseFile(t, name, "https://example.com/feed"); f.Type != want || f.Title == "" {
			t.Errorf("%s: type %q title %q, want %s", name, f.Type, f.Title, want)
		}
	}
}

// A Latin-1 feed that declares no encoding (so XML takes it for UTF-8), as
// UOL served it, is read as windows-1252 like browsers and readers do,
// not refused; one that says UTF-8 but has a stray byte keeps its UTF-8;
// one that names its encoding is decoded from it.
func TestParseUndeclaredEncoding(t *testing.T) {
	uol := parseFile(t, "realworld/uol-noticias.rss", "http://rss.uol.com.br/feed/noticias.xml")
	if uol.Title != "UOL Noticias" || len(uol.Items) != 15 ||
		uol.Items[0].Title != "Ibope: Bolsonaro perde de Haddad, Ciro e Alckmin em simulações de 2º turno" ||
		!strings.HasPrefix(uol.Items[0].Content, "Líder na pesquisa Ibope de intenção de voto") {
		t.Errorf("UOL: %q, %d items, first %+v", uol.Title, len(uol.Items), uol.Items)
	}
	const item = "<item><title>Cr\xe8me br\xfbl\xe9e \x96 la recette</title><link>https://x.example/a</link></item>"
	for _, c := range []struct{ doc, title, item string }{
		{"<rss version=\"2.0\"><channel><title>Caf\xe9</title>" + item + "</channel></rss>", "Café", "Crème brûlée – la recette"},
		{"<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<rss version=\"2.0\"><channel><title>Caf\xe9</title>" + item + "</channel></rss>", "Café", "Crème brûlée – la recette"},
		{"<?xml version='1.0' encoding='ISO-8859-1'?><rss version=\"2.0\"><channel><title>Caf\xe9</title>" + item + "</channel></rss>", "Café", "Crème brûlée – la recette"},
		{"<?xml version=\"1.0\" encoding=\"utf-8\"?><rss version=\"2.0\"><channel><title>Café – Crème</title><item><title>Déjà vu \xff</title><link>https://x.example/a</link></item></channel></rss>", "Café – Crème", "Déjà vu \uFFFD"},
	} {
		f, err := feeds.Parse([]byte(c.doc), "https://x.example/feed")
		if err != nil || f.Title != c.title || len(f.Items) != 1 || f.Items[0].Title != c.item {
			t.Errorf("%.60q: %q %+v, %v; want %q and %q", c.doc, f.Title, f.Items, err, c.title, c.item)
		}
	}
}

// Google Alerts links every story through Google's redirector: an item
// links to the story itself (its page is what is read, its address what
// recognises it from another feed); a redirector link without a target,
// and any other site's /url, stay as they are.
func TestParseUnwrapsGoogleRedirects(t *testing.T) {
	f := parseFile(t, "realworld/google-alerts.atom", "https://www.google.com/alerts/feeds/04175468913983673025/4428013283581841004")
	first := f.Items[0]
	story := "https://www.aglobalmarketresearch.com/report-offers-prediction-of-automotive-slack-market-by-top-key-players-like-haldex-meritor-bendix-mei-wabco-accuride-stemco-tbk-febi-aydinsan/"
	if first.Link != story || !reflect.DeepEqual(first.Keys, []string{"guid:tag:google.com,2013:googlealerts/feed:8974135267215335962", "url:" + story}) {
		t.Errorf("first alert: link %q keys %q", first.Link, first.Keys)
	}
	for _, it := range f.Items {
		if strings.Contains(it.Link, "google.com/") {
			t.Errorf("%q still links through Google: %s", it.Title, it.Link)
		}
	}
	for link, want := range map[string]string{
		"https://www.google.com/url?q=https://example.org/news/1&amp;sa=U": "https://example.org/news/1",
		"https://www.google.com/url?sa=t&amp;rct=j":                        "https://www.google.com/url?sa=t&rct=j",
		"https://www.google.com/url?url=javascript:alert(1)":               "https://www.google.com/url?url=javascript:alert(1)",
		"https://news.example.com/url?url=https://example.org/":            "https://news.example.com/url?url=https://example.org/",
	} {
		doc := `<rss version="2.0"><channel><title>T</title><item><title>A</title><link>` + link + `</link></item></channel></rss>`
		if g, err := feeds.Parse([]byte(doc), "https://x.example/feed"); err != nil || len(g.Items) != 1 || g.Items[0].Link != want {
			t.Errorf("%s: %+v, %v; want link %q", link, g.Items, err, want)
		}
	}
}

func TestParseRefusesWhatIsNoFeed(t *testing.T) {
	for _, doc := range []string{"", "<html><body>Hello</body></html>", "\x00\x01binary", `{"not": "a feed"}`} {
		if _, err := feeds.Parse([]byte(doc), "https://example.com/feed"); briefs.ErrorCode(err) != briefs.EINVALID {
			t.Errorf("Parse(%.20q) = %v, want EINVALID", doc, err)
		}
	}
}

// A feed that rewrites its GUIDs still names the same links, and one that
// moves its links keeps its GUIDs: either way some key of the re-sent item
// was seen before.
func TestKeysSurviveRewrites(t *testing.T) {
	doc := func(guid, link string) []byte {
		return []byte(`<rss version="2.0"><channel><title>T</title><item><title>Same story</title><guid>` + guid +
			`</guid><link>` + link + `</link></item></channel></rss>`)
	}
	first, err := feeds.Parse(doc("a-1", "https://x.example/story"), "https://x.example/feed")
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]bool{}
	for _, k := range first.Items[0].Keys {
		seen[k] = true
	}
	for _, again := range [][2]string{{"a-2", "https://x.example/story?utm_medium=feed"}, {"a-1", "https://x.example/moved"}} {
		f, err := feeds.Parse(doc(again[0], again[1]), "https://x.example/feed")
		if err != nil {
			t.Fatal(err)
		}
		known := false
		for _, k := range f.Items[0].Keys {
			known = known || seen[k]
		}
		if !known {
			t.Errorf("guid %s link %s: keys %q share nothing with %q", again[0], again[1], f.Items[0].Keys, first.Items[0].Keys)
		}
	}
}

func TestDiscover(t *testing.T) {
	page := `<!DOCTYPE html><html><head><title>News</title>
<link rel="stylesheet" href="/s.css">
<link rel="alternate" type="application/rss+xml" title="All" href="/feed.xml">
<link rel="alternate" type="application/atom+xml" href="https://news.example.com/atom.xml">
<link rel="alternate" type="application/rss+xml" href="/feed.xml">
<link rel="alternate" hreflang="de" href="/de/">
<link rel="alternate" type="application/feed+json; charset=utf-8" href="feed.json">
</head><body><link rel="alternate" type="application/rss+xml" href="/body-feed.xml"></body></html>`
	got := feeds.Discover([]byte(page), "https://news.example.com/section/")
	want := []string{"https://news.example.com/feed.xml", "https://news.example.com/atom.xml", "https://news.example.com/section/feed.json"}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("Discover = %q, want %q", got, want)
	}
	if got := feeds.Discover([]byte("<html><head></head><body>no feeds</body></html>"), "https://x.example/"); len(got) != 0 {
		t.Errorf("a page without feeds: %q", got)
	}
}

// Parse never panics and every item it yields has a key and a one-line
// title, whatever the document.
func FuzzParse(f *testing.F) {
	names := []string{"news_rss.xml", "news_atom.xml", "news_feed.json"}
	for _, c := range realWorld {
		names = append(names, "realworld/"+c.file)
	}
	for _, name := range names {
		data, err := os.ReadFile(filepath.Join("testdata", name))
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		feed, err := feeds.Parse(data, "https://example.com/feed")
		if err != nil {
			return
		}
		for _, it := range feed.Items {
			if len(it.Keys) == 0 || strings.Contains(it.Title, "\n") {
				t.Fatalf("item %+v", it)
			}
		}
	})
}
