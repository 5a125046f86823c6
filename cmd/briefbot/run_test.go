package main

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"maps"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"briefbot/briefs"
	"briefbot/internal/atomicfile"
	"briefbot/store/storetest"
)

// sample is the article the project started from, shipped as the example.
const sample = "../../examples/putin-kim.txt"

// cli runs briefbot in-process with its own environment, like a user would
// run it in a shell. Runs that share a cli share the embedded data file, like
// two processes in one directory.
type cli struct {
	t   *testing.T
	env map[string]string
}

func newCLI(t *testing.T) *cli {
	t.Helper()
	dir := t.TempDir()
	return &cli{t: t, env: map[string]string{
		"DATA_FILE": filepath.Join(dir, "briefbot-data.json"),
		"LOG_LEVEL": "info",
	}}
}

// newRedisCLI uses the real Redis of REDIS_URL under a random prefix, and
// removes that prefix's keys afterwards; it skips when REDIS_URL is unset.
func newRedisCLI(t *testing.T) *cli {
	t.Helper()
	url := os.Getenv("REDIS_URL")
	if url == "" {
		t.Skip("REDIS_URL unset: the embedded store runs these paths in the other tests")
	}
	c := newCLI(t)
	c.env["REDIS_URL"] = url
	c.env["REDIS_KEY_PREFIX"] = storetest.RandomPrefix()
	t.Cleanup(func() { storetest.DeletePrefix(t, url, c.env["REDIS_KEY_PREFIX"]) })
	return c
}

type result struct {
	stdout, stderr string
	err            error
}

func (c *cli) run(stdin string, args ...string) result {
	c.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	var out, errb bytes.Buffer
	getenv := func(k string) string { return c.env[k] }
	err := run(ctx, append([]string{"briefbot"}, args...), getenv, strings.NewReader(stdin), &out, &errb)
	return result{out.String(), errb.String(), err}
}

func (c *cli) mustRun(stdin string, args ...string) result {
	c.t.Helper()
	r := c.run(stdin, args...)
	if r.err != nil {
		c.t.Fatalf("briefbot %s: %v\nstderr: %s", strings.Join(args, " "), r.err, r.stderr)
	}
	return r
}

func readSample(t *testing.T) string {
	t.Helper()
	b, err := os.ReadFile(sample)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func TestAddThenBriefAcrossProcesses(t *testing.T) {
	c := newCLI(t)
	add := c.mustRun("", "add", sample)
	if !strings.Contains(add.stdout, "Added ") {
		t.Fatalf("add output: %s", add.stdout)
	}
	if !strings.Contains(add.stderr, c.env["DATA_FILE"]) {
		t.Errorf("start-up does not say where data lives; stderr: %s", add.stderr+"")
	}
	// A second "process" finds it by the query the sample is known by.
	got := c.mustRun("", "brief", "putin-kim")
	checkSampleBrief(t, got.stdout)
}

func checkSampleBrief(t *testing.T, out string) {
	t.Helper()
	if !strings.HasPrefix(out, "# Russia's Deal With North Korea Is 'Ominously Ambiguous'\n") {
		t.Errorf("brief is not titled with the headline:\n%s", out)
	}
	for _, want := range []string{"mutual assistance", "text", "\nPeople & places: Vladimir Putin · North Korea · Russia · Kim Jong Un"} {
		if !strings.Contains(out, want) {
			t.Errorf("brief lacks %q:\n%s", want, out)
		}
	}
	for _, bad := range []string{"install", "Tap to", "More Vladimir Putin stories"} {
		if strings.Contains(strings.ToLower(out), strings.ToLower(bad)) {
			t.Errorf("brief carries boilerplate %q:\n%s", bad, out)
		}
	}
}

func TestAddAndBriefOnRealRedis(t *testing.T) {
	c := newRedisCLI(t)
	c.mustRun("", "add", sample)
	checkSampleBrief(t, c.mustRun("", "brief", "putin-kim").stdout)
	again := c.mustRun("", "add", sample)
	if !strings.Contains(again.stdout, "Already here") {
		t.Errorf("second add of the same text: %s", again.stdout)
	}
}

func TestAddTwiceReturnsExisting(t *testing.T) {
	c := newCLI(t)
	first := c.mustRun("", "add", "--json", sample)
	second := c.mustRun(readSample(t), "add", "--json", "-")
	var a, b briefs.Brief
	if err := json.Unmarshal([]byte(first.stdout), &a); err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal([]byte(second.stdout), &b); err != nil {
		t.Fatal(err)
	}
	if a.ArticleID != b.ArticleID || a.Slug != b.Slug {
		t.Fatalf("same text added twice gave two articles: %s/%s and %s/%s", a.ArticleID, a.Slug, b.ArticleID, b.Slug)
	}
	if a.Lang != "en" || slices.Contains(a.Bullets, a.Gist) {
		t.Errorf("brief JSON: lang %q, gist among the bullets %v", a.Lang, slices.Contains(a.Bullets, a.Gist))
	}
	list := c.mustRun("", "list")
	if n := strings.Count(list.stdout, "\n"); n != 1 {
		t.Fatalf("list shows %d articles, want 1:\n%s", n, list.stdout)
	}
}

func TestAddBadInput(t *testing.T) {
	c := newCLI(t)
	c.env["MAX_ARTICLE_BYTES"] = "4KiB"
	tests := []struct {
		name, stdin string
		args        []string
		code        string
		msg         string
	}{
		{"empty", "", []string{"add", "-"}, briefs.EINVALID, "empty"},
		{"whitespace", " \n\t\n", []string{"add", "-"}, briefs.EINVALID, "empty"},
		{"binary", "\x00\x01\x02\xff\xfe binary", []string{"add", "-"}, briefs.EINVALID, "not text"},
		{"too large", strings.Repeat("Big news today. ", 400), []string{"add", "-"}, briefs.ETOOLARGE, "4 KiB"},
		{"bad url", readSample(t), []string{"add", "--url", "ftp://example.com/x", "-"}, briefs.EINVALID, "http"},
		{"emoji-only slug", readSample(t), []string{"add", "--slug", "🚀🚀", "-"}, briefs.EINVALID, "slug"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := c.run(tt.stdin, tt.args...)
			if r.err == nil {
				t.Fatalf("no error; stdout: %s", r.stdout)
			}
			if got := briefs.ErrorCode(r.err); got != tt.code {
				t.Errorf("code = %s, want %s (%v)", got, tt.code, r.err)
			}
			if !strings.Contains(strings.ToLower(userMessage(r.err)), strings.ToLower(tt.msg)) {
				t.Errorf("message %q does not mention %q", userMessage(r.err), tt.msg)
			}
		})
	}
	if list := c.mustRun("", "list"); list.stdout != "" {
		t.Fatalf("bad input left articles behind:\n%s", list.stdout)
	}
}

