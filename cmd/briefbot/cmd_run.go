package main

import (
	"context"
	"errors"
	"fmt"
	"net"
	"sync"
	"time"

	"briefbot/bot"
	"briefbot/briefs"
	"briefbot/metrics"
	"briefbot/store"
)

// cmdRun: briefbot run
func cmdRun(ctx context.Context, env *environment, args []string) error {
	fs := newFlags(env, "run", "",
		"Connects to Discord with DISCORD_TOKEN, registers the slash commands (in DISCORD_GUILD_ID, or\n"+
			"globally) and answers interactions until interrupted (SIGINT/SIGTERM), then finishes the\n"+
			"interactions in flight. REST calls go to DISCORD_API_URL.")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return usagef("run takes no arguments; it is configured by the environment (see .env.example)")
	}
	if env.cfg.DiscordToken == "" {
		return briefs.Errorf(briefs.EINVALID, "DISCORD_TOKEN is not set: create a bot in the Discord developer portal and export its token (see README)")
	}
	return withService(ctx, env, func(svc *briefs.Service, db *store.DB) error {
		m := instrument(env, svc, db)
		ls, err := listen(env)
		if err != nil {
			return err
		}
		defer ls.close()
		gateway, services, err := buildServices(env, svc, db, m, ls.interactions)
		if err != nil {
			return err
		}
		stopMetrics := serveMetrics(ctx, env, db, m, gateway, ls.metrics)

		env.log.Info("connecting to Discord", "api", env.cfg.DiscordAPIURL, "guild", env.cfg.DiscordGuildID,
			"shard", env.cfg.ShardID, "shards", env.cfg.ShardCount, "interactions_addr", env.cfg.InteractionsAddr, "metrics_addr", env.cfg.MetricsAddr)
		// On SIGINT/SIGTERM every service stops together: the gateway and the
		// HTTP endpoint stop taking interactions and finish those in flight
		// (at most 10 s each), the scheduler finishes its posts; then the
		// metrics server stops, and withService closes the store last.
		err = runAll(ctx, services...)
		return errors.Join(err, stopMetrics())
	})
}

// instrument wraps the store, summarizer and fetcher in metrics when
// METRICS_ADDR is set, first, so that the service is instrumented before
// use. Without it the result is nil, a *metrics.Metrics that is a no-op
// everywhere.
func instrument(env *environment, svc *briefs.Service, db *store.DB) *metrics.Metrics {
	if env.cfg.MetricsAddr == "" {
		return nil
	}
	m := metrics.New()
	db.AddHook(m.RedisHook())
	svc.Store = m.InstrumentStorage(svc.Store)
	svc.Summarizer = m.InstrumentSummarizer(svc.Summarizer)
	svc.Fetch = m.InstrumentFetcher(svc.Fetch)
	return m
}

// listeners are the ports of the HTTP interactions endpoint and of the
// metrics server; each is nil when its address is not set.
type listeners struct {
	interactions, metrics net.Listener
}

// listen opens the ports before anything connects, so that a taken port
// fails fast.
func listen(env *environment) (listeners, error) {
	var ls listeners
	if env.cfg.InteractionsAddr != "" {
		l, err := net.Listen("tcp", env.cfg.InteractionsAddr)
		if err != nil {
			return ls, briefs.Errorf(briefs.EUNAVAILABLE, "cannot listen on INTERACTIONS_ADDR %s: %v", env.cfg.InteractionsAddr, err)
		}
		ls.interactions = l
	}
	if env.cfg.MetricsAddr != "" {
		l, err := net.Listen("tcp", env.cfg.MetricsAddr)
		if err != nil {
			ls.close()
			return listeners{}, briefs.Errorf(briefs.EUNAVAILABLE, "cannot listen on METRICS_ADDR %s: %v", env.cfg.MetricsAddr, err)
		}
		ls.metrics = l
	}
	return ls, nil
}

func (ls listeners) close() {
	for _, l := range []net.Listener{ls.metrics, ls.interactions} {
		if l != nil {
			l.Close()
		}
	}
}

