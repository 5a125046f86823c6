package cronspec_test

import (
	"strings"
	"testing"
	"time"

	"briefbot/briefs"
	"briefbot/briefs/cronspec"
)

func TestCheckInterval(t *testing.T) {
	now := time.Date(2026, 3, 4, 10, 7, 0, 0, time.UTC)
	for _, tc := range []struct {
		cron string
		ok   bool
		gap  string // in the refusal
	}{
		{"0 8 * * *", true, ""},
		{"*/15 * * * *", true, ""},
		{"0,15,30,45 9-17 * * 1-5", true, ""},
		{"@hourly", true, ""},
		{"* * * * *", false, "every 1 minute"},
		{"*/5 * * * *", false, "every 5 minutes"},
		{"0,10 8 * * *", false, "every 10 minutes"}, // two runs a day, ten minutes apart
		{"59 23 * * *", true, ""},
		{"0,59 0,23 * * *", false, "every 1 minute"}, // 23:59 then 00:00
		{"0,5 8 1 * *", false, "every 5 minutes"},    // monthly, but two runs close together
	} {
		err := checkInterval(briefs.Schedule{Cron: tc.cron, Timezone: "Europe/Berlin"}, 15*time.Minute, now)
		if tc.ok {
			if err != nil {
				t.Errorf("%q: %v", tc.cron, err)
			}
			continue
		}
		if briefs.ErrorCode(err) != briefs.EINVALID {
			t.Errorf("%q: error %v, want EINVALID", tc.cron, err)
			continue
		}
		msg := briefs.ErrorMessage(err)
		for _, want := range []string{tc.gap, "every 15 minutes", "MIN_DIGEST_INTERVAL"} {
			if !strings.Contains(msg, want) {
				t.Errorf("%q: message %q lacks %q", tc.cron, msg, want)
			}
		}
	}
	if err := checkInterval(briefs.Schedule{Cron: "* * * * *"}, 0, now); err != nil {
		t.Errorf("no minimum: %v", err)
	}
	if err := checkInterval(briefs.Schedule{Cron: "61 * * * *"}, time.Minute, now); briefs.ErrorCode(err) != briefs.EINVALID {
		t.Errorf("bad expression: %v", err)
	}
}

// checkInterval checks s as the bot does: NewSchedule, then CheckInterval.
func checkInterval(s briefs.Schedule, least time.Duration, now time.Time) error {
	s.GuildID, s.ChannelID = "g", "c"
	v, err := cronspec.NewSchedule(s)
	if err != nil {
		return err
	}
	return cronspec.CheckInterval(v, least, now)
}

// TestCheckIntervalUnchecked: the zero ValidSchedule is refused when there
// is a minimum.
func TestCheckIntervalUnchecked(t *testing.T) {
	if err := cronspec.CheckInterval(cronspec.ValidSchedule{}, time.Minute, time.Now()); briefs.ErrorCode(err) != briefs.EINVALID {
		t.Errorf("CheckInterval(zero) = %v; want EINVALID", err)
	}
}
