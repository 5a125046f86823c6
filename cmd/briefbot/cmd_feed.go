package main

import (
	"cmp"
	"context"
	"fmt"
	"io"
	"math/rand/v2"
	"strings"
	"time"

	"briefbot/bot"
	"briefbot/briefs"
	"briefbot/briefs/feeds"
	"briefbot/briefs/fetch"
	"briefbot/store"
)

// maxFeedsPerGuild bounds the feeds one server follows.
const maxFeedsPerGuild = 20

// newFeeds wires feed following over the service and the store: feeds are
// fetched under the same rules as links (FETCH_TIMEOUT, FETCH_MAX_BYTES,
// public addresses only).
func newFeeds(env *environment, svc *briefs.Service, db *store.DB) *briefs.Feeds {
	f := newFetcher(env.cfg)
	return &briefs.Feeds{
		Service: svc, Store: db, Parse: feeds.ParseFeed, Discover: feeds.Discover, MaxFeedsPerGuild: maxFeedsPerGuild,
		Jitter: func(d time.Duration) time.Duration { return rand.N(d/10 + 1) }, // up to a tenth of the interval
		Fetch: func(ctx context.Context, url, etag, lastModified string) (briefs.FeedDocument, error) {
			d, err := f.FetchFeed(ctx, url, fetch.Conditional{ETag: etag, LastModified: lastModified})
			return briefs.FeedDocument{URL: d.URL, ContentType: d.ContentType, Body: d.Body, NotModified: d.NotModified,
				ETag: d.Next.ETag, LastModified: d.Next.LastModified}, err
		},
	}
}

// cmdFeed: briefbot feed add|list|remove|poll
func cmdFeed(ctx context.Context, env *environment, args []string) error {
	verbs := map[string]func(context.Context, *environment, []string) error{
		"add": cmdFeedAdd, "list": cmdFeedList, "remove": cmdFeedRemove, "poll": cmdFeedPoll,
	}
	if len(args) == 0 || verbs[args[0]] == nil {
		fmt.Fprint(env.stderr, "Usage: briefbot feed add|list|remove|poll [flags] ...\n\n"+
			"  add URL      follow a feed (RSS, Atom, JSON Feed) or the feed a site's page announces\n"+
			"  list         the feeds followed, with their status\n"+
			"  remove URL   stop following a feed\n"+
			"  poll         fetch the feeds that are due now (--all: every feed) and brief their new stories\n")
		if len(args) == 0 || args[0] == "-h" || args[0] == "--help" || args[0] == "help" {
			return nil
		}
		return usagef("unknown feed command %q", args[0])
	}
	return verbs[args[0]](ctx, env, args[1:])
}

func cmdFeedAdd(ctx context.Context, env *environment, args []string) error {
	fs := newFlags(env, "feed add", "[--guild G] [--channel C] [--post-each] [--backfill N] [--every D] URL",
		"Follows a feed: RSS, Atom or JSON Feed, or a site whose page announces one. Its newest --backfill\n"+
			"stories become briefs now; the older ones already in it are only remembered, never posted.\n"+
			"With --post-each the running bot also posts each new brief to --channel as it arrives.")
	guild := fs.String("guild", defaultGuild, "guild (Discord server id) that follows it")
	channel := fs.String("channel", "", "channel whose digest its briefs join")
	postEach := fs.Bool("post-each", false, "post each new brief to --channel as it arrives, besides the digests")
	backfill := fs.Int("backfill", briefs.DefaultFeedBackfill, fmt.Sprintf("existing stories to brief now (0-%d)", briefs.MaxFeedBackfill))
	every := fs.Duration("every", briefs.DefaultFeedInterval, fmt.Sprintf("how often to poll it (at least %s)", briefs.MinFeedInterval))
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		return usagef("feed add takes one URL")
	}
	if *backfill < 0 {
		return usagef("--backfill must be 0 to %d", briefs.MaxFeedBackfill)
	}
	return withService(ctx, env, func(svc *briefs.Service, db *store.DB) error {
		res, err := newFeeds(env, svc, db).Subscribe(ctx, briefs.FeedInput{GuildID: *guild, UserID: "cli", URL: fs.Arg(0),
			ChannelID: *channel, Interval: *every, Backfill: *backfill, PostEach: *postEach})
		if err != nil {
			return err
		}
		fmt.Fprintf(env.stdout, "Following %s (%s), polled every %s.\n", res.Feed.URL, cmp.Or(res.Feed.Title, "untitled"), res.Feed.Interval)
		printPoll(env.stdout, res)
		return nil
	})
}

func cmdFeedList(ctx context.Context, env *environment, args []string) error {
	fs := newFlags(env, "feed list", "[--guild G] [--json]", "Lists the feeds followed, with their status.")
	guild := fs.String("guild", defaultGuild, "guild (Discord server id)")
	asJSON := fs.Bool("json", false, "print JSON Lines")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return usagef("feed list takes no arguments")
	}
	return withService(ctx, env, func(_ *briefs.Service, db *store.DB) error {
		subs, err := db.Feeds(ctx, *guild)
		if err != nil {
			return err
		}
		for _, s := range subs {
			if *asJSON {
				if err := writeJSON(env.stdout, s); err != nil {
					return err
				}
				continue
			}
			fmt.Fprintf(env.stdout, "%s\t%s\n", s.URL, feedStatus(s))
		}
		if !*asJSON && len(subs) == 0 {
			fmt.Fprintln(env.stderr, "No feeds followed. Follow one with `briefbot feed add URL`.")
		}
		return nil
	})
}

