// Package testkit holds the helpers that the tests of several packages
// need alike: a log sink that a test can wait on, the sample article, the
// CNN/DailyMail evaluation articles, benchmark sizes from the environment,
// a latency percentile and Redis's memory figure. Only tests import it.
package testkit

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
)

// LogBuffer is a log sink that a logger (or a process's output) and the test
// share: writes may come from any goroutine, and WaitFor wakes on every
// write instead of polling.
type LogBuffer struct {
	mu      sync.Mutex
	b       bytes.Buffer
	changed chan struct{} // closed and replaced on every write
}

func (l *LogBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.changed != nil {
		close(l.changed)
		l.changed = nil
	}
	return l.b.Write(p)
}

// String is everything written so far.
func (l *LogBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// WaitUntil waits until cond holds for everything written so far, or ctx
// ends.
func (l *LogBuffer) WaitUntil(ctx context.Context, cond func(written string) bool) error {
	for {
		l.mu.Lock()
		text := l.b.String()
		if l.changed == nil {
			l.changed = make(chan struct{})
		}
		ch := l.changed
		l.mu.Unlock()
		if cond(text) {
			return nil
		}
		select {
		case <-ch:
		case <-ctx.Done():
			return ctx.Err()
		}
	}
}

// WaitFor waits until s has been written, or ctx ends.
func (l *LogBuffer) WaitFor(ctx context.Context, s string) error {
	err := l.WaitUntil(ctx, func(written string) bool { return strings.Contains(written, s) })
	if err != nil {
		return fmt.Errorf("the logs never said %q: %w", s, err)
	}
	return nil
}

// SampleArticle is the project's sample article, examples/putin-kim.txt,
// found from the module root whatever package the test runs in.
func SampleArticle(tb testing.TB) string {
	tb.Helper()
	b, err := os.ReadFile(filepath.Join(ModuleRoot(tb), "examples", "putin-kim.txt"))
	if err != nil {
		tb.Fatal(err)
	}
	return string(b)
}

// ModuleRoot is the folder of the module's go.mod, found upwards from the
// test's working directory (its package folder).
func ModuleRoot(tb testing.TB) string {
	tb.Helper()
	dir, err := os.Getwd()
	if err != nil {
		tb.Fatal(err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			tb.Fatal("no go.mod above the test's folder")
		}
		dir = parent
	}
}

// SharedPath is a path in the shared folder beside the module's checkout
// (../shared: the evaluation data and labelled sets that the repository does
// not hold), whether or not it exists there.
func SharedPath(tb testing.TB, elem ...string) string {
	tb.Helper()
	return filepath.Join(append([]string{filepath.Dir(ModuleRoot(tb)), "shared"}, elem...)...)
}

// CNNDMArticles are the articles of 500 bytes or more of the CNN/DailyMail
// evaluation file read at run time: the one at path, or
// shared/evaldata/cnndm_frank.jsonl (SharedPath) when path is "". None when
// the file is not there.
func CNNDMArticles(tb testing.TB, path string) []string {
	tb.Helper()
	if path == "" {
		path = SharedPath(tb, "evaldata", "cnndm_frank.jsonl")
	}
	f, err := os.Open(path)
	if err != nil {
		return nil
	}
	defer f.Close()
	var out []string
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 1<<24)
	for sc.Scan() {
		var rec struct {
			Article string `json:"article"`
		}
		if json.Unmarshal(sc.Bytes(), &rec) == nil && len(rec.Article) >= 500 {
			out = append(out, rec.Article)
		}
	}
	if err := sc.Err(); err != nil {
		tb.Fatal(err)
	}
	return out
}

// RepeatTexts makes n distinct articles from texts by cycling through them
// with a distinct first line: article i is texts[i%len(texts)] after
// "Updated i.".
func RepeatTexts(texts []string, n int) []string {
	out := make([]string, n)
	for i := range out {
		out[i] = fmt.Sprintf("Updated %d. %s", i, texts[i%len(texts)])
	}
	return out
}

// EnvCount is the count in the environment variable name, for a benchmark
// whose size it sets; def when it is not set. Anything but a positive
// integer fails the test.
func EnvCount(tb testing.TB, name string, def int) int {
	tb.Helper()
	s := os.Getenv(name)
	if s == "" {
		return def
	}
	n, err := strconv.Atoi(s)
	if err != nil || n <= 0 {
		tb.Fatalf("%s=%q: want a positive count", name, s)
	}
	return n
}

// Percentile is the nearest-rank percentile p (0 < p <= 1) of sorted
// durations: the smallest value that at least p of them do not exceed.
// Zero for none.
func Percentile(sorted []time.Duration, p float64) time.Duration {
	if len(sorted) == 0 {
		return 0
	}
	i := int(math.Ceil(p*float64(len(sorted)))) - 1
	return sorted[min(max(i, 0), len(sorted)-1)]
}

// UsedMemory is the used_memory figure of INFO memory of the Redis at url.
func UsedMemory(tb testing.TB, url string) int64 {
	tb.Helper()
	opt, err := redis.ParseURL(url)
	if err != nil {
		tb.Fatal(err)
	}
	c := redis.NewClient(opt)
	defer c.Close()
	info, err := c.Info(context.Background(), "memory").Result()
	if err != nil {
		tb.Fatal(err)
	}
	for _, line := range strings.Split(info, "\n") {
		if v, ok := strings.CutPrefix(strings.TrimSpace(line), "used_memory:"); ok {
			n, err := strconv.ParseInt(v, 10, 64)
			if err != nil {
				tb.Fatal(err)
			}
			return n
		}
	}
	tb.Fatal("no used_memory in INFO memory")
	return 0
}

// Parallel calls fn(i) for each i in [0, n) from workers goroutines, as
// the benchmarks fill their stores; a worker stops at its first error,
// which fails tb, and Parallel returns when all have stopped (FailNow on a
// failure).
func Parallel(tb testing.TB, n, workers int, fn func(i int) error) {
	tb.Helper()
	var next atomic.Int64
	var wg sync.WaitGroup
	for range workers {
		wg.Go(func() {
			for i := int(next.Add(1)) - 1; i < n; i = int(next.Add(1)) - 1 {
				if err := fn(i); err != nil {
					tb.Errorf("item %d: %v", i, err)
					return
				}
			}
		})
	}
	wg.Wait()
	if tb.Failed() {
		tb.FailNow()
	}
}
