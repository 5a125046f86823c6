package main

import (
	"context"
	"io"
	"log/slog"

	"briefbot/bot"
	"briefbot/briefs"
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
func newSummarizer() briefs.Summarizer { return briefs.NewExtractive() }

// openStore connects to REDIS_URL, or starts the embedded store, and says
// where the data lives.
func openStore(ctx context.Context, env *environment) (*store.DB, error) {
	db, err := store.Open(ctx, store.Config{
		URL:      env.cfg.RedisURL,
		Prefix:   env.cfg.KeyPrefix,
		DataFile: env.cfg.DataFile,
		Logger:   env.log,
	})
	if err != nil {
		return nil, err
	}
	env.log.Info("store ready", "where", db.Where())
	return db, nil
}

// newService wires the newsroom service over a store.
func newService(env *environment, db *store.DB) *briefs.Service {
	return &briefs.Service{
		Store:           db,
		Summarizer:      newSummarizer(),
		BriefTTL:        env.cfg.BriefCacheTTL,
		MaxArticleBytes: int(env.cfg.MaxArticleBytes),
	}
}

// newRouter builds the interaction router over the service.
func newRouter(env *environment, svc *briefs.Service) *bot.Router {
	return bot.NewRouter(svc, env.log)
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
