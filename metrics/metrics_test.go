package metrics_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/alicebob/miniredis/v2"
	"github.com/bwmarrin/discordgo"
	"github.com/redis/go-redis/v9"

	"briefbot/bot"
	"briefbot/briefs"
	"briefbot/briefs/extractive"
	"briefbot/metrics"
)

// *Metrics is what the transports report to.
var _ bot.Observer = (*metrics.Metrics)(nil)

// stubBriefs answers /brief by topic: "ok" finds a brief, "missing" does
// not, "boom" panics, "slow" waits for the gate.
type stubBriefs struct {
	bot.Briefs
	gate chan struct{}
}

var sample = briefs.Brief{Title: "Pact", Gist: "They signed.", Slug: "pact", Bullets: []string{"One.", "Two.", "Three."},
	SourceURL: "https://news.example/pact", ReadingMinutes: 1}

func (s stubBriefs) Brief(ctx context.Context, _, q string) (briefs.Lookup, error) {
	switch q {
	case "missing":
		return briefs.Lookup{}, briefs.Errorf(briefs.ENOTFOUND, "No brief matches %q.", q)
	case "boom":
		panic("boom")
	case "slow":
		select {
		case <-s.gate:
		case <-ctx.Done():
			return briefs.Lookup{}, ctx.Err()
		}
	}
	b := sample
	return briefs.Lookup{Brief: &b}, nil
}

func (s stubBriefs) Suggest(context.Context, string, string) ([]briefs.Listing, error) {
	return []briefs.Listing{{Slug: "pact", Title: "Pact"}}, nil
}

// nopResponder accepts every answer and signals the initial responses.
type nopResponder struct{ responded chan struct{} }

func (n nopResponder) Respond(context.Context, *discordgo.InteractionResponse) error {
	if n.responded != nil {
		n.responded <- struct{}{}
	}
	return nil
}
func (nopResponder) EditOriginal(context.Context, *discordgo.WebhookEdit) error { return nil }
func (nopResponder) DeleteOriginal(context.Context) error                       { return nil }
func (nopResponder) Followup(context.Context, *discordgo.WebhookParams) error   { return nil }

func command(name string, perms int64, opts ...*discordgo.ApplicationCommandInteractionDataOption) *discordgo.Interaction {
	return &discordgo.Interaction{
		ID: "1", Type: discordgo.InteractionApplicationCommand, GuildID: "1",
		Data:   discordgo.ApplicationCommandInteractionData{Name: name, Options: opts},
		Member: &discordgo.Member{User: &discordgo.User{ID: "42"}, Permissions: perms},
	}
}

func str(name, v string) *discordgo.ApplicationCommandInteractionDataOption {
	return &discordgo.ApplicationCommandInteractionDataOption{Name: name, Type: discordgo.ApplicationCommandOptionString, Value: v}
}

// scrape returns the /metrics page.
func scrape(t *testing.T, h http.Handler) string {
	t.Helper()
	srv := httptest.NewServer(h)
	defer srv.Close()
	resp, err := http.Get(srv.URL + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("/metrics: %d %s", resp.StatusCode, b)
	}
	return string(b)
}

