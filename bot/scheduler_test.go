package bot_test

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/alicebob/miniredis/v2"
	"github.com/bwmarrin/discordgo"
	"github.com/redis/go-redis/v9"

	"briefbot/bot"
	"briefbot/bot/discordtest"
	"briefbot/briefs"
	"briefbot/briefs/cronspec"
	"briefbot/store"
	"briefbot/store/storetest"
)

// ---------------------------------------------------------------------------
// A fake clock

// testClock is a Clock that moves only when told to. Timers fire when the
// clock reaches their deadline.
type testClock struct {
	mu      sync.Mutex
	now     time.Time
	timers  map[*testTimer]struct{}
	changed chan struct{} // closed when a timer is made or stopped
}

type testTimer struct {
	c  *testClock
	at time.Time
	ch chan time.Time
}

func newTestClock(t time.Time) *testClock {
	return &testClock{now: t, timers: map[*testTimer]struct{}{}, changed: make(chan struct{})}
}

func (c *testClock) notifyLocked() {
	close(c.changed)
	c.changed = make(chan struct{})
}

// waitEarliest waits until the earliest pending timer is due at want: the
// scheduler has armed itself for that slot.
func (c *testClock) waitEarliest(t testing.TB, want time.Time) {
	t.Helper()
	deadline := time.NewTimer(15 * time.Second)
	defer deadline.Stop()
	for {
		c.mu.Lock()
		var earliest time.Time
		for tm := range c.timers {
			if earliest.IsZero() || tm.at.Before(earliest) {
				earliest = tm.at
			}
		}
		ch := c.changed
		c.mu.Unlock()
		if earliest.Equal(want) {
			return
		}
		select {
		case <-ch:
		case <-deadline.C:
			t.Fatalf("the scheduler is armed for %v; want %v", earliest, want)
		}
	}
}

func (c *testClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *testClock) NewTimer(d time.Duration) bot.Timer {
	c.mu.Lock()
	defer c.mu.Unlock()
	t := &testTimer{c: c, at: c.now.Add(d), ch: make(chan time.Time, 1)}
	if d <= 0 {
		t.ch <- c.now
		return t
	}
	c.timers[t] = struct{}{}
	c.notifyLocked()
	return t
}

func (t *testTimer) C() <-chan time.Time { return t.ch }

func (t *testTimer) Stop() bool {
	t.c.mu.Lock()
	defer t.c.mu.Unlock()
	_, ok := t.c.timers[t]
	delete(t.c.timers, t)
	t.c.notifyLocked()
	return ok
}

// Set moves the clock to at (never back) and fires the timers due.
func (c *testClock) Set(at time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if at.After(c.now) {
		c.now = at
	}
	for t := range c.timers {
		if !t.at.After(c.now) {
			delete(c.timers, t)
			t.ch <- c.now
		}
	}
}

// ---------------------------------------------------------------------------
// Events

type taggedEvent struct {
	inst string
	ev   bot.DigestEvent
}

// digestEvents collects the events of every scheduler of a test; waits are
// signalled by each new event.
type digestEvents struct {
	mu      sync.Mutex
	evs     []taggedEvent
	changed chan struct{}
}

func newDigestEvents() *digestEvents { return &digestEvents{changed: make(chan struct{})} }

func (l *digestEvents) hook(inst string) func(bot.DigestEvent) {
	return func(ev bot.DigestEvent) {
		l.mu.Lock()
		l.evs = append(l.evs, taggedEvent{inst, ev})
		close(l.changed)
		l.changed = make(chan struct{})
		l.mu.Unlock()
	}
}

func (l *digestEvents) all() []taggedEvent {
	l.mu.Lock()
	defer l.mu.Unlock()
	return slices.Clone(l.evs)
}

// wait waits until cond holds for the events so far.
func (l *digestEvents) wait(t testing.TB, what string, cond func([]taggedEvent) bool) []taggedEvent {
	t.Helper()
	return l.waitWithin(t, 15*time.Second, what, cond)
}

