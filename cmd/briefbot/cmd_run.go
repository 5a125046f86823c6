package main

import (
	"context"

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
		g := &bot.Gateway{
			Token:   env.cfg.DiscordToken,
			APIURL:  env.cfg.DiscordAPIURL,
			GuildID: env.cfg.DiscordGuildID,
			Router:  newRouter(env, svc),
			Logger:  env.log,
		}
		env.log.Info("connecting to Discord", "api", env.cfg.DiscordAPIURL, "guild", env.cfg.DiscordGuildID)
		return g.Run(ctx)
	})
}
