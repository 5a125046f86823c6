//go:build linux

package e2e_test

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"briefbot/bot/discordtest"
	"briefbot/briefs"
)

// Redis with AOF is killed with SIGKILL during a burst of concurrent adds
// and restarted on the same directory. With appendfsync always every add
// that was acknowledged is there and complete; with everysec at most the
// adds acknowledged in the last second(s) before the kill may be missing
// (Redis documents up to 2 s when the disk is slow). In both modes no
// article is half-written: the article records, the recent list, the
// listings, the slug index and the cached briefs name the same articles.
//
// A SIGKILL of Redis leaves the kernel's page cache intact, so everysec
// normally loses nothing here; only a crash of the machine loses the
// unsynced second. The test reports the count either way.
func TestAOFDurability(t *testing.T) {
	for _, fsync := range []string{"always", "everysec"} {
		t.Run(fsync, func(t *testing.T) { aofBurst(t, fsync) })
	}
}

// ack is an acknowledged add.
type ack struct {
	n  int
	id string
	at time.Time
}

func aofBurst(t *testing.T, fsync string) {
	const (
		workers   = 16
		killAfter = 600 // acknowledged adds before the kill, at least
		burstFor  = 1500 * time.Millisecond
		maxAdds   = 50000 // bound on the burst
	)
	r := startRedis(t, redisConfig{appendonly: true, appendfsync: fsync})
	prefix := newPrefix()
	g := discordtest.DefaultGuildID
	f := newArticleFactory(t, g)
	db := openStore(t, r.URL(), prefix)

	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	var (
		next    atomic.Int64
		mu      sync.Mutex
		acks    []ack
		errs    []error
		reached = make(chan struct{})
		once    sync.Once
	)
	start := time.Now()
	var wg sync.WaitGroup
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				n := int(next.Add(1)) - 1
				if n >= maxAdds || ctx.Err() != nil {
					return
				}
				req := f.request(n)
				actx, acancel := context.WithTimeout(ctx, 5*time.Second)
				a, created, err := db.AddArticle(actx, req)
				acancel()
				at := time.Now()
				mu.Lock()
				if err != nil {
					errs = append(errs, err)
					mu.Unlock()
					return // Redis is gone: this worker stops
				}
				if !created {
					mu.Unlock()
					t.Errorf("add %d: not created (a duplicate?)", n)
					return
				}
				acks = append(acks, ack{n: n, id: a.ID, at: at})
				if len(acks) >= killAfter {
					once.Do(func() { close(reached) })
				}
				mu.Unlock()
			}
		}()
	}
	// The burst outlasts one everysec fsync period; the kill lands at a
	// moment unrelated to Redis's own timing.
	select {
	case <-reached:
	case <-ctx.Done():
		t.Fatalf("only %d adds acknowledged before the deadline: %v", len(acks), errs)
	}
	if wait := burstFor - time.Since(start); wait > 0 {
		timer := time.NewTimer(wait)
		select {
		case <-timer.C:
		case <-ctx.Done():
			timer.Stop()
		}
	}
	r.kill()
	killed := time.Now()
	wg.Wait()
	mu.Lock()
	acked := append([]ack(nil), acks...)
	failed := len(errs)
	mu.Unlock()
	t.Logf("appendfsync %s: %d adds acknowledged in %s (%.0f adds/s) before kill -9; %d in flight failed",
		fsync, len(acked), killed.Sub(start).Round(time.Millisecond), float64(len(acked))/killed.Sub(start).Seconds(), failed)
	for _, err := range errs {
		if !isUnavailable(err) {
			t.Errorf("an add failed otherwise than with EUNAVAILABLE: %v", err)
		}
	}

	r.start()
	if strings.Contains(r.out.String(), "short read") || strings.Contains(r.out.String(), "truncated") {
		t.Logf("redis-server found a truncated AOF tail and loaded what was complete:\n%s", tail(r.out.String(), 5))
	}
	db2 := openStore(t, r.URL(), prefix)
	vctx, vcancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer vcancel()

	// Every acknowledged article, whole.
	_, total, err := db2.Recent(vctx, g, 0, 0)
	if err != nil {
		t.Fatal(err)
	}
	// Paged: one Recent call cannot list more than about 8,000 (Lua's
	// unpack limit; see TestStoredArticlesFootprint/list_all).
	listed := map[string]bool{}
	for off := 0; off < total; off += 1000 {
		ls, _, err := db2.Recent(vctx, g, off, 1000)
		if err != nil {
			t.Fatal(err)
		}
		for _, l := range ls {
			listed[l.ArticleID] = true
		}
	}
	var lost []ack
	for _, a := range acked {
		want := f.request(a.n).Article
		got, err := db2.ArticleBySlug(vctx, g, want.Slug)
		if err != nil {
			lost = append(lost, a)
			continue
		}
		if got.ID != want.ID || got.Text != want.Text || got.Title != want.Title {
			t.Errorf("article %s came back different: id %s, %d bytes of text", want.Slug, got.ID, len(got.Text))
		}
		if !listed[a.id] {
			t.Errorf("article %s is stored but not listed in recent", want.Slug)
		}
	}
	t.Logf("after restart: %d articles stored, %d acknowledged, %d acknowledged adds lost, %d stored though unacknowledged",
		total, len(acked), len(lost), total-(len(acked)-len(lost)))
	switch fsync {
	case "always":
		if len(lost) > 0 {
			t.Errorf("appendfsync always lost %d acknowledged adds: %v", len(lost), lostSlugs(f, lost))
		}
	case "everysec":
		var oldest time.Duration
		for _, a := range lost {
			oldest = max(oldest, killed.Sub(a.at))
		}
		if len(lost) > 0 {
			t.Logf("everysec lost %d adds acknowledged at most %s before the kill", len(lost), oldest.Round(time.Millisecond))
		}
		if oldest > 2*time.Second {
			t.Errorf("everysec lost an add acknowledged %s before the kill (more than Redis's 2 s worst case)", oldest)
		}
	}
	checkWhole(t, vctx, r.URL(), prefix, g, f.version)
}

