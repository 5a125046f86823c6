package store

import (
	"context"
	"strings"
	"time"
)

// expireBatch is how many articles one expire script removes: a sweep
// through a large backlog is many short scripts, never one that blocks
// Redis.
const expireBatch = 100

// RemoveOlderThan removes, in every guild, the articles added before cutoff,
// with their cached briefs and index entries (ARTICLE_RETENTION), a batch at
// a time, and returns how many it removed. It stops early, with what it
// removed so far, when ctx ends. Errors: EUNAVAILABLE.
func (db *DB) RemoveOlderThan(ctx context.Context, cutoff time.Time) (int, error) {
	bases, err := db.guildBases(ctx)
	if err != nil {
		return 0, db.fail("remove old articles", err)
	}
	removed := 0
	for _, base := range bases {
		k := guildKeys{base: base}
		for ctx.Err() == nil {
			n, err := db.expireBatch(ctx, k, cutoff)
			if err != nil {
				return removed, db.fail("remove old articles", err)
			}
			removed += n
			if n < expireBatch {
				break
			}
		}
	}
	return removed, nil
}

// expireBatch runs one expire script: a snapshot of the embedded store
// waits for one batch, not for a whole sweep.
func (db *DB) expireBatch(ctx context.Context, k guildKeys, cutoff time.Time) (n int, err error) {
	err = db.write(func() (bool, error) {
		n, err = expireScript.Run(ctx, db.client, k.indexKeys(), k.base, cutoff.UnixMilli(), expireBatch).Int()
		return n > 0, err
	})
	return n, err
}

// guildBases lists the key base of every guild that holds articles, found
// by SCAN (incremental: it never blocks Redis) on their recency indexes.
func (db *DB) guildBases(ctx context.Context) ([]string, error) {
	recents, err := db.scanKeys(ctx, "g:{*}:recent")
	if err != nil {
		return nil, err
	}
	bases := make([]string, 0, len(recents))
	for _, recent := range recents {
		if base, ok := strings.CutSuffix(recent, "recent"); ok && strings.HasPrefix(base, db.prefix+"g:{") {
			bases = append(bases, base)
		}
	}
	return bases, nil
}
