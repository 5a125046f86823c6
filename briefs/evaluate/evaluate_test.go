package evaluate

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"strings"
	"testing"
	"time"

	"briefbot/briefs"
)

// Toy articles have one sentence per line. toyLead takes the first n lines;
// toySummarize takes lines 4-6 as bullets and line 4 as gist, and uses the
// given title as is (so an untitled row gets the "empty title" fault).
// An article whose first line is FAIL or PANIC makes it fail.

func lines(article string) []string {
	var out []string
	for _, l := range strings.Split(article, "\n") {
		if strings.TrimSpace(l) != "" {
			out = append(out, l)
		}
	}
	return out
}

func toyLead(article string, n int) []string {
	l := lines(article)
	return l[:min(n, len(l))]
}

func toySummarize(title, article string) (briefs.Brief, error) {
	l := lines(article)
	switch l[0] {
	case "FAIL":
		return briefs.Brief{}, errors.New("toy failure")
	case "PANIC":
		panic("toy panic")
	}
	b := briefs.Brief{Title: title}
	if len(l) > 3 {
		b.Gist = l[3]
		b.Bullets = l[3:min(6, len(l))]
	}
	return b, nil
}

type testRow struct {
	ID               any      `json:"id,omitempty"`
	Title            string   `json:"title,omitempty"`
	Article          string   `json:"article,omitempty"`
	ReferenceSummary string   `json:"reference_summary,omitempty"`
	References       []string `json:"references,omitempty"`
}

func jsonl(t testing.TB, rows ...testRow) string {
	t.Helper()
	var b strings.Builder
	for _, r := range rows {
		line, err := json.Marshal(r)
		if err != nil {
			t.Fatal(err)
		}
		b.Write(line)
		b.WriteByte('\n')
	}
	return b.String()
}

const (
	refABC   = "r1 r2 r3\nr4 r5 r6\nr7 r8 r9"
	junkX    = "x1 x2 x3\nx4 x5 x6\nx7 x8 x9"
	junkY    = "y1 y2 y3\ny4 y5 y6\ny7 y8 y9"
	tolerate = 1e-9
)

func toyConfig() Config {
	return Config{Summarize: toySummarize, Lead: toyLead, Workers: 2}
}

func run(t *testing.T, input string, cfg Config) *Report {
	t.Helper()
	rep, err := Run(context.Background(), strings.NewReader(input), cfg)
	if err != nil {
		t.Fatalf("Run: %v", err)
	}
	return rep
}

func checkMetrics(t *testing.T, what string, got Metrics, r1, r2, rlsum float64) {
	t.Helper()
	if math.Abs(got.R1-r1) > tolerate || math.Abs(got.R2-r2) > tolerate || math.Abs(got.RLsum-rlsum) > tolerate {
		t.Errorf("%s = %+v, want {R1:%g R2:%g RLsum:%g}", what, got, r1, r2, rlsum)
	}
}

func system(t *testing.T, rep *Report, name string) System {
	t.Helper()
	for _, s := range rep.Systems {
		if s.Name == name {
			return s
		}
	}
	t.Fatalf("no system %q in %+v", name, rep.Systems)
	return System{}
}