// value returns the value of the series (name with its labels exactly as
// exposed, e.g. `x_total{a="b"}`), failing the test when it is absent.
func value(t *testing.T, page, series string) float64 {
	t.Helper()
	re := regexp.MustCompile(`(?m)^` + regexp.QuoteMeta(series) + ` (\S+)$`)
	m := re.FindStringSubmatch(page)
	if m == nil {
		t.Fatalf("no series %s in:\n%s", series, grep(page, "briefbot_"))
	}
	v, err := strconv.ParseFloat(m[1], 64)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

func grep(page, prefix string) string {
	var out []string
	for _, l := range strings.Split(page, "\n") {
		if strings.HasPrefix(l, prefix) {
			out = append(out, l)
		}
	}
	return strings.Join(out, "\n")
}

func TestInteractionsAreCountedByCommandAndOutcome(t *testing.T) {
	t.Parallel()
	m := metrics.New()
	gate := make(chan struct{})
	d := &bot.Deferral{Router: bot.NewRouter(stubBriefs{gate: gate}, nil), After: time.Hour, Observer: m}
	ctx := context.Background()
	serve := func(d *bot.Deferral, i *discordgo.Interaction) {
		t.Helper()
		if err := d.Serve(ctx, i, nopResponder{}); err != nil {
			t.Fatal(err)
		}
	}
	serve(d, command("brief", 0, str("topic", "ok")))
	serve(d, command("brief", 0, str("topic", "ok")))
	serve(d, command("brief", 0, str("topic", "missing")))
	serve(d, command("brief", 0, str("topic", "boom")))
	serve(d, command("article", 0, &discordgo.ApplicationCommandInteractionDataOption{
		Name: "remove", Type: discordgo.ApplicationCommandOptionSubCommand, Options: []*discordgo.ApplicationCommandInteractionDataOption{str("slug", "pact")}}))
	serve(d, command("no-such-command", 0))
	ac := command("brief", 0, str("topic", "pa"))
	ac.Type = discordgo.InteractionApplicationCommandAutocomplete
	ac.ApplicationCommandData().Options[0].Focused = true
	serve(d, ac)

	// A slow one is deferred, then answered.
	slow := &bot.Deferral{Router: d.Router, After: time.Millisecond, Observer: m}
	responded := make(chan struct{}, 1)
	done := make(chan error, 1)
	go func() {
		done <- slow.Serve(ctx, command("brief", 0, str("topic", "slow")), nopResponder{responded: responded})
	}()
	<-responded // the deferral
	close(gate)
	if err := <-done; err != nil {
		t.Fatal(err)
	}

	page := scrape(t, m.Handler(nil))
	for series, want := range map[string]float64{
		`briefbot_interactions_total{command="brief",kind="command",outcome="ok"}`:            3,
		`briefbot_interactions_total{command="brief",kind="command",outcome="error"}`:         1,
		`briefbot_interactions_total{command="brief",kind="command",outcome="panic"}`:         1,
		`briefbot_interactions_total{command="article",kind="command",outcome="refused"}`:     1,
		`briefbot_interactions_total{command="unknown",kind="command",outcome="error"}`:       1,
		`briefbot_interactions_total{command="brief",kind="autocomplete",outcome="ok"}`:       1,
		`briefbot_interactions_deferred_total{command="brief",kind="command"}`:                1,
		`briefbot_interaction_duration_seconds_count{kind="command"}`:                         7,
		`briefbot_interaction_initial_response_seconds_count{kind="command"}`:                 7,
		`briefbot_interaction_initial_response_seconds_count{kind="autocomplete"}`:            1,
		`briefbot_interaction_initial_response_seconds_bucket{kind="autocomplete",le="+Inf"}`: 1,
		`briefbot_gateway_reconnects_total`:                                                   0,
	} {
		if got := value(t, page, series); got != want {
			t.Errorf("%s = %g, want %g", series, got, want)
		}
	}
	if !strings.Contains(page, "go_goroutines") || !strings.Contains(page, "process_") {
		t.Error("the runtime and process collectors are missing")
	}
}

func TestHealthz(t *testing.T) {
	t.Parallel()
	var mu sync.Mutex
	var unhealthy error
	var hadDeadline bool
	h := metrics.New().Handler(func(ctx context.Context) error {
		_, hadDeadline = ctx.Deadline()
		mu.Lock()
		defer mu.Unlock()
		return unhealthy
	})
	srv := httptest.NewServer(h)
	defer srv.Close()
	get := func() (int, string) {
		t.Helper()
		resp, err := http.Get(srv.URL + "/healthz")
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b)
	}
	if code, body := get(); code != http.StatusOK || body != "ok\n" {
		t.Errorf("healthy: %d %q", code, body)
	}
	if !hadDeadline {
		t.Error("the health check ran without a deadline")
	}
	mu.Lock()
	unhealthy = errors.New("redis: store unavailable: cannot reach Redis at 127.0.0.1:6379")
	mu.Unlock()
	if code, body := get(); code != http.StatusServiceUnavailable || !strings.Contains(body, "cannot reach Redis") {
		t.Errorf("unhealthy: %d %q", code, body)
	}
	mu.Lock()
	unhealthy = errors.New("gateway not connected")
	mu.Unlock()
	if code, body := get(); code != http.StatusServiceUnavailable || !strings.Contains(body, "gateway not connected") {
		t.Errorf("unhealthy: %d %q", code, body)
	}
	mu.Lock()
	unhealthy = nil
	mu.Unlock()
	if code, _ := get(); code != http.StatusOK {
		t.Errorf("recovered: %d", code)
	}
	resp, err := http.Post(srv.URL+"/healthz", "text/plain", nil)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusMethodNotAllowed {
		t.Errorf("POST /healthz: %d", resp.StatusCode)
	}
}

