package bot_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"briefbot/bot"
	"briefbot/bot/discordtest"
	"briefbot/briefs"
	"briefbot/store"

	"github.com/bwmarrin/discordgo"
)

// nonceBody is the idempotency part of a message create.
type nonceBody struct {
	Nonce        string `json:"nonce"`
	EnforceNonce bool   `json:"enforce_nonce"`
}

// shortTimeoutPoster posts through a real discordgo session to the fake with
// a short HTTP timeout.
func (r *digestRig) shortTimeoutPoster(timeout time.Duration) func(*bot.SchedulerConfig) {
	return func(cfg *bot.SchedulerConfig) {
		s, err := bot.NewRESTSession(r.fake.Token(), r.fake.APIURL(), timeout)
		if err != nil {
			r.t.Fatal(err)
		}
		cfg.Poster = s
	}
}

// checkOneMessagePerDigest runs the first slot of a schedule whose first post
// meets trouble (set up by inject), then the next slot, and checks that the
// channel holds exactly one message, that the slot was marked done with its
// id, that every attempt carried the same nonce, and that the next slot does
// not post the same briefs again.
func checkOneMessagePerDigest(t *testing.T, httpTimeout time.Duration, inject func(r *digestRig)) {
	r := newDigestRig(t, 1)
	s, _ := r.start("A", r.dbs[0], r.shortTimeoutPoster(httpTimeout))
	r.addArticle("story")
	_, next := mustSchedule(t, s, "c1", "*/5 * * * *", "UTC")
	inject(r)
	r.clock.Set(next[0])
	evs := r.events.wait(t, "first slot handled", func(evs []taggedEvent) bool {
		return countEvents(evs, "A", atSlot(next[0], slotOutcomes...)) == 1
	})
	var posted bot.DigestEvent
	for _, e := range evs {
		if atSlot(next[0], slotOutcomes...)(e.ev) {
			posted = e.ev
		}
	}
	if posted.Kind != bot.EventPosted {
		t.Fatalf("first slot: %s (%v); want posted", posted.Kind, posted.Err)
	}
	msgs := r.fake.Messages("c1")
	if len(msgs) != 1 {
		t.Fatalf("%d messages in the channel; want 1", len(msgs))
	}
	if posted.MessageID != msgs[0].ID {
		t.Errorf("slot marked with message %q; the channel holds %q", posted.MessageID, msgs[0].ID)
	}
	list, err := s.ListDigests(context.Background(), dgGuild)
	if err != nil || len(list) != 1 || list[0].Schedule.LastMessageID != msgs[0].ID {
		t.Errorf("stored state: %+v, %v; want last message %s", list, err, msgs[0].ID)
	}
	nonce := ""
	for _, q := range r.fake.Requests() {
		if q.Method != "POST" || q.Route() != "/channels/c1/messages" {
			continue
		}
		var b nonceBody
		if err := json.Unmarshal(q.Body, &b); err != nil || b.Nonce == "" || len(b.Nonce) > 25 || !b.EnforceNonce {
			t.Errorf("create without a valid nonce and enforce_nonce: %s", q.Body)
		}
		if nonce == "" {
			nonce = b.Nonce
		} else if b.Nonce != nonce {
			t.Errorf("attempts carry nonces %q and %q; want one", nonce, b.Nonce)
		}
		decodeDigestPost(t, q)
	}
	// The next slot finds nothing new: the briefs are not posted again.
	r.clock.Set(next[1])
	r.events.wait(t, "second slot handled", func(evs []taggedEvent) bool {
		return countEvents(evs, "A", atSlot(next[1], bot.EventEmpty)) == 1
	})
	if n := len(r.fake.Messages("c1")); n != 1 {
		t.Errorf("%d messages after the next slot; want 1", n)
	}
}