func TestSlugNormalisedAndConflict(t *testing.T) {
	c := newCLI(t)
	r := c.mustRun("", "add", "--slug", "Putin Kim Pact", sample)
	if !strings.Contains(r.stdout, `normalised to "putin-kim-pact"`) {
		t.Errorf("slug normalisation not explained:\n%s", r.stdout)
	}
	other := "Markets Rally On Rate Hopes\n\nStocks rose sharply on Tuesday as investors bet on lower interest rates. The Dow gained 300 points. Analysts expect more gains this week."
	r = c.run(other, "add", "--slug", "putin-kim-pact", "-")
	if briefs.ErrorCode(r.err) != briefs.ECONFLICT {
		t.Fatalf("taken slug: err = %v, want conflict", r.err)
	}
	// Without a slug the generated one is free, and both are listed.
	c.mustRun(other, "add", "-")
	if n := strings.Count(c.mustRun("", "list").stdout, "\n"); n != 2 {
		t.Fatalf("want 2 articles after a refused and an accepted add, got %d", n)
	}
}

func TestBriefUnknownAndAmbiguous(t *testing.T) {
	c := newCLI(t)
	c.mustRun("", "add", sample)
	r := c.run("", "brief", "volcano")
	if briefs.ErrorCode(r.err) != briefs.ENOTFOUND {
		t.Fatalf("unknown query: %v", r.err)
	}
	c.mustRun("Putin Visits China\n\nVladimir Putin arrived in Beijing on Thursday for talks with Xi Jinping. The two leaders discussed trade. Officials said more visits are planned.", "add", "--slug", "putin-china", "-")
	r = c.run("", "brief", "putin")
	if briefs.ErrorCode(r.err) != briefs.ECONFLICT || !strings.Contains(r.stdout, "putin-china") {
		t.Fatalf("ambiguous query: err %v, stdout %s", r.err, r.stdout)
	}
	r = c.mustRun("", "brief", "PUTIN", "china")
	if !strings.Contains(r.stdout, "Putin Visits China") {
		t.Fatalf("two terms, case-insensitive: %s", r.stdout)
	}
}

