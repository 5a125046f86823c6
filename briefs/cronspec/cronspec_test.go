package cronspec_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/robfig/cron/v3"

	"briefbot/briefs"
	"briefbot/briefs/cronspec"
)

func TestParseValid(t *testing.T) {
	for _, expr := range []string{
		"* * * * *",
		"0 8 * * *",
		"0 8 * * 1-5",
		"*/15 9-17 * * mon-fri",
		"30 6 1,15 * *",
		"0 0 29 2 *", // leap days only
		"  0   8 * *   * ",
		"0 8 * jan,jul sun",
		"0 8 * * ?",
		"@hourly", "@daily", "@midnight", "@weekly", "@monthly", "@yearly", "@annually",
	} {
		c, err := cronspec.Parse(expr, "Europe/Berlin")
		if err != nil {
			t.Errorf("Parse(%q) = %v", expr, err)
			continue
		}
		if c.String() != strings.Join(strings.Fields(expr), " ") {
			t.Errorf("Parse(%q).String() = %q", expr, c.String())
		}
	}
}

func TestParseInvalid(t *testing.T) {
	for _, tc := range []struct{ expr, want string }{
		{"", "Give a cron expression"},
		{"   ", "Give a cron expression"},
		{"* * * *", "expected exactly 5 fields, found 4"},
		{"0 * * * * *", "expected exactly 5 fields, found 6"},
		{"60 * * * *", "not a valid cron expression"},
		{"* 24 * * *", "not a valid cron expression"},
		{"* * 0 * *", "not a valid cron expression"},
		{"* * * 13 *", "not a valid cron expression"},
		{"* * * * 8", "not a valid cron expression"},
		{"*/0 * * * *", "not a valid cron expression"},
		{"5-1 * * * *", "not a valid cron expression"},
		{"a b c d e", "not a valid cron expression"},
		{"@fortnightly", "not a valid cron expression"},
		{"@every 1h", "@every is not supported"},
		{"CRON_TZ=Europe/Berlin 0 8 * * *", "timezone option"},
		{"TZ=UTC", "timezone option"},
		{"0 0 30 2 *", "never fires"},
		{"0 0 31 4 *", "never fires"},
		{strings.Repeat("1,", 80) + "1 * * * *", "too long"},
	} {
		_, err := cronspec.Parse(tc.expr, "UTC")
		if briefs.ErrorCode(err) != briefs.EINVALID {
			t.Errorf("Parse(%q) = %v; want EINVALID", tc.expr, err)
			continue
		}
		if msg := briefs.ErrorMessage(err); !strings.Contains(msg, tc.want) {
			t.Errorf("Parse(%q) message %q; want it to contain %q", tc.expr, msg, tc.want)
		}
	}
}

// TestParseUnknownZone: the timezone is checked with briefs.LoadTimezone.
func TestParseUnknownZone(t *testing.T) {
	if _, err := cronspec.Parse("@daily", "Mars/Olympus"); briefs.ErrorCode(err) != briefs.EINVALID ||
		!strings.Contains(briefs.ErrorMessage(err), `Unknown timezone "Mars/Olympus"`) {
		t.Errorf("Parse with an unknown zone = %v", err)
	}
}

// TestValidate: cronspec.NewSchedule refuses a missing guild or channel, an
// unknown timezone, a size out of range, and a cron expression that does not
// parse or never fires.
func TestValidate(t *testing.T) {
	ok := briefs.Schedule{GuildID: "g", ChannelID: "c", Cron: "@daily", Timezone: "Europe/Berlin"}
	if _, err := cronspec.NewSchedule(ok); err != nil {
		t.Fatal(err)
	}
	for _, mod := range []func(*briefs.Schedule){
		func(s *briefs.Schedule) { s.GuildID = "" },
		func(s *briefs.Schedule) { s.ChannelID = " " },
		func(s *briefs.Schedule) { s.Cron = "nope" },
		func(s *briefs.Schedule) { s.Cron = "" },
		func(s *briefs.Schedule) { s.Cron = "0 0 30 2 *" },
		func(s *briefs.Schedule) { s.Cron = "@every 1h" },
		func(s *briefs.Schedule) { s.Timezone = "Nowhere/City" },
		func(s *briefs.Schedule) { s.Size = 11 },
	} {
		s := ok
		mod(&s)
		if _, err := cronspec.NewSchedule(s); briefs.ErrorCode(err) != briefs.EINVALID {
			t.Errorf("NewSchedule(%+v) = %v; want EINVALID", s, err)
		}
	}
}

// TestNewScheduleNormalises: the checked schedule is the one the store
// writes, so folding and defaults happen there once.
func TestNewScheduleNormalises(t *testing.T) {
	v, err := cronspec.NewSchedule(briefs.Schedule{GuildID: "g", ChannelID: "c", Cron: " 0  8 * * *"})
	if err != nil {
		t.Fatal(err)
	}
	got := v.Schedule()
	if got.Cron != "0 8 * * *" || got.Size != briefs.DefaultDigestSize || got.Timezone != "UTC" {
		t.Errorf("NewSchedule = %+v; want the folded expression, the default size and UTC", got)
	}
	if v.Spec().String() != got.Cron || v.Spec().Location() != time.UTC {
		t.Errorf("Spec = %q in %v", v.Spec().String(), v.Spec().Location())
	}
}