// TestDigestStoredThenTimeout: Discord stores the message but the answer
// never comes; the client times out and retries with the same nonce, and
// the channel holds one message, the one the slot is marked with.
func TestDigestStoredThenTimeout(t *testing.T) {
	checkOneMessagePerDigest(t, 500*time.Millisecond, func(r *digestRig) {
		r.fake.LoseNextAnswers("/channels/c1/messages", 1, discordtest.LoseByHanging)
	})
}

// TestDigestStoredThen502: the answer to a stored message is a 502, twice;
// discordgo does not retry by itself, the scheduler retries with the same
// nonce, and one message results.
func TestDigestStoredThen502(t *testing.T) {
	checkOneMessagePerDigest(t, 10*time.Second, func(r *digestRig) {
		r.fake.LoseNextAnswers("/channels/c1/messages", 2, discordtest.LoseBy502)
	})
}

// TestDigestRateLimited: a 429 is waited out for its retry_after and the
// post then goes through once.
func TestDigestRateLimited(t *testing.T) {
	checkOneMessagePerDigest(t, 10*time.Second, func(r *digestRig) {
		r.fake.FailNext("POST", "/channels/c1/messages", http.StatusTooManyRequests, 1, 300*time.Millisecond)
	})
}

// slowPoster takes delay before each send (honouring the request's
// context) and counts the sends that reached Discord.
type slowPoster struct {
	bot.SessionPoster
	delay   time.Duration
	started chan struct{}
	mu      sync.Mutex
	sends   int
}

func (p *slowPoster) PostWithNonce(ctx context.Context, channelID, nonce string, msg *discordgo.MessageSend) (*discordgo.Message, error) {
	select {
	case p.started <- struct{}{}:
	default:
	}
	select {
	case <-time.After(p.delay):
	case <-ctx.Done():
		return nil, ctx.Err()
	}
	p.mu.Lock()
	p.sends++
	p.mu.Unlock()
	return p.SessionPoster.PostWithNonce(ctx, channelID, nonce, msg)
}

func (p *slowPoster) count() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.sends
}

func (r *digestRig) slowPoster(delay time.Duration, started chan struct{}) *slowPoster {
	return &slowPoster{SessionPoster: bot.SessionPoster{Session: r.session()}, delay: delay, started: started}
}

// TestDigestPostSlowerThanLock: a post that takes longer than the lock's
// TTL keeps the channel's lock (it is renewed), so neither the other
// instance nor a /digest now posts the same briefs meanwhile; afterwards
// the slot is marked and nothing is new.
func TestDigestPostSlowerThanLock(t *testing.T) {
	r := newDigestRig(t, 2)
	r.realTimeTTLs()
	started := make(chan struct{}, 1)
	pa, pb := r.slowPoster(2500*time.Millisecond, started), r.slowPoster(2500*time.Millisecond, started)
	renewed := make(chan struct{}, 100)
	withLock := func(p *slowPoster, db *store.DB) func(*bot.SchedulerConfig) {
		return func(cfg *bot.SchedulerConfig) {
			cfg.Poster, cfg.LockTTL, cfg.Store = p, time.Second, renewSignalStore{db, renewed}
		}
	}
	a, _ := r.start("A", r.dbs[0], withLock(pa, r.dbs[0]))
	b, _ := r.start("B", r.dbs[1], withLock(pb, r.dbs[1]))
	r.addArticle("story")
	_, next := mustSchedule(t, a, "c1", "*/5 * * * *", "UTC")
	r.events.wait(t, "B loads the schedule", func(evs []taggedEvent) bool {
		return countEvents(evs, "B", func(ev bot.DigestEvent) bool { return ev.Kind == bot.EventLoaded && ev.Count == 1 }) > 0
	})
	r.clock.Set(next[0])
	select {
	case <-started:
	case <-time.After(10 * time.Second):
		t.Fatal("no post started")
	}
	// Past the lock's first TTL: the holder renews every third of it, so
	// four renewals mean more than a TTL has gone by under renewal.
	timeout := time.After(10 * time.Second)
	for range 4 {
		select {
		case <-renewed:
		case <-timeout:
			t.Fatal("the holder did not renew its lock while posting")
		}
	}
	for _, s := range []*bot.Scheduler{a, b} {
		ev, err := s.PostDigest(context.Background(), dgGuild, "c1", "req-during")
		if err != nil || ev.Kind != bot.EventBusy {
			t.Errorf("/digest now during the slow post: %s, %v; want busy", ev.Kind, err)
		}
	}
	r.events.wait(t, "slot posted", func(evs []taggedEvent) bool {
		return countEvents(evs, "", atSlot(next[0], bot.EventPosted)) == 1
	})
	if n := pa.count() + pb.count(); n != 1 {
		t.Errorf("%d sends; want 1", n)
	}
	if n := len(r.fake.Messages("c1")); n != 1 {
		t.Errorf("%d messages; want 1", n)
	}
	ev, err := a.PostDigest(context.Background(), dgGuild, "c1", "req-after")
	if err != nil || ev.Kind != bot.EventEmpty {
		t.Errorf("/digest now after the slot: %s, %v; want empty", ev.Kind, err)
	}
}

