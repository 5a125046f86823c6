package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// The progress line is redrawn only when it changes, erases what a longer
// line left, and is cleared at the end.
func TestProgressLine(t *testing.T) {
	var buf bytes.Buffer
	p := newProgress(&buf, func(n int64) string { return fmt.Sprintf("summarized %d lines", n) })
	go p.loop(time.Hour) // the test draws; the ticker never fires
	p.Add(3)
	p.draw()
	p.draw()
	p.Add(1200)
	p.draw()
	p.Done()
	p.Done()
	want := "\rsummarized 3 lines\x1b[K\rsummarized 1203 lines\x1b[K\r\x1b[K"
	if buf.String() != want {
		t.Errorf("progress wrote %q, want %q", buf.String(), want)
	}
	var nothing bytes.Buffer
	q := newProgress(&nothing, func(int64) string { return "x" })
	go q.loop(time.Hour)
	q.Done()
	if nothing.Len() != 0 {
		t.Errorf("a progress never drawn wrote %q", nothing.String())
	}
	var none *progress
	none.Add(1)
	none.Done()
}

// When stderr is not a terminal (a file, a pipe, a buffer), the long
// commands print no progress: only what they printed before.
func TestNoProgressOffTerminal(t *testing.T) {
	dir := t.TempDir()
	stderrFile, err := os.Create(filepath.Join(dir, "stderr"))
	if err != nil {
		t.Fatal(err)
	}
	defer stderrFile.Close()
	if p := startProgress(&environment{stderr: stderrFile}, func(int64) string { return "x" }); p != nil {
		t.Fatal("a progress line on a file")
	}

	c := newCLI(t)
	delete(c.env, "LOG_LEVEL")
	art, _ := json.Marshal(readSample(t))
	var in strings.Builder
	for i := range 30 {
		fmt.Fprintf(&in, `{"id":%d,"article":%s}`+"\n", i, art)
	}
	var out bytes.Buffer
	getenv := func(k string) string { return c.env[k] }
	if err := run(context.Background(), []string{"briefbot", "summarize"}, getenv, strings.NewReader(in.String()), &out, stderrFile); err != nil {
		t.Fatal(err)
	}
	if b, _ := os.ReadFile(stderrFile.Name()); len(b) != 0 || strings.Count(out.String(), "\n") != 30 {
		t.Errorf("summarize: stderr %q, %d lines out", b, strings.Count(out.String(), "\n"))
	}

	c.mustRun("", "add", sample)
	backup := c.mustRun("", "backup").stdout
	other := newCLI(t)
	delete(other.env, "LOG_LEVEL")
	if r := other.mustRun(backup, "restore"); !strings.HasPrefix(r.stderr, "restored ") || strings.Count(r.stderr, "\n") != 1 || strings.ContainsAny(r.stderr, "\r\x1b") {
		t.Errorf("restore stderr: %q", r.stderr)
	}

	data := filepath.Join(dir, "dev.jsonl")
	row, _ := json.Marshal(map[string]any{"id": 1, "article": readSample(t), "reference_summary": "putin and kim signed a pact ."})
	if err := os.WriteFile(data, append(row, '\n'), 0o600); err != nil {
		t.Fatal(err)
	}
	if r := c.mustRun("", "eval", "--data", data); r.stderr != "" {
		t.Errorf("eval stderr: %q", r.stderr)
	}
}
