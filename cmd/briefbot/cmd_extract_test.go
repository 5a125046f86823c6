package main

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"errors"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// extractSample is a small hand-written news page.
const extractSample = `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<title>Library opens on Sundays from March</title>
<meta property="og:site_name" content="The Valley Post">
<meta property="og:image" content="/img/library.jpg">
<meta property="article:published_time" content="2025-02-10T09:00:00Z">
<link rel="canonical" href="/news/library-sundays?utm_source=feed">
</head><body>
<nav><a href="/">Home</a> <a href="/news">News</a></nav>
<article>
<h1>Library opens on Sundays from March</h1>
<p class="byline">By Ada Quill</p>
<p>The central library will open on Sundays from the first weekend of March, the town council decided on Monday after a year of requests from students and families.</p>
<p>Opening hours on Sundays will run from ten in the morning until four in the afternoon, and the reading rooms, the children's corner and the public computers will all be available.</p>
<p>The council said the extra day would be paid for by moving two late evenings, which had drawn few visitors, to the weekend.</p>
</article>
<aside><h3>Most read</h3><ul><li><a href="/a">Bridge closed for repairs</a></li></ul></aside>
<footer>All rights reserved</footer>
</body></html>`

func TestExtractPrintsWhatWouldBeStored(t *testing.T) {
	c := newCLI(t)
	dir := t.TempDir()
	file := filepath.Join(dir, "page.html")
	if err := os.WriteFile(file, []byte(extractSample), 0o600); err != nil {
		t.Fatal(err)
	}
	r := c.mustRun("", "extract", "--url", "https://valleypost.example/news/library-sundays?utm_source=x", file)
	for _, want := range []string{
		"Title:     Library opens on Sundays from March\n",
		"Site:      The Valley Post\n",
		"Published: 2025-02-10T09:00:00Z\n",
		"Language:  en\n",
		"Image:     https://valleypost.example/img/library.jpg\n",
		"Canonical: https://valleypost.example/news/library-sundays\n",
		"\n\nThe central library will open on Sundays",
		"moving two late evenings",
	} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("output lacks %q:\n%s", want, r.stdout)
		}
	}
	for _, bad := range []string{"Most read", "All rights reserved", "Bridge closed"} {
		if strings.Contains(r.stdout, bad) {
			t.Errorf("output has %q:\n%s", bad, r.stdout)
		}
	}
}

func TestExtractJSONFromStdinAndGzip(t *testing.T) {
	c := newCLI(t)
	var gz bytes.Buffer
	zw := gzip.NewWriter(&gz)
	zw.Write([]byte(extractSample))
	zw.Close()
	for name, in := range map[string]string{"plain": extractSample, "gzip": gz.String()} {
		r := c.mustRun(in, "extract", "--json", "-")
		var out map[string]string
		if err := json.Unmarshal([]byte(r.stdout), &out); err != nil {
			t.Fatalf("%s: not JSON: %v\n%s", name, err, r.stdout)
		}
		if out["title"] != "Library opens on Sundays from March" || !strings.HasPrefix(out["text"], "The central library") ||
			out["url"] != placeholderURL || out["lang"] != "en" || out["image"] != "https://example.invalid/img/library.jpg" ||
			out["published_at"] != "2025-02-10T09:00:00Z" || out["site"] != "The Valley Post" {
			t.Errorf("%s: got %v", name, out)
		}
		for _, k := range []string{"byline", "canonical_url"} {
			if _, ok := out[k]; !ok {
				t.Errorf("%s: no %q in %v", name, k, out)
			}
		}
	}
}

func TestExtractPlainText(t *testing.T) {
	c := newCLI(t)
	text := "The ferry will run twice a day over the winter, the operator said on Tuesday after a review of bookings.\n\nA third sailing on Fridays will be added from April if demand holds up through the spring months, and the early crossing will keep its timetable."
	r := c.mustRun(text, "extract", "--json", "-")
	var out map[string]string
	if err := json.Unmarshal([]byte(r.stdout), &out); err != nil || out["text"] != text || out["title"] != "" {
		t.Errorf("got %v (%v)", out, err)
	}
}

func TestExtractErrors(t *testing.T) {
	c := newCLI(t)
	for _, tc := range []struct {
		name, stdin string
		args        []string
		usage       bool
		msg         string
	}{
		{"no file", "", []string{"extract"}, true, "extract takes one FILE"},
		{"two files", "", []string{"extract", "a", "b"}, true, "extract takes one FILE"},
		{"missing file", "", []string{"extract", filepath.Join(t.TempDir(), "nope.html")}, false, "no such file"},
		{"too little text", "<html><body><p>Please sign in.</p></body></html>", []string{"extract", "-"}, false, "too little article text"},
		{"bad url", extractSample, []string{"extract", "--url", "ftp://x.example/", "-"}, false, "is not an http or https link"},
		{"bad body", extractSample, []string{"extract", "--body", "magic", "-"}, false, "unknown body extractor"},
	} {
		r := c.run(tc.stdin, tc.args...)
		var u usageError
		if r.err == nil || errors.As(r.err, &u) != tc.usage || !strings.Contains(userMessage(r.err), tc.msg) {
			t.Errorf("%s: err = %v, want %q (usage %v)", tc.name, r.err, tc.msg, tc.usage)
		}
		if strings.Contains(userMessage(r.err), "\n") {
			t.Errorf("%s: message is not one line: %q", tc.name, userMessage(r.err))
		}
	}
	r := c.run("", "extract", "--help")
	if !errors.Is(r.err, flag.ErrHelp) || !strings.Contains(r.stderr, placeholderURL) || !strings.Contains(r.stderr, "Usage: briefbot extract") {
		t.Errorf("--help: %v\n%s", r.err, r.stderr)
	}
}
