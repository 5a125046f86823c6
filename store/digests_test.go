package store_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"briefbot/briefs"
	"briefbot/briefs/cronspec"
	"briefbot/store"
	"briefbot/store/storetest"
)

// TestDigests is the contract of digest schedules, cursors and the
// exactly-once protocol, on the embedded server and, with REDIS_URL, on
// real Redis.
func TestDigests(t *testing.T) {
	forEachBackendPair(t, func(t *testing.T, open func(testing.TB) (*store.DB, *store.DB)) {
		one := func(tb testing.TB) *store.DB { a, _ := open(tb); return a }
		t.Run("ScheduleRoundTrip", func(t *testing.T) { testScheduleRoundTrip(t, one(t)) })
		t.Run("ScheduleInvalid", func(t *testing.T) { testScheduleInvalid(t, one(t)) })
		t.Run("AllSchedules", func(t *testing.T) { testAllSchedules(t, one(t)) })
		t.Run("Watch", func(t *testing.T) { a, b := open(t); testWatch(t, a, b) })
		t.Run("ClaimProtocol", func(t *testing.T) { testClaimProtocol(t, one(t)) })
		t.Run("ClaimConcurrent", func(t *testing.T) { a, b := open(t); testClaimConcurrent(t, a, b) })
		t.Run("CursorAdvance", func(t *testing.T) { testCursorAdvance(t, one(t)) })
		t.Run("GoneAndPaused", func(t *testing.T) { testGoneAndPaused(t, one(t)) })
		t.Run("LockExpires", func(t *testing.T) { testLockExpires(t, one(t)) })
		t.Run("LockFence", func(t *testing.T) { testLockFence(t, one(t)) })
		t.Run("CursorSkewedClocks", func(t *testing.T) { a, b := open(t); testCursorSkewedClocks(t, a, b) })
		t.Run("FreshFromOldData", func(t *testing.T) { testFreshFromOldData(t, one) })
		t.Run("RoundTrips", func(t *testing.T) { testDigestRoundTrips(t, one(t)) })
		t.Run("ReserveSend", func(t *testing.T) { testReserveSend(t, one(t)) })
	})
}

// forEachBackendPair runs fn per backend with a function that opens two
// stores over the same data: two connections with one key prefix on real
// Redis, the same store twice on the embedded server (whose data file one
// process owns).
func forEachBackendPair(t *testing.T, fn func(t *testing.T, open func(testing.TB) (*store.DB, *store.DB))) {
	t.Run("embedded", func(t *testing.T) {
		fn(t, func(tb testing.TB) (*store.DB, *store.DB) {
			db := storetest.OpenEmbedded(tb, filepath.Join(tb.TempDir(), "data.json"))
			return db, db
		})
	})
	if u := os.Getenv("REDIS_URL"); u != "" {
		t.Run("redis", func(t *testing.T) {
			fn(t, func(tb testing.TB) (*store.DB, *store.DB) {
				prefix := storetest.RandomPrefix()
				var dbs [2]*store.DB
				for i := range dbs {
					db, err := store.Open(context.Background(), store.Config{URL: u, Prefix: prefix})
					if err != nil {
						tb.Fatalf("open store at REDIS_URL: %v", err)
					}
					dbs[i] = db
				}
				tb.Cleanup(func() {
					for _, db := range dbs {
						if err := db.Close(); err != nil {
							tb.Errorf("close: %v", err)
						}
					}
					storetest.DeletePrefix(tb, u, prefix)
				})
				return dbs[0], dbs[1]
			})
		})
	}
}

func schedule(guild, channel, expr string) briefs.Schedule {
	return briefs.Schedule{GuildID: guild, ChannelID: channel, Cron: expr, Timezone: "Europe/Berlin", Size: 3,
		CreatedBy: "u1", UpdatedAt: time.Date(2025, 1, 2, 3, 4, 5, 0, time.UTC)}
}

func mustPut(tb testing.TB, db *store.DB, s briefs.Schedule) briefs.Schedule {
	tb.Helper()
	got, err := putSchedule(context.Background(), db, s)
	if err != nil {
		tb.Fatalf("PutSchedule: %v", err)
	}
	return got
}

// putSchedule writes s as the bot does: checked by cronspec.NewSchedule,
// then stored.
func putSchedule(ctx context.Context, db *store.DB, s briefs.Schedule) (briefs.Schedule, error) {
	v, err := cronspec.NewSchedule(s)
	if err != nil {
		return briefs.Schedule{}, err
	}
	return db.PutSchedule(ctx, v)
}

