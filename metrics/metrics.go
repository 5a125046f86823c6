// Package metrics is briefbot's operational view: Prometheus counters and
// histograms of what the bot does, served with a health check on
// METRICS_ADDR (/metrics and /healthz).
//
// A *Metrics is fed by the adapters through small interfaces so that none of
// them imports this package: it is a bot.Observer (interactions, deferrals,
// gateway reconnects), a redis.Hook factory for store.DB.AddHook (Redis
// commands and errors), and it wraps a briefs.Summarizer (briefs built), a
// briefs.Storage (brief cache hits and misses) and a briefs.PageFetcher
// (fetches by outcome). Digests report through Digest. Every method is safe
// for concurrent use and a no-op on a nil *Metrics, so optional wiring needs
// no checks.
//
// Series (all prefixed briefbot_):
//
//	interactions_total{kind,command,outcome}      counter
//	interactions_deferred_total{kind,command}     counter
//	interaction_initial_response_seconds{kind}    histogram (Discord's deadline: 3 s)
//	interaction_duration_seconds{kind}            histogram (until the answer is complete)
//	briefs_built_total                            counter (summarizer runs: adds and rebuilds)
//	brief_cache_total{result="hit"|"miss"}        counter
//	fetches_total{outcome}                        counter ("ok" or a briefs error code)
//	digests_total{outcome="posted"|"skipped"|"failed"} counter
//	redis_commands_total                          counter
//	redis_errors_total{kind="dial"|"command"}     counter (a miss, redis.Nil, is no error)
//	gateway_reconnects_total                      counter
//	gateway_connected                             gauge (when WatchGateway is used)
//
// plus the Go runtime and process collectors.
package metrics

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
	"github.com/redis/go-redis/v9"

	"briefbot/briefs"
)

// Outcomes of a scheduled digest, for Digest.
const (
	DigestPosted  = "posted"  // a digest was posted in its channel
	DigestSkipped = "skipped" // nothing new, or another process posted the slot
	DigestFailed  = "failed"  // the post failed
)

// Metrics holds briefbot's collectors in a registry of its own.
type Metrics struct {
	reg *prometheus.Registry

	interactions *prometheus.CounterVec
	deferred     *prometheus.CounterVec
	initial      *prometheus.HistogramVec
	duration     *prometheus.HistogramVec
	briefsBuilt  prometheus.Counter
	briefCache   *prometheus.CounterVec
	fetches      *prometheus.CounterVec
	digests      *prometheus.CounterVec
	redisCmds    prometheus.Counter
	redisErrors  *prometheus.CounterVec
	reconnects   prometheus.Counter
	llmBriefs    *prometheus.CounterVec
}

