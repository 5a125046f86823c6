//go:build linux

package e2e_test

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/bwmarrin/discordgo"
	"github.com/redis/go-redis/v9"

	"briefbot/bot/discordtest"
	"briefbot/internal/testkit"
	"briefbot/store"
	"briefbot/store/storetest"
)

// loadRedis is the Redis of the load tests: REDIS_URL when set (under a
// prefix deleted afterwards), else a redis-server of the test's own.
func loadRedis(tb testing.TB) (url, prefix, what string) {
	tb.Helper()
	prefix = newPrefix()
	if u := os.Getenv("REDIS_URL"); u != "" {
		tb.Cleanup(func() { storetest.DeletePrefix(tb, u, prefix) })
		return u, prefix, "REDIS_URL"
	}
	r := startRedis(tb, redisConfig{})
	return r.URL(), prefix, "own redis-server " + redisVersion(tb, r.URL())
}

func redisVersion(tb testing.TB, url string) string {
	info := redisInfo(tb, url, "server")
	return info["redis_version"]
}

// redisInfo returns the fields of one INFO section.
func redisInfo(tb testing.TB, url, section string) map[string]string {
	tb.Helper()
	opt, err := redis.ParseURL(url)
	if err != nil {
		tb.Fatal(err)
	}
	c := redis.NewClient(opt)
	defer c.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	s, err := c.Info(ctx, section).Result()
	if err != nil {
		tb.Fatal(err)
	}
	out := map[string]string{}
	for _, line := range strings.Split(s, "\n") {
		if k, v, ok := strings.Cut(strings.TrimSpace(line), ":"); ok {
			out[k] = v
		}
	}
	return out
}

// fill stores articles 0..n-1 of f through the store package, conc at a
// time.
func fill(tb testing.TB, db *store.DB, f *articleFactory, n, conc int) time.Duration {
	tb.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	start := time.Now()
	var next atomic.Int64
	var wg sync.WaitGroup
	var failed atomic.Int64
	for range conc {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := int(next.Add(1)) - 1
				if i >= n || ctx.Err() != nil {
					return
				}
				if _, _, err := db.AddArticle(ctx, f.request(i)); err != nil {
					if failed.Add(1) == 1 {
						tb.Errorf("add article %d: %v", i, err)
					}
				}
			}
		}()
	}
	wg.Wait()
	if failed.Load() > 0 {
		tb.Fatalf("%d adds failed", failed.Load())
	}
	return time.Since(start)
}

// mix is the interactions of the load: /brief of an exact slug (a cache
// hit), autocomplete of what a member types (a person's prefix, a slug
// prefix, a word and a prefix), and now and then /brief of headline words
// (a search that may list candidates).
func mix(guildID string, f *articleFactory, articles int) func(n int) (*discordgo.Interaction, func(answer) string) {
	partials := []string{"pu", "put", "kim tr", "sch", "macron en", "energy", "tokyo", "lula-", "mel", "trade ber"}
	return func(n int) (*discordgo.Interaction, func(answer) string) {
		switch {
		case n%2 == 0:
			return briefIn(guildID, f.slug((n*7919)%articles)), checkBrief
		case n%10 == 1:
			return briefIn(guildID, "putin energy"), checkBriefOrCandidates
		default:
			return discordtest.Autocomplete(guildID, "brief", "topic", partials[(n/2)%len(partials)]), checkChoices
		}
	}
}

func checkBrief(a answer) string {
	if a.resp.Type != 4 || a.resp.Data == nil || len(a.resp.Data.Embeds) != 1 || a.resp.ephemeral() {
		return "not a brief: " + string(a.callback.Body)
	}
	return ""
}

func checkBriefOrCandidates(a answer) string {
	if a.resp.Type != 4 || a.resp.Data == nil || len(a.resp.Data.Embeds) != 1 {
		return "neither a brief nor candidates: " + string(a.callback.Body)
	}
	return ""
}

func checkChoices(a answer) string {
	if a.resp.Type != 8 || a.resp.Data == nil || len(a.resp.Data.Choices) == 0 {
		return "no choices: " + string(a.callback.Body)
	}
	return ""
}

// loadResult is what a run of interactions measured.
type loadResult struct {
	n        int
	elapsed  time.Duration
	lat      []time.Duration // sorted
	failures []string
	byKind   map[string][]time.Duration // sorted, by interaction type
}

func (r loadResult) pct(p float64) time.Duration { return testkit.Percentile(r.lat, p) }

func (r loadResult) rate() float64 { return float64(r.n) / r.elapsed.Seconds() }

func (r loadResult) String() string {
	s := fmt.Sprintf("%d interactions at %.0f/s: p50 %s, p90 %s, p99 %s, max %s, %d failures",
		r.n, r.rate(), ms(r.pct(0.50)), ms(r.pct(0.90)), ms(r.pct(0.99)), ms(r.pct(1)), len(r.failures))
	kinds := make([]string, 0, len(r.byKind))
	for k := range r.byKind {
		kinds = append(kinds, k)
	}
	sort.Strings(kinds)
	for _, k := range kinds {
		l := r.byKind[k]
		s += fmt.Sprintf("; %s (%d): p50 %s, p99 %s", k, len(l), ms(testkit.Percentile(l, 0.5)), ms(testkit.Percentile(l, 0.99)))
	}
	return s
}

