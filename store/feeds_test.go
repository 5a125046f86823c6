package store_test

import (
	"context"
	"fmt"
	"reflect"
	"sync"
	"testing"
	"time"

	"briefbot/briefs"
	"briefbot/store"
)

func feedSub(guild, url string) briefs.FeedSub {
	return briefs.FeedSub{GuildID: guild, URL: url, ChannelID: "c1", Interval: briefs.DefaultFeedInterval,
		AddedAt: time.Date(2026, 12, 5, 0, 0, 0, 0, time.UTC)}
}

// Subscriptions: stored per guild, replaced by URL, listed by URL, removed;
// a guild never sees another's; the cap holds under concurrent adds.
func TestFeeds(t *testing.T) {
	forEachBackend(t, func(t *testing.T, open func(testing.TB) *store.DB) {
		db := open(t)
		ctx := context.Background()
		for _, u := range []string{"https://b.example/feed", "https://a.example/rss"} {
			if err := db.PutFeed(ctx, feedSub("g1", u), 0); err != nil {
				t.Fatal(err)
			}
		}
		updated := feedSub("g1", "https://b.example/feed")
		updated.LastError, updated.Failures = "timeout", 2
		if err := db.PutFeed(ctx, updated, 2); err != nil {
			t.Fatalf("replacing a feed at the cap: %v", err)
		}
		got, err := db.Feeds(ctx, "g1")
		if err != nil || len(got) != 2 || got[0].URL != "https://a.example/rss" || !reflect.DeepEqual(got[1], updated) {
			t.Fatalf("Feeds = %+v, %v", got, err)
		}
		if other, err := db.Feeds(ctx, "g2"); err != nil || len(other) != 0 {
			t.Errorf("another guild sees %+v, %v", other, err)
		}
		if err := db.RemoveFeed(ctx, "g1", "https://a.example/rss"); err != nil {
			t.Fatal(err)
		}
		if err := db.RemoveFeed(ctx, "g1", "https://a.example/rss"); briefs.ErrorCode(err) != briefs.ENOTFOUND {
			t.Errorf("removing it again: %v, want ENOTFOUND", err)
		}

		// 10 admins add different feeds at once against a cap of 4.
		var wg sync.WaitGroup
		errs := make([]error, 10)
		for i := range errs {
			wg.Add(1)
			go func() {
				defer wg.Done()
				errs[i] = db.PutFeed(ctx, feedSub("g3", fmt.Sprintf("https://f%d.example/feed", i)), 4)
			}()
		}
		wg.Wait()
		refused := 0
		for _, err := range errs {
			switch briefs.ErrorCode(err) {
			case "":
			case briefs.ETOOLARGE:
				refused++
			default:
				t.Fatal(err)
			}
		}
		if all, _ := db.Feeds(ctx, "g3"); len(all) != 4 || refused != 6 {
			t.Errorf("%d feeds stored, %d refused; want 4 and 6", len(all), refused)
		}
	})
}

// Items: new until one of their keys is marked; asking writes nothing; a
// re-sent item with a rewritten GUID or link is still known; guilds keep
// their own; the oldest keys age out past the bound.
func TestSeenItems(t *testing.T) {
	forEachBackend(t, func(t *testing.T, open func(testing.TB) *store.DB) {
		db := open(t)
		ctx := context.Background()
		t0 := time.Date(2026, 12, 5, 0, 0, 0, 0, time.UTC)
		items := [][]string{{"guid:1", "url:https://x.example/1"}, {"url:https://x.example/2"}, {"hash:abc"}}
		unseen := func(guild string, items [][]string) []bool {
			t.Helper()
			got, err := db.Unseen(ctx, guild, items)
			if err != nil {
				t.Fatal(err)
			}
			return got
		}
		if got := unseen("g1", items); !reflect.DeepEqual(got, []bool{true, true, true}) {
			t.Fatalf("before marking: %v", got)
		}
		if got := unseen("g1", items); !reflect.DeepEqual(got, []bool{true, true, true}) {
			t.Fatalf("asking twice marked something: %v", got)
		}
		if err := db.MarkSeen(ctx, "g1", t0, items[0]...); err != nil {
			t.Fatal(err)
		}
		rewritten := [][]string{{"guid:1-new", "url:https://x.example/1"}, {"guid:1", "url:https://x.example/1-moved"}, items[1]}
		if got := unseen("g1", rewritten); !reflect.DeepEqual(got, []bool{false, false, true}) {
			t.Errorf("rewritten items: %v, want [false false true]", got)
		}
		if got := unseen("g2", items[:1]); !reflect.DeepEqual(got, []bool{true}) {
			t.Errorf("another guild's items: %v", got)
		}

		if testing.Short() {
			return
		}
		old := []string{"guid:old-a", "guid:old-b"}
		if err := db.MarkSeen(ctx, "g4", t0, old...); err != nil {
			t.Fatal(err)
		}
		var many []string
		for i := range 20000 {
			many = append(many, fmt.Sprintf("guid:n%d", i))
		}
		if err := db.MarkSeen(ctx, "g4", t0.Add(time.Hour), many...); err != nil {
			t.Fatal(err)
		}
		if got := unseen("g4", [][]string{{old[0]}, {old[1]}, {many[0]}, {many[19999]}}); !reflect.DeepEqual(got, []bool{true, true, false, false}) {
			t.Errorf("after 20,000 newer keys: %v; want the two oldest forgotten, the newer kept", got)
		}
	})
}

