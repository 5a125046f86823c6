package store

import (
	"context"
	"testing"

	"briefbot/briefs"
)

// The URL and hash indexes hold short keys; an article whose entries were
// written before, with the URL and content hash themselves, is still found
// as the same article by either, and removing it or replacing its content
// clears its old entries.
func TestIndexKeysReadLegacyEntries(t *testing.T) {
	for name, db := range compactStores(t) {
		t.Run(name, func(t *testing.T) {
			ctx := context.Background()
			req := compactRequest("g1")
			a := addCompact(t, db, req)
			k := db.guild("g1")
			url := sourceURLKey(a.SourceURL)
			if n, _ := db.client.HLen(ctx, k.urls()).Result(); n != 1 {
				t.Fatalf("urls holds %d", n)
			}
			if got, _ := db.client.HGet(ctx, k.urls(), indexKey(url)).Result(); got != a.ID {
				t.Fatalf("the short URL key names %q", got)
			}
			// As an earlier version wrote them.
			akey := k.article(a.ID)
			db.client.HDel(ctx, k.urls(), indexKey(url))
			db.client.HDel(ctx, k.hashes(), indexKey(a.ContentHash))
			db.client.HSet(ctx, k.urls(), url, a.ID)
			db.client.HSet(ctx, k.hashes(), a.ContentHash, a.ID)
			db.client.HSet(ctx, akey, "url", url, "hash", a.ContentHash)

			byURL := compactRequest("g1")
			byURL.Article.ID, byURL.Article.Slug, byURL.Article.ContentHash = "00112233445566aa", "other", "cd"
			if got, created, err := db.AddArticle(ctx, byURL); err != nil || created || got.ID != a.ID {
				t.Errorf("same URL: %v, %v, %v", got.ID, created, err)
			}
			byText := compactRequest("g1")
			byText.Article.ID, byText.Article.Slug, byText.Article.SourceURL = "00112233445566bb", "third", "https://other.example/x"
			if got, created, err := db.AddArticle(ctx, byText); err != nil || created || got.ID != a.ID {
				t.Errorf("same text: %v, %v, %v", got.ID, created, err)
			}
			// A replacement that keeps URL and text is itself, not a duplicate.
			if _, err := db.ReplaceArticle(ctx, req); err != nil {
				t.Fatalf("replace: %v", err)
			}
			if ok, _ := db.client.HExists(ctx, k.urls(), url).Result(); ok {
				t.Error("the old URL entry survived the replacement")
			}
			if _, err := db.RemoveArticle(ctx, "g1", a.Slug); err != nil {
				t.Fatal(err)
			}
			for _, key := range []string{k.urls(), k.hashes()} {
				if n, _ := db.client.HLen(ctx, key).Result(); n != 0 {
					t.Errorf("%s holds %d after the removal", key, n)
				}
			}
			if _, err := db.ArticleBySlug(ctx, "g1", a.Slug); briefs.ErrorCode(err) != briefs.ENOTFOUND {
				t.Errorf("removed article: %v", err)
			}
		})
	}
}
