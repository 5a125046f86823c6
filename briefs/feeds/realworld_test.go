package feeds_test

import (
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"
)

// realWorld are the documents of testdata/realworld (see SOURCE.md there)
// with what a reader must get from each, read from the documents by hand:
// the address each is read from (its self link, else the site's feed
// address), its format and title, how many items and how many of them
// carry a date it can read, and its newest item.
var realWorld = []struct {
	file, url, typ, title string
	items, dated          int
	first                 string    // the newest item's title
	firstLink             string    // and its link
	firstPublished        time.Time // and its date (zero: none readable)
}{
	{"guardian-us.rss", "https://www.theguardian.com/us/rss", "rss", "The Guardian", 55, 55,
		"Tottenham Hotspur v Manchester United: Premier League – live!",
		"https://www.theguardian.com/football/live/2018/jan/31/tottenham-hotspur-v-manchester-united-premier-league-live",
		time.Date(2018, 1, 31, 20, 13, 54, 0, time.UTC)},
	// Titles are CDATA wrapped in newlines and indentation.
	{"huffpost-canada.rss", "http://www.huffingtonpost.ca/feeds/index.xml", "rss", "HuffPost Canada - Athena2 - All Posts", 2, 2,
		"Winnipeg High School Orders Custom Hijabs For Muslim Athletes",
		"http://www.huffingtonpost.ca/2017/10/17/winnipeg-high-school-orders-custom-hijabs-for-muslim-athletes_a_23246627/",
		time.Date(2017, 10, 17, 22, 17, 0, 0, time.UTC)},
	// The published date (17:22 +01:00), not the later updated one.
	{"heise-developer.atom", "http://www.heise.de/developer/rss/news-atom.xml", "atom", "heise developer neueste Meldungen", 15, 15,
		"Java-Anwendungsserver: Red Hat gibt WildFly 10 frei",
		"http://www.heise.de/developer/meldung/Java-Anwendungsserver-Red-Hat-gibt-WildFly-10-frei-3088438.html?wt_mc=rss.developer.beitrag.atom",
		time.Date(2016, 2, 1, 16, 22, 0, 0, time.UTC)},
	// RSS 1.0: 21 items share the newest dc:date; the first of them in
	// feed order comes first.
	{"science-twis.rdf", "http://science.sciencemag.org/rss/twis.xml", "rss", "Science twis", 69, 69,
		"Food for fungi", "http://science.sciencemag.org/cgi/content/short/356/6343/1134-a?rss=1",
		time.Date(2017, 6, 15, 17, 29, 47, 0, time.UTC)},
	{"inessential.json", "http://inessential.com/feed.json", "json", "inessential.com", 20, 20,
		"James Dempsey and the Breakpoints Benefit App Camp for Girls",
		"http://inessential.com/2017/06/02/james_dempsey_and_the_breakpoints_benefi",
		time.Date(2017, 6, 3, 5, 5, 47, 0, time.UTC)},
	// Titles of type html with <b> markup; links through Google's
	// redirector, unwrapped.
	{"google-alerts.atom", "https://www.google.com/alerts/feeds/04175468913983673025/4428013283581841004", "atom", "Google Alert - Slack", 20, 20,
		"Report offers Prediction of Automotive Slack Market by Top key players like Haldex, Meritor, Bendix ...",
		"https://www.aglobalmarketresearch.com/report-offers-prediction-of-automotive-slack-market-by-top-key-players-like-haldex-meritor-bendix-mei-wabco-accuride-stemco-tbk-febi-aydinsan/",
		time.Date(2019, 7, 10, 11, 53, 37, 0, time.UTC)},
	// Latin-1 without a declaration; Portuguese day and month names
	// ("Seg, 24 Set 2018") are no date a reader can trust, so the items
	// stay in feed order.
	{"uol-noticias.rss", "http://rss.uol.com.br/feed/noticias.xml", "rss", "UOL Noticias", 15, 0,
		"Ibope: Bolsonaro perde de Haddad, Ciro e Alckmin em simulações de 2º turno",
		"https://noticias.uol.com.br/politica/eleicoes/2018/noticias/2018/09/24/ibope-bolsonaro-perde-de-haddad-ciro-e-alckmin-em-simulacoes-de-2-turno.htm",
		time.Time{}},
	// ISO-8859-1, declared; a line break inside every pubDate.
	{"jn-ultimas.rss", "http://feeds.jn.pt/JN-ULTIMAS", "rss", "Jornal de Notícias - Últimas Notícias", 40, 40,
		"Reações dos partidos ao veto de Marcelo",
		"http://feeds.jn.pt/~r/JN-ULTIMAS/~3/GfXqkJnHUcM/reacoes-dos-partidos-ao-veto-de-marcelo-ao-financiamento-partidario-9021587.html",
		time.Date(2018, 1, 3, 13, 48, 0, 0, time.UTC)},
	// Relative links without xml:base, resolved against the feed's own
	// address; entries have only <updated>.
	{"sam-ruby.atom", "http://intertwingly.net/blog/index.atom", "atom", "Sam Ruby", 20, 20,
		"Plex", "http://intertwingly.net/blog/2013/01/30/Plex",
		time.Date(2013, 1, 30, 18, 12, 3, 0, time.UTC)},
	// GB2312; dates without a zone ("2018-09-18 14:38:10", Beijing time)
	// are read as UTC.
	{"qq-news-gb2312.rss", "http://news.qq.com/newsgn/rss_newsgn.xml", "rss", "新闻国内", 20, 20,
		"习近平为何如此强调崇尚英雄？", "http://news.qq.com/a/20180918/009846.htm",
		time.Date(2018, 9, 18, 14, 38, 10, 0, time.UTC)},
}

