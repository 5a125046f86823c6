package main

import (
	"context"
	"io"
	"log/slog"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"briefbot/briefs"
	"briefbot/store/storetest"
)

func TestArticleRetentionConfig(t *testing.T) {
	for _, c := range []struct {
		value string
		want  time.Duration
		bad   bool
	}{
		{"", 720 * time.Hour, false},
		{"0", 0, false},
		{"48h", 48 * time.Hour, false},
		{"30d", 0, true},
		{"-1h", 0, true},
	} {
		cfg, err := loadConfig(func(k string) string {
			if k == "ARTICLE_RETENTION" {
				return c.value
			}
			return ""
		})
		if c.bad {
			if err == nil || !strings.Contains(err.Error(), "ARTICLE_RETENTION") {
				t.Errorf("%q: err = %v, want one naming ARTICLE_RETENTION", c.value, err)
			}
			continue
		}
		if err != nil || cfg.ArticleRetention != c.want {
			t.Errorf("%q: %s, %v; want %s", c.value, cfg.ArticleRetention, err, c.want)
		}
	}
}

// A pass of the sweeper removes the articles added longer ago
// than ARTICLE_RETENTION and keeps the others; with 0 it removes nothing.
func TestRetentionSweeper(t *testing.T) {
	for _, keep := range []time.Duration{0, 30 * 24 * time.Hour} {
		db := storetest.OpenEmbedded(t, filepath.Join(t.TempDir(), "data.json"))
		ctx := context.Background()
		added := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
		for _, slug := range []string{"old-story", "new-story"} {
			req := briefs.AddRequest{
				Article: briefs.Article{ID: slug, GuildID: "g", Slug: slug, Title: slug, Text: slug + " text.", AddedAt: added},
				Terms:   briefs.Terms(slug),
			}
			if _, _, err := db.AddArticle(ctx, req); err != nil {
				t.Fatal(err)
			}
			added = added.Add(20 * 24 * time.Hour)
		}
		var logs strings.Builder
		env := &environment{cfg: Config{ArticleRetention: keep}, log: slog.New(slog.NewTextHandler(&logs, nil)), stderr: io.Discard}
		now := time.Date(2026, 2, 5, 0, 0, 0, 0, time.UTC) // old: 35 days, new: 15
		if keep == 0 {
			// The sweeper has nothing to do and returns at once.
			if err := retentionSweeper(env, db, func() time.Time { return now })(ctx); err != nil {
				t.Fatal(err)
			}
		} else {
			removeOldArticles(ctx, env, db, now)
		}
		_, errOld := db.ArticleBySlug(ctx, "g", "old-story")
		_, errNew := db.ArticleBySlug(ctx, "g", "new-story")
		if errNew != nil {
			t.Errorf("retention %s removed the new article: %v", keep, errNew)
		}
		if (keep == 0) != (errOld == nil) {
			t.Errorf("retention %s: old article lookup gave %v", keep, errOld)
		}
		if keep != 0 && !strings.Contains(logs.String(), "count=1") {
			t.Errorf("no log line of the removal: %s", logs.String())
		}
	}
}
