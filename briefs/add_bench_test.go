package briefs_test

import (
	"context"
	"fmt"
	"os"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"briefbot/briefs"
	"briefbot/briefs/extractive"
	"briefbot/briefs/stories"
	"briefbot/internal/testkit"
	"briefbot/store"
	"briefbot/store/storetest"
)

// maxEmbeddedAddBench is the largest guild BenchmarkAddIntoLargeGuild fills
// on the embedded store (without REDIS_URL): a bigger one is a job for real
// Redis.
const maxEmbeddedAddBench = 10_000

// BenchmarkAddIntoLargeGuild measures Service.Add, the whole add of one
// article (extractive summary, story check, AddArticle), into a guild that
// holds ADD_BENCH_ARTICLES articles already (default 100,000). It fills the
// guild with AddArticle directly, from 8 goroutines: real CNN/DailyMail
// texts (testkit.CNNDMArticles) cycled with a distinct first line, each
// distinct text summarized once and its summary reused for its copies, one
// added every 5 minutes up to now. As in production, only the articles of
// the story window (72 hours, about 860 of them) still hold a signature,
// expiring when they leave it, and only the last day's briefs are cached.
// Then it times ADD_BENCH_ADDS (default 500) adds of more such texts, one
// at a time, through a Service with the story check and no cap on the
// guild's articles, and reports their p50, p99 and mean, the same for the
// story check alone (signing the article, reading the 300 newest
// signatures, matching), for reading the candidates and for AddArticle,
// and the Redis round trips an add takes. Each text has copies among the
// newest articles, so nearly every add joins a story. Run it with
//
//	REDIS_URL=redis://127.0.0.1:6379/12 go test ./briefs/ -run '^$' -bench AddInto -benchtime 1x -timeout 30m -v
//
// Without REDIS_URL it runs on the embedded store, and only with
// ADD_BENCH_ARTICLES of at most 10,000.
func BenchmarkAddIntoLargeGuild(b *testing.B) {
	if testing.Short() {
		b.Skip("not with -short")
	}
	n := testkit.EnvCount(b, "ADD_BENCH_ARTICLES", 100_000)
	adds := testkit.EnvCount(b, "ADD_BENCH_ADDS", 500)
	if os.Getenv("REDIS_URL") == "" && n > maxEmbeddedAddBench {
		b.Skipf("%d articles want REDIS_URL (the embedded store takes at most ADD_BENCH_ARTICLES=%d)", n, maxEmbeddedAddBench)
	}
	cnndm := testkit.CNNDMArticles(b, "")
	if len(cnndm) == 0 {
		b.Skip("no CNN/DailyMail articles in shared/evaldata")
	}
	if m, ok := addBenchResults.Load(b.Name()); ok { // b.N > 1: measured already
		for unit, v := range m.(map[string]float64) {
			b.ReportMetric(v, unit)
		}
		return
	}
	b.StopTimer()
	ctx := context.Background()
	db := storetest.Open(b)
	var rt roundTrips
	db.AddHook(&rt)
	matcher := stories.NewMatcher()
	texts := testkit.RepeatTexts(cnndm, n+adds) // the first n fill the guild, the rest are added
	start := time.Now()
	fillGuild(b, db, "g1", texts[:n], len(cnndm), matcher)
	b.Logf("filled a guild with %d articles in %s", n, time.Since(start).Round(time.Millisecond))

	ts := &timedStore{DB: db}
	tm := &timedMatcher{Matcher: matcher}
	svc := &briefs.Service{Store: ts, Summarizer: extractive.New(), BriefTTL: 24 * time.Hour, Stories: tm}
	total := make([]time.Duration, 0, adds)
	rt0 := rt.n.Load()
	var renamed, renamedTrips int64 // adds whose slug was taken, and their round trips
	b.StartTimer()
	for i, text := range texts[n:] {
		site := benchNewsSites[i%len(benchNewsSites)]
		t0, trips0 := time.Now(), rt.n.Load()
		res, err := svc.Add(ctx, briefs.AddInput{GuildID: "g1", UserID: "123456789012345678", Text: text,
			SourceURL: fmt.Sprintf("https://%s/news/%d", site, n+i), Site: site, PublishedAt: time.Now()})
		total = append(total, time.Since(t0))
		if err != nil || !res.Created {
			b.Fatalf("add %d: created %v, %v", i, res.Created, err)
		}
		if want := ts.wanted[len(ts.wanted)-1]; res.Brief.Slug != want {
			renamed++
			renamedTrips += rt.n.Load() - trips0
		}
	}
	b.StopTimer()
	trips := float64(rt.n.Load()-rt0) / float64(adds)
	check := make([]time.Duration, adds) // sign + candidates + match
	for i := range check {
		check[i] = tm.sign[i] + ts.cands[i] + tm.match[i]
	}
	metrics := map[string]float64{"roundtrips/add": trips}
	b.Logf("%d adds into a guild of %d articles (%d joined a story), %.1f Redis round trips an add:", adds, n, ts.joined, trips)
	if renamed > 0 && renamed < int64(adds) {
		b.Logf("  %.1f round trips an add whose slug was free, %.1f for the %d whose slug was taken (the store offers another slug: one more script)",
			float64(rt.n.Load()-rt0-renamedTrips)/float64(int64(adds)-renamed), float64(renamedTrips)/float64(renamed), renamed)
	}
	b.Logf("  the story check read %.0f candidates an add, %.0f KB of signatures (%.0f B each)", float64(ts.candCount)/float64(adds),
		float64(ts.candBytes)/float64(adds)/1000, float64(ts.candBytes)/float64(max(ts.candCount, 1)))
	b.Logf("  %-28s %9s %9s %9s", "", "p50", "p99", "mean")
	for _, part := range []struct {
		name, unit string
		d          []time.Duration
	}{
		{"Service.Add", "", total},
		{"story check", "storycheck-", check},
		{"  StoryCandidates (300)", "candidates-", ts.cands},
		{"  Sign + Match", "", sumDurations(tm.sign, tm.match)},
		{"AddArticle", "addarticle-", ts.add},
	} {
		p50, p99, mean := latencies(part.d)
		b.Logf("  %-28s %9s %9s %9s", part.name, ms(p50), ms(p99), ms(mean))
		if part.name == "Service.Add" {
			metrics["ns/op"] = mean * float64(time.Millisecond) // an op is one add
		}
		if part.name == "Service.Add" || part.unit != "" {
			metrics[part.unit+"p50-ms"] = p50
			metrics[part.unit+"p99-ms"] = p99
			metrics[part.unit+"mean-ms"] = mean
		}
	}
	for unit, v := range metrics {
		b.ReportMetric(v, unit)
	}
	addBenchResults.Store(b.Name(), metrics)
}