func testScheduleRoundTrip(t *testing.T, db *store.DB) {
	ctx := context.Background()
	s := mustPut(t, db, schedule("g1", "c1", "0  8 * * 1-5"))
	if s.Rev == "" || s.Cron != "0 8 * * 1-5" {
		t.Errorf("PutSchedule = %+v; want a rev and the folded expression", s)
	}
	mustPut(t, db, schedule("g1", "c2", "@daily"))
	got, err := db.Schedules(ctx, "g1")
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 || got[0].ChannelID != "c1" || got[1].ChannelID != "c2" {
		t.Fatalf("Schedules = %+v; want c1 and c2", got)
	}
	if g := got[0]; g.Rev != s.Rev || g.Cron != s.Cron || g.Timezone != "Europe/Berlin" || g.Size != 3 ||
		!g.UpdatedAt.Equal(s.UpdatedAt) || g.CreatedBy != "u1" || g.GuildID != "g1" || g.Paused {
		t.Errorf("Schedules[0] = %+v; want %+v", g, s)
	}

	// Replacing gives a new revision.
	s2 := mustPut(t, db, schedule("g1", "c1", "30 9 * * *"))
	if s2.Rev == s.Rev {
		t.Error("a replaced schedule kept its revision")
	}
	got, _ = db.Schedules(ctx, "g1")
	if len(got) != 2 || got[0].Cron != "30 9 * * *" {
		t.Errorf("after replace: %+v", got)
	}

	// Size 0 is the default; other guilds see nothing.
	z := schedule("g1", "c3", "@hourly")
	z.Size = 0
	if z = mustPut(t, db, z); z.Size != briefs.DefaultDigestSize {
		t.Errorf("size 0 stored as %d", z.Size)
	}
	if other, _ := db.Schedules(ctx, "g2"); len(other) != 0 {
		t.Errorf("guild g2 sees %+v", other)
	}

	if err := db.DeleteSchedule(ctx, "g1", "c1"); err != nil {
		t.Fatal(err)
	}
	wantCode(t, db.DeleteSchedule(ctx, "g1", "c1"), briefs.ENOTFOUND)
	got, _ = db.Schedules(ctx, "g1")
	if len(got) != 2 || got[0].ChannelID != "c2" {
		t.Errorf("after delete: %+v", got)
	}
}

func testScheduleInvalid(t *testing.T, db *store.DB) {
	ctx := context.Background()
	for _, s := range []briefs.Schedule{
		schedule("g1", "c1", "61 * * * *"),
		schedule("g1", "c1", "@every 1h"),
		func() briefs.Schedule { s := schedule("g1", "c1", "@daily"); s.Timezone = "Mars/Olympus"; return s }(),
		func() briefs.Schedule { s := schedule("g1", "c1", "@daily"); s.Size = 11; return s }(),
		schedule("", "c1", "@daily"),
		schedule("g1", "", "@daily"),
		schedule("g1", "c:1", "@daily"),
		schedule("g{1}", "c1", "@daily"),
	} {
		_, err := putSchedule(ctx, db, s)
		wantCode(t, err, briefs.EINVALID)
	}
	if got, _ := db.Schedules(ctx, "g1"); len(got) != 0 {
		t.Errorf("invalid schedules were stored: %+v", got)
	}
}

