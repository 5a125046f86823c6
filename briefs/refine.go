package briefs

import (
	"cmp"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"time"
)

// Refiner replaces extractive briefs with a language model's, in the
// background and only when the model's brief passes the grounding check.
// The Service calls Later for every brief it builds or finds unrefined;
// Run works the queue. The model is asked once per article text and model
// version (the answer is kept in the WrittenStore), at most DailyCalls
// times a day per guild, and not at all for a while after the provider
// failed.
type Refiner struct {
	Service *Service
	Writer  BriefWriter
	Check   GroundingCheck
	Store   WrittenStore
	// DailyCalls bounds the model calls one guild makes a day (UTC); 0: no
	// bound.
	DailyCalls int
	// KeepFor is how long a model's answer is kept; 0: DefaultKeepWritten.
	KeepFor time.Duration
	// Workers is how many briefs are refined at once; 0: 2.
	Workers int
	// OnOutcome, when set, is told the outcome of every brief refined (the
	// Written* constants), for metrics.
	OnOutcome func(outcome string)
	Log       *slog.Logger

	once     sync.Once
	queue    chan Brief
	mu       sync.Mutex
	pending  map[refineJob]bool
	resumeAt time.Time // after the provider failed: no call before then
}

// DefaultKeepWritten is how long a model's answer is kept by default: as
// long as articles are (ARTICLE_RETENTION's default).
const DefaultKeepWritten = 30 * 24 * time.Hour

// refineQueue bounds the briefs waiting for the model; a brief that finds
// the queue full is refined at a later lookup.
const refineQueue = 256

type refineJob struct{ guildID, slug string }

func (r *Refiner) init() {
	r.once.Do(func() {
		r.queue = make(chan Brief, refineQueue)
		r.pending = map[refineJob]bool{}
	})
}

// Later queues b, an extractive brief, for refining, unless it is queued
// already, the queue is full, or the provider asked to wait (a later lookup
// queues it again). It never blocks.
func (r *Refiner) Later(b Brief) {
	r.init()
	if r.paused() > 0 {
		return
	}
	job := refineJob{b.GuildID, b.Slug}
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.pending[job] {
		return
	}
	select {
	case r.queue <- b:
		r.pending[job] = true
	default:
	}
}

// Run refines queued briefs, Workers at a time, until ctx ends.
func (r *Refiner) Run(ctx context.Context) error {
	r.init()
	var wg sync.WaitGroup
	for range max(r.Workers, 1) {
		wg.Go(func() {
			for {
				select {
				case <-ctx.Done():
					return
				case b := <-r.queue:
					if _, _, err := r.Refine(ctx, b); err != nil && ctx.Err() == nil {
						r.log().Warn("language-model brief not made", "guild", b.GuildID, "slug", b.Slug, "err", err)
					}
					r.mu.Lock()
					delete(r.pending, refineJob{b.GuildID, b.Slug})
					r.mu.Unlock()
				}
			}
		})
	}
	wg.Wait()
	return nil
}

func (r *Refiner) log() *slog.Logger {
	if r.Log == nil {
		return slog.New(slog.DiscardHandler)
	}
	return r.Log
}

// Refine makes the brief of b's article now, from b, its extractive
// brief: the model's when it passes the check, else b with the reason in
// its Summarizer field; either replaces the cached brief. When the provider
// did not answer, nothing changes and the error says why (outcome
// WrittenFailed).
func (r *Refiner) Refine(ctx context.Context, b Brief) (Brief, string, error) {
	s := r.Service
	a, err := s.Store.ArticleBySlug(ctx, b.GuildID, b.Slug)
	if err != nil {
		return Brief{}, "", err
	}
	w, outcome, err := r.write(ctx, b.GuildID, Document{Title: a.Title, Text: a.Text, Lang: a.Lang})
	if outcome == WrittenFailed {
		r.told(outcome)
		return Brief{}, outcome, err
	}
	switch outcome {
	case WrittenKept:
		b.Gist, b.Bullets = w.Summary.Gist, w.Summary.Bullets
		b.Summarizer = r.Writer.Version() + " (checked against the article)"
	case WrittenRejected:
		b.Summarizer = fmt.Sprintf("%s; %s rejected: %s", b.Summarizer, r.Writer.Version(), Truncate(w.Rejected, 200))
	case WrittenBudget:
		b.Summarizer = fmt.Sprintf("%s; %s not asked: the server's %d briefs a day are spent", b.Summarizer, r.Writer.Version(), r.DailyCalls)
	}
	if err := s.Store.CacheBrief(ctx, b, s.BriefTTL); err != nil {
		r.told(WrittenFailed)
		return Brief{}, WrittenFailed, fmt.Errorf("refine %s: %w", b.Slug, err)
	}
	r.told(outcome) // once the brief shows it
	return b, outcome, nil
}