// addBenchResults keeps the figures of BenchmarkAddIntoLargeGuild, so that
// the testing package running it again with a larger b.N does not fill the
// guild again.
var addBenchResults sync.Map

// benchNewsSites are the sites the benchmark's articles come from.
var benchNewsSites = []string{"www.bbc.co.uk", "edition.cnn.com", "www.dailymail.co.uk", "www.reuters.com", "apnews.com", "www.theguardian.com"}

// fillGuild adds texts to guild with AddRequests as Service.Add makes them,
// text i being a copy of distinct text i%distinct (all the copies of one
// share its summary) with a slug of its own, added 5 minutes after text
// i-1, the last one 5 minutes ago.
func fillGuild(b *testing.B, db *store.DB, guild string, texts []string, distinct int, matcher *stories.Matcher) {
	b.Helper()
	const step, briefTTL = 5 * time.Minute, 24 * time.Hour
	summarizer := extractive.New()
	sums := make([]briefs.Summary, min(distinct, len(texts)))
	for i := range sums {
		var err error
		if sums[i], err = summarizer.Summarize(briefs.Document{Text: texts[i]}); err != nil {
			b.Fatalf("summarize text %d: %v", i, err)
		}
	}
	now := time.Now().UTC()
	request := func(i int) briefs.AddRequest {
		sum, text := sums[i%len(sums)], texts[i]
		hash := briefs.ContentHash(text)
		at := now.Add(-time.Duration(len(texts)-i) * step)
		age := now.Sub(at)
		site := benchNewsSites[i%len(benchNewsSites)]
		a := briefs.Article{ID: hash[:16], GuildID: guild, Slug: numberedSlug(sum.Slug, i), Title: sum.Title, Text: text,
			SourceURL: fmt.Sprintf("https://%s/news/%d", site, i), Site: site, Byline: sum.Byline, PublishedAt: at,
			Lang: sum.Lang, ContentHash: hash, AddedBy: "123456789012345678", AddedAt: at}
		req := briefs.AddRequest{Article: a, SlugTopic: sum.SlugTopic, Terms: briefs.IndexTerms(a.Slug, a.Title, sum.Entities),
			Brief: briefs.Brief{ArticleID: a.ID, GuildID: guild, Slug: a.Slug, Title: a.Title, Gist: sum.Gist, Bullets: sum.Bullets,
				SourceURL: a.SourceURL, Site: site, Byline: sum.Byline, PublishedAt: at, ReadingMinutes: briefs.ReadingMinutes(sum.Words),
				Entities: sum.Entities, Lang: sum.Lang, CreatedAt: at}}
		if age < briefTTL { // older briefs have left the cache
			req.Brief.Summarizer, req.BriefTTL = summarizer.Version(), briefTTL-age
		}
		if age < matcher.Window() { // older signatures have expired
			req.Story = &briefs.StoryLink{Signature: matcher.Sign(a, sum.Entities), SignatureTTL: matcher.Window() - age,
				Source: briefs.SourceOf(a)}
		}
		return req
	}
	ctx := context.Background()
	testkit.Parallel(b, len(texts), 8, func(i int) error {
		req := request(i)
		if _, created, err := db.AddArticle(ctx, req); err != nil {
			return err
		} else if !created {
			return fmt.Errorf("%q was not created", req.Article.Slug)
		}
		return nil
	})
}