// TestDigestNowTwiceAtOnce: two /digest now for one channel at the same
// moment, on two instances, post one digest; the other is told a digest is
// being posted.
func TestDigestNowTwiceAtOnce(t *testing.T) {
	r := newDigestRig(t, 2)
	p := r.slowPoster(300*time.Millisecond, nil)
	a := r.scheduler("A", r.dbs[0], func(cfg *bot.SchedulerConfig) { cfg.Poster = p })
	b := r.scheduler("B", r.dbs[1], func(cfg *bot.SchedulerConfig) { cfg.Poster = p })
	r.addArticle("one")
	r.addArticle("two")
	var wg sync.WaitGroup
	evs := make([]bot.DigestEvent, 2)
	for i, s := range []*bot.Scheduler{a, b} {
		wg.Add(1)
		go func() {
			defer wg.Done()
			ev, err := s.PostDigest(context.Background(), dgGuild, "c1", fmt.Sprintf("req-%d", i))
			if err != nil {
				t.Errorf("PostDigest %d: %v", i, err)
			}
			evs[i] = ev
		}()
	}
	wg.Wait()
	kinds := []bot.DigestEventKind{evs[0].Kind, evs[1].Kind}
	slices.Sort(kinds)
	if !slices.Equal(kinds, []bot.DigestEventKind{bot.EventBusy, bot.EventPosted}) {
		t.Errorf("outcomes %v; want one busy and one posted", kinds)
	}
	if n := len(r.fake.Messages("c1")); n != 1 {
		t.Errorf("%d messages; want 1", n)
	}
}

// renewSignalStore tells renewed of every lock renewal that succeeded.
type renewSignalStore struct {
	*store.DB
	renewed chan<- struct{}
}

func (s renewSignalStore) RenewDigest(ctx context.Context, c briefs.Claim, ttl time.Duration) (bool, error) {
	ok, err := s.DB.RenewDigest(ctx, c, ttl)
	if ok && err == nil {
		select {
		case s.renewed <- struct{}{}:
		default:
		}
	}
	return ok, err
}

// leaseLosingStore is a store whose lock renewals find the lock gone.
type leaseLosingStore struct{ *store.DB }

func (leaseLosingStore) RenewDigest(context.Context, briefs.Claim, time.Duration) (bool, error) {
	return false, nil
}

