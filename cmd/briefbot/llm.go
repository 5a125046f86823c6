package main

import (
	"context"
	"fmt"
	"io"
	"sync"
	"time"

	"briefbot/briefs"
	"briefbot/briefs/llm"
	"briefbot/store"
)

// newRefiner is the refiner that has a language model rewrite briefs when
// SUMMARIZER=llm, nil otherwise. The running bot works its queue (Run);
// the command line refines at once (Refine).
func newRefiner(env *environment, svc *briefs.Service, db *store.DB) *briefs.Refiner {
	if env.cfg.Summarizer != "llm" {
		return nil
	}
	client, err := llm.New(env.cfg.LLM.Config)
	if err != nil { // loadConfig checked the settings already
		env.log.Error("language model not used", "err", err)
		return nil
	}
	// A zero KeepFor (ARTICLE_RETENTION=0: articles are kept) keeps the
	// model's answers briefs.DefaultKeepWritten.
	return &briefs.Refiner{Service: svc, Writer: client, Check: groundingCheck, Store: db,
		DailyCalls: env.cfg.LLM.DailyCalls, KeepFor: env.cfg.ArticleRetention, Workers: env.cfg.LLM.Concurrency, Log: env.log}
}

// modelSummarizer is what a member sees once a brief is refined: the
// extractive summary with the language model's gist and points when they
// pass the check, for `briefbot eval --summarizer llm`.
type modelSummarizer struct {
	ext briefs.Summarizer
	ref *briefs.Refiner
	ctx context.Context

	mu       sync.Mutex
	outcomes map[string]int
}

// newModelSummarizer asks the model configured by the LLM_* settings, keeping
// its answers in memory (one call per article text).
func newModelSummarizer(ctx context.Context, env *environment) (*modelSummarizer, error) {
	client, err := llm.New(env.cfg.LLM.Config)
	if err != nil {
		return nil, err
	}
	ref := &briefs.Refiner{Writer: client, Check: groundingCheck, Store: &memoryWritten{kept: map[string]briefs.Written{}}, Log: env.log}
	return &modelSummarizer{ext: newSummarizer(), ref: ref, ctx: ctx, outcomes: map[string]int{}}, nil
}

func (m *modelSummarizer) Version() string { return m.ext.Version() + "+" + m.ref.Writer.Version() }

func (m *modelSummarizer) Summarize(doc briefs.Document) (briefs.Summary, error) {
	s, err := m.ext.Summarize(doc)
	if err != nil {
		return s, err
	}
	doc.Lang = s.Lang
	w, outcome, _ := m.ref.Write(m.ctx, defaultGuild, doc)
	if outcome == briefs.WrittenKept {
		s.Gist, s.Bullets = w.Summary.Gist, w.Summary.Bullets
	}
	m.mu.Lock()
	m.outcomes[outcome]++
	m.mu.Unlock()
	return s, nil
}

// report prints how the model's briefs fared.
func (m *modelSummarizer) report(w io.Writer) {
	m.mu.Lock()
	defer m.mu.Unlock()
	fmt.Fprintf(w, "language model %s: %d kept, %d rejected (the extractive brief scored instead), %d failed (no answer)\n",
		m.ref.Writer.Version(), m.outcomes[briefs.WrittenKept], m.outcomes[briefs.WrittenRejected], m.outcomes[briefs.WrittenFailed])
}

// memoryWritten keeps a model's answers for one command's run.
type memoryWritten struct {
	mu   sync.Mutex
	kept map[string]briefs.Written
}

func (s *memoryWritten) WrittenBrief(_ context.Context, key string) (briefs.Written, bool, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	w, ok := s.kept[key]
	return w, ok, nil
}

func (s *memoryWritten) KeepWrittenBrief(_ context.Context, key string, w briefs.Written, _ time.Duration) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.kept[key] = w
	return nil
}

// SpendWriterCall and WriterCalls: a command's run has no daily budget.
func (s *memoryWritten) SpendWriterCall(context.Context, string, time.Time, int) (bool, error) {
	return true, nil
}

func (s *memoryWritten) WriterCalls(context.Context, string, time.Time) (int, error) { return 0, nil }
