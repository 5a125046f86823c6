package fetch_test

import (
	"fmt"
	"net/netip"
	"os"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"golang.org/x/text/encoding/japanese"

	"briefbot/briefs"
	"briefbot/briefs/extractive"
	"briefbot/briefs/fetch"
)

// TestExtractPages runs extraction on saved pages of different layouts
// (written for these tests; no real site's text): a newspaper with JSON-LD,
// a blog with lists and a relative canonical, a wire story in nested divs
// with a cross-site canonical, and a windows-1252 table layout whose
// canonical is the home page.
func TestExtractPages(t *testing.T) {
	for _, tc := range []struct {
		file, url, contentType string
		title, first           string
		byline, site, image    string
		published              string
		canonical              string
		contains, absent       []string
	}{
		{
			file:        "harbor-gazette.html",
			url:         "https://www.harborgazette.example/news/2024/05/12/ferry-workers-vote-to-strike?utm_source=social&fbclid=abc#comments",
			contentType: "text/html; charset=utf-8",
			title:       "Ferry workers vote to strike as night-shift talks collapse",
			first:       "Crews on the island routes will walk out for 48 hours from 3 June unless the operator returns to the table.",
			byline:      "Morwenna Pascoe",
			site:        "The Harbor Gazette",
			image:       "https://cdn.harborgazette.example/images/2024/05/ferry-terminal-1200.jpg",
			published:   "2024-05-12T06:30:00Z",
			canonical:   "https://www.harborgazette.example/news/2024/05/12/ferry-workers-vote-to-strike",
			contains:    []string{"table.\n\nFerry crews serving the three inner islands", "\n\nFreight and schools affected\n\n", "independent conciliation before the strike date."},
			absent:      []string{"Get the morning briefing", "We use cookies", "Subscribe from", "Most read", "Skip to content", "Share on Social", "Photograph: Kit Rowe", "Ferry fares to rise", "All rights reserved"},
		},
		{
			file:      "quiet-compiler-blog.html",
			url:       "https://quietcompiler.example/p/8812",
			title:     "Why our build got faster after we deleted the cache",
			first:     "For two years our continuous integration pipeline restored a shared build cache at the start of every job, and for two years nobody asked whether it was still helping.",
			byline:    "Priya Raman",
			site:      "The Quiet Compiler",
			image:     "https://quietcompiler.example/media/cache-graph.png",
			published: "2023-11-03T16:00:00Z",
			canonical: "https://quietcompiler.example/posts/deleted-the-cache/",
			contains: []string{
				"Three things stood out:\n\nRestoring and saving the cache cost more time than it saved on small changes.\nCache keys included the branch name, so feature branches almost never hit.\nDependency downloads were already served by a local mirror and gained nothing.\n\nWithout the cache",
				"\n\nA cache is a bet that the past predicts the future.",
			},
			absent: []string{"Archive", "3 comments", "dmitri", "Share this post", "Posted on", "6 min read"},
		},
		{
			file:      "alpine-wire.html",
			url:       "https://www.alpinewire.example/environment/glacier-melt-8812",
			title:     "Glacier network records earliest spring melt in two decades",
			first:     "GENEVA (AWS) — Sensors on 14 Alpine glaciers detected surface melt three weeks earlier than the 20-year average this spring, a monitoring network said on Thursday.",
			byline:    "Lukas Brenner",
			site:      "Alpine Wire Service",
			image:     "https://img.alpinewire.example/2024/04/glacier-sensor.jpg",
			published: "2024-04-18T10:15:00Z",
			canonical: "https://www.alpinewire.example/environment/glacier-melt-8812", // the partner's canonical is another site
			contains:  []string{"said Dr. Annika Vogt", "The full dataset will be published in June"},
			absent:    []string{"SMI 11,204", "ENVIRONMENT", "Top stories", "Daily briefing", "Comments are closed", "Purchase licensing"},
		},
		{
			file:      "courrier-vallee-cp1252.html",
			url:       "http://www.courrier-vallee.example/actualites/terrasses.html",
			title:     "Café owners protest new terrace fees",
			first:     "Café and restaurant owners in Saint-Rémy closed their terraces for an hour on Monday in protest at a new municipal fee that will charge them €18 per square metre of pavement each season.",
			byline:    "Hélène Marchetti",
			site:      "Le Courrier de la Vallée",
			published: "2022-08-30T00:00:00Z",
			canonical: "http://www.courrier-vallee.example/actualites/terrasses.html", // the canonical is the home page: ignored
			contains:  []string{"“For a small café with six tables, the bill goes from €150 to more than €900,” said Joëlle Ferrand"},
			absent:    []string{"Accueil", "Petites annonces", "Tous droits réservés", "30 August 2022"},
		},
	} {
		t.Run(tc.file, func(t *testing.T) {
			body, err := os.ReadFile("testdata/" + tc.file)
			if err != nil {
				t.Fatal(err)
			}
			if len(body) > 30<<10 {
				t.Errorf("testdata page is %d bytes; keep them under 30 KB", len(body))
			}
			page, err := fetch.Extract(tc.url, tc.contentType, body)
			if err != nil {
				t.Fatal(err)
			}
			check := func(field, got, want string) {
				t.Helper()
				if got != want {
					t.Errorf("%s = %q, want %q", field, got, want)
				}
			}
			check("Title", page.Title, tc.title)
			sentences := extractive.Sentences(page.Text)
			if len(sentences) == 0 {
				t.Fatalf("no sentences in %q", page.Text)
			}
			check("first sentence", sentences[0], tc.first)
			check("Byline", page.Byline, tc.byline)
			check("SiteName", page.SiteName, tc.site)
			check("Image", page.Image, tc.image)
			check("CanonicalURL", page.CanonicalURL, tc.canonical)
			check("URL", page.URL, strings.Split(tc.url, "#")[0])
			check("PublishedAt", page.PublishedAt.Format(time.RFC3339), tc.published)
			if strings.Contains(page.Text, tc.title) {
				t.Errorf("the headline is repeated in Text")
			}
			for _, s := range tc.contains {
				if !strings.Contains(page.Text, s) {
					t.Errorf("Text lacks %q", s)
				}
			}
			for _, s := range tc.absent {
				if strings.Contains(page.Text, s) {
					t.Errorf("Text has page furniture %q", s)
				}
			}
			if !utf8.ValidString(page.Text) || strings.Contains(page.Text, "\n\n\n") || page.Text != strings.TrimSpace(page.Text) {
				t.Errorf("Text is not clean: %q", page.Text)
			}
		})
	}
}

