package extractive

import (
	"bytes"
	"strings"
	"unicode"
	"unicode/utf8"
)

// The rules that make a name of a run of capitalised words: what to peel
// off, where to split, what an outlet or a German noun is.

// emit records one run of capitalised words, after peeling what is not part
// of the name and splitting what holds two names. Each step below may
// shorten the run; the run that is left is the name.
func (f *entityFinder) emit(s string, run []span, initial bool) {
	if shouting(s, run) {
		return
	}
	run, initial, afterArticle := f.peelLeading(s, run, initial)
	if len(run) == 0 {
		return
	}
	run, initial = f.dropLeadingTitle(s, run, initial)
	if place, rest, ok := f.splitAtInnerTitle(s, run); ok {
		if len(place) > 0 {
			f.emit(s, place, initial) // "Maryland", not "Superior Court"
		}
		run, initial = rest, false
	}
	run = peelTrailing(run)
	if len(run) == 0 {
		return
	}
	if placeBeforePerson(s, run) {
		f.emit(s, run[:1], initial)
		run, initial = run[1:], false
	}
	if n := len(run); twoNamesSideBySide(s, run) {
		f.emit(s, run[:n-1], initial)
		f.emit(s, run[n-1:], false)
		return
	}
	if onlyModifiers(run) {
		return
	}
	f.record(s, run, initial, afterArticle)
}

// spanIn reports whether word k of run belongs to one of the word sets in set.
func spanIn(run []span, k int, set wordSets) bool { return run[k].sets&set != 0 }

// titleAt reports whether word k of run is a title before a name:
// "President", or a German role noun ("Oberbürgermeisterin Katrin Albers").
func (f *entityFinder) titleAt(s string, run []span, k int) bool {
	return spanIn(run, k, inNameTitles) || f.lang == "de" && germanRole(string(f.low(s[run[k].start:run[k].end])))
}

// shouting reports headline shouting and table headers ("SCORES
// QUARANTINED", "HD THE HOME DEPOT INC"): two or more long words in
// capitals, which are no name.
func shouting(s string, run []span) bool {
	shout := 0
	for k := range run {
		if w := s[run[k].start:run[k].end]; len(w) >= 4 && isAcronym(w) && !strings.Contains(w, ".") {
			shout++
		}
	}
	return shout >= 2
}

// peelLeading drops leading function words ("The"), words that open
// sentences ("According", "Despite") or are used in lower case elsewhere
// ("Officials", "Veteran"), and a German article ("Die Daten"), which it
// reports: a German name after an article is a common noun.
func (f *entityFinder) peelLeading(s string, run []span, initial bool) (_ []span, _, afterArticle bool) {
	for len(run) > 0 {
		ws := run[0].sets
		switch {
		case f.lang == "de" && ws&inGermanArticles != 0:
			afterArticle = true
		case ws&inStopwords != 0 && ws&isNew == 0 || ws&inCommonCaps != 0:
		case initial && len(run) > 1 && (ws&inSentenceOpeners != 0 || f.lower.getBytes(f.low(s[run[0].start:run[0].end])) > 0):
		default:
			return run, initial, afterArticle
		}
		run = run[1:]
		initial = false
	}
	return run, initial, afterArticle
}

// dropLeadingTitle drops the titles in front of a name, after any
// nationality ("Chief Executive Carrie Lam", "President Putin", but not
// "Executive Council"), or the nationality alone before a person
// ("Australian Timothy Weeks").
func (f *entityFinder) dropLeadingTitle(s string, run []span, initial bool) ([]span, bool) {
	k := 0
	for k < len(run)-1 && spanIn(run, k, inCompass) && spanIn(run, k+1, inDemonyms) {
		k++
	}
	for k < len(run)-1 && spanIn(run, k, inDemonyms) {
		k++
	}
	if t := k; t < len(run)-1 && f.titleAt(s, run, t) {
		for t < len(run)-1 && f.titleAt(s, run, t) {
			t++
		}
		if rest := run[t:]; len(rest) > 1 || !spanIn(run, t, inNonPersonWords) || rest[0].sets&inNameConnectors != 0 {
			return f.afterTitle(s, rest), false
		}
	} else if k > 0 && personLike(s, run[k:]) {
		return run[k:], false
	}
	return run, initial
}

// splitAtInnerTitle finds a title inside the run, which starts the name
// (rest); what comes before it is a name of its own (place) when it is a
// place ("Maryland Gov. Wes Moore"), and is dropped otherwise ("Superior
// Court Judge Arnold O. Jones"). ok is false when there is no such title.
// It leaves emitting the place to emit, so that emit is the only function
// that calls itself and the run can stay on the stack.
func (f *entityFinder) splitAtInnerTitle(s string, run []span) (place, rest []span, ok bool) {
	for t := len(run) - 2; t >= 1; t-- {
		// German joins a role to what it belongs to with "von" ("Vorschlag
		// von Oberbürgermeisterin Katrin Albers").
		if f.titleAt(s, run, t) && !f.titleAt(s, run, t-1) &&
			(!spanIn(run, t-1, inNameConnectors) || f.lang == "de" && string(f.low(s[run[t-1].start:run[t-1].end])) == "von") &&
			(personLike(s, run[t+1:]) || t == len(run)-2 && spanIn(run, t, inTrailingTitles)) {
			if spanIn(run, t-1, inCountries) || spanIn(run, t-1, inPlaceWords) || spanIn(run, t-1, inUSStates) {
				place = run[:t]
			}
			rest = run[t+1:]
			for len(rest) > 1 && f.titleAt(s, rest, 0) {
				rest = rest[1:]
			}
			return place, f.afterTitle(s, rest), true
		}
	}
	return nil, run, false
}

