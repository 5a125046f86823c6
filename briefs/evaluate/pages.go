package evaluate

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"unicode/utf8"

	"briefbot/briefs"
)

// MinRefusedChars is the extracted body length (in characters) from which a
// refusal by the summarizer counts as a fault of its own: a page with that
// much article text must get a brief.
const MinRefusedChars = 300

// PagesReport is the result of RunPages.
type PagesReport struct {
	Name          string
	Pages         int       // pages in ground-truth.json
	Extracted     int       // pages the extractor made an article of
	ExtractFailed []Failure // the others, with the extractor's error
	// RefusedLong are the pages whose extracted body has at least
	// MinRefusedChars characters that the summarizer refused anyway.
	RefusedLong []Failure
	Reader      *ReaderReport // reader checks of the briefs, refusals, languages
}

// page is one page of a pages folder and what became of it.
type page struct {
	seq     int
	id, url string

	extractErr string
	web        briefs.WebPage
	chars      int
	brief      briefs.Brief
	sumErr     string
	lang       string
	hits       []Hit
}

// RunPages reads a folder of real web pages, html/<id>.html.gz with
// ground-truth.json ({"<id>": {"url": "...", ...}}), extracts each page as
// the bot does when an article is added by link (cfg.Extract, with the
// page's url), summarizes the extracted text with the extracted title
// (cfg.Summarize), and runs the reader checks on the brief. There are no
// reference summaries, so there is no ROUGE. cfg.PerDoc receives one JSON
// line per page; cfg.Out every brief in plain text.
func RunPages(ctx context.Context, dir string, cfg Config) (*PagesReport, error) {
	if cfg.Summarize == nil || cfg.Extract == nil {
		return nil, errors.New("evaluate: RunPages needs Config.Summarize and Config.Extract")
	}
	pages, err := readGroundTruth(dir)
	if err != nil {
		return nil, err
	}
	if err := processPages(ctx, cfg, dir, pages); err != nil {
		return nil, err
	}
	rep := tallyPages(cfg, pages)
	if err := emitPages(cfg, pages); err != nil {
		return nil, err
	}
	return rep, nil
}

// readGroundTruth lists the pages of ground-truth.json, sorted by id.
func readGroundTruth(dir string) ([]*page, error) {
	b, err := os.ReadFile(filepath.Join(dir, "ground-truth.json"))
	if err != nil {
		return nil, fmt.Errorf("evaluate: %w", err)
	}
	var truth map[string]struct {
		URL string `json:"url"`
	}
	if err := json.Unmarshal(b, &truth); err != nil {
		return nil, fmt.Errorf("evaluate: ground-truth.json: %w", err)
	}
	ids := make([]string, 0, len(truth))
	for id := range truth {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	pages := make([]*page, len(ids))
	for i, id := range ids {
		pages[i] = &page{seq: i, id: id, url: truth[id].URL}
	}
	return pages, nil
}

// processPages runs processPage on every page, on Config.Workers workers,
// and stops handing out pages once ctx is done.
func processPages(ctx context.Context, cfg Config, dir string, pages []*page) error {
	next := make(chan *page)
	var wg sync.WaitGroup
	for range workerCount(cfg.Workers) {
		wg.Go(func() {
			for p := range next {
				processPage(cfg, dir, p)
			}
		})
	}
	for _, p := range pages {
		if ctx.Err() != nil {
			break
		}
		next <- p
	}
	close(next)
	wg.Wait()
	return ctx.Err()
}

// tallyPages folds the processed pages, in order, into the report.
func tallyPages(cfg Config, pages []*page) *PagesReport {
	rep := &PagesReport{Name: cfg.Name, Pages: len(pages)}
	agg := newReaderAgg(cfg.Show)
	rep.Reader = agg.rep
	for _, p := range pages {
		switch {
		case p.extractErr != "":
			rep.ExtractFailed = append(rep.ExtractFailed, Failure{ID: p.id, Err: p.extractErr})
		case p.sumErr != "":
			rep.Extracted++
			f := Failure{ID: p.id, Err: p.sumErr}
			agg.refused(f, p.lang)
			if p.chars >= MinRefusedChars {
				rep.RefusedLong = append(rep.RefusedLong, f)
			}
		default:
			rep.Extracted++
			agg.brief(p.id, 0, p.lang, len(p.brief.Bullets), p.hits)
		}
	}
	return rep
}

// emitPages writes every page, in order, as a JSON line to Config.PerDoc
// and as plain text to Config.Out (each when set).
func emitPages(cfg Config, pages []*page) error {
	var enc *json.Encoder
	var perDoc, out *bufio.Writer
	if cfg.PerDoc != nil {
		perDoc = bufio.NewWriter(cfg.PerDoc)
		enc = json.NewEncoder(perDoc)
		enc.SetEscapeHTML(false)
	}
	if cfg.Out != nil {
		out = bufio.NewWriter(cfg.Out)
	}
	for _, p := range pages {
		if enc != nil {
			if err := enc.Encode(p.json()); err != nil {
				return fmt.Errorf("evaluate: writing PerDoc: %w", err)
			}
		}
		if out != nil {
			p.write(out)
		}
	}
	for _, w := range []*bufio.Writer{perDoc, out} {
		if w != nil {
			if err := w.Flush(); err != nil {
				return fmt.Errorf("evaluate: %w", err)
			}
		}
	}
	return nil
}

// processPage extracts, summarizes and checks one page.
func processPage(cfg Config, dir string, p *page) {
	body, err := readGzip(filepath.Join(dir, "html", p.id+".html.gz"))
	if err == nil {
		p.web, err = extract(cfg.Extract, p.url, body)
	}
	if err != nil {
		p.extractErr = err.Error()
		return
	}
	p.chars = utf8.RuneCountInString(strings.TrimSpace(p.web.Text))
	p.brief, err = summarize(cfg.Summarize, p.web.Title, p.web.Text)
	p.lang = langOf(cfg, p.brief, p.web.Text)
	if err != nil {
		p.sumErr = err.Error()
		return
	}
	p.hits = CheckBrief(p.web.Text, p.brief, p.lang, cfg.Dangles)
}

func readGzip(path string) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	zr, err := gzip.NewReader(f)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", filepath.Base(path), err)
	}
	var buf bytes.Buffer
	if _, err := io.Copy(&buf, zr); err != nil {
		return nil, fmt.Errorf("%s: %w", filepath.Base(path), err)
	}
	return buf.Bytes(), nil
}

