package store_test

import (
	"context"
	"fmt"
	"os"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"briefbot/briefs"
	"briefbot/internal/testkit"
	"briefbot/store"
	"briefbot/store/storetest"
)

// isolationArticles is how many articles the big guild of
// BenchmarkIsolation holds; ISOLATION_ARTICLES overrides it.
const isolationArticles = 100_000

// hubWords are words many articles share (each title holds two of them), as
// "trade" or "election" do in a real guild: with 100,000 articles each
// indexes about 10,000.
var hubWords = []string{"trade", "energy", "security", "election", "market", "climate", "health", "court",
	"budget", "border", "police", "school", "housing", "transport", "water", "farm", "tax", "strike", "storm", "bank"}

// poolWord is the i-th of a few thousand rarer made-up words ("kalomi"), so
// that word prefixes spread over the vocabulary.
func poolWord(i int) string {
	const cons, vows = "bdfgklmnprstvz", "aeiou"
	var b strings.Builder
	for range 3 {
		b.WriteByte(cons[i%len(cons)])
		i /= len(cons)
		b.WriteByte(vows[i%len(vows)])
		i /= len(vows)
	}
	return b.String()
}

// BenchmarkIsolation measures, on the Redis at REDIS_URL, what the calls
// behind /brief, /briefs and autocomplete cost in a guild of 100,000
// articles, whether that guild's autocomplete slows another guild's, and the
// keys and memory that digest markers of empty slots take. It fills the
// guild once and reports with b.Logf and b.ReportMetric; run it with
//
//	REDIS_URL=redis://127.0.0.1:6379/8 go test ./store/ -run '^$' -bench Isolation -benchtime 1x -timeout 30m -v
func BenchmarkIsolation(b *testing.B) {
	url := os.Getenv("REDIS_URL")
	if url == "" || testing.Short() {
		b.Skip("needs REDIS_URL and not -short")
	}
	n := isolationArticles
	if s := os.Getenv("ISOLATION_ARTICLES"); s != "" {
		n, _ = strconv.Atoi(s)
	}
	opt, err := redis.ParseURL(url)
	if err != nil {
		b.Fatal(err)
	}
	raw := redis.NewClient(opt)
	b.Cleanup(func() { raw.Close() })
	ctx := context.Background()
	prefix := storetest.RandomPrefix()
	db := storetest.OpenRedis(b, url, prefix)

	start := time.Now()
	mem0 := testkit.UsedMemory(b, url)
	fill(b, db, "big", n, 16)
	b.Logf("filled %d articles in %s; used_memory grew %d bytes (%.0f B an article), term indexes %d keys",
		n, time.Since(start).Round(time.Millisecond), testkit.UsedMemory(b, url)-mem0, float64(testkit.UsedMemory(b, url)-mem0)/float64(n),
		scanCount(b, raw, prefix+"g:{big}:term:*"))
	fill(b, db, "small", 200, 4)

	// The calls behind each command, for the big guild.
	big := []struct {
		name string
		call func(i int) error
	}{
		{"ArticleBySlug (/brief by slug)", func(i int) error {
			_, err := db.ArticleBySlug(ctx, "big", slugOf(i*7919%n))
			return err
		}},
		{"CachedBrief (/brief by slug)", func(i int) error {
			_, _, err := db.CachedBrief(ctx, "big", slugOf(i*7919%n), testVersion)
			return err
		}},
		{"FindByTerms rare word (/brief query)", func(i int) error {
			_, err := db.FindByTerms(ctx, "big", []string{poolWord(i % 3000)}, briefs.MaxCandidates)
			return err
		}},
		{"FindByTerms one common word (/brief, /briefs query)", func(i int) error {
			_, err := db.FindByTerms(ctx, "big", []string{hubWords[i%len(hubWords)]}, briefs.MaxCandidates)
			return err
		}},
		{"FindByTerms two common words", func(i int) error {
			_, err := db.FindByTerms(ctx, "big", []string{hubWords[i%len(hubWords)], hubWords[(i+1)%len(hubWords)]}, briefs.MaxCandidates)
			return err
		}},
		{"Recent page (/briefs, no query)", func(i int) error {
			_, _, err := db.Recent(ctx, "big", (i%40)*10, 10)
			return err
		}},
		{"Suggest empty input", func(i int) error {
			_, err := db.Suggest(ctx, "big", briefs.SuggestQuery{}, briefs.MaxCandidates)
			return err
		}},
		{"Suggest slug prefix hit (\"ka\")", func(i int) error {
			_, err := db.Suggest(ctx, "big", briefs.ParseSuggestQuery(poolWord(i % 3000)[:2]), briefs.MaxCandidates)
			return err
		}},
		{"Suggest common word typed (\"trade\")", func(i int) error {
			_, err := db.Suggest(ctx, "big", briefs.ParseSuggestQuery(hubWords[i%len(hubWords)]), briefs.MaxCandidates)
			return err
		}},
		{"Suggest common word + prefix (\"trade ka\")", func(i int) error {
			_, err := db.Suggest(ctx, "big", briefs.ParseSuggestQuery(hubWords[i%len(hubWords)]+" "+poolWord(i % 3000)[:2]), briefs.MaxCandidates)
			return err
		}},
		{"Suggest common word + longer prefix (\"trade kal\")", func(i int) error {
			_, err := db.Suggest(ctx, "big", briefs.ParseSuggestQuery(hubWords[i%len(hubWords)]+" "+poolWord(i % 3000)[:3]), briefs.MaxCandidates)
			return err
		}},
		{"Suggest at every keystroke of typed queries", func(i int) error {
			_, err := db.Suggest(ctx, "big", briefs.ParseSuggestQuery(keystroke(i)), briefs.MaxCandidates)
			return err
		}},
		{"Suggest common word complete (\"trade \")", func(i int) error {
			_, err := db.Suggest(ctx, "big", briefs.ParseSuggestQuery(hubWords[i%len(hubWords)]+" "), briefs.MaxCandidates)
			return err
		}},
	}
	b.Logf("%-55s %19s  %19s", "", "round trip", "Redis time")
	for _, c := range big {
		var d []time.Duration
		r := redisTime(b, raw, func() { d = timeCalls(b, 300, c.call) })
		b.Logf("%-55s median %8s  p99 %8s  median %8s  p99 %8s  max %8s", c.name, pct(d, 50), pct(d, 99), pct(r, 50), pct(r, 99), r[len(r)-1])
	}

	// Another guild's autocomplete, idle, while 8 members of the big guild
	// type (a keystroke every 150 ms each: Discord asks for suggestions at
	// every keystroke), and while 8 goroutines call the big guild's
	// autocomplete as fast as they can (a stress far beyond typing).
	// Idle and typing alternate, three rounds each, so that the machine's
	// own noise falls on both alike.
	var idleP99, typingP99 []time.Duration
	for round := range 3 {
		idle, _ := smallUnderLoad(b, db, -1)
		typing, typingRate := smallUnderLoad(b, db, 150*time.Millisecond)
		idleP99, typingP99 = append(idleP99, pct(idle, 99)), append(typingP99, pct(typing, 99))
		b.Logf("round %d: small guild Suggest idle:                      median %8s  p99 %8s", round+1, pct(idle, 50), pct(idle, 99))
		b.Logf("round %d: small guild Suggest, 8 big-guild members type: median %8s  p99 %8s  (big guild: %.0f Suggest/s)",
			round+1, pct(typing, 50), pct(typing, 99), typingRate)
	}
	slices.Sort(idleP99)
	slices.Sort(typingP99)
	b.Logf("small guild Suggest p99, median of 3 rounds: idle %s, while 8 members type %s (%.2f×)",
		idleP99[1], typingP99[1], float64(typingP99[1])/float64(idleP99[1]))
	flat, flatRate := smallUnderLoad(b, db, 0)
	b.Logf("small guild Suggest, 8 big-guild flat-out loops: median %8s  p99 %8s  (big guild: %.0f Suggest/s)",
		pct(flat, 50), pct(flat, 99), flatRate)
	b.ReportMetric(float64(idleP99[1].Microseconds()), "idle-p99-µs")
	b.ReportMetric(float64(typingP99[1].Microseconds()), "typing-p99-µs")
	b.ReportMetric(float64(pct(flat, 99).Microseconds()), "flat-p99-µs")

	markers(b, db, raw, url, prefix)
}