func TestSummarizeKeepsOrderAndReportsBadLines(t *testing.T) {
	c := newCLI(t)
	art, _ := json.Marshal(readSample(t))
	in := strings.Join([]string{
		`{"id":"a","article":` + string(art) + `}`,
		`this is not json`,
		``,
		`{"id":7,"article":""}`,
		`{"id":"no-article"}`,
		`{"id":"b","title":"Given Title","article":` + string(art) + `}`,
	}, "\n")
	r := c.mustRun(in, "summarize", "--workers", "3")
	lines := strings.Split(strings.TrimSpace(r.stdout), "\n")
	if len(lines) != 5 {
		t.Fatalf("want 5 output lines, got %d:\n%s", len(lines), r.stdout)
	}
	var outs []summarizeOutput
	for _, l := range lines {
		var o summarizeOutput
		if err := json.Unmarshal([]byte(l), &o); err != nil {
			t.Fatalf("output line is not JSON: %s", l)
		}
		outs = append(outs, o)
	}
	if string(outs[0].ID) != `"a"` || outs[0].Error != "" || len(outs[0].Bullets) < 3 || outs[0].Slug == "" {
		t.Errorf("line 1: %+v", outs[0])
	}
	if outs[1].Error == "" || outs[1].Line != 2 {
		t.Errorf("line 2 (not JSON) should be an error naming line 2: %+v", outs[1])
	}
	if string(outs[2].ID) != "7" || outs[2].Error == "" {
		t.Errorf("empty article should be an error for id 7: %+v", outs[2])
	}
	if outs[3].Error == "" {
		t.Errorf("missing article should be an error: %+v", outs[3])
	}
	if string(outs[4].ID) != `"b"` || outs[4].Title != "Given Title" {
		t.Errorf("line 5: %+v", outs[4])
	}
}

func TestBackupRestoreIntoAnotherStore(t *testing.T) {
	c := newCLI(t)
	c.mustRun("", "add", sample)
	backup := c.mustRun("", "backup").stdout
	other := newCLI(t)
	if r := other.run("", "brief", "putin-kim"); briefs.ErrorCode(r.err) != briefs.ENOTFOUND {
		t.Fatalf("fresh store should not know putin-kim: %v", r.err)
	}
	other.mustRun(backup, "restore")
	checkSampleBrief(t, other.mustRun("", "brief", "putin-kim").stdout)

	if r := other.run("{not a snapshot", "restore"); r.err == nil {
		t.Fatal("restore of garbage succeeded")
	}

	// Onto data: refused without --replace; with it, an article added
	// after the backup is gone and can be added again.
	other.mustRun("A later story came in after the backup was taken. It has a few sentences. Officials said more would follow.", "add", "--slug", "later-story", "--title", "Later story", "-")
	if r := other.run(backup, "restore"); briefs.ErrorCode(r.err) != briefs.ECONFLICT || !strings.Contains(r.err.Error(), "--replace") {
		t.Fatalf("restore onto data: %v, want a refusal naming --replace", r.err)
	}
	other.mustRun(backup, "restore", "--replace")
	if r := other.run("", "brief", "later-story"); briefs.ErrorCode(r.err) != briefs.ENOTFOUND {
		t.Fatalf("article added after the backup survived --replace: %v", r.err)
	}
	checkSampleBrief(t, other.mustRun("", "brief", "putin-kim").stdout)
}

func TestConsoleUsesTheRouter(t *testing.T) {
	c := newCLI(t)
	in := strings.Join([]string{
		"/article add slug:pact", // no text: Discord opens a form, the console asks for it
		readSample(t),
		".",
		"/brief pact",
		"/brief nothing-like-this",
		"/briefs",
		"/article remove slug:pact",
		"/brief pact",
		"brief without slash",
		"/quit",
		"/brief never-reached",
	}, "\n")
	out := c.mustRun(in, "console").stdout
	for _, want := range []string{
		"Added `pact`",
		"# Russia's Deal With North Korea Is 'Ominously Ambiguous'",
		"People & places: Vladimir Putin · North Korea",
		`No brief matches "nothing-like-this"`,
		"Recent briefs",
		"Removed `pact`",
		"commands start with /",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("console output lacks %q:\n%s", want, out)
		}
	}
	if strings.Contains(out, "never-reached") {
		t.Error("console went on after /quit")
	}
}

func TestUsageAndConfigErrors(t *testing.T) {
	c := newCLI(t)
	r := c.run("", "frobnicate")
	var u usageError
	if !errors.As(r.err, &u) {
		t.Fatalf("unknown command: %v", r.err)
	}
	if r := c.run("", "brief", "--help"); !errors.Is(r.err, flag.ErrHelp) || !strings.Contains(r.stderr, "Usage: briefbot brief") {
		t.Fatalf("--help: %v %s", r.err, r.stderr)
	}
	r = c.mustRun("", "--help")
	for _, cmd := range []string{"add", "brief", "list", "summarize", "console", "backup", "restore"} {
		if !strings.Contains(r.stdout, "  "+cmd+" ") {
			t.Errorf("--help does not list %s", cmd)
		}
	}
	for name, value := range map[string]string{
		"BRIEF_CACHE_TTL":         "soon",
		"MAX_ARTICLE_BYTES":       "lots",
		"MAX_ARTICLES_PER_GUILD":  "0",
		"MAX_SCHEDULES_PER_GUILD": "many",
		"MIN_DIGEST_INTERVAL":     "-5m",
		"DIGEST_TIMEZONE":         "Mars/Olympus",
		"LOG_FORMAT":              "xml",
		"REDIS_URL":               "http://nope",
	} {
		bad := newCLI(t)
		bad.env[name] = value
		r := bad.run("", "list")
		if r.err == nil || !strings.Contains(r.err.Error(), name) {
			t.Errorf("%s=%s: error %v does not name the variable", name, value, r.err)
		}
	}
}

