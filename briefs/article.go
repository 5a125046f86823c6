package briefs

import (
	"time"
)

// Article is a news article as an admin added it. Articles are the source of
// truth: a Brief can always be rebuilt from its Article.
type Article struct {
	ID          string    `json:"id"`       // stable id: derived from the content hash
	GuildID     string    `json:"guild_id"` // every article belongs to exactly one guild
	Slug        string    `json:"slug"`     // unique per guild, lower-case ASCII with hyphens
	Title       string    `json:"title"`    // the headline, given or detected
	Text        string    `json:"text"`     // the text as added; cleaning happens when summarizing
	SourceURL   string    `json:"source_url,omitempty"`
	Site        string    `json:"site,omitempty"`
	Byline      string    `json:"byline,omitempty"`
	PublishedAt time.Time `json:"published_at,omitzero"`
	ImageURL    string    `json:"image_url,omitempty"` // the page's lead image (absolute http or https), shown as the brief's thumbnail
	Lang        string    `json:"lang,omitempty"`      // ISO 639-1 code of the article's language, as the summarizer detected it
	ContentHash string    `json:"content_hash"`        // hex sha256 of the normalised text; the dedup key for pasted text
	AddedBy     string    `json:"added_by,omitempty"`  // user id of the admin who added it
	AddedAt     time.Time `json:"added_at"`
}

// Brief is the short form of an Article that users read. Briefs are a cache:
// they carry the summarizer version that built them, so a brief made by an
// older summarizer is rebuilt rather than served.
type Brief struct {
	ArticleID      string    `json:"article_id"`
	GuildID        string    `json:"guild_id"`
	Slug           string    `json:"slug"`
	Title          string    `json:"title"`   // <= 256 characters
	Gist           string    `json:"gist"`    // one sentence, <= 300 characters
	Bullets        []string  `json:"bullets"` // 3-5 key points in article order, each <= 300 characters
	SourceURL      string    `json:"source_url,omitempty"`
	Site           string    `json:"site,omitempty"`
	Byline         string    `json:"byline,omitempty"`
	PublishedAt    time.Time `json:"published_at,omitzero"`
	ImageURL       string    `json:"image_url,omitempty"` // the article's lead image, absolute http or https
	ReadingMinutes int       `json:"reading_minutes"`
	Entities       []string  `json:"entities,omitempty"` // people, places, organisations as written, most mentioned first
	Lang           string    `json:"lang,omitempty"`     // ISO 639-1 code of the article's language, when detected
	Summarizer     string    `json:"summarizer"`         // name/version of the summarizer that wrote it, and what became of a language model's answer
	// Version is the brief cache's version when it differs from Summarizer
	// (a language model's brief, or the extractive one standing in for it);
	// see CacheVersion.
	Version   string    `json:"version,omitempty"`
	CreatedAt time.Time `json:"created_at"`
}

// CacheVersion is the version the brief is cached and looked up under: the
// summarizing set-up that made it (Version), or, when that is the
// summarizer alone, Summarizer.
func (b Brief) CacheVersion() string {
	if b.Version != "" {
		return b.Version
	}
	return b.Summarizer
}

// Listing is the small view of an article that lists, search results and
// autocomplete need, read from the store's indexes without loading the text.
type Listing struct {
	ArticleID string    `json:"article_id"`
	Slug      string    `json:"slug"`
	Title     string    `json:"title"`
	Site      string    `json:"site,omitempty"`
	Entities  []string  `json:"entities,omitempty"`
	AddedAt   time.Time `json:"added_at"`
	// StoryOf is the slug of the story's lead when the article joined
	// another's story; StorySources, on a lead, how many outlets its
	// story lists. The store marks listings with them as it reads them.
	StoryOf      string `json:"story_of,omitempty"`
	StorySources int    `json:"story_sources,omitempty"`
}

// Limits that the Brief format promises to its readers (and that Discord's
// embed limits leave room for).
const (
	MaxTitleLen  = 256
	MaxGistLen   = 300
	MaxBulletLen = 300
	MinBullets   = 3
	MaxBullets   = 5
)