func TestForSchedule(t *testing.T) {
	c, err := cronspec.ForSchedule(briefs.Schedule{Cron: " 0  8 * * *", Timezone: "America/New_York"})
	if err != nil {
		t.Fatal(err)
	}
	if c.String() != "0 8 * * *" || c.Location().String() != "America/New_York" {
		t.Errorf("ForSchedule = %q in %v", c.String(), c.Location())
	}
	if _, err := cronspec.ForSchedule(briefs.Schedule{Cron: "nope"}); briefs.ErrorCode(err) != briefs.EINVALID {
		t.Errorf("ForSchedule(nope) = %v; want EINVALID", err)
	}
	var _ cron.Schedule = c
}

func mustLoc(t *testing.T, name string) *time.Location {
	t.Helper()
	loc, err := time.LoadLocation(name)
	if err != nil {
		t.Fatal(err)
	}
	return loc
}

// runs lists the runs of expr in tz in [from, to).
func runs(t *testing.T, expr, tz string, from, to time.Time) []time.Time {
	t.Helper()
	c, err := cronspec.Parse(expr, tz)
	if err != nil {
		t.Fatal(err)
	}
	var out []time.Time
	for r := c.Next(from.Add(-time.Nanosecond)); !r.IsZero() && r.Before(to); r = c.Next(r) {
		out = append(out, r)
		if len(out) > 10000 {
			t.Fatal("runaway")
		}
	}
	return out
}

func fmtRuns(rs []time.Time) string {
	var b []string
	for _, r := range rs {
		b = append(b, r.Format("2006-01-02 15:04 MST")+"="+r.UTC().Format("15:04Z"))
	}
	return strings.Join(b, ", ")
}

// TestNextAcrossDST: daily digests neither skip nor double across the
// daylight-saving changes of Europe/Berlin and America/New_York; digests
// that run every hour keep following real time.
func TestNextAcrossDST(t *testing.T) {
	ber, ny := mustLoc(t, "Europe/Berlin"), mustLoc(t, "America/New_York")
	d := func(loc *time.Location, y int, m time.Month, day, h, min int) time.Time {
		return time.Date(y, m, day, h, min, 0, 0, loc)
	}
	for _, tc := range []struct {
		name     string
		expr, tz string
		from, to time.Time
		want     string
	}{
		{
			"Berlin spring: 02:30 falls in the gap and runs when the clocks jump",
			"30 2 * * *", "Europe/Berlin", d(ber, 2025, 3, 29, 0, 0), d(ber, 2025, 4, 1, 0, 0),
			"2025-03-29 02:30 CET=01:30Z, 2025-03-30 03:00 CEST=01:00Z, 2025-03-31 02:30 CEST=00:30Z",
		},
		{
			"Berlin autumn: 02:30 happens twice and runs once",
			"30 2 * * *", "Europe/Berlin", d(ber, 2025, 10, 25, 0, 0), d(ber, 2025, 10, 28, 0, 0),
			"2025-10-25 02:30 CEST=00:30Z, 2025-10-26 02:30 CEST=00:30Z, 2025-10-27 02:30 CET=01:30Z",
		},
		{
			"Berlin: 08:00 stays 08:00 local across both changes",
			"0 8 * * *", "Europe/Berlin", d(ber, 2025, 3, 29, 0, 0), d(ber, 2025, 3, 31, 0, 0),
			"2025-03-29 08:00 CET=07:00Z, 2025-03-30 08:00 CEST=06:00Z",
		},
		{
			"Berlin autumn: 08:00",
			"0 8 * * *", "Europe/Berlin", d(ber, 2025, 10, 25, 0, 0), d(ber, 2025, 10, 27, 0, 0),
			"2025-10-25 08:00 CEST=06:00Z, 2025-10-26 08:00 CET=07:00Z",
		},
		{
			"Berlin spring: both times in the gap make one run",
			"0,30 2 * * *", "Europe/Berlin", d(ber, 2025, 3, 30, 0, 0), d(ber, 2025, 3, 31, 0, 0),
			"2025-03-30 03:00 CEST=01:00Z",
		},
		{
			"Berlin spring: a gap time does not swallow the next hour's run",
			"30 2,3 * * *", "Europe/Berlin", d(ber, 2025, 3, 30, 0, 0), d(ber, 2025, 3, 31, 0, 0),
			"2025-03-30 03:00 CEST=01:00Z, 2025-03-30 03:30 CEST=01:30Z",
		},
		{
			"New York spring: 02:30 falls in the gap and runs at 03:00 EDT",
			"30 2 * * *", "America/New_York", d(ny, 2025, 3, 8, 0, 0), d(ny, 2025, 3, 11, 0, 0),
			"2025-03-08 02:30 EST=07:30Z, 2025-03-09 03:00 EDT=07:00Z, 2025-03-10 02:30 EDT=06:30Z",
		},
		{
			"New York autumn: 01:30 happens twice and runs once",
			"30 1 * * *", "America/New_York", d(ny, 2025, 11, 1, 0, 0), d(ny, 2025, 11, 4, 0, 0),
			"2025-11-01 01:30 EDT=05:30Z, 2025-11-02 01:30 EDT=05:30Z, 2025-11-03 01:30 EST=06:30Z",
		},
		{
			"New York: weekdays at 07:00 across the spring change",
			"0 7 * * 1-5", "America/New_York", d(ny, 2025, 3, 7, 0, 0), d(ny, 2025, 3, 11, 0, 0),
			"2025-03-07 07:00 EST=12:00Z, 2025-03-10 07:00 EDT=11:00Z",
		},
		{
			"New York autumn: hourly runs every real hour, both 01:00s included",
			"0 * * * *", "America/New_York", d(ny, 2025, 11, 2, 0, 0), d(ny, 2025, 11, 2, 3, 0),
			"2025-11-02 00:00 EDT=04:00Z, 2025-11-02 01:00 EDT=05:00Z, 2025-11-02 01:00 EST=06:00Z, 2025-11-02 02:00 EST=07:00Z",
		},
		{
			"Berlin spring: hourly skips the hour that does not exist",
			"30 * * * *", "Europe/Berlin", d(ber, 2025, 3, 30, 0, 0), d(ber, 2025, 3, 30, 5, 0),
			"2025-03-30 00:30 CET=23:30Z, 2025-03-30 01:30 CET=00:30Z, 2025-03-30 03:30 CEST=01:30Z, 2025-03-30 04:30 CEST=02:30Z",
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := fmtRuns(runs(t, tc.expr, tc.tz, tc.from, tc.to)); got != tc.want {
				t.Errorf("%s in %s\n got %s\nwant %s", tc.expr, tc.tz, got, tc.want)
			}
		})
	}
}

