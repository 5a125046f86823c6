package store_test

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"briefbot/briefs"
	"briefbot/store"
	"briefbot/store/storetest"
)

// TestArticleLimit is the per-guild article cap of AddArticle, on the
// embedded server and, with REDIS_URL, on real Redis: a guild keeps its
// newest MaxArticles articles, and a new one drops the oldest.
func TestArticleLimit(t *testing.T) {
	forEachBackend(t, func(t *testing.T, open func(testing.TB) *store.DB) {
		t.Run("DropsOldest", func(t *testing.T) { testArticleLimitDropsOldest(t, open(t)) })
		t.Run("Lowered", func(t *testing.T) { testArticleLimitLowered(t, open(t)) })
		t.Run("Concurrent", func(t *testing.T) { testArticleLimitConcurrent(t, open(t)) })
	})
}

func limited(req briefs.AddRequest, most int) briefs.AddRequest {
	req.MaxArticles = most
	return req
}

// dayZero is when the first article of these tests was added.
var dayZero = time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)

// story is article i of guild, added i hours after dayZero, found by the
// shared term "harbour" and by its own "storyNN".
func story(guild string, i int) briefs.AddRequest {
	req := addReq(guild, fmt.Sprintf("story-%02d", i), fmt.Sprintf("Harbour story%02d", i), fmt.Sprintf("%s: story number %d.", guild, i))
	req.Article.SourceURL = fmt.Sprintf("https://example.com/%s/%d", guild, i)
	req.Article.AddedAt = dayZero.Add(time.Duration(i) * time.Hour)
	return req
}

// wantGone fails unless the article with slug is gone from every index of
// guild: by slug, its brief, search and autocomplete.
func wantGone(t *testing.T, db *store.DB, guild, slug string) {
	t.Helper()
	ctx := context.Background()
	if _, err := db.ArticleBySlug(ctx, guild, slug); briefs.ErrorCode(err) != briefs.ENOTFOUND {
		t.Errorf("%s: %s is still there by slug: %v", guild, slug, err)
	}
	if _, ok, _ := db.CachedBrief(ctx, guild, slug, testVersion); ok {
		t.Errorf("%s: the brief of %s is still cached", guild, slug)
	}
	word := "story" + strings.TrimPrefix(slug, "story-")
	if ls, err := db.FindByTerms(ctx, guild, []string{word}, 10); err != nil || len(ls) != 0 {
		t.Errorf("%s: searching %q finds %q, %v", guild, word, slugsOf(ls), err)
	}
	if ls, err := db.FindByTerms(ctx, guild, []string{"harbour"}, 1000); err != nil || slices.Contains(slugsOf(ls), slug) {
		t.Errorf("%s: searching \"harbour\" still finds %s: %v", guild, slug, err)
	}
	if ls, err := db.Suggest(ctx, guild, briefs.ParseSuggestQuery(slug), 25); err != nil || slices.Contains(slugsOf(ls), slug) {
		t.Errorf("%s: autocomplete still offers %s: %v", guild, slug, err)
	}
}

// wantThere fails unless the article with slug reads, with its brief, and
// is found by its own term.
func wantThere(t *testing.T, db *store.DB, guild, slug string) {
	t.Helper()
	ctx := context.Background()
	if _, err := db.ArticleBySlug(ctx, guild, slug); err != nil {
		t.Errorf("%s: %s: %v", guild, slug, err)
	}
	if _, ok, err := db.CachedBrief(ctx, guild, slug, testVersion); !ok || err != nil {
		t.Errorf("%s: the brief of %s is not cached: %v", guild, slug, err)
	}
	word := "story" + strings.TrimPrefix(slug, "story-")
	if ls, err := db.FindByTerms(ctx, guild, []string{word}, 10); err != nil || !slices.Equal(slugsOf(ls), []string{slug}) {
		t.Errorf("%s: searching %q finds %q, %v; want %s", guild, word, slugsOf(ls), err, slug)
	}
}