func TestRedisUnreachableIsClearAndBounded(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	c := newCLI(t)
	c.env["REDIS_URL"] = "redis://user:hunter2@" + addr + "/0"
	r := c.run("", "list")
	if briefs.ErrorCode(r.err) != briefs.EUNAVAILABLE {
		t.Fatalf("err = %v, want unavailable", r.err)
	}
	if !strings.Contains(strings.ToLower(userMessage(r.err)), "unavailable") {
		t.Errorf("message %q does not say the store is unavailable", userMessage(r.err))
	}
	if strings.Contains(r.err.Error()+r.stderr, "hunter2") {
		t.Error("the Redis password leaked into the error or logs")
	}
}

func TestEvalPrintsTableBesideLeadBaselines(t *testing.T) {
	dir := t.TempDir()
	var rows []string
	for i, topic := range []string{"harbour", "budget", "election"} {
		row, _ := json.Marshal(map[string]any{
			"id":                i,
			"article":           "The " + topic + " story broke on Monday. Officials in the capital confirmed the " + topic + " figures. Critics said the plan would fail. Supporters disagreed with them. A vote is due next week.",
			"reference_summary": "officials confirmed the " + topic + " figures .\na vote is due next week .",
		})
		rows = append(rows, string(row))
	}
	data := filepath.Join(dir, "dev.jsonl")
	if err := os.WriteFile(data, []byte(strings.Join(rows, "\n")+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	perDoc := filepath.Join(dir, "per-doc.jsonl")
	c := newCLI(t)
	out := c.mustRun("", "eval", "--data", data, "--per-doc", perDoc).stdout
	for _, want := range []string{"3 documents scored", "ours bullets", "ours gist", "Lead-3", "Lead-1", "format faults"} {
		if !strings.Contains(out, want) {
			t.Errorf("eval table lacks %q:\n%s", want, out)
		}
	}
	if b, err := os.ReadFile(perDoc); err != nil || strings.Count(string(b), "\n") != 3 {
		t.Errorf("per-doc file: %v, %q", err, b)
	}
	if r := c.run("", "eval", "--data", data, "--refs", "some"); r.err == nil {
		t.Error("--refs some was accepted")
	}
	if r := c.run("", "eval", "--data", filepath.Join(dir, "missing.jsonl")); r.err == nil {
		t.Error("a missing data file was accepted")
	}
}

// evalTestPages are small web pages for eval --pages: an article with a
// dateline and a list, a second article, and a page with no article text.
var evalTestPages = map[string]string{
	"harbour": `<!doctype html><html><head><meta charset="utf-8"><title>Harbour Strike Ends | Coast Times</title></head>
<body><nav><a href="/">Home</a></nav><article><h1>Harbour Strike Ends</h1>
<p>KELBY — Dock workers at the port of Kelby voted on Sunday to end a strike that had halted shipping for ten days.</p>
<p>The union said members accepted a pay rise of 6 percent over two years and new rules on night shifts.</p>
<p>Port officials expect the backlog of more than 80 container ships to clear by the end of the month.</p>
<p>Retailers had warned that shelves would empty before the holidays if the dispute continued.</p>
</article></body></html>`,
	"library": `<!doctype html><html><head><meta charset="utf-8"><title>New Library Opens in Ashby</title></head>
<body><article><h1>New Library Opens in Ashby</h1>
<p>The town of Ashby opened its new public library on Saturday after three years of building work.</p>
<p>The library holds forty thousand books and a room for children, and it stays open until nine in the evening.</p>
<p>The mayor thanked the volunteers who moved the old collection across town in a single weekend.</p>
<p>Visitors queued around the block before the doors opened at ten in the morning.</p>
</article></body></html>`,
	"empty": `<!doctype html><html><head><title>Sign in</title></head><body><form>Sign in to continue.</form></body></html>`,
}

func TestEvalPagesReadsRealPageFolders(t *testing.T) {
	dir := t.TempDir()
	if err := os.Mkdir(filepath.Join(dir, "html"), 0o755); err != nil {
		t.Fatal(err)
	}
	truth := map[string]map[string]string{}
	for id, page := range evalTestPages {
		var buf bytes.Buffer
		zw := gzip.NewWriter(&buf)
		zw.Write([]byte(page))
		if err := zw.Close(); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, "html", id+".html.gz"), buf.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
		truth[id] = map[string]string{"url": "https://news.example.com/" + id, "articleBody": "not used"}
	}
	b, _ := json.Marshal(truth)
	if err := os.WriteFile(filepath.Join(dir, "ground-truth.json"), b, 0o644); err != nil {
		t.Fatal(err)
	}
	out, perDoc := filepath.Join(t.TempDir(), "briefs.txt"), filepath.Join(t.TempDir(), "pages.jsonl")
	c := newCLI(t)
	stdout := c.mustRun("", "eval", "--pages", dir, "--out", out, "--per-doc", perDoc, "--show", "5").stdout
	for _, want := range []string{
		"3 pages, 2 extracted, 1 not extracted",
		"refused with at least 300 characters of extracted text: 0",
		"reader checks (2 briefs, 0 refused)",
		"points shown per brief:",
		"languages: en:2",
		"any reader fault",
	} {
		if !strings.Contains(stdout, want) {
			t.Errorf("eval --pages output lacks %q:\n%s", want, stdout)
		}
	}
	text, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"title: Harbour Strike Ends", "title: New Library Opens in Ashby", "gist: ", "  - ", "entities: ", "slug ", "not extracted: "} {
		if !strings.Contains(string(text), want) {
			t.Errorf("--out file lacks %q:\n%s", want, text)
		}
	}
	if b, err := os.ReadFile(perDoc); err != nil || strings.Count(string(b), "\n") != 3 || !strings.Contains(string(b), `"extract_error"`) {
		t.Errorf("per-doc file: %v, %s", err, b)
	}

	if r := c.run("", "eval", "--pages", dir, "--data", "x.jsonl"); r.err == nil {
		t.Error("--pages with --data was accepted")
	}
	if r := c.run("", "eval", "--data", "x.jsonl", "--out", out); r.err == nil {
		t.Error("--out without --pages was accepted")
	}
	if r := c.run("", "eval", "--pages", t.TempDir()); r.err == nil {
		t.Error("a folder without ground-truth.json was accepted")
	}
}