// TestDailyOncePerDay: over two years, a daily digest at any time of day
// runs exactly once on every local calendar day, in both zones.
func TestDailyOncePerDay(t *testing.T) {
	for _, tz := range []string{"Europe/Berlin", "America/New_York"} {
		loc := mustLoc(t, tz)
		for _, hm := range [][2]int{{0, 0}, {1, 30}, {2, 0}, {2, 30}, {3, 0}, {8, 0}, {23, 59}} {
			expr := fmt.Sprintf("%d %d * * *", hm[1], hm[0])
			from := time.Date(2024, 1, 1, 0, 0, 0, 0, loc)
			to := time.Date(2026, 1, 1, 0, 0, 0, 0, loc)
			perDay := map[string]int{}
			var prev time.Time
			for _, r := range runs(t, expr, tz, from, to) {
				perDay[r.In(loc).Format("2006-01-02")]++
				if !prev.IsZero() && !r.After(prev) {
					t.Fatalf("%s %s: runs out of order: %v then %v", tz, expr, prev, r)
				}
				prev = r
			}
			days := 0
			for d := from; d.Before(to); d = d.AddDate(0, 0, 1) {
				days++
				if n := perDay[d.Format("2006-01-02")]; n != 1 {
					t.Errorf("%s %q: %d runs on %s", tz, expr, n, d.Format("2006-01-02"))
				}
			}
			if len(perDay) != days {
				t.Errorf("%s %q: runs on %d days; want %d", tz, expr, len(perDay), days)
			}
		}
	}
}

func TestNextN(t *testing.T) {
	c, err := cronspec.Parse("0 8 * * 1-5", "Europe/Berlin")
	if err != nil {
		t.Fatal(err)
	}
	from := time.Date(2025, 6, 6, 9, 0, 0, 0, time.UTC) // a Friday
	got := c.NextN(from, 3)
	want := []string{"Mon 2025-06-09 08:00 CEST", "Tue 2025-06-10 08:00 CEST", "Wed 2025-06-11 08:00 CEST"}
	if len(got) != 3 {
		t.Fatalf("NextN = %v", got)
	}
	for i, g := range got {
		if s := g.Format("Mon 2006-01-02 15:04 MST"); s != want[i] {
			t.Errorf("run %d = %s; want %s", i, s, want[i])
		}
	}
}

func FuzzParse(f *testing.F) {
	for _, s := range []string{"* * * * *", "0 8 * * 1-5", "@daily", "TZ=", "CRON_TZ=x", "*/0 * * * *", "1-60/5 * * * *", "@every 5m"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, expr string) {
		c, err := cronspec.Parse(expr, "Europe/Berlin")
		if err != nil {
			if briefs.ErrorCode(err) != briefs.EINVALID {
				t.Fatalf("Parse(%q) = %v; want EINVALID", expr, err)
			}
			return
		}
		from := time.Date(2025, 3, 30, 0, 0, 0, 0, time.UTC)
		prev := from
		for _, r := range c.NextN(from, 3) {
			if !r.After(prev) {
				t.Fatalf("%q: run %v not after %v", expr, r, prev)
			}
			prev = r
		}
	})
}
