package main

import (
	"context"
	"errors"
	"sync"

	"briefbot/bot"
	"briefbot/briefs"
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
		rest, err := bot.NewRESTSession(env.cfg.DiscordToken, env.cfg.DiscordAPIURL, 0)
		if err != nil {
			return err
		}
		sched, err := newScheduler(env, db, svc, rest)
		if err != nil {
			return err
		}
		g := &bot.Gateway{
			Token:   env.cfg.DiscordToken,
			APIURL:  env.cfg.DiscordAPIURL,
			GuildID: env.cfg.DiscordGuildID,
			Router:  newRouter(env, svc, sched),
			Logger:  env.log,
		}
		env.log.Info("connecting to Discord", "api", env.cfg.DiscordAPIURL, "guild", env.cfg.DiscordGuildID)
		return runAll(ctx, g.Run, sched.Run)
	})
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