// New creates the collectors and registers them, with the Go runtime and
// process collectors, in a new registry.
func New() *Metrics {
	const ns = "briefbot"
	m := &Metrics{
		reg: prometheus.NewRegistry(),
		interactions: prometheus.NewCounterVec(prometheus.CounterOpts{
			Namespace: ns, Name: "interactions_total",
			Help: "Interactions answered, by kind (command, autocomplete, component, modal), command and outcome (ok, error, refused, panic, undelivered).",
		}, []string{"kind", "command", "outcome"}),
		deferred: prometheus.NewCounterVec(prometheus.CounterOpts{
			Namespace: ns, Name: "interactions_deferred_total",
			Help: "Interactions deferred (type 5 or 6) because the handler was slow, by kind and command.",
		}, []string{"kind", "command"}),
		initial: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Namespace: ns, Name: "interaction_initial_response_seconds",
			Help:    "Time from receiving an interaction to its initial response, by kind (Discord's deadline is 3 s).",
			Buckets: []float64{.005, .01, .025, .05, .1, .25, .5, 1, 2, 2.5, 3},
		}, []string{"kind"}),
		duration: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Namespace: ns, Name: "interaction_duration_seconds",
			Help:    "Time from receiving an interaction until its answer is complete (a deferred answer's edit included), by kind.",
			Buckets: []float64{.005, .01, .025, .05, .1, .25, .5, 1, 2, 3, 5, 10, 30, 60},
		}, []string{"kind"}),
		briefsBuilt: prometheus.NewCounter(prometheus.CounterOpts{
			Namespace: ns, Name: "briefs_built_total",
			Help: "Briefs built by the summarizer (added articles and cache misses).",
		}),
		briefCache: prometheus.NewCounterVec(prometheus.CounterOpts{
			Namespace: ns, Name: "brief_cache_total",
			Help: "Lookups of cached briefs, by result (hit, miss).",
		}, []string{"result"}),
		fetches: prometheus.NewCounterVec(prometheus.CounterOpts{
			Namespace: ns, Name: "fetches_total",
			Help: "Article links fetched, by outcome (ok, or the error code: invalid, too_large, unavailable, not_found, internal, ...).",
		}, []string{"outcome"}),
		digests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Namespace: ns, Name: "digests_total",
			Help: "Scheduled digests, by outcome (posted, skipped, failed).",
		}, []string{"outcome"}),
		redisCmds: prometheus.NewCounter(prometheus.CounterOpts{
			Namespace: ns, Name: "redis_commands_total",
			Help: "Redis commands sent (each command of a pipeline or transaction counted).",
		}),
		redisErrors: prometheus.NewCounterVec(prometheus.CounterOpts{
			Namespace: ns, Name: "redis_errors_total",
			Help: "Redis failures, by kind (dial: a connection could not be made; command: a command failed). A miss is not an error.",
		}, []string{"kind"}),
		reconnects: prometheus.NewCounter(prometheus.CounterOpts{
			Namespace: ns, Name: "gateway_reconnects_total",
			Help: "Gateway connections re-established (resumed or re-identified) after being lost.",
		}),
		llmBriefs: prometheus.NewCounterVec(prometheus.CounterOpts{
			Namespace: ns, Name: "llm_briefs_total",
			Help: "Briefs a language model was asked to write (SUMMARIZER=llm), by outcome: kept (passed the check against the article), rejected (failed it or was no brief: the extractive brief stays), failed (the provider did not answer), budget (the server's calls for the day were spent).",
		}, []string{"outcome"}),
	}
	m.reg.MustRegister(
		collectors.NewGoCollector(),
		collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}),
		m.interactions, m.deferred, m.initial, m.duration, m.briefsBuilt, m.briefCache,
		m.fetches, m.digests, m.redisCmds, m.redisErrors, m.reconnects, m.llmBriefs,
	)
	// Series that exist from the start, so that rates and ratios work
	// before the first event.
	for _, r := range []string{"hit", "miss"} {
		m.briefCache.WithLabelValues(r)
	}
	for _, o := range []string{DigestPosted, DigestSkipped, DigestFailed} {
		m.digests.WithLabelValues(o)
	}
	for _, k := range []string{"dial", "command"} {
		m.redisErrors.WithLabelValues(k)
	}
	for _, o := range llmOutcomes {
		m.llmBriefs.WithLabelValues(o)
	}
	return m
}

var llmOutcomes = []string{briefs.WrittenKept, briefs.WrittenRejected, briefs.WrittenFailed, briefs.WrittenBudget}

// LLMBrief counts a language model's brief by outcome (briefs.Written*).
func (m *Metrics) LLMBrief(outcome string) {
	if m == nil || !slices.Contains(llmOutcomes, outcome) {
		return
	}
	m.llmBriefs.WithLabelValues(outcome).Inc()
}

// Registry returns the registry, to register more collectors or gather in
// tests.
func (m *Metrics) Registry() *prometheus.Registry {
	if m == nil {
		return nil
	}
	return m.reg
}

// InteractionServed counts one answered interaction and observes its
// latencies (bot.Observer).
func (m *Metrics) InteractionServed(kind, command, outcome string, initial, total time.Duration) {
	if m == nil {
		return
	}
	m.interactions.WithLabelValues(kind, command, outcome).Inc()
	if initial > 0 {
		m.initial.WithLabelValues(kind).Observe(initial.Seconds())
	}
	m.duration.WithLabelValues(kind).Observe(total.Seconds())
}

// InteractionDeferred counts a deferred interaction (bot.Observer).
func (m *Metrics) InteractionDeferred(kind, command string) {
	if m == nil {
		return
	}
	m.deferred.WithLabelValues(kind, command).Inc()
}

// GatewayReconnected counts a gateway reconnection (bot.Observer).
func (m *Metrics) GatewayReconnected() {
	if m == nil {
		return
	}
	m.reconnects.Inc()
}