// wantTotal fails unless guild holds want articles, in listings and search.
func wantTotal(t *testing.T, db *store.DB, guild string, want int) {
	t.Helper()
	ctx := context.Background()
	ls, total, err := db.Recent(ctx, guild, 0, 1000)
	if err != nil || total != want || len(ls) != want {
		t.Errorf("%s: Recent lists %d of %d, %v; want %d", guild, len(ls), total, err, want)
	}
	if found, err := db.FindByTerms(ctx, guild, []string{"harbour"}, 1000); err != nil || len(found) != want {
		t.Errorf("%s: search finds %d, %v; want %d", guild, len(found), err, want)
	}
}

func testArticleLimitDropsOldest(t *testing.T, db *store.DB) {
	ctx := context.Background()
	const most = 5
	// Added out of order: the oldest by AddedAt (story-00) is not the first added.
	for _, i := range []int{1, 0, 3, 2, 4} {
		mustAdd(t, db, limited(story("g1", i), most))
	}
	for i := range 3 {
		mustAdd(t, db, limited(story("g2", i), most))
	}
	g2Keys := func() []string {
		ls, _, err := db.Recent(ctx, "g2", 0, 100)
		if err != nil {
			t.Fatal(err)
		}
		return slugsOf(ls)
	}
	g2Before := g2Keys()

	// A stored story again (same link) is not new: nothing is dropped.
	again := limited(story("g1", 2), most)
	again.Article.Slug = "again"
	if a, created, err := db.AddArticle(ctx, again); err != nil || created || a.Slug != "story-02" {
		t.Fatalf("re-adding a stored story in a full guild = %q, %v, %v; want the existing story-02", a.Slug, created, err)
	}
	wantTotal(t, db, "g1", most)
	wantThere(t, db, "g1", "story-00")

	// A new one drops the oldest by AddedAt.
	mustAdd(t, db, limited(story("g1", 5), most))
	wantTotal(t, db, "g1", most)
	wantGone(t, db, "g1", "story-00")
	for i := 1; i <= 5; i++ {
		wantThere(t, db, "g1", fmt.Sprintf("story-%02d", i))
	}
	// And the next one the next oldest.
	mustAdd(t, db, limited(story("g1", 6), most))
	wantTotal(t, db, "g1", most)
	wantGone(t, db, "g1", "story-01")
	wantThere(t, db, "g1", "story-06")

	// The digest sees the guild's articles as they are now.
	s := mustPut(t, db, schedule("g1", "c1", "@daily"))
	if c := mustClaim(t, db, slotOf(s, dayZero.AddDate(1, 0, 0)), briefs.ClaimTaken); c.Digest.Total != most {
		t.Errorf("the digest counts %d new briefs, want %d", c.Digest.Total, most)
	}

	// Another guild is untouched.
	if got := g2Keys(); !slices.Equal(got, g2Before) {
		t.Errorf("g2 holds %q, want %q", got, g2Before)
	}
	wantTotal(t, db, "g2", 3)
	wantThere(t, db, "g2", "story-00")

	// A dropped article's link can be added again (it then drops the oldest).
	mustAdd(t, db, limited(story("g1", 0), most))
	wantThere(t, db, "g1", "story-00")
	wantGone(t, db, "g1", "story-02")
	wantTotal(t, db, "g1", most)

	// No limit (0) lets the guild grow.
	mustAdd(t, db, story("g1", 7))
	wantTotal(t, db, "g1", most+1)
}

// testArticleLimitLowered: a guild over a lowered cap drops at most a few
// per add, the oldest first, until it is back under.
func testArticleLimitLowered(t *testing.T, db *store.DB) {
	const have, most, perAdd = 20, 5, 8
	for i := range have {
		mustAdd(t, db, story("g1", i))
	}
	next, oldest := have, 0
	for _, want := range []int{have - perAdd + 1, have - 2*perAdd + 2, most, most} {
		before := next - oldest
		mustAdd(t, db, limited(story("g1", next), most))
		next++
		n := min(before-most+1, perAdd)
		for range n {
			wantGone(t, db, "g1", fmt.Sprintf("story-%02d", oldest))
			oldest++
		}
		wantThere(t, db, "g1", fmt.Sprintf("story-%02d", oldest))
		wantTotal(t, db, "g1", want)
	}
}

