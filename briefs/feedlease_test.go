package briefs_test

import (
	"context"
	"sync/atomic"
	"testing"
	"time"

	"briefbot/briefs"
	"briefbot/store"
	"briefbot/store/storetest"
)

// renewSignal is the real store, telling each renewal of a feed lease;
// once lost is set, renewals find the lease gone (as when it ran out and
// another instance took it).
type renewSignal struct {
	briefs.FeedStore
	renewed chan bool
	lost    *atomic.Bool
	down    *atomic.Bool // renewals fail, as when Redis does not answer
}

func (s renewSignal) RenewFeed(ctx context.Context, guildID, url, token string, ttl time.Duration) (bool, error) {
	if s.down.Load() {
		return false, briefs.Errorf(briefs.EUNAVAILABLE, "store unavailable")
	}
	if s.lost.Load() {
		select {
		case s.renewed <- false:
		default:
		}
		return false, nil
	}
	held, err := s.FeedStore.RenewFeed(ctx, guildID, url, token, ttl)
	select {
	case s.renewed <- held:
	default:
	}
	return held, err
}

// newLeaseRig is a feed of one old and one new story, followed by a poller
// with a one-second lease whose store tells its renewals (signal); the new
// story's page is held until release is closed. The clock (now) stands 20
// minutes after the subscription, so the feed is due.
func newLeaseRig(t *testing.T) (site *newsSite, db *store.DB, fd *briefs.Feeds, signal renewSignal, feedURL string, release chan struct{}, now *time.Time) {
	t.Helper()
	site = newNewsSite(t)
	site.story("g1", "ferry", "New ferry line for the harbour", 1)
	clock := time.Date(2026, 12, 4, 12, 0, 0, 0, time.UTC)
	now = &clock
	db = storetest.Open(t)
	fd = newFeedsOn(t, db, now)
	signal = renewSignal{FeedStore: db, renewed: make(chan bool, 1), lost: new(atomic.Bool), down: new(atomic.Bool)}
	fd.Store, fd.Lease = signal, time.Second
	feedURL = site.srv.URL + "/feed.xml"
	if _, err := fd.Subscribe(context.Background(), briefs.FeedInput{GuildID: "g", URL: feedURL, Backfill: 0}); err != nil {
		t.Fatal(err)
	}
	site.story("g2", "market", "Market hall reopens to traders", 2)
	release = make(chan struct{})
	site.set(func(s *newsSite) {
		s.held = map[string]chan struct{}{"/news/market": release}
		s.arrived = make(chan string, 1)
	})
	*now = clock.Add(20 * time.Minute)
	return site, db, fd, signal, feedURL, release, now
}

// A poll that takes longer than its lease (a slow article page) keeps the
// lease by renewing it, so no other instance polls the feed meanwhile; a
// poll whose lease is lost stops, and leaves the item it was reading for
// the next poll.
func TestFeedLeaseRenewedWhilePolling(t *testing.T) {
	site, db, fd, signal, feedURL, release, now := newLeaseRig(t)
	other := newFeedsOn(t, db, now)
	ctx := context.Background()

	type outcome struct {
		res    briefs.PollResult
		polled bool
		err    error
	}
	done := make(chan outcome, 1)
	leased := time.Now()
	go func() {
		res, polled, err := fd.PollFeed(ctx, briefs.FeedRef{GuildID: "g", URL: feedURL}, false)
		done <- outcome{res, polled, err}
	}()
	<-site.arrived
	// Wait for renewals until the first lease would have run out twice over.
	for time.Since(leased) < 2*fd.Lease {
		select {
		case held := <-signal.renewed:
			if !held {
				t.Fatal("the poller lost its lease while it held it")
			}
		case <-time.After(10 * fd.Lease):
			t.Fatal("the poller does not renew its lease")
		}
	}
	if tok, err := db.LeaseFeed(ctx, "g", feedURL, time.Minute); err != nil || tok != "" {
		t.Fatalf("another instance got the lease of a feed being polled (%q, %v)", tok, err)
	}
	if _, polled, _ := other.PollFeed(ctx, briefs.FeedRef{GuildID: "g", URL: feedURL}, true); polled {
		t.Fatal("another instance polled the feed during the poll")
	}
	close(release)
	out := <-done
	if out.err != nil || !out.polled || len(out.res.Added) != 1 {
		t.Fatalf("slow poll: polled %v, added %v, err %v", out.polled, titlesOf(out.res.Added), out.err)
	}

	// Now the lease is lost mid-poll: the poll stops, and the item it was
	// reading stays unseen.
	site.story("g3", "bridge", "Old bridge to close for repairs", 3)
	release = make(chan struct{})
	defer close(release)
	site.set(func(s *newsSite) { s.held = map[string]chan struct{}{"/news/bridge": release} })
	*now = now.Add(20 * time.Minute)
	go func() {
		res, polled, err := fd.PollFeed(ctx, briefs.FeedRef{GuildID: "g", URL: feedURL}, false)
		done <- outcome{res, polled, err}
	}()
	<-site.arrived
	signal.lost.Store(true)
	out = <-done
	if len(out.res.Added) != 0 {
		t.Errorf("a poll without its lease added %v", titlesOf(out.res.Added))
	}
	unseen, err := db.Unseen(ctx, "g", [][]string{{"guid:g3"}})
	if err != nil || !unseen[0] {
		t.Errorf("the item read when the lease was lost is marked seen (%v, %v); it would be lost", unseen, err)
	}
}

// A poll whose renewals keep failing (Redis does not answer) stops before
// its lease could run out, when another instance could take the feed, and
// leaves the item it was reading for the next poll.
func TestFeedLeaseEndsWhenRenewalsFail(t *testing.T) {
	site, db, fd, signal, feedURL, release, _ := newLeaseRig(t)
	defer close(release)
	ctx := context.Background()
	signal.down.Store(true)
	leased := time.Now()
	done := make(chan briefs.PollResult, 1)
	go func() {
		res, _, _ := fd.PollFeed(ctx, briefs.FeedRef{GuildID: "g", URL: feedURL}, false)
		done <- res
	}()
	<-site.arrived
	var res briefs.PollResult
	select {
	case res = <-done:
	case <-time.After(10 * fd.Lease):
		t.Fatal("a poll whose lease could not be renewed goes on")
	}
	if took := time.Since(leased); took >= fd.Lease {
		t.Errorf("the poll went on %s with a lease of %s it could not renew", took, fd.Lease)
	}
	if len(res.Added) != 0 {
		t.Errorf("a poll that lost its lease added %v", titlesOf(res.Added))
	}
	if unseen, err := db.Unseen(ctx, "g", [][]string{{"guid:g2"}}); err != nil || !unseen[0] {
		t.Errorf("the item read when the lease ended is marked seen (%v, %v)", unseen, err)
	}
}
