package store

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"briefbot/briefs"
)

// compactStores opens the embedded store and, with REDIS_URL, one on real
// Redis under a prefix of its own whose keys are deleted afterwards.
func compactStores(t *testing.T) map[string]*DB {
	t.Helper()
	ctx := context.Background()
	dbs := map[string]*DB{}
	emb, err := Open(ctx, Config{DataFile: filepath.Join(t.TempDir(), "data.json")})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { emb.Close() })
	dbs["embedded"] = emb
	if url := os.Getenv("REDIS_URL"); url != "" {
		prefix := "briefbot-test:compact-" + randomToken(6) + ":"
		db, err := Open(ctx, Config{URL: url, Prefix: prefix})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() {
			keys, _ := db.client.Keys(ctx, prefix+"*").Result()
			if len(keys) > 0 {
				db.client.Del(ctx, keys...)
			}
			db.Close()
		})
		dbs["redis"] = db
	}
	return dbs
}

// addCompact adds req and fails the test unless it was created.
func addCompact(t *testing.T, db *DB, req briefs.AddRequest) briefs.Article {
	t.Helper()
	a, created, err := db.AddArticle(context.Background(), req)
	if err != nil || !created {
		t.Fatalf("add: %v %v", created, err)
	}
	return a
}

func compactRequest(guild string) briefs.AddRequest {
	text := strings.Repeat("Officials met on Tuesday to discuss the agreement, which covers trade, energy and security. ", 30)
	return briefs.AddRequest{
		Article: briefs.Article{ID: "00112233445566ff", GuildID: guild, Slug: "officials-meet", Title: "Officials meet",
			Text: text, SourceURL: "https://example.com/news/officials-meet", Site: "example.com",
			ContentHash: strings.Repeat("ab", 32), AddedBy: "u1", AddedAt: time.Date(2025, 1, 2, 3, 4, 5, 0, time.UTC)},
		Brief: briefs.Brief{Title: "Officials meet", Gist: "Officials met on Tuesday.",
			Bullets:  []string{"They discussed trade.", "And energy.", "And security, at length: " + strings.Repeat("more ", 40)},
			Entities: []string{"Officials"}, ReadingMinutes: 2, Summarizer: "test/1", CreatedAt: time.Date(2025, 1, 2, 3, 4, 6, 0, time.UTC)},
		BriefTTL: time.Hour,
	}
}

// New articles and briefs are stored compressed and read back as they
// were given; a backup holds their JSON and restoring compresses them
// again; the embedded data file keeps them compressed (base64-value
// entries whose keys stay readable).
func TestCompressedValues(t *testing.T) {
	for name, db := range compactStores(t) {
		t.Run(name, func(t *testing.T) {
			ctx := context.Background()
			req := compactRequest("g1")
			a := addCompact(t, db, req)
			k := db.guild("g1")
			stored, err := db.client.HGet(ctx, k.article(a.ID), "article").Bytes()
			if err != nil {
				t.Fatal(err)
			}
			aj, _ := json.Marshal(a)
			if !bytes.HasPrefix(stored, zstdMagic) || len(stored) >= len(aj)/2 {
				t.Errorf("stored article: %d bytes, compressed %v; its JSON has %d", len(stored), bytes.HasPrefix(stored, zstdMagic), len(aj))
			}
			sb, err := db.client.Get(ctx, k.brief(a.Slug, "test/1")).Bytes()
			if err != nil || !bytes.HasPrefix(sb, zstdMagic) {
				t.Errorf("stored brief not compressed: %q %v", sb, err)
			}
			got, err := db.ArticleBySlug(ctx, "g1", a.Slug)
			if err != nil || !reflect.DeepEqual(got, a) {
				t.Errorf("ArticleBySlug = %+v, %v; want %+v", got, err, a)
			}
			b, ok, err := db.CachedBrief(ctx, "g1", a.Slug, "test/1")
			if err != nil || !ok || b.Gist != req.Brief.Gist || b.ArticleID != a.ID || !reflect.DeepEqual(b.Bullets, req.Brief.Bullets) {
				t.Errorf("CachedBrief = %+v, %v, %v", b, ok, err)
			}
			if dup, created, err := db.AddArticle(ctx, req); err != nil || created || !reflect.DeepEqual(dup, a) {
				t.Errorf("add again = %+v, %v, %v", dup, created, err)
			}

			// A backup holds the JSON, as the old layout's did.
			var buf bytes.Buffer
			if _, err := db.Backup(ctx, &buf); err != nil {
				t.Fatal(err)
			}
			if strings.Contains(buf.String(), `"encoding"`) || !strings.Contains(buf.String(), `"key":"g:{g1}:article:`+a.ID+`"`) ||
				!strings.Contains(buf.String(), `Officials met on Tuesday to discuss`) || !strings.Contains(buf.String(), `They discussed trade.`) {
				t.Errorf("backup does not hold the article and brief as JSON: %.600s", buf.String())
			}
			// The embedded data file keeps them compressed, in base64, its
			// keys readable.
			if db.emb != nil {
				if err := db.Flush(); err != nil {
					t.Fatal(err)
				}
				file, err := os.ReadFile(db.emb.path)
				if err != nil {
					t.Fatal(err)
				}
				if !strings.Contains(string(file), `"key":"g:{g1}:article:`+a.ID+`","type":"hash","ttl_ms":0,"encoding":"base64-value"`) ||
					!strings.Contains(string(file), `"slug":"b2ZmaWNpYWxzLW1lZXQ="`) || strings.Contains(string(file), `Officials met on Tuesday`) {
					t.Errorf("data file does not hold the article compressed: %.600s", file)
				}
				// ... and restores as it is.
				keys, _, err := decodeSnapshot(bytes.NewReader(file))
				if err != nil {
					t.Fatal(err)
				}
				for _, kd := range keys {
					if kd.key == "g:{g1}:article:"+a.ID && !slices.Contains(kd.pairs, string(stored)) {
						t.Errorf("data file's article record differs")
					}
				}
			}
			if _, err := db.Restore(ctx, bytes.NewReader(buf.Bytes()), RestoreOptions{Replace: true}); err != nil {
				t.Fatal(err)
			}
			again, err := db.client.HGet(ctx, k.article(a.ID), "article").Bytes()
			if err != nil || !bytes.Equal(again, stored) {
				t.Errorf("restored article value differs: %v", err)
			}
			if got, err := db.ArticleBySlug(ctx, "g1", a.Slug); err != nil || !reflect.DeepEqual(got, a) {
				t.Errorf("after restore: %+v, %v", got, err)
			}
			if gone, err := db.RemoveArticle(ctx, "g1", a.Slug); err != nil || !reflect.DeepEqual(gone, a) {
				t.Errorf("RemoveArticle = %+v, %v", gone, err)
			}
		})
	}
}

