package briefs

import (
	"context"
	"errors"
	"net/url"
	"strings"
	"time"
)

// A story is one event as several outlets reported it. The first article
// of a story is its lead and names it; the others join it when the story
// check finds them reporting the same event. Readers get one brief for the
// story, built from its most complete source, with the others listed as
// "also reported by".
type Story struct {
	ID      string   `json:"id"`   // the lead article's id
	Best    string   `json:"best"` // the article whose brief stands for the story
	Sources []Source `json:"src"`  // in the order they arrived, at most MaxStorySources
}

// Source is one article of a story, as "also reported by" shows it.
type Source struct {
	ArticleID string    `json:"id,omitempty"`
	Slug      string    `json:"slug,omitempty"`
	Site      string    `json:"site,omitempty"`
	URL       string    `json:"url,omitempty"`
	At        time.Time `json:"at,omitzero"` // published, else added
	// Length is the article's text in characters: the longest source
	// (by a margin, see BetterSource) builds the story's brief.
	Length int `json:"n"`
}

// Outlet names the source for readers: its site, else its link's host,
// else its slug.
func (s Source) Outlet() string {
	if s.Site != "" {
		return s.Site
	}
	if u, err := url.Parse(s.URL); err == nil && u.Hostname() != "" {
		return strings.TrimPrefix(u.Hostname(), "www.")
	}
	return s.Slug
}

// MaxStorySources bounds the sources a story lists; later ones still join
// it (so they are not posted again) without being listed.
const MaxStorySources = 24

// BetterSource is how much longer a later source's text must be to take
// over the story's brief: enough that a copy with a line more does not.
const BetterSource = 1.1

// Others are the story's sources other than the article whose brief is
// shown, in the order they arrived.
func (st *Story) Others(shown string) []Source {
	if st == nil {
		return nil
	}
	out := make([]Source, 0, len(st.Sources))
	for _, s := range st.Sources {
		if s.ArticleID != shown {
			out = append(out, s)
		}
	}
	return out
}

// StoryCandidate is a recent article the story check compares a new one
// with: its signature (see package stories) and the story it belongs to.
type StoryCandidate struct {
	ArticleID string
	StoryID   string // its story's lead; its own id when it leads or stands alone
	LeadSlug  string // the lead's slug; "" when the lead is gone
	Signature []byte
}

// StoryPool is what the story check compares a new article with: the
// candidates, and a mark of the guild's newest add when they were read.
type StoryPool struct {
	Candidates []StoryCandidate
	// Seen marks the guild's last add at the time of the read: an add
	// whose StoryLink carries it is refused (ErrStoryMoved) when another
	// article was added since, so that two reports of one event added at
	// once by two instances still meet.
	Seen string
}

// ErrStoryMoved refuses an add whose story check is out of date: another
// article came into the guild after the candidates were read. The check
// is run again.
var ErrStoryMoved = errors.New("another article was added during the story check")

// StoryLink is what AddRequest carries for the story check: the new
// article's signature, kept while later articles may still match it, its
// source entry, and the story it joins.
type StoryLink struct {
	Signature []byte
	// SignatureTTL is how long the signature is kept: while a later
	// article could still match it. 0: it is not kept (the article is
	// older than the window already).
	SignatureTTL time.Duration
	Source       Source
	// LeadSource is the lead's entry, for when the article is the
	// story's second: the story is then written down.
	LeadSource Source
	// Seen is StoryPool.Seen of the check; "" adds without that guard.
	Seen string
	// Join is the story (lead article id) the article joins; "" starts a
	// story of its own. When the lead is gone by the time of the add, the
	// article starts its own.
	Join string
}

// StoryStorage keeps the links between articles of one story.
type StoryStorage interface {
	// StoryCandidates returns the guild's newest articles that still hold
	// a signature, newest first, at most limit, in one round trip.
	StoryCandidates(ctx context.Context, guildID string, limit int) (StoryPool, error)

	// StoryOf returns the story the article belongs to; ok is false when
	// it stands alone.
	StoryOf(ctx context.Context, guildID, articleID string) (st Story, ok bool, err error)

	// StoryOfSlug is StoryOf for the article with that slug; ok is false
	// too when no article has it.
	StoryOfSlug(ctx context.Context, guildID, slug string) (st Story, ok bool, err error)

	// SeparateArticle takes the article with that slug out of its story,
	// as a story of its own that the next digests post. Errors: ENOTFOUND,
	// EINVALID (in no story).
	SeparateArticle(ctx context.Context, guildID, slug string) (Article, error)
}
