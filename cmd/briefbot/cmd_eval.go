package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"briefbot/briefs"
	"briefbot/briefs/evaluate"
	"briefbot/briefs/extractive"
	"briefbot/briefs/fetch"
)

// cmdEval: briefbot eval (--data FILE.jsonl [--refs first|all] | --pages DIR [--out FILE])
// [--per-doc FILE] [--show N]
func cmdEval(ctx context.Context, env *environment, args []string) error {
	opts, err := parseEvalFlags(env, args)
	if err != nil {
		return err
	}
	sum := newSummarizer()
	var model *modelSummarizer
	if opts.summarizer == "llm" {
		if env.cfg.LLM.Model == "" {
			return usagef("--summarizer llm needs LLM_MODEL (and LLM_BASE_URL, LLM_API_KEY as the provider wants)")
		}
		if model, err = newModelSummarizer(ctx, env); err != nil {
			return err
		}
		sum = model
		defer model.report(env.stdout)
	}
	prog := startProgress(env, func(n int64) string { return fmt.Sprintf("eval: summarized %d articles", n) })
	defer prog.Done()
	cfg := evalConfig(opts, sum, prog)
	var files outputFiles
	defer files.close()
	if opts.perDoc != "" {
		w, err := files.create(opts.perDoc)
		if err != nil {
			return err
		}
		cfg.PerDoc = w
	}
	if opts.pages != "" {
		return evalPages(ctx, env, cfg, opts.pages, opts.out, &files, prog)
	}
	return evalData(ctx, env, cfg, opts.data, prog)
}

// evalOptions are the flags of briefbot eval.
type evalOptions struct {
	data, pages, refs, perDoc, out string
	summarizer                     string
	show, workers                  int
}

// parseEvalFlags reads and checks the flags of briefbot eval.
func parseEvalFlags(env *environment, args []string) (evalOptions, error) {
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
	summarizer := fs.String("summarizer", env.cfg.Summarizer, "extractive, or llm: the language model of the LLM_* settings, its briefs checked against the article (a rejected one scores as the extractive brief)")
	workers := workersFlag(fs)
	if err := parseFlags(fs, args); err != nil {
		return evalOptions{}, err
	}
	o := evalOptions{data: *data, pages: *pages, refs: *refs, perDoc: *perDoc, out: *out, show: *show, workers: *workers, summarizer: *summarizer}
	switch {
	case (o.data == "") == (o.pages == "") || fs.NArg() > 0:
		fs.Usage()
		return o, usagef("eval needs --data FILE.jsonl or --pages DIR")
	case o.refs != "first" && o.refs != "all":
		return o, usagef("--refs must be first or all, not %q", o.refs)
	case o.out != "" && o.pages == "":
		return o, usagef("--out goes with --pages")
	case o.summarizer != "extractive" && o.summarizer != "llm":
		return o, usagef("--summarizer must be extractive or llm, not %q", o.summarizer)
	case o.show < 0:
		return o, usagef("--show must be 0 or more, not %d", o.show)
	}
	return o, nil
}

// evalConfig is the evaluation of the bot's summarizer and language rules,
// counting every summary on prog.
func evalConfig(o evalOptions, sum briefs.Summarizer, prog *progress) evaluate.Config {
	return evaluate.Config{
		Summarize: func(title, article string) (briefs.Brief, error) {
			s, err := sum.Summarize(briefs.Document{Title: title, Text: article})
			prog.Add(1)
			return briefs.Brief{Title: s.Title, Gist: s.Gist, Bullets: s.Bullets, Entities: s.Entities, Slug: s.Slug, Lang: s.Lang}, err
		},
		Refs:           o.refs,
		Workers:        o.workers,
		DetectLanguage: extractive.DetectLanguage,
		Dangles:        extractive.Dangles,
		Show:           o.show,
	}
}

// outputFiles are the files an evaluation writes, closed together at its end.
type outputFiles []io.Closer

func (fs *outputFiles) create(path string) (io.Writer, error) {
	f, err := os.Create(path)
	if err != nil {
		return nil, fmt.Errorf("eval: %w", err)
	}
	*fs = append(*fs, f)
	return f, nil
}

func (fs *outputFiles) close() {
	for _, c := range *fs {
		c.Close()
	}
}

// evalData scores the summarizer against the reference summaries of a
// JSON Lines file.
func evalData(ctx context.Context, env *environment, cfg evaluate.Config, data string, prog *progress) error {
	in, err := os.Open(data)
	if err != nil {
		return fmt.Errorf("eval: %w", err)
	}
	defer in.Close()
	cfg.Lead = extractive.LeadSentences
	cfg.Name = filepath.Base(data)
	report, err := evaluate.Run(ctx, in, cfg)
	prog.Done() // before the report, which would otherwise start on its line
	if err != nil {
		return fmt.Errorf("eval: %w", err)
	}
	return writeEvalReport(env.stdout, report, report.Reader)
}

// evalPages runs the reader checks on a folder of real web pages.
func evalPages(ctx context.Context, env *environment, cfg evaluate.Config, dir, out string, files *outputFiles, prog *progress) error {
	cfg.Name = filepath.Base(filepath.Clean(dir))
	cfg.Extract = extractPage
	if out != "" {
		w, err := files.create(out)
		if err != nil {
			return err
		}
		cfg.Out = w
	}
	report, err := evaluate.RunPages(ctx, dir, cfg)
	prog.Done() // before the report, which would otherwise start on its line
	if err != nil {
		return fmt.Errorf("eval: %w", err)
	}
	return writeEvalReport(env.stdout, report, report.Reader)
}

// writeEvalReport prints the table of a report, then the briefs with
// reader faults it kept.
func writeEvalReport(w io.Writer, table interface{ WriteTable(io.Writer) error }, reader *evaluate.ReaderReport) error {
	if err := table.WriteTable(w); err != nil {
		return err
	}
	return reader.WriteFaults(w)
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