// TestDigestPostBoundedByLease: a post whose answer does not come is cut
// when the lock is lost, long before the HTTP timeout, and the slot is not
// marked by the holder that lost it.
func TestDigestPostBoundedByLease(t *testing.T) {
	r := newDigestRig(t, 1)
	s, _ := r.start("A", r.dbs[0], func(cfg *bot.SchedulerConfig) {
		cfg.Store, cfg.LockTTL = leaseLosingStore{r.dbs[0]}, time.Second
	})
	r.addArticle("story")
	_, next := mustSchedule(t, s, "c1", "*/5 * * * *", "UTC")
	r.fake.LoseNextAnswers("/channels/c1/messages", 1, discordtest.LoseByHanging)
	start := time.Now()
	r.clock.Set(next[0])
	evs := r.events.wait(t, "slot handled", func(evs []taggedEvent) bool {
		return countEvents(evs, "A", atSlot(next[0], slotOutcomes...)) == 1
	})
	if d := time.Since(start); d > 3*time.Second {
		t.Errorf("the post took %v; the lease should have cut it within a second", d)
	}
	if n := countEvents(evs, "A", atSlot(next[0], bot.EventFailed)); n != 1 {
		t.Errorf("the slot was not reported failed")
	}
	list, _ := s.ListDigests(context.Background(), dgGuild)
	if len(list) != 1 || list[0].Schedule.LastMessageID != "" {
		t.Errorf("the holder that lost its lock marked the slot: %+v", list)
	}
}

// TestDigestSkewedClocks: briefs added through two instances whose clocks
// disagree by an hour (the added-at each sends) all reach a digest: the one
// added by the instance that is behind, after a digest that covered the
// other's, is in the next digest.
func TestDigestSkewedClocks(t *testing.T) {
	r := newDigestRig(t, 2)
	s, _ := r.start("A", r.dbs[0])
	_, next := mustSchedule(t, s, "c1", "*/5 * * * *", "UTC")
	addArticleAt(t, r.dbs[0], dgGuild, "from-ahead", time.Now().Add(time.Hour))
	r.clock.Set(next[0])
	r.events.wait(t, "first slot posted", func(evs []taggedEvent) bool {
		return countEvents(evs, "A", atSlot(next[0], bot.EventPosted)) == 1
	})
	addArticleAt(t, r.dbs[1], dgGuild, "from-behind", time.Now().Add(-time.Hour))
	r.clock.Set(next[1])
	r.events.wait(t, "second slot posted", func(evs []taggedEvent) bool {
		return countEvents(evs, "A", atSlot(next[1], bot.EventPosted)) == 1
	})
	posts := r.posts("c1")
	if len(posts) != 2 {
		t.Fatalf("%d posts; want 2", len(posts))
	}
	for i, want := range []string{"Title of from-ahead", "Title of from-behind"} {
		if got := embedTitles(decodeDigestPost(t, posts[i])); !slices.Equal(got, []string{want}) {
			t.Errorf("digest %d holds %q; want %q", i, got, want)
		}
	}
}

// TestDigestUnknownOutcomeRetried: every try of a post times out after
// Discord stored the message, so the slot fails with its outcome unknown;
// the scheduler tries the slot once more, soon, with the same nonce, gets
// the stored message back and marks the slot with it: one message, and the
// next slot does not repeat the briefs.
func TestDigestUnknownOutcomeRetried(t *testing.T) {
	r := newDigestRig(t, 1)
	s, _ := r.start("A", r.dbs[0], r.shortTimeoutPoster(300*time.Millisecond))
	r.addArticle("story")
	_, next := mustSchedule(t, s, "c1", "*/5 * * * *", "UTC")
	r.fake.LoseNextAnswers("/channels/c1/messages", 3, discordtest.LoseByHanging)
	r.clock.Set(next[0])
	evs := r.events.wait(t, "slot posted after a failed round", func(evs []taggedEvent) bool {
		return countEvents(evs, "A", atSlot(next[0], bot.EventPosted)) == 1
	})
	if n := countEvents(evs, "A", atSlot(next[0], bot.EventFailed)); n != 1 {
		t.Errorf("%d failed rounds before the post; want 1", n)
	}
	msgs := r.fake.Messages("c1")
	if len(msgs) != 1 {
		t.Fatalf("%d messages; want 1", len(msgs))
	}
	for _, e := range evs {
		if atSlot(next[0], bot.EventPosted)(e.ev) && e.ev.MessageID != msgs[0].ID {
			t.Errorf("slot marked with %q; the channel holds %q", e.ev.MessageID, msgs[0].ID)
		}
	}
	r.clock.Set(next[1])
	r.events.wait(t, "next slot empty", func(evs []taggedEvent) bool {
		return countEvents(evs, "A", atSlot(next[1], bot.EventEmpty)) == 1
	})
	if n := len(r.fake.Messages("c1")); n != 1 {
		t.Errorf("%d messages after the next slot; want 1", n)
	}
}

