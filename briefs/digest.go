package briefs

import (
	"fmt"
	"strings"
	"time"
	_ "time/tzdata" // IANA names must resolve on hosts without a zoneinfo database
)

// Digest sizes: how many briefs one digest message shows.
const (
	DefaultDigestSize = 5
	MinDigestSize     = 1
	MaxDigestSize     = 10
)

// Schedule is a channel's digest schedule: when the channel gets a message
// with the briefs added since its last digest.
//
// The first group of fields is what an admin chose; the store keeps them
// together and gives every write a new Rev. The second group is the
// channel's digest state, kept beside the schedule and filled in when the
// store reads it; writing a schedule ignores it (and clears a pause).
type Schedule struct {
	GuildID   string `json:"guild_id"`
	ChannelID string `json:"channel_id"`
	// Cron is the expression as given, with runs of spaces folded: five
	// fields (minute hour day-of-month month day-of-week) or a descriptor
	// such as @daily.
	Cron string `json:"cron"`
	// Timezone is the IANA name the expression is read in.
	Timezone string `json:"timezone"`
	// Size is the most briefs one digest shows (MinDigestSize..MaxDigestSize);
	// more are counted, not shown.
	Size int `json:"size"`
	// PostEmpty posts "nothing new" when no brief was added; by default a
	// slot with nothing new posts nothing.
	PostEmpty bool   `json:"post_empty,omitempty"`
	CreatedBy string `json:"created_by,omitempty"`
	// UpdatedAt is when the schedule was written; slots before it are never
	// caught up.
	UpdatedAt time.Time `json:"updated_at"`
	// Rev identifies this version of the schedule; the store sets it on
	// every write so that a slot computed from an older version is not
	// posted.
	Rev string `json:"rev"`

	// Paused is set when Discord refused a post to the channel (403/404):
	// the schedule stays, but fires no more until it is scheduled again.
	Paused       bool      `json:"-"`
	PausedReason string    `json:"-"`
	PausedAt     time.Time `json:"-"`
	// Cursor is when the store received the newest brief a digest of the
	// channel covered, on the store's clock; zero before the first digest.
	Cursor time.Time `json:"-"`
	// LastSlot is the latest scheduled slot that was handled (posted, or
	// found empty); zero before the first.
	LastSlot time.Time `json:"-"`
	// LastMessageID is the id of the last digest message posted.
	LastMessageID string `json:"-"`
}

// DigestSize checks a digest size: 0 (not given) is DefaultDigestSize, and
// anything else must lie in MinDigestSize..MaxDigestSize. A whole schedule
// is checked by cronspec.NewSchedule, which calls this. Errors: EINVALID.
func DigestSize(n int) (int, error) {
	if n == 0 {
		return DefaultDigestSize, nil
	}
	if n < MinDigestSize || n > MaxDigestSize {
		return 0, Errorf(EINVALID, "The digest size must be between %d and %d briefs; %d is out of range.", MinDigestSize, MaxDigestSize, n)
	}
	return n, nil
}

// LoadTimezone resolves an IANA timezone name such as Europe/Berlin; "" is
// UTC. "Local" is refused: it would mean another zone on every host.
// Errors: EINVALID.
func LoadTimezone(name string) (*time.Location, error) {
	name = strings.TrimSpace(name)
	if name == "" || name == "UTC" {
		return time.UTC, nil
	}
	if strings.EqualFold(name, "local") {
		return nil, Errorf(EINVALID, "Name the timezone, such as Europe/Berlin or America/New_York; %q depends on the machine the bot runs on.", name)
	}
	if len(name) > 64 || strings.ContainsAny(name, " \\") || strings.HasPrefix(name, "/") || strings.Contains(name, "..") {
		return nil, Errorf(EINVALID, "%q is not a timezone name; use an IANA name such as Europe/Berlin, America/New_York or UTC.", Truncate(name, 64))
	}
	loc, err := time.LoadLocation(name)
	if err != nil {
		return nil, Errorf(EINVALID, "Unknown timezone %q; use an IANA name such as Europe/Berlin, America/New_York or UTC (names are case-sensitive).", name)
	}
	return loc, nil
}

// Digest is what one digest message holds: the briefs added to the guild
// since the channel's cursor, newest first.
type Digest struct {
	GuildID   string
	ChannelID string
	// Items are the newest new briefs, at most the schedule's size.
	Items []DigestItem
	// Total counts every brief added since the cursor, shown or not.
	Total int
	// Since is the channel's cursor before this digest (zero: none yet).
	Since time.Time
	// Cursor is the cursor after this digest: when the store received the
	// newest brief, on the store's own clock (never an instance's), or Since
	// when there is nothing new.
	Cursor time.Time
}

// DigestItem is one article of a digest: its listing and, when the store
// holds one built by the current summarizer, its brief. A story of several
// outlets is one item: its best source's listing and brief, and Story.
type DigestItem struct {
	Listing Listing
	Brief   *Brief
	Story   *Story
}

// DigestSlot names one digest post for the exactly-once protocol: a
// scheduled slot of a channel, or an on-demand post.
type DigestSlot struct {
	GuildID   string
	ChannelID string
	// Key identifies the post: the slot's Unix time for scheduled slots,
	// "now-<request id>" for /digest now.
	Key string
	// At is the scheduled time; zero for on-demand posts.
	At time.Time
	// Rev is the revision of the schedule the slot was computed from; the
	// claim fails when the schedule has changed, been removed or paused.
	// "" for on-demand posts, which need no schedule.
	Rev string
	// Size is how many briefs to load at most.
	Size int
	// Version is the summarizer version whose cached briefs to load.
	Version string
}

// SlotKey is the Key of the scheduled slot at t.
func SlotKey(t time.Time) string { return fmt.Sprintf("%d", t.Unix()) }

// ClaimStatus is the outcome of claiming a digest slot.
type ClaimStatus string

// Claim outcomes.
const (
	ClaimTaken  ClaimStatus = "claimed" // the lock is ours: post, then complete
	ClaimDone   ClaimStatus = "done"    // the slot was handled already (its marker exists)
	ClaimBusy   ClaimStatus = "busy"    // another instance holds the slot's lock
	ClaimGone   ClaimStatus = "gone"    // the schedule was removed or changed since the slot was computed
	ClaimPaused ClaimStatus = "paused"  // the schedule is paused
)

// Claim is a claimed digest slot: with ClaimTaken, the lock token to
// complete or release it with and the digest to post.
type Claim struct {
	Slot   DigestSlot
	Status ClaimStatus
	Token  string
	// MessageID is, with ClaimDone, the message the earlier post created
	// ("" when that slot had nothing to post).
	MessageID string
	Digest    Digest
}