func ms(d time.Duration) string { return fmt.Sprintf("%.2fms", float64(d.Microseconds())/1000) }

// runLoad sends n interactions from conc workers, each waiting for its
// callback before sending the next, and measures dispatch-to-callback
// latency. A missing or late (past 3 s: the fake refuses it) callback and an
// unexpected answer are failures.
func runLoad(tb testing.TB, b *botProc, fake *discordtest.Server, n, conc int, next func(int) (*discordgo.Interaction, func(answer) string)) loadResult {
	tb.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	ctx, stop := b.ctx(ctx)
	defer stop()
	lat := make([]time.Duration, n)
	kinds := make([]string, n)
	var (
		counter  atomic.Int64
		mu       sync.Mutex
		failures []string
		wg       sync.WaitGroup
	)
	start := time.Now()
	for range conc {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				k := int(counter.Add(1)) - 1
				if k >= n {
					return
				}
				i, check := next(k)
				kinds[k] = "/brief"
				if i.Type == discordgo.InteractionApplicationCommandAutocomplete {
					kinds[k] = "autocomplete"
				}
				wctx, wcancel := context.WithTimeout(ctx, 5*time.Second)
				a, err := call(wctx, fake, i)
				wcancel()
				lat[k] = a.latency
				problem := ""
				if err != nil {
					problem = err.Error()
					lat[k] = 5 * time.Second
				} else {
					problem = check(a)
				}
				if problem != "" {
					mu.Lock()
					failures = append(failures, fmt.Sprintf("#%d %s: %s", k, i.Type, problem))
					mu.Unlock()
				}
				if ctx.Err() != nil {
					return
				}
			}
		}()
	}
	wg.Wait()
	r := loadResult{n: n, elapsed: time.Since(start), lat: lat, failures: failures, byKind: map[string][]time.Duration{}}
	for k, d := range lat {
		r.byKind[kinds[k]] = append(r.byKind[kinds[k]], d)
	}
	for _, l := range r.byKind {
		sort.Slice(l, func(i, j int) bool { return l[i] < l[j] })
	}
	r.lat = append([]time.Duration(nil), lat...)
	sort.Slice(r.lat, func(i, j int) bool { return r.lat[i] < r.lat[j] })
	fake.ResetRequests()
	return r
}

// loadRig is the built bot serving a guild over a store holding articles
// articles, warmed up with 100 interactions: the start of the load runs.
type loadRig struct {
	bot      *botProc
	fake     *discordtest.Server
	mix      func(int) (*discordgo.Interaction, func(answer) string)
	redis    string // what Redis the run uses, for the log
	articles int
}

func newLoadRig(tb testing.TB, articles int) *loadRig {
	tb.Helper()
	url, prefix, what := loadRedis(tb)
	fake := discordtest.New(tb)
	g := fake.GuildID()
	f := newArticleFactory(tb, g)
	fill(tb, openStore(tb, url, prefix), f, articles, 16)
	b := startBot(tb, "bot", botEnv(tb, fake, "", url, prefix))
	waitReady(tb, b, fake, 0)
	r := &loadRig{bot: b, fake: fake, mix: mix(g, f, articles), redis: what, articles: articles}
	runLoad(tb, b, fake, 100, 8, r.mix) // warm up
	return r
}

// 2,000 /brief and autocomplete interactions at concurrency 32 through the
// gateway of the built bot, with real Redis: none fails, and the latency
// percentiles are logged.
func TestLoad(t *testing.T) {
	r := newLoadRig(t, 200)
	b := r.bot
	res := runLoad(t, b, r.fake, 2000, 32, r.mix)
	rss, hwm := b.rss()
	t.Logf("Redis: %s; %d articles", r.redis, r.articles)
	t.Logf("load: %s", res)
	t.Logf("bot memory after the load: VmRSS %.1f MiB, peak VmHWM %.1f MiB", float64(rss)/1024, float64(hwm)/1024)
	for _, p := range res.failures[:min(10, len(res.failures))] {
		t.Errorf("failure: %s", p)
	}
	if !b.alive() {
		t.Fatalf("the bot exited: %s", b.exitState())
	}
}

// BenchmarkGatewayLoad is TestLoad's mix as a benchmark: b.N interactions at
// concurrency 32 through the built bot; it reports p50-ms, p99-ms and
// interactions/s.
//
//	go test -run '^$' -bench GatewayLoad -benchtime 2000x ./e2e/
func BenchmarkGatewayLoad(b *testing.B) {
	r := newLoadRig(b, 200)
	b.ResetTimer()
	res := runLoad(b, r.bot, r.fake, b.N, 32, r.mix)
	b.StopTimer()
	if len(res.failures) > 0 {
		b.Errorf("%d failures, first: %s", len(res.failures), res.failures[0])
	}
	b.ReportMetric(float64(res.pct(0.50).Microseconds())/1000, "p50-ms")
	b.ReportMetric(float64(res.pct(0.99).Microseconds())/1000, "p99-ms")
	b.ReportMetric(res.rate(), "interactions/s")
}