// Document A: our bullets are the reference, Lead-3 is disjoint from it.
// Document B: the other way round. Hand-computed scores:
//
//	ours bullets: A 100/100/100, B 0             -> mean 50/50/50
//	ours gist "r1 r2 r3" on A: R1 P=1 R=3/9 -> 50; R2 P=2/2 R=2/8 -> 40;
//	    RLsum hits 3 of 9 -> 50; on B 0          -> mean 25/20/25
//	Lead-3, Lead-1: the mirror images            -> 50/50/50, 25/20/25
//	differences per document: ±100 (bullets), ±50/±40/±50 (gist)
//	    -> mean 0, SE = sd/sqrt(2) = 100 (bullets), 50/40/50 (gist)
//	ours first view (gist "r1 r2 r3" + bullets 1-2) on A: 9 tokens, 6 of
//	    them hits -> R1 66.67; 8 bigrams, 5 hits -> R2 62.5; RLsum 66.67;
//	    on B 0                                    -> mean 33.33/31.25/33.33
func TestRunHandComputed(t *testing.T) {
	input := jsonl(t,
		testRow{ID: "A", Title: "Title A", Article: junkX + "\n" + refABC, ReferenceSummary: refABC},
		testRow{ID: "no-article", ReferenceSummary: refABC},
		testRow{ID: "B", Article: refABC + "\n" + junkY, ReferenceSummary: refABC},
		testRow{ID: "no-reference", Article: junkX},
	) + "\n   \n" // blank lines are not rows
	rep := run(t, input, toyConfig())

	if rep.Rows != 4 || rep.Documents != 2 || rep.SkippedNoArticle != 1 || rep.SkippedNoReference != 1 || rep.Failed != 0 {
		t.Errorf("counts: rows %d docs %d skipped %d+%d failed %d, want 4 2 1+1 0",
			rep.Rows, rep.Documents, rep.SkippedNoArticle, rep.SkippedNoReference, rep.Failed)
	}
	if len(rep.Systems) != 5 {
		t.Fatalf("systems %+v", rep.Systems)
	}
	checkMetrics(t, OursFirstView, system(t, rep, OursFirstView).Mean, 100.0/3, 31.25, 100.0/3)
	checkMetrics(t, OursBullets, system(t, rep, OursBullets).Mean, 50, 50, 50)
	checkMetrics(t, OursGist, system(t, rep, OursGist).Mean, 25, 20, 25)
	checkMetrics(t, Lead3, system(t, rep, Lead3).Mean, 50, 50, 50)
	checkMetrics(t, Lead1, system(t, rep, Lead1).Mean, 25, 20, 25)
	for name, words := range map[string]float64{OursBullets: 9, OursGist: 3, Lead3: 9, Lead1: 3} {
		if got := system(t, rep, name).Words; got != words {
			t.Errorf("%s words = %g, want %g", name, got, words)
		}
	}

	if len(rep.Diffs) != 3 || rep.Diffs[0].Name != "ours first view - Lead-3" {
		t.Fatalf("diffs %+v", rep.Diffs)
	}
	d := rep.Diffs[1]
	if d.Name != "ours bullets - Lead-3" || d.Documents != 2 || d.ABetter != 1 || d.BBetter != 1 {
		t.Errorf("diff 0: %+v", d)
	}
	checkMetrics(t, "bullets-Lead3 mean", d.Mean, 0, 0, 0)
	checkMetrics(t, "bullets-Lead3 SE", d.SE, 100, 100, 100)
	d = rep.Diffs[2]
	if d.Name != "ours gist - Lead-1" {
		t.Errorf("diff 1: %+v", d)
	}
	checkMetrics(t, "gist-Lead1 mean", d.Mean, 0, 0, 0)
	checkMetrics(t, "gist-Lead1 SE", d.SE, 50, 40, 50)

	if rep.Briefs != 2 || len(rep.BulletCounts) != 1 || rep.BulletCounts[3] != 2 {
		t.Errorf("briefs %d, bullet counts %v, want 2 briefs of 3 bullets", rep.Briefs, rep.BulletCounts)
	}
	if rep.FaultyBriefs != 1 {
		t.Errorf("faulty briefs = %d, want 1 (B has no title)", rep.FaultyBriefs)
	}
	for _, f := range rep.Faults {
		want := 0
		if f.Fault == "empty title" {
			want = 1
		}
		if f.Briefs != want || f.Occurrences != want {
			t.Errorf("fault %q: %d briefs, %d occurrences, want %d", f.Fault, f.Briefs, f.Occurrences, want)
		}
	}
}