// paragraphs is enough story for a page to pass the too-little-text rule.
const paragraphs = `<p>The regional water board agreed on Monday to build a second reservoir north of the town, ending a dispute that had lasted almost ten years.</p>
<p>Engineers said the new basin would hold enough water for forty thousand homes through a dry summer, and that work could begin next year.</p>`

func page(head, body string) []byte {
	return []byte("<!DOCTYPE html><html><head><meta charset=utf-8>" + head + "</head><body>" + body + "</body></html>")
}

func TestExtractTextLayout(t *testing.T) {
	body := `<article><h1>Water board backs second reservoir</h1>` + paragraphs + `
<h2>What happens next</h2>
<ul><li>A public consultation opens in <b>March</b>.</li><li>Contracts are signed in the autumn.</li></ul>
<p>Residents can read the plans<br>at the town library<br>until Friday.</p>
<blockquote>We have waited long enough, said one farmer.</blockquote>
<p style="display:none">Hidden tracking text that no reader sees.</p>
<p>The board meets again in&nbsp;April.</p></article>`
	p, err := fetch.Extract("https://news.example/reservoir", "text/html", page("<title>Water board backs second reservoir</title>", body))
	if err != nil {
		t.Fatal(err)
	}
	want := `The regional water board agreed on Monday to build a second reservoir north of the town, ending a dispute that had lasted almost ten years.

Engineers said the new basin would hold enough water for forty thousand homes through a dry summer, and that work could begin next year.

What happens next

A public consultation opens in March.
Contracts are signed in the autumn.

Residents can read the plans
at the town library
until Friday.

We have waited long enough, said one farmer.

The board meets again in April.`
	if p.Text != want {
		t.Errorf("Text:\n%s\n\nwant:\n%s", p.Text, want)
	}
	if p.Title != "Water board backs second reservoir" {
		t.Errorf("Title %q", p.Title)
	}
	if p.SiteName != "news.example" {
		t.Errorf("SiteName %q, want the host when the page names no site", p.SiteName)
	}
}