func (l *digestEvents) waitWithin(t testing.TB, within time.Duration, what string, cond func([]taggedEvent) bool) []taggedEvent {
	t.Helper()
	deadline := time.NewTimer(within)
	defer deadline.Stop()
	for {
		l.mu.Lock()
		evs, ch := slices.Clone(l.evs), l.changed
		l.mu.Unlock()
		if cond(evs) {
			return evs
		}
		select {
		case <-ch:
		case <-deadline.C:
			var b strings.Builder
			for _, e := range evs {
				fmt.Fprintf(&b, "\n  %s: %s %s/%s slot=%v detail=%q err=%v", e.inst, e.ev.Kind, e.ev.GuildID, e.ev.ChannelID, e.ev.Slot, e.ev.Detail, e.ev.Err)
			}
			t.Fatalf("waiting for %s: timed out; events:%s", what, b.String())
		}
	}
}

// countEvents counts the events of inst ("" any) that match.
func countEvents(evs []taggedEvent, inst string, match func(bot.DigestEvent) bool) int {
	n := 0
	for _, e := range evs {
		if (inst == "" || e.inst == inst) && match(e.ev) {
			n++
		}
	}
	return n
}

func eventKind(k bot.DigestEventKind) func(bot.DigestEvent) bool {
	return func(ev bot.DigestEvent) bool { return ev.Kind == k }
}

func loadedFor(detail string) func(bot.DigestEvent) bool {
	return func(ev bot.DigestEvent) bool { return ev.Kind == bot.EventLoaded && ev.Detail == detail }
}

// atSlot matches slotOutcomes of the slot at t.
func atSlot(t time.Time, kinds ...bot.DigestEventKind) func(bot.DigestEvent) bool {
	return func(ev bot.DigestEvent) bool { return ev.Slot.Equal(t) && slices.Contains(kinds, ev.Kind) }
}

var slotOutcomes = []bot.DigestEventKind{bot.EventPosted, bot.EventDone, bot.EventBusy, bot.EventEmpty, bot.EventFailed, bot.EventPaused, bot.EventGone}

// ---------------------------------------------------------------------------
// The digestRig: stores on one Redis, a fake Discord, a fake clock

const (
	dgGuild   = "222222222222222222"
	dgVersion = "test/1"
)

type digestRig struct {
	t      testing.TB
	clock  *testClock
	fake   *discordtest.Server
	dbs    []*store.DB
	events *digestEvents
	// mr is the in-process Redis, nil with REDIS_URL.
	mr *miniredis.Miniredis
}

// newDigestRig opens n stores over the same data: the Redis at REDIS_URL under a
// fresh key prefix (deleting only its keys afterwards), else one in-process
// Redis server that every store connects to as a client, as separate bot
// processes would.
func newDigestRig(t testing.TB, n int, opts ...discordtest.Option) *digestRig {
	t.Helper()
	r := &digestRig{t: t, clock: newTestClock(time.Date(2025, 6, 2, 4, 0, 0, 0, time.UTC)), fake: discordtest.New(t, opts...), events: newDigestEvents()}
	r.dbs, r.mr = openSharedStoresWith(t, n)
	return r
}

// realTimeTTLs makes the in-process Redis expire keys as real time passes
// (it expires them only when told to); real Redis does so anyway.
func (r *digestRig) realTimeTTLs() {
	if r.mr == nil {
		return
	}
	stop := make(chan struct{})
	done := make(chan struct{})
	go func() {
		defer close(done)
		last := time.Now()
		tick := time.NewTicker(20 * time.Millisecond)
		defer tick.Stop()
		for {
			select {
			case <-stop:
				return
			case now := <-tick.C:
				r.mr.FastForward(now.Sub(last))
				last = now
			}
		}
	}()
	r.t.Cleanup(func() { close(stop); <-done })
}

func openSharedStoresWith(tb testing.TB, n int) ([]*store.DB, *miniredis.Miniredis) {
	tb.Helper()
	url, prefix := os.Getenv("REDIS_URL"), storetest.RandomPrefix()
	var mr *miniredis.Miniredis
	if url == "" {
		var err error
		mr, err = miniredis.Run()
		if err != nil {
			tb.Fatal(err)
		}
		tb.Cleanup(mr.Close)
		url = "redis://" + mr.Addr()
	}
	dbs := make([]*store.DB, n)
	for i := range dbs {
		db, err := store.Open(context.Background(), store.Config{URL: url, Prefix: prefix})
		if err != nil {
			tb.Fatalf("open store: %v", err)
		}
		dbs[i] = db
	}
	tb.Cleanup(func() {
		for _, db := range dbs {
			_ = db.Close()
		}
		storetest.DeletePrefix(tb, url, prefix)
	})
	return dbs, mr
}