func TestIdenticalAndDisjoint(t *testing.T) {
	input := jsonl(t,
		testRow{ID: "same", Title: "T", Article: refABC + "\n" + refABC, ReferenceSummary: refABC},
	)
	rep := run(t, input, toyConfig())
	checkMetrics(t, OursBullets, system(t, rep, OursBullets).Mean, 100, 100, 100)
	checkMetrics(t, Lead3, system(t, rep, Lead3).Mean, 100, 100, 100)
	if !math.IsNaN(rep.Diffs[0].SE.R1) {
		t.Errorf("SE over one document = %g, want NaN", rep.Diffs[0].SE.R1)
	}

	input = jsonl(t, testRow{ID: "apart", Title: "T", Article: junkX + "\n" + junkY, ReferenceSummary: refABC})
	rep = run(t, input, toyConfig())
	for _, s := range rep.Systems {
		checkMetrics(t, s.Name, s.Mean, 0, 0, 0)
	}
}

// Refs "all" takes the best F1 per metric, possibly from different
// references. Lead-1 is "q1 q2 q3 q4"; reference 1 is the same words
// reversed (R1 100, R2 0, RLsum 25), reference 2 shares "q1 q2" in order
// (R1 50, R2 P=R=1/3, RLsum 50). Best per metric: 100 / 33.33 / 50.
func TestRefsAll(t *testing.T) {
	article := "q1 q2 q3 q4\n" + junkX + "\n" + refABC
	input := jsonl(t, testRow{ID: "multi", Title: "T", Article: article, References: []string{"q4 q3 q2 q1", "  ", "q1 q2 z1 z2"}})

	cfg := toyConfig()
	cfg.Lead = func(a string, n int) []string { return toyLead(a, n)[:1] } // Lead-1 for both baselines
	rep := run(t, input, cfg)
	checkMetrics(t, "first: Lead-1", system(t, rep, Lead1).Mean, 100, 0, 25)

	cfg.Refs = "all"
	rep = run(t, input, cfg)
	checkMetrics(t, "all: Lead-1", system(t, rep, Lead1).Mean, 100, 100.0/3, 50)

	// Our bullets are the third reference of a row: 0 against the first,
	// 100 with Refs "all".
	input = jsonl(t, testRow{ID: "x", Title: "T", Article: junkX + "\n" + refABC, References: []string{"z1 z2", "z3", refABC}})
	cfg = toyConfig()
	checkMetrics(t, "first: bullets", system(t, run(t, input, cfg), OursBullets).Mean, 0, 0, 0)
	cfg.Refs = "all"
	checkMetrics(t, "all: bullets", system(t, run(t, input, cfg), OursBullets).Mean, 100, 100, 100)

	// reference_summary comes first with "first"; "all" prefers references.
	input = jsonl(t, testRow{ID: "y", Title: "T", Article: junkX + "\n" + refABC, ReferenceSummary: refABC, References: []string{"z1"}})
	cfg = toyConfig()
	checkMetrics(t, "first: summary", system(t, run(t, input, cfg), OursBullets).Mean, 100, 100, 100)
	cfg.Refs = "all"
	checkMetrics(t, "all: references", system(t, run(t, input, cfg), OursBullets).Mean, 0, 0, 0)
}

