package briefs

import (
	"fmt"
	"strings"
	"time"
	_ "time/tzdata" // IANA names must resolve on hosts without a zoneinfo database

	"github.com/robfig/cron/v3"
)

// Digest sizes: how many briefs one digest message shows.
const (
	DefaultDigestSize = 5
	MinDigestSize     = 1
	MaxDigestSize     = 10
)

// maxCronLen bounds a cron expression; the longest useful one is far shorter.
const maxCronLen = 120

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
	// Cursor is the added-at time of the newest brief a digest of the
	// channel covered; zero before the first digest.
	Cursor time.Time `json:"-"`
	// LastSlot is the latest scheduled slot that was handled (posted, or
	// found empty); zero before the first.
	LastSlot time.Time `json:"-"`
	// LastMessageID is the id of the last digest message posted.
	LastMessageID string `json:"-"`
}

// Validate checks what an admin chose: guild and channel present, a cron
// expression that fires, a known timezone, a size in range (0 is read as
// DefaultDigestSize). Errors: EINVALID.
func (s Schedule) Validate() error {
	if strings.TrimSpace(s.GuildID) == "" {
		return Errorf(EINVALID, "Digests belong to a server; no server was given.")
	}
	if strings.TrimSpace(s.ChannelID) == "" {
		return Errorf(EINVALID, "Name the channel the digest goes to.")
	}
	if _, err := ParseCron(s.Cron, s.Timezone); err != nil {
		return err
	}
	if _, err := DigestSize(s.Size); err != nil {
		return err
	}
	return nil
}

// Spec returns the schedule's parsed cron expression. Errors: EINVALID.
func (s Schedule) Spec() (*CronSpec, error) { return ParseCron(s.Cron, s.Timezone) }

// DigestSize checks a digest size: 0 (not given) is DefaultDigestSize, and
// anything else must lie in MinDigestSize..MaxDigestSize. Errors: EINVALID.
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
		return nil, Errorf(EINVALID, "%q is not a timezone name; use an IANA name such as Europe/Berlin, America/New_York or UTC.", truncateRunes(name, 64))
	}
	loc, err := time.LoadLocation(name)
	if err != nil {
		return nil, Errorf(EINVALID, "Unknown timezone %q; use an IANA name such as Europe/Berlin, America/New_York or UTC (names are case-sensitive).", name)
	}
	return loc, nil
}

// CronSpec is a parsed cron expression in a timezone. It implements
// robfig/cron's Schedule interface.
//
// Daylight-saving changes neither skip nor double a run. Expressions that
// fire in every hour of the day (* * * * *, */15 * * * *, @hourly) follow
// real time: in the hour that repeats in autumn they fire in both passes,
// since both are real hours. Expressions fixed to certain hours (0 8 * * *,
// @daily) follow the wall clock and fire once per matching wall-clock time:
// a time that falls into the spring gap fires at the moment the clocks jump
// (02:30 in Europe/Berlin becomes 03:00 CEST), and a time that occurs twice
// in autumn fires at its first occurrence only.
type CronSpec struct {
	expr string
	loc  *time.Location
	// abs follows real time (robfig's own stepping) in loc; wall steps
	// through wall-clock times (loc's fields read as UTC).
	abs, wall *cron.SpecSchedule
	allHours  bool
}

// ParseCron parses a standard five-field cron expression (minute hour
// day-of-month month day-of-week, with names, ranges, steps and lists) or a
// descriptor (@yearly, @annually, @monthly, @weekly, @daily, @midnight,
// @hourly), read in the IANA timezone tz ("" is UTC). @every is refused:
// digests follow the clock, so that every instance of the bot computes the
// same slots. The timezone goes in tz, not in a CRON_TZ= prefix.
// Errors: EINVALID, with a message for the admin who typed it.
func ParseCron(expr, tz string) (*CronSpec, error) {
	expr = strings.Join(strings.Fields(expr), " ")
	switch {
	case expr == "":
		return nil, Errorf(EINVALID, "Give a cron expression, such as `0 8 * * *` (08:00 every day), `0 8 * * 1-5` (weekdays) or @daily.")
	case len(expr) > maxCronLen:
		return nil, Errorf(EINVALID, "That cron expression is too long (%d characters; at most %d).", len(expr), maxCronLen)
	case strings.HasPrefix(expr, "TZ=") || strings.HasPrefix(expr, "CRON_TZ="):
		return nil, Errorf(EINVALID, "Put the timezone in the timezone option (e.g. timezone:Europe/Berlin), not in the cron expression.")
	case strings.HasPrefix(expr, "@every"):
		return nil, Errorf(EINVALID, "@every is not supported: digests follow the clock. Use five fields instead, e.g. `0 */2 * * *` for every two hours.")
	}
	loc, err := LoadTimezone(tz)
	if err != nil {
		return nil, err
	}
	parsed, err := parseStandard(expr)
	if err != nil {
		return nil, Errorf(EINVALID, "`%s` is not a valid cron expression: %s. Use five fields — minute hour day-of-month month day-of-week — e.g. `0 8 * * 1-5`, or @hourly, @daily, @weekly, @monthly.", expr, cronReason(err))
	}
	spec, ok := parsed.(*cron.SpecSchedule)
	if !ok {
		return nil, Errorf(EINVALID, "`%s` is not supported; use five fields or @hourly, @daily, @weekly, @monthly, @yearly.", expr)
	}
	abs, wall := *spec, *spec
	abs.Location, wall.Location = loc, time.UTC
	const every24 = 1<<24 - 1
	c := &CronSpec{expr: expr, loc: loc, abs: &abs, wall: &wall, allHours: spec.Hour&every24 == every24}
	// robfig looks five years ahead; from a leap day's year, Feb 29 is found.
	if c.Next(time.Date(2000, 1, 1, 0, 0, 0, 0, loc)).IsZero() {
		return nil, Errorf(EINVALID, "`%s` never fires (no such date); check the day and month fields.", expr)
	}
	return c, nil
}