// peelTrailing drops trailing verbs, function words, titles and dates
// ("Putin Is" in a title-case line, "South Dakota Gov", "Argus Leader
// Monday").
func peelTrailing(run []span) []span {
	for len(run) > 0 && (spanIn(run, len(run)-1, inTrailingPeel) || len(run) > 1 && spanIn(run, len(run)-1, inTrailingTitles) || len(run) > 2 && spanIn(run, len(run)-1, inDateWords)) {
		run = run[:len(run)-1]
	}
	return run
}

// placeBeforePerson reports a place before a person, the place a single
// word after a preposition ("ambassador to Ukraine Marie Yovanovitch").
func placeBeforePerson(s string, run []span) bool {
	return len(run) >= 3 && spanIn(run, 0, inCountries) && personLike(s, run[1:]) && prepositionBefore(s, run[0].start)
}

// twoNamesSideBySide reports a run that ends in a country after another
// name, two names run together across a lost line break ("Congress
// Syria"): the last word is a name of its own.
func twoNamesSideBySide(s string, run []span) bool {
	n := len(run)
	return n >= 2 && spanIn(run, n-1, inCountries) && !spanIn(run, n-2, inCompass) && !spanIn(run, n-2, inDemonyms) && !spanIn(run, n-2, inNameConnectors) &&
		!spanIn(run, n-2, inCountryLead) && (n == 2 && (spanIn(run, 0, inBodyWords) || spanIn(run, 0, inCountries)) || personLike(s, run[:n-1]))
}

// onlyModifiers reports a run of nationalities, compass points, titles and
// common capitalised words alone ("Russian", "North Korean", "President"):
// no name.
func onlyModifiers(run []span) bool {
	for k := range run {
		if run[k].sets&(inDemonyms|inCompass|inNameTitles|inCommonCaps) == 0 {
			return false
		}
	}
	return true
}

// record counts one mention of the name that run spans: where it stood
// (opening a sentence or not), whether an outlet is the subject rather than
// a source, and, in German, whether an article made it a common noun.
func (f *entityFinder) record(s string, run []span, initial, afterArticle bool) {
	start, end := run[0].start, run[len(run)-1].end
	name := s[start:end]
	if utf8.RuneCountInString(name) < 2 {
		return
	}
	single := len(run) == 1
	idx, ok := f.index[name]
	if !ok {
		idx = len(f.ents)
		f.index[name] = idx
		f.ents = append(f.ents, entity{name: name, first: f.order, words: len(run), initial: true, opener: true, outlet: isOutlet(name)})
		f.order++
	}
	e := &f.ents[idx]
	e.count++
	if !initial {
		e.mid++
	}
	if !(initial && single) {
		e.initial = false
	}
	if !initial || single {
		e.opener = false
	}
	if e.outlet && !e.subject && !citedAt(s, start, end) {
		e.subject = true
	}
	if f.lang == "de" {
		if afterArticle || germanDetBefore(s, start) {
			e.common = true
		} else {
			e.plain++
		}
	}
}

// afterTitle drops the object of a title from the start of a name
// ("Secretary of State Mike Pompeo" -> "Mike Pompeo") and a connector left
// in front ("Officer of Hipcricket" -> "Hipcricket").
func (f *entityFinder) afterTitle(s string, run []span) []span {
	if len(run) == 0 || run[0].sets&inNameConnectors == 0 {
		return run
	}
	// Keep the name at the end: two words, or three with an initial or a
	// particle in the middle ("Richard R. Thornton", "Siem de Jong").
	keep := 2
	if n := len(run); n >= 4 {
		mid := s[run[n-2].start:run[n-2].end]
		if len(mid) <= 3 && (strings.HasSuffix(mid, ".") || nameConnectors[mid]) {
			keep = 3
		}
	}
	if len(run)-1 > keep {
		return run[len(run)-keep:]
	}
	return run[1:]
}

// prepositionBefore reports whether the word before s[start:], or before
// its "the", is a preposition ("ambassador to Ukraine Marie Yovanovitch").
func prepositionBefore(s string, start int) bool {
	before := strings.TrimRight(s[:start], " ")
	w := before[strings.LastIndexByte(before, ' ')+1:]
	if w == "the" { // "ambassador to the Ukraine Marie Yovanovitch"
		before = strings.TrimRight(before[:len(before)-len(w)], " ")
		w = before[strings.LastIndexByte(before, ' ')+1:]
	}
	switch w {
	case "to", "in", "from", "for", "of", "at", "with", "by", "on":
		return true
	}
	return false
}