func TestExtractCanonical(t *testing.T) {
	const pageURL = "https://www.news.example/2024/story-123?utm_campaign=x&id=7"
	for _, tc := range []struct{ href, want string }{
		{"", "https://www.news.example/2024/story-123?id=7"},
		{"https://www.news.example/2024/story-123?utm_source=a&gclid=b#x", "https://www.news.example/2024/story-123"},
		{"/2024/story-123", "https://www.news.example/2024/story-123"},
		{"https://amp.news.example/2024/story-123", "https://amp.news.example/2024/story-123"}, // same site
		{"https://NEWS.example:443/2024/story-123", "https://news.example/2024/story-123"},
		{"https://other.example/2024/story-123", "https://www.news.example/2024/story-123?id=7"},        // another site
		{"https://news.example.evil.example/x", "https://www.news.example/2024/story-123?id=7"},         // lookalike
		{"/", "https://www.news.example/2024/story-123?id=7"},                                           // the home page: a CMS bug
		{"javascript:alert(1)", "https://www.news.example/2024/story-123?id=7"},                         // not http
		{"https://user:pw@www.news.example/a", "https://www.news.example/2024/story-123?id=7"},          // user info
		{"http://[::1/broken", "https://www.news.example/2024/story-123?id=7"},                          // malformed
		{"https://www.news.example/2024/story-123?fbclid=1", "https://www.news.example/2024/story-123"}, // tracking only
		{"http://10.0.0.1/2024/story-123", "https://www.news.example/2024/story-123?id=7"},              // an address
	} {
		t.Run(tc.href, func(t *testing.T) {
			head := "<title>Reservoir</title>"
			if tc.href != "" {
				head += `<link rel="canonical" href="` + tc.href + `">`
			}
			p, err := fetch.Extract(pageURL, "text/html", page(head, "<article>"+paragraphs+"</article>"))
			if err != nil {
				t.Fatal(err)
			}
			if p.CanonicalURL != tc.want {
				t.Errorf("CanonicalURL %q, want %q", p.CanonicalURL, tc.want)
			}
			// On a page served from an address, only the same address counts.
			p, err = fetch.Extract("http://127.0.0.1:8080/story", "text/html", page(head, "<article>"+paragraphs+"</article>"))
			if err != nil {
				t.Fatal(err)
			}
			want := "http://127.0.0.1:8080/story"
			if tc.href == "/2024/story-123" {
				want = "http://127.0.0.1:8080/2024/story-123" // relative: the same host
			}
			if p.CanonicalURL != want {
				t.Errorf("from 127.0.0.1: CanonicalURL %q", p.CanonicalURL)
			}
		})
	}
}

