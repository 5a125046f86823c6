package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"briefbot/bot"
	"briefbot/briefs"
	"briefbot/internal/atomicfile"
	"briefbot/store"
)

// cmdAdd: briefbot add [--guild G] [--slug S] [--title T] [--url U] FILE|-
func cmdAdd(ctx context.Context, env *environment, args []string) error {
	fs := newFlags(env, "add", "[--guild G] [--slug S] [--title T] [--url U] [FILE|-]",
		"Adds an article, prints its brief, and keeps it in the store. The text comes from FILE (or - for\n"+
			"stdin); a saved web page (HTML) is read like a fetched one: its article, headline, byline, site,\n"+
			"date and canonical link. With --url and no FILE the page is fetched and its article extracted.\n"+
			"The same text or URL added twice returns the existing article.")
	guild := fs.String("guild", defaultGuild, "guild (Discord server id) the article belongs to")
	slug := fs.String("slug", "", "slug to find it by, e.g. putin-kim (default: made from the headline)")
	title := fs.String("title", "", "headline, when the text does not start with one")
	url := fs.String("url", "", "link to the article: fetched when no FILE is given, else kept as its source")
	asJSON := fs.Bool("json", false, "print the brief as JSON")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 1 || (fs.NArg() == 0 && *url == "") {
		fs.Usage()
		return usagef("add takes one FILE (or - for stdin), or --url to fetch")
	}
	var text string
	if fs.NArg() == 1 {
		var err error
		if text, err = readArticle(env, fs.Arg(0)); err != nil {
			return err
		}
	}
	return withService(ctx, env, func(svc *briefs.Service, db *store.DB) error {
		var res briefs.AddResult
		var err error
		if fs.NArg() == 0 {
			res, err = svc.AddURL(ctx, briefs.AddURLInput{GuildID: *guild, UserID: "cli", URL: *url, Slug: *slug, Title: *title})
		} else {
			res, err = svc.Add(ctx, briefs.AddInput{GuildID: *guild, Text: text, Slug: *slug, Title: *title, SourceURL: *url})
		}
		if err != nil {
			return err
		}
		if svc.Refiner != nil && res.Created {
			// No bot runs here to refine it later: the model writes it now.
			if b, _, err := svc.Refiner.Refine(ctx, res.Brief); err == nil {
				res.Brief = b
			} else {
				env.log.Warn("the language model's brief was not made; the extractive brief stands", "err", err)
			}
		}
		if err := db.Flush(); err != nil {
			return err
		}
		if *asJSON {
			return writeJSON(env.stdout, res.Brief)
		}
		if res.Created {
			fmt.Fprintf(env.stdout, "Added %s.", res.Brief.Slug)
		} else {
			fmt.Fprintf(env.stdout, "Already here as %s; nothing added.", res.Brief.Slug)
		}
		if res.SlugNote != "" {
			fmt.Fprint(env.stdout, " "+res.SlugNote)
		}
		for _, note := range []string{res.WriterNote, res.StoryNote} {
			if note != "" {
				fmt.Fprint(env.stdout, " "+note)
			}
		}
		fmt.Fprintf(env.stdout, "\n\n%s\n", bot.BriefText(res.Brief))
		return nil
	})
}

// readArticle reads FILE or stdin, refusing more than MAX_ARTICLE_BYTES (or
// FETCH_MAX_BYTES when that is more: a saved web page is mostly markup, and
// the service bounds the text extracted from it) without reading it all
// into memory.
func readArticle(env *environment, name string) (string, error) {
	limit := max(env.cfg.MaxArticleBytes, env.cfg.FetchMaxBytes)
	data, err := readInput(env, name, limit)
	if err != nil {
		return "", fmt.Errorf("read article: %w", err)
	}
	if int64(len(data)) > limit {
		return "", briefs.Errorf(briefs.ETOOLARGE, "The file is over %s (MAX_ARTICLE_BYTES, or FETCH_MAX_BYTES for a saved web page).", briefs.FormatBytes(limit))
	}
	return string(data), nil
}

// readInput reads FILE, or stdin for "-", up to limit+1 bytes: one byte more
// than allowed tells the caller the input is too large without reading it
// all into memory.
func readInput(env *environment, name string, limit int64) ([]byte, error) {
	var r io.Reader = env.stdin
	if name != "-" {
		f, err := os.Open(name)
		if err != nil {
			return nil, err
		}
		defer f.Close()
		r = f
	}
	return io.ReadAll(io.LimitReader(r, limit+1))
}

