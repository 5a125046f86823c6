package main

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"briefbot/briefs"
)

// bigPage is an HTML news page of about size bytes: a headline and long
// paragraphs of prose.
func bigPage(size int) []byte {
	var b strings.Builder
	b.WriteString("<!DOCTYPE html><html><head><meta charset=utf-8><title>Harbour Strike Ends After Ten Days</title></head><body><article><h1>Harbour Strike Ends After Ten Days</h1>\n")
	sentence := "Dock workers at the port of Kelby returned to work on Monday after a ten-day strike over pay and shifts. "
	for i := 0; b.Len() < size-200; i++ {
		b.WriteString("<p>")
		for range 80 {
			b.WriteString(sentence)
		}
		fmt.Fprintf(&b, "Paragraph %d.</p>\n", i)
	}
	b.WriteString("</article></body></html>")
	return []byte(b.String())
}

// bigText is a plain-text article of about size bytes.
func bigText(size int) []byte {
	var b strings.Builder
	b.WriteString("Harbour Strike Ends After Ten Days\n\n")
	sentence := "Dock workers at the port of Kelby returned to work on Monday after a ten-day strike over pay and shifts. "
	for i := 0; b.Len() < size-20000; i++ {
		for range 80 {
			b.WriteString(sentence)
		}
		fmt.Fprintf(&b, "Paragraph %d.\n\n", i)
	}
	return []byte(b.String())
}

// fetchPeak fetches n pages at once through f and returns the peak HeapInuse
// seen (sampled every millisecond) above the heap in use before, how many
// fetches succeeded and how many were refused as busy.
func fetchPeak(t *testing.T, f briefs.PageFetcher, url string, n int) (peak uint64, ok, busy int) {
	t.Helper()
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	base := ms.HeapInuse
	var max atomic.Uint64
	stop := make(chan struct{})
	sampled := make(chan struct{})
	go func() {
		defer close(sampled)
		tick := time.NewTicker(time.Millisecond)
		defer tick.Stop()
		var ms runtime.MemStats
		for {
			runtime.ReadMemStats(&ms)
			if ms.HeapInuse > max.Load() {
				max.Store(ms.HeapInuse)
			}
			select {
			case <-stop:
				return
			case <-tick.C:
			}
		}
	}()
	var wg sync.WaitGroup
	var mu sync.Mutex
	for i := range n {
		wg.Go(func() {
			_, err := f(context.Background(), fmt.Sprintf("%s/news/%d", url, i))
			mu.Lock()
			defer mu.Unlock()
			switch {
			case err == nil:
				ok++
			case briefs.ErrorMessage(err) == briefs.ErrFetchBusy:
				busy++
			default:
				t.Errorf("fetch %d: %v", i, err)
			}
		})
	}
	wg.Wait()
	close(stop)
	<-sampled
	if m := max.Load(); m > base {
		peak = m - base
	}
	return peak, ok, busy
}

// TestFetchConcurrencyBoundsHeap fetches 30 pages of 5 MiB at once, without
// a bound on concurrent fetches and with FETCH_CONCURRENCY=8, and compares
// the peak heap in use. The pages are plain text, which keeps the test
// quick; BRIEFBOT_HEAP_HTML=1 fetches HTML pages instead, which extraction
// makes far slower (about a minute on two cores) and heavier.
func TestFetchConcurrencyBoundsHeap(t *testing.T) {
	// A measurement, not a check of behaviour: the heap sampled while the
	// collector runs varies with the machine's load, so it runs on request
	// (BRIEFBOT_HEAP=1). That at most FETCH_CONCURRENCY fetches run at once
	// is TestLimitFetches' job.
	if os.Getenv("BRIEFBOT_HEAP") == "" {
		t.Skip("set BRIEFBOT_HEAP=1 to measure the heap of 30 concurrent 5 MiB fetches")
	}
	page, ctype := bigPage(5<<20), "text/html; charset=utf-8"
	if os.Getenv("BRIEFBOT_HEAP_HTML") == "" {
		page, ctype = bigText(5<<20), "text/plain; charset=utf-8"
	}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", ctype)
		w.Write(page)
	}))
	defer srv.Close()
	const n = 30
	cfg := Config{FetchTimeout: time.Minute, FetchMaxBytes: 6 << 20, FetchAllowPrivate: true}

	cfg.FetchConcurrency = n
	start := time.Now()
	before, okBefore, _ := fetchPeak(t, newPageFetcher(cfg), srv.URL, n)
	tookBefore := time.Since(start)

	cfg.FetchConcurrency = 8
	start = time.Now()
	after, okAfter, busy := fetchPeak(t, newPageFetcher(cfg), srv.URL, n)
	tookAfter := time.Since(start)

	t.Logf("%d concurrent fetches of %s (%s): peak heap in use %s unbounded (%d fetched, %s), %s with FETCH_CONCURRENCY=8 (%d fetched, %d refused as busy, %s)",
		n, briefs.FormatBytes(int64(len(page))), ctype, briefs.FormatBytes(int64(before)), okBefore, tookBefore.Round(time.Millisecond),
		briefs.FormatBytes(int64(after)), okAfter, busy, tookAfter.Round(time.Millisecond))
	if okBefore != n || okAfter+busy != n || okAfter < 8 {
		t.Errorf("fetched %d unbounded, %d + %d busy bounded", okBefore, okAfter, busy)
	}
	if after >= before*2/3 {
		t.Errorf("peak heap with 8 slots %s is not well under the unbounded %s", briefs.FormatBytes(int64(after)), briefs.FormatBytes(int64(before)))
	}
}