func TestDecodeBody(t *testing.T) {
	sjis, _ := japanese.ShiftJIS.NewEncoder().String("東京で新しい駅が開業した。")
	longHead := "<html><head><title>x</title>" + strings.Repeat("<!-- padding -->", 100) + "</head><body>"
	for _, tc := range []struct {
		name, contentType, body string
		html                    bool
		want, charset           string
	}{
		{"shift_jis header", "text/html; charset=Shift_JIS", "<p>" + sjis + "</p>", true, "<p>東京で新しい駅が開業した。</p>", "shift_jis"},
		{"shift_jis meta", "text/html", `<meta charset="shift_jis"><p>` + sjis, true, `<meta charset="shift_jis"><p>東京で新しい駅が開業した。`, "shift_jis"},
		{"windows-1252 http-equiv", "text/html", `<meta http-equiv="Content-Type" content="text/html; charset=windows-1252">` + "\x93caf\xe9\x94 \x80", true, `<meta http-equiv="Content-Type" content="text/html; charset=windows-1252">“café” €`, "windows-1252"},
		{"iso-8859-1 is windows-1252", "text/plain; charset=iso-8859-1", "caf\xe9 \x80", false, "café €", "windows-1252"},
		{"header beats meta", "text/html; charset=utf-8", `<meta charset="windows-1252">café`, true, `<meta charset="windows-1252">café`, "utf-8"},
		{"lenient header", "text/html;charset=\"UTF-8\";;", "café", true, "café", "utf-8"},
		{"utf-8 BOM", "text/html", "\xef\xbb\xbfcafé", true, "café", "utf-8"},
		{"undeclared utf-8 after a long ascii head", "text/html", longHead + "café ünïcödé", true, longHead + "café ünïcödé", "utf-8"},
		{"undeclared windows-1252", "text/html", "caf\xe9 na\xefve", true, "café naïve", "windows-1252"},
		{"invalid utf-8 declared", "text/html; charset=utf-8", "ok \xff\xfe ok \xc3", true, "ok \uFFFD ok \uFFFD", "utf-8"},
		{"mostly utf-8 with a bad byte", "text/html", "café ünïcödé \xff", true, "café ünïcödé \uFFFD", "utf-8"},
		{"meta utf-16 means utf-8", "text/html", `<meta charset="utf-16">café`, true, `<meta charset="utf-16">café`, "utf-8"},
		{"unknown label falls through", "text/html; charset=x-klingon", "café", true, "café", "utf-8"},
		{"utf-16le BOM", "text/plain", "\xff\xfeh\x00i\x00", false, "hi", "utf-16le"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, cs := fetch.DecodeBody([]byte(tc.body), tc.contentType, tc.html)
			if got != tc.want || cs != tc.charset {
				t.Errorf("got %q (%s), want %q (%s)", got, cs, tc.want, tc.charset)
			}
			if !utf8.ValidString(got) {
				t.Errorf("invalid UTF-8 out")
			}
		})
	}
}

func TestExtractTooManyElements(t *testing.T) {
	body := "<article>" + paragraphs + strings.Repeat("<span>a</span>", fetch.MaxElements) + "</article>"
	start := time.Now()
	_, err := fetch.Extract("https://news.example/huge", "text/html", page("<title>Huge</title>", body))
	wantError(t, err, briefs.ETOOLARGE, fmt.Sprintf("over %d HTML elements", fetch.MaxElements))
	if d := time.Since(start); d > 10*time.Second { // ~0.1s; generous for loaded machines
		t.Errorf("refusing took %v", d)
	}
}

func TestExtractTooLittleText(t *testing.T) {
	for name, body := range map[string]string{
		"one sentence": "<article><p>" + strings.Repeat("word ", 60) + "and no full stop anywhere</p></article>",
		"short":        "<article><p>Short one. Very short.</p></article>",
		"nav only":     "<nav><a href=/a>News</a> <a href=/b>Sport</a></nav>",
	} {
		t.Run(name, func(t *testing.T) {
			_, err := fetch.Extract("https://news.example/x", "text/html", page("<title>x</title>", body))
			wantError(t, err, briefs.EINVALID, "too little article text", "paste the article text")
		})
	}
}