// numberedSlug is slug with -<i+1> appended, shortened to fit MaxSlugLen:
// every copy of a text gets a slug of its own, as distinct articles have.
func numberedSlug(slug string, i int) string {
	suffix := "-" + strconv.Itoa(i+1)
	slug = strings.TrimRight(slug[:min(len(slug), briefs.MaxSlugLen-len(suffix))], "-")
	if slug == "" {
		slug = "article"
	}
	return slug + suffix
}

// timedStore is the store, timing the story check's read of the
// candidates and AddArticle.
type timedStore struct {
	*store.DB
	cands, add []time.Duration
	wanted     []string // the slug each AddArticle asked for
	joined     int
	// candCount and candBytes are the candidates read in all, and their
	// signatures' bytes.
	candCount, candBytes int
}

func (s *timedStore) StoryCandidates(ctx context.Context, guildID string, limit int) (briefs.StoryPool, error) {
	t0 := time.Now()
	pool, err := s.DB.StoryCandidates(ctx, guildID, limit)
	s.cands = append(s.cands, time.Since(t0))
	s.candCount += len(pool.Candidates)
	for _, x := range pool.Candidates {
		s.candBytes += len(x.Signature)
	}
	return pool, err
}

func (s *timedStore) AddArticle(ctx context.Context, req briefs.AddRequest) (briefs.Article, bool, error) {
	t0 := time.Now()
	a, created, err := s.DB.AddArticle(ctx, req)
	s.add = append(s.add, time.Since(t0))
	s.wanted = append(s.wanted, req.Article.Slug)
	if req.Story != nil && req.Story.Join != "" {
		s.joined++
	}
	return a, created, err
}

// timedMatcher is the story matcher, timing Sign and Match.
type timedMatcher struct {
	*stories.Matcher
	sign, match []time.Duration
}

func (m *timedMatcher) Sign(a briefs.Article, entities []string) []byte {
	t0 := time.Now()
	sig := m.Matcher.Sign(a, entities)
	m.sign = append(m.sign, time.Since(t0))
	return sig
}

func (m *timedMatcher) Match(sig []byte, candidates []briefs.StoryCandidate) (briefs.StoryCandidate, bool) {
	t0 := time.Now()
	c, ok := m.Matcher.Match(sig, candidates)
	m.match = append(m.match, time.Since(t0))
	return c, ok
}

// latencies are the p50, p99 and mean of d in milliseconds.
func latencies(d []time.Duration) (p50, p99, mean float64) {
	sorted := slices.Clone(d)
	slices.Sort(sorted)
	var sum time.Duration
	for _, x := range sorted {
		sum += x
	}
	msOf := func(x time.Duration) float64 { return float64(x) / float64(time.Millisecond) }
	return msOf(testkit.Percentile(sorted, 0.50)), msOf(testkit.Percentile(sorted, 0.99)), msOf(sum) / float64(max(len(d), 1))
}

// sumDurations adds x and y element by element.
func sumDurations(x, y []time.Duration) []time.Duration {
	out := make([]time.Duration, len(x))
	for i := range out {
		out[i] = x[i] + y[i]
	}
	return out
}

func ms(v float64) string { return strconv.FormatFloat(v, 'f', 3, 64) + " ms" }
