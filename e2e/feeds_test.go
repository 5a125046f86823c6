//go:build linux

package e2e_test

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"html"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"briefbot/bot/discordtest"
	"briefbot/briefs"
	"briefbot/store"
)

// ---------------------------------------------------------------------------
// A loopback news site that knows which bot asked

// feedStory is one story of the site: its feed item and its article page.
type feedStory struct {
	guid, slug, title string
	published         time.Time
	text              []string // the paragraphs of its page
}

func (s feedStory) path() string { return "/news/" + s.slug }

// siteHit is one request the site received: the path, and the bot process
// that made it ("" before any bot runs, for the command line).
type siteHit struct {
	path string
	bot  string
	at   time.Time
}

func (h siteHit) String() string { return h.path + " by " + cmp.Or(h.bot, "the command line") }

// feedSite is a news site on 127.0.0.1 serving an RSS 2.0 feed at
// /feed.xml and an article page per story at /news/<slug>. It records every
// request with the bot process that sent it, found through /proc from the
// request's client port, while the connection is open. It can hold the
// first request for one path until released, and counts the feed requests
// in flight, so that two pollers reading the feed at once would show.
type feedSite struct {
	srv *httptest.Server

	mu           sync.Mutex
	stories      []feedStory // newest first, as the feed lists them
	hits         []siteHit
	feedInFlight int
	feedPeak     int
	holdPath     string        // path whose first request is held; "" when disarmed
	arrived      chan siteHit  // told of the held request once it arrives
	release      chan struct{} // closed to let the held request go on
	releaseOnce  sync.Once
	botsKnown    chan struct{}  // closed once bots is filled; nil while no bot runs
	bots         map[int]string // pid -> bot name
}

func newFeedSite(t *testing.T) *feedSite {
	s := &feedSite{arrived: make(chan siteHit, 1), release: make(chan struct{})}
	s.srv = httptest.NewServer(s) // listens on 127.0.0.1
	t.Cleanup(s.srv.Close)
	// A test that fails while a request is held must not leave it waiting.
	t.Cleanup(s.unhold)
	return s
}

// feedURL is the address a guild follows.
func (s *feedSite) feedURL() string { return s.srv.URL + "/feed.xml" }

// storyURL is the link of a story, as its feed item gives it.
func (s *feedSite) storyURL(st feedStory) string { return s.srv.URL + st.path() }

// publish puts a story at the top of the feed.
func (s *feedSite) publish(st feedStory) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.stories = append([]feedStory{st}, s.stories...)
}

// hold arms the site to hold the next request for path.
func (s *feedSite) hold(path string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.holdPath = path
}

// unhold lets the held request go on (if any) and every later one pass.
func (s *feedSite) unhold() { s.releaseOnce.Do(func() { close(s.release) }) }

// expectBots makes the site name the bot behind each request from now on;
// a request waits until knowBots says which processes the bots are (a bot
// may ask before its starter has learnt its pid).
func (s *feedSite) expectBots() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.botsKnown = make(chan struct{})
}

// knowBots names the bot processes, by pid.
func (s *feedSite) knowBots(bots map[int]string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.bots = bots
	close(s.botsKnown)
}

// requests returns what the site received so far, in order of arrival.
func (s *feedSite) requests() []siteHit {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.hits)
}

// peakFeedRequests is the most feed requests the site served at once.
func (s *feedSite) peakFeedRequests() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.feedPeak
}

