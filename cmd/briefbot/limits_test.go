package main

import (
	"strings"
	"testing"
)

// MAX_ARTICLES_PER_GUILD keeps the newest articles: adding one more on the
// command line drops the oldest rather than failing.
func TestAddBeyondArticleLimitDropsOldest(t *testing.T) {
	c := newCLI(t)
	c.env["MAX_ARTICLES_PER_GUILD"] = "1"
	c.mustRun("", "add", "--slug", "first", sample)
	c.mustRun("Another story\n\nSomething else happened today in the harbour. People said so. More news followed.", "add", "--slug", "second", "-")
	list := c.mustRun("", "list").stdout
	if strings.Count(list, "\n") != 1 || !strings.Contains(list, "second") || strings.Contains(list, "first") {
		t.Errorf("list after adding beyond the limit:\n%s", list)
	}
}

func TestConsoleScheduleLimits(t *testing.T) {
	c := newCLI(t)
	c.env["MAX_SCHEDULES_PER_GUILD"] = "2"
	in := strings.Join([]string{
		`/digest schedule cron:"*/5 * * * *"`,
		`/digest schedule cron:"0 8 * * *" channel:c1`,
		`/digest schedule cron:"0 9 * * *" channel:c2`,
		`/digest schedule cron:"0 10 * * *" channel:c3`,
		`/digest schedule cron:"30 8 * * *" channel:c2`,
		`/digest off channel:c1`,
		`/digest schedule cron:"0 10 * * *" channel:c3`,
		`/digest list`,
	}, "\n")
	out := c.mustRun(in, "console").stdout
	for _, want := range []string{
		"would post a digest every 5 minutes; digests may run at most every 15 minutes (MIN_DIGEST_INTERVAL)",
		"Digest scheduled for <#c1>",
		"This server has 2 digest schedules, its limit (MAX_SCHEDULES_PER_GUILD)",
		"Digest scheduled for <#c2>: `30 8 * * *`", // changing a schedule at the limit
		"Digest scheduled for <#c3>",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("console output lacks %q:\n%s", want, out)
		}
	}
	if strings.Count(out, "Digest scheduled for") != 4 {
		t.Errorf("want 4 schedules accepted:\n%s", out)
	}
}
