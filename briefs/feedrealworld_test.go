package briefs_test

import (
	"bytes"
	"context"
	"fmt"
	"html"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"os"
	"path"
	"path/filepath"
	"reflect"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"briefbot/briefs"
	"briefbot/briefs/feeds"
	"briefbot/briefs/fetch"
	"briefbot/store/storetest"
)

// realWorldDir holds feed documents as real news sites and blogs published
// them (its SOURCE.md says whose).
const realWorldDir = "feeds/testdata/realworld"

// realWorldFeeds are the documents served, the Content-Type they are
// served with, and the title their subscription takes.
var realWorldFeeds = []struct{ file, contentType, title string }{
	{"guardian-us.rss", "application/rss+xml; charset=UTF-8", "The Guardian"},
	{"huffpost-canada.rss", "application/rss+xml", "HuffPost Canada - Athena2 - All Posts"},
	{"heise-developer.atom", "application/atom+xml; charset=utf-8", "heise developer neueste Meldungen"},
	{"science-twis.rdf", "application/rdf+xml", "Science twis"},
	{"inessential.json", "application/feed+json", "inessential.com"},
	{"google-alerts.atom", "application/atom+xml", "Google Alert - Slack"},
	{"uol-noticias.rss", "text/xml", "UOL Noticias"},
	{"jn-ultimas.rss", "text/xml; charset=ISO-8859-1", "Jornal de Notícias - Últimas Notícias"},
	{"sam-ruby.atom", "application/atom+xml", "Sam Ruby"},
	{"qq-news-gb2312.rss", "text/xml; charset=gb2312", "新闻国内"},
}

// noDNS answers no host name: the documents link to the real sites, and a
// test reaches none of them (loopback addresses need no lookup).
type noDNS struct{}

func (noDNS) LookupNetIP(_ context.Context, _, host string) ([]netip.Addr, error) {
	return nil, fmt.Errorf("no DNS in tests (%s)", host)
}

func readRealWorld(t *testing.T, file string) []byte {
	t.Helper()
	doc, err := os.ReadFile(filepath.Join(realWorldDir, file))
	if err != nil {
		t.Fatal(err)
	}
	return doc
}

// Subscribing to a real-world feed with no backfill, served from loopback
// without validators (so every poll reads it again), remembers each of its
// items: the poll right after ingests nothing and makes no brief, and the
// subscription carries the feed's title.
func TestFeedRealWorldSubscribeRemembersEveryItem(t *testing.T) {
	types := map[string]string{}
	for _, c := range realWorldFeeds {
		types[c.file] = c.contentType
	}
	var mu sync.Mutex
	gets := map[string]int{}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		name := path.Base(r.URL.Path)
		mu.Lock()
		gets[r.URL.Path]++
		mu.Unlock()
		doc, err := os.ReadFile(filepath.Join(realWorldDir, name))
		if err != nil || types[name] == "" {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Content-Type", types[name])
		w.Write(doc)
	}))
	t.Cleanup(srv.Close)
	now := time.Date(2026, 12, 4, 12, 0, 0, 0, time.UTC)
	db := storetest.Open(t)
	fd := newFeedsWith(t, db, &now, fetch.Config{AllowPrivate: true, Timeout: 5 * time.Second, Resolver: noDNS{}})
	ctx := context.Background()
	for _, c := range realWorldFeeds {
		t.Run(c.file, func(t *testing.T) {
			guild, feedURL := "g-"+c.file, srv.URL+"/feeds/"+c.file
			res, err := fd.Subscribe(ctx, briefs.FeedInput{GuildID: guild, UserID: "admin", URL: feedURL, Backfill: 0})
			if err != nil || len(res.Added) != 0 || len(res.Skipped) != 0 {
				t.Fatalf("subscribe: %+v, %v", res, err)
			}
			now = now.Add(20 * time.Minute)
			res, err = fd.Poll(ctx, res.Feed)
			if err != nil || len(res.Added) != 0 || len(res.Skipped) != 0 || res.Pending != 0 ||
				res.Feed.Failures != 0 || res.Feed.LastError != "" || !res.Feed.LastOK.Equal(now) {
				t.Fatalf("poll right after: added %q, skipped %q, pending %d, feed %+v, %v",
					titlesOf(res.Added), res.Skipped, res.Pending, res.Feed, err)
			}
			parsed, err := feeds.Parse(readRealWorld(t, c.file), feedURL)
			if err != nil || len(parsed.Items) == 0 {
				t.Fatalf("parse: %d items, %v", len(parsed.Items), err)
			}
			keys := make([][]string, len(parsed.Items))
			for i, it := range parsed.Items {
				keys[i] = it.Keys
			}
			unseen, err := fd.Store.Unseen(ctx, guild, keys)
			if err != nil {
				t.Fatal(err)
			}
			for i, u := range unseen {
				if u {
					t.Errorf("item %q (keys %q) was not remembered", parsed.Items[i].Title, parsed.Items[i].Keys)
				}
			}
			sub, err := fd.Store.Feed(ctx, guild, feedURL)
			if err != nil || sub.Title != c.title || sub.Ingested != 0 || sub.Failures != 0 {
				t.Errorf("stored subscription %q, ingested %d, failures %d, %v; want title %q", sub.Title, sub.Ingested, sub.Failures, err, c.title)
			}
			if _, n, err := db.Recent(ctx, guild, 0, 10); err != nil || n != 0 {
				t.Errorf("the guild holds %d articles, %v; want none", n, err)
			}
		})
	}
	mu.Lock()
	defer mu.Unlock()
	for p, n := range gets {
		if !strings.HasPrefix(p, "/feeds/") || n != 2 {
			t.Errorf("%s was fetched %d times; want each feed twice (subscribe, poll) and nothing else", p, n)
		}
	}
}

