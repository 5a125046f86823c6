package briefs_test

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"os"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"briefbot/briefs"
	"briefbot/store/storetest"
)

// roundTrips counts the commands a go-redis client sends.
type roundTrips struct{ n atomic.Int64 }

func (h *roundTrips) DialHook(next redis.DialHook) redis.DialHook { return next }
func (h *roundTrips) ProcessHook(next redis.ProcessHook) redis.ProcessHook {
	return func(ctx context.Context, cmd redis.Cmder) error { h.n.Add(1); return next(ctx, cmd) }
}
func (h *roundTrips) ProcessPipelineHook(next redis.ProcessPipelineHook) redis.ProcessPipelineHook {
	return func(ctx context.Context, cmds []redis.Cmder) error { h.n.Add(1); return next(ctx, cmds) }
}

// BenchmarkFeedPolling follows FEEDS_BENCH_FEEDS feeds (default 10,000)
// spread over a tenth as many guilds on one loopback site, then measures one
// instance polling them all: first with nothing new (every feed answers
// 304), then with one new story in each of a tenth of them (each a page
// fetched, extracted, summarized and stored); then three instances do the
// same. It reports polls/s, items/s, Redis round trips per poll, CPU time
// and heap; run it with
//
//	REDIS_URL=redis://127.0.0.1:6379/8 go test ./briefs/ -run '^$' -bench FeedPolling -benchtime 1x -timeout 30m -v
//
// benchSites is how many sites the benchmark's feeds are spread over.
const benchSites = 100

func BenchmarkFeedPolling(b *testing.B) {
	if testing.Short() {
		b.Skip("not with -short")
	}
	nFeeds := 10000
	if s := os.Getenv("FEEDS_BENCH_FEEDS"); s != "" {
		nFeeds, _ = strconv.Atoi(s)
	}
	var fresh atomic.Int64 // feeds below this index have a new story
	body := strings.Repeat("The council approved the harbour plan on Monday after a long debate about its cost and its timing. ", 6)
	handler := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var feed int
		if _, err := fmt.Sscanf(r.URL.Path, "/f/%d", &feed); err == nil {
			items := 1
			if int64(feed) < fresh.Load() {
				items = 2
			}
			etag := fmt.Sprintf(`"%d"`, items)
			if r.Header.Get("If-None-Match") == etag {
				w.WriteHeader(http.StatusNotModified)
				return
			}
			w.Header().Set("Content-Type", "application/rss+xml")
			w.Header().Set("ETag", etag)
			var b strings.Builder
			for i := items - 1; i >= 0; i-- {
				fmt.Fprintf(&b, `<item><title>Story %d of feed %d</title><link>/s/%d/%d</link><guid>%d-%d</guid></item>`, i, feed, feed, i, feed, i)
			}
			fmt.Fprintf(w, `<?xml version="1.0"?><rss version="2.0"><channel><title>Feed %d</title>%s</channel></rss>`, feed, b.String())
			return
		}
		var feedN, item int
		if _, err := fmt.Sscanf(r.URL.Path, "/s/%d/%d", &feedN, &item); err == nil {
			fmt.Fprintf(w, `<!DOCTYPE html><html><head><title>Story %d of feed %d</title></head><body><article><h1>Story %d of feed %d</h1><p>Feed %d, story %d. %s</p></article></body></html>`,
				item, feedN, item, feedN, feedN, item, body)
			return
		}
		http.NotFound(w, r)
	})
	// The feeds live on benchSites sites (loopback addresses 127.0.1.x, one
	// listener each, same handler), as real feeds live on many sites: the
	// poller fetches at most PerHost feeds of one site at once.
	var sites []string
	for i := range benchSites {
		l, err := net.Listen("tcp", fmt.Sprintf("127.0.1.%d:0", i+1))
		if err != nil {
			b.Fatal(err)
		}
		site := &http.Server{Handler: handler}
		go site.Serve(l)
		b.Cleanup(func() { site.Close() })
		sites = append(sites, "http://"+l.Addr().String())
	}
	now := time.Date(2026, 12, 4, 12, 0, 0, 0, time.UTC)
	db := storetest.Open(b)
	var rt roundTrips
	db.AddHook(&rt)
	fd := newFeedsOn(b, db, &now)
	fd.MaxFeedsPerGuild = 0
	ctx := context.Background()
	start := time.Now()
	for i := range nFeeds {
		if _, err := fd.Subscribe(ctx, briefs.FeedInput{GuildID: fmt.Sprintf("guild%d", i%max(nFeeds/10, 1)), URL: fmt.Sprintf("%s/f/%d", sites[i%len(sites)], i), Backfill: 0}); err != nil {
			b.Fatal(err)
		}
	}
	b.Logf("subscribed %d feeds in %d guilds in %s", nFeeds, max(nFeeds/10, 1), time.Since(start).Round(time.Millisecond))

	// Three instances (each its own poller over the shared store) take
	// the same rounds afterwards, to show the leases sharing the work.
	instances := []*briefs.Feeds{fd}
	round := func(name string) {
		now = now.Add(time.Hour)
		runtime.GC()
		cpu0, rt0, t0 := cpuTime(), rt.n.Load(), time.Now()
		var total atomic.Int64
		var wg sync.WaitGroup
		for _, inst := range instances {
			wg.Go(func() {
				for {
					n, err := inst.PollDue(ctx, 1000, 8)
					if err != nil {
						b.Error(err)
						return
					}
					if n == 0 {
						return
					}
					total.Add(int64(n))
				}
			})
		}
		wg.Wait()
		polled := int(total.Load())
		el := time.Since(t0)
		var ms runtime.MemStats
		runtime.ReadMemStats(&ms)
		b.Logf("%d instance(s), %s: %d polls in %s = %.0f polls/s; %.1f Redis round trips a poll; CPU %s (%.0f%% of one core); heap in use %d MiB; peak RSS %d MiB",
			len(instances), name, polled, el.Round(time.Millisecond), float64(polled)/el.Seconds(), float64(rt.n.Load()-rt0)/float64(max(polled, 1)),
			(cpuTime() - cpu0).Round(time.Millisecond), 100*(cpuTime()-cpu0).Seconds()/el.Seconds(), ms.HeapInuse>>20, peakRSS()>>20)
		if polled != nFeeds {
			b.Errorf("%s: polled %d of %d due feeds", name, polled, nFeeds)
		}
	}
	stories := func() int {
		items := 0
		for g := range max(nFeeds/10, 1) {
			_, n, _ := db.Recent(ctx, fmt.Sprintf("guild%d", g), 0, 0)
			items += n
		}
		return items
	}
	for _, k := range []int{1, 3} {
		for len(instances) < k {
			instances = append(instances, newFeedsOn(b, db, &now))
		}
		round("nothing new (304)")
		before := stories()
		fresh.Add(int64(nFeeds / 10)) // a tenth of the feeds (more each time) have a new story
		t0 := time.Now()
		round("new stories in some feeds")
		items := stories() - before
		b.Logf("  %d stories briefed (%.0f items/s over the round)", items, float64(items)/time.Since(t0).Seconds())
	}
}

// peakRSS is the most resident memory the process has had, in bytes (the
// loopback sites, the pollers and the Go client together; Redis is another
// process).
func peakRSS() int64 {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return ru.Maxrss << 10 // KiB on Linux
}

// cpuTime is the process's user and system CPU time so far.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
