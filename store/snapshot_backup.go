package store

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/redis/go-redis/v9"

	"briefbot/briefs"
)

// Backup: the store's keys written as a snapshot (see snapshot.go).

// Backup writes every key under the prefix to w as a snapshot (see the
// format in snapshot.go), typed and with its remaining TTL, and returns the
// number of keys written. Against an external Redis it walks the keys with SCAN, so
// writes made during the backup may or may not be in it; the embedded store
// pauses its writers for a consistent snapshot. Errors: EUNAVAILABLE.
func (db *DB) Backup(ctx context.Context, w io.Writer) (int, error) {
	if db.emb == nil {
		return db.backup(ctx, w, true)
	}
	var buf bytes.Buffer
	db.emb.snapMu.Lock()
	n, err := db.backup(ctx, &buf, true)
	db.emb.snapMu.Unlock()
	if err != nil {
		return 0, err
	}
	if _, err := buf.WriteTo(w); err != nil {
		return 0, fmt.Errorf("backup: write: %w", err)
	}
	return n, nil
}

// backup writes the snapshot; expand writes the values the store keeps
// compressed as their JSON (a backup reads like one of the old layout, and
// any briefbot restores it), else as they are (the embedded data file,
// which only this code reads, stays small).
func (db *DB) backup(ctx context.Context, w io.Writer, expand bool) (int, error) {
	keys, err := db.scanKeys(ctx, "*")
	if err != nil {
		return 0, db.fail("backup", err)
	}
	keys = db.withoutSchemaKey(keys)
	bw := bufio.NewWriter(w)
	head, err := json.Marshal(db.prefix)
	if err != nil {
		return 0, fmt.Errorf("backup: %w", err)
	}
	fmt.Fprintf(bw, `{"format":%q,"version":%d,"prefix":%s,"saved_at":"%s","keys":[`,
		snapshotFormat, snapshotVersion, head, time.Now().UTC().Format(time.RFC3339Nano))
	n := 0
	for batch := range slices.Chunk(keys, scanBatch) {
		entries, err := db.readKeys(ctx, batch, expand)
		if err != nil {
			return 0, err
		}
		for _, e := range entries {
			line, err := json.Marshal(e)
			if err != nil {
				return 0, fmt.Errorf("backup: encode %q: %w", e.Key, err)
			}
			if n > 0 {
				bw.WriteByte(',')
			}
			bw.WriteByte('\n')
			bw.Write(line)
			n++
		}
	}
	bw.WriteString("\n]}\n")
	if err := bw.Flush(); err != nil {
		return 0, fmt.Errorf("backup: write: %w", err)
	}
	return n, nil
}

// scanKeys lists the keys under the prefix that match the glob pattern
// (after the prefix), sorted, with SCAN (on every master of a cluster).
func (db *DB) scanKeys(ctx context.Context, pattern string) ([]string, error) {
	pattern = escapeGlob(db.prefix) + pattern
	var mu sync.Mutex
	seen := map[string]bool{}
	scan := func(ctx context.Context, c redis.Cmdable) error {
		iter := c.Scan(ctx, 0, pattern, scanBatch).Iterator()
		for iter.Next(ctx) {
			mu.Lock()
			seen[iter.Val()] = true
			mu.Unlock()
		}
		return iter.Err()
	}
	var err error
	if cc, ok := db.client.(*redis.ClusterClient); ok {
		err = cc.ForEachMaster(ctx, func(ctx context.Context, c *redis.Client) error { return scan(ctx, c) })
	} else {
		err = scan(ctx, db.client)
	}
	if err != nil {
		return nil, err
	}
	keys := make([]string, 0, len(seen))
	for k := range seen {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys, nil
}

// readKeys reads the type, TTL and value of keys in two pipelined round
// trips and makes their entries. Keys that vanished meanwhile (expired) are
// left out.
func (db *DB) readKeys(ctx context.Context, keys []string, expand bool) ([]snapEntry, error) {
	types, ttls, err := db.readTypes(ctx, keys)
	if err != nil {
		return nil, err
	}
	vals, err := db.readValues(ctx, keys, types)
	if err != nil {
		return nil, err
	}
	entries := make([]snapEntry, 0, len(keys))
	for i, k := range keys {
		pttl, _ := ttls[i].Int64()
		if vals[i] == nil || pttl == -2 {
			continue
		}
		var ttl int64
		if pttl > 0 {
			ttl = min(pttl, maxTTLms) // a longer one could not be restored
		}
		e, ok, err := encodeEntry(strings.TrimPrefix(k, db.prefix), types[i], ttl, vals[i], expand)
		if err != nil {
			return nil, fmt.Errorf("backup: encode %q: %w", k, err)
		}
		if ok {
			entries = append(entries, e)
		}
	}
	return entries, nil
}

// readTypes reads the type and the TTL of keys in one pipelined round trip.
// The TTLs are PTTL as a number: a DurationCmd overflows past 292 years.
func (db *DB) readTypes(ctx context.Context, keys []string) ([]string, []*redis.Cmd, error) {
	types := make([]*redis.StatusCmd, len(keys))
	ttls := make([]*redis.Cmd, len(keys))
	_, err := db.client.Pipelined(ctx, func(p redis.Pipeliner) error {
		for i, k := range keys {
			types[i] = p.Type(ctx, k)
			ttls[i] = p.Do(ctx, "pttl", k)
		}
		return nil
	})
	if err != nil {
		return nil, nil, db.fail("backup", err)
	}
	names := make([]string, len(keys))
	for i, t := range types {
		names[i] = t.Val()
	}
	return names, ttls, nil
}

// readValues reads the value of each key of the type types gives, in one
// pipelined round trip, with its type's codec; a key of type none (gone)
// has no command. Errors: EINVALID (a type no codec handles).
func (db *DB) readValues(ctx context.Context, keys, types []string) ([]redis.Cmder, error) {
	vals := make([]redis.Cmder, len(keys))
	_, err := db.client.Pipelined(ctx, func(p redis.Pipeliner) error {
		for i, k := range keys {
			if types[i] == "none" {
				continue
			}
			codec, ok := codecs[types[i]]
			if !ok {
				return briefs.Errorf(briefs.EINVALID, "cannot back up key %q: type %s is not supported", k, types[i])
			}
			vals[i] = codec.read(ctx, p, k)
		}
		return nil
	})
	if err != nil && !errors.Is(err, redis.Nil) {
		return nil, db.fail("backup", err)
	}
	return vals, nil
}

// escapeGlob quotes the characters SCAN MATCH treats as a pattern.
func escapeGlob(s string) string {
	var b strings.Builder
	for _, r := range s {
		switch r {
		case '*', '?', '[', ']', '\\':
			b.WriteByte('\\')
		}
		b.WriteRune(r)
	}
	return b.String()
}
