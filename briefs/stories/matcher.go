package stories

import (
	"time"

	"briefbot/briefs"
)

// Matcher is the story check of briefs.Service: articles are signed with
// Sign and matched with Params.Similarity at Threshold.
type Matcher struct {
	Params    Params
	Threshold float64
}

// NewMatcher is the matcher with the tuned defaults.
func NewMatcher() *Matcher {
	return &Matcher{Params: DefaultParams, Threshold: DefaultThreshold}
}

// Sign encodes the signature of the article; its time is when it was
// published, else when it was added.
func (m *Matcher) Sign(a briefs.Article, entities []string) []byte {
	at := a.PublishedAt
	if at.IsZero() {
		at = a.AddedAt
	}
	b, _ := Sign(Doc{Title: a.Title, Text: a.Text, Entities: entities, Published: at, Lang: a.Lang}).MarshalBinary()
	return b
}

// Match returns the candidate most similar to sig at or above the
// threshold; unreadable signatures are passed over. The first (newest) of
// equally similar candidates wins.
func (m *Matcher) Match(sig []byte, candidates []briefs.StoryCandidate) (briefs.StoryCandidate, bool) {
	var s Signature
	if err := s.UnmarshalBinary(sig); err != nil {
		return briefs.StoryCandidate{}, false
	}
	best, bestScore := -1, m.Threshold
	for i, c := range candidates {
		var o Signature
		if err := o.UnmarshalBinary(c.Signature); err != nil {
			continue
		}
		if score := m.Params.Similarity(s, o); score >= bestScore && (best < 0 || score > bestScore) {
			best, bestScore = i, score
		}
	}
	if best < 0 {
		return briefs.StoryCandidate{}, false
	}
	return candidates[best], true
}

// Window is how long an article can be matched (Params.Window).
func (m *Matcher) Window() time.Duration { return m.Params.Window }
