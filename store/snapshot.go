package store

import (
	"bufio"
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/redis/go-redis/v9"

	"briefbot/briefs"
)

// The snapshot format, shared by the embedded data file and
// `briefbot backup` / `briefbot restore`:
//
//	{"format":"briefbot-snapshot","version":1,"prefix":"briefbot:",
//	 "saved_at":"2025-01-02T15:04:05.123Z",
//	 "keys":[
//	  {"key":"g:{1}:slugs","type":"hash","ttl_ms":0,"value":{"putin-kim":"ab12"}},
//	  ...]}
//
// Keys are relative to the prefix, so a snapshot can be restored under
// another prefix. type is string, hash, set, zset or list; value is a JSON
// string, an object of strings, an array of strings, an array of
// {"member":..,"score":..} (score a number, or "inf"/"-inf") or an array of
// strings. ttl_ms is the remaining time to live (0 = none). When a key or a
// value is not valid UTF-8, the entry has "encoding":"base64" and the key and
// every string of its value are base64 (standard encoding).
//
// saved_at is when the snapshot was taken. Loading the embedded data file
// counts the time since then against the TTLs (as Redis does with its own
// dump file); Restore starts the TTLs afresh (as Redis RESTORE does).
const (
	snapshotFormat  = "briefbot-snapshot"
	snapshotVersion = 1
)

// scanBatch is how many keys one SCAN step and one pipelined read handle;
// restoreBatch is how many keys one MULTI/EXEC restores.
const (
	scanBatch    = 500
	restoreBatch = 100
)

// maxTTLms is the longest TTL a snapshot may hold, in milliseconds: the
// longest time.Duration. A longer one would overflow on the way to PEXPIRE.
const maxTTLms = math.MaxInt64 / int64(time.Millisecond)

type snapshotHeader struct {
	Format  string          `json:"format"`
	Version int             `json:"version"`
	Prefix  string          `json:"prefix"`
	SavedAt time.Time       `json:"saved_at,omitzero"`
	Keys    json.RawMessage `json:"keys"`
}

type snapEntry struct {
	Key      string          `json:"key"`
	Type     string          `json:"type"`
	TTLms    int64           `json:"ttl_ms"`
	Encoding string          `json:"encoding,omitempty"`
	Value    json.RawMessage `json:"value"`
}

type zmember struct {
	Member *string `json:"member"`
	Score  score   `json:"score"`
}

// score is a sorted-set score; JSON has no infinities, so they are written
// as the strings "inf" and "-inf".
type score float64

func (s score) MarshalJSON() ([]byte, error) {
	switch {
	case math.IsInf(float64(s), 1):
		return []byte(`"inf"`), nil
	case math.IsInf(float64(s), -1):
		return []byte(`"-inf"`), nil
	}
	return strconv.AppendFloat(nil, float64(s), 'g', -1, 64), nil
}

func (s *score) UnmarshalJSON(b []byte) error {
	if len(b) > 0 && b[0] == '"' {
		var str string
		if err := json.Unmarshal(b, &str); err != nil {
			return err
		}
		switch strings.ToLower(str) {
		case "inf", "+inf":
			*s = score(math.Inf(1))
		case "-inf":
			*s = score(math.Inf(-1))
		default:
			return fmt.Errorf("score %q is not a number", str)
		}
		return nil
	}
	var f float64
	if err := json.Unmarshal(b, &f); err != nil {
		return fmt.Errorf("score %s is not a number", b)
	}
	*s = score(f)
	return nil
}

// keyData is one validated key of a snapshot, ready to write.
type keyData struct {
	key     string // relative to the prefix
	typ     string
	ttl     time.Duration
	str     string
	pairs   []string // hash: field, value, field, value...
	members []string // set and list
	zs      []redis.Z
}

// ---------------------------------------------------------------------------
// Backup

// Backup writes every key under the prefix to w as a snapshot (see the
// format above), typed and with its remaining TTL, and returns the number of
// keys written. Against an external Redis it walks the keys with SCAN, so
// writes made during the backup may or may not be in it; the embedded store
// pauses its writers for a consistent snapshot. Errors: EUNAVAILABLE.
func (db *DB) Backup(ctx context.Context, w io.Writer) (int, error) {
	if db.emb == nil {
		return db.backup(ctx, w)
	}
	var buf bytes.Buffer
	db.emb.snapMu.Lock()
	n, err := db.backup(ctx, &buf)
	db.emb.snapMu.Unlock()
	if err != nil {
		return 0, err
	}
	if _, err := buf.WriteTo(w); err != nil {
		return 0, fmt.Errorf("backup: write: %w", err)
	}
	return n, nil
}

