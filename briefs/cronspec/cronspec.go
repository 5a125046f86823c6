// Package cronspec parses the cron expressions of digest schedules
// (briefs.Schedule) and computes their runs in the schedule's timezone,
// daylight-saving changes included. It wraps github.com/robfig/cron/v3, which
// package briefs may not import.
package cronspec

import (
	"fmt"
	"strings"
	"time"

	"github.com/robfig/cron/v3"

	"briefbot/briefs"
)

// maxCronLen bounds a cron expression; the longest useful one is far shorter.
const maxCronLen = 120

// Spec implements robfig/cron's Schedule interface.
var _ cron.Schedule = (*Spec)(nil)

// ForSchedule returns the schedule's parsed cron expression, read in its
// timezone. Errors: briefs.EINVALID.
func ForSchedule(s briefs.Schedule) (*Spec, error) { return Parse(s.Cron, s.Timezone) }

// ValidSchedule is a digest schedule whose every field an admin chose has
// been checked, its cron expression parsed in its timezone. NewSchedule is
// the only way to get one, so code that takes a ValidSchedule (the store's
// write of a schedule, the bot's port to it) cannot be handed one that
// skipped a check. (The zero ValidSchedule, which any package can write,
// holds no schedule: Spec is nil.)
type ValidSchedule struct {
	s    briefs.Schedule
	spec *Spec
}

// NewSchedule checks everything an admin chose for a schedule, in the order
// an admin's mistakes are reported: guild and channel present, the size,
// then the cron expression and its timezone (see Parse). It is the one
// place a schedule is checked; the cron expression needs a parser that
// package briefs may not import, which is why the check lives here. The
// schedule it holds is normalised: runs of spaces in the expression folded,
// a zero size made briefs.DefaultDigestSize and an empty timezone "UTC".
// Errors: briefs.EINVALID.
func NewSchedule(s briefs.Schedule) (ValidSchedule, error) {
	if strings.TrimSpace(s.GuildID) == "" {
		return ValidSchedule{}, briefs.Errorf(briefs.EINVALID, "Digests belong to a server; no server was given.")
	}
	if strings.TrimSpace(s.ChannelID) == "" {
		return ValidSchedule{}, briefs.Errorf(briefs.EINVALID, "Name the channel the digest goes to.")
	}
	size, err := briefs.DigestSize(s.Size)
	if err != nil {
		return ValidSchedule{}, err
	}
	spec, err := ForSchedule(s)
	if err != nil {
		return ValidSchedule{}, err
	}
	s.Cron = spec.String()
	s.Size = size
	if s.Timezone == "" {
		s.Timezone = "UTC"
	}
	return ValidSchedule{s: s, spec: spec}, nil
}

// Schedule returns the checked, normalised schedule.
func (v ValidSchedule) Schedule() briefs.Schedule { return v.s }

// Spec returns the schedule's parsed cron expression.
func (v ValidSchedule) Spec() *Spec { return v.spec }

// Spec is a parsed cron expression in a timezone. It implements
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
type Spec struct {
	expr string
	loc  *time.Location
	// abs follows real time (robfig's own stepping) in loc; wall steps
	// through wall-clock times (loc's fields read as UTC).
	abs, wall *cron.SpecSchedule
	allHours  bool
}

