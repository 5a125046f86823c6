package briefs

import (
	"context"
	"time"
)

// AddRequest is one article to store together with the brief built from it.
type AddRequest struct {
	Article Article
	Brief   Brief
	// ExactSlug is true when an admin chose Article.Slug: a taken slug is then
	// an ECONFLICT error. Otherwise the store makes it unique: with the
	// SlugTopic word first ("putin-kim-deal"), then by appending -2, -3, ...
	ExactSlug bool
	// SlugTopic is a word about the story (Summary.SlugTopic) that the store
	// appends to a taken slug before it tries numbers; "" for none. Ignored
	// with ExactSlug.
	SlugTopic string
	// Terms are the search terms (from IndexTerms) that find this article.
	Terms []string
	// BriefTTL is how long the brief stays cached.
	BriefTTL time.Duration
	// DeferBrief leaves the brief out of the cache: the first lookup
	// builds and caches it. The brief still gives the listing its names.
	// Ignored by ReplaceArticle.
	DeferBrief bool
	// MaxArticles is the most articles the guild keeps
	// (MAX_ARTICLES_PER_GUILD); 0 means no limit. A new article in a guild
	// that holds that many already drops the oldest (by AddedAt), with
	// their briefs and index entries, in the same atomic step; one add
	// drops only a few, so a guild over a lowered cap shrinks over the
	// next adds. An article that is stored already drops nothing. Ignored
	// by ReplaceArticle, which does not add an article.
	MaxArticles int
	// Story, when set, keeps the article's story signature and joins it to
	// the story the service's check chose (StoryLink.Join). Ignored by
	// ReplaceArticle.
	Story *StoryLink
}

// SuggestQuery is what a user has typed so far, split for autocomplete.
type SuggestQuery struct {
	SlugPrefix string   // the input as a slug prefix ("putin-k")
	Terms      []string // words already complete
	TermPrefix string   // the word still being typed ("k"), "" when the input ends in a separator
}

// Storage keeps articles, their cached briefs and the indexes that find them.
// All methods are scoped to one guild; no method returns another guild's data.
// Implementations return EUNAVAILABLE when the backend does not answer.
type Storage interface {
	StoryStorage

	// AddArticle stores the article, its brief and its index entries in one
	// atomic step: after a crash either all of it exists or none of it.
	// When an article with the same normalised source URL or the same content
	// hash exists in the guild, nothing is written and the existing article is
	// returned with created == false. The returned article carries the final
	// slug. A new article may drop the guild's oldest to stay within
	// MaxArticles. Errors: ECONFLICT (ExactSlug and the slug is taken).
	AddArticle(ctx context.Context, req AddRequest) (a Article, created bool, err error)

	// ReplaceArticle gives the article with req.Article.Slug new content and
	// a new brief in one atomic step, keeping its id, slug and AddedAt.
	// Errors: ENOTFOUND, ECONFLICT (the new URL or text is another article's).
	ReplaceArticle(ctx context.Context, req AddRequest) (Article, error)

	// ArticleBySlug returns the article with that slug. Errors: ENOTFOUND.
	ArticleBySlug(ctx context.Context, guildID, slug string) (Article, error)

	// CachedBrief returns the brief cached for slug when it was built by the
	// summarizer version given; ok is false on a miss (unknown slug, expired
	// or other version). It costs one round trip.
	CachedBrief(ctx context.Context, guildID, slug, version string) (b Brief, ok bool, err error)

	// CacheBrief stores b as the cached brief of its article for ttl.
	CacheBrief(ctx context.Context, b Brief, ttl time.Duration) error

	// FindByTerms lists articles whose index terms include every one of terms,
	// newest first, at most limit.
	FindByTerms(ctx context.Context, guildID string, terms []string, limit int) ([]Listing, error)

	// Suggest answers autocomplete in one round trip: articles whose slug
	// starts with q.SlugPrefix first, in slug order, then those indexed under
	// every one of q.Terms and some term starting with q.TermPrefix, newest
	// first; at most limit.
	Suggest(ctx context.Context, guildID string, q SuggestQuery, limit int) ([]Listing, error)

	// Recent lists articles newest first, skipping offset, at most limit, and
	// the guild's total number of articles.
	Recent(ctx context.Context, guildID string, offset, limit int) (ls []Listing, total int, err error)

	// RemoveArticle deletes the article with that slug, its brief and its
	// index entries atomically and returns what was removed. Errors: ENOTFOUND.
	RemoveArticle(ctx context.Context, guildID, slug string) (Article, error)
}