func (db *DB) backup(ctx context.Context, w io.Writer) (int, error) {
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
		entries, err := db.readKeys(ctx, batch)
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
// trips. Keys that vanished meanwhile (expired) are left out.
func (db *DB) readKeys(ctx context.Context, keys []string) ([]snapEntry, error) {
	types := make([]*redis.StatusCmd, len(keys))
	ttls := make([]*redis.Cmd, len(keys)) // PTTL as a number: a DurationCmd overflows past 292 years
	_, err := db.client.Pipelined(ctx, func(p redis.Pipeliner) error {
		for i, k := range keys {
			types[i] = p.Type(ctx, k)
			ttls[i] = p.Do(ctx, "pttl", k)
		}
		return nil
	})
	if err != nil {
		return nil, db.fail("backup", err)
	}
	vals := make([]redis.Cmder, len(keys))
	_, err = db.client.Pipelined(ctx, func(p redis.Pipeliner) error {
		for i, k := range keys {
			switch t := types[i].Val(); t {
			case "string":
				vals[i] = p.Get(ctx, k)
			case "hash":
				vals[i] = p.HGetAll(ctx, k)
			case "set":
				vals[i] = p.SMembers(ctx, k)
			case "zset":
				vals[i] = p.ZRangeWithScores(ctx, k, 0, -1)
			case "list":
				vals[i] = p.LRange(ctx, k, 0, -1)
			case "none":
			default:
				return briefs.Errorf(briefs.EINVALID, "cannot back up key %q: type %s is not supported", k, t)
			}
		}
		return nil
	})
	if err != nil && !errors.Is(err, redis.Nil) {
		return nil, db.fail("backup", err)
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
		var v any
		switch c := vals[i].(type) {
		case *redis.StringCmd:
			if errors.Is(c.Err(), redis.Nil) {
				continue
			}
			v = c.Val()
		case *redis.MapStringStringCmd:
			v = c.Val()
		case *redis.StringSliceCmd:
			ms := c.Val()
			if types[i].Val() == "set" {
				slices.Sort(ms)
			}
			v = ms
		case *redis.ZSliceCmd:
			v = c.Val()
		}
		e, ok, err := encodeEntry(strings.TrimPrefix(k, db.prefix), types[i].Val(), ttl, v)
		if err != nil {
			return nil, fmt.Errorf("backup: encode %q: %w", k, err)
		}
		if ok {
			entries = append(entries, e)
		}
	}
	return entries, nil
}

// encodeEntry makes the snapshot entry of one key; v is a string,
// map[string]string, []string or []redis.Z. ok is false for an empty
// collection (the key is gone). When any string is not UTF-8, the entry is
// base64-encoded throughout.
func encodeEntry(rel, typ string, ttl int64, v any) (e snapEntry, ok bool, err error) {
	valid := utf8.ValidString(rel)
	switch x := v.(type) {
	case string:
		valid = valid && utf8.ValidString(x)
	case map[string]string:
		if len(x) == 0 {
			return e, false, nil
		}
		for f, s := range x {
			valid = valid && utf8.ValidString(f) && utf8.ValidString(s)
		}
	case []string:
		if len(x) == 0 {
			return e, false, nil
		}
		for _, s := range x {
			valid = valid && utf8.ValidString(s)
		}
	case []redis.Z:
		if len(x) == 0 {
			return e, false, nil
		}
		for _, z := range x {
			m, _ := z.Member.(string)
			valid = valid && utf8.ValidString(m)
		}
	default:
		return e, false, fmt.Errorf("unexpected value %T", v)
	}
	enc := func(s string) string { return s }
	e = snapEntry{Type: typ, TTLms: ttl}
	if !valid {
		e.Encoding = "base64"
		enc = func(s string) string { return base64.StdEncoding.EncodeToString([]byte(s)) }
	}
	e.Key = enc(rel)
	var out any
	switch x := v.(type) {
	case string:
		out = enc(x)
	case map[string]string:
		m := make(map[string]string, len(x))
		for f, s := range x {
			m[enc(f)] = enc(s)
		}
		out = m
	case []string:
		ms := make([]string, len(x))
		for i, s := range x {
			ms[i] = enc(s)
		}
		out = ms
	case []redis.Z:
		zs := make([]zmember, len(x))
		for i, z := range x {
			m, _ := z.Member.(string)
			m = enc(m)
			zs[i] = zmember{Member: &m, Score: score(z.Score)}
		}
		out = zs
	}
	e.Value, err = json.Marshal(out)
	return e, true, err
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

// ---------------------------------------------------------------------------
// Restore

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

// decodeSnapshot reads and checks a whole snapshot.
func decodeSnapshot(r io.Reader) ([]keyData, time.Time, error) {
	dec := json.NewDecoder(r)
	var h snapshotHeader
	if err := dec.Decode(&h); err != nil {
		return nil, time.Time{}, jsonProblem(err)
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, time.Time{}, errors.New("unexpected data after the snapshot")
	}
	if h.Format != snapshotFormat {
		return nil, time.Time{}, fmt.Errorf("format is %q, want %q", h.Format, snapshotFormat)
	}
	if h.Version != snapshotVersion {
		return nil, time.Time{}, fmt.Errorf("version %d is not supported (this briefbot reads version %d)", h.Version, snapshotVersion)
	}
	if len(h.Keys) == 0 || string(h.Keys) == "null" {
		return nil, time.Time{}, errors.New(`no "keys" list`)
	}
	var entries []snapEntry
	if err := json.Unmarshal(h.Keys, &entries); err != nil {
		return nil, time.Time{}, fmt.Errorf(`"keys": %w`, jsonProblem(err))
	}
	keys := make([]keyData, 0, len(entries))
	seen := make(map[string]bool, len(entries))
	for i, e := range entries {
		kd, err := decodeEntry(e)
		if err != nil {
			return nil, time.Time{}, fmt.Errorf("key %d (%q): %w", i+1, e.Key, err)
		}
		if seen[kd.key] {
			return nil, time.Time{}, fmt.Errorf("key %d (%q) appears twice", i+1, e.Key)
		}
		seen[kd.key] = true
		keys = append(keys, kd)
	}
	return keys, h.SavedAt, nil
}

func jsonProblem(err error) error {
	var se *json.SyntaxError
	if errors.As(err, &se) {
		return fmt.Errorf("bad JSON at byte %d: %v", se.Offset, err)
	}
	var te *json.UnmarshalTypeError
	if errors.As(err, &te) {
		return fmt.Errorf("bad JSON at byte %d: %s where %s was expected", te.Offset, te.Value, te.Type)
	}
	if errors.Is(err, io.EOF) {
		return errors.New("empty input")
	}
	if errors.Is(err, io.ErrUnexpectedEOF) {
		return errors.New("the JSON ends early (truncated?)")
	}
	return err
}

func decodeEntry(e snapEntry) (keyData, error) {
	dec := func(s string) (string, error) { return s, nil }
	switch e.Encoding {
	case "":
	case "base64":
		dec = func(s string) (string, error) {
			b, err := base64.StdEncoding.DecodeString(s)
			return string(b), err
		}
	default:
		return keyData{}, fmt.Errorf("unknown encoding %q", e.Encoding)
	}
	key, err := dec(e.Key)
	if err != nil {
		return keyData{}, fmt.Errorf("key: %w", err)
	}
	if key == "" {
		return keyData{}, errors.New("empty key")
	}
	if e.TTLms < 0 {
		return keyData{}, fmt.Errorf("negative ttl_ms %d", e.TTLms)
	}
	if e.TTLms > maxTTLms {
		return keyData{}, fmt.Errorf("ttl_ms %d is too large (at most %d, about 292 years)", e.TTLms, int64(maxTTLms))
	}
	kd := keyData{key: key, typ: e.Type, ttl: time.Duration(e.TTLms) * time.Millisecond}
	if len(e.Value) == 0 || string(e.Value) == "null" {
		return keyData{}, errors.New("no value")
	}
	decAll := func(ss []string) error {
		for i := range ss {
			if ss[i], err = dec(ss[i]); err != nil {
				return err
			}
		}
		return nil
	}
	switch e.Type {
	case "string":
		if err := json.Unmarshal(e.Value, &kd.str); err != nil {
			return keyData{}, errors.New("a string value must be a JSON string")
		}
		if kd.str, err = dec(kd.str); err != nil {
			return keyData{}, err
		}
	case "hash":
		var m map[string]string
		if err := json.Unmarshal(e.Value, &m); err != nil {
			return keyData{}, errors.New("a hash value must be an object of strings")
		}
		fields := make([]string, 0, len(m))
		for f := range m {
			fields = append(fields, f)
		}
		slices.Sort(fields)
		for _, f := range fields {
			kd.pairs = append(kd.pairs, f, m[f])
		}
		if err := decAll(kd.pairs); err != nil {
			return keyData{}, err
		}
	case "set", "list":
		if err := json.Unmarshal(e.Value, &kd.members); err != nil {
			return keyData{}, fmt.Errorf("a %s value must be an array of strings", e.Type)
		}
		if err := decAll(kd.members); err != nil {
			return keyData{}, err
		}
	case "zset":
		var zs []zmember
		if err := json.Unmarshal(e.Value, &zs); err != nil {
			return keyData{}, fmt.Errorf(`a zset value must be an array of {"member":..,"score":..}: %v`, err)
		}
		for _, z := range zs {
			if z.Member == nil {
				return keyData{}, errors.New("a zset entry has no member")
			}
			m, err := dec(*z.Member)
			if err != nil {
				return keyData{}, err
			}
			if math.IsNaN(float64(z.Score)) {
				return keyData{}, errors.New("a zset score is not a number")
			}
			kd.zs = append(kd.zs, redis.Z{Member: m, Score: float64(z.Score)})
		}
	default:
		return keyData{}, fmt.Errorf("unknown type %q", e.Type)
	}
	return kd, nil
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
		switch kd.typ {
		case "string":
			p.Set(ctx, k, kd.str, 0)
		case "hash":
			if len(kd.pairs) > 0 {
				p.HSet(ctx, k, toAny(kd.pairs)...)
			}
		case "set":
			if len(kd.members) > 0 {
				p.SAdd(ctx, k, toAny(kd.members)...)
			}
		case "list":
			if len(kd.members) > 0 {
				p.RPush(ctx, k, toAny(kd.members)...)
			}
		case "zset":
			if len(kd.zs) > 0 {
				p.ZAdd(ctx, k, kd.zs...)
			}
		}
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