// An article and brief stored by the old layout, as plain JSON, still read,
// deduplicate, back up (as plain entries), restore and remove.
func TestUncompressedValuesStillRead(t *testing.T) {
	for name, db := range compactStores(t) {
		t.Run(name, func(t *testing.T) {
			ctx := context.Background()
			req := compactRequest("g2")
			a, _, err := db.AddArticle(ctx, req)
			if err != nil {
				t.Fatal(err)
			}
			k := db.guild("g2")
			// Rewrite the values as the old layout wrote them.
			aj, _ := json.Marshal(a)
			if err := db.client.HSet(ctx, k.article(a.ID), "article", aj).Err(); err != nil {
				t.Fatal(err)
			}
			b, ok, err := db.CachedBrief(ctx, "g2", a.Slug, "test/1")
			if err != nil || !ok {
				t.Fatal(ok, err)
			}
			bj, _ := json.Marshal(b)
			if err := db.client.SetArgs(ctx, k.brief(a.Slug, "test/1"), bj, redis.SetArgs{KeepTTL: true}).Err(); err != nil {
				t.Fatal(err)
			}

			if got, err := db.ArticleBySlug(ctx, "g2", a.Slug); err != nil || !reflect.DeepEqual(got, a) {
				t.Errorf("ArticleBySlug = %+v, %v", got, err)
			}
			if got, ok, err := db.CachedBrief(ctx, "g2", a.Slug, "test/1"); err != nil || !ok || !reflect.DeepEqual(got, b) {
				t.Errorf("CachedBrief = %+v, %v, %v", got, ok, err)
			}
			if dup, created, err := db.AddArticle(ctx, req); err != nil || created || !reflect.DeepEqual(dup, a) {
				t.Errorf("add again = %+v, %v, %v", dup, created, err)
			}
			var buf bytes.Buffer
			if _, err := db.Backup(ctx, &buf); err != nil {
				t.Fatal(err)
			}
			if strings.Contains(buf.String(), `"encoding"`) || !strings.Contains(buf.String(), `"key":"g:{g2}:article:`+a.ID+`"`) {
				t.Errorf("backup of the old layout: %.600s", buf.String())
			}
			if _, err := db.Restore(ctx, bytes.NewReader(buf.Bytes()), RestoreOptions{Replace: true}); err != nil {
				t.Fatal(err)
			}
			if got, ok, err := db.CachedBrief(ctx, "g2", a.Slug, "test/1"); err != nil || !ok || !reflect.DeepEqual(got, b) {
				t.Errorf("CachedBrief after restore = %+v, %v, %v", got, ok, err)
			}
			if gone, err := db.RemoveArticle(ctx, "g2", a.Slug); err != nil || !reflect.DeepEqual(gone, a) {
				t.Errorf("RemoveArticle = %+v, %v", gone, err)
			}
		})
	}
}

func TestCompactValue(t *testing.T) {
	small := []byte(`{"a":1}`)
	if got := compactValue(small); !bytes.Equal(got, small) {
		t.Errorf("a small value is stored as it is, got %q", got)
	}
	for _, js := range [][]byte{small, []byte(`{"text":"` + strings.Repeat("news ", 500) + `"}`)} {
		got, err := expandValue(compactValue(js))
		if err != nil || !bytes.Equal(got, js) {
			t.Errorf("round trip of %d bytes: %v", len(js), err)
		}
	}
	if _, err := expandValue(append(append([]byte{}, zstdMagic...), 0xff, 0xff)); err == nil {
		t.Error("a corrupt frame decodes")
	}
}