// typedQuery is the i-th query a member of the big guild types: a common
// word and the start of a rarer one, or a common word alone.
func typedQuery(i int) string {
	if i%2 == 0 {
		return hubWords[i%len(hubWords)]
	}
	return hubWords[i%len(hubWords)] + " " + poolWord(i % 3000)[:3]
}

// keystroke is the i-th of the inputs autocomplete sees while members type
// typedQuery(0), typedQuery(1), ... one character at a time.
func keystroke(i int) string {
	for q := 0; ; q++ {
		s := typedQuery(q)
		if i < len(s) {
			return s[:i+1]
		}
		i -= len(s)
	}
}

// smallUnderLoad samples the small guild's autocomplete every 2 ms, 3,000
// times, while 8 members of the big guild type queries one keystroke every
// keystroke (0: with no pause; negative: no load), and returns the sorted
// durations and the big guild's calls per second.
func smallUnderLoad(b *testing.B, db *store.DB, keystroke time.Duration) ([]time.Duration, float64) {
	ctx := context.Background()
	var stop atomic.Bool
	var wg sync.WaitGroup
	var loadCalls atomic.Int64
	for w := range 8 {
		if keystroke < 0 {
			break
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := w; !stop.Load(); i += 8 {
				q := typedQuery(i)
				for k := 1; k <= len(q) && !stop.Load(); k++ {
					if _, err := db.Suggest(ctx, "big", briefs.ParseSuggestQuery(q[:k]), briefs.MaxCandidates); err != nil {
						b.Error(err)
						return
					}
					loadCalls.Add(1)
					time.Sleep(keystroke) // pacing the load, not waiting for it
				}
			}
		}()
	}
	t0 := time.Now()
	d := make([]time.Duration, 3000)
	for i := range d {
		t := time.Now()
		if _, err := db.Suggest(ctx, "small", briefs.ParseSuggestQuery(poolWord(i % 200)[:3]), briefs.MaxCandidates); err != nil {
			b.Fatal(err)
		}
		d[i] = time.Since(t)
		time.Sleep(2 * time.Millisecond)
	}
	rate := float64(loadCalls.Load()) / time.Since(t0).Seconds()
	stop.Store(true)
	wg.Wait()
	slices.Sort(d)
	return d, rate
}