// session is a discordgo Session whose REST calls go to the fake.
func (r *digestRig) session() *discordgo.Session {
	r.t.Helper()
	s, err := bot.NewRESTSession(r.fake.Token(), r.fake.APIURL(), 10*time.Second)
	if err != nil {
		r.t.Fatal(err)
	}
	return s
}

func (r *digestRig) scheduler(inst string, db *store.DB, mod ...func(*bot.SchedulerConfig)) *bot.Scheduler {
	r.t.Helper()
	cfg := bot.SchedulerConfig{
		Store: db, Poster: r.session(), Clock: r.clock, SummarizerVersion: dgVersion,
		OnEvent: r.events.hook(inst), RetryBackoff: 10 * time.Millisecond, PostsPerSecond: 200,
	}
	for _, m := range mod {
		m(&cfg)
	}
	s, err := bot.NewScheduler(cfg)
	if err != nil {
		r.t.Fatal(err)
	}
	return s
}

// run starts s and returns a stop function that waits for Run to return.
func (r *digestRig) run(s *bot.Scheduler) (stop func()) {
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- s.Run(ctx) }()
	var once sync.Once
	stop = func() {
		once.Do(func() {
			cancel()
			select {
			case err := <-done:
				if err != nil {
					r.t.Errorf("Run: %v", err)
				}
			case <-time.After(15 * time.Second):
				r.t.Error("Run did not return after cancel")
			}
		})
	}
	r.t.Cleanup(stop)
	return stop
}

// start makes and runs a scheduler, and waits until it follows changes.
func (r *digestRig) start(inst string, db *store.DB, mod ...func(*bot.SchedulerConfig)) (*bot.Scheduler, func()) {
	r.t.Helper()
	s := r.scheduler(inst, db, mod...)
	stop := r.run(s)
	r.events.wait(r.t, inst+" subscribed", func(evs []taggedEvent) bool { return countEvents(evs, inst, loadedFor("subscribed")) > 0 })
	return s, stop
}

// addArticle stores an article with its brief, added now.
func (r *digestRig) addArticle(slug string) {
	r.t.Helper()
	addArticleAt(r.t, r.dbs[0], dgGuild, slug, r.clock.Now())
}

func addArticleAt(tb testing.TB, db *store.DB, guild, slug string, at time.Time) {
	tb.Helper()
	title := "Title of " + slug
	text := "The text of " + slug + ". It has a second sentence. And a third one."
	req := briefs.AddRequest{
		Article: briefs.Article{GuildID: guild, Slug: slug, Title: title, Text: text, ContentHash: briefs.ContentHash(text),
			SourceURL: "https://news.example/" + slug, AddedAt: at},
		Brief: briefs.Brief{Title: title, Gist: "The gist of " + slug + ".", Bullets: []string{"One.", "Two.", "Three."},
			SourceURL: "https://news.example/" + slug, Summarizer: dgVersion, CreatedAt: at},
		ExactSlug: true,
	}
	if _, created, err := db.AddArticle(context.Background(), req); err != nil || !created {
		tb.Fatalf("add %s: %v, %v", slug, created, err)
	}
}

// posts returns the accepted message posts to a channel.
func (r *digestRig) posts(channel string) []discordtest.Request {
	var out []discordtest.Request
	for _, q := range r.fake.Requests() {
		if q.Method == "POST" && q.Route() == "/channels/"+channel+"/messages" && q.OK() {
			out = append(out, q)
		}
	}
	return out
}

// attempts counts every message post to a channel, refused ones included.
func (r *digestRig) attempts(channel string) int {
	n := 0
	for _, q := range r.fake.Requests() {
		if q.Method == "POST" && q.Route() == "/channels/"+channel+"/messages" {
			n++
		}
	}
	return n
}

// postedBody is the part of a message body the tests read.
type postedBody struct {
	Content         string                    `json:"content"`
	Embeds          []*discordgo.MessageEmbed `json:"embeds"`
	AllowedMentions map[string]any            `json:"allowed_mentions"`
}

