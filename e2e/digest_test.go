//go:build linux

package e2e_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/bwmarrin/discordgo"

	"briefbot/bot/discordtest"
)

// digestChannel is the channel the digests of these tests go to.
const digestChannel = "1100000000000000042"

// slotFormat is how a digest names its slot (bot/digest.go,
// digestTimeFormat); the schedule's answer lists the next runs the same way.
const slotFormat = "Mon 2 Jan 2006, 15:04 MST"

var slotLabel = regexp.MustCompile(`[A-Z][a-z]{2} \d{1,2} [A-Z][a-z]{2} \d{4}, \d{2}:\d{2} [A-Z]+`)

// scheduleDigest sends /digest schedule (every minute, posting "nothing new"
// too, so that every slot is one post) to the bot behind fake, in guildID,
// and returns the first slot it announces.
func scheduleDigest(t *testing.T, b *botProc, fake *discordtest.Server, guildID string) time.Time {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	ctx, stop := b.ctx(ctx)
	defer stop()
	i := discordtest.Subcommand(guildID, discordgo.PermissionManageGuild, "digest", "schedule",
		discordtest.Opt("cron", "* * * * *"),
		&discordgo.ApplicationCommandInteractionDataOption{Name: "channel", Type: discordgo.ApplicationCommandOptionChannel, Value: digestChannel},
		discordtest.Opt("timezone", "UTC"),
		discordtest.Opt("post_empty", true))
	a, err := call(ctx, fake, i)
	if err != nil {
		t.Fatalf("/digest schedule: %v\n%s", err, tail(b.log(), 20))
	}
	if a.resp.Data == nil || !a.resp.ephemeral() || !strings.Contains(a.resp.Data.Content, "Digest scheduled") {
		t.Fatalf("/digest schedule answered %s", a.callback.Body)
	}
	first := slotLabel.FindString(a.resp.Data.Content)
	at, err := time.Parse(slotFormat, first)
	if err != nil {
		t.Fatalf("no next run in %q: %v", a.resp.Data.Content, err)
	}
	t.Logf("digest scheduled; first slot %s (in %s)", at.Format(time.RFC3339), time.Until(at).Round(time.Second))
	return at
}

// slotOf returns the slot a digest post names, "" when it names none.
func slotOf(body []byte) string {
	var m struct {
		Content string `json:"content"`
		Embeds  []struct {
			Footer *struct {
				Text string `json:"text"`
			} `json:"footer"`
		} `json:"embeds"`
	}
	if err := json.Unmarshal(body, &m); err != nil {
		return ""
	}
	text := m.Content
	for _, e := range m.Embeds {
		if e.Footer != nil {
			text += "\n" + e.Footer.Text
		}
	}
	return slotLabel.FindString(text)
}

// digestPosts counts the accepted digest posts in digestChannel per slot
// label, over every fake.
func digestPosts(fakes ...*discordtest.Server) map[string]int {
	n := map[string]int{}
	for _, f := range fakes {
		for _, r := range f.Requests() {
			if r.Method == http.MethodPost && r.Route() == "/channels/"+digestChannel+"/messages" && r.OK() {
				n[slotOf(r.Body)]++
			}
		}
	}
	return n
}

// waitPosts waits until some fake has recorded a post of slot.
func waitPosts(ctx context.Context, slot time.Time, fakes ...*discordtest.Server) error {
	label := slot.UTC().Format(slotFormat)
	found := make(chan struct{})
	wctx, cancel := context.WithCancel(ctx)
	defer cancel()
	var once sync.Once
	for _, f := range fakes {
		go func() {
			if f.WaitFor(wctx, func() bool { return digestPosts(f)[label] > 0 }) == nil {
				once.Do(func() { close(found) })
			}
		}()
	}
	select {
	case <-found:
		return nil
	case <-ctx.Done():
		return fmt.Errorf("no post of slot %s: %w", label, ctx.Err())
	}
}

// waitHandled waits until b's log says what it did with slot: posted it, or
// found it busy (claimed by another instance) or done.
func waitHandled(ctx context.Context, b *botProc, slot time.Time) (string, error) {
	stamp := "slot=" + slot.UTC().Format(time.RFC3339)
	var line string
	err := b.output().WaitUntil(ctx, func(s string) bool {
		for _, l := range strings.Split(s, "\n") {
			if strings.Contains(l, stamp) && strings.Contains(l, "digest") {
				line = l
				return true
			}
		}
		return false
	})
	return line, err
}

// ---------------------------------------------------------------------------
// A REST front that can hold a digest post

// postGate catches the first digest post of one slot at any of the gated
// APIs: it may forward it to Discord first (the post is then accepted, and
// the crash that follows is the documented window) or not, and holds the
// answer until released.
type postGate struct {
	mu      sync.Mutex
	slot    string // label of the slot to catch; "" when disarmed
	forward bool
	caught  chan caughtPost
	release chan struct{}
}

