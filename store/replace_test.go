package store_test

import (
	"context"
	"testing"

	"briefbot/briefs"
	"briefbot/store"
)

func TestReplaceArticle(t *testing.T) {
	forEachBackend(t, func(t *testing.T, open func(testing.TB) *store.DB) {
		db := open(t)
		ctx := context.Background()
		first := addReq("g", "harbour", "Harbour Strike Begins", "old text", "Kelby")
		first.Article.SourceURL = "https://news.example/harbour"
		orig := mustAdd(t, db, first)
		mustAdd(t, db, addReq("g", "other", "Other Story", "other text"))

		next := addReq("g", "harbour", "Harbour Strike Ends", "new text", "Kelby", "Dock Union")
		next.Article.SourceURL = "https://news.example/harbour"
		got, err := db.ReplaceArticle(ctx, next)
		if err != nil {
			t.Fatal(err)
		}
		if got.ID != orig.ID || got.Slug != "harbour" || !got.AddedAt.Equal(orig.AddedAt) {
			t.Errorf("replace changed identity: %+v", got)
		}
		a, err := db.ArticleBySlug(ctx, "g", "harbour")
		if err != nil || a.Title != "Harbour Strike Ends" || a.Text != "new text" {
			t.Fatalf("stored after replace: %+v, %v", a, err)
		}
		if b, ok, _ := db.CachedBrief(ctx, "g", "harbour", testVersion); !ok || b.Title != "Harbour Strike Ends" {
			t.Errorf("cached brief not replaced: %+v %v", b, ok)
		}
		if ls, _ := db.FindByTerms(ctx, "g", []string{"begins"}, 10); len(ls) != 0 {
			t.Errorf("old headline words still find it: %v", slugsOf(ls))
		}
		if ls, _ := db.FindByTerms(ctx, "g", []string{"union"}, 10); len(slugsOf(ls)) != 1 {
			t.Errorf("new names do not find it")
		}
		if ls, _, _ := db.Recent(ctx, "g", 0, 10); len(ls) != 2 {
			t.Errorf("recent lists %d articles, want 2", len(ls))
		}
		// The new text dedups to this article; so does the old one, since the
		// article keeps the id its first text gave it: the same story.
		for _, text := range []string{"new text", "old text"} {
			if e, created, _ := db.AddArticle(ctx, addReq("g", "dup", "x", text)); created || e.Slug != "harbour" {
				t.Errorf("%s should dedup to harbour, got %q created=%v", text, e.Slug, created)
			}
		}

		_, err = db.ReplaceArticle(ctx, addReq("g", "missing", "t", "x"))
		wantCode(t, err, briefs.ENOTFOUND)
		_, err = db.ReplaceArticle(ctx, addReq("g", "harbour", "t", "other text"))
		wantCode(t, err, briefs.ECONFLICT)
	})
}