// cmdBrief: briefbot brief [--guild G] [--json] QUERY
func cmdBrief(ctx context.Context, env *environment, args []string) error {
	fs := newFlags(env, "brief", "[--guild G] [--json] QUERY",
		"Prints the brief whose slug is QUERY, or that matches all its words (in slug, headline or names).")
	guild := fs.String("guild", defaultGuild, "guild (Discord server id) to look in")
	asJSON := fs.Bool("json", false, "print JSON")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	query := strings.Join(fs.Args(), " ")
	if strings.TrimSpace(query) == "" {
		fs.Usage()
		return usagef("brief needs a QUERY, e.g. briefbot brief putin-kim")
	}
	return withService(ctx, env, func(svc *briefs.Service, _ *store.DB) error {
		lookup, err := svc.Brief(ctx, *guild, query)
		if err != nil {
			return err
		}
		if lookup.Brief != nil {
			others := lookup.Story.Others(lookup.Brief.ArticleID)
			if *asJSON {
				return writeJSON(env.stdout, storyJSON{Brief: *lookup.Brief, AlsoReportedBy: others})
			}
			fmt.Fprintln(env.stdout, bot.BriefText(*lookup.Brief))
			if len(others) > 0 {
				fmt.Fprintln(env.stdout, "\nAlso reported by:")
				for _, o := range others {
					fmt.Fprintf(env.stdout, "  %s\n", sourceLine(o))
				}
			}
			return nil
		}
		if *asJSON {
			if err := writeJSON(env.stdout, map[string]any{"candidates": lookup.Candidates}); err != nil {
				return err
			}
		} else {
			for _, l := range lookup.Candidates {
				fmt.Fprintf(env.stdout, "%s\t%s\n", l.Slug, l.Title)
			}
		}
		return briefs.Errorf(briefs.ECONFLICT, "%d briefs match %q; ask for one of the slugs listed.", len(lookup.Candidates), query)
	})
}

// cmdList: briefbot list [--guild G] [--query Q] [--limit N]
func cmdList(ctx context.Context, env *environment, args []string) error {
	fs := newFlags(env, "list", "[--guild G] [--query Q] [--limit N] [--json]", "Lists stored articles, newest first: slug, added, title.")
	guild := fs.String("guild", defaultGuild, "guild (Discord server id) to list")
	query := fs.String("query", "", "only articles matching all these words")
	limit := fs.Int("limit", 50, "at most this many")
	asJSON := fs.Bool("json", false, "print JSON Lines")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return usagef("list takes no arguments; use --query to filter")
	}
	if *limit < 1 {
		return usagef("--limit must be at least 1")
	}
	return withService(ctx, env, func(svc *briefs.Service, _ *store.DB) error {
		ls, total, err := svc.Search(ctx, *guild, *query, 0, *limit)
		if err != nil {
			return err
		}
		for _, l := range ls {
			if *asJSON {
				if err := writeJSON(env.stdout, l); err != nil {
					return err
				}
				continue
			}
			fmt.Fprintf(env.stdout, "%s\t%s\t%s\n", l.Slug, l.AddedAt.Format("2006-01-02 15:04"), l.Title)
		}
		if !*asJSON {
			fmt.Fprintf(env.stderr, "%d of %d articles\n", len(ls), total)
		}
		return nil
	})
}

// cmdConsole: briefbot console [--guild G]
func cmdConsole(ctx context.Context, env *environment, args []string) error {
	fs := newFlags(env, "console", "[--guild G]",
		"Reads slash commands as typed in Discord (/brief putin-kim, /article add text:\"...\" slug:x,\n/briefs, /article remove slug:x, /help) and prints the replies. Same router as Discord;\n/next and /prev press the paging buttons of the last reply.")
	guild := fs.String("guild", defaultGuild, "guild (Discord server id) to act in")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	return withService(ctx, env, func(svc *briefs.Service, db *store.DB) error {
		// Digests scheduled here are printed to the console while it runs;
		// old articles are removed (ARTICLE_RETENTION) and feeds polled as
		// by run.
		sched, err := newScheduler(env, db, svc, &bot.TextPoster{W: env.stdout}, nil)
		if err != nil {
			return err
		}
		fd := newFeeds(env, svc, db)
		fd.OnPause, fd.Deliver = feedPauseNotice(env, sched), feedDeliver(sched)
		ctx, cancel := context.WithCancel(ctx)
		defer cancel()
		schedDone := make(chan error, 1)
		go func() {
			services := []func(context.Context) error{sched.Run, retentionSweeper(env, db, time.Now), feedPoller(env, fd)}
			if svc.Refiner != nil {
				services = append(services, svc.Refiner.Run)
			}
			schedDone <- runAll(ctx, services...)
		}()
		defer func() { cancel(); <-schedDone }()
		c := &bot.Console{Router: newRouter(env, svc, sched, fd), GuildID: *guild, ChannelID: "console", UserID: "console"}
		if isTerminal(env.stdin) {
			c.Prompt = "briefbot> "
			fmt.Fprintln(env.stdout, "briefbot console: type /help for commands, /quit to leave.")
		}
		c.AfterCommand = func() {
			if err := db.Flush(); err != nil {
				env.log.Error("save data file", "err", err)
			}
		}
		return c.Run(ctx, env.stdin, env.stdout)
	})
}

