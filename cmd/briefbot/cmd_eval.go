package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"

	"briefbot/briefs"
	"briefbot/briefs/evaluate"
	"briefbot/briefs/extractive"
	"briefbot/briefs/fetch"
)

// cmdEval: briefbot eval (--data FILE.jsonl [--refs first|all] | --pages DIR [--out FILE])
// [--per-doc FILE] [--show N]
func cmdEval(ctx context.Context, env *environment, args []string) error {
	fs := newFlags(env, "eval", "(--data FILE.jsonl [--refs first|all] | --pages DIR [--out FILE]) [--per-doc FILE] [--show N]",
		"With --data, scores the summarizer with ROUGE-1, ROUGE-2 and ROUGE-Lsum (ROUGE-1.5.5 settings)\n"+
			"against the reference summaries in FILE (JSON Lines with \"id\", \"article\" and\n"+
			"\"reference_summary\" or \"references\"), beside Lead-3 and Lead-1 on the same rows, and counts\n"+
			"format faults and reader faults (gist repeated, near-duplicate points, cut sentences, dangling\n"+
			"openers, page furniture, refusals).\n\n"+
			"With --pages, reads real web pages (DIR/html/<id>.html.gz and DIR/ground-truth.json with each\n"+
			"page's url), extracts and summarizes each one as adding it by link would, and counts reader\n"+
			"faults, refusals and languages.")
	data := fs.String("data", "", "JSON Lines file of articles with reference summaries")
	pages := fs.String("pages", "", "folder of web pages: html/<id>.html.gz and ground-truth.json")
	refs := fs.String("refs", "first", "first: score against reference_summary (or references[0]); all: the best of every reference")
	perDoc := fs.String("per-doc", "", "also write each document's scores, language and reader faults (with --pages: its brief) as JSON Lines to this file")
	out := fs.String("out", "", "with --pages: write every page's brief (title, gist, bullets, entities, slug, reader faults) to this file")
	show := fs.Int("show", 0, "print up to N briefs with reader faults: document, rules and offending text")
	workers := fs.Int("workers", runtime.GOMAXPROCS(0), "articles summarized at once")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if (*data == "") == (*pages == "") || fs.NArg() > 0 {
		fs.Usage()
		return usagef("eval needs --data FILE.jsonl or --pages DIR")
	}
	if *refs != "first" && *refs != "all" {
		return usagef("--refs must be first or all, not %q", *refs)
	}
	if *out != "" && *pages == "" {
		return usagef("--out goes with --pages")
	}
	if *show < 0 {
		return usagef("--show must be 0 or more, not %d", *show)
	}
	sum := newSummarizer()
	prog := startProgress(env, func(n int64) string { return fmt.Sprintf("eval: summarized %d articles", n) })
	defer prog.Done()
	cfg := evaluate.Config{
		Summarize: func(title, article string) (briefs.Brief, error) {
			s, err := sum.Summarize(briefs.Document{Title: title, Text: article})
			prog.Add(1)
			return briefs.Brief{Title: s.Title, Gist: s.Gist, Bullets: s.Bullets, Entities: s.Entities, Slug: s.Slug, Lang: s.Lang}, err
		},
		Refs:           *refs,
		Workers:        *workers,
		DetectLanguage: extractive.DetectLanguage,
		Dangles:        extractive.Dangles,
		Show:           *show,
	}
	var closers []io.Closer
	defer func() {
		for _, c := range closers {
			c.Close()
		}
	}()
	create := func(path string) (io.Writer, error) {
		f, err := os.Create(path)
		if err != nil {
			return nil, fmt.Errorf("eval: %w", err)
		}
		closers = append(closers, f)
		return f, nil
	}
	if *perDoc != "" {
		w, err := create(*perDoc)
		if err != nil {
			return err
		}
		cfg.PerDoc = w
	}
	if *pages != "" {
		return evalPages(ctx, env, cfg, *pages, *out, create, prog)
	}

	in, err := os.Open(*data)
	if err != nil {
		return fmt.Errorf("eval: %w", err)
	}
	defer in.Close()
	cfg.Lead = extractive.LeadSentences
	cfg.Name = filepath.Base(*data)
	report, err := evaluate.Run(ctx, in, cfg)
	prog.Done() // before the report, which would otherwise start on its line
	if err != nil {
		return fmt.Errorf("eval: %w", err)
	}
	if err := report.WriteTable(env.stdout); err != nil {
		return err
	}
	return report.Reader.WriteFaults(env.stdout)
}

// evalPages runs the reader checks on a folder of real web pages.
func evalPages(ctx context.Context, env *environment, cfg evaluate.Config, dir, out string, create func(string) (io.Writer, error), prog *progress) error {
	cfg.Name = filepath.Base(filepath.Clean(dir))
	cfg.Extract = extractPage
	if out != "" {
		w, err := create(out)
		if err != nil {
			return err
		}
		cfg.Out = w
	}
	report, err := evaluate.RunPages(ctx, dir, cfg)
	prog.Done()
	if err != nil {
		return fmt.Errorf("eval: %w", err)
	}
	if err := report.WriteTable(env.stdout); err != nil {
		return err
	}
	return report.Reader.WriteFaults(env.stdout)
}

// extractPage extracts the article of an HTML page as the link fetcher
// does, served as text/html (the charset is sniffed from the page).
func extractPage(pageURL string, html []byte) (briefs.WebPage, error) {
	p, err := fetch.Extract(pageURL, "text/html", html)
	if err != nil {
		return briefs.WebPage{}, err
	}
	return webPage(p), nil
}