// decodeDigestPost decodes a posted body and checks that it can ping no one:
// allowed_mentions is present with an empty parse list.
func decodeDigestPost(tb testing.TB, q discordtest.Request) postedBody {
	tb.Helper()
	var b postedBody
	if err := json.Unmarshal(q.Body, &b); err != nil {
		tb.Fatalf("body of %s: %v", q, err)
	}
	parse, ok := b.AllowedMentions["parse"].([]any)
	if !ok || len(parse) != 0 {
		tb.Errorf("allowed_mentions = %v in %s; want {\"parse\":[]}", b.AllowedMentions, q.Body)
	}
	for k, v := range b.AllowedMentions {
		if k != "parse" && k != "replied_user" {
			tb.Errorf("allowed_mentions has %s = %v", k, v)
		}
	}
	return b
}

func embedTitles(b postedBody) []string {
	var out []string
	for _, e := range b.Embeds {
		out = append(out, e.Title)
	}
	return out
}

func mustSchedule(tb testing.TB, s *bot.Scheduler, channel, expr, tz string) (briefs.Schedule, []time.Time) {
	tb.Helper()
	sch, next, err := s.ScheduleDigest(context.Background(), briefs.Schedule{GuildID: dgGuild, ChannelID: channel, Cron: expr, Timezone: tz})
	if err != nil {
		tb.Fatalf("ScheduleDigest: %v", err)
	}
	return sch, next
}

// ---------------------------------------------------------------------------
// Tests

// TestSchedulerTwoInstancesExactlyOnce: two instances against one Redis and
// the fake Discord post each slot once, and each digest holds only the
// briefs added since the one before.
func TestSchedulerTwoInstancesExactlyOnce(t *testing.T) {
	r := newDigestRig(t, 2)
	a, _ := r.start("A", r.dbs[0])
	r.start("B", r.dbs[1])

	r.addArticle("first")
	_, next := mustSchedule(t, a, "c1", "* * * * *", "Europe/Berlin")
	// B follows the schedule written through A.
	r.events.wait(t, "B loads the new schedule", func(evs []taggedEvent) bool {
		return countEvents(evs, "B", func(ev bot.DigestEvent) bool {
			return ev.Kind == bot.EventLoaded && ev.GuildID == dgGuild && ev.Count == 1
		}) > 0
	})

	want := [][]string{{"Title of story-0", "Title of first"}, {"Title of story-1"}, {"Title of story-2"}}
	for i, slot := range next {
		r.clock.Set(slot.Add(-30 * time.Second))
		r.addArticle(fmt.Sprintf("story-%d", i))
		r.clock.Set(slot)
		evs := r.events.wait(t, fmt.Sprintf("slot %d handled by both", i), func(evs []taggedEvent) bool {
			return countEvents(evs, "A", atSlot(slot, slotOutcomes...)) == 1 && countEvents(evs, "B", atSlot(slot, slotOutcomes...)) == 1
		})
		if n := countEvents(evs, "", atSlot(slot, bot.EventPosted)); n != 1 {
			t.Fatalf("slot %d: %d instances posted; want 1", i, n)
		}
		posts := r.posts("c1")
		if len(posts) != i+1 {
			t.Fatalf("after slot %d: %d posts; want %d", i, len(posts), i+1)
		}
		body := decodeDigestPost(t, posts[i])
		if got := embedTitles(body); !slices.Equal(got, want[i]) {
			t.Errorf("digest %d holds %q; want %q", i, got, want[i])
		}
	}
	if n := r.attempts("c1"); n != 3 {
		t.Errorf("%d post attempts; want 3", n)
	}
}