// The Guardian's feed, its links turned to loopback article pages as it is
// served, subscribed with a backfill of 2: its two newest stories become
// briefs (oldest first, with the item's date and link) and nothing else is
// fetched or repeated.
func TestFeedRealWorldBackfill(t *testing.T) {
	const site = "https://www.theguardian.com/"
	original := readRealWorld(t, "guardian-us.rss")
	var mu sync.Mutex
	var pages []string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/feeds/guardian-us.rss" {
			w.Header().Set("Content-Type", "application/rss+xml; charset=UTF-8")
			w.Write(bytes.ReplaceAll(original, []byte(site), []byte("http://"+r.Host+"/")))
			return
		}
		mu.Lock()
		pages = append(pages, r.URL.Path)
		mu.Unlock()
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		fmt.Fprint(w, articlePage(r.URL.Path))
	}))
	t.Cleanup(srv.Close)
	now := time.Date(2026, 12, 4, 12, 0, 0, 0, time.UTC)
	db := storetest.Open(t)
	fd := newFeedsWith(t, db, &now, fetch.Config{AllowPrivate: true, Timeout: 5 * time.Second, Resolver: noDNS{}})
	ctx := context.Background()

	res, err := fd.Subscribe(ctx, briefs.FeedInput{GuildID: "g", UserID: "admin", URL: srv.URL + "/feeds/guardian-us.rss", Backfill: 2})
	if err != nil {
		t.Fatal(err)
	}
	want := []string{
		"Moura joins Spurs; Giroud, Batshuayi, Aubameyang deals go through: transfer deadline day – live!",
		"Tottenham Hotspur v Manchester United: Premier League – live!",
	}
	if got := titlesOf(res.Added); !reflect.DeepEqual(got, want) || len(res.Skipped) != 0 || res.Feed.Ingested != 2 {
		t.Fatalf("backfill 2 brought %q (skipped %q, ingested %d); want %q", got, res.Skipped, res.Feed.Ingested, want)
	}
	spurs := res.Added[1]
	if spurs.SourceURL != srv.URL+"/football/live/2018/jan/31/tottenham-hotspur-v-manchester-united-premier-league-live" ||
		!spurs.PublishedAt.Equal(time.Date(2018, 1, 31, 20, 13, 54, 0, time.UTC)) || spurs.Gist == "" {
		t.Errorf("newest brief: source %s, published %s, gist %q", spurs.SourceURL, spurs.PublishedAt, spurs.Gist)
	}
	now = now.Add(20 * time.Minute)
	res, err = fd.Poll(ctx, res.Feed)
	if err != nil || len(res.Added) != 0 || len(res.Skipped) != 0 || res.Pending != 0 {
		t.Errorf("poll right after: added %q, skipped %q, pending %d, %v", titlesOf(res.Added), res.Skipped, res.Pending, err)
	}
	if _, n, err := db.Recent(ctx, "g", 0, 10); err != nil || n != 2 {
		t.Errorf("the guild holds %d articles, %v; want 2", n, err)
	}
	mu.Lock()
	defer mu.Unlock()
	sort.Strings(pages)
	if len(pages) != 2 || !strings.Contains(pages[0], "tottenham-hotspur") || !strings.Contains(pages[1], "transfer-deadline-day") {
		t.Errorf("article pages fetched: %q; want the two backfilled stories' only", pages)
	}
}

