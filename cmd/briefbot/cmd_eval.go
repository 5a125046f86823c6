package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"runtime"

	"briefbot/briefs"
	"briefbot/briefs/evaluate"
	"briefbot/briefs/extractive"
)

// cmdEval: briefbot eval --data FILE.jsonl [--refs first|all] [--per-doc FILE]
func cmdEval(ctx context.Context, env *environment, args []string) error {
	fs := newFlags(env, "eval", "--data FILE.jsonl [--refs first|all] [--per-doc FILE]",
		"Scores the summarizer with ROUGE-1, ROUGE-2 and ROUGE-Lsum (ROUGE-1.5.5 settings) against the\n"+
			"reference summaries in FILE (JSON Lines with \"id\", \"article\" and \"reference_summary\" or\n"+
			"\"references\"), beside Lead-3 and Lead-1 on the same rows, and counts format faults.")
	data := fs.String("data", "", "JSON Lines file of articles with reference summaries (required)")
	refs := fs.String("refs", "first", "first: score against reference_summary (or references[0]); all: the best of every reference")
	perDoc := fs.String("per-doc", "", "also write each document's scores as JSON Lines to this file")
	workers := fs.Int("workers", runtime.GOMAXPROCS(0), "articles summarized at once")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if *data == "" || fs.NArg() > 0 {
		fs.Usage()
		return usagef("eval needs --data FILE.jsonl")
	}
	if *refs != "first" && *refs != "all" {
		return usagef("--refs must be first or all, not %q", *refs)
	}
	in, err := os.Open(*data)
	if err != nil {
		return fmt.Errorf("eval: %w", err)
	}
	defer in.Close()
	sum := newSummarizer()
	cfg := evaluate.Config{
		Summarize: func(title, article string) (briefs.Brief, error) {
			s, err := sum.Summarize(briefs.Document{Title: title, Text: article})
			return briefs.Brief{Title: s.Title, Gist: s.Gist, Bullets: s.Bullets}, err
		},
		Lead:    extractive.LeadSentences,
		Refs:    *refs,
		Workers: *workers,
		Name:    filepath.Base(*data),
	}
	if *perDoc != "" {
		f, err := os.Create(*perDoc)
		if err != nil {
			return fmt.Errorf("eval: %w", err)
		}
		defer f.Close()
		cfg.PerDoc = f
	}
	report, err := evaluate.Run(ctx, in, cfg)
	if err != nil {
		return fmt.Errorf("eval: %w", err)
	}
	return report.WriteTable(env.stdout)
}