// TestSchedulerCatchUp: a slot missed while no instance ran is posted once
// at start-up within the grace period, even by two instances starting
// together, and never again after.
func TestSchedulerCatchUp(t *testing.T) {
	r := newDigestRig(t, 2)
	berlin, _ := time.LoadLocation("Europe/Berlin")
	r.clock.Set(time.Date(2025, 6, 2, 6, 0, 0, 0, berlin))
	s1, stop1 := r.start("1", r.dbs[0])
	_, next := mustSchedule(t, s1, "c1", "0 8 * * *", "Europe/Berlin")
	r.addArticle("missed")
	stop1()

	slot := next[0] // 08:00, while nothing ran
	r.clock.Set(slot.Add(30 * time.Minute))
	// Two instances start together; whichever loads the schedule before
	// the other has posted tries the slot too, and finds it taken.
	stop2 := r.run(r.scheduler("2", r.dbs[0]))
	stop3 := r.run(r.scheduler("3", r.dbs[1]))
	r.events.wait(t, "the missed slot posted", func(evs []taggedEvent) bool {
		return countEvents(evs, "", func(ev bot.DigestEvent) bool { return atSlot(slot, bot.EventPosted)(ev) && ev.CatchUp }) == 1 &&
			countEvents(evs, "2", loadedFor("subscribed")) > 0 && countEvents(evs, "3", loadedFor("subscribed")) > 0
	})
	stop2() // waits for the digests in flight
	stop3()
	evs := r.events.all()
	if n := countEvents(evs, "", atSlot(slot, bot.EventPosted)); n != 1 {
		t.Fatalf("%d posts of the missed slot; want 1", n)
	}
	if posts := r.posts("c1"); len(posts) != 1 || !slices.Equal(embedTitles(decodeDigestPost(t, posts[0])), []string{"Title of missed"}) {
		t.Fatalf("posts after catch-up: %v", posts)
	}

	// A later restart does not post the slot again; the next day's does come.
	r.clock.Set(slot.Add(45 * time.Minute))
	r.start("4", r.dbs[0])
	r.addArticle("next-day")
	r.clock.Set(next[1])
	evs = r.events.wait(t, "next day's slot", func(evs []taggedEvent) bool { return countEvents(evs, "4", atSlot(next[1], slotOutcomes...)) == 1 })
	if n := countEvents(evs, "4", atSlot(slot, slotOutcomes...)); n != 0 {
		t.Errorf("restart handled the caught-up slot again: %d events", n)
	}
	posts := r.posts("c1")
	if len(posts) != 2 || !slices.Equal(embedTitles(decodeDigestPost(t, posts[1])), []string{"Title of next-day"}) {
		t.Errorf("posts: %v", posts)
	}
}

// TestSchedulerMissedBeyondGrace: a slot missed by more than the grace
// period is skipped and logged, not posted.
func TestSchedulerMissedBeyondGrace(t *testing.T) {
	r := newDigestRig(t, 1)
	berlin, _ := time.LoadLocation("Europe/Berlin")
	r.clock.Set(time.Date(2025, 6, 2, 6, 0, 0, 0, berlin))
	s1, stop1 := r.start("1", r.dbs[0])
	_, next := mustSchedule(t, s1, "c1", "0 8 * * *", "Europe/Berlin")
	r.addArticle("old-news")
	stop1()

	r.clock.Set(next[0].Add(90 * time.Minute)) // grace is 1h
	r.start("2", r.dbs[0])
	r.events.wait(t, "the missed slot skipped", func(evs []taggedEvent) bool { return countEvents(evs, "2", atSlot(next[0], bot.EventSkipped)) == 1 })

	r.clock.Set(next[1])
	evs := r.events.wait(t, "next day's slot", func(evs []taggedEvent) bool { return countEvents(evs, "2", atSlot(next[1], slotOutcomes...)) == 1 })
	if n := countEvents(evs, "", atSlot(next[0], slotOutcomes...)); n != 0 {
		t.Errorf("the skipped slot was handled: %d events", n)
	}
	posts := r.posts("c1")
	if len(posts) != 1 {
		t.Fatalf("%d posts; want only the next day's", len(posts))
	}
	// The next digest still holds the brief the skipped one would have shown.
	if got := embedTitles(decodeDigestPost(t, posts[0])); !slices.Equal(got, []string{"Title of old-news"}) {
		t.Errorf("next day's digest holds %q", got)
	}
	if !strings.Contains(decodeDigestPost(t, posts[0]).Embeds[0].Footer.Text, "Tue 3 Jun 2025, 08:00 CEST") {
		t.Errorf("footer %q does not date the digest", decodeDigestPost(t, posts[0]).Embeds[0].Footer.Text)
	}
}

