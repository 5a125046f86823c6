package briefs_test

import (
	"context"
	"crypto/sha256"
	"fmt"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"briefbot/briefs"
	"briefbot/briefs/extractive"
	"briefbot/briefs/feeds"
	"briefbot/briefs/fetch"
	"briefbot/store"
	"briefbot/store/storetest"
)

// newsSite is a loopback news site: a home page announcing its feed, the
// feed (with an ETag), and article pages; what it serves can change while
// a test runs.
type newsSite struct {
	mu       sync.Mutex
	srv      *httptest.Server
	items    []string          // RSS <item> elements, newest first
	pages    map[string]string // path -> article HTML
	status   map[string]int    // path -> a status to answer instead
	retry    string            // Retry-After sent with a status
	etag     string
	requests map[string]int
	// held: paths whose requests wait, once arrived is told, until the
	// channel closes or the client gives up.
	held    map[string]chan struct{}
	arrived chan string
}

func newNewsSite(t *testing.T) *newsSite {
	s := &newsSite{pages: map[string]string{}, status: map[string]int{}, requests: map[string]int{}}
	s.srv = httptest.NewServer(http.HandlerFunc(s.serve))
	t.Cleanup(s.srv.Close)
	return s
}

func (s *newsSite) serve(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	hold, arrived := s.held[r.URL.Path], s.arrived
	s.mu.Unlock()
	if hold != nil {
		arrived <- r.URL.Path
		select {
		case <-hold:
		case <-r.Context().Done():
			return
		}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.requests[r.URL.Path]++
	if code := s.status[r.URL.Path]; code != 0 {
		if s.retry != "" {
			w.Header().Set("Retry-After", s.retry)
		}
		w.WriteHeader(code)
		return
	}
	switch r.URL.Path {
	case "/":
		w.Header().Set("Content-Type", "text/html")
		fmt.Fprint(w, `<!DOCTYPE html><html><head><title>Harbour News</title><link rel="alternate" type="application/rss+xml" href="/feed.xml"></head><body><h1>Harbour News</h1><p>Front page.</p></body></html>`)
	case "/feed.xml":
		etag := fmt.Sprintf(`"%x"`, sha256.Sum256([]byte(strings.Join(s.items, "")))) // changes with any item
		if r.Header.Get("If-None-Match") == etag {
			w.WriteHeader(http.StatusNotModified)
			return
		}
		w.Header().Set("Content-Type", "application/rss+xml")
		w.Header().Set("ETag", etag)
		fmt.Fprintf(w, `<?xml version="1.0"?><rss version="2.0"><channel><title>Harbour News</title><link>%s/</link>%s</channel></rss>`, s.srv.URL, strings.Join(s.items, ""))
	default:
		page, ok := s.pages[r.URL.Path]
		if !ok {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Content-Type", "text/html")
		fmt.Fprint(w, page)
	}
}

// story adds an article page and its feed item (newest first) with the
// given GUID.
func (s *newsSite) story(guid, slug, title string, day int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	body := fmt.Sprintf("%s was announced on Tuesday by the harbour authority after months of talks with the city council. ", title)
	body += "Officials said the change would take effect in the spring and cost about 4 million euros. "
	body += "Residents welcomed the decision at a public meeting on Tuesday evening. "
	body += "The council will vote on the final budget in January, the mayor's office said."
	s.pages["/news/"+slug] = fmt.Sprintf(`<!DOCTYPE html><html><head><title>%s</title></head><body><article><h1>%s</h1><p>%s</p><p>%s</p></article></body></html>`, title, title, body, body)
	item := fmt.Sprintf(`<item><title>%s</title><link>/news/%s</link><guid>%s</guid><pubDate>%s</pubDate><description>Teaser.</description></item>`,
		title, slug, guid, time.Date(2026, 12, day, 9, 0, 0, 0, time.UTC).Format(time.RFC1123Z))
	s.items = append([]string{item}, s.items...)
}

func (s *newsSite) set(f func(s *newsSite)) {
	s.mu.Lock()
	defer s.mu.Unlock()
	f(s)
}

func newFeeds(t *testing.T, now *time.Time) *briefs.Feeds {
	t.Helper()
	return newFeedsOn(t, storetest.Open(t), now)
}

// newFeedsOn is one instance's feed poller over a shared store.
func newFeedsOn(t testing.TB, db *store.DB, now *time.Time) *briefs.Feeds {
	t.Helper()
	return newFeedsWith(t, db, now, fetch.Config{AllowPrivate: true, Timeout: 5 * time.Second})
}

// newFeedsWith is newFeedsOn with a fetcher of the given limits.
func newFeedsWith(t testing.TB, db *store.DB, now *time.Time, cfg fetch.Config) *briefs.Feeds {
	t.Helper()
	f := fetch.New(cfg)
	svc := &briefs.Service{Store: db, Summarizer: extractive.New(), Now: func() time.Time { return *now },
		Fetch: func(ctx context.Context, rawURL string) (briefs.WebPage, error) {
			p, err := f.Fetch(ctx, rawURL)
			return briefs.WebPage{URL: p.URL, CanonicalURL: p.CanonicalURL, Title: p.Title, Text: p.Text, Site: p.SiteName}, err
		}}
	return &briefs.Feeds{Service: svc, Store: db, Parse: feeds.ParseFeed, Discover: feeds.Discover, MaxFeedsPerGuild: 3,
		Fetch: func(ctx context.Context, url, etag, lastModified string) (briefs.FeedDocument, error) {
			d, err := f.FetchFeed(ctx, url, fetch.Conditional{ETag: etag, LastModified: lastModified})
			return briefs.FeedDocument{URL: d.URL, ContentType: d.ContentType, Body: d.Body, NotModified: d.NotModified,
				ETag: d.Next.ETag, LastModified: d.Next.LastModified}, err
		}}
}

func titlesOf(bs []briefs.Brief) []string {
	var out []string
	for _, b := range bs {
		out = append(out, b.Title)
	}
	return out
}

// Subscribing by the site's address finds its feed and brings in only the
// backfill; a poll of the unchanged feed costs a 304 and adds nothing; a new
// story becomes one brief; a GUID the feed rewrites brings nothing back.
func TestFeedSubscribeAndPoll(t *testing.T) {
	site := newNewsSite(t)
	site.story("g1", "ferry", "New ferry line for the harbour", 1)
	site.story("g2", "market", "Market hall reopens to traders", 2)
	site.story("g3", "storm", "Storm wall to protect the old town", 3)
	now := time.Date(2026, 12, 4, 12, 0, 0, 0, time.UTC)
	fd := newFeeds(t, &now)
	ctx := context.Background()

	res, err := fd.Subscribe(ctx, briefs.FeedInput{GuildID: "g", UserID: "admin", URL: site.srv.URL + "/", Backfill: 1})
	if err != nil {
		t.Fatal(err)
	}
	if res.Feed.URL != site.srv.URL+"/feed.xml" || res.Feed.Title != "Harbour News" || res.Feed.Ingested != 1 {
		t.Errorf("subscribed to %+v", res.Feed)
	}
	if got := titlesOf(res.Added); len(got) != 1 || got[0] != "Storm wall to protect the old town" {
		t.Errorf("backfill 1 brought %q, want the newest story only", got)
	}

	now = now.Add(20 * time.Minute)
	res, err = fd.Poll(ctx, res.Feed)
	if err != nil || len(res.Added) != 0 || res.Feed.LastOK != now || res.Feed.Failures != 0 {
		t.Fatalf("unchanged feed: %+v, %v", res, err)
	}
	site.story("g4", "bridge", "Bridge repairs start next week", 4)
	res, err = fd.Poll(ctx, res.Feed)
	if err != nil || len(res.Added) != 1 || res.Added[0].Title != "Bridge repairs start next week" || res.Feed.Ingested != 2 {
		t.Fatalf("one new story: %+v, %v", res, err)
	}
	site.set(func(s *newsSite) {
		s.items[0] = strings.Replace(s.items[0], "<guid>g4</guid>", "<guid>g4-rewritten</guid>", 1)
	})
	etag := res.Feed.ETag
	res, err = fd.Poll(ctx, res.Feed)
	if err != nil || len(res.Added) != 0 || res.Feed.ETag == etag {
		t.Fatalf("a rewritten GUID (a changed feed, etag %s -> %s) brought back %q, %v", etag, res.Feed.ETag, titlesOf(res.Added), err)
	}
	// A feed that re-dates every item on every fetch repeats nothing.
	site.set(func(s *newsSite) {
		for i := range s.items {
			s.items[i] = regexp.MustCompile(`<pubDate>[^<]*</pubDate>`).ReplaceAllString(s.items[i], "<pubDate>Sat, 05 Dec 2026 23:59:00 +0000</pubDate>")
		}
	})
	etag = res.Feed.ETag
	res, err = fd.Poll(ctx, res.Feed)
	if err != nil || len(res.Added) != 0 || res.Feed.ETag == etag {
		t.Fatalf("re-dated items (a changed feed) came back: %q, %v", titlesOf(res.Added), err)
	}
	list, err := fd.Store.Feeds(ctx, "g")
	if err != nil || len(list) != 1 || list[0].Ingested != 2 || list[0].ETag == "" {
		t.Errorf("stored subscription %+v, %v", list, err)
	}
}

// A site that fails is polled later (its Retry-After, else doubling), its
// items are not lost, and after five failures in a row the feed pauses
// with the reason.
func TestFeedFailuresBackOffAndPause(t *testing.T) {
	site := newNewsSite(t)
	site.story("g1", "ferry", "New ferry line for the harbour", 1)
	now := time.Date(2026, 12, 4, 12, 0, 0, 0, time.UTC)
	fd := newFeeds(t, &now)
	var notices []briefs.FeedSub
	fd.OnPause = func(_ context.Context, sub briefs.FeedSub) { notices = append(notices, sub) }
	ctx := context.Background()
	res, err := fd.Subscribe(ctx, briefs.FeedInput{GuildID: "g", URL: site.srv.URL + "/feed.xml", Backfill: 0})
	if err != nil || len(res.Added) != 0 {
		t.Fatalf("backfill 0: %+v, %v", res, err)
	}
	site.story("g2", "market", "Market hall reopens to traders", 2)
	site.set(func(s *newsSite) { s.status["/feed.xml"], s.retry = http.StatusTooManyRequests, "600" })
	res, err = fd.Poll(ctx, res.Feed)
	if err != nil || res.Feed.Failures != 1 || res.Feed.NextPoll != now.Add(10*time.Minute) || res.Feed.Paused {
		t.Fatalf("429 with Retry-After 600: %+v, %v", res.Feed, err)
	}
	site.set(func(s *newsSite) { s.status["/feed.xml"], s.retry = http.StatusBadGateway, "" })
	for i := 2; i <= 5; i++ {
		res, err = fd.Poll(ctx, res.Feed)
		if err != nil || res.Feed.Failures != i {
			t.Fatalf("failure %d: %+v, %v", i, res.Feed, err)
		}
		if want := now.Add(briefs.DefaultFeedInterval << i); i < 5 && res.Feed.NextPoll != want {
			t.Errorf("failure %d: next poll %s, want %s", i, res.Feed.NextPoll, want)
		}
	}
	if !res.Feed.Paused || !strings.Contains(res.Feed.PauseReason, "5 polls in a row failed") {
		t.Errorf("after 5 failures: paused %v, %q", res.Feed.Paused, res.Feed.PauseReason)
	}
	if len(notices) != 1 || notices[0].URL != res.Feed.URL || !notices[0].Paused {
		t.Errorf("pause notices: %+v; want one, for the paused feed", notices)
	}
	if due, _ := fd.Store.DueFeeds(ctx, now.Add(48*time.Hour), 10); len(due) != 0 {
		t.Errorf("a paused feed is still due: %+v", due)
	}
	site.set(func(s *newsSite) { delete(s.status, "/feed.xml") })
	res, err = fd.Poll(ctx, res.Feed)
	if err != nil || len(res.Added) != 1 || res.Added[0].Title != "Market hall reopens to traders" || res.Feed.Failures != 0 {
		t.Fatalf("the story that came during the outage: %+v, %v", res, err)
	}
}

// An item whose page refuses briefbot becomes a brief from its own text
// when it has enough, and is skipped with the reason (for good) when not;
// a page that is only down is retried next poll.
func TestFeedItemFallbacks(t *testing.T) {
	site := newNewsSite(t)
	now := time.Date(2026, 12, 4, 12, 0, 0, 0, time.UTC)
	fd := newFeeds(t, &now)
	ctx := context.Background()
	res, err := fd.Subscribe(ctx, briefs.FeedInput{GuildID: "g", URL: site.srv.URL + "/feed.xml", Backfill: 0})
	if err != nil {
		t.Fatal(err)
	}
	long := strings.Repeat("The harbour authority said the new ferry line would carry 2,000 passengers a day. ", 5)
	site.set(func(s *newsSite) {
		s.items = []string{
			`<item><title>Paywalled but described</title><link>/news/paywall</link><guid>p1</guid><description>` + long + `</description></item>`,
			`<item><title>Paywalled teaser</title><link>/news/teaser</link><guid>p2</guid><description>Read more inside.</description></item>`,
			`<item><title>Down for now</title><link>/news/down</link><guid>p3</guid><description>Short.</description></item>`,
		}
		s.status["/news/paywall"], s.status["/news/teaser"], s.status["/news/down"] = http.StatusForbidden, http.StatusForbidden, http.StatusServiceUnavailable
	})
	res, err = fd.Poll(ctx, res.Feed)
	if err != nil {
		t.Fatal(err)
	}
	if got := titlesOf(res.Added); len(got) != 1 || got[0] != "Paywalled but described" {
		t.Errorf("added %q, want the described item only", got)
	}
	if len(res.Skipped) != 2 || !strings.Contains(strings.Join(res.Skipped, "\n"), "(will retry)") {
		t.Errorf("skipped %q", res.Skipped)
	}
	// The page that was down is back: the next poll takes that item, and
	// only it.
	site.set(func(s *newsSite) {
		delete(s.status, "/news/down")
		s.pages["/news/down"] = `<!DOCTYPE html><html><head><title>Down for now</title></head><body><article><h1>Down for now</h1><p>` +
			strings.ReplaceAll(long, "ferry line", "bridge") + `</p></article></body></html>`
		s.items = append(s.items, `<item><title>Poke</title><guid>p4</guid><description>x</description></item>`) // a change, so no 304
	})
	res, err = fd.Poll(ctx, res.Feed)
	if err != nil {
		t.Fatal(err)
	}
	if got := titlesOf(res.Added); len(got) != 1 || got[0] != "Down for now" {
		t.Errorf("second poll added %q, want only the item that was down", got)
	}
	// The same story under another link (a syndicated copy) is no new brief.
	site.set(func(s *newsSite) {
		s.pages["/news/copy"] = s.pages["/news/down"]
		s.items = append([]string{`<item><title>Copy</title><link>/news/copy</link><guid>p5</guid></item>`}, s.items...)
	})
	res, err = fd.Poll(ctx, res.Feed)
	if err != nil || len(res.Added) != 0 || !strings.Contains(strings.Join(res.Skipped, "\n"), "Copy: already here") {
		t.Errorf("a copy of a stored story: added %q, skipped %q, %v", titlesOf(res.Added), res.Skipped, err)
	}
}

func TestFeedSubscribeRefusals(t *testing.T) {
	site := newNewsSite(t)
	site.set(func(s *newsSite) {
		s.pages["/plain"] = "<!DOCTYPE html><html><head><title>No feed</title></head><body><p>Nothing here.</p></body></html>"
	})
	now := time.Date(2026, 12, 4, 12, 0, 0, 0, time.UTC)
	fd := newFeeds(t, &now)
	ctx := context.Background()
	for _, c := range []struct {
		in   briefs.FeedInput
		code string
		says string
	}{
		{briefs.FeedInput{GuildID: "g", URL: site.srv.URL + "/plain"}, briefs.EINVALID, "announces no feed"},
		{briefs.FeedInput{GuildID: "g", URL: site.srv.URL + "/feed.xml", Interval: time.Minute}, briefs.EINVALID, "at most every 5m0s"},
		{briefs.FeedInput{GuildID: "g", URL: site.srv.URL + "/feed.xml", Backfill: 50}, briefs.EINVALID, "at most 10"},
		{briefs.FeedInput{GuildID: "g", URL: "http://127.0.0.1:1/feed.xml"}, briefs.EUNAVAILABLE, ""},
	} {
		_, err := fd.Subscribe(ctx, c.in)
		if briefs.ErrorCode(err) != c.code || !strings.Contains(briefs.ErrorMessage(err), c.says) {
			t.Errorf("%+v: %v; want %s saying %q", c.in, err, c.code, c.says)
		}
	}
	if list, _ := fd.Store.Feeds(ctx, "g"); len(list) != 0 {
		t.Errorf("refused subscriptions were stored: %+v", list)
	}
}

// Three instances poll the due feeds at once: each feed is fetched by one
// of them, each new story becomes one brief, and feeds not yet due are left
// alone.
func TestPollDueOnePollerPerFeed(t *testing.T) {
	site := newNewsSite(t)
	site.story("g1", "ferry", "New ferry line for the harbour", 1)
	now := time.Date(2026, 12, 4, 12, 0, 0, 0, time.UTC)
	db := storetest.Open(t)
	instances := []*briefs.Feeds{newFeedsOn(t, db, &now), newFeedsOn(t, db, &now), newFeedsOn(t, db, &now)}
	ctx := context.Background()
	if _, err := instances[0].Subscribe(ctx, briefs.FeedInput{GuildID: "g", URL: site.srv.URL + "/feed.xml", Backfill: 0}); err != nil {
		t.Fatal(err)
	}
	if _, err := instances[0].Subscribe(ctx, briefs.FeedInput{GuildID: "h", URL: site.srv.URL + "/feed.xml", Backfill: 0, Interval: time.Hour}); err != nil {
		t.Fatal(err)
	}
	site.story("g2", "market", "Market hall reopens to traders", 2)
	site.set(func(s *newsSite) { s.requests = map[string]int{} })
	now = now.Add(20 * time.Minute) // g's feed is due, h's (hourly) is not
	var wg sync.WaitGroup
	polled := make([]int, len(instances))
	for i, fd := range instances {
		wg.Go(func() {
			n, err := fd.PollDue(ctx, 10, 2)
			if err != nil {
				t.Error(err)
			}
			polled[i] = n
		})
	}
	wg.Wait()
	total := 0
	for _, n := range polled {
		total += n
	}
	site.mu.Lock()
	feedGets := site.requests["/feed.xml"]
	site.mu.Unlock()
	if total != 1 || feedGets != 1 {
		t.Errorf("polls %v (%d), feed fetched %d times; want one poll and one fetch", polled, total, feedGets)
	}
	for _, guild := range []string{"g", "h"} {
		_, n, err := db.Recent(ctx, guild, 0, 10)
		want := map[string]int{"g": 1, "h": 0}[guild]
		if err != nil || n != want {
			t.Errorf("guild %s holds %d articles, %v; want %d", guild, n, err, want)
		}
	}
	// Due again later, the feed is polled again, and nothing is new.
	now = now.Add(20 * time.Minute)
	if n, err := instances[1].PollDue(ctx, 10, 2); err != nil || n != 1 {
		t.Errorf("second round polled %d, %v", n, err)
	}
}

// newSectionSite is a slow site with a feed per section (any path): it
// counts the requests it gets and the most it held at once.
func newSectionSite(t *testing.T) (srv *httptest.Server, peak, fetches *atomic.Int32) {
	var inFlight atomic.Int32
	peak, fetches = new(atomic.Int32), new(atomic.Int32)
	srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n := inFlight.Add(1)
		defer inFlight.Add(-1)
		fetches.Add(1)
		for p := peak.Load(); n > p && !peak.CompareAndSwap(p, n); p = peak.Load() {
		}
		time.Sleep(20 * time.Millisecond) // a slow site: holds the request open (load, not synchronisation)
		w.Header().Set("Content-Type", "application/rss+xml")
		fmt.Fprintf(w, `<?xml version="1.0"?><rss version="2.0"><channel><title>Section %s</title></channel></rss>`, r.URL.Path)
	}))
	t.Cleanup(srv.Close)
	return srv, peak, fetches
}

