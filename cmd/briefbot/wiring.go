package main

import (
	"context"
	"io"
	"log/slog"
	"time"

	"briefbot/bot"
	"briefbot/briefs"
	"briefbot/briefs/extractive"
	"briefbot/briefs/fetch"
	"briefbot/briefs/stories"
	"briefbot/metrics"
	"briefbot/store"
)

// defaultGuild is the guild of the command line and the console when no
// --guild is given; Discord guilds have numeric ids, so it never collides.
const defaultGuild = "local"

func newLogger(cfg Config, w io.Writer) *slog.Logger {
	opts := &slog.HandlerOptions{Level: cfg.LogLevel}
	if cfg.LogFormat == "json" {
		return slog.New(slog.NewJSONHandler(w, opts))
	}
	return slog.New(slog.NewTextHandler(w, opts))
}

// newSummarizer is the summarizer every adapter uses.
func newSummarizer() briefs.Summarizer { return extractive.New() }

// openStore connects to REDIS_URL, or starts the embedded store, and says
// where the data lives.
func openStore(ctx context.Context, env *environment) (*store.DB, error) {
	db, err := store.Open(ctx, store.Config{
		URL:                  env.cfg.RedisURL,
		Prefix:               env.cfg.KeyPrefix,
		DataFile:             env.cfg.DataFile,
		Logger:               env.log,
		MaxSchedulesPerGuild: env.cfg.MaxSchedulesPerGuild,
	})
	if err != nil {
		return nil, err
	}
	env.log.Info("store ready", "where", db.Where())
	return db, nil
}

// fetchesPerHour is how many links one member may make the bot fetch in an
// hour: plenty for an admin posting the day's news, too few for a crawler.
const fetchesPerHour = 30

// userAgent names briefbot to the sites it fetches from.
const userAgent = "briefbot/1.0 (news brief bot; fetches a page once when a server admin adds it)"

// newService wires the newsroom service over a store.
func newService(env *environment, db *store.DB) *briefs.Service {
	svc := &briefs.Service{
		Store:               db,
		Summarizer:          newSummarizer(),
		BriefTTL:            env.cfg.BriefCacheTTL,
		MaxArticleBytes:     int(env.cfg.MaxArticleBytes),
		MaxArticlesPerGuild: env.cfg.MaxArticlesPerGuild,
		Fetch:               newPageFetcher(env.cfg),
		ExtractPage:         extractSavedPage,
		MaxPageBytes:        int(env.cfg.FetchMaxBytes),
		FetchLimit:          briefs.FetchLimit{Limiter: db, Max: fetchesPerHour, Window: time.Hour},
		Stories:             stories.NewMatcher(),
	}
	svc.Refiner = newRefiner(env, svc, db)
	return svc
}

// fetchSlotWait is how long a link waits for one of the FETCH_CONCURRENCY
// fetch slots before it is refused: well within the time a deferred
// interaction may take.
const fetchSlotWait = 5 * time.Second

// newPageFetcher adapts the SSRF-safe fetcher to the service, with at most
// FETCH_CONCURRENCY fetches (download and extraction) at a time.
func newPageFetcher(cfg Config) briefs.PageFetcher {
	f := newFetcher(cfg)
	return briefs.LimitFetches(func(ctx context.Context, rawURL string) (briefs.WebPage, error) {
		p, err := f.Fetch(ctx, rawURL)
		if err != nil {
			return briefs.WebPage{}, err
		}
		return webPage(p), nil
	}, cfg.FetchConcurrency, fetchSlotWait)
}

// newFetcher is the SSRF-safe fetcher with the FETCH_* settings, for links
// and feeds alike.
func newFetcher(cfg Config) *fetch.Fetcher {
	return fetch.New(fetch.Config{
		Timeout:      cfg.FetchTimeout,
		MaxBytes:     cfg.FetchMaxBytes,
		AllowPrivate: cfg.FetchAllowPrivate,
		UserAgent:    userAgent,
	})
}

// extractSavedPage reads HTML handed over as text (a saved page, pasted markup)
// with the same extraction as a fetched link.
func extractSavedPage(body []byte) (briefs.WebPage, error) {
	p, err := fetch.ExtractPage(body)
	if err != nil {
		return briefs.WebPage{}, err
	}
	return webPage(p), nil
}

// webPage is an extracted page in the domain's terms.
func webPage(p fetch.Page) briefs.WebPage {
	return briefs.WebPage{
		URL: p.URL, CanonicalURL: p.CanonicalURL, Title: p.Title, Byline: p.Byline,
		Site: p.SiteName, PublishedAt: p.PublishedAt, Image: p.Image, Text: p.Text,
	}
}

// newRouter builds the interaction router over the service, with digests
// served by sched when it is not nil.
func newRouter(env *environment, svc *briefs.Service, sched *bot.Scheduler, fd *briefs.Feeds) *bot.Router {
	r := bot.NewRouter(svc, env.log)
	if sched != nil {
		r.SetDigests(sched)
	}
	if fd != nil {
		r.SetFeeds(fd)
	}
	return r
}

// newScheduler builds the digest scheduler that posts through poster.
func newScheduler(env *environment, db *store.DB, svc *briefs.Service, poster bot.Poster, m *metrics.Metrics) (*bot.Scheduler, error) {
	var onEvent func(bot.DigestEvent)
	if m != nil {
		onEvent = func(ev bot.DigestEvent) {
			switch ev.Kind {
			case bot.EventPosted:
				m.Digest(metrics.DigestPosted)
			case bot.EventEmpty, bot.EventSkipped, bot.EventPaused:
				m.Digest(metrics.DigestSkipped)
			case bot.EventFailed:
				m.Digest(metrics.DigestFailed)
			}
		}
	}
	return bot.NewScheduler(bot.SchedulerConfig{
		OnEvent:           onEvent,
		Store:             db,
		MinInterval:       env.cfg.MinDigestInterval,
		Poster:            poster,
		Briefs:            svc,
		SummarizerVersion: svc.BriefVersion(),
		Logger:            env.log,
		Grace:             env.cfg.DigestGrace,
		DefaultTimezone:   env.cfg.DigestTimezone.String(),
	})
}

// withService opens the store, runs fn with the service, and closes the
// store again (which saves the embedded data file).
func withService(ctx context.Context, env *environment, fn func(svc *briefs.Service, db *store.DB) error) error {
	db, err := openStore(ctx, env)
	if err != nil {
		return err
	}
	fnErr := fn(newService(env, db), db)
	if err := db.Close(); err != nil && fnErr == nil {
		return err
	}
	return fnErr
}
