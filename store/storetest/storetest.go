// Package storetest opens stores for tests: the Redis at REDIS_URL under a
// random key prefix when it is set, else the embedded server on a temporary
// data file. Tests share a Redis safely because each deletes only the keys
// under its own prefix.
package storetest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"briefbot/store"
)

// RandomPrefix is a key prefix no other test uses: "briefbot-test:<hex>:".
func RandomPrefix() string {
	b := make([]byte, 6)
	_, _ = rand.Read(b)
	return "briefbot-test:" + hex.EncodeToString(b) + ":"
}

// Open opens a store for tb: on REDIS_URL when set, else embedded. It is
// closed, and its keys deleted, when the test ends.
func Open(tb testing.TB) *store.DB {
	tb.Helper()
	if u := os.Getenv("REDIS_URL"); u != "" {
		return OpenRedis(tb, u, RandomPrefix())
	}
	return OpenEmbedded(tb, filepath.Join(tb.TempDir(), "data.json"))
}

// OpenEmbedded opens the embedded store on dataFile; it is closed when the
// test ends.
func OpenEmbedded(tb testing.TB, dataFile string) *store.DB {
	tb.Helper()
	return OpenEmbeddedConfig(tb, store.Config{DataFile: dataFile})
}

// OpenEmbeddedConfig is OpenEmbedded with the rest of cfg (limits) too; an
// empty DataFile is a temporary one.
func OpenEmbeddedConfig(tb testing.TB, cfg store.Config) *store.DB {
	tb.Helper()
	cfg.URL = ""
	if cfg.DataFile == "" {
		cfg.DataFile = filepath.Join(tb.TempDir(), "data.json")
	}
	db, err := store.Open(context.Background(), cfg)
	if err != nil {
		tb.Fatalf("open embedded store: %v", err)
	}
	tb.Cleanup(func() {
		if err := db.Close(); err != nil {
			tb.Errorf("close store: %v", err)
		}
	})
	return db
}

// OpenRedis opens the store on url under prefix; when the test ends it is
// closed and the keys under prefix, and only those, are deleted.
func OpenRedis(tb testing.TB, url, prefix string) *store.DB {
	tb.Helper()
	return OpenRedisConfig(tb, store.Config{URL: url, Prefix: prefix})
}

// OpenRedisConfig is OpenRedis with the rest of cfg (limits) too; an empty
// Prefix is a random one.
func OpenRedisConfig(tb testing.TB, cfg store.Config) *store.DB {
	tb.Helper()
	if cfg.Prefix == "" {
		cfg.Prefix = RandomPrefix()
	}
	db, err := store.Open(context.Background(), cfg)
	if err != nil {
		tb.Fatalf("open store at REDIS_URL: %v", err)
	}
	tb.Cleanup(func() {
		if err := db.Close(); err != nil {
			tb.Errorf("close store: %v", err)
		}
		DeletePrefix(tb, cfg.URL, cfg.Prefix)
	})
	return db
}

// OpenEach opens a store with cfg's limits on each backend: the embedded one
// always, and the Redis at REDIS_URL when it is set, keyed "embedded" and
// "redis".
func OpenEach(tb testing.TB, cfg store.Config) map[string]*store.DB {
	tb.Helper()
	dbs := map[string]*store.DB{"embedded": OpenEmbeddedConfig(tb, cfg)}
	if u := os.Getenv("REDIS_URL"); u != "" {
		cfg.URL = u
		dbs["redis"] = OpenRedisConfig(tb, cfg)
	}
	return dbs
}

// DeletePrefix deletes the keys under prefix at url, and only those.
func DeletePrefix(tb testing.TB, url, prefix string) {
	tb.Helper()
	opt, err := redis.ParseURL(url)
	if err != nil {
		tb.Errorf("cleanup: %v", err)
		return
	}
	c := redis.NewClient(opt)
	defer c.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	iter := c.Scan(ctx, 0, prefix+"*", 1000).Iterator()
	var keys []string
	for iter.Next(ctx) {
		if strings.HasPrefix(iter.Val(), prefix) {
			keys = append(keys, iter.Val())
		}
	}
	if err := iter.Err(); err != nil {
		tb.Errorf("cleanup scan: %v", err)
	}
	for len(keys) > 0 {
		n := min(len(keys), 500)
		if err := c.Unlink(ctx, keys[:n]...).Err(); err != nil {
			tb.Errorf("cleanup: %v", err)
			return
		}
		keys = keys[n:]
	}
}