// The due index lists feeds of every guild whose next poll has come,
// soonest first, without paused or removed ones; a lease is one instance's
// at a time and only its holder releases it.
func TestDueFeedsAndLeases(t *testing.T) {
	forEachBackend(t, func(t *testing.T, open func(testing.TB) *store.DB) {
		db := open(t)
		ctx := context.Background()
		t0 := time.Date(2026, 12, 5, 0, 0, 0, 0, time.UTC)
		put := func(guild, url string, next time.Duration, paused bool) {
			f := feedSub(guild, url)
			f.NextPoll, f.Paused = t0.Add(next), paused
			if err := db.PutFeed(ctx, f, 0); err != nil {
				t.Fatal(err)
			}
		}
		put("g1", "https://a.example/feed", 2*time.Minute, false)
		put("g2", "https://b.example/feed", time.Minute, false)
		put("g1", "https://c.example/feed", time.Hour, false)
		put("g2", "https://d.example/feed", 0, true)
		put("g1", "https://e.example/feed", 0, false)
		if err := db.RemoveFeed(ctx, "g1", "https://e.example/feed"); err != nil {
			t.Fatal(err)
		}
		due, err := db.DueFeeds(ctx, t0.Add(5*time.Minute), 10)
		want := []briefs.FeedRef{{GuildID: "g2", URL: "https://b.example/feed"}, {GuildID: "g1", URL: "https://a.example/feed"}}
		if err != nil || !reflect.DeepEqual(due, want) {
			t.Errorf("DueFeeds = %+v, %v; want %+v", due, err, want)
		}
		if due, _ := db.DueFeeds(ctx, t0.Add(5*time.Minute), 1); len(due) != 1 {
			t.Errorf("limit 1 gave %d", len(due))
		}

		tok, err := db.LeaseFeed(ctx, "g1", "https://a.example/feed", time.Minute)
		if err != nil || tok == "" {
			t.Fatalf("first lease: %q, %v", tok, err)
		}
		if other, err := db.LeaseFeed(ctx, "g1", "https://a.example/feed", time.Minute); err != nil || other != "" {
			t.Errorf("second lease while held: %q, %v", other, err)
		}
		if held, err := db.RenewFeed(ctx, "g1", "https://a.example/feed", "not-the-token", time.Minute); err != nil || held {
			t.Errorf("renewing with a wrong token: %v, %v", held, err)
		}
		if held, err := db.RenewFeed(ctx, "g1", "https://a.example/feed", tok, time.Minute); err != nil || !held {
			t.Errorf("renewing the held lease: %v, %v", held, err)
		}
		if err := db.ReleaseFeed(ctx, "g1", "https://a.example/feed", "not-the-token"); err != nil {
			t.Fatal(err)
		}
		if other, _ := db.LeaseFeed(ctx, "g1", "https://a.example/feed", time.Minute); other != "" {
			t.Error("a wrong token released the lease")
		}
		if err := db.ReleaseFeed(ctx, "g1", "https://a.example/feed", tok); err != nil {
			t.Fatal(err)
		}
		again, _ := db.LeaseFeed(ctx, "g1", "https://a.example/feed", time.Minute)
		if again == "" {
			t.Error("released lease not free")
		}
		if held, _ := db.RenewFeed(ctx, "g1", "https://a.example/feed", tok, time.Minute); held {
			t.Error("a released lease's old token renewed the new holder's lease")
		}
		if f, err := db.Feed(ctx, "g1", "https://c.example/feed"); err != nil || f.URL != "https://c.example/feed" {
			t.Errorf("Feed = %+v, %v", f, err)
		}
		if _, err := db.Feed(ctx, "g1", "https://zz.example/feed"); briefs.ErrorCode(err) != briefs.ENOTFOUND {
			t.Errorf("unknown feed: %v", err)
		}
	})
}

// A site's slots are shared by every caller: at most `most` tokens hold
// one, a holder renews its own, a released or expired slot is free again.
func TestHostSlots(t *testing.T) {
	forEachBackend(t, func(t *testing.T, open func(testing.TB) *store.DB) {
		db := open(t)
		ctx := context.Background()
		take := func(token string, ttl time.Duration) bool {
			t.Helper()
			ok, err := db.TakeHostSlot(ctx, "News.Example", token, 2, ttl)
			if err != nil {
				t.Fatal(err)
			}
			return ok
		}
		if !take("a", time.Minute) || !take("b", time.Minute) {
			t.Fatal("two free slots refused")
		}
		if take("c", time.Minute) {
			t.Error("a third slot of a site with two was given")
		}
		if !take("a", time.Minute) {
			t.Error("a holder could not renew its slot")
		}
		if ok, _ := db.TakeHostSlot(ctx, "other.example", "c", 2, time.Minute); !ok {
			t.Error("another site's slots are not separate")
		}
		if err := db.ReleaseHostSlot(ctx, "news.example", "b"); err != nil {
			t.Fatal(err)
		}
		if !take("c", time.Second) {
			t.Error("a released slot is not free")
		}
	})
}