// TestSchedulerRefusedChannelPauses: a channel that answers 403 (or 404)
// pauses its schedule with the reason, and is not tried again every slot;
// scheduling it again resumes it.
func TestSchedulerRefusedChannelPauses(t *testing.T) {
	for _, status := range []int{403, 404} {
		t.Run(fmt.Sprint(status), func(t *testing.T) {
			r := newDigestRig(t, 1)
			s, _ := r.start("A", r.dbs[0])
			r.addArticle("story")
			sch, next := mustSchedule(t, s, "c1", "* * * * *", "UTC")
			r.fake.FailNext("POST", "/channels/c1/messages", status, 1, 0)

			r.clock.Set(next[0])
			evs := r.events.wait(t, "refused post", func(evs []taggedEvent) bool { return countEvents(evs, "A", atSlot(next[0], slotOutcomes...)) == 1 })
			if countEvents(evs, "A", func(ev bot.DigestEvent) bool { return atSlot(next[0], bot.EventPaused)(ev) && ev.Err != nil }) != 1 {
				t.Fatal("the refused slot did not pause the schedule")
			}
			list, err := s.ListDigests(context.Background(), dgGuild)
			if err != nil || len(list) != 1 || !list[0].Schedule.Paused || !list[0].Next.IsZero() ||
				!strings.Contains(list[0].Schedule.PausedReason, fmt.Sprintf("Discord answered %d", status)) {
				t.Fatalf("ListDigests = %+v, %v; want the schedule paused with the reason", list, err)
			}

			r.clock.Set(next[1])
			r.events.wait(t, "paused slot", func(evs []taggedEvent) bool { return countEvents(evs, "A", atSlot(next[1], bot.EventPaused)) == 1 })
			r.clock.Set(next[2])
			r.events.wait(t, "paused slot", func(evs []taggedEvent) bool { return countEvents(evs, "A", atSlot(next[2], bot.EventPaused)) == 1 })
			if n := r.attempts("c1"); n != 1 {
				t.Errorf("%d post attempts; want the one that was refused", n)
			}

			// Scheduling again resumes, and the digest still holds the story.
			_, next = mustSchedule(t, s, "c1", sch.Cron, "UTC")
			r.clock.Set(next[0])
			r.events.wait(t, "resumed slot", func(evs []taggedEvent) bool { return countEvents(evs, "A", atSlot(next[0], bot.EventPosted)) == 1 })
			if posts := r.posts("c1"); len(posts) != 1 || !slices.Equal(embedTitles(decodeDigestPost(t, posts[0])), []string{"Title of story"}) {
				t.Errorf("posts after resuming: %v", posts)
			}
		})
	}
}

// TestSchedulerDailyAcrossDST: a daily digest at 02:30 in Europe/Berlin
// runs once on each day around both daylight-saving changes: at 03:00 CEST
// on the day 02:30 does not exist, and at the first 02:30 on the day it
// happens twice. After each run the scheduler is armed for the next.
func TestSchedulerDailyAcrossDST(t *testing.T) {
	berlin, _ := time.LoadLocation("Europe/Berlin")
	for _, tc := range []struct {
		name  string
		start time.Time
		want  []time.Time
	}{
		{"spring", time.Date(2025, 3, 28, 12, 0, 0, 0, berlin), []time.Time{
			time.Date(2025, 3, 29, 1, 30, 0, 0, time.UTC), // 02:30 CET
			time.Date(2025, 3, 30, 1, 0, 0, 0, time.UTC),  // 03:00 CEST: 02:30 does not exist
			time.Date(2025, 3, 31, 0, 30, 0, 0, time.UTC), // 02:30 CEST
			time.Date(2025, 4, 1, 0, 30, 0, 0, time.UTC),
		}},
		{"autumn", time.Date(2025, 10, 24, 12, 0, 0, 0, berlin), []time.Time{
			time.Date(2025, 10, 25, 0, 30, 0, 0, time.UTC), // 02:30 CEST
			time.Date(2025, 10, 26, 0, 30, 0, 0, time.UTC), // the first 02:30 (CEST); not again at 02:30 CET
			time.Date(2025, 10, 27, 1, 30, 0, 0, time.UTC), // 02:30 CET
			time.Date(2025, 10, 28, 1, 30, 0, 0, time.UTC),
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := newDigestRig(t, 1)
			r.clock = newTestClock(tc.start)
			s, _ := r.start("A", r.dbs[0], func(c *bot.SchedulerConfig) { c.PollInterval = 1000 * time.Hour })
			if _, _, err := s.ScheduleDigest(context.Background(), briefs.Schedule{GuildID: dgGuild, ChannelID: "c1",
				Cron: "30 2 * * *", Timezone: "Europe/Berlin", PostEmpty: true}); err != nil {
				t.Fatal(err)
			}
			for i, slot := range tc.want[:len(tc.want)-1] {
				r.clock.waitEarliest(t, slot)
				r.clock.Set(slot)
				r.events.wait(t, "slot", func(evs []taggedEvent) bool { return countEvents(evs, "A", atSlot(slot, bot.EventPosted)) == 1 })
				r.clock.waitEarliest(t, tc.want[i+1])
			}
			if n := countEvents(r.events.all(), "A", eventKind(bot.EventPosted)); n != len(tc.want)-1 {
				t.Errorf("%d digests; want %d", n, len(tc.want)-1)
			}
		})
	}
}

