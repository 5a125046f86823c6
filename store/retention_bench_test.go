package store_test

import (
	"context"
	"fmt"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"briefbot/internal/testkit"
	"briefbot/store"
)

// retentionArticles is how many articles the guild of
// BenchmarkRetentionSweep holds; RETENTION_ARTICLES overrides it.
const retentionArticles = 10_000

// BenchmarkRetentionSweep measures one retention sweep (RemoveOlderThan, as
// the running bot calls it once an hour) in a guild of 10,000 articles
// added over 60 days with a cutoff of 30 days: it removes the older half.
// Each iteration fills a new store (not timed) and times one sweep. It
// reports the articles removed per sweep and per second, the round trips a
// sweep takes (the expire scripts, a hundred articles each, and the SCANs
// that find the guilds) and, on real Redis, the time Redis spent in the
// expire scripts: in all, and in the longest one, which is how long a sweep
// can keep every other guild waiting. The SCANs walk every key of the Redis
// database, so their count grows with all guilds' data (and, over several
// iterations, with the earlier iterations' stores, removed only at the
// end). Run it with
//
//	REDIS_URL=redis://127.0.0.1:6379/11 go test ./store/ -run '^$' -bench RetentionSweep -benchtime 1x -v
func BenchmarkRetentionSweep(b *testing.B) {
	if testing.Short() {
		b.Skip("fills 10,000 articles; not with -short")
	}
	n := testkit.EnvCount(b, "RETENTION_ARTICLES", retentionArticles)
	day0 := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
	const span, keep = 60 * 24 * time.Hour, 30 * 24 * time.Hour
	step := span / time.Duration(n)
	cutoff := day0.Add(span - keep)
	want := 0
	for i := range n {
		if day0.Add(time.Duration(i) * step).Before(cutoff) {
			want++
		}
	}
	var raw *redis.Client
	if u := os.Getenv("REDIS_URL"); u != "" {
		opt, err := redis.ParseURL(u)
		if err != nil {
			b.Fatal(err)
		}
		raw = redis.NewClient(opt)
		b.Cleanup(func() { raw.Close() })
	}
	for _, be := range backends() {
		b.Run(be.name, func(b *testing.B) {
			var (
				removed, trips int64
				elapsed        time.Duration
				redisBusy      scriptStats // real Redis only
			)
			b.StopTimer()
			for range b.N {
				db := be.open(b)
				rt := &roundTrips{}
				db.AddHook(rt)
				fillSpread(b, db, "g1", n, 16, day0, step)
				sweep := func() {
					b.StartTimer()
					start := time.Now()
					var got int
					var err error
					trips += rt.count(func(ctx context.Context) { got, err = db.RemoveOlderThan(ctx, cutoff) })
					elapsed += time.Since(start)
					b.StopTimer()
					if err != nil || got != want {
						b.Fatalf("RemoveOlderThan = %d, %v; want %d", got, err, want)
					}
					removed += int64(got)
				}
				if be.name == "redis" && raw != nil {
					redisBusy.add(measureScripts(b, raw, sweep))
				} else {
					sweep()
				}
				if _, total, err := db.Recent(context.Background(), "g1", 0, 0); err != nil || total != n-want {
					b.Fatalf("after the sweep the guild holds %d, %v; want %d", total, err, n-want)
				}
			}
			b.ReportMetric(float64(removed)/float64(b.N), "removed/op")
			b.ReportMetric(float64(removed)/elapsed.Seconds(), "removed/s")
			b.ReportMetric(float64(trips)/float64(b.N), "roundtrips/op")
			if redisBusy.calls > 0 {
				b.ReportMetric(float64(redisBusy.total.Microseconds())/1000/float64(b.N), "redis-ms/op")
				b.ReportMetric(float64(redisBusy.longest.Microseconds())/1000, "longest-script-ms")
				b.Logf("%d articles, %d removed per sweep in %s: %d round trips, %d of them expire scripts; Redis busy %s in the scripts, the longest %s",
					n, want, (elapsed / time.Duration(b.N)).Round(time.Millisecond), trips/int64(b.N), redisBusy.calls/int64(b.N),
					(redisBusy.total / time.Duration(b.N)).Round(time.Microsecond), redisBusy.longest.Round(time.Microsecond))
			}
		})
	}
}

// scriptStats is the time Redis itself spent running scripts.
type scriptStats struct {
	calls          int64
	total, longest time.Duration
}

func (s *scriptStats) add(o scriptStats) {
	s.calls += o.calls
	s.total += o.total
	s.longest = max(s.longest, o.longest)
}

// measureScripts runs fn and returns how many scripts (EVALSHA, EVAL) Redis
// ran meanwhile and the time it spent in them: in all from INFO
// commandstats, the longest from the slow log, which logs only commands
// over 100µs so that the commands a script runs, each also logged, cannot
// push the scripts out of it. Nothing else should use the Redis meanwhile.
func measureScripts(b *testing.B, raw *redis.Client, fn func()) scriptStats {
	b.Helper()
	var calls0, usec0, calls1, usec1 int64
	logs := slowLogged(b, raw, "100", func() {
		calls0, usec0 = scriptCommandStats(b, raw)
		fn()
		calls1, usec1 = scriptCommandStats(b, raw)
	})
	st := scriptStats{calls: calls1 - calls0, total: time.Duration(usec1-usec0) * time.Microsecond}
	for _, l := range logs {
		if len(l.Args) > 0 && (strings.EqualFold(l.Args[0], "evalsha") || strings.EqualFold(l.Args[0], "eval")) {
			st.longest = max(st.longest, l.Duration)
		}
	}
	return st
}

// scriptCommandStats sums the calls and microseconds INFO commandstats
// gives EVALSHA and EVAL.
func scriptCommandStats(b *testing.B, raw *redis.Client) (calls, usec int64) {
	b.Helper()
	info, err := raw.Info(context.Background(), "commandstats").Result()
	if err != nil {
		b.Fatal(err)
	}
	for _, line := range strings.Split(info, "\n") {
		name, fields, ok := strings.Cut(strings.TrimSpace(line), ":")
		if !ok || (name != "cmdstat_evalsha" && name != "cmdstat_eval") {
			continue
		}
		for _, f := range strings.Split(fields, ",") {
			k, v, _ := strings.Cut(f, "=")
			n, _ := strconv.ParseInt(v, 10, 64)
			switch k {
			case "calls":
				calls += n
			case "usec":
				usec += n
			}
		}
	}
	return calls, usec
}

// fillSpread adds n articles to guild from workers goroutines, article i
// added at day0 + i*step, with the titles and terms of BenchmarkIsolation
// and a short text.
func fillSpread(b *testing.B, db *store.DB, guild string, n, workers int, day0 time.Time, step time.Duration) {
	b.Helper()
	ctx := context.Background()
	testkit.Parallel(b, n, workers, func(i int) error {
		req := addReq(guild, slugOf(i), titleOf(i), fmt.Sprintf("Article %d of %s. %s", i, guild, benchText[:300]))
		req.Article.AddedAt = day0.Add(time.Duration(i) * step)
		return addCreated(ctx, db, req)
	})
}