func (s *feedSite) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	hit := siteHit{path: r.URL.Path, at: time.Now()}
	var err error
	if hit.bot, err = s.whoAsked(r); err != nil {
		hit.bot = "unidentified (" + err.Error() + ")"
	}
	s.mu.Lock()
	s.hits = append(s.hits, hit)
	held := s.holdPath != "" && s.holdPath == r.URL.Path
	if held {
		s.holdPath = ""
	}
	if r.URL.Path == "/feed.xml" {
		s.feedInFlight++
		s.feedPeak = max(s.feedPeak, s.feedInFlight)
		defer func() {
			s.mu.Lock()
			s.feedInFlight--
			s.mu.Unlock()
		}()
	}
	stories := slices.Clone(s.stories)
	s.mu.Unlock()

	if held {
		s.arrived <- hit
		select {
		case <-s.release:
		case <-r.Context().Done():
			return // the bot is gone
		}
	}
	if r.URL.Path == "/feed.xml" {
		w.Header().Set("Content-Type", "application/rss+xml")
		fmt.Fprintf(w, `<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>Riverside Courier</title><link>%s/</link><description>Local news.</description>`, s.srv.URL)
		for _, st := range stories {
			fmt.Fprintf(w, `<item><title>%s</title><link>%s</link><guid isPermaLink="false">%s</guid><pubDate>%s</pubDate><description>%s</description></item>`,
				html.EscapeString(st.title), s.storyURL(st), st.guid, st.published.Format(time.RFC1123Z), html.EscapeString(st.text[0][:60]))
		}
		fmt.Fprint(w, `</channel></rss>`)
		return
	}
	for _, st := range stories {
		if st.path() == r.URL.Path {
			title := html.EscapeString(st.title)
			w.Header().Set("Content-Type", "text/html; charset=utf-8")
			fmt.Fprintf(w, `<!DOCTYPE html><html><head><title>%s | Riverside Courier</title></head><body><article><h1>%s</h1>`, title, title)
			for _, p := range st.text {
				fmt.Fprintf(w, "<p>%s</p>", html.EscapeString(p))
			}
			fmt.Fprint(w, `</article></body></html>`)
			return
		}
	}
	http.NotFound(w, r)
}

// whoAsked names the bot process at the other end of r's connection, ""
// before expectBots.
func (s *feedSite) whoAsked(r *http.Request) (string, error) {
	s.mu.Lock()
	known := s.botsKnown
	s.mu.Unlock()
	if known == nil {
		return "", nil
	}
	select {
	case <-known:
	case <-r.Context().Done():
		return "", r.Context().Err()
	}
	s.mu.Lock()
	bots := s.bots
	s.mu.Unlock()
	pids := make([]int, 0, len(bots))
	for pid := range bots {
		pids = append(pids, pid)
	}
	client, err := portOf(r.RemoteAddr)
	if err != nil {
		return "", err
	}
	server, err := portOf(s.srv.Listener.Addr().String())
	if err != nil {
		return "", err
	}
	pid, err := socketOwner(client, server, pids)
	if err != nil {
		return "", err
	}
	return bots[pid], nil
}

// portOf returns the port of a host:port address.
func portOf(addr string) (int, error) {
	_, port, err := net.SplitHostPort(addr)
	if err != nil {
		return 0, err
	}
	return strconv.Atoi(port)
}

// ---------------------------------------------------------------------------
// Which process holds a loopback connection

// socketOwner returns which of pids holds the client end of the open TCP
// connection from local port clientPort to serverPort: the socket's inode
// from /proc/net/tcp (or tcp6), then the process with a descriptor on
// socket:[inode].
func socketOwner(clientPort, serverPort int, pids []int) (int, error) {
	inode, err := clientSocketInode(clientPort, serverPort)
	if err != nil {
		return 0, err
	}
	target := "socket:[" + inode + "]"
	for _, pid := range pids {
		dir := fmt.Sprintf("/proc/%d/fd", pid)
		fds, err := os.ReadDir(dir)
		if err != nil {
			continue // the process is gone
		}
		for _, fd := range fds {
			if link, err := os.Readlink(filepath.Join(dir, fd.Name())); err == nil && link == target {
				return pid, nil
			}
		}
	}
	return 0, fmt.Errorf("no process of %v holds %s (port %d)", pids, target, clientPort)
}

// clientSocketInode finds, in the kernel's TCP tables, the socket whose
// local port is clientPort and remote port serverPort.
func clientSocketInode(clientPort, serverPort int) (string, error) {
	for _, table := range []string{"/proc/net/tcp", "/proc/net/tcp6"} {
		data, err := os.ReadFile(table)
		if err != nil {
			if errors.Is(err, os.ErrNotExist) {
				continue // no IPv6
			}
			return "", err
		}
		// sl local_address rem_address st tx_queue:rx_queue tr:tm->when retrnsmt uid timeout inode ...
		for _, line := range strings.Split(string(data), "\n")[1:] {
			f := strings.Fields(line)
			if len(f) < 10 || f[9] == "0" {
				continue
			}
			if hexPort(f[1]) == clientPort && hexPort(f[2]) == serverPort {
				return f[9], nil
			}
		}
	}
	return "", fmt.Errorf("no TCP socket from port %d to port %d", clientPort, serverPort)
}