func testArticleLimitConcurrent(t *testing.T, db *store.DB) {
	ctx := context.Background()
	const n, most = 20, 5
	for i := range most {
		mustAdd(t, db, limited(story("g1", i), most))
	}
	var (
		wg        sync.WaitGroup
		mu        sync.Mutex
		created   int
		errs      []error
		overshoot []int
		done      = make(chan struct{})
	)
	// A reader watches the count while the adds race.
	watched := make(chan struct{})
	go func() {
		defer close(watched)
		for {
			select {
			case <-done:
				return
			default:
			}
			if _, total, err := db.Recent(ctx, "g1", 0, 0); err == nil && total > most {
				mu.Lock()
				overshoot = append(overshoot, total)
				mu.Unlock()
			}
		}
	}()
	for i := range n {
		req := limited(story("g1", most+i), most)
		wg.Go(func() {
			_, c, err := db.AddArticle(ctx, req)
			mu.Lock()
			defer mu.Unlock()
			switch {
			case err != nil:
				errs = append(errs, err)
			case c:
				created++
			}
		})
	}
	wg.Wait()
	close(done)
	<-watched
	if len(errs) > 0 {
		t.Fatal(errs)
	}
	if created != n {
		t.Errorf("created %d of %d", created, n)
	}
	if len(overshoot) > 0 {
		t.Errorf("the guild held more than %d articles during the race: %v", most, overshoot)
	}
	wantTotal(t, db, "g1", most)
	for i := range most {
		wantGone(t, db, "g1", fmt.Sprintf("story-%02d", i))
	}
	ls, _, err := db.Recent(ctx, "g1", 0, 100)
	if err != nil {
		t.Fatal(err)
	}
	for _, l := range ls {
		wantThere(t, db, "g1", l.Slug)
	}
}

// openWithScheduleLimit opens the store of each backend with
// MaxSchedulesPerGuild set.
func openWithScheduleLimit(t *testing.T, most int) map[string]*store.DB {
	t.Helper()
	return storetest.OpenEach(t, store.Config{MaxSchedulesPerGuild: most})
}

func TestScheduleLimit(t *testing.T) {
	for name, db := range openWithScheduleLimit(t, 2) {
		t.Run(name, func(t *testing.T) {
			ctx := context.Background()
			sch := func(guild, ch string) briefs.Schedule {
				return briefs.Schedule{GuildID: guild, ChannelID: ch, Cron: "0 8 * * *", Timezone: "UTC"}
			}
			for _, ch := range []string{"c1", "c2"} {
				if _, err := putSchedule(ctx, db, sch("g1", ch)); err != nil {
					t.Fatal(err)
				}
			}
			_, err := putSchedule(ctx, db, sch("g1", "c3"))
			wantCode(t, err, briefs.ETOOLARGE)
			if msg := briefs.ErrorMessage(err); !strings.Contains(msg, "2 digest schedules") || !strings.Contains(msg, "MAX_SCHEDULES_PER_GUILD") || !strings.Contains(msg, "/digest off") {
				t.Errorf("message %q", msg)
			}
			if list, _ := db.Schedules(ctx, "g1"); len(list) != 2 {
				t.Errorf("%d schedules stored, want 2", len(list))
			}
			// Changing a channel's schedule is not a new one.
			changed := sch("g1", "c2")
			changed.Cron = "0 9 * * *"
			if _, err := putSchedule(ctx, db, changed); err != nil {
				t.Errorf("changing an existing schedule at the limit: %v", err)
			}
			// Other guilds have their own count; a removed schedule makes room.
			if _, err := putSchedule(ctx, db, sch("g2", "c3")); err != nil {
				t.Errorf("another guild: %v", err)
			}
			if err := db.DeleteSchedule(ctx, "g1", "c1"); err != nil {
				t.Fatal(err)
			}
			if _, err := putSchedule(ctx, db, sch("g1", "c3")); err != nil {
				t.Errorf("after /digest off: %v", err)
			}
		})
	}
}