func TestFailures(t *testing.T) {
	input := jsonl(t,
		testRow{ID: "good", Title: "T", Article: junkX + "\n" + refABC, ReferenceSummary: refABC},
		testRow{ID: "err", Title: "T", Article: "FAIL\n" + refABC, ReferenceSummary: refABC},
		testRow{ID: "boom", Title: "T", Article: "PANIC\n" + refABC, ReferenceSummary: refABC},
	)
	var perDoc bytes.Buffer
	cfg := toyConfig()
	cfg.PerDoc = &perDoc
	rep := run(t, input, cfg)
	if rep.Documents != 3 || rep.Failed != 2 || rep.Briefs != 1 {
		t.Errorf("documents %d failed %d briefs %d, want 3 2 1", rep.Documents, rep.Failed, rep.Briefs)
	}
	if len(rep.Failures) != 2 || rep.Failures[0].ID != "err" || rep.Failures[0].Line != 2 ||
		rep.Failures[1].ID != "boom" || !strings.Contains(rep.Failures[1].Err, "panic: toy panic") {
		t.Errorf("failures %+v", rep.Failures)
	}
	// Failed briefs score 0 and stay in the mean: (100 + 0 + 0) / 3.
	checkMetrics(t, OursBullets, system(t, rep, OursBullets).Mean, 100.0/3, 100.0/3, 100.0/3)
	if s := system(t, rep, OursBullets); s.Produced != 1 || s.Words != 9 {
		t.Errorf("ours bullets produced %d words %g, want 1 and 9", s.Produced, s.Words)
	}
	lines := strings.Split(strings.TrimSpace(perDoc.String()), "\n")
	if len(lines) != 3 {
		t.Fatalf("%d PerDoc lines, want 3", len(lines))
	}
	var doc map[string]any
	if err := json.Unmarshal([]byte(lines[1]), &doc); err != nil {
		t.Fatal(err)
	}
	if doc["error"] != "toy failure" || doc["bullets"] != nil {
		t.Errorf("failed PerDoc line: %s", lines[1])
	}
	if _, ok := doc["scores"].(map[string]any)["ours_bullets"]; ok {
		t.Errorf("failed PerDoc line has ours scores: %s", lines[1])
	}
}

func TestPerDoc(t *testing.T) {
	input := jsonl(t,
		testRow{ID: "A", Title: "T", Article: junkX + "\n" + refABC, ReferenceSummary: refABC},
		testRow{ID: "skipped", Article: junkX},
		testRow{ID: 42, Article: refABC + "\n" + junkY, References: []string{refABC, "z1"}},
	)
	var out bytes.Buffer
	cfg := toyConfig()
	cfg.PerDoc = &out
	cfg.Refs = "all"
	run(t, input, cfg)

	type prfT struct{ P, R, F float64 }
	type sysT struct {
		Words int
		R1    prfT `json:"r1"`
		R2    prfT `json:"r2"`
		RL    prfT `json:"rl"`
		RLsum prfT `json:"rlsum"`
	}
	type docT struct {
		ID      string
		Line    int
		Refs    int
		Bullets *int
		Faults  []string
		Error   string
		Scores  map[string]sysT
	}
	var docs []docT
	dec := json.NewDecoder(&out)
	for dec.More() {
		var d docT
		if err := dec.Decode(&d); err != nil {
			t.Fatal(err)
		}
		docs = append(docs, d)
	}
	if len(docs) != 2 {
		t.Fatalf("%d PerDoc lines, want 2", len(docs))
	}
	a, b := docs[0], docs[1]
	if a.ID != "A" || a.Line != 1 || a.Refs != 1 || b.ID != "42" || b.Line != 3 || b.Refs != 2 {
		t.Errorf("ids/lines/refs: %+v %+v", a, b)
	}
	if a.Bullets == nil || *a.Bullets != 3 || len(b.Faults) != 1 || b.Faults[0] != "empty title" {
		t.Errorf("bullets/faults: %v %v", a.Bullets, b.Faults)
	}
	for _, d := range docs {
		for _, k := range []string{"ours_bullets", "ours_gist", "lead3", "lead1"} {
			if _, ok := d.Scores[k]; !ok {
				t.Errorf("doc %s has no %s scores", d.ID, k)
			}
		}
	}
	if s := a.Scores["ours_bullets"]; s.R1 != (prfT{1, 1, 1}) || s.RL != (prfT{1, 1, 1}) || s.Words != 9 {
		t.Errorf("A ours_bullets = %+v", s)
	}
	near := func(x, y float64) bool { return math.Abs(x-y) <= 1e-6 } // PerDoc rounds to 6 decimals
	if s := a.Scores["ours_gist"]; !near(s.R1.P, 1) || !near(s.R1.R, 1.0/3) || !near(s.R1.F, 0.5) || !near(s.R2.F, 0.4) || !near(s.RLsum.R, 1.0/3) {
		t.Errorf("A ours_gist = %+v", s)
	}
	if s := b.Scores["lead3"]; s.RLsum != (prfT{1, 1, 1}) {
		t.Errorf("B lead3 = %+v", s)
	}
}