// 10,000 stored articles: Redis's bytes per article (INFO used_memory delta,
// and MEMORY USAGE of one article's keys beside its share of the indexes),
// the bot's memory (VmRSS of the subprocess) before and after serving
// interactions over them, and the latency of those interactions.
func TestStoredArticlesFootprint(t *testing.T) {
	if testing.Short() {
		t.Skip("stores 10,000 articles")
	}
	const articles = 10000
	url, prefix, what := loadRedis(t)
	fake := discordtest.New(t)
	g := fake.GuildID()
	db := openStore(t, url, prefix)
	f := newArticleFactory(t, g)

	b := startBot(t, "bot", botEnv(t, fake, "", url, prefix))
	waitReady(t, b, fake, 0)
	fill(t, db, f, 10, 4)
	runLoad(t, b, fake, 200, 8, mix(g, f, 10))
	rss0, _ := b.rss()

	before := testkit.UsedMemory(t, url)
	took := fill(t, db, f, articles, 32)
	after := testkit.UsedMemory(t, url)
	t.Logf("Redis: %s", what)
	t.Logf("stored %d articles in %s (%.0f adds/s)", articles, took.Round(time.Millisecond), articles/took.Seconds())
	t.Logf("Redis used_memory: %.1f MiB -> %.1f MiB: %.0f bytes per article (text %d bytes)",
		float64(before)/(1<<20), float64(after)/(1<<20), float64(after-before)/articles, len(f.textOf(articles/2)))
	memoryBreakdown(t, url, prefix, g, f, articles)

	res := runLoad(t, b, fake, 1000, 32, mix(g, f, articles))
	rss1, hwm := b.rss()
	t.Logf("over %d articles: %s", articles, res)
	t.Logf("bot memory: VmRSS %.1f MiB before the articles, %.1f MiB after serving 1,000 interactions over them (peak VmHWM %.1f MiB)",
		float64(rss0)/1024, float64(rss1)/1024, float64(hwm)/1024)
	for _, p := range res.failures[:min(10, len(res.failures))] {
		t.Errorf("failure: %s", p)
	}

	// briefbot list --limit N: one Recent call over every article.
	t.Run("list_all", func(t *testing.T) {
		cmd := exec.Command(briefbotBinary(t), "list", "--guild", g, "--limit", strconv.Itoa(articles))
		cmd.Env = []string{"PATH=" + os.Getenv("PATH"), "HOME=" + t.TempDir(), "REDIS_URL=" + url, "REDIS_KEY_PREFIX=" + prefix}
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Errorf("briefbot list --limit %d over %d articles: %v\n%s", articles, articles, err, tail(string(out), 5))
			return
		}
		if lines := strings.Count(string(out), "\n"); lines < articles {
			t.Errorf("briefbot list printed %d lines for %d articles", lines, articles)
		}
	})
}

// memoryBreakdown logs MEMORY USAGE of one article's own keys and each
// shared index divided by the number of articles.
func memoryBreakdown(tb testing.TB, url, prefix, guildID string, f *articleFactory, articles int) {
	tb.Helper()
	opt, err := redis.ParseURL(url)
	if err != nil {
		tb.Fatal(err)
	}
	c := redis.NewClient(opt)
	defer c.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	base := prefix + "g:{" + guildID + "}:"
	req := f.request(articles / 2)
	usage := func(key string) int64 {
		n, err := c.MemoryUsage(ctx, key, 0).Result()
		if err != nil && err != redis.Nil {
			tb.Logf("MEMORY USAGE %s: %v", key, err)
		}
		return n
	}
	own := map[string]int64{
		"article record": usage(base + "article:" + req.Article.ID),
		"cached brief":   usage(base + "brief:" + req.Article.Slug + ":" + f.version),
	}
	shared := map[string]int64{}
	for _, k := range []string{"listings", "recent", "slugidx", "slugs", "hashes", "urls", "termidx"} {
		shared[k] = usage(base + k)
	}
	var terms, termKeys int64
	iter := c.Scan(ctx, 0, base+"term:*", 1000).Iterator()
	for iter.Next(ctx) {
		terms += usage(iter.Val())
		termKeys++
	}
	shared[fmt.Sprintf("term sets (%d)", termKeys)] = terms
	var parts []string
	var sum float64
	for k, v := range own {
		parts = append(parts, fmt.Sprintf("%s %d", k, v))
		sum += float64(v)
	}
	for k, v := range shared {
		per := float64(v) / float64(articles)
		parts = append(parts, fmt.Sprintf("%s %.0f", k, per))
		sum += per
	}
	sort.Strings(parts)
	tb.Logf("MEMORY USAGE per article: %s; total %.0f bytes", strings.Join(parts, ", "), sum)
}