// cmdBackup: briefbot backup [--out FILE] (or > FILE)
func cmdBackup(ctx context.Context, env *environment, args []string) error {
	fs := newFlags(env, "backup", "[--out FILE]",
		"Writes every key under REDIS_KEY_PREFIX, typed and with TTLs, as JSON to FILE, or to stdout\n"+
			"without --out. Prefer --out to '> FILE': it writes a temporary file beside FILE and renames\n"+
			"it into place once the backup is complete, so a failed backup never leaves an empty or\n"+
			"partial FILE (a shell redirection empties FILE before briefbot even starts).")
	out := fs.String("out", "", "write the backup to this file, atomically (mode 0600)")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return usagef("backup takes no arguments; use --out FILE")
	}
	return withService(ctx, env, func(_ *briefs.Service, db *store.DB) error {
		var n int
		backup := func(w io.Writer) error {
			var err error
			n, err = db.Backup(ctx, w)
			return err
		}
		var err error
		if *out == "" {
			err = backup(env.stdout)
		} else {
			err = atomicfile.Write(*out, backup)
		}
		if err != nil {
			return err
		}
		env.log.Info("backup written", "keys", n)
		return nil
	})
}

// cmdRestore: briefbot restore [--replace] < FILE
func cmdRestore(ctx context.Context, env *environment, args []string) error {
	fs := newFlags(env, "restore", "[--replace] < FILE",
		"Loads a snapshot written by 'briefbot backup' from stdin into an empty store. When keys under\n"+
			"REDIS_KEY_PREFIX exist, it refuses unless --replace is given; then every key under the prefix\n"+
			"is replaced by the snapshot in one atomic step (on a Redis Cluster, one step per Discord server).\n"+
			"Stop the bot first. A malformed snapshot changes nothing.")
	replace := fs.Bool("replace", false, "delete every key under the prefix and load the snapshot in its place")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return usagef("restore takes no arguments; redirect stdin from a file")
	}
	return withService(ctx, env, func(_ *briefs.Service, db *store.DB) error {
		in := env.stdin
		size := fileSize(in)
		prog := startProgress(env, func(n int64) string {
			if size > 0 {
				return fmt.Sprintf("restore: read %s of %s", briefs.FormatBytes(n), briefs.FormatBytes(size))
			}
			return "restore: read " + briefs.FormatBytes(n)
		})
		if prog != nil {
			in = &progressReader{r: in, p: prog}
		}
		n, err := db.Restore(ctx, in, store.RestoreOptions{Replace: *replace})
		prog.Done()
		if err != nil {
			return err
		}
		if err := db.Flush(); err != nil {
			return err
		}
		fmt.Fprintf(env.stderr, "restored %d keys\n", n)
		return nil
	})
}

func writeJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	return enc.Encode(v)
}

// isTerminal reports whether the stream (env.stdin, env.stderr) is an
// interactive terminal, to decide on a prompt or a progress line.
func isTerminal(stream any) bool {
	f, ok := stream.(*os.File)
	if !ok {
		return false
	}
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}

// storyJSON is a brief as `brief --json` prints it: the brief's fields and,
// for a story of several outlets, the others.
type storyJSON struct {
	briefs.Brief
	AlsoReportedBy []briefs.Source `json:"also_reported_by,omitempty"`
}

// sourceLine is one "also reported by" line: outlet, link, time.
func sourceLine(s briefs.Source) string {
	parts := []string{s.Outlet()}
	if s.URL != "" {
		parts = append(parts, s.URL)
	}
	if !s.At.IsZero() {
		parts = append(parts, s.At.UTC().Format("2006-01-02 15:04 UTC"))
	}
	return strings.Join(parts, "  ")
}