// extract calls fn, turning a panic into an error.
func extract(fn func(string, []byte) (briefs.WebPage, error), url string, body []byte) (p briefs.WebPage, err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("panic: %v", r)
		}
	}()
	return fn(url, body)
}

type pageJSON struct {
	ID           string   `json:"id"`
	URL          string   `json:"url"`
	ExtractError string   `json:"extract_error,omitempty"`
	Chars        int      `json:"chars"`
	Lang         string   `json:"lang"`
	Error        string   `json:"error,omitempty"`
	Title        string   `json:"title,omitempty"`
	Gist         string   `json:"gist,omitempty"`
	Bullets      []string `json:"bullets,omitempty"`
	Entities     []string `json:"entities,omitempty"`
	Slug         string   `json:"slug,omitempty"`
	Reader       []Hit    `json:"reader,omitempty"`
}

func (p *page) json() pageJSON {
	return pageJSON{
		ID: p.id, URL: p.url, ExtractError: p.extractErr, Chars: p.chars, Lang: p.lang, Error: p.sumErr,
		Title: p.brief.Title, Gist: p.brief.Gist, Bullets: p.brief.Bullets, Entities: p.brief.Entities,
		Slug: p.brief.Slug, Reader: p.hits,
	}
}

// write prints the page's brief for a person to read.
func (p *page) write(w *bufio.Writer) {
	fmt.Fprintf(w, "== %d. %s\n%s\n", p.seq+1, p.id, p.url)
	switch {
	case p.extractErr != "":
		fmt.Fprintf(w, "not extracted: %s\n\n", snippet(p.extractErr, 300))
		return
	case p.sumErr != "":
		fmt.Fprintf(w, "lang %s, %d characters; extracted title: %s\nrefused: %s\n\n", orUnknown(p.lang), p.chars, p.web.Title, snippet(p.sumErr, 300))
		return
	}
	b := p.brief
	fmt.Fprintf(w, "lang %s, %d characters, slug %s\n", orUnknown(p.lang), p.chars, b.Slug)
	fmt.Fprintf(w, "title: %s\ngist: %s\n", b.Title, b.Gist)
	for _, bl := range b.Bullets {
		fmt.Fprintf(w, "  - %s\n", bl)
	}
	fmt.Fprintf(w, "entities: %s\n", strings.Join(b.Entities, "; "))
	if len(p.hits) > 0 {
		fmt.Fprintf(w, "reader faults:\n")
		writeHits(w, p.hits, "  ! ")
	}
	w.WriteByte('\n')
}

// WriteTable writes the pages report: page counts, extraction failures,
// long pages refused, and the reader checks.
func (rep *PagesReport) WriteTable(w io.Writer) error {
	bw := bufio.NewWriter(w)
	p := func(format string, args ...any) { fmt.Fprintf(bw, format, args...) }
	name := rep.Name
	if name == "" {
		name = "pages"
	}
	r := rep.Reader
	p("Reader checks on the real pages of %s: %d pages, %d extracted, %d not extracted, %d refused by the summarizer\n",
		name, rep.Pages, rep.Extracted, len(rep.ExtractFailed), len(r.Refused))
	p("refused with at least %d characters of extracted text: %d (must be 0)\n", MinRefusedChars, len(rep.RefusedLong))
	for _, f := range rep.RefusedLong {
		p("  %s: %s\n", docName(f.ID, 0), snippet(f.Err, 120))
	}
	if len(rep.ExtractFailed) > 0 {
		p("\nnot extracted: %d\n", len(rep.ExtractFailed))
		for _, f := range rep.ExtractFailed {
			p("  %s: %s\n", docName(f.ID, 0), snippet(f.Err, 120))
		}
	}
	r.write(bw)
	return bw.Flush()
}
