package store_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"briefbot/briefs"
	"briefbot/store"
)

// TestRemoveOlderThan: articles added before the cutoff leave every index
// (slug, search, autocomplete, listings, digests) with their briefs, in every
// guild and across several batches; newer ones stay, and a removed
// article's link can be added again.
func TestRemoveOlderThan(t *testing.T) {
	forEachBackend(t, func(t *testing.T, open func(testing.TB) *store.DB) {
		db := open(t)
		ctx := context.Background()
		day0 := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
		const old, fresh = 230, 20 // more old ones than one batch removes
		for _, guild := range []string{"g1", "g2"} {
			for i := range old + fresh {
				req := addReq(guild, fmt.Sprintf("story-%03d", i), fmt.Sprintf("Harbour story %d", i), fmt.Sprintf("%s text %d", guild, i))
				req.Article.SourceURL = fmt.Sprintf("https://example.com/%s/%d", guild, i)
				req.Article.AddedAt = day0.Add(time.Duration(i) * time.Hour)
				mustAdd(t, db, req)
			}
		}
		cutoff := day0.Add(old * time.Hour)
		n, err := db.RemoveOlderThan(ctx, cutoff)
		if err != nil || n != 2*old {
			t.Fatalf("RemoveOlderThan = %d, %v; want %d", n, err, 2*old)
		}
		for _, guild := range []string{"g1", "g2"} {
			ls, total, err := db.Recent(ctx, guild, 0, 1000)
			if err != nil || total != fresh || len(ls) != fresh {
				t.Fatalf("%s: recent holds %d of %d, %v; want %d", guild, len(ls), total, err, fresh)
			}
			for _, l := range ls {
				if !l.AddedAt.After(cutoff) && !l.AddedAt.Equal(cutoff) {
					t.Errorf("%s: %s added %s stayed", guild, l.Slug, l.AddedAt)
				}
			}
			if _, err := db.ArticleBySlug(ctx, guild, "story-000"); briefs.ErrorCode(err) != briefs.ENOTFOUND {
				t.Errorf("%s: the oldest article is still there by slug: %v", guild, err)
			}
			if _, ok, _ := db.CachedBrief(ctx, guild, "story-000", testVersion); ok {
				t.Errorf("%s: the oldest article's brief is still cached", guild)
			}
			found, err := db.FindByTerms(ctx, guild, []string{"harbour"}, 100)
			if err != nil || len(found) != fresh {
				t.Errorf("%s: search finds %d, %v; want %d", guild, len(found), err, fresh)
			}
			sug, err := db.Suggest(ctx, guild, briefs.ParseSuggestQuery("story-00"), 25)
			if err != nil || len(sug) != 0 {
				t.Errorf("%s: autocomplete still offers %q, %v", guild, slugsOf(sug), err)
			}
			s := mustPut(t, db, schedule(guild, "c1", "@daily"))
			c := mustClaim(t, db, slotOf(s, day0.AddDate(0, 1, 0)), briefs.ClaimTaken)
			if c.Digest.Total != fresh {
				t.Errorf("%s: the digest counts %d new briefs, want %d", guild, c.Digest.Total, fresh)
			}
		}
		req := addReq("g1", "story-000", "Harbour story 0", "g1 text 0")
		req.Article.SourceURL = "https://example.com/g1/0"
		if a := mustAdd(t, db, req); a.Slug != "story-000" {
			t.Errorf("re-added article got slug %q", a.Slug)
		}
		if n, err := db.RemoveOlderThan(ctx, day0); err != nil || n != 0 {
			t.Errorf("second sweep removed %d, %v; want 0", n, err)
		}
	})
}