// hexPort reads the port of an address as /proc/net/tcp writes it
// (0100007F:1F90); -1 when it cannot.
func hexPort(addr string) int {
	i := strings.LastIndexByte(addr, ':')
	if i < 0 {
		return -1
	}
	p, err := strconv.ParseUint(addr[i+1:], 16, 16)
	if err != nil {
		return -1
	}
	return int(p)
}

// ---------------------------------------------------------------------------

// riversideStory is story n of the site: its own headline, place and
// figures, so that no two have the same text, in eight sentences, enough
// for the extractive summarizer to make a brief of. Stories are published
// an hour apart, story 0 first.
func riversideStory(n int) feedStory {
	places := []string{"Aldermoor", "Brackenford", "Caldwick", "Dunmere", "Elmsworth", "Fairhaven", "Glenhollow"}
	subjects := []string{"tram", "bridge", "harbour", "library", "market hall", "cycle lane", "flood wall"}
	mayors := []string{"Ines Halvorsen", "Tomas Brede", "Clara Osei", "Yusuf Demir", "Mara Lindqvist", "Pavel Novak", "Aoife Keane"}
	place, subject, mayor := places[n%len(places)], subjects[n%len(subjects)], mayors[n%len(mayors)]
	cost := 12 + 7*n
	return feedStory{
		guid:      fmt.Sprintf("riverside-courier-%d", n),
		slug:      fmt.Sprintf("%s-%s-%d", strings.ToLower(place), strings.ReplaceAll(subject, " ", "-"), n),
		title:     fmt.Sprintf("%s approves the %s plan", place, subject),
		published: time.Date(2026, 3, 2, 8+n, 0, 0, 0, time.UTC),
		text: []string{
			fmt.Sprintf("The city council of %s approved the %s plan on Monday after a debate that lasted well into the night. ", place, subject) +
				fmt.Sprintf("Mayor %s said the project would cost about %d million euros and take three years to complete. ", mayor, cost) +
				fmt.Sprintf("Opposition members argued that the money would be better spent on schools and on repairing the %s ring road. ", place) +
				"Residents who attended the meeting were divided, with several shop owners warning that the works would drive customers away.",
			fmt.Sprintf("The regional government has promised to cover a third of the %d million euros if work begins before the end of next year. ", cost) +
				fmt.Sprintf("Engineers from the university of %s will publish a study of the %s plan's effect on the river in March. ", place, subject) +
				fmt.Sprintf("A first tender for the %s works is expected in the spring, according to the council's planning office. ", subject) +
				fmt.Sprintf("%s said every district would be consulted before the final vote, which is scheduled for June.", mayor),
		},
	}
}

// feedProgress is how many articles the guild holds and the feed's status.
func feedProgress(ctx context.Context, db *store.DB, guildID, url string) (int, briefs.FeedSub, error) {
	_, total, err := db.Recent(ctx, guildID, 0, 0)
	if err != nil {
		return 0, briefs.FeedSub{}, err
	}
	feed, err := db.Feed(ctx, guildID, url)
	return total, feed, err
}

// runBriefbot runs a briefbot command (not `run`) with env and returns its
// output, failing the test when it fails.
func runBriefbot(t *testing.T, env []string, args ...string) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, briefbotBinary(t), args...)
	cmd.Env = env
	cmd.SysProcAttr = dieWithTest()
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("briefbot %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return string(out)
}