// TestEvalPagesOnSharedPages runs eval --pages over the shared folder of
// real pages when it is there (CI has it).
func TestEvalPagesOnSharedPages(t *testing.T) {
	dir := "../../../shared/evaldata/extraction"
	if _, err := os.Stat(filepath.Join(dir, "ground-truth.json")); err != nil {
		t.Skip("no shared pages:", err)
	}
	// Twenty of the pages, so the test stays quick under the race detector
	// on a busy machine: `briefbot eval --pages` runs all 181.
	var truth map[string]json.RawMessage
	b, err := os.ReadFile(filepath.Join(dir, "ground-truth.json"))
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, &truth); err != nil {
		t.Fatal(err)
	}
	ids := slices.Sorted(maps.Keys(truth))[:20]
	sub := t.TempDir()
	if err := os.Mkdir(filepath.Join(sub, "html"), 0o755); err != nil {
		t.Fatal(err)
	}
	picked := map[string]json.RawMessage{}
	for _, id := range ids {
		page, err := os.ReadFile(filepath.Join(dir, "html", id+".html.gz"))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(sub, "html", id+".html.gz"), page, 0o644); err != nil {
			t.Fatal(err)
		}
		picked[id] = truth[id]
	}
	b, _ = json.Marshal(picked)
	if err := os.WriteFile(filepath.Join(sub, "ground-truth.json"), b, 0o644); err != nil {
		t.Fatal(err)
	}
	out := newCLI(t).mustRun("", "eval", "--pages", sub).stdout
	if !strings.Contains(out, "20 pages, 20 extracted") || !strings.Contains(out, "reader checks (") ||
		!strings.Contains(out, "refused with at least 300 characters of extracted text: 0") {
		t.Errorf("eval --pages on twenty shared pages:\n%s", out)
	}
}

// newsPage is a small article page as a news site serves it.
const newsPage = `<!doctype html><html><head><meta charset="utf-8">
<title>Harbour Strike Ends After Ten Days | Coast Times</title>
<meta property="og:site_name" content="Coast Times">
<link rel="canonical" href="%s/news/harbour-strike">
</head><body><nav><a href="/">Home</a> <a href="/world">World</a></nav>
<article><h1>Harbour Strike Ends After Ten Days</h1>
<p class="byline">By Ada Lovelace</p>
<p>Dock workers at the port of Kelby voted on Sunday to end a strike that had halted shipping for ten days.</p>
<p>The union said members accepted a pay rise of 6 percent over two years and new rules on night shifts.</p>
<p>Port officials expect the backlog of more than 80 container ships to clear by the end of the month.</p>
<p>Retailers had warned that shelves would empty before the holidays if the dispute continued.</p>
</article><footer>Share this story. Copyright Coast Times.</footer></body></html>`