func TestIsPublic(t *testing.T) {
	for _, tc := range []struct {
		addr   string
		public bool
	}{
		{"93.184.216.34", true}, {"8.8.8.8", true}, {"1.1.1.1", true}, {"172.32.0.1", true},
		{"100.128.0.1", true}, {"198.20.0.1", true}, {"2606:4700::1111", true}, {"2a00:1450:4001::200e", true},
		{"64:ff9b::808:808", true}, {"::ffff:8.8.8.8", true},

		{"0.0.0.0", false}, {"0.1.2.3", false}, {"127.0.0.1", false}, {"127.255.255.254", false},
		{"10.0.0.1", false}, {"10.255.255.255", false}, {"172.16.0.1", false}, {"172.31.255.255", false},
		{"192.168.0.1", false}, {"169.254.169.254", false}, {"169.254.0.1", false}, {"100.64.0.1", false},
		{"100.127.255.255", false}, {"192.0.0.8", false}, {"192.0.2.1", false}, {"198.18.0.1", false},
		{"198.19.255.255", false}, {"198.51.100.7", false}, {"203.0.113.9", false}, {"224.0.0.251", false},
		{"239.255.255.250", false}, {"240.0.0.1", false}, {"255.255.255.255", false}, {"192.88.99.1", false},
		{"::", false}, {"::1", false}, {"::ffff:127.0.0.1", false}, {"::ffff:10.0.0.1", false},
		{"::ffff:169.254.169.254", false}, {"::127.0.0.1", false}, {"fe80::1", false}, {"fe80::1%eth0", false},
		{"fc00::1", false}, {"fd12:3456::1", false}, {"fec0::1", false}, {"ff02::1", false},
		{"2001:db8::1", false}, {"2001::1", false}, {"2002:a00:1::1", false}, {"64:ff9b::a00:1", false},
		{"64:ff9b:1::1", false}, {"100::1", false}, {"3fff::1", false}, {"fd00:ec2::254", false},
	} {
		a := netip.MustParseAddr(tc.addr)
		if got := fetch.IsPublic(a); got != tc.public {
			t.Errorf("IsPublic(%s) = %v, want %v", tc.addr, got, tc.public)
		}
	}
}