// However many workers poll, at most PerHost feeds of one host are fetched
// at once.
func TestPollDueBoundsRequestsPerHost(t *testing.T) {
	srv, peak, _ := newSectionSite(t)
	now := time.Date(2026, 12, 4, 12, 0, 0, 0, time.UTC)
	fd := newFeeds(t, &now)
	ctx := context.Background()
	for i := range 6 {
		if _, err := fd.Subscribe(ctx, briefs.FeedInput{GuildID: fmt.Sprintf("g%d", i), URL: fmt.Sprintf("%s/section/%d", srv.URL, i), Backfill: 0}); err != nil {
			t.Fatal(err)
		}
	}
	peak.Store(0)
	now = now.Add(time.Hour)
	n, err := fd.PollDue(ctx, 10, 6)
	if err != nil || n != 6 {
		t.Fatalf("polled %d, %v; want 6", n, err)
	}
	if p := peak.Load(); p > briefs.PerHost || p < 1 {
		t.Errorf("%d requests at once to one host; want at most %d", p, briefs.PerHost)
	}
}

// Items a poll leaves for the next one (over the per-poll bound, or whose
// page failed for now) are read at the next poll even though the feed has
// not changed: the poll after such a poll is not conditional, so the site
// cannot answer 304 and hide them.
func TestFeedPendingItemsSurviveUnchangedFeed(t *testing.T) {
	site := newNewsSite(t)
	now := time.Date(2026, 12, 4, 12, 0, 0, 0, time.UTC)
	fd := newFeeds(t, &now)
	fd.ItemsPerPoll = 2
	ctx := context.Background()
	feedURL := site.srv.URL + "/feed.xml"
	if _, err := fd.Subscribe(ctx, briefs.FeedInput{GuildID: "g", URL: feedURL, Backfill: 0}); err != nil {
		t.Fatal(err)
	}
	for i, slug := range []string{"ferry", "market", "bridge", "school", "park"} {
		site.story(fmt.Sprintf("g%d", i), slug, "Story about the "+slug+" in the harbour town", i+1)
	}
	site.set(func(s *newsSite) { s.status["/news/school"] = http.StatusServiceUnavailable })
	var added []string
	for round := range 5 {
		now = now.Add(20 * time.Minute)
		res, polled, err := fd.PollFeed(ctx, briefs.FeedRef{GuildID: "g", URL: feedURL}, false)
		if err != nil || !polled {
			t.Fatalf("round %d: %v, polled %v", round, err, polled)
		}
		added = append(added, titlesOf(res.Added)...)
		if round == 2 {
			site.set(func(s *newsSite) { delete(s.status, "/news/school") })
		}
	}
	if len(added) != 5 {
		t.Errorf("ingested %q over five polls of an unchanged feed; want all five stories", added)
	}
}