// parseStandard is robfig's standard parser, which has been known to panic
// on odd input.
func parseStandard(expr string) (s cron.Schedule, err error) {
	defer func() {
		if p := recover(); p != nil {
			s, err = nil, fmt.Errorf("cannot read it")
		}
	}()
	return cron.ParseStandard(expr)
}

// cronReason shortens the parser's error for a person.
func cronReason(err error) string {
	msg := err.Error()
	if i := strings.Index(msg, ": ["); i > 0 { // "expected exactly 5 fields, found 6: [...]"
		msg = msg[:i]
	}
	return truncateRunes(msg, 200)
}

// String returns the expression as parsed.
func (c *CronSpec) String() string { return c.expr }

// Location is the timezone the expression is read in.
func (c *CronSpec) Location() *time.Location { return c.loc }

// Next returns the first run strictly after t, in the spec's timezone; the
// zero time when there is none within five years.
func (c *CronSpec) Next(t time.Time) time.Time {
	if c.allHours {
		if n := c.abs.Next(t); !n.IsZero() {
			return n.In(c.loc)
		}
		return time.Time{}
	}
	w := wallClock(t.In(c.loc))
	for range 1000 {
		nw := c.wall.Next(w)
		if nw.IsZero() {
			return time.Time{}
		}
		if at := firstInstant(nw, c.loc); at.After(t) {
			return at.In(c.loc)
		}
		// The wall time came round again in autumn's repeated hour: its
		// first occurrence has passed already.
		w = nw
	}
	return time.Time{}
}

// NextN returns the next n runs after t.
func (c *CronSpec) NextN(t time.Time, n int) []time.Time {
	out := make([]time.Time, 0, n)
	for range n {
		t = c.Next(t)
		if t.IsZero() {
			break
		}
		out = append(out, t)
	}
	return out
}

// wallClock returns t's wall-clock fields as a UTC time, in which there is
// no daylight saving to skip or repeat an hour.
func wallClock(t time.Time) time.Time {
	return time.Date(t.Year(), t.Month(), t.Day(), t.Hour(), t.Minute(), t.Second(), t.Nanosecond(), time.UTC)
}

// firstInstant is the earliest instant at which loc's clocks show the wall
// time w (given as UTC fields); for a wall time in a spring gap, the instant
// the clocks jump.
func firstInstant(w time.Time, loc *time.Location) time.Time {
	d := time.Date(w.Year(), w.Month(), w.Day(), w.Hour(), w.Minute(), w.Second(), w.Nanosecond(), loc)
	switch got := wallClock(d); {
	case got.After(w): // normalised forward, past the gap: the jump is where d's zone starts
		start, _ := d.ZoneBounds()
		return start
	case got.Before(w): // normalised backward, before the gap: the jump is where d's zone ends
		_, end := d.ZoneBounds()
		return end
	}
	// A wall time that exists: if the zone before d's had a larger offset,
	// the same wall time may have occurred once already.
	start, _ := d.ZoneBounds()
	if start.IsZero() {
		return d
	}
	_, off := d.Zone()
	_, prevOff := start.Add(-time.Second).Zone()
	if prevOff > off {
		if e := d.Add(-time.Duration(prevOff-off) * time.Second); e.Before(start) && wallClock(e).Equal(w) {
			return e
		}
	}
	return d
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
	// Cursor is the cursor after this digest: the added-at time of the
	// newest brief, or Since when there is nothing new.
	Cursor time.Time
}

// DigestItem is one article of a digest: its listing and, when the store
// holds one built by the current summarizer, its brief.
type DigestItem struct {
	Listing Listing
	Brief   *Brief
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