func TestRedisHookCountsCommandsAndFailures(t *testing.T) {
	t.Parallel()
	mr := miniredis.RunT(t)
	m := metrics.New()
	c := redis.NewClient(&redis.Options{Addr: mr.Addr(), MaxRetries: -1, DialTimeout: time.Second})
	defer c.Close()
	c.AddHook(m.RedisHook())
	ctx := context.Background()

	if err := c.Get(ctx, "missing").Err(); !errors.Is(err, redis.Nil) {
		t.Fatalf("GET missing: %v", err)
	}
	if err := c.Set(ctx, "s", "text", 0).Err(); err != nil {
		t.Fatal(err)
	}
	if err := c.Incr(ctx, "s").Err(); err == nil {
		t.Fatal("INCR on text succeeded")
	}
	pipe := c.Pipeline()
	pipe.Set(ctx, "n", 1, 0)
	pipe.Incr(ctx, "s")
	pipe.Get(ctx, "missing")
	if _, err := pipe.Exec(ctx); err == nil {
		t.Fatal("pipeline succeeded")
	}
	// A script unknown to the server: EVALSHA answers NOSCRIPT and go-redis
	// falls back to EVAL; that is no failure.
	if err := redis.NewScript(`return 1`).Run(ctx, c, nil).Err(); err != nil {
		t.Fatal(err)
	}
	page := scrape(t, m.Handler(nil))
	if got := value(t, page, `briefbot_redis_commands_total`); got != 8 {
		t.Errorf("commands = %g, want 8 (GET, SET, INCR, 3 in the pipeline, EVALSHA, EVAL)", got)
	}
	if got := value(t, page, `briefbot_redis_errors_total{kind="command"}`); got != 2 {
		t.Errorf("command errors = %g, want 2 (the INCRs)", got)
	}
	if got := value(t, page, `briefbot_redis_errors_total{kind="dial"}`); got != 0 {
		t.Errorf("dial errors = %g, want 0", got)
	}

	// Redis goes away: the next commands fail, and new connections too.
	mr.Close()
	for range 3 {
		if err := c.Get(ctx, "n").Err(); err == nil {
			t.Fatal("GET succeeded with Redis gone")
		}
	}
	page = scrape(t, m.Handler(nil))
	if got := value(t, page, `briefbot_redis_errors_total{kind="dial"}`); got < 1 {
		t.Errorf("dial errors = %g, want at least 1", got)
	}
	if got := value(t, page, `briefbot_redis_errors_total{kind="command"}`); got != 5 {
		t.Errorf("command errors = %g, want 5", got)
	}
}

// fakeStorage answers CachedBrief from a set of cached slugs.
type fakeStorage struct {
	briefs.Storage
	cached map[string]bool
}

func (f fakeStorage) CachedBrief(_ context.Context, _, slug, _ string) (briefs.Brief, bool, error) {
	if slug == "broken" {
		return briefs.Brief{}, false, errors.New("redis down")
	}
	return sample, f.cached[slug], nil
}