func TestAddByURLFetchesExtractsAndDedups(t *testing.T) {
	var hits atomic.Int32
	var srv *httptest.Server
	srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		fmt.Fprintf(w, newsPage, srv.URL)
	}))
	defer srv.Close()

	c := newCLI(t)
	if r := c.run("", "add", "--url", srv.URL+"/news/harbour-strike?utm_source=feed"); briefs.ErrorCode(r.err) != briefs.EINVALID {
		t.Fatalf("a loopback link with FETCH_ALLOW_PRIVATE unset: %v", r.err)
	}
	if hits.Load() != 0 {
		t.Fatal("the refused link was fetched")
	}
	c.env["FETCH_ALLOW_PRIVATE"] = "true"
	r := c.mustRun("", "add", "--json", "--url", srv.URL+"/news/harbour-strike?utm_source=feed#top")
	var b briefs.Brief
	if err := json.Unmarshal([]byte(r.stdout), &b); err != nil {
		t.Fatal(err)
	}
	if b.Title != "Harbour Strike Ends After Ten Days" || b.Site != "Coast Times" || b.SourceURL != srv.URL+"/news/harbour-strike" {
		t.Errorf("brief = %q / %q / %q", b.Title, b.Site, b.SourceURL)
	}
	if !strings.Contains(b.Gist+strings.Join(b.Bullets, " "), "Dock workers at the port of Kelby") {
		t.Errorf("brief misses the lead: %+v", b)
	}
	again := c.mustRun("", "add", "--url", srv.URL+"/news/harbour-strike?fbclid=abc")
	if !strings.Contains(again.stdout, "Already here as "+b.Slug) {
		t.Errorf("same story through another tracking link: %s", again.stdout)
	}
}

func TestConsoleDigests(t *testing.T) {
	c := newCLI(t)
	c.mustRun("", "add", sample)
	in := strings.Join([]string{
		`/digest schedule cron:"0 8 * * *" timezone:Europe/Berlin`,
		`/digest schedule cron:"61 * * * *"`,
		`/digest schedule cron:"@daily" timezone:Mars/Base`,
		`/digest list`,
		`/digest now`,
		`/digest now`,
		`/digest off`,
		`/digest list`,
	}, "\n")
	out := c.mustRun(in, "console").stdout
	for _, want := range []string{
		"Europe/Berlin", // the schedule's confirmation names its zone
		"61",            // the bad expression is named in the refusal
		"Mars/Base",     // so is the unknown zone
		"[digest to channel console]",
		"Russia's Deal With North Korea",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("console output lacks %q:\n%s", want, out)
		}
	}
	if n := strings.Count(out, "[digest to channel console]"); n != 1 {
		t.Errorf("two /digest now in a row posted %d digests; the second has nothing new:\n%s", n, out)
	}
}

func TestConsoleRefreshRebuildsFromTheLink(t *testing.T) {
	var version atomic.Int32
	var srv *httptest.Server
	srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		page := fmt.Sprintf(newsPage, srv.URL)
		if version.Load() > 0 {
			page = strings.Replace(page, "<p>Port officials expect", "<p>Update: the first container ships left the port of Kelby on Monday morning after the deal was signed.</p>\n<p>Port officials expect", 1)
			page = strings.ReplaceAll(page, "Harbour Strike Ends After Ten Days", "Ships Sail Again as Harbour Strike Ends")
		}
		fmt.Fprint(w, page)
	}))
	defer srv.Close()
	c := newCLI(t)
	c.env["FETCH_ALLOW_PRIVATE"] = "true"
	c.mustRun("", "add", "--slug", "harbour", "--url", srv.URL+"/news/harbour-strike")
	c.mustRun("Pasted Story\n\nThe council met on Monday to discuss the budget. Members agreed to cut spending by two percent. A vote is due next week.", "add", "--slug", "pasted", "-")
	version.Store(1)
	out := c.mustRun("/article add url:"+srv.URL+"/news/harbour-strike?utm_medium=chat\n/article refresh slug:harbour\n/article refresh slug:pasted\n/article refresh slug:nope\n", "console").stdout
	for _, want := range []string{"already here as `harbour`", "Refreshed `harbour`", "# Ships Sail Again as Harbour Strike Ends", "pasted as text", `no article`} {
		if !strings.Contains(strings.ToLower(out), strings.ToLower(want)) {
			t.Errorf("console output lacks %q:\n%s", want, out)
		}
	}
	b := c.mustRun("", "brief", "harbour").stdout
	if !strings.HasPrefix(b, "# Ships Sail Again as Harbour Strike Ends") {
		t.Errorf("brief after refresh:\n%s", b)
	}
}