// TestSchedulerRetriesServerErrors: a 500 is retried; the slot posts once.
func TestSchedulerRetriesServerErrors(t *testing.T) {
	r := newDigestRig(t, 1)
	s, _ := r.start("A", r.dbs[0])
	r.addArticle("story")
	_, next := mustSchedule(t, s, "c1", "*/5 * * * *", "UTC")
	r.fake.FailNext("POST", "/channels/c1/messages", 500, 1, 0)
	r.clock.Set(next[0])
	r.events.wait(t, "posted", func(evs []taggedEvent) bool { return countEvents(evs, "A", atSlot(next[0], bot.EventPosted)) == 1 })
	if n, ok := r.attempts("c1"), len(r.posts("c1")); n != 2 || ok != 1 {
		t.Errorf("%d attempts, %d accepted; want 2 and 1", n, ok)
	}
}

// TestSchedulerEmptySlots: nothing new posts nothing, unless the schedule
// asks to say so.
func TestSchedulerEmptySlots(t *testing.T) {
	r := newDigestRig(t, 1)
	s, _ := r.start("A", r.dbs[0])
	_, next := mustSchedule(t, s, "quiet", "0 * * * *", "UTC")
	if _, _, err := s.ScheduleDigest(context.Background(), briefs.Schedule{GuildID: dgGuild, ChannelID: "chatty", Cron: "0 * * * *", PostEmpty: true}); err != nil {
		t.Fatal(err)
	}
	r.clock.Set(next[0])
	r.events.wait(t, "both slots", func(evs []taggedEvent) bool { return countEvents(evs, "A", atSlot(next[0], slotOutcomes...)) == 2 })
	if n := len(r.posts("quiet")); n != 0 {
		t.Errorf("quiet channel got %d posts", n)
	}
	posts := r.posts("chatty")
	if len(posts) != 1 {
		t.Fatalf("chatty channel got %d posts", len(posts))
	}
	if b := decodeDigestPost(t, posts[0]); !strings.Contains(b.Content, "Nothing new") || len(b.Embeds) != 0 {
		t.Errorf("empty digest = %+v", b)
	}
}

// TestSchedulerPanicRecovered: a panicking poster does not take the
// scheduler down.
func TestSchedulerPanicRecovered(t *testing.T) {
	r := newDigestRig(t, 1)
	p := &panickyPoster{next: r.session(), exploded: make(chan struct{})}
	p.panics.Store(true)
	s, _ := r.start("A", r.dbs[0], func(c *bot.SchedulerConfig) { c.Poster = p })
	r.addArticle("story")
	_, next := mustSchedule(t, s, "c1", "* * * * *", "UTC")
	r.clock.Set(next[0])
	select { // the panic ends that job without an event
	case <-p.exploded:
	case <-time.After(15 * time.Second):
		t.Fatal("the poster was not called")
	}
	p.panics.Store(false)
	// The panicking job releases the channel's lock as it unwinds; wait for
	// that before the next slot, which would otherwise find it busy.
	probe := briefs.DigestSlot{GuildID: dgGuild, ChannelID: "c1", Key: "probe", Size: 1}
	for deadline := time.Now().Add(10 * time.Second); ; {
		c, err := r.dbs[0].ClaimDigest(context.Background(), probe, time.Second)
		if err == nil && c.Status == briefs.ClaimTaken {
			_ = r.dbs[0].ReleaseDigest(context.Background(), c)
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the channel's lock was not released after the panic: %v, %v", c.Status, err)
		}
		time.Sleep(10 * time.Millisecond)
	}
	r.clock.Set(next[1])
	r.events.wait(t, "posted after a panic", func(evs []taggedEvent) bool { return countEvents(evs, "A", atSlot(next[1], bot.EventPosted)) == 1 })
}

type panickyPoster struct {
	next     bot.Poster
	panics   atomic.Bool
	once     sync.Once
	exploded chan struct{}
}

