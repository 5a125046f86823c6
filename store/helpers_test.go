package store_test

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"sync/atomic"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"briefbot/briefs"
	"briefbot/store"
	"briefbot/store/storetest"
)

// MustOpen opens a store for a test: the Redis at REDIS_URL under a random
// key prefix when REDIS_URL is set (deleting only that prefix's keys
// afterwards), else the embedded server with a data file in a temporary
// directory. The store is closed when the test ends.
func MustOpen(tb testing.TB) *store.DB {
	tb.Helper()
	return storetest.Open(tb)
}

// backend is a place the contract suite runs against.
type backend struct {
	name string
	open func(tb testing.TB) *store.DB
}

// backends are the embedded server always and, with REDIS_URL, real Redis.
func backends() []backend {
	bs := []backend{{"embedded", func(tb testing.TB) *store.DB {
		return storetest.OpenEmbedded(tb, filepath.Join(tb.TempDir(), "data.json"))
	}}}
	if u := os.Getenv("REDIS_URL"); u != "" {
		bs = append(bs, backend{"redis", func(tb testing.TB) *store.DB { return storetest.OpenRedis(tb, u, storetest.RandomPrefix()) }})
	}
	return bs
}

// forEachBackend runs fn as a subtest per backend.
func forEachBackend(t *testing.T, fn func(t *testing.T, open func(testing.TB) *store.DB)) {
	for _, b := range backends() {
		t.Run(b.name, func(t *testing.T) { fn(t, b.open) })
	}
}

// testVersion is the summarizer version of the test briefs.
const testVersion = "test/1"

// addReq builds an AddRequest for text in guild with the slug asked for; the
// title, brief and terms follow from the arguments.
func addReq(guild, slug, title, text string, entities ...string) briefs.AddRequest {
	sum := sha256.Sum256([]byte(text))
	h := hex.EncodeToString(sum[:])
	return briefs.AddRequest{
		Article: briefs.Article{
			ID:          h[:16],
			GuildID:     guild,
			Slug:        slug,
			Title:       title,
			Text:        text,
			ContentHash: h,
			AddedBy:     "u1",
			AddedAt:     time.Date(2025, 1, 2, 3, 4, 5, 0, time.UTC),
		},
		Brief: briefs.Brief{
			Title:          title,
			Gist:           "The gist of " + title + ".",
			Bullets:        []string{"One point.", "Another point.", "A third point."},
			ReadingMinutes: 1,
			Entities:       entities,
			Summarizer:     testVersion,
			CreatedAt:      time.Date(2025, 1, 2, 3, 4, 6, 0, time.UTC),
		},
		Terms:    briefs.IndexTerms(slug, title, entities),
		BriefTTL: time.Hour,
	}
}

// addCreated adds req and says why when it was not created: for fills
// from several goroutines (testkit.Parallel).
func addCreated(ctx context.Context, db *store.DB, req briefs.AddRequest) error {
	if _, created, err := db.AddArticle(ctx, req); err != nil {
		return err
	} else if !created {
		return fmt.Errorf("%q was not created", req.Article.Slug)
	}
	return nil
}

// mustAdd adds req and fails the test unless it was created.
func mustAdd(tb testing.TB, db *store.DB, req briefs.AddRequest) briefs.Article {
	tb.Helper()
	a, created, err := db.AddArticle(context.Background(), req)
	if err != nil {
		tb.Fatalf("add %q: %v", req.Article.Slug, err)
	}
	if !created {
		tb.Fatalf("add %q: created = false, want true", req.Article.Slug)
	}
	return a
}

// wantCode fails the test unless err carries the briefs error code.
func wantCode(tb testing.TB, err error, code string) {
	tb.Helper()
	if got := briefs.ErrorCode(err); got != code {
		tb.Fatalf("error code = %q, want %q (err: %v)", got, code, err)
	}
}

// roundTrips counts the commands and pipelines sent with a context from
// ctx(); other traffic (the embedded store's background saver) is not
// counted, nor is the set-up of a new connection, which go-redis runs through
// the same hooks (HELLO, CLIENT SETINFO) when the pool has no idle one.
type roundTrips struct{ n atomic.Int64 }

type countKey struct{}

func (r *roundTrips) ctx() context.Context {
	return context.WithValue(context.Background(), countKey{}, r)
}

func (r *roundTrips) counted(ctx context.Context) bool { return ctx.Value(countKey{}) == r }

func connSetup(cmd redis.Cmder) bool {
	switch cmd.Name() {
	case "hello", "auth", "select", "client", "readonly":
		return true
	}
	return false
}

func (r *roundTrips) DialHook(next redis.DialHook) redis.DialHook { return next }
func (r *roundTrips) ProcessHook(next redis.ProcessHook) redis.ProcessHook {
	return func(ctx context.Context, cmd redis.Cmder) error {
		if r.counted(ctx) && !connSetup(cmd) {
			r.n.Add(1)
		}
		return next(ctx, cmd)
	}
}
func (r *roundTrips) ProcessPipelineHook(next redis.ProcessPipelineHook) redis.ProcessPipelineHook {
	return func(ctx context.Context, cmds []redis.Cmder) error {
		if r.counted(ctx) && !slices.ContainsFunc(cmds, connSetup) {
			r.n.Add(1)
		}
		return next(ctx, cmds)
	}
}

// count returns how many round trips fn made with the context it is given.
func (r *roundTrips) count(fn func(ctx context.Context)) int64 {
	before := r.n.Load()
	fn(r.ctx())
	return r.n.Load() - before
}

// slugsOf lists the slugs of ls.
func slugsOf(ls []briefs.Listing) []string {
	out := make([]string, len(ls))
	for i, l := range ls {
		out[i] = l.Slug
	}
	return out
}

// keyCount is the number of keys under the store's prefix.
func keyCount(tb testing.TB, db *store.DB) int {
	tb.Helper()
	n, err := db.Backup(context.Background(), discard{})
	if err != nil {
		tb.Fatalf("backup: %v", err)
	}
	return n
}

type discard struct{}

func (discard) Write(p []byte) (int, error) { return len(p), nil }

// eventually polls cond until it holds or the deadline passes; for TTLs,
// which only real time can expire on a real Redis.
func eventually(tb testing.TB, within time.Duration, what string, cond func() bool) {
	tb.Helper()
	deadline := time.Now().Add(within)
	for !cond() {
		if time.Now().After(deadline) {
			tb.Fatalf("%s: not within %s", what, within)
		}
		time.Sleep(20 * time.Millisecond)
	}
}
