// Package evaluate scores a summarizer with ROUGE against human reference
// summaries, next to the Lead-3 and Lead-1 baselines, and checks its briefs
// against the Brief format.
//
// Input is JSON Lines, one document per line:
//
//	{"id": "...", "article": "...", "title": "...",
//	 "reference_summary": "sentence one\nsentence two", "references": ["...", "..."]}
//
// title is optional. A row needs an article and a reference (a non-blank
// reference_summary or entry of references); rows without one are skipped
// and counted. Blank lines are ignored; a line that is not a JSON object is
// an error.
//
// Four systems are scored on every document, each as ROUGE-1, ROUGE-2 and
// ROUGE-Lsum F1 ×100 averaged over documents (package rouge, ROUGE-1.5.5
// settings; ROUGE-Lsum on newline-separated sentences):
//
//   - "ours first view": what a reader sees first, the gist and the first two
//     points, joined by "\n" (the count that Lead-3 is compared with);
//   - "ours bullets": the brief's points joined by "\n";
//   - "ours gist": the brief's gist;
//   - "Lead-3": the first 3 sentences of the article (Config.Lead), joined by "\n";
//   - "Lead-1": the first sentence.
//
// A document whose Summarize call fails (error or panic) stays in every
// average with 0 for both "ours" systems, so that all systems are averaged
// over the same documents and the paired differences stay paired; the
// failures are counted in the report.
//
// Every brief also goes through the reader checks (CheckBrief, ReaderRules):
// points per brief, the gist repeated as a point, near-duplicate points,
// cut sentences, dangling openers and page furniture, reported per rule in
// Report.Reader. RunPages runs the same checks on real web pages, which
// have no reference summaries.
package evaluate

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"runtime"
	"strings"
	"sync"

	"briefbot/briefs"
	"briefbot/briefs/rouge"
)

// Config says what to evaluate and how.
type Config struct {
	// Summarize makes the brief of one article: ROUGE and the reader
	// checks use Gist and Bullets, the format faults Title too, and
	// RunPages prints Entities and Slug. Nil leaves the "ours" systems out.
	Summarize func(title, article string) (briefs.Brief, error)

	// Lead returns the first n sentences of an article, for the Lead-3 and
	// Lead-1 baselines (both from the same splitter). Nil leaves the
	// baselines out. At least one of Summarize and Lead must be set.
	Lead func(article string, n int) []string

	// Refs picks the references a document is scored against:
	//
	//   - "first" (the default, also for ""): reference_summary, or when it
	//     is blank the first non-blank entry of references;
	//   - "all": every non-blank entry of references (reference_summary when
	//     there are none); each system takes, per metric, the score of the
	//     reference with the highest F1 (the first one on ties), with that
	//     reference's P and R. Multi-reference ROUGE-1.5.5 averages or
	//     jackknifes instead, so "all" scores are higher than ROUGE-1.5.5's.
	Refs string

	// PerDoc, when not nil, receives one JSON line per scored document, in
	// input order: id, input line number, number of references, words and
	// every score (P, R, F in [0, 1], rounded to 6 decimals; keys r1, r2,
	// rl, rlsum) of every system that produced a summary (keys
	// ours_first_view, ours_bullets, ours_gist, lead3, lead1), the bullet count, format
	// faults, the summarizer error, if any, the detected language (lang)
	// and the reader-check hits (reader: rule, where, text, note).
	PerDoc io.Writer

	// Workers is the number of documents processed at once; 0 means
	// runtime.GOMAXPROCS(0). Results, the table and PerDoc do not depend on
	// it.
	Workers int

	// Name labels the run in the table header, e.g. the input file name.
	Name string

	// DetectLanguage returns the ISO 639-1 code of an article's language,
	// "" when unknown, for the reader checks. Nil: every article is "".
	DetectLanguage func(text string) string

	// Dangles reports whether sentence s, in language lang, opens with a
	// word that leans on the sentence before it. Nil skips the
	// dangling-opener reader check.
	Dangles func(lang, s string) bool

	// Show is how many briefs with reader faults the report keeps
	// (ReaderReport.Shown), in input order.
	Show int

	// Extract turns a web page (its URL and its HTML) into the article as
	// the bot would extract it when adding by link; RunPages needs it.
	Extract func(pageURL string, html []byte) (briefs.WebPage, error)

	// Out, when not nil, receives every brief RunPages makes, in a plain
	// text layout for people to read.
	Out io.Writer
}