func testAllSchedules(t *testing.T, db *store.DB) {
	ctx := context.Background()
	_, v0, err := db.AllSchedules(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for g := range 3 {
		for c := range 2 {
			mustPut(t, db, schedule(fmt.Sprintf("g%d", g), fmt.Sprintf("c%d", c), "@daily"))
		}
	}
	all, v1, err := db.AllSchedules(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(all) != 6 || v1 <= v0 {
		t.Fatalf("AllSchedules = %d schedules, version %d (before %d); want 6 and a higher version", len(all), v1, v0)
	}
	if err := db.DeleteSchedule(ctx, "g0", "c0"); err != nil {
		t.Fatal(err)
	}
	v2, err := db.ScheduleVersion(ctx)
	if err != nil || v2 <= v1 {
		t.Errorf("ScheduleVersion = %d, %v after a delete; want > %d", v2, err, v1)
	}
	all, _, _ = db.AllSchedules(ctx)
	if len(all) != 5 {
		t.Errorf("after delete: %d schedules", len(all))
	}
}

// testWatch: a change written through one connection reaches a watcher on
// the other.
func testWatch(t *testing.T, a, b *store.DB) {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	ch := b.WatchSchedules(ctx)
	next := func() string {
		t.Helper()
		select {
		case g, ok := <-ch:
			if !ok {
				t.Fatal("watch closed")
			}
			return g
		case <-ctx.Done():
			t.Fatal("no change notified")
		}
		return ""
	}
	if g := next(); g != "" {
		t.Fatalf("first notification = %q; want \"\" (subscribed)", g)
	}
	mustPut(t, a, schedule("g7", "c1", "@daily"))
	if g := next(); g != "g7" {
		t.Errorf("notification = %q; want g7", g)
	}
	if _, err := a.PauseSchedule(ctx, "g7", "c1", "", "403", time.Now()); err != nil {
		t.Fatal(err)
	}
	if g := next(); g != "g7" {
		t.Errorf("notification after pause = %q; want g7", g)
	}
	if err := a.DeleteSchedule(ctx, "g7", "c1"); err != nil {
		t.Fatal(err)
	}
	if g := next(); g != "g7" {
		t.Errorf("notification after delete = %q; want g7", g)
	}
	cancel()
	for range ch { // closed when ctx is done
	}
}

func slotOf(s briefs.Schedule, at time.Time) briefs.DigestSlot {
	return briefs.DigestSlot{GuildID: s.GuildID, ChannelID: s.ChannelID, Key: briefs.SlotKey(at), At: at,
		Rev: s.Rev, Size: s.Size, Version: testVersion}
}

func mustClaim(tb testing.TB, db *store.DB, slot briefs.DigestSlot, want briefs.ClaimStatus) briefs.Claim {
	tb.Helper()
	c, err := db.ClaimDigest(context.Background(), slot, time.Minute)
	if err != nil {
		tb.Fatalf("ClaimDigest: %v", err)
	}
	if c.Status != want {
		tb.Fatalf("ClaimDigest = %s; want %s", c.Status, want)
	}
	return c
}

// addAtMs adds an article whose added-at is base + n minutes.
func addAtMs(t *testing.T, db *store.DB, guild, slug string, n int) briefs.Article {
	t.Helper()
	req := addReq(guild, slug, "Title of "+slug, "Text of "+slug+".")
	req.Article.AddedAt = time.Date(2025, 1, 2, 3, 0, 0, 0, time.UTC).Add(time.Duration(n) * time.Minute)
	return mustAdd(t, db, req)
}

func testClaimProtocol(t *testing.T, db *store.DB) {
	ctx := context.Background()
	s := mustPut(t, db, schedule("g1", "c1", "@daily"))
	for i := range 4 {
		addAtMs(t, db, "g1", fmt.Sprintf("a%d", i), i)
	}
	at := time.Date(2025, 1, 3, 0, 0, 0, 0, time.UTC)
	slot := slotOf(s, at)

	c := mustClaim(t, db, slot, briefs.ClaimTaken)
	if c.Token == "" {
		t.Fatal("claim without a token")
	}
	d := c.Digest
	if d.Total != 4 || len(d.Items) != 3 || !d.Since.IsZero() {
		t.Fatalf("digest: total %d, %d items, since %v; want 4, 3, zero", d.Total, len(d.Items), d.Since)
	}
	for i, want := range []string{"a3", "a2", "a1"} {
		it := d.Items[i]
		if it.Listing.Slug != want || it.Brief == nil || it.Brief.Slug != want || it.Brief.Gist == "" {
			t.Errorf("item %d = %+v / %+v; want %s with its brief", i, it.Listing, it.Brief, want)
		}
	}
	// The cursor is on the Redis server's clock, not the added-at the
	// caller sent (2025 here).
	if d.Cursor.Before(time.Now().Add(-time.Hour)) {
		t.Errorf("cursor = %v; want the Redis time the newest brief was stored", d.Cursor)
	}

	// While the lock is held another claim of the slot is busy.
	mustClaim(t, db, slot, briefs.ClaimBusy)
	if err := db.CompleteDigest(ctx, c, "m1", d.Cursor, time.Hour); err != nil {
		t.Fatal(err)
	}
	if done := mustClaim(t, db, slot, briefs.ClaimDone); done.MessageID != "m1" {
		t.Errorf("done claim message = %q; want m1", done.MessageID)
	}
	got, _ := db.Schedules(ctx, "g1")
	if len(got) != 1 || !got[0].Cursor.Equal(d.Cursor) || !got[0].LastSlot.Equal(at) || got[0].LastMessageID != "m1" {
		t.Errorf("state after complete: %+v", got)
	}

	// A released claim can be taken again; a stale token releases nothing.
	slot2 := slotOf(s, at.Add(24*time.Hour))
	c2 := mustClaim(t, db, slot2, briefs.ClaimTaken)
	stale := c2
	stale.Token = "not-ours"
	if err := db.ReleaseDigest(ctx, stale); err != nil {
		t.Fatal(err)
	}
	mustClaim(t, db, slot2, briefs.ClaimBusy)
	if err := db.ReleaseDigest(ctx, c2); err != nil {
		t.Fatal(err)
	}
	c3 := mustClaim(t, db, slot2, briefs.ClaimTaken)
	// Nothing posted: the marker says so and the cursor stays.
	if err := db.CompleteDigest(ctx, c3, "", time.Time{}, time.Hour); err != nil {
		t.Fatal(err)
	}
	if done := mustClaim(t, db, slot2, briefs.ClaimDone); done.MessageID != "" {
		t.Errorf("empty slot's message = %q", done.MessageID)
	}
	got, _ = db.Schedules(ctx, "g1")
	if !got[0].Cursor.Equal(d.Cursor) || !got[0].LastSlot.Equal(at.Add(24*time.Hour)) {
		t.Errorf("state after an empty slot: %+v", got[0])
	}

	// A brief cached by another summarizer version is not served.
	other := slotOf(s, at.Add(48*time.Hour))
	other.Version = "other/2"
	c4 := mustClaim(t, db, other, briefs.ClaimTaken)
	if len(c4.Digest.Items) != 0 || c4.Digest.Total != 0 {
		t.Errorf("after the cursor moved: %+v", c4.Digest)
	}
}

// testClaimConcurrent: many claimers of one slot on two connections, one
// wins.
func testClaimConcurrent(t *testing.T, a, b *store.DB) {
	s := mustPut(t, a, schedule("g1", "c1", "* * * * *"))
	slot := slotOf(s, time.Date(2025, 1, 3, 0, 0, 0, 0, time.UTC))
	var mu sync.Mutex
	count := map[briefs.ClaimStatus]int{}
	var wg sync.WaitGroup
	for i := range 20 {
		db := a
		if i%2 == 1 {
			db = b
		}
		wg.Go(func() {
			c, err := db.ClaimDigest(context.Background(), slot, time.Minute)
			if err != nil {
				t.Error(err)
				return
			}
			mu.Lock()
			count[c.Status]++
			mu.Unlock()
		})
	}
	wg.Wait()
	if count[briefs.ClaimTaken] != 1 || count[briefs.ClaimBusy] != 19 {
		t.Errorf("claims = %v; want 1 claimed, 19 busy", count)
	}
}

// testCursorAdvance: after a digest, the next one holds only newer briefs.
func testCursorAdvance(t *testing.T, db *store.DB) {
	ctx := context.Background()
	s := mustPut(t, db, schedule("g1", "c1", "@hourly"))
	addAtMs(t, db, "g1", "old-1", 1)
	addAtMs(t, db, "g1", "old-2", 2)
	at := time.Date(2025, 1, 3, 0, 0, 0, 0, time.UTC)
	c := mustClaim(t, db, slotOf(s, at), briefs.ClaimTaken)
	if c.Digest.Total != 2 {
		t.Fatalf("first digest total = %d", c.Digest.Total)
	}
	if err := db.CompleteDigest(ctx, c, "m1", c.Digest.Cursor, time.Hour); err != nil {
		t.Fatal(err)
	}
	addAtMs(t, db, "g1", "new-1", 3)
	c2 := mustClaim(t, db, slotOf(s, at.Add(time.Hour)), briefs.ClaimTaken)
	if c2.Digest.Total != 1 || len(c2.Digest.Items) != 1 || c2.Digest.Items[0].Listing.Slug != "new-1" {
		t.Errorf("second digest = %+v; want only new-1", c2.Digest)
	}
	if !c2.Digest.Since.Equal(c.Digest.Cursor) {
		t.Errorf("since = %v; want %v", c2.Digest.Since, c.Digest.Cursor)
	}
	// The cursor only moves forward.
	if err := db.CompleteDigest(ctx, c2, "m2", c.Digest.Cursor.Add(-time.Hour), time.Hour); err != nil {
		t.Fatal(err)
	}
	got, _ := db.Schedules(ctx, "g1")
	if !got[0].Cursor.Equal(c.Digest.Cursor) {
		t.Errorf("cursor went back to %v", got[0].Cursor)
	}
	// An on-demand post needs no schedule and moves the cursor of its channel.
	now := briefs.DigestSlot{GuildID: "g1", ChannelID: "c9", Key: "now-1", Size: 5, Version: testVersion}
	cn := mustClaim(t, db, now, briefs.ClaimTaken)
	if cn.Digest.Total != 3 {
		t.Errorf("on-demand digest total = %d; want 3", cn.Digest.Total)
	}
}

func testGoneAndPaused(t *testing.T, db *store.DB) {
	ctx := context.Background()
	s := mustPut(t, db, schedule("g1", "c1", "@daily"))
	at := time.Date(2025, 1, 3, 0, 0, 0, 0, time.UTC)

	old := slotOf(s, at)
	old.Rev = "older"
	mustClaim(t, db, old, briefs.ClaimGone)

	ok, err := db.PauseSchedule(ctx, "g1", "c1", "older", "stale", at)
	if err != nil || ok {
		t.Errorf("pause with a stale rev = %v, %v; want false", ok, err)
	}
	ok, err = db.PauseSchedule(ctx, "g1", "c1", s.Rev, "Discord answered 403 Forbidden", at)
	if err != nil || !ok {
		t.Fatalf("pause = %v, %v", ok, err)
	}
	mustClaim(t, db, slotOf(s, at), briefs.ClaimPaused)
	got, _ := db.Schedules(ctx, "g1")
	if !got[0].Paused || got[0].PausedReason != "Discord answered 403 Forbidden" || !got[0].PausedAt.Equal(at) {
		t.Errorf("paused schedule = %+v", got[0])
	}
	// Scheduling again resumes.
	s2 := mustPut(t, db, schedule("g1", "c1", "@daily"))
	mustClaim(t, db, slotOf(s2, at), briefs.ClaimTaken)
	if got, _ := db.Schedules(ctx, "g1"); got[0].Paused {
		t.Error("still paused after scheduling again")
	}

	if err := db.DeleteSchedule(ctx, "g1", "c1"); err != nil {
		t.Fatal(err)
	}
	mustClaim(t, db, slotOf(s2, at.Add(time.Hour)), briefs.ClaimGone)
	if ok, _ := db.PauseSchedule(ctx, "g1", "c1", "", "x", at); ok {
		t.Error("paused a deleted schedule")
	}
}

func testLockExpires(t *testing.T, db *store.DB) {
	s := mustPut(t, db, schedule("g1", "c1", "@daily"))
	slot := slotOf(s, time.Date(2025, 1, 3, 0, 0, 0, 0, time.UTC))
	if _, err := db.ClaimDigest(context.Background(), slot, time.Second); err != nil {
		t.Fatal(err)
	}
	mustClaim(t, db, slot, briefs.ClaimBusy)
	// A claimer that died: its lock expires and the slot can be claimed.
	eventually(t, 5*time.Second, "lock expiry", func() bool {
		c, err := db.ClaimDigest(context.Background(), slot, time.Minute)
		return err == nil && c.Status == briefs.ClaimTaken
	})
}

// testLockFence: the lock is one per channel (a /digest now and a slot of
// the same channel exclude each other); its holder can renew it; a holder
// whose lock expired and was taken over can neither renew it nor write the
// marker or the cursor.
func testLockFence(t *testing.T, db *store.DB) {
	ctx := context.Background()
	s := mustPut(t, db, schedule("g1", "c1", "@daily"))
	addAtMs(t, db, "g1", "a1", 1)
	slot := slotOf(s, time.Date(2025, 1, 3, 0, 0, 0, 0, time.UTC))
	now := briefs.DigestSlot{GuildID: "g1", ChannelID: "c1", Key: "now-1", Size: 5, Version: testVersion}
	// A 2 s lease renewed every 0.7 s: a slow machine has 1.3 s of slack
	// per renewal, and four renewals outlast the first lease.
	const lease, renewEvery = 2 * time.Second, 700 * time.Millisecond
	c1, err := db.ClaimDigest(ctx, slot, lease)
	if err != nil || c1.Status != briefs.ClaimTaken {
		t.Fatalf("claim: %v, %v", c1.Status, err)
	}
	mustClaim(t, db, now, briefs.ClaimBusy)
	// Renewed past its first TTL, the lock holds.
	for range 4 {
		time.Sleep(renewEvery) // real time must pass for a TTL to run out
		if ok, err := db.RenewDigest(ctx, c1, lease); !ok || err != nil {
			t.Fatalf("renew: %v, %v", ok, err)
		}
	}
	mustClaim(t, db, now, briefs.ClaimBusy)
	// Not renewed, it expires and /digest now takes the channel.
	var c2 briefs.Claim
	eventually(t, 5*time.Second, "lock expiry", func() bool {
		c2, err = db.ClaimDigest(ctx, now, time.Minute)
		return err == nil && c2.Status == briefs.ClaimTaken
	})
	if ok, err := db.RenewDigest(ctx, c1, time.Minute); ok || err != nil {
		t.Errorf("stale renew: %v, %v; want false", ok, err)
	}
	err = db.CompleteDigest(ctx, c1, "stale", c1.Digest.Cursor, time.Hour)
	if !errors.Is(err, store.ErrLeaseLost) || briefs.ErrorCode(err) != briefs.ECONFLICT {
		t.Fatalf("stale complete: %v; want ErrLeaseLost", err)
	}
	mustClaim(t, db, slot, briefs.ClaimBusy) // no marker written; c2 still holds the channel
	if err := db.CompleteDigest(ctx, c2, "m2", c2.Digest.Cursor, time.Hour); err != nil {
		t.Fatal(err)
	}
	list, _ := db.Schedules(ctx, "g1")
	if len(list) != 1 || list[0].LastMessageID != "m2" {
		t.Errorf("state after the fenced completes: %+v", list)
	}
	if c := mustClaim(t, db, slot, briefs.ClaimTaken); c.Digest.Total != 0 {
		t.Errorf("the slot after /digest now sees %d new; want 0", c.Digest.Total)
	}
}

// testCursorSkewedClocks: two instances whose clocks disagree by an hour
// add briefs around a digest; the one whose clock is behind adds after the
// digest, with an added-at older than anything the digest covered, and its
// brief is still in the next digest: the cursor compares Redis's clock.
func testCursorSkewedClocks(t *testing.T, ahead, behind *store.DB) {
	ctx := context.Background()
	s := mustPut(t, ahead, schedule("g1", "c1", "@hourly"))
	now := time.Now()
	add := func(db *store.DB, slug string, at time.Time) {
		t.Helper()
		req := addReq("g1", slug, "Title of "+slug, "Text of "+slug+".")
		req.Article.AddedAt = at
		mustAdd(t, db, req)
	}
	add(ahead, "from-ahead", now.Add(time.Hour))
	at := time.Date(2025, 1, 3, 0, 0, 0, 0, time.UTC)
	c := mustClaim(t, ahead, slotOf(s, at), briefs.ClaimTaken)
	if c.Digest.Total != 1 {
		t.Fatalf("first digest total = %d; want 1", c.Digest.Total)
	}
	if err := ahead.CompleteDigest(ctx, c, "m1", c.Digest.Cursor, time.Hour); err != nil {
		t.Fatal(err)
	}
	add(behind, "from-behind", now.Add(-time.Hour))
	c2 := mustClaim(t, behind, slotOf(s, at.Add(time.Hour)), briefs.ClaimTaken)
	if c2.Digest.Total != 1 || len(c2.Digest.Items) != 1 || c2.Digest.Items[0].Listing.Slug != "from-behind" {
		t.Errorf("second digest = %+v; want from-behind", c2.Digest)
	}
}

// testFreshFromOldData: data stored before the set of briefs by Redis
// arrival existed (restored from a snapshot without it) keeps its unposted
// briefs: the restore fills the set from the added-at scores the old cursors
// compare with, before the first claim or add.
func testFreshFromOldData(t *testing.T, one func(testing.TB) *store.DB) {
	ctx := context.Background()
	src := one(t)
	s := mustPut(t, src, schedule("g1", "c1", "@daily"))
	a1 := addAtMs(t, src, "g1", "a1", 1)
	addAtMs(t, src, "g1", "a2", 2)
	at := time.Date(2025, 1, 3, 0, 0, 0, 0, time.UTC)
	c := mustClaim(t, src, slotOf(s, at), briefs.ClaimTaken)
	// An old-style cursor: a1's added-at.
	if err := src.CompleteDigest(ctx, c, "m1", a1.AddedAt, time.Hour); err != nil {
		t.Fatal(err)
	}
	var buf strings.Builder
	if _, err := src.Backup(ctx, &buf); err != nil {
		t.Fatal(err)
	}
	var snap map[string]any
	if err := json.Unmarshal([]byte(buf.String()), &snap); err != nil {
		t.Fatal(err)
	}
	var keys []any
	for _, k := range snap["keys"].([]any) {
		name := k.(map[string]any)["key"].(string)
		if !strings.HasSuffix(name, ":fresh") && !strings.HasSuffix(name, ":addclock") && !strings.Contains(name, ":digest:done:") {
			keys = append(keys, k)
		}
	}
	snap["keys"] = keys
	old, err := json.Marshal(snap)
	if err != nil {
		t.Fatal(err)
	}
	for _, addFirst := range []bool{false, true} {
		db := one(t)
		if _, err := db.Restore(ctx, strings.NewReader(string(old)), store.RestoreOptions{}); err != nil {
			t.Fatal(err)
		}
		want := []string{"a2"}
		if addFirst {
			addAtMs(t, db, "g1", "a3", 3)
			want = []string{"a3", "a2"}
		}
		got := mustClaim(t, db, slotOf(s, at.Add(24*time.Hour)), briefs.ClaimTaken)
		var slugs []string
		for _, it := range got.Digest.Items {
			slugs = append(slugs, it.Listing.Slug)
		}
		if !slices.Equal(slugs, want) {
			t.Errorf("add first %v: digest holds %q; want %q", addFirst, slugs, want)
		}
	}
}

// testDigestRoundTrips: claiming and completing a digest cost one round
// trip each; a guild's schedules one.
func testDigestRoundTrips(t *testing.T, db *store.DB) {
	s := mustPut(t, db, schedule("g1", "c1", "@daily"))
	for i := range 5 {
		addAtMs(t, db, "g1", fmt.Sprintf("a%d", i), i)
	}
	rt := &roundTrips{}
	db.AddHook(rt)
	var c briefs.Claim
	if n := rt.count(func(ctx context.Context) {
		var err error
		c, err = db.ClaimDigest(ctx, slotOf(s, time.Unix(1e9, 0)), time.Minute)
		if err != nil {
			t.Fatal(err)
		}
	}); n != 1 {
		t.Errorf("ClaimDigest took %d round trips", n)
	}
	if len(c.Digest.Items) != 3 {
		t.Errorf("%d items", len(c.Digest.Items))
	}
	if n := rt.count(func(ctx context.Context) {
		if err := db.CompleteDigest(ctx, c, "m", c.Digest.Cursor, time.Hour); err != nil {
			t.Fatal(err)
		}
	}); n != 1 {
		t.Errorf("CompleteDigest took %d round trips", n)
	}
	if n := rt.count(func(ctx context.Context) { _, _ = db.Schedules(ctx, "g1") }); n != 1 {
		t.Errorf("Schedules took %d round trips", n)
	}
	if n := rt.count(func(ctx context.Context) { _, _ = db.ReserveSend(ctx, time.Millisecond) }); n != 1 {
		t.Errorf("ReserveSend took %d round trips", n)
	}
}

// testReserveSend: reservations are spaced by the interval.
func testReserveSend(t *testing.T, db *store.DB) {
	ctx := context.Background()
	const interval = 50 * time.Millisecond
	start := time.Now()
	var last time.Time
	for i := range 6 {
		wait, err := db.ReserveSend(ctx, interval)
		if err != nil {
			t.Fatal(err)
		}
		at := time.Now().Add(wait)
		if i > 0 {
			// The server's and our clocks agree to within the call's duration.
			if gap := at.Sub(last); gap < interval-10*time.Millisecond {
				t.Errorf("reservation %d only %v after the previous", i, gap)
			}
		}
		last = at
	}
	if span := last.Sub(start); span < 5*interval-20*time.Millisecond || span > 5*interval+time.Second {
		t.Errorf("6 reservations span %v; want about %v", span, 5*interval)
	}
}
