package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"runtime"
	"sort"
	"strings"

	"briefbot/briefs"
	"briefbot/store"
)

// subcommand is one verb of the command line.
type subcommand struct {
	summary string
	run     func(ctx context.Context, env *environment, args []string) error
}

// subcommands lists every verb of `briefbot`.
func subcommands() map[string]subcommand {
	return map[string]subcommand{
		"run":       {"connect to Discord and answer slash commands", cmdRun},
		"add":       {"add an article from a file or stdin and print its brief", cmdAdd},
		"brief":     {"print the brief that matches a slug or words", cmdBrief},
		"list":      {"list stored articles, newest first", cmdList},
		"summarize": {"summarize JSON Lines from stdin to stdout (no store)", cmdSummarize},
		"console":   {"type slash commands as in Discord and read the replies", cmdConsole},
		"backup":    {"write every key under the prefix as a snapshot (--out FILE)", cmdBackup},
		"restore":   {"load a snapshot from stdin", cmdRestore},
		"eval":      {"score the summarizer with ROUGE against reference summaries", cmdEval},
		"extract":   {"extract the article from a saved web page, as adding by link does", cmdExtract},
		"version":   {"print the version of this build (also --version)", cmdVersion},
		"feed":      {"follow news feeds: feed add|list|remove|poll", cmdFeed},
	}
}

// environment is what every subcommand receives: streams, settings, logger.
type environment struct {
	stdin          io.Reader
	stdout, stderr io.Writer
	getenv         func(string) string
	cfg            Config
	log            *slog.Logger
}

// usageError is a mistake in the command line itself (exit code 2).
type usageError struct{ msg string }

func (e usageError) Error() string { return e.msg }

func usagef(format string, args ...any) error { return usageError{fmt.Sprintf(format, args...)} }

// run is the whole program: main only calls it, so tests drive it exactly as
// a user does, with their own arguments, environment and streams.
func run(ctx context.Context, args []string, getenv func(string) string, stdin io.Reader, stdout, stderr io.Writer) error {
	cmds := subcommands()
	if len(args) < 2 || args[1] == "-h" || args[1] == "--help" || args[1] == "help" {
		fmt.Fprint(stdout, mainUsage(cmds))
		if len(args) < 2 {
			return usagef("no command given")
		}
		return nil
	}
	name := args[1]
	if name == "version" || name == "--version" || name == "-version" {
		// The version needs no settings: it works whatever the environment holds.
		return cmdVersion(ctx, &environment{stdin: stdin, stdout: stdout, stderr: stderr, getenv: getenv}, args[2:])
	}
	cmd, ok := cmds[name]
	if !ok {
		fmt.Fprint(stderr, mainUsage(cmds))
		return usagef("unknown command %q", name)
	}
	cfg, err := loadConfig(getenv)
	if err != nil {
		return err
	}
	if oneShot(name) && strings.TrimSpace(getenv("LOG_LEVEL")) == "" {
		// A one-shot command prints its result or one line of error; the
		// INFO lines a server logs would only be noise there.
		cfg.LogLevel = slog.LevelWarn
	}
	env := &environment{stdin: stdin, stdout: stdout, stderr: stderr, getenv: getenv, cfg: cfg, log: newLogger(cfg, stderr)}
	return cmd.run(ctx, env, args[2:])
}

// oneShot reports whether the command does one thing and exits, as opposed
// to run and console, which serve until stopped and log at INFO by default.
func oneShot(name string) bool { return name != "run" && name != "console" }

func mainUsage(cmds map[string]subcommand) string {
	names := make([]string, 0, len(cmds))
	for n := range cmds {
		names = append(names, n)
	}
	sort.Strings(names)
	var b strings.Builder
	b.WriteString("briefbot turns news articles into short briefs and serves them.\n\nUsage: briefbot <command> [flags] [args]\n       briefbot --version\n\nCommands:\n")
	for _, n := range names {
		fmt.Fprintf(&b, "  %-10s %s\n", n, cmds[n].summary)
	}
	b.WriteString("\nRun 'briefbot <command> --help' for a command's flags.\n")
	b.WriteString("Settings come from the environment (see .env.example); with REDIS_URL unset,\n")
	b.WriteString("data lives in an embedded store saved to DATA_FILE (default " + store.DefaultDataFile + ").\n")
	return b.String()
}

