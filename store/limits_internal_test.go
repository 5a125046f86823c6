package store

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"briefbot/briefs"
)

// An index entry without its record (left by a crash of an older version,
// or by hand) among a full guild's oldest is dropped like the retention
// sweep drops it, and counts towards the room a new article makes.
func TestArticleLimitDropsIndexEntryWithoutRecord(t *testing.T) {
	for name, db := range compactStores(t) {
		t.Run(name, func(t *testing.T) {
			ctx := context.Background()
			const most = 3
			add := func(i int) {
				t.Helper()
				req := compactRequest("g1")
				req.Article.ID = fmt.Sprintf("00000000000000%02d", i)
				req.Article.Slug = fmt.Sprintf("story-%d", i)
				req.Article.SourceURL = fmt.Sprintf("https://example.com/%d", i)
				req.Article.ContentHash = fmt.Sprintf("%064d", i)
				req.Article.Text = fmt.Sprintf("Story %d. %s", i, req.Article.Text)
				req.Article.AddedAt = time.Date(2025, 1, 2, i, 0, 0, 0, time.UTC)
				req.MaxArticles = most
				if _, created, err := db.AddArticle(ctx, req); err != nil || !created {
					t.Fatalf("add %d: %v, %v", i, created, err)
				}
			}
			for i := 1; i <= most; i++ {
				add(i)
			}
			k := db.guild("g1")
			// A phantom older than every article, in recent, fresh and listings.
			old := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC).UnixMilli()
			if err := db.client.ZAdd(ctx, k.recent(), redis.Z{Score: float64(old), Member: "phantom"}).Err(); err != nil {
				t.Fatal(err)
			}
			db.client.ZAdd(ctx, k.fresh(), redis.Z{Score: 1, Member: "phantom"})
			db.client.HSet(ctx, k.listings(), "phantom", `{"slug":"phantom"}`)

			add(most + 1) // 4 in recent: drops the phantom and story-1
			if n, _ := db.client.ZCard(ctx, k.recent()).Result(); n != most {
				t.Errorf("recent holds %d, want %d", n, most)
			}
			for _, key := range []string{k.recent(), k.fresh()} {
				if _, err := db.client.ZScore(ctx, key, "phantom").Result(); err == nil {
					t.Errorf("%s still names the phantom", key)
				}
			}
			if ok, _ := db.client.HExists(ctx, k.listings(), "phantom").Result(); ok {
				t.Error("listings still name the phantom")
			}
			if _, err := db.ArticleBySlug(ctx, "g1", "story-1"); briefs.ErrorCode(err) != briefs.ENOTFOUND {
				t.Errorf("story-1 is still there: %v", err)
			}
			for _, slug := range []string{"story-2", "story-3", "story-4"} {
				if _, err := db.ArticleBySlug(ctx, "g1", slug); err != nil {
					t.Errorf("%s: %v", slug, err)
				}
			}
		})
	}
}
