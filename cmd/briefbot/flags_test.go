package main

import (
	"encoding/json"
	"errors"
	"flag"
	"io"
	"slices"
	"strings"
	"testing"

	"briefbot/briefs"
)

func TestSplitFlagsAnywhere(t *testing.T) {
	fs := flag.NewFlagSet("t", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	fs.String("guild", "", "")
	fs.Bool("json", false, "")
	tests := []struct {
		args             []string
		flags, arguments []string
	}{
		{[]string{"lagarde-ecb", "--json"}, []string{"--json"}, []string{"lagarde-ecb"}},
		{[]string{"a", "--guild", "g", "b"}, []string{"--guild", "g"}, []string{"a", "b"}},
		{[]string{"a", "--guild=g", "-json", "b"}, []string{"--guild=g", "-json"}, []string{"a", "b"}},
		{[]string{"--json", "-", "--guild", "-"}, []string{"--json", "--guild", "-"}, []string{"-"}},
		{[]string{"a", "--", "--json", "-x"}, nil, []string{"a", "--json", "-x"}},
		{[]string{"--guild", "--", "a"}, []string{"--guild", "--"}, []string{"a"}},
		{[]string{"a", "--nope", "b"}, []string{"--nope"}, []string{"a", "b"}},
		{[]string{"a", "--guild"}, []string{"--guild"}, []string{"a"}},
	}
	for _, tt := range tests {
		flags, args := splitFlags(fs, tt.args)
		if !slices.Equal(flags, tt.flags) || !slices.Equal(args, tt.arguments) {
			t.Errorf("splitFlags(%q) = %q, %q; want %q, %q", tt.args, flags, args, tt.flags, tt.arguments)
		}
	}
}

// Flags after the arguments are flags, for every command, and "--" ends them.
func TestFlagsAfterArguments(t *testing.T) {
	c := newCLI(t)
	c.mustRun("", "add", sample, "--slug", "pact", "--guild", "g1")
	r := c.mustRun("", "brief", "pact", "--json", "--guild", "g1")
	var b briefs.Brief
	if err := json.Unmarshal([]byte(r.stdout), &b); err != nil || b.Slug != "pact" {
		t.Fatalf("brief pact --json --guild g1: %v\n%s", err, r.stdout)
	}
	if r := c.mustRun("", "list", "--guild", "g1", "--json"); !strings.HasPrefix(r.stdout, "{") {
		t.Errorf("list --guild g1 --json:\n%s", r.stdout)
	}
	r = c.run("", "brief", "--guild", "g1", "--", "--json")
	if briefs.ErrorCode(r.err) != briefs.ENOTFOUND || !strings.Contains(userMessage(r.err), `"--json"`) {
		t.Errorf("after --, --json is the query: %v", r.err)
	}
	r = c.run("", "brief", "pact", "--bogus")
	var u usageError
	if !errors.As(r.err, &u) || !strings.Contains(r.err.Error(), "bogus") {
		t.Errorf("an unknown flag after the query: %v", r.err)
	}
}

// One-shot commands log nothing at INFO unless LOG_LEVEL asks; the console
// and the bot keep INFO as their default.
func TestOneShotCommandsAreQuiet(t *testing.T) {
	c := newCLI(t)
	delete(c.env, "LOG_LEVEL")
	if r := c.mustRun("", "add", sample); r.stderr != "" {
		t.Errorf("add logged:\n%s", r.stderr)
	}
	if r := c.run("", "brief", "volcano"); r.err == nil || r.stderr != "" {
		t.Errorf("a failed brief: err %v, stderr:\n%s", r.err, r.stderr)
	}
	if r := c.mustRun("", "console"); !strings.Contains(r.stderr, "level=INFO") {
		t.Errorf("console does not log at INFO by default:\n%s", r.stderr)
	}
	c.env["LOG_LEVEL"] = "info"
	if r := c.mustRun("", "backup"); !strings.Contains(r.stderr, "level=INFO") {
		t.Errorf("LOG_LEVEL=info does not bring INFO back:\n%s", r.stderr)
	}
}