// feedStatus is one line of what a feed's poller knows.
func feedStatus(s briefs.FeedSub) string {
	parts := []string{fmt.Sprintf("every %s", s.Interval), fmt.Sprintf("%d stories", s.Ingested)}
	if s.PostEach {
		parts = append(parts, "each posted to channel "+s.ChannelID)
	}
	if s.Paused {
		parts = append(parts, "PAUSED: "+s.PauseReason)
	} else if !s.NextPoll.IsZero() {
		parts = append(parts, "next poll "+s.NextPoll.Local().Format("2006-01-02 15:04"))
	}
	if !s.LastOK.IsZero() {
		parts = append(parts, "last success "+s.LastOK.Local().Format("2006-01-02 15:04"))
	}
	if s.LastError != "" && !s.Paused {
		parts = append(parts, fmt.Sprintf("last error (%d in a row): %s", s.Failures, s.LastError))
	}
	return strings.Join(parts, "; ")
}

func cmdFeedRemove(ctx context.Context, env *environment, args []string) error {
	fs := newFlags(env, "feed remove", "[--guild G] URL", "Stops following a feed. Its briefs stay.")
	guild := fs.String("guild", defaultGuild, "guild (Discord server id)")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		return usagef("feed remove takes one URL (as `briefbot feed list` shows it)")
	}
	return withService(ctx, env, func(_ *briefs.Service, db *store.DB) error {
		if err := db.RemoveFeed(ctx, *guild, fs.Arg(0)); err != nil {
			return err
		}
		fmt.Fprintf(env.stdout, "No longer following %s.\n", fs.Arg(0))
		return nil
	})
}

func cmdFeedPoll(ctx context.Context, env *environment, args []string) error {
	fs := newFlags(env, "feed poll", "[--guild G] [--all]",
		"Fetches the feeds that are due (their interval has passed; paused ones never, nor one a running\n"+
			"bot is polling) and briefs their new stories.")
	guild := fs.String("guild", defaultGuild, "guild (Discord server id)")
	all := fs.Bool("all", false, "poll every feed that is not paused, due or not")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return usagef("feed poll takes no arguments")
	}
	return withService(ctx, env, func(svc *briefs.Service, db *store.DB) error {
		fd := newFeeds(env, svc, db)
		subs, err := db.Feeds(ctx, *guild)
		if err != nil {
			return err
		}
		polled := 0
		for _, s := range subs {
			// Under the feed's lease, as the pollers of running bots take it.
			res, ok, err := fd.PollFeed(ctx, briefs.FeedRef{GuildID: s.GuildID, URL: s.URL}, *all)
			if err != nil {
				return err
			}
			if !ok {
				continue
			}
			polled++
			fmt.Fprintf(env.stdout, "%s: %s\n", s.URL, feedStatus(res.Feed))
			printPoll(env.stdout, res)
		}
		fmt.Fprintf(env.stderr, "%d of %d feeds polled\n", polled, len(subs))
		return nil
	})
}

// printPoll lists the briefs a poll added and the stories it skipped.
func printPoll(w io.Writer, res briefs.PollResult) {
	for _, b := range res.Added {
		fmt.Fprintf(w, "  + %s\t%s\n", b.Slug, b.Title)
	}
	for _, s := range res.Skipped {
		fmt.Fprintf(w, "  - %s\n", s)
	}
}

// Feed polling inside `run` and `console`.
const (
	feedPollEvery   = 30 * time.Second // how often the due feeds are looked for
	feedPollBatch   = 100              // due feeds taken in one look
	feedPollWorkers = 4                // feeds polled at once by this process
)

// feedPoller polls the due feeds of every server at start and then every
// feedPollEvery until ctx ends. Every instance runs one; a lease per feed
// keeps each feed to one poller at a time.
func feedPoller(env *environment, fd *briefs.Feeds) func(context.Context) error {
	return func(ctx context.Context) error {
		t := time.NewTicker(feedPollEvery)
		defer t.Stop()
		for {
			n, err := fd.PollDue(ctx, feedPollBatch, feedPollWorkers)
			switch {
			case err != nil && ctx.Err() == nil:
				env.log.Warn("polling feeds failed; will try again", "err", err)
			case n > 0:
				env.log.Info("polled feeds", "count", n)
			}
			select {
			case <-ctx.Done():
				return nil
			case <-t.C:
			}
		}
	}
}

// feedDeliver posts each new brief of a feed that asks for it to the
// feed's channel, once (the scheduler's nonce posting, paced with the
// digests).
func feedDeliver(sched *bot.Scheduler) func(context.Context, briefs.FeedSub, briefs.Brief) error {
	return func(ctx context.Context, sub briefs.FeedSub, b briefs.Brief) error {
		return sched.PostBrief(ctx, sub.ChannelID, sub.Title, b)
	}
}

// feedPauseNotice tells a feed's channel, once, that the poller paused it
// and how an admin resumes it.
func feedPauseNotice(env *environment, sched *bot.Scheduler) func(context.Context, briefs.FeedSub) {
	return func(ctx context.Context, sub briefs.FeedSub) {
		if sub.ChannelID == "" || sched == nil {
			return
		}
		text := fmt.Sprintf("⏸ The feed **%s** (%s) is paused: %s. An admin can resume it with `/feed resume url:%s`.",
			briefs.Truncate(cmp.Or(sub.Title, "untitled"), 100), sub.URL, sub.PauseReason, sub.URL)
		// One notice per pause: the key names this pause.
		key := fmt.Sprintf("%s@%d", sub.URL, sub.NextPoll.UnixMilli())
		if err := sched.Notify(ctx, sub.GuildID, sub.ChannelID, key, text); err != nil {
			env.log.Warn("could not tell a channel that its feed paused", "guild", sub.GuildID, "channel", sub.ChannelID, "feed", sub.URL, "err", err)
		}
	}
}