var (
	markup = regexp.MustCompile(`<[a-zA-Z/!?]`)
	entity = regexp.MustCompile(`&(#[0-9]+|#[xX][0-9a-fA-F]+|[a-zA-Z][a-zA-Z0-9]*);`)
)

// Each real-world document gives a reader what it needs: items with a
// one-line plain-text title or a link, absolute http(s) links, keys that
// recognise each item and no other, the newest dated items first, and the
// count, title, link and date read from the document.
func TestParseRealWorld(t *testing.T) {
	for _, c := range realWorld {
		t.Run(c.file, func(t *testing.T) {
			f := parseFile(t, "realworld/"+c.file, c.url)
			if f.Type != c.typ || f.Title != c.title {
				t.Errorf("feed %s %q, want %s %q", f.Type, f.Title, c.typ, c.title)
			}
			if f.Link != "" && !absoluteHTTP(f.Link) {
				t.Errorf("feed link %q is not an absolute http(s) URL", f.Link)
			}
			if len(f.Items) != c.items {
				t.Fatalf("%d items, want %d", len(f.Items), c.items)
			}
			first := f.Items[0]
			if first.Title != c.first || first.Link != c.firstLink || !first.Published.Equal(c.firstPublished) {
				t.Errorf("newest item %q %s %s\nwant %q %s %s", first.Title, first.Link, first.Published, c.first, c.firstLink, c.firstPublished)
			}
			keys := map[string]string{}
			dated := 0
			var last time.Time
			for i, it := range f.Items {
				if it.Title == "" && it.Link == "" {
					t.Errorf("item %d has neither title nor link", i)
				}
				if it.Title != strings.TrimSpace(it.Title) || strings.ContainsAny(it.Title, "\n\r\t\uFFFD") ||
					markup.MatchString(it.Title) || entity.MatchString(it.Title) {
					t.Errorf("item %d title %q is not one line of plain text", i, it.Title)
				}
				if it.Link != "" && !absoluteHTTP(it.Link) {
					t.Errorf("item %d link %q is not an absolute http(s) URL", i, it.Link)
				}
				if len(it.Keys) == 0 {
					t.Errorf("item %d (%q) has no key", i, it.Title)
				}
				for _, k := range it.Keys {
					if other, ok := keys[k]; ok {
						t.Errorf("key %q of %q is also %q's", k, it.Title, other)
					}
					keys[k] = it.Title
				}
				switch {
				case it.Published.IsZero():
					last = time.Time{}
				case i > 0 && last.IsZero():
					t.Errorf("item %d (%q) is dated but comes after an undated one", i, it.Title)
				case i > 0 && it.Published.After(last):
					t.Errorf("item %d (%q, %s) is newer than the one before it (%s)", i, it.Title, it.Published, last)
				}
				if !it.Published.IsZero() {
					dated++
					last = it.Published
				}
			}
			if dated != c.dated {
				t.Errorf("%d items dated, want %d", dated, c.dated)
			}
		})
	}
}

func absoluteHTTP(s string) bool {
	u, err := url.Parse(s)
	return err == nil && (u.Scheme == "http" || u.Scheme == "https") && u.Host != ""
}