// WatchGateway exports briefbot_gateway_connected (1 or 0) from connected,
// such as (*bot.Gateway).Connected. Call it at most once.
func (m *Metrics) WatchGateway(connected func() bool) {
	if m == nil || connected == nil {
		return
	}
	m.reg.MustRegister(prometheus.NewGaugeFunc(prometheus.GaugeOpts{
		Namespace: "briefbot", Name: "gateway_connected",
		Help: "1 while the Discord gateway connection is up, else 0.",
	}, func() float64 {
		if connected() {
			return 1
		}
		return 0
	}))
}

// BriefCache counts a lookup of a cached brief.
func (m *Metrics) BriefCache(hit bool) {
	if m == nil {
		return
	}
	if hit {
		m.briefCache.WithLabelValues("hit").Inc()
	} else {
		m.briefCache.WithLabelValues("miss").Inc()
	}
}

// BriefBuilt counts a brief built by the summarizer.
func (m *Metrics) BriefBuilt() {
	if m == nil {
		return
	}
	m.briefsBuilt.Inc()
}

// Fetch counts a fetched link by outcome: "ok" or a briefs error code
// (FetchOutcome gives it for an error).
func (m *Metrics) Fetch(outcome string) {
	if m == nil {
		return
	}
	m.fetches.WithLabelValues(outcome).Inc()
}

// FetchOutcome is the outcome label of a fetch that returned err: "ok", or
// its briefs error code ("internal" for an error without one).
func FetchOutcome(err error) string {
	if err == nil {
		return "ok"
	}
	return briefs.ErrorCode(err)
}

// Digest counts a scheduled digest by outcome: DigestPosted, DigestSkipped
// or DigestFailed; anything else is counted as "other".
func (m *Metrics) Digest(outcome string) {
	if m == nil {
		return
	}
	switch outcome {
	case DigestPosted, DigestSkipped, DigestFailed:
	default:
		outcome = "other"
	}
	m.digests.WithLabelValues(outcome).Inc()
}

// InstrumentSummarizer counts every brief that s builds.
func (m *Metrics) InstrumentSummarizer(s briefs.Summarizer) briefs.Summarizer {
	if m == nil {
		return s
	}
	return countingSummarizer{Summarizer: s, m: m}
}

type countingSummarizer struct {
	briefs.Summarizer
	m *Metrics
}

func (c countingSummarizer) Summarize(doc briefs.Document) (briefs.Summary, error) {
	sum, err := c.Summarizer.Summarize(doc)
	if err == nil {
		c.m.BriefBuilt()
	}
	return sum, err
}

// InstrumentStorage counts the hits and misses of s's brief cache
// (CachedBrief); every other method passes through.
func (m *Metrics) InstrumentStorage(s briefs.Storage) briefs.Storage {
	if m == nil {
		return s
	}
	return countingStorage{Storage: s, m: m}
}

type countingStorage struct {
	briefs.Storage
	m *Metrics
}

func (c countingStorage) CachedBrief(ctx context.Context, guildID, slug, version string) (briefs.Brief, bool, error) {
	b, ok, err := c.Storage.CachedBrief(ctx, guildID, slug, version)
	if err == nil {
		c.m.BriefCache(ok)
	}
	return b, ok, err
}

// InstrumentFetcher counts f's fetches by outcome.
func (m *Metrics) InstrumentFetcher(f briefs.PageFetcher) briefs.PageFetcher {
	if m == nil || f == nil {
		return f
	}
	return func(ctx context.Context, rawURL string) (briefs.WebPage, error) {
		p, err := f(ctx, rawURL)
		m.Fetch(FetchOutcome(err))
		return p, err
	}
}

// RedisHook returns a go-redis hook (for store.DB.AddHook) that counts
// commands and failures: failed dials, and commands that failed other than
// with redis.Nil (a miss) or NOSCRIPT (go-redis then loads the script). The
// connection handshake (HELLO, AUTH, SELECT, CLIENT SETINFO, ...), which
// go-redis sends through the hooks too and whose refusal by an older server
// it tolerates, is not counted.
func (m *Metrics) RedisHook() redis.Hook {
	return redisHook{m: m}
}

type redisHook struct{ m *Metrics }

func (h redisHook) DialHook(next redis.DialHook) redis.DialHook {
	return func(ctx context.Context, network, addr string) (net.Conn, error) {
		c, err := next(ctx, network, addr)
		if err != nil && h.m != nil {
			h.m.redisErrors.WithLabelValues("dial").Inc()
		}
		return c, err
	}
}

