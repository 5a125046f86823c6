package briefs_test

import (
	"strings"
	"testing"

	"briefbot/briefs"
)

func TestLoadTimezone(t *testing.T) {
	for _, tc := range []struct {
		name string
		ok   bool
	}{
		{"", true}, {"UTC", true}, {"Europe/Berlin", true}, {"America/New_York", true},
		{"Asia/Kolkata", true}, {"Australia/Lord_Howe", true}, {"Etc/GMT+5", true},
		{"Local", false}, {"local", false}, {"Mars/Olympus", false}, {"europe/berlin", false},
		{"Europe/../etc/passwd", false}, {"/etc/localtime", false}, {"Europe/Berlin ", true}, {"Not a zone", false},
		{strings.Repeat("A", 80), false},
	} {
		loc, err := briefs.LoadTimezone(tc.name)
		if tc.ok && (err != nil || loc == nil) {
			t.Errorf("LoadTimezone(%q) = %v", tc.name, err)
		}
		if !tc.ok {
			if briefs.ErrorCode(err) != briefs.EINVALID {
				t.Errorf("LoadTimezone(%q) = %v; want EINVALID", tc.name, err)
			} else if msg := briefs.ErrorMessage(err); !strings.Contains(msg, "Europe/Berlin") {
				t.Errorf("LoadTimezone(%q) message %q does not show an example", tc.name, msg)
			}
		}
	}
}

func TestDigestSize(t *testing.T) {
	for _, tc := range []struct{ in, want int }{{0, 5}, {1, 1}, {5, 5}, {10, 10}} {
		if got, err := briefs.DigestSize(tc.in); err != nil || got != tc.want {
			t.Errorf("DigestSize(%d) = %d, %v; want %d", tc.in, got, err, tc.want)
		}
	}
	for _, n := range []int{-1, 11, 100} {
		_, err := briefs.DigestSize(n)
		if briefs.ErrorCode(err) != briefs.EINVALID || !strings.Contains(briefs.ErrorMessage(err), "between 1 and 10") {
			t.Errorf("DigestSize(%d) = %v; want EINVALID between 1 and 10", n, err)
		}
	}
}