// A link-added article keeps what the page says about itself: the lead
// image for the embed, the date and the site for the footer, the language.
func TestAddByURLKeepsImageDateSiteAndLanguage(t *testing.T) {
	var srv *httptest.Server
	srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		page := fmt.Sprintf(newsPage, srv.URL)
		page = strings.Replace(page, "</head>", `<meta property="og:image" content="/img/harbour.jpg">
<meta property="article:published_time" content="2024-06-19T09:13:00Z"></head>`, 1)
		fmt.Fprint(w, page)
	}))
	defer srv.Close()
	c := newCLI(t)
	c.env["FETCH_ALLOW_PRIVATE"] = "true"
	var b briefs.Brief
	if err := json.Unmarshal([]byte(c.mustRun("", "add", "--json", "--url", srv.URL+"/news/harbour-strike").stdout), &b); err != nil {
		t.Fatal(err)
	}
	if b.ImageURL != srv.URL+"/img/harbour.jpg" || b.Lang != "en" || b.Site != "Coast Times" ||
		!b.PublishedAt.Equal(time.Date(2024, 6, 19, 9, 13, 0, 0, time.UTC)) {
		t.Errorf("brief image %q, lang %q, site %q, published %v", b.ImageURL, b.Lang, b.Site, b.PublishedAt)
	}
	out := c.mustRun("", "brief", b.Slug).stdout
	if !strings.Contains(out, "— Coast Times · Jun 19, 2024 · ") {
		t.Errorf("footer lacks site and date:\n%s", out)
	}
	// The backup carries the new fields with the article (keys are copied
	// whole, whatever their fields).
	bk := c.mustRun("", "backup").stdout
	for _, want := range []string{`image_url`, `harbour.jpg`, `lang`} {
		if !strings.Contains(bk, want) {
			t.Errorf("backup lacks %s", want)
		}
	}
}

// A saved web page goes through the same extraction as a link: a cookie
// banner before the story never becomes the headline, and the page's own
// link, site, byline, date and image come with it.
func TestAddSavedPage(t *testing.T) {
	page := filepath.Join("..", "..", "briefs", "fetch", "testdata", "saved-valley-news.html")
	c := newCLI(t)
	var b briefs.Brief
	if err := json.Unmarshal([]byte(c.mustRun("", "add", "--json", page).stdout), &b); err != nil {
		t.Fatal(err)
	}
	if b.Title != "Old river bridge reopens after two years of repairs" {
		t.Errorf("title %q", b.Title)
	}
	if b.SourceURL != "https://www.valleynews.example/2025/03/04/river-bridge-reopens" || b.Site != "Valley News" ||
		b.Byline != "Maren Holt" || b.ImageURL != "https://cdn.valleynews.example/img/bridge.jpg" ||
		!b.PublishedAt.Equal(time.Date(2025, 3, 4, 7, 30, 0, 0, time.UTC)) {
		t.Errorf("brief %+v", b)
	}
	all := b.Gist + "\n" + strings.Join(b.Bullets, "\n")
	if !strings.Contains(all, "The old stone bridge over the Lessing river reopened") || strings.Contains(all, "cookies") {
		t.Errorf("brief text:\n%s", all)
	}
	// The same page from stdin, named otherwise, is the same article.
	raw, err := os.ReadFile(page)
	if err != nil {
		t.Fatal(err)
	}
	if out := c.mustRun(string(raw), "add", "-").stdout; !strings.Contains(out, "Already here as "+b.Slug) {
		t.Errorf("the page again:\n%s", out)
	}

	// A page without a story is refused with the hint to add the text
	// instead, and nothing is kept.
	c2 := newCLI(t)
	empty := filepath.Join(t.TempDir(), "consent.html")
	if err := os.WriteFile(empty, []byte(`<!DOCTYPE html><html><head><title>Valley News</title></head><body>
<div class="cookie-consent"><p>We use cookies to improve your experience. Accept all cookies?</p><button>Accept all</button></div>
<nav><a href="/">Home</a> <a href="/local">Local</a></nav></body></html>`), 0o644); err != nil {
		t.Fatal(err)
	}
	r := c2.run("", "add", empty)
	if briefs.ErrorCode(r.err) != briefs.EINVALID || !strings.Contains(userMessage(r.err), "Save the article text to a file") {
		t.Errorf("a page of furniture: %v", r.err)
	}
	if out := c2.mustRun("", "list").stdout; strings.TrimSpace(out) != "" && !strings.Contains(strings.ToLower(out), "no ") {
		t.Errorf("list after a refused page:\n%s", out)
	}
}

