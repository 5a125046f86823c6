package briefs_test

import (
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	"briefbot/briefs"
	"briefbot/briefs/extractive"
	"briefbot/store/storetest"
)

// scriptedWriter is a BriefWriter whose answers the test sets: the
// service's side of a language model (the HTTP client is tested against
// a fake provider in its own package).
type scriptedWriter struct {
	mu     sync.Mutex
	calls  int
	answer func(doc briefs.Document) (briefs.Summary, error)
}

func (w *scriptedWriter) Version() string { return "llm/test-model/p1" }

func (w *scriptedWriter) Summarize(_ context.Context, doc briefs.Document) (briefs.Summary, error) {
	w.mu.Lock()
	w.calls++
	w.mu.Unlock()
	return w.answer(doc)
}

func (w *scriptedWriter) count() int {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.calls
}

// retryLater is a provider's 429: unavailable, come back in an hour.
type retryLater struct{ err *briefs.Error }

func (r retryLater) Error() string           { return r.err.Error() }
func (r retryLater) Unwrap() error           { return r.err }
func (retryLater) RetryAfter() time.Duration { return time.Hour }

const harbourText = "The harbour authority approved a new ferry line on Tuesday after months of talks with the city council. " +
	"Officials said the line would start in the spring and cost about 4 million euros. " +
	"Residents welcomed the decision at a public meeting on Tuesday evening. " +
	"The council will vote on the final budget in January, the mayor's office said."