type caughtPost struct {
	instance string
	status   int // Discord's answer when forwarded, 0 when not
}

func newPostGate() *postGate {
	return &postGate{caught: make(chan caughtPost, 1), release: make(chan struct{})}
}

func (g *postGate) arm(slot time.Time, forward bool) {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.slot, g.forward = slot.UTC().Format(slotFormat), forward
}

// take reports whether body is the post to catch, disarming the gate.
func (g *postGate) take(body []byte) (catch, forward bool) {
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.slot == "" || slotOf(body) != g.slot {
		return false, false
	}
	g.slot = ""
	return true, g.forward
}

// gatedAPI is a reverse proxy on 127.0.0.1 in front of a fake's REST API;
// a bot given its URL as DISCORD_API_URL posts through it (the gateway
// websocket goes to the fake directly).
type gatedAPI struct {
	name  string
	fake  *discordtest.Server
	gate  *postGate
	proxy *httputil.ReverseProxy
	srv   *httptest.Server
}

var channelMessages = regexp.MustCompile(`^/api/v9/channels/\d+/messages$`)

func newGatedAPI(t *testing.T, name string, fake *discordtest.Server, gate *postGate) *gatedAPI {
	u, err := url.Parse(fake.URL())
	if err != nil {
		t.Fatal(err)
	}
	a := &gatedAPI{name: name, fake: fake, gate: gate, proxy: httputil.NewSingleHostReverseProxy(u)}
	a.srv = httptest.NewServer(a) // listens on 127.0.0.1
	t.Cleanup(a.srv.Close)
	return a
}

// APIURL is the DISCORD_API_URL of a bot behind the gate.
func (a *gatedAPI) APIURL() string { return a.srv.URL + discordtest.APIPrefix }

func (a *gatedAPI) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost || !channelMessages.MatchString(r.URL.Path) {
		a.proxy.ServeHTTP(w, r)
		return
	}
	body, err := io.ReadAll(r.Body)
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	catch, forward := a.gate.take(body)
	if !catch {
		r.Body = io.NopCloser(bytes.NewReader(body))
		r.ContentLength = int64(len(body))
		a.proxy.ServeHTTP(w, r)
		return
	}
	var (
		status int
		header http.Header
		out    []byte
	)
	if forward {
		req, _ := http.NewRequest(http.MethodPost, a.fake.URL()+r.URL.RequestURI(), bytes.NewReader(body))
		req.Header = r.Header.Clone()
		resp, err := http.DefaultClient.Do(req)
		if err == nil {
			status, header = resp.StatusCode, resp.Header
			out, _ = io.ReadAll(resp.Body)
			resp.Body.Close()
		}
	}
	a.gate.caught <- caughtPost{instance: a.name, status: status}
	select {
	case <-a.gate.release:
	case <-r.Context().Done():
		return // the bot is gone
	}
	if status == 0 {
		http.Error(w, "held by the test", http.StatusBadGateway)
		return
	}
	for k, v := range header {
		w.Header()[k] = v
	}
	w.WriteHeader(status)
	_, _ = w.Write(out)
}

// ---------------------------------------------------------------------------

// digestPair is two `briefbot run` instances, A and B, sharing one Redis and
// one schedule, each with its own fake Discord (two sessions on one fake
// would take each other's shard) behind a gate.
type digestPair struct {
	redis  *redisServer
	gate   *postGate
	fakes  map[string]*discordtest.Server
	bots   map[string]*botProc
	guild  string
	prefix string
}

func startDigestPair(t *testing.T) *digestPair {
	p := &digestPair{
		redis:  startRedis(t, redisConfig{}),
		gate:   newPostGate(),
		fakes:  map[string]*discordtest.Server{},
		bots:   map[string]*botProc{},
		prefix: newPrefix(),
	}
	for _, name := range []string{"A", "B"} {
		p.fakes[name] = discordtest.New(t)
	}
	p.guild = p.fakes["A"].GuildID()
	seedArticle(t, newService(openStore(t, p.redis.URL(), p.prefix)), p.guild, "putin-kim", "")
	for _, name := range []string{"A", "B"} {
		api := newGatedAPI(t, name, p.fakes[name], p.gate)
		p.bots[name] = startBot(t, name, botEnv(t, p.fakes[name], api.APIURL(), p.redis.URL(), p.prefix, "LOG_LEVEL=debug"))
	}
	for _, name := range []string{"A", "B"} {
		waitReady(t, p.bots[name], p.fakes[name], 0)
	}
	return p
}

func (p *digestPair) posts() map[string]int { return digestPosts(p.fakes["A"], p.fakes["B"]) }

