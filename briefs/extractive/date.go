package extractive

import (
	"regexp"
	"strings"
	"time"
)

// parseDate reads the date of a date line. Zone abbreviations that Go cannot
// resolve on its own ("CDT") are mapped to their offsets.
func parseDate(ln string) time.Time {
	s := ln
	if i := strings.IndexByte(s, '|'); i >= 0 {
		s = s[:i]
	}
	lower := strings.ToLower(s)
	for _, p := range [...]string{"last updated", "first published", "last modified", "posted", "published", "updated"} {
		if strings.HasPrefix(lower, p) {
			s = s[len(p):]
			break
		}
	}
	s = strings.Trim(s, " :.")
	s = strings.TrimPrefix(s, "on ")
	s = strings.TrimPrefix(s, ". ")
	s = dateSpelling.Replace(s)
	s = strings.TrimSpace(s)
	if s == "" {
		return time.Time{}
	}
	for _, layout := range dateLayouts {
		if t, err := time.Parse(layout, s); err == nil {
			return fixZone(t)
		}
	}
	// A date somewhere in the line: "1234 GMT (2034 HKT) April 5, 2015".
	if m := dateInLine.FindString(s); m != "" {
		m = strings.ReplaceAll(m, ",", "")
		for _, layout := range [...]string{"January 2 2006", "Jan 2 2006", "2 January 2006", "2 Jan 2006"} {
			if t, err := time.Parse(layout, m); err == nil {
				return t
			}
		}
	}
	return time.Time{}
}

// dateSpelling brings date lines to the spelling of the Go layouts.
var dateSpelling = strings.NewReplacer("a.m.", "AM", "p.m.", "PM", " am ", " AM ", " pm ", " PM ", "Sept.", "Sep", ".", "", " at ", " ")

var dateLayouts = [...]string{
	"Jan 2, 2006 3:04 PM MST", "Jan 2, 2006 3:04 PM", "Jan 2, 2006, 3:04 PM MST", "Jan 2, 2006",
	"January 2, 2006 3:04 PM MST", "January 2, 2006, 3:04 PM MST", "January 2, 2006 3:04 PM", "January 2, 2006",
	"Monday, January 2, 2006 3:04 PM MST", "Monday, January 2, 2006", "Mon, Jan 2, 2006",
	"15:04 MST, 2 January 2006", "15:04 MST, 2 Jan 2006", "2 January 2006 15:04 MST", "2 January 2006",
	"Mon 2 Jan 2006 1504 MST", "2 Jan 2006", "2006-01-02T15:04:05Z07:00", "2006-01-02 15:04", "2006-01-02",
	"01/02/2006 3:04 PM MST", "01/02/2006",
}

var dateInLine = regexp.MustCompile(`(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)[a-z]* \d{1,2},? \d{4}|\d{1,2} (?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)[a-z]* \d{4}`)

// zoneOffsets resolves the zone abbreviations that news sites print, in
// minutes east of UTC.
var zoneOffsets = map[string]int{
	"UTC": 0, "GMT": 0, "BST": 60, "CET": 60, "CEST": 120, "EET": 120, "EEST": 180, "MSK": 180,
	"IST": 330, "HKT": 480, "JST": 540, "KST": 540, "AEST": 600, "AEDT": 660,
	"EST": -300, "EDT": -240, "CST": -360, "CDT": -300, "MST": -420, "MDT": -360,
	"PST": -480, "PDT": -420, "ET": -300, "CT": -360, "PT": -480,
}

// fixZone gives a time parsed with an unknown zone abbreviation (Go records
// those with offset zero) its real offset, keeping the wall clock.
func fixZone(t time.Time) time.Time {
	name, off := t.Zone()
	if off != 0 || name == "" || name == "UTC" {
		return t
	}
	if m, ok := zoneOffsets[name]; ok {
		return time.Date(t.Year(), t.Month(), t.Day(), t.Hour(), t.Minute(), t.Second(), 0, time.FixedZone(name, m*60))
	}
	return t
}