// buildServices makes the gateway, the digest scheduler, the retention
// sweeper and, when it has a listener, the HTTP interactions endpoint, all
// over one router. One REST session serves the digests and the HTTP
// interactions' edits, so that one rate limiter sees all of the process's
// requests.
func buildServices(env *environment, svc *briefs.Service, db *store.DB, m *metrics.Metrics, interactionsL net.Listener) (*bot.Gateway, []func(context.Context) error, error) {
	rest, err := bot.NewRESTSession(env.cfg.DiscordToken, env.cfg.DiscordAPIURL, 0)
	if err != nil {
		return nil, nil, err
	}
	sched, err := newScheduler(env, db, svc, rest, m)
	if err != nil {
		return nil, nil, err
	}
	fd := newFeeds(env, svc, db)
	fd.OnPause, fd.Deliver = feedPauseNotice(env, sched), feedDeliver(sched)
	router := newRouter(env, svc, sched, fd)
	g := &bot.Gateway{
		Token:      env.cfg.DiscordToken,
		APIURL:     env.cfg.DiscordAPIURL,
		GuildID:    env.cfg.DiscordGuildID,
		Router:     router,
		Logger:     env.log,
		ShardID:    env.cfg.ShardID,
		ShardCount: env.cfg.ShardCount,
		Observer:   m,
	}
	services := []func(context.Context) error{g.Run, sched.Run, retentionSweeper(env, db, time.Now), feedPoller(env, fd)}
	if svc.Refiner != nil {
		svc.Refiner.OnOutcome = m.LLMBrief
		services = append(services, svc.Refiner.Run)
	}
	if interactionsL == nil {
		return g, services, nil
	}
	hs, err := bot.NewInteractionsServer(bot.InteractionsConfig{
		PublicKey: env.cfg.DiscordPublicKey,
		Router:    router,
		REST:      rest,
		Logger:    env.log,
		Observer:  m,
		Seen:      db,
	})
	if err != nil {
		return nil, nil, err
	}
	return g, append(services, func(ctx context.Context) error { return hs.Serve(ctx, interactionsL) }), nil
}

// serveMetrics starts the metrics server when it has a listener and returns
// the function that stops it. The metrics server outlives the other
// services: /healthz turns 503 as the gateway closes, and /metrics shows the
// shutdown to the end.
func serveMetrics(ctx context.Context, env *environment, db *store.DB, m *metrics.Metrics, g *bot.Gateway, l net.Listener) (stop func() error) {
	if l == nil {
		return func() error { return nil }
	}
	m.WatchGateway(g.Connected)
	health := healthCheck(db, g.Connected)
	mctx, cancel := context.WithCancel(context.WithoutCancel(ctx))
	done := make(chan error, 1)
	go func() { done <- metrics.Serve(mctx, l, m.Handler(health), env.log) }()
	return func() error { cancel(); return <-done }
}

// runAll runs the services together until ctx is done or one of them fails;
// a failure stops the others, and the first error is returned.
func runAll(ctx context.Context, services ...func(context.Context) error) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	errs := make([]error, len(services))
	var wg sync.WaitGroup
	for i, svc := range services {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if err := svc(ctx); err != nil && !errors.Is(err, context.Canceled) {
				errs[i] = err
				cancel()
			}
		}()
	}
	wg.Wait()
	return errors.Join(errs...)
}

// healthCheck is /healthz: Redis answers, the embedded store's last save of
// its data file succeeded (a full disk would otherwise lose changes
// silently), and the gateway is connected.
func healthCheck(db *store.DB, connected func() bool) func(context.Context) error {
	return func(ctx context.Context) error {
		if err := db.Ping(ctx); err != nil {
			return fmt.Errorf("redis: %w", err)
		}
		if err := db.SaveError(); err != nil {
			return fmt.Errorf("data file: %w", err)
		}
		if !connected() {
			return errors.New("discord gateway not connected")
		}
		return nil
	}
}