// articlePage is a news article about the story at path, long enough to
// brief and different for every path.
func articlePage(path string) string {
	topic := html.EscapeString(strings.ReplaceAll(strings.Trim(path[strings.LastIndex(path, "/")+1:], "-"), "-", " "))
	p1 := fmt.Sprintf("The story of %s was the most read on the site on Wednesday evening, as readers followed every update from London. ", topic) +
		"Reporters in the stadium and in the newsroom filed more than forty updates over the evening. " +
		"Editors said the live coverage drew twice the usual audience for a midweek night."
	p2 := fmt.Sprintf("Coverage of %s will continue on Thursday morning with analysis and reaction from both clubs. ", topic) +
		"The managers are expected to speak to reporters before noon. " +
		"Supporters can follow the reaction on the website and in the paper's daily newsletter."
	return `<!DOCTYPE html><html><head><title>` + topic + `</title></head><body><article><h1>` + topic +
		`</h1><p>` + p1 + `</p><p>` + p2 + `</p></article></body></html>`
}

// A feed host that never answers costs its own poll the fetch timeout and
// one failure, and holds up nothing else: the two workers fetch both feeds
// at once (the other site answers only once the hanging request is in
// flight), the other feed's new story becomes a brief, and the hanging
// handler returns as soon as the client gives up.
func TestPollDueSlowHost(t *testing.T) {
	site := newNewsSite(t)
	site.story("g1", "ferry", "New ferry line for the harbour", 1)

	heise := readRealWorld(t, "heise-developer.atom")
	var hang atomic.Bool
	var slowGets atomic.Int32
	slowArrived, slowReturned := make(chan struct{}), make(chan struct{})
	slow := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !hang.Load() {
			w.Header().Set("Content-Type", "application/atom+xml; charset=utf-8")
			w.Write(heise)
			return
		}
		if slowGets.Add(1) > 1 {
			return // asked again: counted, and answered at once
		}
		defer close(slowReturned)
		close(slowArrived)
		<-r.Context().Done() // until the client gives up
	}))
	t.Cleanup(slow.Close)

	now := time.Date(2026, 12, 4, 12, 0, 0, 0, time.UTC)
	db := storetest.Open(t)
	const timeout = time.Second
	fd := newFeedsWith(t, db, &now, fetch.Config{AllowPrivate: true, Timeout: timeout, Resolver: noDNS{}})
	ctx := context.Background()
	siteFeed, slowFeed := site.srv.URL+"/feed.xml", slow.URL+"/developer/rss/news-atom.xml"
	for _, u := range []string{siteFeed, slowFeed} {
		if _, err := fd.Subscribe(ctx, briefs.FeedInput{GuildID: "g", URL: u, Backfill: 0}); err != nil {
			t.Fatal(err)
		}
	}
	subscribed := now
	site.story("g2", "market", "Market hall reopens to traders", 2)
	site.set(func(s *newsSite) {
		// The site's feed answers once the slow host's request has arrived:
		// a poller that fetched one host after the other would time out here.
		s.held = map[string]chan struct{}{"/feed.xml": slowArrived}
		s.arrived = make(chan string, 4)
	})
	hang.Store(true)

	now = now.Add(20 * time.Minute)
	n, err := fd.PollDue(ctx, 10, 2)
	if err != nil || n != 2 {
		t.Fatalf("polled %d, %v; want both feeds", n, err)
	}
	select {
	case <-slowReturned:
	case <-time.After(10 * timeout):
		t.Fatal("the slow host's handler is still blocked after the poll gave up")
	}
	if got := slowGets.Load(); got != 1 {
		t.Errorf("the slow host was asked %d times; want once", got)
	}

	ok, err := fd.Store.Feed(ctx, "g", siteFeed)
	if err != nil || ok.Failures != 0 || ok.Ingested != 1 || !ok.LastOK.Equal(now) {
		t.Errorf("the answering feed: %+v, %v", ok, err)
	}
	if ls, total, err := db.Recent(ctx, "g", 0, 10); err != nil || total != 1 || ls[0].Title != "Market hall reopens to traders" {
		t.Errorf("briefs %+v (%d), %v; want the new story's", ls, total, err)
	}
	late, err := fd.Store.Feed(ctx, "g", slowFeed)
	if err != nil || late.Failures != 1 || late.Paused || !late.LastOK.Equal(subscribed) ||
		!strings.Contains(late.LastError, "did not answer in time") || !late.NextPoll.Equal(now.Add(briefs.DefaultFeedInterval<<1)) {
		t.Errorf("the hanging feed: failures %d, paused %v, last ok %s, next poll %s (want %s), last error %q, %v",
			late.Failures, late.Paused, late.LastOK, late.NextPoll, now.Add(briefs.DefaultFeedInterval<<1), late.LastError, err)
	}
}