// Briefs are answered extractive at once and replaced in the background by
// the model's when it passes the check; a brief that fails keeps the
// extractive text with the reason; the same text costs one call whatever
// the guild; the daily budget and a failing provider leave the extractive
// brief.
func TestRefinerReplacesOnlyCheckedBriefs(t *testing.T) {
	db := storetest.Open(t)
	now := time.Date(2026, 12, 4, 12, 0, 0, 0, time.UTC)
	svc := &briefs.Service{Store: db, Summarizer: extractive.New(), Now: func() time.Time { return now }}
	writer := &scriptedWriter{answer: func(doc briefs.Document) (briefs.Summary, error) {
		if strings.Contains(doc.Text, "invented") {
			return briefs.Summary{Title: "x", Gist: "The ferry line costs 9 million euros.", Bullets: []string{"a", "b", "c"}}, nil
		}
		return briefs.Summary{Title: "Ferry line approved", Gist: "A new ferry line was approved on Tuesday.",
			Bullets: []string{"It starts in spring.", "It costs about 4 million euros.", "The council votes in January."}}, nil
	}}
	outcomes := make(chan string, 10)
	svc.Refiner = &briefs.Refiner{Service: svc, Writer: writer, Store: db, DailyCalls: 2,
		Check: func(article string, s briefs.Summary) []string {
			if strings.Contains(s.Gist, "9 million") && !strings.Contains(article, "9 million") {
				return []string{"number: 9 million"}
			}
			return nil
		},
		OnOutcome: func(o string) { outcomes <- o }}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	ran := make(chan struct{})
	go func() {
		svc.Refiner.Run(ctx)
		close(ran)
	}()

	res, err := svc.Add(ctx, briefs.AddInput{GuildID: "g", UserID: "u", Text: harbourText, Slug: "ferry"})
	if err != nil {
		t.Fatal(err)
	}
	if res.Brief.Summarizer != svc.Summarizer.Version() {
		t.Errorf("the answer to add is %q; want the extractive brief at once", res.Brief.Summarizer)
	}
	if o := <-outcomes; o != briefs.WrittenKept {
		t.Fatalf("outcome %q; want %q", o, briefs.WrittenKept)
	}
	lk, err := svc.Brief(ctx, "g", "ferry")
	if err != nil || lk.Brief.Gist != "A new ferry line was approved on Tuesday." || !strings.Contains(lk.Brief.Summarizer, "llm/test-model/p1") {
		t.Fatalf("after refining: %+v, %v", lk.Brief, err)
	}

	// An invented number: rejected, the extractive brief stays, with why.
	invented := harbourText + " Nothing invented here."
	if _, err := svc.Add(ctx, briefs.AddInput{GuildID: "g", UserID: "u", Text: invented, Slug: "ferry-two"}); err != nil {
		t.Fatal(err)
	}
	if o := <-outcomes; o != briefs.WrittenRejected {
		t.Fatalf("outcome %q; want %q", o, briefs.WrittenRejected)
	}
	lk, err = svc.Brief(ctx, "g", "ferry-two")
	if err != nil || strings.Contains(lk.Brief.Gist, "9 million") || !strings.Contains(lk.Brief.Summarizer, "rejected: number: 9 million") {
		t.Fatalf("rejected brief: %+v, %v", lk.Brief, err)
	}

	// The same text in another guild: the kept answer, no call.
	if _, err := svc.Add(ctx, briefs.AddInput{GuildID: "h", UserID: "u", Text: harbourText, Slug: "ferry"}); err != nil {
		t.Fatal(err)
	}
	if o := <-outcomes; o != briefs.WrittenKept || writer.count() != 2 {
		t.Fatalf("same text elsewhere: %q after %d calls; want the kept answer and 2 calls", o, writer.count())
	}

	// Guild g has spent its two calls today.
	res, err = svc.Add(ctx, briefs.AddInput{GuildID: "g", UserID: "u", Text: harbourText + " A third story.", Slug: "ferry-three"})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(res.WriterNote, "LLM_DAILY_CALLS") {
		t.Errorf("the admin is not told the budget is spent: %q", res.WriterNote)
	}
	if o := <-outcomes; o != briefs.WrittenBudget || writer.count() != 2 {
		t.Fatalf("over budget: %q after %d calls", o, writer.count())
	}
	lk, _ = svc.Brief(ctx, "g", "ferry-three")
	if !strings.Contains(lk.Brief.Summarizer, "briefs a day are spent") {
		t.Errorf("over-budget brief says %q", lk.Brief.Summarizer)
	}

	// The provider fails with a Retry-After: nothing changes, and it is
	// not asked again meanwhile.
	writer.answer = func(briefs.Document) (briefs.Summary, error) {
		return briefs.Summary{}, retryLater{err: briefs.Errorf(briefs.EUNAVAILABLE, "429")}
	}
	now = now.Add(24 * time.Hour) // a new day: budget again
	if _, err := svc.Add(ctx, briefs.AddInput{GuildID: "g", UserID: "u", Text: harbourText + " Fourth."}); err != nil {
		t.Fatal(err)
	}
	if o := <-outcomes; o != briefs.WrittenFailed {
		t.Fatalf("provider down: %q", o)
	}
	// While it asked to wait, a brief is not refined: Later does not queue
	// it, and refining it now asks nothing.
	res, err = svc.Add(ctx, briefs.AddInput{GuildID: "g", UserID: "u", Text: harbourText + " Fifth."})
	if err != nil {
		t.Fatal(err)
	}
	if _, o, err := svc.Refiner.Refine(ctx, res.Brief); o != briefs.WrittenFailed || briefs.ErrorCode(err) != briefs.EUNAVAILABLE {
		t.Fatalf("refining while the provider asked to wait: %q, %v", o, err)
	}
	if o := <-outcomes; o != briefs.WrittenFailed {
		t.Fatalf("provider down, second brief: %q", o)
	}
	if writer.count() != 3 {
		t.Errorf("%d calls; want one more while the provider asked to wait", writer.count())
	}
	// Nothing was queued for the workers: none refined it, none waits.
	cancel()
	<-ran
	if len(outcomes) != 0 || briefs.QueuedRefines(svc.Refiner) != 0 {
		t.Errorf("a brief added while the provider asked to wait was queued (%d outcomes more, %d waiting)", len(outcomes), briefs.QueuedRefines(svc.Refiner))
	}
}