// Three instances with six workers each still fetch at most PerHost feeds
// of one site at once; the feeds they could not take stay due and are
// polled in later rounds, none twice in a round.
func TestPollDueBoundsRequestsPerHostAcrossInstances(t *testing.T) {
	srv, peak, fetches := newSectionSite(t)
	now := time.Date(2026, 12, 4, 12, 0, 0, 0, time.UTC)
	db := storetest.Open(t)
	instances := []*briefs.Feeds{newFeedsOn(t, db, &now), newFeedsOn(t, db, &now), newFeedsOn(t, db, &now)}
	ctx := context.Background()
	const feeds = 12
	for i := range feeds {
		if _, err := instances[0].Subscribe(ctx, briefs.FeedInput{GuildID: fmt.Sprintf("g%d", i), URL: fmt.Sprintf("%s/section/%d", srv.URL, i), Backfill: 0}); err != nil {
			t.Fatal(err)
		}
	}
	peak.Store(0)
	fetches.Store(0)
	now = now.Add(time.Hour)
	total := 0
	for round := 0; total < feeds && round < 20; round++ {
		var wg sync.WaitGroup
		var polled atomic.Int32
		for _, fd := range instances {
			wg.Go(func() {
				n, err := fd.PollDue(ctx, 100, 6)
				if err != nil {
					t.Error(err)
				}
				polled.Add(int32(n))
			})
		}
		wg.Wait()
		total += int(polled.Load())
	}
	if total != feeds || fetches.Load() != feeds {
		t.Errorf("polled %d feeds with %d fetches; want each of the %d once", total, fetches.Load(), feeds)
	}
	if p := peak.Load(); p > briefs.PerHost || p < 1 {
		t.Errorf("%d requests at once to one site from three instances; want at most %d", p, briefs.PerHost)
	}
}