// personLike reports whether a run reads as a person's full name: two to
// four words, none of which marks a place or an organisation.
func personLike(s string, run []span) bool {
	if len(run) < 2 || len(run) > 4 {
		return false
	}
	return isPersonName(s[run[0].start:run[len(run)-1].end])
}

// citedAt reports whether the mention s[start:end] of an outlet cites it as
// a source ("per Reuters", "told CNN", "reports the New York Times", "CNN's
// Jake Tapper", "(AP)") rather than telling news about it.
func citedAt(s string, start, end int) bool {
	before := strings.TrimRight(s[:start], " ")
	after := s[end:]
	if strings.HasSuffix(before, "(") || strings.HasPrefix(after, ")") {
		return true
	}
	if strings.HasPrefix(after, "'s") || strings.HasPrefix(after, "\u2019s") {
		return true
	}
	// The next word.
	a := strings.TrimLeft(after, ` ,"'`)
	if i := strings.IndexAny(a, " ,.;:"); i >= 0 {
		a = a[:i]
	}
	if citeAfter[strings.ToLower(a)] {
		return true
	}
	// The three words before.
	for range 3 {
		before = strings.TrimRight(before, ` ,"'`)
		i := strings.LastIndexByte(before, ' ')
		w := strings.ToLower(strings.Trim(before[i+1:], `"'(),.:;`))
		if citeBefore[w] {
			return true
		}
		if w != "the" && w != "a" && w != "an" && w != "to" && w != "in" {
			return false
		}
		if i < 0 {
			return false
		}
		before = before[:i]
	}
	return false
}

// isOutlet reports whether name is a news outlet: a known one, or a name
// ending in a masthead word ("Los Angeles Times", "Pittsburgh
// Post-Gazette").
func isOutlet(name string) bool {
	var buf [64]byte
	if len(name) > len(buf) {
		return false // no outlet's name is that long
	}
	lw := buf[:len(name)]
	for i := 0; i < len(name); i++ {
		c := name[i]
		if c >= 'A' && c <= 'Z' {
			c += 'a' - 'A'
		}
		lw[i] = c // the names are ASCII: other bytes cannot match
	}
	if outlets[string(lw)] {
		return true
	}
	sp := bytes.LastIndexAny(lw, " -")
	if sp < 0 {
		return false
	}
	return mastheads[string(lw[sp+1:])]
}

// germanDetBefore reports whether the word before s[start:] is a German
// article or determiner ("die Patientenakte"), an inflected adjective
// ("elektronische Akten", "viele Befunde") or an article and an adjective
// ("die elektronische Patientenakte").
func germanDetBefore(s string, start int) bool {
	before := strings.TrimRight(s[:start], " ")
	for k := range 2 {
		i := strings.LastIndexByte(before, ' ')
		w := before[i+1:]
		if w == "" || !unicode.IsLower(firstRune(w)) {
			return false
		}
		if germanArticles[strings.ToLower(w)] {
			return true
		}
		if k == 0 && germanAdjective(w) {
			return true
		}
		if k == 1 || i < 0 {
			return false
		}
		before = before[:i]
	}
	return false
}

// germanAdjective guesses that a lower-case German word is an inflected
// adjective ("neue", "digitalen", "großer"): not a past-tense verb ("sagte
// Merkel", "betonten") nor a preposition or adverb ("gegen", "heute").
func germanAdjective(w string) bool {
	if len(w) < 4 || germanNotAdjectives[w] || strings.HasSuffix(w, "te") || strings.HasSuffix(w, "ten") {
		return false
	}
	for _, suf := range []string{"e", "en", "er", "es", "em"} {
		if strings.HasSuffix(w, suf) {
			return true
		}
	}
	return false
}

// germanRole reports whether w, a German word in lower case, names a role
// that stands before a person's name ("oberbürgermeisterin", "trainer",
// "landrat", "vorstandschef").
func germanRole(w string) bool {
	for _, suf := range germanRoleEndings {
		if strings.HasSuffix(w, suf) {
			return true
		}
	}
	return false
}

// germanNoun reports whether a capitalised German word ends like a common
// noun ("Digitalisierung", "Gesundheit", "Qualität").
func germanNoun(w string) bool {
	lw := strings.ToLower(w)
	for _, suf := range germanNounEndings {
		if strings.HasSuffix(lw, suf) && len(lw) > len(suf)+2 {
			return true
		}
	}
	return false
}

// germanNounIn reports whether a word of a multi-word German name ends like
// a common noun ("Herstellung von Interoperabilität") or counts an amount
// ("Millionen Euro").
func germanNounIn(name string) bool {
	for _, w := range strings.Fields(name) {
		if !isAcronym(w) && (germanNoun(w) || germanAmounts[strings.ToLower(w)]) {
			return true
		}
	}
	return false
}
