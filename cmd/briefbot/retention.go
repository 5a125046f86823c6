package main

import (
	"context"
	"time"

	"briefbot/store"
)

// retentionEvery is how often the running bot removes articles older than
// ARTICLE_RETENTION.
const retentionEvery = time.Hour

// retentionSweeper removes, at start and then every retentionEvery until
// ctx ends, the articles added more than env.cfg.ArticleRetention before
// now(). Several instances may sweep at once: a removal is one atomic
// script, and removing what another removed does nothing. With retention 0
// it returns at once.
func retentionSweeper(env *environment, db *store.DB, now func() time.Time) func(context.Context) error {
	return func(ctx context.Context) error {
		keep := env.cfg.ArticleRetention
		if keep <= 0 {
			return nil
		}
		t := time.NewTicker(retentionEvery)
		defer t.Stop()
		for {
			removeOldArticles(ctx, env, db, now())
			select {
			case <-ctx.Done():
				return nil
			case <-t.C:
			}
		}
	}
}

// removeOldArticles is one pass of the sweeper: it removes the articles
// added more than ARTICLE_RETENTION before now and logs what it did.
func removeOldArticles(ctx context.Context, env *environment, db *store.DB, now time.Time) {
	keep := env.cfg.ArticleRetention
	n, err := db.RemoveOlderThan(ctx, now.Add(-keep))
	switch {
	case err != nil && ctx.Err() != nil: // shutting down
	case err != nil:
		env.log.Warn("removing old articles failed; will try again", "err", err, "retention", keep)
	case n > 0:
		env.log.Info("removed old articles", "count", n, "retention", keep)
	}
}