func (h redisHook) ProcessHook(next redis.ProcessHook) redis.ProcessHook {
	return func(ctx context.Context, cmd redis.Cmder) error {
		err := next(ctx, cmd)
		if h.m != nil && !handshake(cmd) {
			h.m.redisCmds.Inc()
			if redisFailure(err) {
				h.m.redisErrors.WithLabelValues("command").Inc()
			}
		}
		return err
	}
}

func (h redisHook) ProcessPipelineHook(next redis.ProcessPipelineHook) redis.ProcessPipelineHook {
	return func(ctx context.Context, cmds []redis.Cmder) error {
		err := next(ctx, cmds)
		if h.m != nil {
			counted, failed := 0, 0
			for _, c := range cmds {
				if handshake(c) {
					continue
				}
				counted++
				if redisFailure(c.Err()) {
					failed++
				}
			}
			h.m.redisCmds.Add(float64(counted))
			if counted > 0 && failed == 0 && redisFailure(err) {
				failed = 1
			}
			if failed > 0 {
				h.m.redisErrors.WithLabelValues("command").Add(float64(failed))
			}
		}
		return err
	}
}

// handshake reports whether cmd belongs to the connection set-up.
func handshake(cmd redis.Cmder) bool {
	switch strings.ToLower(cmd.Name()) {
	case "hello", "auth", "select", "client", "readonly":
		return true
	}
	return false
}

// redisFailure reports whether err is a failure worth counting.
func redisFailure(err error) bool {
	return err != nil && !errors.Is(err, redis.Nil) && !strings.HasPrefix(err.Error(), "NOSCRIPT")
}

// HealthFunc reports whether the bot can serve: nil, or why not (Redis
// unreachable, gateway disconnected). Its message is shown on /healthz.
type HealthFunc func(ctx context.Context) error

// healthTimeout bounds one health check.
const healthTimeout = 3 * time.Second

// Handler serves GET /metrics (the Prometheus text format) and GET /healthz:
// 200 "ok" when healthz returns nil (or is nil), else 503 with the reason.
// healthz gets a context bounded by a few seconds.
func (m *Metrics) Handler(healthz HealthFunc) http.Handler {
	mux := http.NewServeMux()
	if m != nil {
		mux.Handle("GET /metrics", promhttp.HandlerFor(m.reg, promhttp.HandlerOpts{
			Registry:            m.reg,
			MaxRequestsInFlight: 4,
			Timeout:             10 * time.Second,
		}))
	}
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		w.Header().Set("Cache-Control", "no-store")
		if healthz != nil {
			ctx, cancel := context.WithTimeout(r.Context(), healthTimeout)
			err := healthz(ctx)
			cancel()
			if err != nil {
				w.WriteHeader(http.StatusServiceUnavailable)
				fmt.Fprintf(w, "unhealthy: %v\n", err)
				return
			}
		}
		fmt.Fprintln(w, "ok")
	})
	return mux
}

// Serve serves h on l until ctx is done, then shuts the server down,
// letting the requests in progress finish for at most five seconds. It
// returns nil after such a shutdown.
func Serve(ctx context.Context, l net.Listener, h http.Handler, log *slog.Logger) error {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	srv := &http.Server{
		Handler:           h,
		ReadHeaderTimeout: 5 * time.Second,
		ReadTimeout:       10 * time.Second,
		WriteTimeout:      30 * time.Second,
		IdleTimeout:       2 * time.Minute,
		ErrorLog:          slog.NewLogLogger(log.Handler(), slog.LevelDebug),
	}
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(l) }()
	log.Info("serving metrics and health", "addr", l.Addr().String())
	select {
	case err := <-errc:
		return fmt.Errorf("serve metrics: %w", err)
	case <-ctx.Done():
	}
	sctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := srv.Shutdown(sctx); err != nil {
		srv.Close()
	}
	if err := <-errc; err != nil && !errors.Is(err, http.ErrServerClosed) {
		return fmt.Errorf("serve metrics: %w", err)
	}
	return nil
}

// ListenAndServe listens on addr (METRICS_ADDR) and serves h as Serve does.
// Errors: EUNAVAILABLE (the address cannot be listened on).
func ListenAndServe(ctx context.Context, addr string, h http.Handler, log *slog.Logger) error {
	l, err := net.Listen("tcp", addr)
	if err != nil {
		return briefs.Errorf(briefs.EUNAVAILABLE, "cannot listen for metrics on %s: %v", addr, err)
	}
	return Serve(ctx, l, h, log)
}