// TestWorkersOrder checks that the table and PerDoc do not depend on the
// number of workers, even when documents finish out of order.
func TestWorkersOrder(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 1))
	word := func() string { return fmt.Sprintf("w%d", rng.IntN(30)) }
	sentence := func() string {
		n := 3 + rng.IntN(8)
		ws := make([]string, n)
		for i := range ws {
			ws[i] = word()
		}
		return strings.Join(ws, " ")
	}
	var rows []testRow
	for i := range 120 {
		var l []string
		for range 4 + rng.IntN(6) {
			l = append(l, sentence())
		}
		rows = append(rows, testRow{ID: fmt.Sprint("doc", i), Title: "T", Article: strings.Join(l, "\n"),
			ReferenceSummary: sentence() + "\n" + sentence()})
	}
	input := jsonl(t, rows...)
	slow := func(title, article string) (briefs.Brief, error) {
		time.Sleep(time.Duration(len(article)%7) * 100 * time.Microsecond)
		return toySummarize(title, article)
	}
	var tables, perDocs []string
	for _, workers := range []int{1, 3, 16} {
		var out, table bytes.Buffer
		cfg := Config{Summarize: slow, Lead: toyLead, Workers: workers, PerDoc: &out, Name: "toy.jsonl"}
		rep := run(t, input, cfg)
		if err := rep.WriteTable(&table); err != nil {
			t.Fatal(err)
		}
		tables = append(tables, table.String())
		perDocs = append(perDocs, out.String())
	}
	for i := 1; i < len(tables); i++ {
		if tables[i] != tables[0] {
			t.Errorf("table differs with another worker count:\n%s\nvs\n%s", tables[0], tables[i])
		}
		if perDocs[i] != perDocs[0] {
			t.Errorf("PerDoc differs with another worker count")
		}
	}
	if n := strings.Count(perDocs[0], "\n"); n != 120 {
		t.Errorf("%d PerDoc lines, want 120", n)
	}
	for i, l := range strings.Split(strings.TrimSpace(perDocs[0]), "\n") {
		if !strings.HasPrefix(l, fmt.Sprintf(`{"id":"doc%d",`, i)) {
			t.Fatalf("PerDoc line %d out of order: %.40s", i, l)
		}
	}
}

func TestErrors(t *testing.T) {
	ctx := context.Background()
	good := jsonl(t, testRow{ID: "A", Title: "T", Article: junkX + "\n" + refABC, ReferenceSummary: refABC})

	if _, err := Run(ctx, strings.NewReader(good), Config{}); err == nil {
		t.Error("Run without Summarize and Lead succeeded")
	}
	if _, err := Run(ctx, strings.NewReader(good), Config{Lead: toyLead, Refs: "best"}); err == nil {
		t.Error("Run with Refs \"best\" succeeded")
	}
	_, err := Run(ctx, strings.NewReader(good+"{not json\n"+good), toyConfig())
	if err == nil || !strings.Contains(err.Error(), "line 2") {
		t.Errorf("bad JSON: err = %v, want an error naming line 2", err)
	}
	cancelled, cancel := context.WithCancel(ctx)
	cancel()
	if _, err := Run(cancelled, strings.NewReader(strings.Repeat(good, 50)), toyConfig()); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled context: err = %v", err)
	}
	cfg := toyConfig()
	cfg.Lead = func(string, int) []string { panic("splitter bug") }
	if _, err := Run(ctx, strings.NewReader(good), cfg); err == nil || !strings.Contains(err.Error(), "splitter bug") {
		t.Errorf("Lead panic: err = %v", err)
	}
	cfg = toyConfig()
	cfg.PerDoc = failingWriter{}
	if _, err := Run(ctx, strings.NewReader(strings.Repeat(good, 3000)), cfg); err == nil || !strings.Contains(err.Error(), "disk full") {
		t.Errorf("PerDoc write error: err = %v", err)
	}
}

