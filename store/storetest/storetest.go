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
	db, err := store.Open(context.Background(), store.Config{DataFile: dataFile})
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
	db, err := store.Open(context.Background(), store.Config{URL: url, Prefix: prefix})
	if err != nil {
		tb.Fatalf("open store at REDIS_URL: %v", err)
	}
	tb.Cleanup(func() {
		if err := db.Close(); err != nil {
			tb.Errorf("close store: %v", err)
		}
		DeletePrefix(tb, url, prefix)
	})
	return db
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