// Parse parses a standard five-field cron expression (minute hour
// day-of-month month day-of-week, with names, ranges, steps and lists) or a
// descriptor (@yearly, @annually, @monthly, @weekly, @daily, @midnight,
// @hourly), read in the IANA timezone tz ("" is UTC). @every is refused:
// digests follow the clock, so that every instance of the bot computes the
// same slots. The timezone goes in tz, not in a CRON_TZ= prefix.
// Errors: briefs.EINVALID (a *briefs.Error), with a message for the admin
// who typed it.
func Parse(expr, tz string) (*Spec, error) {
	expr = strings.Join(strings.Fields(expr), " ")
	switch {
	case expr == "":
		return nil, briefs.Errorf(briefs.EINVALID, "Give a cron expression, such as `0 8 * * *` (08:00 every day), `0 8 * * 1-5` (weekdays) or @daily.")
	case len(expr) > maxCronLen:
		return nil, briefs.Errorf(briefs.EINVALID, "That cron expression is too long (%d characters; at most %d).", len(expr), maxCronLen)
	case strings.HasPrefix(expr, "TZ=") || strings.HasPrefix(expr, "CRON_TZ="):
		return nil, briefs.Errorf(briefs.EINVALID, "Put the timezone in the timezone option (e.g. timezone:Europe/Berlin), not in the cron expression.")
	case strings.HasPrefix(expr, "@every"):
		return nil, briefs.Errorf(briefs.EINVALID, "@every is not supported: digests follow the clock. Use five fields instead, e.g. `0 */2 * * *` for every two hours.")
	}
	loc, err := briefs.LoadTimezone(tz)
	if err != nil {
		return nil, err
	}
	parsed, err := parseStandard(expr)
	if err != nil {
		return nil, briefs.Errorf(briefs.EINVALID, "`%s` is not a valid cron expression: %s. Use five fields — minute hour day-of-month month day-of-week — e.g. `0 8 * * 1-5`, or @hourly, @daily, @weekly, @monthly.", expr, cronReason(err))
	}
	spec, ok := parsed.(*cron.SpecSchedule)
	if !ok {
		return nil, briefs.Errorf(briefs.EINVALID, "`%s` is not supported; use five fields or @hourly, @daily, @weekly, @monthly, @yearly.", expr)
	}
	abs, wall := *spec, *spec
	abs.Location, wall.Location = loc, time.UTC
	const every24 = 1<<24 - 1
	c := &Spec{expr: expr, loc: loc, abs: &abs, wall: &wall, allHours: spec.Hour&every24 == every24}
	// robfig looks five years ahead; from a leap day's year, Feb 29 is found.
	if c.Next(time.Date(2000, 1, 1, 0, 0, 0, 0, loc)).IsZero() {
		return nil, briefs.Errorf(briefs.EINVALID, "`%s` never fires (no such date); check the day and month fields.", expr)
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
	return briefs.Truncate(msg, 200)
}

// String returns the expression as parsed.
func (c *Spec) String() string { return c.expr }

// Location is the timezone the expression is read in.
func (c *Spec) Location() *time.Location { return c.loc }

// Next returns the first run strictly after t, in the spec's timezone; the
// zero time when there is none within five years.
func (c *Spec) Next(t time.Time) time.Time {
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
func (c *Spec) NextN(t time.Time, n int) []time.Time {
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

// intervalRuns is how many upcoming runs CheckInterval looks at: more than a
// day's worth of runs at any allowed interval of 15 minutes or more.
const intervalRuns = 100

// minGap returns the shortest time between two consecutive runs among the
// next n runs after t; 0 when there are fewer than two.
func (c *Spec) minGap(t time.Time, n int) time.Duration {
	runs := c.NextN(t, n)
	var gap time.Duration
	for i := 1; i < len(runs); i++ {
		if d := runs[i].Sub(runs[i-1]); gap == 0 || d < gap {
			gap = d
		}
	}
	return gap
}

// CheckInterval refuses a schedule two of whose next runs after now are
// closer than least (MIN_DIGEST_INTERVAL), so that no guild's digests keep
// the poster busy for everyone. least <= 0 allows any. It takes a
// ValidSchedule so that the expression is parsed once, by NewSchedule.
// Errors: briefs.EINVALID (the interval, or a zero ValidSchedule).
func CheckInterval(v ValidSchedule, least time.Duration, now time.Time) error {
	if least <= 0 {
		return nil
	}
	spec := v.Spec()
	if spec == nil {
		return briefs.Errorf(briefs.EINVALID, "the schedule was not checked")
	}
	if gap := spec.minGap(now, intervalRuns); gap > 0 && gap < least {
		return briefs.Errorf(briefs.EINVALID, "`%s` would post a digest every %s; digests may run at most every %s (%s). Choose fewer runs, e.g. `0 * * * *` (hourly) or `0 8 * * *` (daily).", spec.String(), humanDuration(gap), humanDuration(least), briefs.SettingMinDigestInterval)
	}
	return nil
}

// humanDuration prints whole hours or minutes as words ("15 minutes",
// "1 hour"), anything else as Go does.
func humanDuration(d time.Duration) string {
	unit := func(n int64, one string) string {
		if n == 1 {
			return "1 " + one
		}
		return fmt.Sprintf("%d %ss", n, one)
	}
	switch {
	case d >= time.Hour && d%time.Hour == 0:
		return unit(int64(d/time.Hour), "hour")
	case d >= time.Minute && d%time.Minute == 0:
		return unit(int64(d/time.Minute), "minute")
	}
	return d.String()
}