func TestInstrumentedBriefsFetchesAndDigests(t *testing.T) {
	t.Parallel()
	m := metrics.New()
	ctx := context.Background()
	st := m.InstrumentStorage(fakeStorage{cached: map[string]bool{"pact": true}})
	for _, slug := range []string{"pact", "pact", "other", "broken"} {
		_, _, _ = st.CachedBrief(ctx, "g", slug, "v")
	}
	sum := m.InstrumentSummarizer(extractive.New())
	text := "The leaders met in the capital on Tuesday. They signed a treaty on trade and defence. " +
		"The agreement covers tariffs and joint exercises. Officials said it takes effect next year."
	if _, err := sum.Summarize(briefs.Document{Title: "Pact", Text: text}); err != nil {
		t.Fatal(err)
	}
	if _, err := sum.Summarize(briefs.Document{Text: ""}); err == nil {
		t.Fatal("empty text summarized")
	}
	if sum.Version() != extractive.New().Version() {
		t.Error("the wrapper changed the version")
	}
	fetch := m.InstrumentFetcher(func(_ context.Context, u string) (briefs.WebPage, error) {
		switch u {
		case "big":
			return briefs.WebPage{}, fmt.Errorf("fetch: %w", briefs.Errorf(briefs.ETOOLARGE, "too large"))
		case "down":
			return briefs.WebPage{}, briefs.Errorf(briefs.EUNAVAILABLE, "site down")
		}
		return briefs.WebPage{URL: u}, nil
	})
	for _, u := range []string{"a", "b", "big", "down"} {
		_, _ = fetch(ctx, u)
	}
	for _, o := range []string{metrics.DigestPosted, metrics.DigestPosted, metrics.DigestSkipped, "bogus"} {
		m.Digest(o)
	}
	page := scrape(t, m.Handler(nil))
	for series, want := range map[string]float64{
		`briefbot_brief_cache_total{result="hit"}`:      2,
		`briefbot_brief_cache_total{result="miss"}`:     1,
		`briefbot_briefs_built_total`:                   1,
		`briefbot_fetches_total{outcome="ok"}`:          2,
		`briefbot_fetches_total{outcome="too_large"}`:   1,
		`briefbot_fetches_total{outcome="unavailable"}`: 1,
		`briefbot_digests_total{outcome="posted"}`:      2,
		`briefbot_digests_total{outcome="skipped"}`:     1,
		`briefbot_digests_total{outcome="failed"}`:      0,
		`briefbot_digests_total{outcome="other"}`:       1,
	} {
		if got := value(t, page, series); got != want {
			t.Errorf("%s = %g, want %g", series, got, want)
		}
	}
}

func TestGatewayGaugeAndReconnects(t *testing.T) {
	t.Parallel()
	m := metrics.New()
	var mu sync.Mutex
	connected := true
	m.WatchGateway(func() bool { mu.Lock(); defer mu.Unlock(); return connected })
	m.GatewayReconnected()
	m.GatewayReconnected()
	page := scrape(t, m.Handler(nil))
	if got := value(t, page, `briefbot_gateway_connected`); got != 1 {
		t.Errorf("connected = %g", got)
	}
	if got := value(t, page, `briefbot_gateway_reconnects_total`); got != 2 {
		t.Errorf("reconnects = %g", got)
	}
	mu.Lock()
	connected = false
	mu.Unlock()
	if got := value(t, scrape(t, m.Handler(nil)), `briefbot_gateway_connected`); got != 0 {
		t.Errorf("connected = %g after the loss", got)
	}
}

// A nil *Metrics is a valid, silent choice: optional wiring needs no checks.
func TestNilMetricsIsANoOp(t *testing.T) {
	t.Parallel()
	var m *metrics.Metrics
	m.InteractionServed("command", "brief", "ok", time.Millisecond, time.Millisecond)
	m.InteractionDeferred("command", "brief")
	m.GatewayReconnected()
	m.BriefCache(true)
	m.BriefBuilt()
	m.Fetch("ok")
	m.Digest(metrics.DigestPosted)
	m.WatchGateway(func() bool { return true })
	if m.Registry() != nil {
		t.Error("a nil Metrics has a registry")
	}
	var s briefs.Summarizer = extractive.New()
	if m.InstrumentSummarizer(s) != s {
		t.Error("InstrumentSummarizer wrapped on a nil Metrics")
	}
	mr := miniredis.RunT(t)
	c := redis.NewClient(&redis.Options{Addr: mr.Addr()})
	defer c.Close()
	c.AddHook(m.RedisHook())
	if err := c.Set(context.Background(), "k", "v", 0).Err(); err != nil {
		t.Fatal(err)
	}
	rec := httptest.NewRecorder()
	m.Handler(nil).ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/healthz", nil))
	if rec.Code != http.StatusOK {
		t.Errorf("/healthz on a nil Metrics: %d", rec.Code)
	}
}

func TestServeStopsWithItsContext(t *testing.T) {
	t.Parallel()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- metrics.Serve(ctx, l, metrics.New().Handler(nil), nil) }()
	resp, err := http.Get("http://" + l.Addr().String() + "/healthz")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Errorf("/healthz: %d", resp.StatusCode)
	}
	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("Serve: %v", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("Serve did not return after cancellation")
	}
	if err := metrics.ListenAndServe(context.Background(), "127.0.0.1:bad", nil, nil); briefs.ErrorCode(err) != briefs.EUNAVAILABLE {
		t.Errorf("ListenAndServe on a bad address: %v", err)
	}
}