// System names, in table order.
const (
	OursFirstView = "ours first view"
	OursBullets   = "ours bullets"
	OursGist      = "ours gist"
	Lead3         = "Lead-3"
	Lead1         = "Lead-1"
)

// Metrics holds one number per reported metric.
type Metrics struct {
	R1, R2, RLsum float64
}

// System is the result of one system over all scored documents.
type System struct {
	Name string
	// Mean is the mean F1 ×100 over all scored documents.
	Mean Metrics
	// Words is the mean number of words (strings.Fields) of the summaries
	// the system produced; failed briefs are left out of it.
	Words float64
	// Produced is the number of documents with a summary (for "ours": the
	// documents Summarize did not fail on).
	Produced int
}

// Diff is a paired comparison of two systems over all scored documents.
type Diff struct {
	Name      string // e.g. "ours bullets - Lead-3"
	A, B      string // system names: the difference is A minus B
	Mean      Metrics
	SE        Metrics // standard error of the mean of the per-document differences; NaN with fewer than 2 documents
	ABetter   int     // documents where A's ROUGE-1 F1 beats B's
	BBetter   int     // and the other way round
	Documents int
}

// Fault counts one kind of format fault (a string of briefs.FormatFaults).
type Fault struct {
	Fault       string
	Briefs      int // briefs with the fault at least once
	Occurrences int // times it was reported (a brief can have several bad bullets)
}

// Failure is a document the summarizer failed on.
type Failure struct {
	Line int
	ID   string
	Err  string
}

// Report is the result of Run.
type Report struct {
	Name string // Config.Name
	Refs string // "first" or "all"

	Rows               int // non-blank input lines
	Documents          int // rows scored
	SkippedNoArticle   int // rows without an article
	SkippedNoReference int // rows with an article but no reference

	Systems []System // in the order OursBullets, OursGist, Lead3, Lead1 (those configured)
	Diffs   []Diff   // ours first view and ours bullets - Lead-3, ours gist - Lead-1, when both sides are configured

	// Briefs made (documents minus failures), their bullet counts and their
	// format faults; zero (Faults nil) when Summarize is nil.
	Briefs       int
	BulletCounts map[int]int // bullet count -> briefs
	Faults       []Fault     // the known faults in briefs.FormatFaults order, then any others
	FaultyBriefs int         // briefs with at least one fault

	Failed   int       // documents Summarize failed on (error or panic)
	Failures []Failure // the first few of them, in input order

	// Reader holds the reader checks of the briefs (see CheckBrief); nil
	// when Summarize is nil.
	Reader *ReaderReport
}

// maxFailures is how many failures a Report keeps.
const maxFailures = 5

// knownFaults are the strings briefs.FormatFaults reports, in its order.
var knownFaults = []string{
	"fewer than 3 bullets",
	"more than 5 bullets",
	"bullet over 300 characters",
	"empty gist",
	"empty title",
	"gist over 300 characters",
	"title over 256 characters",
}

// row is one input line.
type row struct {
	ID               json.RawMessage `json:"id"`
	Title            string          `json:"title"`
	Article          string          `json:"article"`
	ReferenceSummary string          `json:"reference_summary"`
	References       []string        `json:"references"`
}

// job is a document to score.
type job struct {
	seq   int // position among documents
	line  int
	id    string
	title string
	text  string
	refs  []string
}

// scored is what a worker makes of a job.
type scored struct {
	job      *job
	sys      [numSystems]sysResult
	failed   bool
	err      string
	bullets  int
	faults   []string
	lang     string
	hits     []Hit
	panicked error // Lead panicked: the run fails
}

type sysResult struct {
	ok     bool // the system produced a summary
	words  int
	scores rouge.Scores
}

const (
	sysOursFirstView = iota
	sysOursBullets
	sysOursGist
	sysLead3
	sysLead1
	numSystems
)

var systemNames = [numSystems]string{OursFirstView, OursBullets, OursGist, Lead3, Lead1}

// Run reads JSONL documents from r, summarizes and scores them, and returns
// the report. It stops at the first read, parse or PerDoc write error, and
// when ctx is done (a Summarize call in progress is not interrupted).
func Run(ctx context.Context, r io.Reader, cfg Config) (*Report, error) {
	if cfg.Summarize == nil && cfg.Lead == nil {
		return nil, errors.New("evaluate: Config needs Summarize or Lead")
	}
	refs, err := refsMode(cfg.Refs)
	if err != nil {
		return nil, err
	}
	pl := newPipeline(ctx, workerCount(cfg.Workers))
	defer pl.cancel(nil)

	rep := &Report{Name: cfg.Name, Refs: refs, BulletCounts: map[int]int{}}
	agg := newAggregator(cfg, rep)
	jobs := pl.read(r, refs, rep)
	results := pl.score(cfg, jobs)
	runErr := pl.fold(results, agg)
	if pl.readErr != nil {
		return nil, pl.readErr
	}
	if runErr != nil {
		return nil, runErr
	}
	if err := context.Cause(pl.ctx); err != nil {
		return nil, err
	}
	if err := agg.finish(); err != nil {
		return nil, err
	}
	return rep, nil
}