// restart restarts a killed instance and waits until it is connected.
func (p *digestPair) restart(t *testing.T, name string) {
	readies := p.fakes[name].Stats().Readies
	p.bots[name].restart()
	waitReady(t, p.bots[name], p.fakes[name], readies)
}

// caught waits, up to 90 s, for the gate to catch the post of slot.
func (p *digestPair) caught(t *testing.T, slot time.Time) caughtPost {
	t.Helper()
	select {
	case c := <-p.gate.caught:
		return c
	case <-time.After(90 * time.Second):
		t.Fatalf("no digest post for slot %s within 90s", slot.Format(time.RFC3339))
	}
	return caughtPost{}
}

// Two instances share one Redis and one every-minute schedule, created by
// /digest schedule on A. When the first slot comes, the instance that
// claimed it posts; the gate lets Discord accept the post and holds the
// answer, and the test SIGKILLs that instance there: posted, no marker yet,
// the one crash window the scheduler documents. The instance is restarted at
// once; its catch-up of the slot finds the dead instance's lock (LockTTL,
// 2 min) busy, as does the other instance: while the lock holds, the slot is
// posted exactly once. Once it expires, the instances look again and, with
// no marker, post the slot a second time, with the same nonce, which Discord
// answers with the first message while it remembers the nonce (the test
// ends before then).
//
// It waits for a cron slot: up to a minute (-short skips it).
func TestDigestSIGKILLMidPost(t *testing.T) {
	if testing.Short() {
		t.Skip("waits up to a minute for a cron slot")
	}
	t.Parallel()
	p := startDigestPair(t)
	slot := scheduleDigest(t, p.bots["A"], p.fakes["A"], p.guild)
	p.gate.arm(slot, true)
	c := p.caught(t, slot)
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	killed := p.bots[c.instance]
	killed.kill()
	close(p.gate.release)
	t.Logf("instance %s posted slot %s (Discord answered %d) and was killed before writing the marker", c.instance, slot.Format(time.RFC3339), c.status)
	if c.status != http.StatusOK {
		t.Fatalf("Discord refused the caught post: %d", c.status)
	}
	other := map[string]string{"A": "B", "B": "A"}[c.instance]
	line, err := waitHandled(ctx, p.bots[other], slot)
	if err != nil {
		t.Fatalf("instance %s never handled slot %s: %v", other, slot.Format(time.RFC3339), err)
	}
	t.Logf("instance %s: %s", other, line[strings.Index(line, "msg="):])

	p.restart(t, c.instance)
	line, err = waitHandled(ctx, killed, slot)
	if err != nil {
		t.Fatalf("restarted instance %s did not catch up slot %s: %v\n%s", c.instance, slot.Format(time.RFC3339), err, tail(killed.log(), 20))
	}
	t.Logf("restarted instance %s: %s", c.instance, line[strings.Index(line, "msg="):])
	if !strings.Contains(line, "busy") {
		t.Errorf("restarted instance %s handled the slot otherwise than busy: %s", c.instance, line)
	}
	label := slot.UTC().Format(slotFormat)
	if n := p.posts()[label]; n != 1 {
		t.Errorf("slot %s posted %d times, want 1 (posts per slot: %v)", label, n, p.posts())
	}

	if *long {
		// The next slot: posted once, by either instance, and it repeats
		// the article (the crashed slot never moved the cursor).
		next := slot.Add(time.Minute)
		lctx, lcancel := context.WithTimeout(context.Background(), 90*time.Second)
		defer lcancel()
		if err := waitPosts(lctx, next, p.fakes["A"], p.fakes["B"]); err != nil {
			t.Fatal(err)
		}
		for _, name := range []string{"A", "B"} {
			if _, err := waitHandled(lctx, p.bots[name], next); err != nil {
				t.Fatalf("instance %s never handled slot %s: %v", name, next.Format(time.RFC3339), err)
			}
		}
		if n := p.posts()[next.UTC().Format(slotFormat)]; n != 1 {
			t.Errorf("slot %s posted %d times, want 1", next.Format(time.RFC3339), n)
		}
	}
	t.Logf("posts per slot: %v", p.posts())
	for name, b := range p.bots {
		if !b.alive() {
			t.Errorf("instance %s exited: %s", name, b.exitState())
		}
	}
}

