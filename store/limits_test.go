package store_test

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"

	"briefbot/briefs"
	"briefbot/store"
	"briefbot/store/storetest"
)

// TestArticleLimit is the per-guild article cap of AddArticle, on the
// embedded server and, with REDIS_URL, on real Redis.
func TestArticleLimit(t *testing.T) {
	forEachBackend(t, func(t *testing.T, open func(testing.TB) *store.DB) {
		t.Run("RefusedWhenFull", func(t *testing.T) { testArticleLimitRefused(t, open(t)) })
		t.Run("Concurrent", func(t *testing.T) { testArticleLimitConcurrent(t, open(t)) })
	})
}

func limited(req briefs.AddRequest, most int) briefs.AddRequest {
	req.MaxArticles = most
	return req
}

func testArticleLimitRefused(t *testing.T, db *store.DB) {
	ctx := context.Background()
	for i := range 3 {
		mustAdd(t, db, limited(addReq("g1", fmt.Sprintf("story-%d", i), "Story", fmt.Sprintf("Story number %d.", i)), 3))
	}
	before := keyCount(t, db)
	_, created, err := db.AddArticle(ctx, limited(addReq("g1", "one-too-many", "Too many", "One story too many."), 3))
	wantCode(t, err, briefs.ETOOLARGE)
	if created {
		t.Error("created = true for a refused add")
	}
	msg := briefs.ErrorMessage(err)
	for _, want := range []string{"3 articles", "MAX_ARTICLES_PER_GUILD", "/article remove"} {
		if !strings.Contains(msg, want) {
			t.Errorf("message %q lacks %q", msg, want)
		}
	}
	if after := keyCount(t, db); after != before {
		t.Errorf("a refused add changed the key count from %d to %d", before, after)
	}
	if _, err := db.ArticleBySlug(ctx, "g1", "one-too-many"); briefs.ErrorCode(err) != briefs.ENOTFOUND {
		t.Errorf("the refused article can be read: %v", err)
	}
	if ls, _ := db.FindByTerms(ctx, "g1", []string{"many"}, 10); len(ls) != 0 {
		t.Errorf("the refused article is indexed: %v", slugsOf(ls))
	}
	// The same text again is not a new article: the existing one comes back.
	if a, created, err := db.AddArticle(ctx, limited(addReq("g1", "again", "Story", "Story number 1."), 3)); err != nil || created || a.Slug != "story-1" {
		t.Errorf("re-adding a stored text in a full guild = %q, %v, %v; want the existing story-1", a.Slug, created, err)
	}
	// Another guild is not affected, and removing an article makes room.
	mustAdd(t, db, limited(addReq("g2", "elsewhere", "Elsewhere", "Another server's story."), 3))
	if _, err := db.RemoveArticle(ctx, "g1", "story-0"); err != nil {
		t.Fatal(err)
	}
	mustAdd(t, db, limited(addReq("g1", "one-too-many", "Too many", "One story too many."), 3))
	if _, total, _ := db.Recent(ctx, "g1", 0, 0); total != 3 {
		t.Errorf("total = %d, want 3", total)
	}
	// No limit (0) lets the guild grow.
	mustAdd(t, db, addReq("g1", "unlimited", "Unlimited", "A story without a limit."))
}

func testArticleLimitConcurrent(t *testing.T, db *store.DB) {
	ctx := context.Background()
	const n, most = 12, 5
	reqs := make([]briefs.AddRequest, n)
	for i := range reqs {
		reqs[i] = limited(addReq("g1", fmt.Sprintf("race-%d", i), "Race", fmt.Sprintf("Racing story %d.", i)), most)
	}
	var (
		wg              sync.WaitGroup
		mu              sync.Mutex
		created, full   int
		unexpectedError []error
	)
	for _, req := range reqs {
		wg.Go(func() {
			_, c, err := db.AddArticle(ctx, req)
			mu.Lock()
			defer mu.Unlock()
			switch {
			case briefs.ErrorCode(err) == briefs.ETOOLARGE:
				full++
			case err != nil:
				unexpectedError = append(unexpectedError, err)
			case c:
				created++
			}
		})
	}
	wg.Wait()
	if len(unexpectedError) > 0 {
		t.Fatal(unexpectedError)
	}
	if created != most || full != n-most {
		t.Errorf("created %d, refused %d; want %d and %d", created, full, most, n-most)
	}
	if _, total, _ := db.Recent(ctx, "g1", 0, 0); total != most {
		t.Errorf("total = %d, want %d", total, most)
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