// newsPage builds a typical news page of about 100 KB: a heavy header and
// navigation, an article of ~80 paragraphs with a list and subheadings,
// sidebars of links, comments and a footer, with meta and JSON-LD.
func newsPage() []byte {
	var b strings.Builder
	b.WriteString(`<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">
<title>Regional rail operator unveils timetable overhaul | The Daily Example</title>
<meta property="og:site_name" content="The Daily Example"><meta property="og:image" content="https://img.daily.example/lead.jpg">
<meta property="article:published_time" content="2024-02-01T08:00:00Z"><link rel="canonical" href="https://www.daily.example/news/rail-timetable">
<script type="application/ld+json">{"@type":"NewsArticle","headline":"Regional rail operator unveils timetable overhaul","author":{"@type":"Person","name":"Sam Okafor"}}</script>
<style>` + strings.Repeat(".c{margin:0;padding:0}", 200) + `</style>
<script>` + strings.Repeat("var a=1;", 1500) + `</script></head><body>`)
	b.WriteString(`<header><nav><ul>`)
	for i := range 200 {
		fmt.Fprintf(&b, `<li class="nav-item"><a href="/section/%d">Section %d</a></li>`, i, i)
	}
	b.WriteString(`</ul></nav></header><main><article><h1>Regional rail operator unveils timetable overhaul</h1>
<div class="byline">By Sam Okafor</div>`)
	subjects := []string{"The operator", "Passenger groups", "The transport minister", "Union officials", "Local councils", "Commuters in the valley"}
	verbs := []string{"said", "warned", "argued", "confirmed", "suggested", "insisted"}
	objects := []string{"the new timetable would add forty trains a day on the busiest routes", "late-evening services would return to the coast line for the first time since 2019",
		"fares would be frozen until the end of the year while the changes bed in", "the overhaul depended on drivers agreeing to a new rest-day arrangement",
		"connections at the junction station would be shortened to under ten minutes", "the plan had been drawn up without enough consultation with rural stations"}
	for i := range 80 {
		if i%10 == 9 {
			fmt.Fprintf(&b, "<h2>Part %d of the plan</h2><ul>", i/10+1)
			for j := range 4 {
				fmt.Fprintf(&b, "<li>%s %s that %s.</li>", subjects[(i+j)%6], verbs[j%6], objects[(i*j)%6])
			}
			b.WriteString("</ul>")
		}
		fmt.Fprintf(&b, "<p>%s %s on %s that %s. %s %s that %s, according to documents seen by <a href=\"/topics/rail\">The Daily Example</a>. The figures were published in a report of %d pages.</p>\n",
			subjects[i%6], verbs[i%6], []string{"Monday", "Tuesday", "Wednesday"}[i%3], objects[i%6], subjects[(i+1)%6], verbs[(i+2)%6], objects[(i+3)%6], 40+i)
		if i%8 == 4 {
			b.WriteString(`<aside class="related"><h3>Related</h3><ul><li><a href="/a">Rail strike called off</a></li><li><a href="/b">New trains delayed</a></li></ul></aside><div class="ad-slot">Advertisement</div>`)
		}
	}
	b.WriteString(`</article><aside class="sidebar"><h2>Most read</h2><ol>`)
	for i := range 100 {
		fmt.Fprintf(&b, `<li><a href="/story/%d"><img src="/thumb/%d.jpg" alt=""><span>Another headline about something else entirely, number %d</span></a></li>`, i, i, i)
	}
	b.WriteString(`</ol></aside><section class="comments"><h2>Comments</h2>`)
	for i := range 120 {
		fmt.Fprintf(&b, `<div class="comment"><span class="user">reader%d</span><p>I take this train every day and comment number %d says it is always late.</p></div>`, i, i)
	}
	b.WriteString(`</section></main><footer><ul>`)
	for i := range 80 {
		fmt.Fprintf(&b, `<li><a href="/footer/%d">Footer link %d</a></li>`, i, i)
	}
	b.WriteString(`</ul><p>© The Daily Example</p></footer></body></html>`)
	return []byte(b.String())
}

func TestNewsPageExtracts(t *testing.T) {
	body := newsPage()
	if len(body) < 90<<10 || len(body) > 120<<10 {
		t.Errorf("benchmark page is %d bytes, want about 100 KB", len(body))
	}
	p, err := fetch.Extract("https://www.daily.example/news/rail-timetable", "text/html", body)
	if err != nil {
		t.Fatal(err)
	}
	if p.Title != "Regional rail operator unveils timetable overhaul" || !strings.HasPrefix(p.Text, "The operator said on Monday") {
		t.Errorf("Title %q, Text starts %q", p.Title, p.Text[:min(60, len(p.Text))])
	}
	if strings.Contains(p.Text, "Footer link") || strings.Contains(p.Text, "reader12") {
		t.Errorf("Text has page furniture")
	}
}

// BenchmarkExtract measures extraction alone (charset, element count,
// parse, readability, text) of a ~100 KB news page; no network.
func BenchmarkExtract(b *testing.B) {
	body := newsPage()
	b.SetBytes(int64(len(body)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := fetch.Extract("https://www.daily.example/news/rail-timetable", "text/html; charset=utf-8", body); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkExtractAndSummarize is the work of adding a page by link once it
// is fetched: extraction, then the brief.
func BenchmarkExtractAndSummarize(b *testing.B) {
	body := newsPage()
	sum := extractive.New()
	b.SetBytes(int64(len(body)))
	b.ReportAllocs()
	for b.Loop() {
		p, err := fetch.Extract("https://www.daily.example/news/rail-timetable", "text/html; charset=utf-8", body)
		if err != nil {
			b.Fatal(err)
		}
		if _, err := sum.Summarize(briefs.Document{Title: p.Title, Text: p.Text}); err != nil {
			b.Fatal(err)
		}
	}
}