// titleOf is the i-th article's title: two rare words, two common ones and
// a third rare one.
func titleOf(i int) string {
	return fmt.Sprintf("%s %s %s %s %s", poolWord(i%5000), poolWord((i/5000+i*31)%5000),
		hubWords[i%len(hubWords)], hubWords[(i/len(hubWords)+i*7)%len(hubWords)], poolWord((i*13+7)%5000))
}

func slugOf(i int) string {
	return strings.Join(strings.Fields(titleOf(i))[:2], "-") + "-" + strconv.Itoa(i)
}

// fill adds n articles to guild with the store's AddArticle from workers
// goroutines, one a minute from the start of 2025.
func fill(b *testing.B, db *store.DB, guild string, n, workers int) {
	fillSpread(b, db, guild, n, workers, time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC), time.Minute)
}

// slowLogged runs fn with the Redis slow log logging every command slower
// than slowerThan µs (room for 10,000), and returns what it logged; the
// slow log's settings are put back afterwards.
func slowLogged(b *testing.B, raw *redis.Client, slowerThan string, fn func()) []redis.SlowLog {
	b.Helper()
	ctx := context.Background()
	old, err := raw.ConfigGet(ctx, "slowlog-*").Result()
	if err != nil {
		b.Fatal(err)
	}
	defer func() {
		for k, v := range old {
			raw.ConfigSet(ctx, k, v)
		}
	}()
	if err := raw.ConfigSet(ctx, "slowlog-max-len", "10000").Err(); err != nil {
		b.Fatal(err)
	}
	raw.ConfigSet(ctx, "slowlog-log-slower-than", slowerThan)
	raw.SlowLogReset(ctx)
	fn()
	raw.ConfigSet(ctx, "slowlog-log-slower-than", "-1")
	logs, err := raw.SlowLogGet(ctx, 10000).Result()
	if err != nil {
		b.Fatal(err)
	}
	return logs
}

// redisTime runs calls and returns, sorted, how long Redis itself spent on
// each command they sent (from SLOWLOG with every command logged): the
// time the server was busy, which is what delays every other guild.
func redisTime(b *testing.B, raw *redis.Client, calls func()) []time.Duration {
	logs := slowLogged(b, raw, "0", calls)
	// Redis logs the commands a script runs as well as the script: count
	// the scripts when there are any, else the plain commands.
	var scripts, plain []time.Duration
	for _, l := range logs {
		switch {
		case len(l.Args) == 0, strings.EqualFold(l.Args[0], "config"), strings.EqualFold(l.Args[0], "slowlog"):
		case strings.EqualFold(l.Args[0], "evalsha"), strings.EqualFold(l.Args[0], "eval"):
			scripts = append(scripts, l.Duration)
		default:
			plain = append(plain, l.Duration)
		}
	}
	d := scripts
	if len(d) == 0 {
		d = plain
	}
	if len(d) == 0 {
		b.Fatal("no commands in the slow log")
	}
	slices.Sort(d)
	return d
}

