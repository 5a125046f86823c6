package store_test

import (
	"bytes"
	"context"
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"briefbot/briefs"
	"briefbot/store"
	"briefbot/store/storetest"
)

// snapshotKeys parses a backup into key -> entry.
type snapKey struct {
	Key      string          `json:"key"`
	Type     string          `json:"type"`
	TTLms    int64           `json:"ttl_ms"`
	Encoding string          `json:"encoding"`
	Value    json.RawMessage `json:"value"`
}

func parseBackup(t *testing.T, b []byte) (prefix string, keys map[string]snapKey) {
	t.Helper()
	var snap struct {
		Format  string    `json:"format"`
		Version int       `json:"version"`
		Prefix  string    `json:"prefix"`
		Keys    []snapKey `json:"keys"`
	}
	if err := json.Unmarshal(b, &snap); err != nil {
		t.Fatalf("backup is not JSON: %v\n%s", err, b)
	}
	if snap.Format != "briefbot-snapshot" || snap.Version != 1 {
		t.Errorf("header: %q %d", snap.Format, snap.Version)
	}
	keys = map[string]snapKey{}
	for _, k := range snap.Keys {
		keys[k.Key] = k
	}
	return snap.Prefix, keys
}

func backup(t *testing.T, db *store.DB) []byte {
	t.Helper()
	var buf bytes.Buffer
	if _, err := db.Backup(context.Background(), &buf); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// populate fills db through the Storage API: two guilds, briefs with and
// without TTL, a second summarizer version.
func populate(t *testing.T, db *store.DB) {
	ctx := context.Background()
	r := addReq("g1", "putin-kim", "Putin meets Kim", "Putin met Kim.", "Putin", "Kim")
	r.Article.SourceURL = "https://news.example/a"
	a := mustAdd(t, db, r)
	b := r.Brief
	b.ArticleID, b.GuildID, b.Summarizer = a.ID, "g1", "test/2"
	if err := db.CacheBrief(ctx, b, 0); err != nil {
		t.Fatal(err)
	}
	addAt(t, db, "g1", "zurich-news", "News from Zürich", 5, "Zürich")
	addAt(t, db, "g2", "putin-kim", "Another guild's story", 6, "Putin")
}

// sameReads checks that two stores answer the Storage reads alike.
func sameReads(t *testing.T, src, dst *store.DB) {
	t.Helper()
	ctx := context.Background()
	for _, g := range []string{"g1", "g2"} {
		for _, slug := range []string{"putin-kim", "zurich-news"} {
			a1, err1 := src.ArticleBySlug(ctx, g, slug)
			a2, err2 := dst.ArticleBySlug(ctx, g, slug)
			if !reflect.DeepEqual(a1, a2) || briefs.ErrorCode(err1) != briefs.ErrorCode(err2) {
				t.Errorf("ArticleBySlug(%s, %s): %+v %v vs %+v %v", g, slug, a1, err1, a2, err2)
			}
			for _, v := range []string{testVersion, "test/2"} {
				b1, ok1, _ := src.CachedBrief(ctx, g, slug, v)
				b2, ok2, _ := dst.CachedBrief(ctx, g, slug, v)
				if !reflect.DeepEqual(b1, b2) || ok1 != ok2 {
					t.Errorf("CachedBrief(%s, %s, %s): %v vs %v", g, slug, v, ok1, ok2)
				}
			}
		}
		l1, _ := src.FindByTerms(ctx, g, []string{"putin"}, 10)
		l2, _ := dst.FindByTerms(ctx, g, []string{"putin"}, 10)
		if !reflect.DeepEqual(l1, l2) {
			t.Errorf("FindByTerms(%s): %q vs %q", g, slugsOf(l1), slugsOf(l2))
		}
		s1, _ := src.Suggest(ctx, g, briefs.SuggestQuery{SlugPrefix: ""}, 25)
		s2, _ := dst.Suggest(ctx, g, briefs.SuggestQuery{SlugPrefix: ""}, 25)
		if !reflect.DeepEqual(s1, s2) {
			t.Errorf("Suggest(%s): %q vs %q", g, slugsOf(s1), slugsOf(s2))
		}
		r1, n1, _ := src.Recent(ctx, g, 0, 25)
		r2, n2, _ := dst.Recent(ctx, g, 0, 25)
		if !reflect.DeepEqual(r1, r2) || n1 != n2 {
			t.Errorf("Recent(%s): %q %d vs %q %d", g, slugsOf(r1), n1, slugsOf(r2), n2)
		}
	}
}

func TestBackupRestore(t *testing.T) {
	openOther := func(tb testing.TB) *store.DB {
		db, err := store.Open(context.Background(), store.Config{
			DataFile: filepath.Join(tb.TempDir(), "other.json"),
			Prefix:   "other-prefix:",
		})
		if err != nil {
			tb.Fatal(err)
		}
		tb.Cleanup(func() { db.Close() })
		return db
	}
	pairs := []struct {
		name     string
		src, dst func(testing.TB) *store.DB
	}{{"embedded to embedded with another prefix", backends()[0].open, openOther}}
	if bs := backends(); len(bs) > 1 {
		pairs = append(pairs,
			struct {
				name     string
				src, dst func(testing.TB) *store.DB
			}{"embedded to redis", bs[0].open, bs[1].open},
			struct {
				name     string
				src, dst func(testing.TB) *store.DB
			}{"redis to embedded", bs[1].open, openOther})
	}
	for _, p := range pairs {
		t.Run(p.name, func(t *testing.T) {
			ctx := context.Background()
			src := p.src(t)
			populate(t, src)
			var buf bytes.Buffer
			n, err := src.Backup(ctx, &buf)
			if err != nil {
				t.Fatal(err)
			}
			prefix, keys := parseBackup(t, buf.Bytes())
			if prefix != src.Prefix() || n != len(keys) || n == 0 {
				t.Errorf("backup: prefix %q, n %d, %d keys", prefix, n, len(keys))
			}
			// TTLs: the test/1 briefs expire within the hour, the test/2
			// brief never; nothing else expires.
			for k, e := range keys {
				switch {
				case strings.Contains(k, ":brief:") && strings.HasSuffix(k, ":"+testVersion):
					if e.TTLms <= 0 || e.TTLms > time.Hour.Milliseconds() {
						t.Errorf("%s: ttl_ms %d", k, e.TTLms)
					}
				case e.TTLms != 0:
					t.Errorf("%s: ttl_ms %d, want 0", k, e.TTLms)
				}
			}

			dst := p.dst(t)
			m, err := dst.Restore(ctx, bytes.NewReader(buf.Bytes()), store.RestoreOptions{})
			if err != nil {
				t.Fatal(err)
			}
			if m != n {
				t.Errorf("restored %d keys of %d", m, n)
			}
			sameReads(t, src, dst)

			// The restored store backs up to the same keys, types, values
			// and TTLs (give or take the time passed).
			if _, again := parseBackup(t, backup(t, dst)); !sameKeys(keys, again) {
				t.Errorf("backup after restore differs:\n%v\n%v", keys, again)
			}
			// Restoring again is refused without Replace, idempotent with it.
			if _, err := dst.Restore(ctx, bytes.NewReader(buf.Bytes()), store.RestoreOptions{}); briefs.ErrorCode(err) != briefs.ECONFLICT {
				t.Fatalf("restore onto data: %v, want ECONFLICT", err)
			}
			if _, err := dst.Restore(ctx, bytes.NewReader(buf.Bytes()), store.RestoreOptions{Replace: true}); err != nil {
				t.Fatal(err)
			}
			sameReads(t, src, dst)
		})
	}
}

// TestRestoreTypes restores every type, a binary value and infinite scores,
// and replaces a key of the same name rather than merging into it.
func TestRestoreTypes(t *testing.T) {
	forEachBackend(t, func(t *testing.T, open func(testing.TB) *store.DB) {
		ctx := context.Background()
		db := open(t)
		first := `{"format":"briefbot-snapshot","version":1,"prefix":"x:","keys":[
{"key":"h","type":"hash","ttl_ms":0,"value":{"old":"1","kept":"2"}}]}`
		if _, err := db.Restore(ctx, strings.NewReader(first), store.RestoreOptions{}); err != nil {
			t.Fatal(err)
		}
		snap := `{"format":"briefbot-snapshot","version":1,"prefix":"x:","keys":[
{"key":"s","type":"string","ttl_ms":0,"value":"héllo"},
{"key":"h","type":"hash","ttl_ms":0,"value":{"kept":"3","new":"4"}},
{"key":"set","type":"set","ttl_ms":60000,"value":["b","a"]},
{"key":"z","type":"zset","ttl_ms":0,"value":[{"member":"lo","score":"-inf"},{"member":"mid","score":1.5},{"member":"hi","score":"inf"}]},
{"key":"l","type":"list","ttl_ms":0,"value":["3","1","2"]},
{"key":"YmluAA==","type":"string","ttl_ms":0,"encoding":"base64","value":"/wA="}]}`
		n, err := db.Restore(ctx, strings.NewReader(snap), store.RestoreOptions{Replace: true})
		if err != nil || n != 6 {
			t.Fatalf("Restore = %d, %v", n, err)
		}
		_, keys := parseBackup(t, backup(t, db))
		for k, want := range map[string]string{
			"s":   `"héllo"`,
			"h":   `{"kept":"3","new":"4"}`,
			"set": `["a","b"]`,
			"z":   `[{"member":"lo","score":"-inf"},{"member":"mid","score":1.5},{"member":"hi","score":"inf"}]`,
			"l":   `["3","1","2"]`,
		} {
			if got := string(keys[k].Value); got != want {
				t.Errorf("%s = %s, want %s", k, got, want)
			}
		}
		if e := keys["set"]; e.TTLms <= 0 || e.TTLms > 60000 {
			t.Errorf("set ttl_ms = %d", e.TTLms)
		}
		// "bin\x00" -> "\xff\x00": not UTF-8, so base64.
		if e, ok := keys["YmluAA=="]; !ok || e.Encoding != "base64" || string(e.Value) != `"/wA="` {
			t.Errorf("binary entry = %+v (keys %v)", e, keys)
		}
	})
}

// TestRestoreMalformed: a malformed snapshot is refused whole; nothing is
// written, not even its valid first keys.
func TestRestoreMalformed(t *testing.T) {
	const head = `{"format":"briefbot-snapshot","version":1,"prefix":"briefbot:","keys":[`
	const good = `{"key":"fresh","type":"string","ttl_ms":0,"value":"v"}`
	bad := map[string]string{
		"empty":            ``,
		"not JSON":         `hello`,
		"truncated":        head + good + `,`,
		"array":            `[]`,
		"other format":     `{"format":"redis-dump","version":1,"keys":[]}`,
		"other version":    `{"format":"briefbot-snapshot","version":2,"keys":[]}`,
		"no keys":          `{"format":"briefbot-snapshot","version":1}`,
		"trailing data":    head + good + `]} {}`,
		"unknown type":     head + good + `,{"key":"k","type":"stream","ttl_ms":0,"value":[]}]}`,
		"hash not object":  head + good + `,{"key":"k","type":"hash","ttl_ms":0,"value":["a"]}]}`,
		"hash number":      head + good + `,{"key":"k","type":"hash","ttl_ms":0,"value":{"a":1}}]}`,
		"string number":    head + good + `,{"key":"k","type":"string","ttl_ms":0,"value":1}]}`,
		"zset no member":   head + good + `,{"key":"k","type":"zset","ttl_ms":0,"value":[{"score":1}]}]}`,
		"zset bad score":   head + good + `,{"key":"k","type":"zset","ttl_ms":0,"value":[{"member":"m","score":"high"}]}]}`,
		"negative ttl":     head + good + `,{"key":"k","type":"string","ttl_ms":-5,"value":"v"}]}`,
		"huge ttl":         head + good + `,{"key":"k","type":"string","ttl_ms":9223372036854775807,"value":"v"}]}`,
		"overflowing ttl":  head + good + `,{"key":"k","type":"string","ttl_ms":9300000000000,"value":"v"}]}`,
		"empty key":        head + good + `,{"key":"","type":"string","ttl_ms":0,"value":"v"}]}`,
		"duplicate key":    head + good + `,` + good + `]}`,
		"no value":         head + good + `,{"key":"k","type":"set","ttl_ms":0}]}`,
		"bad base64":       head + good + `,{"key":"k","type":"string","ttl_ms":0,"encoding":"base64","value":"!!"}]}`,
		"unknown encoding": head + good + `,{"key":"k","type":"string","ttl_ms":0,"encoding":"rot13","value":"v"}]}`,
	}
	forEachBackend(t, func(t *testing.T, open func(testing.TB) *store.DB) {
		ctx := context.Background()
		db := open(t)
		mustAdd(t, db, addReq("g1", "story", "Story", "A story."))
		before := backup(t, db)
		_, beforeKeys := parseBackup(t, before)
		for name, s := range bad {
			n, err := db.Restore(ctx, strings.NewReader(s), store.RestoreOptions{Replace: true})
			if briefs.ErrorCode(err) != briefs.EINVALID || n != 0 {
				t.Errorf("%s: Restore = %d, %v; want 0, EINVALID", name, n, err)
				continue
			}
			if !strings.HasPrefix(briefs.ErrorMessage(err), "not a valid briefbot snapshot: ") {
				t.Errorf("%s: message %q", name, briefs.ErrorMessage(err))
			}
		}
		_, afterKeys := parseBackup(t, backup(t, db))
		if !sameKeys(beforeKeys, afterKeys) {
			t.Errorf("a refused restore changed the data:\n%v\n%v", beforeKeys, afterKeys)
		}
	})
}

// sameKeys compares parsed backups; TTLs may differ by the time passed.
func sameKeys(a, b map[string]snapKey) bool {
	if len(a) != len(b) {
		return false
	}
	for k, e := range a {
		f, ok := b[k]
		if !ok || e.Type != f.Type || e.Encoding != f.Encoding || !bytes.Equal(e.Value, f.Value) ||
			(e.TTLms > 0) != (f.TTLms > 0) || e.TTLms-f.TTLms > 60000 || f.TTLms > e.TTLms {
			return false
		}
	}
	return true
}

// TestRestoreEmbeddedPersists: a restore into the embedded store reaches its
// data file.
func TestRestoreEmbeddedPersists(t *testing.T) {
	ctx := context.Background()
	src := MustOpen(t)
	populate(t, src)
	snap := backup(t, src)

	file := filepath.Join(t.TempDir(), "data.json")
	db := openFile(t, file)
	if _, err := db.Restore(ctx, bytes.NewReader(snap), store.RestoreOptions{}); err != nil {
		t.Fatal(err)
	}
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	db = openFile(t, file)
	defer db.Close()
	sameReads(t, src, db)
}

// TestRestoreOntoData: a restore onto a store with data is refused, and with
// Replace leaves exactly the snapshot: an article added after the backup is
// gone from every index, and can be added again.
func TestRestoreOntoData(t *testing.T) {
	forEachBackend(t, func(t *testing.T, open func(testing.TB) *store.DB) {
		ctx := context.Background()
		db := open(t)
		mustAdd(t, db, addReq("g1", "old-story", "Old story", "The old story."))
		snap := backup(t, db)
		_, snapKeys := parseBackup(t, snap)
		later := addReq("g1", "zombie-tale", "Zombie tale", "A zombie walked in.", "Zombie")
		mustAdd(t, db, later)
		mustAdd(t, db, addReq("g3", "other-guild", "Other guild", "Only after the backup."))
		before := backup(t, db)

		_, err := db.Restore(ctx, bytes.NewReader(snap), store.RestoreOptions{})
		wantCode(t, err, briefs.ECONFLICT)
		if msg := briefs.ErrorMessage(err); !strings.Contains(msg, "--replace") || !strings.Contains(msg, db.Prefix()) {
			t.Errorf("message %q does not name --replace and the prefix", msg)
		}
		if _, after := parseBackup(t, backup(t, db)); !sameKeys(mustParse(t, before), after) {
			t.Error("a refused restore changed the data")
		}

		var rt roundTrips
		db.AddHook(&pipelines{r: &rt})
		var n int
		trips := rt.count(func(ctx context.Context) {
			n, err = db.Restore(ctx, bytes.NewReader(snap), store.RestoreOptions{Replace: true})
		})
		if err != nil || n != len(snapKeys) {
			t.Fatalf("Restore --replace = %d, %v; want %d", n, err, len(snapKeys))
		}
		if trips != 1 {
			t.Errorf("the replacement took %d transactions, want 1", trips)
		}
		if _, after := parseBackup(t, backup(t, db)); !sameKeys(snapKeys, after) {
			t.Errorf("after --replace:\n%v\nwant\n%v", after, snapKeys)
		}
		if _, err := db.ArticleBySlug(ctx, "g1", "zombie-tale"); briefs.ErrorCode(err) != briefs.ENOTFOUND {
			t.Errorf("article added after the backup: %v, want ENOTFOUND", err)
		}
		if ls, total, _ := db.Recent(ctx, "g1", 0, 25); total != 1 || len(ls) != 1 || ls[0].Slug != "old-story" {
			t.Errorf("Recent = %q %d", slugsOf(ls), total)
		}
		mustAdd(t, db, later)
	})
}

func mustParse(t *testing.T, b []byte) map[string]snapKey {
	t.Helper()
	_, keys := parseBackup(t, b)
	return keys
}

// pipelines counts only the MULTI/EXEC pipelines sent with r's context.
type pipelines struct{ r *roundTrips }

func (h *pipelines) DialHook(next redis.DialHook) redis.DialHook          { return next }
func (h *pipelines) ProcessHook(next redis.ProcessHook) redis.ProcessHook { return next }
func (h *pipelines) ProcessPipelineHook(next redis.ProcessPipelineHook) redis.ProcessPipelineHook {
	return func(ctx context.Context, cmds []redis.Cmder) error {
		if h.r.counted(ctx) && len(cmds) > 0 && cmds[0].Name() == "multi" {
			h.r.n.Add(1)
		}
		return next(ctx, cmds)
	}
}

// TestBackupCapsHugeTTL: a key whose TTL is beyond the Go duration range
// (set outside briefbot) is backed up with the longest TTL a snapshot may
// hold, and that snapshot restores.
func TestBackupCapsHugeTTL(t *testing.T) {
	u := os.Getenv("REDIS_URL")
	if u == "" {
		t.Skip("needs REDIS_URL: the embedded server cannot hold such a TTL")
	}
	ctx := context.Background()
	db := storetest.OpenRedis(t, u, storetest.RandomPrefix())
	opt, err := redis.ParseURL(u)
	if err != nil {
		t.Fatal(err)
	}
	c := redis.NewClient(opt)
	defer c.Close()
	k := db.Prefix() + "far"
	if err := c.Set(ctx, k, "v", 0).Err(); err != nil {
		t.Fatal(err)
	}
	// 1000 years from now, in milliseconds since the epoch.
	if err := c.Do(ctx, "pexpireat", k, time.Now().UnixMilli()+1000*365*24*3600*1000).Err(); err != nil {
		t.Fatal(err)
	}
	snap := backup(t, db)
	e := mustParse(t, snap)["far"]
	if max := int64(math.MaxInt64 / int64(time.Millisecond)); e.TTLms != max {
		t.Errorf("ttl_ms = %d, want %d", e.TTLms, max)
	}
	if _, err := db.Restore(ctx, bytes.NewReader(snap), store.RestoreOptions{Replace: true}); err != nil {
		t.Fatal(err)
	}
	if ttl := c.PTTL(ctx, k).Val(); ttl < 200*365*24*time.Hour {
		t.Errorf("TTL after restore = %s", ttl)
	}
}