type failingWriter struct{}

func (failingWriter) Write([]byte) (int, error) { return 0, errors.New("disk full") }

func TestLeadOnly(t *testing.T) {
	input := jsonl(t, testRow{ID: "A", Article: refABC + "\n" + junkY, ReferenceSummary: refABC})
	rep := run(t, input, Config{Lead: toyLead})
	if len(rep.Systems) != 2 || rep.Systems[0].Name != Lead3 || len(rep.Diffs) != 0 || rep.Faults != nil {
		t.Errorf("lead-only report: %+v", rep)
	}
	var table bytes.Buffer
	if err := rep.WriteTable(&table); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(table.String(), "format faults") || !strings.Contains(table.String(), "Lead-3") {
		t.Errorf("lead-only table:\n%s", table.String())
	}
}

func TestWriteTable(t *testing.T) {
	input := jsonl(t,
		testRow{ID: "A", Title: "Title A", Article: junkX + "\n" + refABC, ReferenceSummary: refABC},
		testRow{ID: "B", Article: refABC + "\n" + junkY, ReferenceSummary: refABC},
		testRow{ID: "C", Title: "T", Article: "FAIL\n" + refABC, ReferenceSummary: refABC},
		testRow{ID: "D", Article: junkX},
	)
	cfg := toyConfig()
	cfg.Name = "toy.jsonl"
	rep := run(t, input, cfg)
	var b bytes.Buffer
	if err := rep.WriteTable(&b); err != nil {
		t.Fatal(err)
	}
	table := b.String()
	t.Logf("\n%s", table)
	for _, want := range []string{
		"ROUGE evaluation of toy.jsonl: 4 rows, 3 documents scored, 1 skipped, summarizer failed on 1",
		"ours bullets - Lead-3",
		"empty title",
		`line 3, id "C": toy failure`,
		"skipped rows: 1 (no article: 0, no reference: 1)",
	} {
		if !strings.Contains(table, want) {
			t.Errorf("table lacks %q", want)
		}
	}
	// The system block is aligned: all its lines have the same length.
	tl := strings.Split(table, "\n")
	for i, l := range tl {
		if strings.HasPrefix(l, "system ") {
			for _, m := range tl[i+1 : i+5] {
				if len(m) != len(l) {
					t.Errorf("misaligned:\n%s\n%s", l, m)
				}
			}
		}
	}
}

// BenchmarkRun scores 200 synthetic documents (4 systems each) per
// iteration with the toy summarizer and splitter.
func BenchmarkRun(b *testing.B) {
	rng := rand.New(rand.NewPCG(2, 2))
	sentence := func() string {
		ws := make([]string, 20)
		for i := range ws {
			ws[i] = fmt.Sprintf("word%d", rng.IntN(500))
		}
		return strings.Join(ws, " ")
	}
	var rows []testRow
	for i := range 200 {
		var l []string
		for range 20 {
			l = append(l, sentence())
		}
		rows = append(rows, testRow{ID: i, Title: "T", Article: strings.Join(l, "\n"),
			ReferenceSummary: sentence() + "\n" + sentence() + "\n" + sentence()})
	}
	input := jsonl(b, rows...)
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		if _, err := Run(context.Background(), strings.NewReader(input), Config{Summarize: toySummarize, Lead: toyLead}); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*len(rows)), "ns/doc")
}