// refsMode checks Config.Refs; "" is "first".
func refsMode(refs string) (string, error) {
	switch refs {
	case "":
		return "first", nil
	case "first", "all":
		return refs, nil
	}
	return "", fmt.Errorf("evaluate: Config.Refs is %q, want \"first\" or \"all\"", refs)
}

// workerCount is Config.Workers, with runtime.GOMAXPROCS(0) for 0 or less.
func workerCount(workers int) int {
	if workers <= 0 {
		return runtime.GOMAXPROCS(0)
	}
	return workers
}

// pipeline scores documents on several workers and folds the results in
// input order, so that every number is independent of the worker count.
// The first failure of any stage cancels ctx, which stops the others.
type pipeline struct {
	ctx     context.Context
	cancel  context.CancelCauseFunc
	workers int
	// window bounds the documents in flight, so that one slow document
	// cannot make the reorder buffer of fold grow without limit.
	window chan struct{}
	// readErr is the error that stopped read; it is safe to look at once
	// the channel that score returns is drained.
	readErr error
}

func newPipeline(ctx context.Context, workers int) *pipeline {
	ctx, cancel := context.WithCancelCause(ctx)
	return &pipeline{ctx: ctx, cancel: cancel, workers: workers, window: make(chan struct{}, 4*workers)}
}

// read parses r in the background and sends each document, once it has a
// place in the window, until r ends or ctx is done.
func (pl *pipeline) read(r io.Reader, refs string, rep *Report) <-chan *job {
	jobs := make(chan *job)
	go func() {
		defer close(jobs)
		pl.readErr = readRows(pl.ctx, r, refs, rep, func(j *job) bool {
			select {
			case pl.window <- struct{}{}:
			case <-pl.ctx.Done():
				return false
			}
			select {
			case jobs <- j:
				return true
			case <-pl.ctx.Done():
				return false
			}
		})
		if pl.readErr != nil {
			pl.cancel(pl.readErr)
		}
	}()
	return jobs
}

// score processes the jobs on the workers; once ctx is done, a job comes
// back unprocessed, so that its place in the window is still given back.
func (pl *pipeline) score(cfg Config, jobs <-chan *job) <-chan *scored {
	results := make(chan *scored, pl.workers)
	var wg sync.WaitGroup
	for range pl.workers {
		wg.Go(func() {
			for j := range jobs {
				if pl.ctx.Err() != nil {
					results <- &scored{job: j}
					continue
				}
				results <- process(cfg, j)
			}
		})
	}
	go func() {
		wg.Wait()
		close(results)
	}()
	return results
}

// fold adds the results to agg in input order and returns the first error
// (a panic in Lead, a PerDoc write); after an error or cancellation it only
// drains results.
func (pl *pipeline) fold(results <-chan *scored, agg *aggregator) error {
	pending := make(map[int]*scored)
	next := 0
	var runErr error
	for res := range results {
		if runErr != nil || pl.ctx.Err() != nil {
			continue // drain
		}
		pending[res.job.seq] = res
		for {
			d, ok := pending[next]
			if !ok {
				break
			}
			delete(pending, next)
			next++
			<-pl.window
			if d.panicked != nil {
				runErr = d.panicked
				pl.cancel(runErr)
				break
			}
			if err := agg.add(d); err != nil {
				runErr = err
				pl.cancel(runErr)
				break
			}
		}
	}
	return runErr
}

