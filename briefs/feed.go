package briefs

import (
	"context"
	"time"
)

// Feed subscriptions: a server follows a news feed, and every new story of
// it becomes a brief.

// Feed polling defaults and bounds.
const (
	DefaultFeedInterval = 15 * time.Minute // how often a feed is polled unless the admin says otherwise
	MinFeedInterval     = 5 * time.Minute  // no feed is polled more often: sites count requests
	DefaultFeedBackfill = 3                // existing items a new subscription brings in
	MaxFeedBackfill     = 10               // never a flood of old items on subscribe
)

// FeedSub is a server's subscription to one feed, with what its poller has
// learned about it. URL is the feed's own address (after discovery from a
// site page), and the subscription's identity within the guild.
type FeedSub struct {
	GuildID   string `json:"guild_id"`
	URL       string `json:"url"`
	ChannelID string `json:"channel_id,omitempty"` // where its briefs are posted; "" joins no digest
	// PostEach: each new brief is posted to ChannelID as it arrives, once,
	// besides joining the digests.
	PostEach bool          `json:"post_each,omitempty"`
	Title    string        `json:"title,omitempty"`
	Interval time.Duration `json:"interval"`
	AddedBy  string        `json:"added_by,omitempty"`
	AddedAt  time.Time     `json:"added_at"`

	Paused      bool      `json:"paused,omitempty"`
	PauseReason string    `json:"pause_reason,omitempty"` // why the poller paused it (repeated failures), for /feed list
	LastOK      time.Time `json:"last_ok,omitzero"`
	LastError   string    `json:"last_error,omitempty"`
	Failures    int       `json:"failures,omitempty"` // failed polls in a row
	NextPoll    time.Time `json:"next_poll,omitzero"`
	Ingested    int       `json:"ingested,omitempty"` // items that became briefs

	// Conditional GET: what the site answered last, sent back so that an
	// unchanged feed costs a 304.
	ETag         string `json:"etag,omitempty"`
	LastModified string `json:"last_modified,omitempty"`
}

// FeedDocument is a feed (or a site's page) as fetched.
type FeedDocument struct {
	URL          string // after redirects
	ContentType  string
	Body         []byte
	NotModified  bool // the site answered 304 to the ETag / Last-Modified sent
	ETag         string
	LastModified string
}

// FeedFetcher downloads a feed or a site's page under the link rules,
// sending etag and lastModified for a conditional GET. A refusal that says
// when to come back implements RetryAfter() time.Duration.
type FeedFetcher func(ctx context.Context, url, etag, lastModified string) (FeedDocument, error)

// ParsedFeed is a feed document read into items, newest first.
type ParsedFeed struct {
	Title string
	Link  string
	Items []FeedItem
}

// FeedItem is one story of a feed. Keys recognise it when the feed sends it
// again: its GUID, its canonical link, or a hash when it has neither; it is
// new only when none of them was seen.
type FeedItem struct {
	Keys      []string
	Link      string
	Title     string
	Published time.Time
	Content   string // the item's own text, used when its page cannot be read
}

// FeedParser reads a feed document fetched from url. Errors: EINVALID.
type FeedParser func(doc []byte, url string) (ParsedFeed, error)

// FeedDiscoverer lists the feeds an HTML page announces.
type FeedDiscoverer func(page []byte, url string) []string

// FeedRef names a subscription: its guild and its feed URL.
type FeedRef struct {
	GuildID string
	URL     string
}

// FeedStore keeps subscriptions and the item keys taken from them, and
// hands each due feed's poll to one instance at a time.
type FeedStore interface {
	PutFeed(ctx context.Context, f FeedSub, most int) error
	Feeds(ctx context.Context, guildID string) ([]FeedSub, error)
	Feed(ctx context.Context, guildID, url string) (FeedSub, error)
	RemoveFeed(ctx context.Context, guildID, url string) error
	DueFeeds(ctx context.Context, now time.Time, limit int) ([]FeedRef, error)
	LeaseFeed(ctx context.Context, guildID, url string, ttl time.Duration) (token string, err error)
	RenewFeed(ctx context.Context, guildID, url, token string, ttl time.Duration) (bool, error)
	ReleaseFeed(ctx context.Context, guildID, url, token string) error
	TakeHostSlot(ctx context.Context, host, token string, most int, ttl time.Duration) (bool, error)
	ReleaseHostSlot(ctx context.Context, host, token string) error
	Unseen(ctx context.Context, guildID string, items [][]string) ([]bool, error)
	MarkSeen(ctx context.Context, guildID string, at time.Time, keys ...string) error
}