func (p *panickyPoster) ChannelMessageSendComplex(ch string, m *discordgo.MessageSend, o ...discordgo.RequestOption) (*discordgo.Message, error) {
	if p.panics.Load() {
		p.once.Do(func() { close(p.exploded) })
		panic("poster exploded")
	}
	return p.next.ChannelMessageSendComplex(ch, m, o...)
}

// rtCounter counts the commands and pipelines the store sends, leaving out
// connection set-up.
type rtCounter struct{ n atomic.Int64 }

func (c *rtCounter) DialHook(next redis.DialHook) redis.DialHook { return next }
func (c *rtCounter) ProcessHook(next redis.ProcessHook) redis.ProcessHook {
	return func(ctx context.Context, cmd redis.Cmder) error {
		switch cmd.Name() {
		case "hello", "auth", "select", "client":
		default:
			c.n.Add(1)
		}
		return next(ctx, cmd)
	}
}
func (c *rtCounter) ProcessPipelineHook(next redis.ProcessPipelineHook) redis.ProcessPipelineHook {
	return func(ctx context.Context, cmds []redis.Cmder) error {
		if len(cmds) > 0 && cmds[0].Name() != "hello" {
			c.n.Add(1)
		}
		return next(ctx, cmds)
	}
}

// BenchmarkDigestFanOut: 1,000 channels scheduled for the same minute,
// posted to the fake Discord with its global limit of 50 requests a second
// enforced. Reports the time from the slot to the last post, the Redis
// round trips per digest, and the 429s the fake answered (want 0).
//
//	go test -run '^$' -bench DigestFanOut -benchtime 1x ./bot/
func BenchmarkDigestFanOut(b *testing.B) {
	const channels = 1000
	for range b.N {
		b.StopTimer()
		r := newDigestRig(b, 1, discordtest.WithGlobalRateLimit(50))
		db := r.dbs[0]
		ctx := context.Background()
		for i := range 5 {
			r.addArticle(fmt.Sprintf("story-%d", i))
		}
		for i := range channels {
			v, err := cronspec.NewSchedule(briefs.Schedule{GuildID: dgGuild, ChannelID: fmt.Sprintf("3%017d", i),
				Cron: "0 8 * * *", Timezone: "UTC", UpdatedAt: r.clock.Now()})
			if err != nil {
				b.Fatal(err)
			}
			if _, err := db.PutSchedule(ctx, v); err != nil {
				b.Fatal(err)
			}
		}
		s := r.scheduler("bench", db, func(c *bot.SchedulerConfig) { c.PostsPerSecond = 0; c.RetryBackoff = 0 })
		r.run(s)
		r.events.wait(b, "loaded", func(evs []taggedEvent) bool {
			return countEvents(evs, "bench", func(ev bot.DigestEvent) bool { return ev.Kind == bot.EventLoaded && ev.Count == channels }) > 0 &&
				countEvents(evs, "bench", loadedFor("subscribed")) > 0
		})
		rt := &rtCounter{}
		db.AddHook(rt)
		r.fake.ResetRequests()
		slot := time.Date(2025, 6, 2, 8, 0, 0, 0, time.UTC)
		b.StartTimer()
		start := time.Now()
		r.clock.Set(slot)
		r.events.waitWithin(b, 5*time.Minute, "every channel posted", func(evs []taggedEvent) bool {
			return countEvents(evs, "bench", atSlot(slot, bot.EventPosted)) == channels
		})
		elapsed := time.Since(start)
		b.StopTimer()

		reqs := r.fake.Requests()
		limited, posted := 0, 0
		var times []time.Time
		for _, q := range reqs {
			switch {
			case q.Status == 429:
				limited++
			case q.OK() && q.Method == "POST":
				posted++
				times = append(times, q.At)
			}
		}
		if posted != channels {
			b.Fatalf("%d posts; want %d", posted, channels)
		}
		peak := 0 // most posts within any one second
		for i, j := 0, 0; i < len(times); i++ {
			for times[i].Sub(times[j]) >= time.Second {
				j++
			}
			peak = max(peak, i-j+1)
		}
		b.ReportMetric(elapsed.Seconds(), "s/slot")
		b.ReportMetric(float64(channels)/elapsed.Seconds(), "posts/s")
		b.ReportMetric(float64(rt.n.Load())/channels, "redis-rt/digest")
		b.ReportMetric(float64(limited), "429s")
		b.ReportMetric(float64(peak), "peak-posts/1s")
	}
}
