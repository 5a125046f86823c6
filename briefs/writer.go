package briefs

import (
	"context"
	"errors"
	"time"
)

// A language model can write a brief's gist and points more fluently than
// the extractive summarizer, and can also invent what the article never
// said. So a model's brief is optional, made after the extractive one (the
// member is answered at once), and shown only when a grounding check finds
// every number, name, quote and statement of it in the article; otherwise
// the extractive brief stays, with the reason in its Summarizer field.

// BriefWriter writes a brief with a language model: Title, Gist and
// Bullets of the Summary, in the document's language. Errors: EUNAVAILABLE
// (the provider did not answer; a RetryAfter() says when to come back),
// EINVALID (an answer that is no brief), EFORBIDDEN (the provider refused
// the key).
type BriefWriter interface {
	// Version names the model and the prompt ("llm/<model>/p1"): answers
	// are cached under it, so a new model or prompt writes briefs afresh.
	Version() string
	Summarize(ctx context.Context, doc Document) (Summary, error)
}

// ErrNoBrief marks a BriefWriter's EINVALID that is about the model's
// answer (not JSON, too few points, cut short, refused): the same article
// would be answered alike, so the answer is kept as a rejection. An
// EINVALID without it is about the set-up (a wrong model name or URL) and
// is tried again once that is fixed.
var ErrNoBrief = errors.New("the model's answer is no brief")

// GroundingCheck lists what a written summary says that the article does
// not support, one problem a line ("number: 4,500"), none when it is all
// in the article.
type GroundingCheck func(article string, s Summary) []string

// Written is a model's answer for one article text, kept so that the same
// text never costs a second call: the summary when it passed the check,
// else why it was rejected.
type Written struct {
	Summary  Summary `json:"summary"`
	Rejected string  `json:"rejected,omitempty"`
}

// WrittenStore keeps the model's answers by article text and model, and
// counts each guild's calls a day.
type WrittenStore interface {
	WrittenBrief(ctx context.Context, key string) (Written, bool, error)
	KeepWrittenBrief(ctx context.Context, key string, w Written, ttl time.Duration) error
	// SpendWriterCall counts one call of the guild on day (UTC) and
	// reports false, counting nothing, when most were made already.
	SpendWriterCall(ctx context.Context, guildID string, day time.Time, most int) (bool, error)
	// WriterCalls is how many calls the guild made on day.
	WriterCalls(ctx context.Context, guildID string, day time.Time) (int, error)
}

// Outcomes of a model's brief, for metrics and logs.
const (
	WrittenKept     = "kept"     // the model's brief passed the check and is shown
	WrittenRejected = "rejected" // it failed the check (or was no brief); the extractive one stays
	WrittenFailed   = "failed"   // the provider did not answer; tried again at a later lookup
	WrittenBudget   = "budget"   // the guild's calls for today are spent
)
