package extractive

import (
	"strings"
	"unicode"
)

// stripDateline removes the dateline that opens a wire story's sentence:
// "LONDON —", "ZÜRICH —", "WASHINGTON, June 5 —", "Feb. 23, 2015 --",
// "WASHINGTON (Reuters) -", "(CNN) --", "BERLIN (dpa) -". It returns s
// unchanged when s opens otherwise. Only a place in capitals or a date
// before a dash counts, so "Brussels - the city ..." and "Apple - the
// company ..." stay whole.
func stripDateline(s string) string {
	if dl, rest := splitDateline(s); dl != "" {
		return rest
	}
	// The dash: "—", "–", "--" or " - " within the first 60 bytes.
	i, n := -1, 0
	head := s[:min(len(s), 64)] // a dateline is short: look no further
	if !hasDashOrColon(head) {
		return s // none of the separators below
	}
	for _, d := range [...]string{" \u2014", " \u2013", " --", " - ", "\u2014 ", ": "} {
		if k := strings.Index(head, d); k > 0 && k <= 60 && (i < 0 || k < i) {
			i, n = k, len(d)
		}
	}
	if i < 0 {
		return s
	}
	prefix, rest := strings.TrimRight(s[:i], " ,"), strings.TrimLeft(s[i+n:], " -\u2014\u2013")
	if r := firstRune(rest); !unicode.IsUpper(r) && !unicode.IsDigit(r) && !isOpenQuote(r) {
		return s
	}
	if countWords(rest) < 4 {
		return s
	}
	if datelinePlace(prefix) || datelineDate(prefix) {
		return rest
	}
	return s
}

// hasDashOrColon reports whether s holds a "-", a ":" or the lead byte of
// "—" and "–".
func hasDashOrColon(s string) bool {
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case '-', ':', 0xE2:
			return true
		}
	}
	return false
}

// datelinePlace reports whether p is a dateline place: words in capitals
// ("LONDON", "NEW DELHI", "ZÜRICH", "ST. LOUIS"), optionally followed by a
// state or country and a date after commas ("WASHINGTON, D.C.",
// "SAN JOSE, Calif., June 5").
func datelinePlace(p string) bool {
	head, tail, _ := strings.Cut(p, ",")
	head = strings.TrimSpace(head)
	if head == "" || countWords(head) > 4 {
		return false
	}
	letters, lower := 0, false
	for _, r := range head {
		switch {
		case unicode.IsLower(r):
			lower = true
			letters++
		case unicode.IsUpper(r):
			letters++
		case r == ' ' || r == '.' || r == '-' || r == '\'':
		default:
			return false
		}
	}
	if letters < 3 {
		return false
	}
	if lower {
		// "New York, NY", "Washington, DC, United States": a place in
		// ordinary case counts only with its state or country after it.
		if strings.TrimSpace(tail) == "" {
			return false
		}
		for _, w := range strings.Fields(head) {
			if !unicode.IsUpper(firstRune(w)) {
				return false
			}
		}
	}
	// What follows the place: a state, a country, a date; short and capitalised.
	if tail = strings.TrimSpace(tail); tail != "" {
		if countWords(tail) > 5 {
			return false
		}
		for _, w := range strings.Fields(tail) {
			w = strings.Trim(w, ",.")
			if w != "" && !unicode.IsUpper(firstRune(w)) && !isNumber(w) {
				return false
			}
		}
	}
	return true
}

// datelineDate reports whether p is a date as datelines print it:
// "Feb. 23, 2015", "23 February 2015", "June 5", "2015-02-23".
func datelineDate(p string) bool {
	words := strings.Fields(strings.ReplaceAll(p, ",", " "))
	if len(words) == 0 || len(words) > 4 {
		return false
	}
	month, num := false, false
	for _, w := range words {
		lw := strings.ToLower(strings.TrimSuffix(w, "."))
		switch {
		case isNumber(w) || isISODate(w):
			num = true
		case monthAbbrevs[lw] || monthNames[lw] || lw == "may" || lw == "sept":
			month = true
		case weekdayNames[lw]:
		default:
			return false
		}
	}
	return num && (month || len(words) == 1 && isISODate(words[0]))
}

// isISODate matches "2015-02-23".
func isISODate(w string) bool {
	if len(w) != 10 || w[4] != '-' || w[7] != '-' {
		return false
	}
	for i := 0; i < len(w); i++ {
		if i != 4 && i != 7 && (w[i] < '0' || w[i] > '9') {
			return false
		}
	}
	return true
}

var monthNames = setOf("january", "february", "march", "april", "may", "june", "july", "august",
	"september", "october", "november", "december")

var weekdayNames = setOf("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday",
	"mon", "tue", "tues", "wed", "thu", "thur", "thurs", "fri", "sat", "sun")

// stripLeadFurniture removes what page furniture glued to the start of a
// sentence when text was pasted without its line breaks: a dateline
// ("LONDON —"), a photo credit in parentheses ("(Jane Doe/AP) ..."), a
// list bullet and the label before it ("Coverage: • ...").
func stripLeadFurniture(s string) string {
	for range 3 {
		t := stripDateline(s)
		if strings.HasPrefix(t, "(") {
			if j := strings.IndexByte(t, ')'); j > 0 && hasPhotoCredit(t[:j+1]) {
				t = strings.TrimLeft(t[j+1:], " ")
			}
		}
		if i := strings.Index(t[:min(len(t), 48)], "\u2022 "); i >= 0 && i <= 40 && countWords(t[:i]) <= 4 {
			t = t[i+len("\u2022 "):]
		}
		if t == s || countWords(t) < 3 {
			return s
		}
		s = t
	}
	return s
}