// Three `briefbot run` processes share one Redis and poll the feed a guild
// follows; the one polling it is SIGKILLed while it reads a story's page.
// The feed's lease keeps it to one poller at a time, and a poll that dies
// leaves the story it was on unseen: once the dead instance's lease has run
// out (30 s), the next poll round of another instance (every 30 s) takes
// the feed over and ingests that story and the rest. Every story ends up
// as exactly one article, and no work is done twice but the page the
// killed instance never finished reading.
//
// The guild follows the feed through `briefbot feed add --backfill 0`
// while it holds one story, which is only remembered; six more are then
// published and the feed made due at once (paused and resumed), before the
// bots start. The page of the third new story in ingest order (oldest
// first) is held by the site; the bot that asked for it is found through
// /proc from the request's client port, and killed.
//
// It waits for the lease and a poll round: 35 to 65 s (-short skips it).
func TestFeedPolledOnceThroughSIGKILL(t *testing.T) {
	if testing.Short() {
		t.Skip("waits for a dead instance's feed lease and the next poll round: up to about a minute")
	}
	t.Parallel()
	const newStories = 6
	const heldStory = 3 // in ingest order: the oldest new story is 1

	r := startRedis(t, redisConfig{})
	prefix := newPrefix()
	site := newFeedSite(t)
	names := []string{"A", "B", "C"}
	// One fake Discord per instance: sessions on one fake would take each
	// other's shard.
	fakes := map[string]*discordtest.Server{}
	for _, name := range names {
		fakes[name] = discordtest.New(t)
	}
	guild := fakes["A"].GuildID()

	// Following: the story already in the feed is remembered, not briefed.
	old := riversideStory(0)
	site.publish(old)
	out := runBriefbot(t, botEnv(t, fakes["A"], "", r.URL(), prefix, "FETCH_ALLOW_PRIVATE=true"),
		"feed", "add", "--guild", guild, "--backfill", "0", site.feedURL())
	if !strings.Contains(out, "Following "+site.feedURL()) {
		t.Fatalf("briefbot feed add answered:\n%s", out)
	}
	stories := make([]feedStory, newStories+1) // stories[i] is the i-th new story to ingest
	for i := 1; i <= newStories; i++ {
		stories[i] = riversideStory(i)
		site.publish(stories[i])
	}
	db := openStore(t, r.URL(), prefix)
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	// Paused and resumed, the feed is due now rather than in its interval.
	fd := &briefs.Feeds{Service: newService(db), Store: db}
	for _, paused := range []bool{true, false} {
		if _, err := fd.SetPaused(ctx, guild, site.feedURL(), paused); err != nil {
			t.Fatalf("set the feed paused=%v: %v", paused, err)
		}
	}

	held := stories[heldStory].path()
	site.hold(held)
	site.expectBots()
	bots := map[string]*botProc{}
	pids := map[int]string{}
	for _, name := range names {
		b := startBot(t, name, botEnv(t, fakes[name], "", r.URL(), prefix, "FETCH_ALLOW_PRIVATE=true", "LOG_LEVEL=debug"))
		bots[name], pids[b.pid()] = b, name
	}
	site.knowBots(pids)

	var caught siteHit
	select {
	case caught = <-site.arrived:
	case <-time.After(30 * time.Second):
		t.Fatalf("no request for %s within 30s; the site saw %v", held, site.requests())
	}
	victim := bots[caught.bot]
	if victim == nil {
		t.Fatalf("the request for %s came from %s", held, caught.bot)
	}
	victim.kill()
	killedAt := time.Now()
	site.unhold()
	t.Logf("instance %s asked for %s and was SIGKILLed %s later", caught.bot, held, killedAt.Sub(caught.at).Round(time.Microsecond))

	// Another instance takes the feed over once the lease has run out and
	// its poll round comes: until then the guild holds two articles.
	var (
		total   int
		feed    briefs.FeedSub
		lastErr error
	)
	wctx, wcancel := context.WithTimeout(ctx, 2*time.Minute)
	defer wcancel()
	for {
		n, f, err := feedProgress(wctx, db, guild, site.feedURL())
		if err == nil {
			total, feed = n, f
			// Done once the taker has stored its poll: it stores it after
			// the last story, so whatever it did is in by then.
			if feed.LastOK.After(killedAt) {
				break
			}
		} else {
			lastErr = err
		}
		if wctx.Err() != nil {
			t.Fatalf("%s after the kill the guild holds %d articles and the feed's last successful poll began %s before it (last store error: %v); the site saw %v",
				time.Since(killedAt).Round(time.Second), total, killedAt.Sub(feed.LastOK).Round(time.Millisecond), lastErr, site.requests())
		}
		time.Sleep(100 * time.Millisecond)
	}
	t.Logf("the feed was polled again %s after the kill; the guild holds %d articles", time.Since(killedAt).Round(100*time.Millisecond), total)

	// Who asked for what. The feed: once by the victim, once by the
	// instance that took over, after the kill, and never by two at once.
	var feedReaders []string
	pageReaders := map[string][]string{}
	for _, h := range site.requests() {
		switch {
		case h.bot == "": // the command line subscribing
		case h.path == "/feed.xml":
			feedReaders = append(feedReaders, h.bot)
			if h.bot != caught.bot && !h.at.After(killedAt) {
				t.Errorf("instance %s read the feed at %s, before the killed instance's poll ended", h.bot, h.at.Format(time.RFC3339Nano))
			}
		default:
			pageReaders[h.path] = append(pageReaders[h.path], h.bot)
		}
	}
	if len(feedReaders) != 2 || feedReaders[0] != caught.bot || feedReaders[1] == caught.bot {
		t.Fatalf("the feed was read by %v; want once by the killed instance %s, then once by another", feedReaders, caught.bot)
	}
	taker := feedReaders[1]
	t.Logf("instance %s took the feed over", taker)
	if peak := site.peakFeedRequests(); peak != 1 {
		t.Errorf("%d requests for the feed were in flight at once; want 1", peak)
	}
	// The pages: each once, by the instance whose poll reached it, except
	// the held one, read by both. The old story's never.
	for i := 1; i <= newStories; i++ {
		want := []string{caught.bot}
		switch {
		case i == heldStory:
			want = append(want, taker)
		case i > heldStory:
			want = []string{taker}
		}
		if got := pageReaders[stories[i].path()]; !slices.Equal(got, want) {
			t.Errorf("page of story %d (%s) read by %v; want %v", i, stories[i].slug, got, want)
		}
		delete(pageReaders, stories[i].path())
	}
	for path, readers := range pageReaders {
		t.Errorf("%s read by %v; want no request", path, readers)
	}

	// The articles: one per new story, none for the old one.
	if total != newStories {
		t.Errorf("the guild holds %d articles; want %d", total, newStories)
	}
	listed, _, err := db.Recent(ctx, guild, 0, 100)
	if err != nil {
		t.Fatal(err)
	}
	perLink := map[string][]string{}
	for _, l := range listed {
		a, err := db.ArticleBySlug(ctx, guild, l.Slug)
		if err != nil {
			t.Fatalf("article %s: %v", l.Slug, err)
		}
		perLink[a.SourceURL] = append(perLink[a.SourceURL], a.Slug+" ("+a.Title+")")
	}
	for i := 1; i <= newStories; i++ {
		if got := perLink[site.storyURL(stories[i])]; len(got) != 1 {
			t.Errorf("story %d (%s) is %d articles: %v", i, stories[i].title, len(got), got)
		}
		delete(perLink, site.storyURL(stories[i]))
	}
	for link, arts := range perLink {
		t.Errorf("articles from %s, which no new story links: %v", link, arts)
	}

	// The feed's status is the taker's successful poll. Its count is of the
	// stories that poll ingested: the killed poll never stored its own.
	if feed.Paused || feed.Failures != 0 || feed.LastError != "" || !feed.NextPoll.After(killedAt) {
		t.Errorf("feed status after the takeover: paused=%v failures=%d last error %q next poll %s",
			feed.Paused, feed.Failures, feed.LastError, feed.NextPoll.Format(time.RFC3339))
	}
	if want := newStories - heldStory + 1; feed.Ingested < want {
		t.Errorf("the feed counts %d stories ingested; want at least %d", feed.Ingested, want)
	}
	t.Logf("feed status: %d stories counted, next poll in %s", feed.Ingested, time.Until(feed.NextPoll).Round(time.Second))

	for name, b := range bots {
		if b != victim && !b.alive() {
			t.Errorf("instance %s exited: %s", name, b.exitState())
		}
	}
}