// markerTTLs records the marker lifetimes the scheduler asks the real store
// for, by message id ("" for a slot handled without a post).
type markerTTLs struct {
	*store.DB
	mu   sync.Mutex
	ttls map[string]time.Duration
}

func (m *markerTTLs) CompleteDigest(ctx context.Context, c briefs.Claim, messageID string, cursor time.Time, ttl time.Duration) error {
	m.mu.Lock()
	m.ttls[messageID] = ttl
	m.mu.Unlock()
	return m.DB.CompleteDigest(ctx, c, messageID, cursor, ttl)
}

// TestEmptySlotMarkerIsShortLived: a posted digest keeps its marker for the
// marker lifetime (a week by default); a slot with nothing to post keeps its
// marker only while the slot could still be claimed, so empty slots do not
// pile up keys for a week.
func TestEmptySlotMarkerIsShortLived(t *testing.T) {
	r := newDigestRig(t, 1)
	rec := &markerTTLs{DB: r.dbs[0], ttls: map[string]time.Duration{}}
	s := r.scheduler("A", r.dbs[0], func(cfg *bot.SchedulerConfig) { cfg.Store = rec })
	if ev, err := s.PostDigest(context.Background(), dgGuild, "c1", "req-empty"); err != nil || ev.Kind != bot.EventEmpty {
		t.Fatalf("empty digest: %+v, %v", ev, err)
	}
	r.addArticle("one")
	ev, err := s.PostDigest(context.Background(), dgGuild, "c1", "req-posted")
	if err != nil || ev.Kind != bot.EventPosted {
		t.Fatalf("digest: %+v, %v", ev, err)
	}
	rec.mu.Lock()
	defer rec.mu.Unlock()
	empty, posted := rec.ttls[""], rec.ttls[ev.MessageID]
	if posted != bot.DefaultMarkerTTL || empty <= 0 || empty > 3*time.Hour {
		t.Errorf("marker lifetimes: empty %v, posted %v; want a few hours and %v", empty, posted, bot.DefaultMarkerTTL)
	}
}

// A notice reaches its channel once, however often it is sent for the same
// key, and pings nobody.
func TestNotifyOnce(t *testing.T) {
	r := newDigestRig(t, 1)
	s := r.scheduler("A", r.dbs[0])
	ctx := context.Background()
	for range 3 {
		if err := s.Notify(ctx, dgGuild, "c9", "feed-paused-1", "⏸ @everyone the feed is paused"); err != nil {
			t.Fatal(err)
		}
	}
	msgs := r.fake.Messages("c9")
	if len(msgs) != 1 {
		t.Fatalf("%d messages for one notice; want 1", len(msgs))
	}
	var body struct {
		Content         string `json:"content"`
		AllowedMentions *struct {
			Parse []string `json:"parse"`
		} `json:"allowed_mentions"`
	}
	if err := json.Unmarshal(msgs[0].Body, &body); err != nil {
		t.Fatal(err)
	}
	if body.AllowedMentions == nil || len(body.AllowedMentions.Parse) != 0 || !strings.Contains(body.Content, "paused") {
		t.Errorf("notice body %s", msgs[0].Body)
	}
	if err := s.Notify(ctx, dgGuild, "c9", "feed-paused-2", "paused again"); err != nil || len(r.fake.Messages("c9")) != 2 {
		t.Errorf("a second notice (another key): %v, %d messages", err, len(r.fake.Messages("c9")))
	}
}