// readRows parses r line by line, counts rows and skips in rep, and hands
// each document to send until send returns false.
func readRows(ctx context.Context, r io.Reader, refs string, rep *Report, send func(*job) bool) error {
	br := bufio.NewReaderSize(r, 1<<16)
	seq := 0
	for line := 1; ; line++ {
		b, err := br.ReadBytes('\n')
		if len(bytes.TrimSpace(b)) > 0 {
			rep.Rows++
			var rw row
			if jerr := json.Unmarshal(b, &rw); jerr != nil {
				return fmt.Errorf("evaluate: line %d: %w", line, jerr)
			}
			j := &job{seq: seq, line: line, id: idString(rw.ID), title: rw.Title, text: rw.Article}
			switch j.refs = pickRefs(rw, refs); {
			case strings.TrimSpace(rw.Article) == "":
				rep.SkippedNoArticle++
			case len(j.refs) == 0:
				rep.SkippedNoReference++
			default:
				if !send(j) {
					return nil
				}
				seq++
			}
		}
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return fmt.Errorf("evaluate: reading line %d: %w", line, err)
		}
		if ctx.Err() != nil {
			return nil
		}
	}
}

// idString renders the id field: a JSON string as its value, any other JSON
// value (a number) as written.
func idString(raw json.RawMessage) string {
	var s string
	if json.Unmarshal(raw, &s) == nil {
		return s
	}
	return string(bytes.TrimSpace(raw))
}

// pickRefs returns the references of a row according to Config.Refs.
func pickRefs(rw row, mode string) []string {
	var list []string
	for _, r := range rw.References {
		if strings.TrimSpace(r) != "" {
			list = append(list, r)
		}
	}
	summary := strings.TrimSpace(rw.ReferenceSummary) != ""
	switch {
	case mode == "all" && len(list) > 0:
		return list
	case summary:
		return []string{rw.ReferenceSummary}
	case len(list) > 0:
		return list[:1]
	}
	return nil
}

// process summarizes and scores one document.
func process(cfg Config, j *job) (res *scored) {
	res = &scored{job: j}
	refs := make([]rouge.Text, len(j.refs))
	for i, r := range j.refs {
		refs[i] = rouge.NewText(r)
	}
	score := func(sys int, text string) {
		res.sys[sys] = sysResult{ok: true, words: len(strings.Fields(text)), scores: best(rouge.NewText(text), refs)}
	}
	if cfg.Summarize != nil {
		b, err := summarize(cfg.Summarize, j.title, j.text)
		if err != nil {
			res.failed = true
			res.err = err.Error()
		} else {
			score(sysOursFirstView, strings.Join(FirstView(b), "\n"))
			score(sysOursBullets, strings.Join(b.Bullets, "\n"))
			score(sysOursGist, b.Gist)
			res.bullets = len(b.Bullets)
			res.faults = briefs.FormatFaults(b)
		}
		res.lang = langOf(cfg, b, j.text)
		if !res.failed {
			res.hits = CheckBrief(j.text, b, res.lang, cfg.Dangles)
		}
	}
	if cfg.Lead != nil {
		defer func() {
			if p := recover(); p != nil {
				res.panicked = fmt.Errorf("evaluate: Lead panicked on line %d (id %q): %v", j.line, j.id, p)
			}
		}()
		score(sysLead3, strings.Join(cfg.Lead(j.text, 3), "\n"))
		score(sysLead1, strings.Join(cfg.Lead(j.text, 1), "\n"))
	}
	return res
}

// detect is cfg.DetectLanguage, or "" without one.
// langOf is the language the brief was made in, as the summarizer saw it;
// Config.DetectLanguage on the article when the brief does not say (a
// failed summary).
func langOf(cfg Config, b briefs.Brief, text string) string {
	if b.Lang != "" || cfg.DetectLanguage == nil {
		return b.Lang
	}
	return cfg.DetectLanguage(text)
}

// summarize calls fn, turning a panic into an error.
func summarize(fn func(title, article string) (briefs.Brief, error), title, article string) (b briefs.Brief, err error) {
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("panic: %v", p)
		}
	}()
	return fn(title, article)
}

// best scores cand against every reference and keeps, per metric, the score
// with the highest F1 (the first on ties).
func best(cand rouge.Text, refs []rouge.Text) rouge.Scores {
	var out rouge.Scores
	for i, ref := range refs {
		s := rouge.EvaluateText(cand, ref)
		if i == 0 {
			out = s
			continue
		}
		pick := func(dst *rouge.Score, src rouge.Score) {
			if src.F > dst.F {
				*dst = src
			}
		}
		pick(&out.R1, s.R1)
		pick(&out.R2, s.R2)
		pick(&out.RL, s.RL)
		pick(&out.RLsum, s.RLsum)
	}
	return out
}

// FirstView is what a reader of a brief sees first: the gist and the first
// two points. It is compared with Lead-3, the first three sentences.
func FirstView(b briefs.Brief) []string {
	return append([]string{b.Gist}, b.Bullets[:min(2, len(b.Bullets))]...)
}
