package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"sort"
	"strings"

	"briefbot/briefs"
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
	cmd, ok := cmds[name]
	if !ok {
		fmt.Fprint(stderr, mainUsage(cmds))
		return usagef("unknown command %q", name)
	}
	cfg, err := loadConfig(getenv)
	if err != nil {
		return err
	}
	env := &environment{stdin: stdin, stdout: stdout, stderr: stderr, getenv: getenv, cfg: cfg, log: newLogger(cfg, stderr)}
	return cmd.run(ctx, env, args[2:])
}

func mainUsage(cmds map[string]subcommand) string {
	names := make([]string, 0, len(cmds))
	for n := range cmds {
		names = append(names, n)
	}
	sort.Strings(names)
	var b strings.Builder
	b.WriteString("briefbot turns news articles into short briefs and serves them.\n\nUsage: briefbot <command> [flags] [args]\n\nCommands:\n")
	for _, n := range names {
		fmt.Fprintf(&b, "  %-10s %s\n", n, cmds[n].summary)
	}
	b.WriteString("\nRun 'briefbot <command> --help' for a command's flags.\n")
	b.WriteString("Settings come from the environment (see .env.example); with REDIS_URL unset,\n")
	b.WriteString("data lives in an embedded store saved to DATA_FILE (default briefbot-data.json).\n")
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

func hasFlags(fs *flag.FlagSet) bool {
	n := 0
	fs.VisitAll(func(*flag.Flag) { n++ })
	return n > 0
}

// parseFlags parses args; a bad flag is a usage error, --help is flag.ErrHelp.
func parseFlags(fs *flag.FlagSet, args []string) error {
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return err
		}
		return usageError{err.Error()}
	}
	return nil
}

// userMessage is the one line a person reads when a command fails: the
// message of a briefs.Error, or the error chain otherwise.
func userMessage(err error) string {
	var be *briefs.Error
	if errors.As(err, &be) {
		return be.Message
	}
	return err.Error()
}