// checkWhole reads the guild's keys directly and checks that every index
// names the same articles and that each article record is complete: no add
// was half-applied.
func checkWhole(t *testing.T, ctx context.Context, url, prefix, guildID, version string) {
	t.Helper()
	opt, err := redis.ParseURL(url)
	if err != nil {
		t.Fatal(err)
	}
	c := redis.NewClient(opt)
	defer c.Close()
	base := prefix + "g:{" + guildID + "}:"

	records := map[string]bool{}
	iter := c.Scan(ctx, 0, base+"article:*", 1000).Iterator()
	for iter.Next(ctx) {
		records[strings.TrimPrefix(iter.Val(), base+"article:")] = true
	}
	if err := iter.Err(); err != nil {
		t.Fatal(err)
	}
	recent, err := c.ZRange(ctx, base+"recent", 0, -1).Result()
	if err != nil {
		t.Fatal(err)
	}
	listings, err := c.HKeys(ctx, base+"listings").Result()
	if err != nil {
		t.Fatal(err)
	}
	slugs, err := c.HGetAll(ctx, base+"slugs").Result()
	if err != nil {
		t.Fatal(err)
	}
	hashes, err := c.HGetAll(ctx, base+"hashes").Result()
	if err != nil {
		t.Fatal(err)
	}
	slugidx, err := c.ZCard(ctx, base+"slugidx").Result()
	if err != nil {
		t.Fatal(err)
	}
	bySlug := map[string]bool{}
	for _, id := range slugs {
		bySlug[id] = true
	}
	byHash := map[string]bool{}
	for _, id := range hashes {
		byHash[id] = true
	}
	sets := map[string]map[string]bool{
		"recent":   setOf(recent),
		"listings": setOf(listings),
		"slugs":    bySlug,
		"hashes":   byHash,
	}
	for name, s := range sets {
		if d := diff(records, s); d != "" {
			t.Errorf("article records and %s disagree: %s", name, d)
		}
	}
	if int(slugidx) != len(records) {
		t.Errorf("slug index holds %d entries for %d articles", slugidx, len(records))
	}
	// Each record has every field, and its brief is cached.
	pipe := c.Pipeline()
	ids := make([]string, 0, len(records))
	for id := range records {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	cmds := make([]*redis.SliceCmd, len(ids))
	for i, id := range ids {
		cmds[i] = pipe.HMGet(ctx, base+"article:"+id, "article", "slug", "hash", "terms", "v:"+version)
	}
	if _, err := pipe.Exec(ctx); err != nil {
		t.Fatal(err)
	}
	briefKeys := make([]string, 0, len(ids))
	for i, cmd := range cmds {
		vals := cmd.Val()
		for j, v := range vals {
			if v == nil {
				t.Errorf("article %s lacks field #%d", ids[i], j)
			}
		}
		if s, ok := vals[1].(string); ok {
			briefKeys = append(briefKeys, base+"brief:"+s+":"+version)
		}
	}
	for i := 0; i < len(briefKeys); i += 500 {
		n, err := c.Exists(ctx, briefKeys[i:min(i+500, len(briefKeys))]...).Result()
		if err != nil {
			t.Fatal(err)
		}
		if int(n) != min(500, len(briefKeys)-i) {
			t.Errorf("%d cached briefs missing among articles %d-%d", min(500, len(briefKeys)-i)-int(n), i, i+500)
		}
	}
	t.Logf("consistent: %d article records, recent, listings, slugs, hashes, slug index and briefs agree", len(records))
}

func setOf(xs []string) map[string]bool {
	m := make(map[string]bool, len(xs))
	for _, x := range xs {
		m[x] = true
	}
	return m
}

// diff describes how two sets differ, "" when equal.
func diff(a, b map[string]bool) string {
	var onlyA, onlyB []string
	for x := range a {
		if !b[x] {
			onlyA = append(onlyA, x)
		}
	}
	for x := range b {
		if !a[x] {
			onlyB = append(onlyB, x)
		}
	}
	if len(onlyA) == 0 && len(onlyB) == 0 {
		return ""
	}
	return fmt.Sprintf("%d only in the first %v, %d only in the second %v", len(onlyA), onlyA[:min(5, len(onlyA))], len(onlyB), onlyB[:min(5, len(onlyB))])
}

func lostSlugs(f *articleFactory, lost []ack) []string {
	out := make([]string, 0, len(lost))
	for _, a := range lost {
		out = append(out, f.slug(a.n))
	}
	return out
}

// isUnavailable reports whether err is the store's EUNAVAILABLE.
func isUnavailable(err error) bool {
	return briefs.ErrorCode(err) == briefs.EUNAVAILABLE
}
