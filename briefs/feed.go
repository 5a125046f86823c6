package briefs

import "time"

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
	GuildID   string        `json:"guild_id"`
	URL       string        `json:"url"`
	ChannelID string        `json:"channel_id,omitempty"` // where its briefs are posted; "" joins no digest
	Title     string        `json:"title,omitempty"`
	Interval  time.Duration `json:"interval"`
	AddedBy   string        `json:"added_by,omitempty"`
	AddedAt   time.Time     `json:"added_at"`

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