// timeCalls times n calls of call, sorted.
func timeCalls(b *testing.B, n int, call func(i int) error) []time.Duration {
	d := make([]time.Duration, n)
	for i := range n {
		t := time.Now()
		if err := call(i); err != nil {
			b.Fatal(err)
		}
		d[i] = time.Since(t)
	}
	slices.Sort(d)
	return d
}

// pct is the nearest-rank percentile p (in per cent) of sorted durations,
// rounded to the microsecond for the report.
func pct(sorted []time.Duration, p int) time.Duration {
	return testkit.Percentile(sorted, float64(p)/100).Round(time.Microsecond)
}

// markers writes the digest markers that 500 channels with a schedule every
// MIN_DIGEST_INTERVAL (15 minutes, the shortest allowed) hold at once in
// steady state when every slot is empty: a marker of an empty slot lives
// twice the grace period plus the lock TTL (2h02m by default), so a channel
// holds ceil(122/15) = 9 of them at most. It reports the keys and the
// used_memory they take.
func markers(b *testing.B, db *store.DB, raw *redis.Client, url, prefix string) {
	const channels, interval = 500, 15 * time.Minute
	grace, lock := time.Hour, 2*time.Minute
	ttl := 2*grace + lock
	perChannel := int((ttl + interval - 1) / interval)
	ctx := context.Background()
	before := testkit.UsedMemory(b, url)
	keysBefore := scanCount(b, raw, prefix+"*")
	slot0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	for ch := range channels {
		for s := range perChannel {
			at := slot0.Add(time.Duration(s) * interval)
			c, err := db.ClaimDigest(ctx, briefs.DigestSlot{GuildID: "digests" + strconv.Itoa(ch%50), ChannelID: strconv.Itoa(1000 + ch),
				Key: strconv.FormatInt(at.Unix(), 10), At: at, Version: testVersion}, lock)
			if err != nil || c.Status != briefs.ClaimTaken {
				b.Fatalf("claim: %v %v", c.Status, err)
			}
			if err := db.CompleteDigest(ctx, c, "", time.Time{}, ttl); err != nil {
				b.Fatal(err)
			}
		}
	}
	after := testkit.UsedMemory(b, url)
	markerKeys := scanCount(b, raw, prefix+"*digest:done*")
	allKeys := scanCount(b, raw, prefix+"*") - keysBefore
	var one string
	iter := raw.Scan(ctx, 0, prefix+"*digest:done*", 10).Iterator()
	if iter.Next(ctx) {
		one = iter.Val()
	}
	usage, _ := raw.MemoryUsage(ctx, one).Result()
	pttl, _ := raw.PTTL(ctx, one).Result()
	b.Logf("digest markers, %d channels every %s, empty slots, marker TTL %s: steady state %d markers (%d a channel)",
		channels, interval, ttl, channels*perChannel, perChannel)
	b.Logf("  keys written %d (markers %d), used_memory delta %d bytes (%.0f B a key), MEMORY USAGE of one marker %d B, its PTTL %s",
		allKeys, markerKeys, after-before, float64(after-before)/float64(max(allKeys, 1)), usage, pttl.Round(time.Second))
	weekTTL := 7 * 24 * time.Hour
	b.Logf("  with a week-long marker instead: %d markers a channel, %d in all (about %.1f MB at the measured size)",
		int(weekTTL/interval), channels*int(weekTTL/interval),
		float64(channels*int(weekTTL/interval))*float64(after-before)/float64(max(allKeys, 1))/1e6)
	b.ReportMetric(float64(markerKeys), "marker-keys")
	b.ReportMetric(float64(after-before), "marker-bytes")
}

func scanCount(b *testing.B, raw *redis.Client, pattern string) int {
	ctx := context.Background()
	n := 0
	iter := raw.Scan(ctx, 0, pattern, 1000).Iterator()
	for iter.Next(ctx) {
		n++
	}
	if err := iter.Err(); err != nil {
		b.Fatal(err)
	}
	return n
}