// BudgetNote tells an admin who adds an article that the guild's model
// calls for today are spent, so its brief stays extractive; "" while calls
// are left (or the count cannot be read: the refiner will tell in the
// brief).
func (r *Refiner) BudgetNote(ctx context.Context, guildID string) string {
	if r.DailyCalls <= 0 {
		return ""
	}
	n, err := r.Store.WriterCalls(ctx, guildID, r.now())
	if err != nil || n < r.DailyCalls {
		return ""
	}
	return fmt.Sprintf("This server's %d language-model briefs for today (UTC) are spent (%s), so this brief stays extractive; new articles get the model's brief again tomorrow.", r.DailyCalls, SettingLLMDailyCalls)
}

func (r *Refiner) told(outcome string) {
	if r.OnOutcome != nil && outcome != "" {
		r.OnOutcome(outcome)
	}
}

// Write asks the model for doc's brief (or finds its answer kept from
// before) and checks it: the summary to show is the model's when the
// outcome is WrittenKept, else the caller's extractive one. For the
// command line's eval; the bot refines through Later.
func (r *Refiner) Write(ctx context.Context, guildID string, doc Document) (Written, string, error) {
	w, outcome, err := r.write(ctx, guildID, doc)
	r.told(outcome)
	return w, outcome, err
}

func (r *Refiner) write(ctx context.Context, guildID string, doc Document) (Written, string, error) {
	key := writtenKey(doc, r.Writer.Version())
	if w, ok, err := r.Store.WrittenBrief(ctx, key); err != nil {
		return Written{}, WrittenFailed, err
	} else if ok {
		return w, outcomeOf(w), nil
	}
	if wait := r.paused(); wait > 0 {
		return Written{}, WrittenFailed, Errorf(EUNAVAILABLE, "the language model is not asked for %s after its provider failed", wait.Round(time.Second))
	}
	if r.DailyCalls > 0 {
		ok, err := r.Store.SpendWriterCall(ctx, guildID, r.now(), r.DailyCalls)
		if err != nil {
			return Written{}, WrittenFailed, err
		}
		if !ok {
			return Written{}, WrittenBudget, nil
		}
	}
	sum, err := r.Writer.Summarize(ctx, doc)
	var w Written
	switch {
	case err == nil:
		w.Summary = sum
		if problems := r.Check(doc.Text, sum); len(problems) > 0 {
			w.Rejected = strings.Join(problems[:min(len(problems), 3)], "; ")
		}
	case errors.Is(err, ErrNoBrief):
		// An answer that is no brief: the same text and model would
		// answer alike, so it is kept like any other answer.
		w.Rejected = "no brief: " + ErrorMessage(err)
	default:
		r.pause(err)
		return Written{}, WrittenFailed, err
	}
	if err := r.Store.KeepWrittenBrief(ctx, key, w, cmp.Or(r.KeepFor, DefaultKeepWritten)); err != nil {
		r.log().Warn("language-model answer not kept; the next lookup asks again", "err", err)
	}
	return w, outcomeOf(w), nil
}

func outcomeOf(w Written) string {
	if w.Rejected != "" {
		return WrittenRejected
	}
	return WrittenKept
}

// pause stops calls for a while after the provider failed: as long as it
// asked (Retry-After), else half a minute, ten minutes when it refused the
// key.
func (r *Refiner) pause(err error) {
	wait := 30 * time.Second
	ra, asked := RetryAfter(err)
	switch {
	case asked && ra > 0:
		wait = min(ra, time.Hour)
	case ErrorCode(err) == EFORBIDDEN || ErrorCode(err) == EINVALID:
		// The key refused, or the set-up wrong (model, URL): not worth
		// asking again soon.
		wait = 10 * time.Minute
	}
	r.mu.Lock()
	r.resumeAt = r.now().Add(wait)
	r.mu.Unlock()
}

func (r *Refiner) paused() time.Duration {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.resumeAt.Sub(r.now())
}

// now is the service's clock (a refiner without a service: the wall's).
func (r *Refiner) now() time.Time {
	if r.Service != nil {
		return r.Service.now()
	}
	return time.Now()
}

// writtenKey names a model's answer: the article's title and text and the
// model's version, so that any guild adding the same text reuses it.
func writtenKey(doc Document, version string) string {
	h := sha256.Sum256([]byte(version + "\x00" + doc.Title + "\x00" + doc.Text))
	return hex.EncodeToString(h[:16])
}