// The instance that claimed a slot is killed before its post reaches Discord
// (the gate holds the request), and restarted at once. No slot may be lost
// within the grace period (DIGEST_GRACE, 1 h by default). The restarted
// instance and the other one find the dead one's lock (2 min) busy; each
// looks at the slot again once the lock has expired, and one of them posts
// it. The test waits until well past the lock's expiry and expects every
// slot posted exactly once.
//
// It takes about four minutes: only with -e2e.long.
func TestDigestKilledBeforePostLong(t *testing.T) {
	if !*long {
		t.Skip("takes about four minutes; run with -e2e.long")
	}
	t.Parallel()
	p := startDigestPair(t)
	slot := scheduleDigest(t, p.bots["A"], p.fakes["A"], p.guild)
	p.gate.arm(slot, false)
	c := p.caught(t, slot)
	p.bots[c.instance].kill()
	close(p.gate.release)
	t.Logf("instance %s claimed slot %s and was killed before its post reached Discord", c.instance, slot.Format(time.RFC3339))
	p.restart(t, c.instance)

	lockTTL := 2 * time.Minute // bot.DefaultDigestLockTTL
	wait := time.Until(slot.Add(lockTTL + 45*time.Second))
	wctx, wcancel := context.WithTimeout(context.Background(), wait)
	defer wcancel()
	err := waitPosts(wctx, slot, p.fakes["A"], p.fakes["B"])
	t.Logf("posts per slot after %s: %v", wait.Round(time.Second), p.posts())
	if err != nil {
		t.Errorf("slot %s was never posted, though the grace period (1 h) has not passed and both instances run: %v", slot.Format(time.RFC3339), err)
	}
}

// guildOnShard returns a guild id that Discord's formula,
// (guild_id >> 22) % count, puts on shard.
func guildOnShard(shard, count int) string {
	return strconv.FormatUint(uint64(1000*count+shard)<<22, 10)
}

// Two processes, shards 0 and 1 of 2, one Redis, one schedule: each shard
// answers the interactions of its guilds, and each slot is posted once.
// Skipped until `briefbot run` reads SHARD_ID and SHARD_COUNT (detected by
// the shard the first process identifies with).
//
// It waits for a cron slot: up to a minute (-short skips it).
func TestShardsOneSchedule(t *testing.T) {
	if testing.Short() {
		t.Skip("waits up to a minute for a cron slot")
	}
	t.Parallel()
	r := startRedis(t, redisConfig{})
	prefix := newPrefix()
	g0, g1 := guildOnShard(0, 2), guildOnShard(1, 2)
	fake := discordtest.New(t, discordtest.WithGuilds(g0, g1))
	svc := newService(openStore(t, r.URL(), prefix))
	seedArticle(t, svc, g0, "putin-kim", "")
	seedArticle(t, svc, g1, "putin-kim", "")

	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	shard := func(s *[2]int) string {
		if s == nil {
			return "none"
		}
		return fmt.Sprintf("%d/%d", s[0], s[1])
	}
	bots := map[int]*botProc{}
	for id := range 2 {
		b := startBot(t, fmt.Sprintf("shard%d", id), botEnv(t, fake, "", r.URL(), prefix,
			"LOG_LEVEL=debug", "SHARD_ID="+strconv.Itoa(id), "SHARD_COUNT=2"))
		bots[id] = b
		bctx, stop := b.ctx(ctx)
		err := fake.WaitFor(bctx, func() bool { return len(fake.IdentifyLog()) > id })
		stop()
		if err != nil {
			t.Fatalf("shard %d never identified: %v (%s)\n%s", id, err, b.exitState(), tail(b.log(), 20))
		}
		if got := fake.IdentifyLog()[id].Shard; got == nil || *got != [2]int{id, 2} {
			t.Skipf("sharding not wired yet: with SHARD_ID=%d SHARD_COUNT=2 `briefbot run` identified with shard %s", id, shard(got))
		}
	}
	if err := fake.WaitStats(ctx, func(s discordtest.Stats) bool { return s.Readies >= 2 }); err != nil {
		t.Fatal(err)
	}
	// Each guild's interactions reach its own shard, which answers them.
	mustBrief(t, bots[0], fake, g0, "putin-kim")
	mustBrief(t, bots[1], fake, g1, "putin-kim")

	slot := scheduleDigest(t, bots[1], fake, g1)
	if err := waitPosts(ctx, slot, fake); err != nil {
		t.Fatal(err)
	}
	for id, b := range bots {
		line, err := waitHandled(ctx, b, slot)
		if err != nil {
			t.Fatalf("shard %d never handled slot %s: %v", id, slot.Format(time.RFC3339), err)
		}
		t.Logf("shard %d: %s", id, line[strings.Index(line, "msg="):])
	}
	if n := digestPosts(fake)[slot.UTC().Format(slotFormat)]; n != 1 {
		t.Errorf("slot %s posted %d times, want 1 (%v)", slot.Format(time.RFC3339), n, digestPosts(fake))
	}
	for id, b := range bots {
		if !b.alive() {
			t.Errorf("shard %d exited: %s", id, b.exitState())
		}
	}
}