// TestBackupOut: --out writes the backup atomically; a failed write leaves
// the old file and no temporary file behind.
func TestBackupOut(t *testing.T) {
	c := newCLI(t)
	c.mustRun("", "add", sample)
	dir := t.TempDir()
	file := filepath.Join(dir, "briefs.json")
	if r := c.mustRun("", "backup", "--out", file); r.stdout != "" {
		t.Errorf("backup --out printed %q", r.stdout)
	}
	got, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	if want := c.mustRun("", "backup").stdout; !strings.Contains(string(got), `"key":`) || len(got) < len(want)/2 {
		t.Errorf("backup file:\n%s\nstdout backup:\n%s", got, want)
	}
	other := newCLI(t)
	other.mustRun(string(got), "restore")
	checkSampleBrief(t, other.mustRun("", "brief", "putin-kim").stdout)

	if r := c.run("", "backup", "--out", filepath.Join(dir, "missing", "b.json")); r.err == nil {
		t.Error("backup into a missing directory succeeded")
	}
	// A backup that fails half-way keeps the old file.
	err = atomicfile.Write(file, func(w io.Writer) error {
		io.WriteString(w, `{"format":`)
		return errors.New("disk full")
	})
	if err == nil || err.Error() != "disk full" {
		t.Errorf("err = %v", err)
	}
	if again, _ := os.ReadFile(file); !bytes.Equal(again, got) {
		t.Error("a failed backup changed the file")
	}
	if ents, _ := os.ReadDir(dir); len(ents) != 1 {
		t.Errorf("left behind: %v", ents)
	}
	if r := c.run("", "backup", "--help"); !strings.Contains(r.stdout+r.stderr, "Prefer --out") {
		t.Errorf("help does not recommend --out: %q", r.stdout+r.stderr)
	}
}

// Two outlets' reports of one event are one story: `brief` of either shows
// the more complete one's brief and lists the other, text and JSON.
func TestBriefOfAStoryListsItsOutlets(t *testing.T) {
	c := newCLI(t)
	dir := t.TempDir()
	short := filepath.Join(dir, "short.txt")
	long := filepath.Join(dir, "long.txt")
	writeFile := func(path, text string) {
		if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	writeFile(short, "Fire on Baltic ferry forces 300 passengers into lifeboats\n\n"+
		"A fire broke out in the engine room of the ferry Nordlys on Tuesday, forcing about 300 passengers and crew into lifeboats off the Swedish island of Gotland, the coast guard said. "+
		"Helicopters and nearby ships picked up everyone on board, coast guard spokesman Lars Ekberg said. The cause of the fire was not yet known.")
	writeFile(long, "Passengers take to lifeboats as fire engulfs ferry off Gotland\n\n"+
		"Hundreds of passengers took to lifeboats in the Baltic Sea on Tuesday after fire broke out in the engine room of the Nordlys, a ferry sailing from Visby on Gotland to Nynashamn. "+
		"The Swedish coast guard said all 300 people on board had been rescued by helicopters and passing ships, and spokesman Lars Ekberg said nobody was seriously hurt. "+
		"Investigators are expected to board the ferry once it has been towed to port. The operator, Gotlandsbolaget, suspended its crossings for the day. "+
		"The Nordlys, built in 2003, carries up to 1,500 passengers in summer.")
	c.mustRun("", "add", "--slug", "ferry-fire", "--url", "https://www.reuters.com/world/ferry-fire", short)
	added := c.mustRun("", "add", "--slug", "gotland-fire", "--url", "https://www.theguardian.com/world/ferry-fire", long).stdout
	if !strings.Contains(added, "It reports the same event as `ferry-fire` (2 sources)") {
		t.Errorf("add of the second report:\n%s", added)
	}
	out := c.mustRun("", "brief", "ferry-fire").stdout
	if !strings.Contains(out, "Passengers take to lifeboats") || !strings.Contains(out, "Also reported by:\n  reuters.com  https://www.reuters.com/world/ferry-fire") {
		t.Errorf("brief of the story:\n%s", out)
	}
	var js struct {
		Slug           string          `json:"slug"`
		AlsoReportedBy []briefs.Source `json:"also_reported_by"`
	}
	if err := json.Unmarshal([]byte(c.mustRun("", "brief", "--json", "gotland-fire").stdout), &js); err != nil {
		t.Fatal(err)
	}
	if js.Slug != "gotland-fire" || len(js.AlsoReportedBy) != 1 || js.AlsoReportedBy[0].Slug != "ferry-fire" {
		t.Errorf("brief --json: %+v", js)
	}
}
