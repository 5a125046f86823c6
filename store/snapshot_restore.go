package store

import (
	"context"
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/redis/go-redis/v9"

	"briefbot/briefs"
)

// Restore: a snapshot (see snapshot.go) written back under the prefix.

// RestoreOptions changes how Restore treats data already under the prefix.
type RestoreOptions struct {
	// Replace deletes every key under the prefix that the snapshot does not
	// hold, in the same atomic step that writes the snapshot's keys. Without
	// it, Restore refuses a store that holds any key under the prefix:
	// merging a snapshot into other data leaves articles half indexed.
	Replace bool
}

// Restore reads a snapshot from r and writes its keys under the prefix,
// typed and with their TTLs (counted from now). The whole snapshot is read
// and checked first, so a malformed one changes nothing. A store that already
// holds keys under the prefix is refused (ECONFLICT) unless opts.Replace is
// set; then the old keys are deleted and the snapshot's written in one
// MULTI/EXEC, so readers see the old data or the new, never a mix. On a
// Redis Cluster that step is one transaction per hash slot: every key of a
// guild shares its slot, so each guild switches at once, but two guilds (and
// the global digest keys) may switch a moment apart. Keys written by another
// process while the restore runs may survive it: stop the bot first. It
// returns the number of keys written. Errors: EINVALID (not a valid
// snapshot), ECONFLICT (data under the prefix and no Replace), EUNAVAILABLE.
func (db *DB) Restore(ctx context.Context, r io.Reader, opts RestoreOptions) (int, error) {
	keys, _, err := decodeSnapshot(r)
	if err != nil {
		return 0, fmt.Errorf("restore: %w", briefs.Errorf(briefs.EINVALID, "not a valid briefbot snapshot: %v", err))
	}
	var n int
	err = db.write(func() (changed bool, err error) {
		n, changed, err = db.restoreKeys(ctx, keys, opts)
		return changed, err
	})
	return n, err
}

// restoreKeys is Restore once the snapshot is read, within a write; it
// reports whether it wrote anything.
func (db *DB) restoreKeys(ctx context.Context, keys []keyData, opts RestoreOptions) (n int, changed bool, err error) {
	old, err := db.scanKeys(ctx, "*")
	if err != nil {
		return 0, false, db.fail("restore", err)
	}
	// The schema key goes with the old data (it is not in the snapshot), so
	// that the upgrade below looks at what was restored.
	if data := db.withoutSchemaKey(slices.Clone(old)); len(data) > 0 && !opts.Replace {
		return 0, false, fmt.Errorf("restore: %w", briefs.Errorf(briefs.ECONFLICT,
			"the store already holds %d keys under the prefix %q; restore onto an empty store, or pass --replace to replace all of them with the snapshot",
			len(data), db.prefix))
	}
	keep := make(map[string]bool, len(keys))
	for _, kd := range keys {
		keep[db.prefix+kd.key] = true
	}
	var stale []string
	for _, k := range old {
		if !keep[k] {
			stale = append(stale, k)
		}
	}
	if len(stale) == 0 && len(keys) == 0 {
		return 0, false, nil
	}
	err = db.replaceKeys(ctx, stale, keys)
	if err == nil {
		_, err = db.upgradeData(ctx)
	}
	if err != nil {
		return 0, true, db.fail("restore", err)
	}
	return len(keys), true, nil
}

// replaceKeys deletes the keys stale (full names) and writes keys under the
// prefix in one MULTI/EXEC, or on a Cluster in one MULTI/EXEC per hash tag
// (a transaction cannot span slots; keys that share a tag share a slot).
func (db *DB) replaceKeys(ctx context.Context, stale []string, keys []keyData) error {
	if _, ok := db.client.(*redis.ClusterClient); !ok {
		_, err := db.client.TxPipelined(ctx, func(p redis.Pipeliner) error {
			for _, k := range stale {
				p.Del(ctx, k)
			}
			db.queueKeys(ctx, p, keys)
			return nil
		})
		return err
	}
	type group struct {
		stale []string
		keys  []keyData
	}
	groups := map[string]*group{}
	var order []string
	get := func(full string) *group {
		t := hashTag(full)
		g, ok := groups[t]
		if !ok {
			g = &group{}
			groups[t] = g
			order = append(order, t)
		}
		return g
	}
	for _, k := range stale {
		g := get(k)
		g.stale = append(g.stale, k)
	}
	for _, kd := range keys {
		g := get(db.prefix + kd.key)
		g.keys = append(g.keys, kd)
	}
	for _, t := range order {
		g := groups[t]
		_, err := db.client.TxPipelined(ctx, func(p redis.Pipeliner) error {
			for _, k := range g.stale {
				p.Del(ctx, k)
			}
			db.queueKeys(ctx, p, g.keys)
			return nil
		})
		if err != nil {
			return err
		}
	}
	return nil
}

// hashTag is the part of key a Redis Cluster hashes: the text between the
// first "{" and the next "}" when it is not empty, else the whole key.
func hashTag(key string) string {
	if s := strings.IndexByte(key, '{'); s >= 0 {
		if e := strings.IndexByte(key[s+1:], '}'); e > 0 {
			return key[s+1 : s+1+e]
		}
	}
	return key
}

// writeKeys writes keys under the prefix in MULTI/EXEC batches, each key
// replacing any key of the same name.
func (db *DB) writeKeys(ctx context.Context, keys []keyData) (int, error) {
	n := 0
	for batch := range slices.Chunk(keys, restoreBatch) {
		_, err := db.client.TxPipelined(ctx, func(p redis.Pipeliner) error {
			db.queueKeys(ctx, p, batch)
			return nil
		})
		if err != nil {
			return n, err
		}
		n += len(batch)
	}
	return n, nil
}

// queueKeys queues the commands that write keys under the prefix, each
// replacing any key of the same name.
func (db *DB) queueKeys(ctx context.Context, p redis.Pipeliner, keys []keyData) {
	for _, kd := range keys {
		k := db.prefix + kd.key
		p.Del(ctx, k)
		codecs[kd.typ].write(ctx, p, k, kd)
		if kd.ttl > 0 {
			p.PExpire(ctx, k, kd.ttl)
		}
	}
}

func toAny(ss []string) []any {
	out := make([]any, len(ss))
	for i, s := range ss {
		out[i] = s
	}
	return out
}