// newFlags makes a subcommand's flag set whose --help prints usage and
// the flags, and whose errors come back as usage errors.
func newFlags(env *environment, name, args, about string) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(env.stderr)
	fs.Usage = func() {
		fmt.Fprintf(env.stderr, "Usage: briefbot %s %s\n\n%s\n", name, args, about)
		if hasFlags(fs) {
			fmt.Fprintln(env.stderr, "\nFlags:")
			fs.PrintDefaults()
		}
	}
	return fs
}

// workersFlag is --workers of the commands that summarize articles in
// parallel, one worker a processor by default.
func workersFlag(fs *flag.FlagSet) *int {
	return fs.Int("workers", runtime.GOMAXPROCS(0), "articles summarized at once")
}

func hasFlags(fs *flag.FlagSet) bool {
	n := 0
	fs.VisitAll(func(*flag.Flag) { n++ })
	return n > 0
}

// parseFlags parses args; a bad flag is a usage error, --help is flag.ErrHelp.
// Flags may come anywhere on the line, before or after the arguments
// (`briefbot brief lagarde-ecb --json`); after "--" everything is an argument.
// fs.Args() holds the arguments, in order.
func parseFlags(fs *flag.FlagSet, args []string) error {
	flags, positional := splitFlags(fs, args)
	if err := fs.Parse(append(append(flags, "--"), positional...)); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return err
		}
		return usageError{err.Error()}
	}
	return nil
}

// splitFlags separates the flags of args (with the values they take) from
// the arguments, keeping the order of each. A flag takes the next word as its
// value unless it is boolean or written -name=value; "-" alone is an argument
// (stdin) and "--" ends the flags. Unknown flags go with the flags, for
// fs.Parse to report.
func splitFlags(fs *flag.FlagSet, args []string) (flags, positional []string) {
	for i := 0; i < len(args); i++ {
		a := args[i]
		if a == "--" {
			return flags, append(positional, args[i+1:]...)
		}
		if len(a) < 2 || a[0] != '-' {
			positional = append(positional, a)
			continue
		}
		flags = append(flags, a)
		name := strings.TrimLeft(a, "-")
		if strings.Contains(name, "=") {
			continue
		}
		if f := fs.Lookup(name); f != nil && !isBoolFlag(f) && i+1 < len(args) {
			i++
			flags = append(flags, args[i])
		}
	}
	return flags, positional
}

func isBoolFlag(f *flag.Flag) bool {
	b, ok := f.Value.(interface{ IsBoolFlag() bool })
	return ok && b.IsBoolFlag()
}

// userMessage is the one line a person reads when a command fails: the
// message of a briefs.Error, or the error chain otherwise, with JSON
// decoding errors told in JSON's terms rather than Go's.
func userMessage(err error) string {
	var be *briefs.Error
	if errors.As(err, &be) {
		return plainGoTypes(cliAdvice(be))
	}
	return plainGoTypes(err.Error())
}

// saveAndAdd is what to do on the command line when an article cannot be
// read as given.
const saveAndAdd = "Save the article text to a file and run `briefbot add FILE`."

// cliAdvices are the pieces of advice in domain messages, written for
// Discord, that name slash commands: each with the errors it appears in (""
// for any) and what to run on the command line instead.
var cliAdvices = []struct{ code, discord, cli string }{
	{briefs.ENOTFOUND, "List what there is with /briefs.", "List what there is with `briefbot list`."},
	{"", "Paste the article text instead: /article add text: in Discord, or briefbot add FILE.", saveAndAdd},
	{briefs.EINVALID, "paste the text instead (/article add text: in Discord, or briefbot add FILE).", "s" + saveAndAdd[1:]},
	{briefs.EINVALID, "Paste the article text instead.", saveAndAdd},
}

// cliAdvice is the message of be in command-line terms: the messages are
// shared with Discord, whose users are told of slash commands.
func cliAdvice(be *briefs.Error) string {
	msg := be.Message
	for _, a := range cliAdvices {
		if a.code == "" || a.code == be.Code {
			msg = strings.Replace(msg, a.discord, a.cli, 1)
		}
	}
	return msg
}
