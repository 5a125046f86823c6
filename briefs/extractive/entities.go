package extractive

import (
	"bytes"
	"cmp"
	"slices"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"
)

// Entity finding without a model.
//
// In edited news copy, capitalisation is a strong signal: a run of
// capitalised words in the middle of a sentence is almost always a name
// ("Vladimir Putin", "Far Eastern Federal University"). The weak spots are
// the first word of a sentence (always capitalised), titles and demonyms
// glued to names ("Russian President Vladimir Putin", "Maryland Gov. Wes
// Moore"), two names that meet across a phrase ("ambassador to Ukraine Marie
// Yovanovitch"), title-case lines (every word capitalised), outlets that are
// only cited as sources ("per Reuters") and languages that capitalise every
// noun (German). So: runs are taken from body sentences that are not in
// title case; leading function words, sentence openers, titles and demonyms
// are peeled off; a run that holds a title or a place before a person is
// split; a word capitalised only at the start of sentences, or used in lower
// case elsewhere in the text, is not a name; a single-name mention ("Putin")
// is credited to the full name ("Vladimir Putin") it abbreviates; an outlet
// counts only when the story is about it; headlines and title-case lines
// only add weight to names found in the body.

// MaxEntities is how many entities a briefs.Summary carries.
const MaxEntities = 10

// Entities returns the names in text (people, places, organisations as
// written), most salient first, at most limit.
func Entities(text string, limit int) []string {
	doc := Clean(text)
	return entitiesOf(DetectLanguage(doc.Body), doc.Headlines, Sentences(doc.Body), limit)
}

type entity struct {
	name     string
	count    int
	first    int  // order of first mention
	words    int  // number of words
	mid      int  // mentions not at the start of a sentence
	initial  bool // seen only sentence-initially (not yet confirmed as a name)
	opener   bool // a multi-word name seen only at the start of sentences
	outlet   bool // the name of a news outlet
	subject  bool // mentioned at least once other than as a cited source
	common   bool // seen after an article or adjective (German): a common noun
	plain    int  // mentions not after an article (German)
	headline bool // named in a headline
}

type entityFinder struct {
	index  map[string]int // name -> position in ents
	byEnd  map[string]int // first or last word of a multi-word name -> its position
	lower  countTable     // words written in lower case -> occurrences
	ents   []entity
	order  int
	buf    []byte
	lang   string
	tc     []bool         // per sentence: a title-case line (titleCase)
	keep   []int32        // scratch of entitiesOf: the names that pass
	firsts map[string]int // scratch of dropLabels
	words  []wordAt       // scratch of noteLower
}

// wordSets is a set of bits, one per word set of the name rules below: a
// word's membership in all of them comes from one map look-up.
type wordSets uint32

const (
	inStopwords wordSets = 1 << iota
	inCommonCaps
	inSentenceOpeners
	inCompass
	inDemonyms
	inNameTitles
	inNameConnectors
	inTrailingPeel
	inTrailingTitles
	inDateWords
	inCountries
	inPlaceWords
	inUSStates
	inNonPersonWords
	inCountryLead
	inBodyWords
	inGermanArticles
	isNew // the word "new", a stopword that can start a name
)

// wordSetsOf maps a lower-case word to the sets it belongs to.
var wordSetsOf = func() map[string]wordSets {
	m := map[string]wordSets{"new": isNew}
	for _, s := range []struct {
		set  map[string]bool
		bits wordSets
	}{
		{stopwords, inStopwords}, {commonCaps, inCommonCaps}, {sentenceOpeners, inSentenceOpeners},
		{compass, inCompass}, {demonyms, inDemonyms}, {nameTitles, inNameTitles},
		{nameConnectors, inNameConnectors}, {trailingPeel, inTrailingPeel},
		{trailingTitles, inTrailingTitles}, {dateWords, inDateWords}, {countries, inCountries},
		{placeWords, inPlaceWords}, {usStates, inUSStates}, {nonPersonWords, inNonPersonWords},
		{countryLead, inCountryLead}, {bodyWords, inBodyWords}, {germanArticles, inGermanArticles},
	} {
		for w, ok := range s.set {
			if ok {
				m[w] |= s.bits
			}
		}
	}
	return m
}()

// setsOf returns the word sets that w, lower-cased as by low, belongs to.
// Most capitalised words are names in none of the sets: a filter on length,
// first and last byte turns most of them away before the map.
func (f *entityFinder) setsOf(w string) wordSets {
	b := f.low(w)
	if len(b) > 0 && !setWordShapes.may(b) {
		return 0
	}
	return wordSetsOf[string(b)]
}

// setWordShapes filters the words of wordSetsOf.
var setWordShapes = func() *wordShapes {
	ws := new(wordShapes)
	for w := range wordSetsOf {
		if w != "" {
			ws.add(w)
		}
	}
	return ws
}()

// low lower-cases the ASCII letters of w into the finder's buffer, with a
// trailing "." removed. Index maps with string(f.low(w)): that does not
// allocate.
func (f *entityFinder) low(w string) []byte {
	w = strings.TrimSuffix(w, ".")
	b := f.buf[:0]
	for i := 0; i < len(w); i++ {
		c := w[i]
		if c >= 'A' && c <= 'Z' {
			c += 'a' - 'A'
		}
		b = append(b, c)
	}
	f.buf = b
	return b
}

var entityPool = sync.Pool{New: func() any {
	return &entityFinder{index: make(map[string]int, 64), byEnd: make(map[string]int, 64)}
}}

// entitiesOf finds entities in body sentences, written in language lang
// ("en", "de", ...; "" when unknown), and weighs them by the headlines.
func entitiesOf(lang string, headlines, sents []string, limit int) []string {
	f := entityPool.Get().(*entityFinder)
	defer func() {
		clear(f.index)
		clear(f.byEnd)
		f.lower.reset()
		clear(f.ents) // drop references to the article text
		f.ents = f.ents[:0]
		f.order = 0
		entityPool.Put(f)
	}()
	f.lang = lang
	f.noteLower(headlines, sents)
	f.tc = slices.Grow(f.tc[:0], len(sents))[:len(sents)]
	for i, s := range sents {
		if f.tc[i] = titleCase(s); !f.tc[i] {
			f.scan(s)
		}
	}
	f.dropLabels()
	f.dropOpeners(sents)
	f.dropCommon()
	f.merge()
	for _, h := range headlines {
		f.boost(h)
	}
	for i, s := range sents {
		if f.tc[i] {
			f.boost(s)
		}
	}
	foreign := lang != "" && lang != "en"
	// The names that pass, as indices into f.ents: sorting those moves no
	// entity.
	keep := f.keep[:0]
	for i := range f.ents {
		e := &f.ents[i]
		switch {
		case e.count <= 0 || e.initial:
		case e.outlet && !e.subject && !e.headline:
			// Only cited as a source ("per Reuters", "told CNN").
		case foreign && e.opener:
			// Only ever at the start of a sentence: in most languages
			// other than English that is no evidence of a name.
		case lang == "de" && e.words == 1 && !isAcronym(e.name) && (e.common || e.count < 2 && !e.headline || germanNoun(e.name)),
			lang == "de" && e.words > 1 && (e.plain == 0 || germanNounIn(e.name)):
			// German capitalises every noun: a single word needs to be
			// repeated or in the headline, and never after an article.
		default:
			keep = append(keep, int32(i))
		}
	}
	slices.SortStableFunc(keep, func(i, j int32) int {
		a, b := &f.ents[i], &f.ents[j]
		if c := cmp.Compare(b.count, a.count); c != 0 {
			return c
		}
		return cmp.Compare(a.first, b.first)
	})
	if len(keep) > limit {
		keep = keep[:max(limit, 0)]
	}
	out := make([]string, len(keep))
	for k, i := range keep {
		out[k] = f.ents[i].name
	}
	f.keep = keep
	return out
}

// noteLower counts the words of the sentences written in lower case. Only
// a word that could be the lower-case form of a capitalised word of the
// text or its headlines is counted (same first letter and length), which
// is all that the look-ups in f.lower ask about; the rest, most words of
// an article, cost no map update.
func (f *entityFinder) noteLower(headlines, sents []string) {
	var caps [128]uint32 // caps[c] bit n: a capitalised word of n bytes starting with c, in lower case
	bit := func(n int) uint32 { return 1 << min(n, 31) }
	for _, h := range headlines {
		for i, j := nextWord(h, 0); i < j; i, j = nextWord(h, j) {
			if c := h[i]; c >= 'A' && c <= 'Z' {
				caps[c+'a'-'A'] |= bit(j - i)
			}
		}
	}
	// One pass over the text marks the capitalised words and keeps the
	// others for the count.
	low := f.words[:0]
	for k, s := range sents {
		for i, j := nextWord(s, 0); i < j; i, j = nextWord(s, j) {
			if c := s[i]; c >= 'A' && c <= 'Z' {
				caps[c+'a'-'A'] |= bit(j - i)
			} else {
				low = append(low, wordAt{int32(k), int32(i), int32(j)})
			}
		}
	}
	for _, w := range low {
		s := sents[w.sent]
		c := s[w.start]
		if c < utf8.RuneSelf && caps[c]&bit(int(w.end-w.start)) == 0 {
			continue // no capitalised word it could be the lower case of
		}
		if r, _ := utf8.DecodeRuneInString(s[w.start:w.end]); unicode.IsLower(r) {
			f.lower.add(s[w.start:w.end])
		}
	}
	f.words = low
}

// wordAt is a word of sentence sent: sents[sent][start:end].
type wordAt struct{ sent, start, end int32 }

// nextWord returns the bounds of the first word of s at or after from (as
// isWordByte sees words), i == j when there is none. ASCII is decided
// inline: it is most of the text.
func nextWord(s string, from int) (i, j int) {
	i = from
	for i < len(s) {
		if k := byteClass[s[i]]; k == asciiLetterByte || k == multiByte && !isSpacePunct(s, i) {
			break
		}
		i++
	}
	j = i
	for j < len(s) {
		if k := byteClass[s[j]]; k == otherASCII || k == multiByte && isSpacePunct(s, j) {
			break
		}
		j++
	}
	return i, j
}

// byteClass sorts bytes for nextWord: ASCII letters, other ASCII, and the
// bytes of multi-byte runes.
var byteClass = func() (t [256]uint8) {
	for c := range 256 {
		switch {
		case c >= utf8.RuneSelf:
			t[c] = multiByte
		case asciiLetter(byte(c)):
			t[c] = asciiLetterByte
		default:
			t[c] = otherASCII
		}
	}
	return t
}()

const (
	otherASCII = iota
	asciiLetterByte
	multiByte
)

func asciiLetter(c byte) bool { return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' }

// isWordByte reports whether s[i] belongs to a word: an ASCII letter or
// apostrophe, or any byte of a multi-byte rune (letters of other scripts).
func isWordByte(s string, i int) bool {
	c := s[i]
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= 0x80 && !isSpacePunct(s, i)
}

// isSpacePunct reports whether the multi-byte rune at or around s[i] is
// punctuation or space (curly quotes, dashes).
func isSpacePunct(s string, i int) bool {
	for i > 0 && !utf8.RuneStart(s[i]) {
		i--
	}
	r, _ := utf8.DecodeRuneInString(s[i:])
	return !unicode.IsLetter(r) && !unicode.IsDigit(r)
}

// span is a word of a run: s[start:end], with the word sets its lower-case
// form belongs to (wordSets, looked up once when the word joins the run).
type span struct {
	start, end int
	sets       wordSets
}

// scan collects the capitalised runs of one sentence.
func (f *entityFinder) scan(s string) {
	var run [8]span
	n := 0
	conn := 0 // trailing connector words in the run ("of", "de")
	runInitial := false
	initial := true
	emit := func() {
		n -= conn
		if n > 0 {
			f.emit(s, run[:n], runInitial)
		}
		n, conn = 0, 0
	}
	for i := 0; i < len(s); {
		for i < len(s) && s[i] == ' ' {
			i++
		}
		j := i
		for j < len(s) && s[j] != ' ' {
			// "Colorado,Washington": a comma without a space still
			// separates words.
			if s[j] == ',' && j+1 < len(s) && s[j+1] != ' ' && !(s[j+1] >= '0' && s[j+1] <= '9') {
				j++
				break
			}
			j++
		}
		if i == j {
			break
		}
		if isDash(s[i:j]) {
			// "BUFFALO, N.Y. — Hours before": a dash after a dateline
			// starts the sentence again.
			emit()
			initial = true
			i = j
			continue
		}
		if n == 0 && plainLower(s[i:j]) {
			// Most words: lower case, no punctuation, no run to end.
			i, initial = j, false
			continue
		}
		cs, ce, lead, trail, colon := wordCore(s, i, j)
		if j == len(s) && ce-cs == 2 && s[ce-1] == '.' {
			ce-- // "Xbox One X.": the last full stop ends the sentence
			trail = true
		}
		i = j
		if cs == ce {
			if lead || trail {
				emit()
			}
			if colon {
				initial = true
			}
			continue
		}
		if lead {
			emit()
		}
		w := s[cs:ce]
		switch {
		case isCapWord(w):
			if n > 0 && (w == "The" || f.lang == "de" && germanArticles[strings.ToLower(w)]) {
				emit() // "Flinck The FBI": two names run together
			}
			if n == 0 {
				runInitial = initial
			}
			if n < len(run) {
				run[n] = span{cs, ce, f.setsOf(w)}
				n++
			}
			conn = 0
		case n > 0 && !trail && nameConnectors[w] && !(f.lang == "de" && w != "von") && connectorFits(s, run[:n], conn):
			if n < len(run) {
				run[n] = span{cs, ce, f.setsOf(w)}
				n++
				conn++
			}
		default:
			emit()
		}
		if trail {
			emit()
		}
		initial = colon
	}
	emit()
}

// plainLower reports whether w is made of the letters a-z only.
func plainLower(w string) bool {
	for i := 0; i < len(w); i++ {
		if w[i] < 'a' || w[i] > 'z' {
			return false
		}
	}
	return w != ""
}

// isOpenPunct reports whether c is one of "'([{ (a switch: cheaper than
// searching a cutset for every word).
func isOpenPunct(c byte) bool {
	switch c {
	case '"', '\'', '(', '[', '{':
		return true
	}
	return false
}

// isClosePunct reports whether c is one of "')]},;:!?.
func isClosePunct(c byte) bool {
	switch c {
	case '"', '\'', ')', ']', '}', ',', ';', ':', '!', '?', '.':
		return true
	}
	return false
}

func isDash(w string) bool { return w == "-" || w == "--" || w == "\u2014" || w == "\u2013" }

// wordCore returns the core of the word s[i:j]: opening quotes and brackets,
// closing punctuation and a possessive "'s" removed; an initial's full stop
// ("M."), a dotted acronym ("U.S.") and an abbreviated title ("Gov.") are
// kept. lead and trail report punctuation that separates the word from its
// neighbours; colon reports a trailing ":" (a label: the next word opens a
// clause).
func wordCore(s string, i, j int) (cs, ce int, lead, trail, colon bool) {
	// Most words are ASCII letters, perhaps with a comma or semicolon after
	// them: none of the rules below applies to them.
	k := i
	for k < j && asciiLetter(s[k]) {
		k++
	}
	switch {
	case k == j:
		return i, j, false, false, false
	case k == j-1 && k > i && (s[k] == ',' || s[k] == ';'):
		return i, k, false, true, false
	}
	cs, ce = i, j
	for cs < ce && isOpenPunct(s[cs]) {
		cs++
		lead = true
	}
	for cs < ce && (strings.HasPrefix(s[cs:ce], "\u201c") || strings.HasPrefix(s[cs:ce], "\u2018")) {
		cs += len("\u201c")
		lead = true
	}
	for cs < ce && strings.HasPrefix(s[cs:ce], "\u00ab") { // «, French and Portuguese quotes
		cs += len("\u00ab")
		lead = true
	}
	for ce > cs {
		if strings.HasSuffix(s[cs:ce], "\u201d") || strings.HasSuffix(s[cs:ce], "\u2019") && !strings.HasSuffix(s[cs:ce], "s\u2019") {
			ce -= len("\u201d")
			trail = true
			continue
		}
		if strings.HasSuffix(s[cs:ce], "\u00bb") {
			ce -= len("\u00bb")
			trail = true
			continue
		}
		c := s[ce-1]
		if c == '.' && (isInitialOrDotted(s[cs:ce]) || isTitleAbbrev(s[cs:ce-1])) {
			break
		}
		if !isClosePunct(c) {
			break
		}
		if c == ':' {
			colon = true
		}
		ce--
		trail = true
	}
	if ce-cs > 2 {
		w := s[cs:ce]
		switch {
		case strings.HasSuffix(w, "'s"), strings.HasSuffix(w, "s'"):
			if s[ce-1] == 's' {
				ce -= 2
			} else {
				ce--
			}
			trail = true
		case strings.HasSuffix(w, "\u2019s") && ce-cs > 4:
			ce -= len("\u2019s")
			trail = true
		case strings.HasSuffix(w, "s\u2019"):
			ce -= len("\u2019")
			trail = true
		}
	}
	// "PCの起動": a name in Latin letters ends where Chinese, Japanese or
	// Korean script begins, as those are written without spaces.
	for k, r := range s[cs:ce] {
		if r < 0x1100 {
			continue // Latin, Greek, Cyrillic ...: no need for the table look-ups below
		}
		if unicode.In(r, unicode.Han, unicode.Hiragana, unicode.Katakana, unicode.Hangul) || r >= 0x3000 && r <= 0x303f || r >= 0xff00 && r <= 0xffef {
			if k == 0 {
				return cs, cs, true, true, false
			}
			ce = cs + k
			trail = true
			break
		}
	}
	// "War-era": keep the capitalised parts of a hyphenated word, and a
	// lower-case part that is a name's ("Lee Jae-myung"), not an English
	// compound ("-era", "-based", "-led").
	if h := strings.IndexByte(s[cs:ce], '-'); h > 0 {
		for k := cs + h; k < ce; {
			next := k + 1
			m := strings.IndexByte(s[next:ce], '-')
			end := ce
			if m >= 0 {
				end = next + m
			}
			if next < ce && unicode.IsLower(firstRune(s[next:ce])) && (!namePart(s[next:end]) || k-cs < 2 || hyphenPrefixes[strings.ToLower(s[cs:k])]) {
				ce = k
				trail = true
				break
			}
			if m < 0 {
				break
			}
			k = end
		}
	}
	return cs, ce, lead, trail, colon
}

// namePart reports whether the lower-case part of a hyphenated word belongs
// to a name ("myung" in "Jae-myung", "un" in "Jong-un"): a short word of
// letters that is not an English word used in compounds.
func namePart(p string) bool {
	if len(p) < 2 || len(p) > 6 || hyphenWords[p] {
		return false
	}
	for k := 0; k < len(p); k++ {
		if c := p[k]; c < 'a' || c > 'z' {
			return false
		}
	}
	return !strings.HasSuffix(p, "ed") && !strings.HasSuffix(p, "ing") && !strings.HasSuffix(p, "ly")
}

// isTitleAbbrev reports whether w is an abbreviated title written with a
// full stop ("Gov", "Sen", "Dr").
func isTitleAbbrev(w string) bool {
	if len(w) < 2 || len(w) > 5 || !isCapWord(w) {
		return false
	}
	var b [5]byte
	for k := 0; k < len(w); k++ {
		c := w[k]
		if c >= 'A' && c <= 'Z' {
			c += 'a' - 'A'
		}
		b[k] = c
	}
	return titleAbbrevs[string(b[:len(w)])]
}

// isInitialOrDotted reports whether w (ending in ".") is an initial ("M.")
// or a dotted acronym ("U.S.", "J.K.").
func isInitialOrDotted(w string) bool {
	if len(w) < 2 {
		return false
	}
	for k := 0; k < len(w); k++ {
		c := w[k]
		if k%2 == 0 && !(c >= 'A' && c <= 'Z') || k%2 == 1 && c != '.' {
			return false
		}
	}
	return true
}

// isCapWord reports whether w starts with an upper-case letter.
func isCapWord(w string) bool {
	r, _ := utf8.DecodeRuneInString(w)
	return unicode.IsUpper(r)
}

// isAcronym reports whether w is written in capitals ("NASA", "U.S.").
func isAcronym(w string) bool {
	letters := 0
	for _, r := range w {
		if unicode.IsLower(r) {
			return false
		}
		if unicode.IsLetter(r) {
			letters++
		}
	}
	return letters > 0
}

// connectorFits reports whether a connector may extend the run: after one
// word ("Bank of England", "Charles de Gaulle") or after an organisation word
// ("Federal Bureau of Investigation"), but not after a person's name
// ("Artyom Lukin of Russia's ...").
func connectorFits(s string, run []span, conn int) bool {
	if conn > 0 {
		return false
	}
	if len(run) == 1 {
		return true
	}
	last := run[len(run)-1]
	w := s[last.start:last.end]
	return nonPersonWords[strings.ToLower(w)]
}

// nameConnectors may sit inside a name: "Bank of England", "Charles de
// Gaulle", "Osama bin Laden".
var nameConnectors = setOf("of", "de", "da", "di", "du", "del", "der", "van", "von", "bin", "al", "la", "le", "y")

// emit records one run of capitalised words, after peeling what is not part
// of the name and splitting what holds two names.
func (f *entityFinder) emit(s string, run []span, initial bool) {
	word := func(k int) string { return string(f.low(s[run[k].start:run[k].end])) }
	is := func(set wordSets, k int) bool { return run[k].sets&set != 0 }
	// A title before a name: "President", or a German role noun
	// ("Oberbürgermeisterin Katrin Albers").
	title := func(k int) bool { return is(inNameTitles, k) || f.lang == "de" && germanRole(word(k)) }
	// Headline shouting and table headers ("SCORES QUARANTINED", "HD THE
	// HOME DEPOT INC"): two or more long words in capitals.
	shout := 0
	for k := range run {
		if w := s[run[k].start:run[k].end]; len(w) >= 4 && isAcronym(w) && !strings.Contains(w, ".") {
			shout++
		}
	}
	if shout >= 2 {
		return
	}
	// Peel off leading function words ("The"), words that open sentences
	// ("According", "Despite") or are used in lower case elsewhere
	// ("Officials", "Veteran"), and a German article ("Die Daten").
	afterArticle := false
	for len(run) > 0 {
		ws := run[0].sets
		switch {
		case f.lang == "de" && ws&inGermanArticles != 0:
			afterArticle = true
		case ws&inStopwords != 0 && ws&isNew == 0 || ws&inCommonCaps != 0:
		case initial && len(run) > 1 && (ws&inSentenceOpeners != 0 || f.lower.getBytes(f.low(s[run[0].start:run[0].end])) > 0):
		default:
			goto peeled
		}
		run = run[1:]
		initial = false
	}
peeled:
	if len(run) == 0 {
		return
	}
	k := 0
	for k < len(run)-1 && is(inCompass, k) && is(inDemonyms, k+1) {
		k++
	}
	for k < len(run)-1 && is(inDemonyms, k) {
		k++
	}
	if t := k; t < len(run)-1 && title(t) {
		for t < len(run)-1 && title(t) {
			t++
		}
		// "Chief Executive Carrie Lam", "President Putin", but not
		// "Executive Council".
		if rest := run[t:]; len(rest) > 1 || !is(inNonPersonWords, t) || rest[0].sets&inNameConnectors != 0 {
			run = f.afterTitle(s, rest)
			initial = false
		}
	} else if k > 0 && personLike(s, run[k:]) {
		run = run[k:] // "Australian Timothy Weeks"
		initial = false
	}
	// A title inside the run starts the name; what comes before it is a
	// name of its own ("Maryland Gov. Wes Moore", "Superior Court Judge
	// Arnold O. Jones").
	for t := len(run) - 2; t >= 1; t-- {
		// German joins a role to what it belongs to with "von" ("Vorschlag
		// von Oberbürgermeisterin Katrin Albers").
		if title(t) && !title(t-1) && (!is(inNameConnectors, t-1) || f.lang == "de" && word(t-1) == "von") &&
			(personLike(s, run[t+1:]) || t == len(run)-2 && is(inTrailingTitles, t)) {
			if is(inCountries, t-1) || is(inPlaceWords, t-1) || is(inUSStates, t-1) {
				f.emit(s, run[:t], initial) // "Maryland", not "Superior Court"
			}
			run = run[t+1:]
			for len(run) > 1 && title(0) {
				run = run[1:]
			}
			run = f.afterTitle(s, run)
			initial = false
			break
		}
	}
	// And trailing verbs, function words, titles and dates ("Putin Is" in a
	// title-case line, "South Dakota Gov", "Argus Leader Monday").
	for len(run) > 0 && (is(inTrailingPeel, len(run)-1) || len(run) > 1 && is(inTrailingTitles, len(run)-1) || len(run) > 2 && is(inDateWords, len(run)-1)) {
		run = run[:len(run)-1]
	}
	if len(run) == 0 {
		return
	}
	// A place before a person ("ambassador to Ukraine Marie Yovanovitch")
	// or two names side by side across a lost line break ("Congress
	// Syria").
	if len(run) >= 3 && is(inCountries, 0) && personLike(s, run[1:]) && prepositionBefore(s, run[0].start) {
		f.emit(s, run[:1], initial)
		run = run[1:]
		initial = false
	}
	if n := len(run); n >= 2 && is(inCountries, n-1) && !is(inCompass, n-2) && !is(inDemonyms, n-2) && !is(inNameConnectors, n-2) &&
		!is(inCountryLead, n-2) && (n == 2 && (is(inBodyWords, 0) || is(inCountries, 0)) || personLike(s, run[:n-1])) {
		f.emit(s, run[:n-1], initial)
		f.emit(s, run[n-1:], false)
		return
	}
	allAdj := true
	for k := range run {
		if run[k].sets&(inDemonyms|inCompass|inNameTitles|inCommonCaps) == 0 {
			allAdj = false
			break
		}
	}
	if allAdj {
		return // "Russian", "North Korean", "President"
	}
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

// dropOpeners fixes multi-word names that were only seen at the start of a
// sentence, where the first word is capitalised anyway: when that word
// occurs in lower case elsewhere in the text ("Schoolboy Frankie Franz" and
// "the schoolboy"), it is not part of the name.
func (f *entityFinder) dropOpeners(sents []string) {
	checked := 0
	for i := range len(f.ents) {
		e := &f.ents[i]
		if !e.opener || e.count == 0 || e.words < 2 {
			continue
		}
		if checked++; checked > 20 {
			break // bounded work on hostile input
		}
		sp := strings.IndexByte(e.name, ' ')
		lw := string(f.low(e.name[:sp]))
		// In languages other than English, where this rule was not tuned,
		// the first word of such a name is always suspect ("Selon Emmanuel
		// Macron", "Technische Standards").
		found := f.lower.get(lw) > 0 || f.lang != "" && f.lang != "en"
		for _, s := range sents[:min(len(sents), 200)] {
			if found {
				break
			}
			found = containsWord(s, lw)
		}
		if !found {
			continue
		}
		f.foldInto(e, e.name[sp+1:], entity{subject: e.subject})
	}
}

// dropLabels peels a word that starts three or more different multi-word
// names seen only at the start of sentences, and never starts a name inside
// a sentence: a label glued to what follows ("Summary Studies", "Summary
// Yoga", "Summary Fiber"), unlike a brand ("Apple Watch", "Apple AirPods").
func (f *entityFinder) dropLabels() {
	// A word needs three such names: with fewer openers of two words or
	// more, there is nothing to peel.
	openers := 0
	for i := range f.ents {
		if e := &f.ents[i]; e.count != 0 && e.opener && e.words > 1 {
			openers++
		}
	}
	if openers < 3 {
		return
	}
	if f.firsts == nil {
		f.firsts = map[string]int{}
	}
	firsts := f.firsts
	defer clear(firsts)
	for i := range f.ents {
		e := &f.ents[i]
		if e.count == 0 {
			continue
		}
		first, _, _ := strings.Cut(e.name, " ")
		switch {
		case e.opener && e.words > 1:
			if firsts[first] >= 0 {
				firsts[first]++
			}
		case e.mid > 0:
			firsts[first] = -1 << 20 // seen inside a sentence: a name
		}
	}
	for i := range len(f.ents) {
		e := &f.ents[i]
		if !e.opener || e.count == 0 || e.words < 2 {
			continue
		}
		sp := strings.IndexByte(e.name, ' ')
		if firsts[e.name[:sp]] < 3 {
			continue
		}
		// After a label, the word that starts the sentence proper needs a
		// mention elsewhere, as at any sentence start.
		rest := e.name[sp+1:]
		f.foldInto(e, rest, entity{initial: !strings.Contains(rest, " ")})
	}
}

// foldInto credits the mentions of e to the name rest (e without its first
// word): to rest's entity when there is one, else to a new entity with the
// flags of like. e keeps no count.
func (f *entityFinder) foldInto(e *entity, rest string, like entity) {
	count, first := e.count, e.first
	e.count = 0
	if k, ok := f.index[rest]; ok {
		f.ents[k].count += count
		f.ents[k].first = min(f.ents[k].first, first)
		f.ents[k].initial = false
		return
	}
	f.index[rest] = len(f.ents)
	like.name, like.count, like.first, like.mid = rest, count, first, count
	like.words = strings.Count(rest, " ") + 1
	like.outlet = isOutlet(rest)
	f.ents = append(f.ents, like)
}

// dropCommon drops single words that the text also uses in lower case at
// least as often as it capitalises them mid-sentence ("Hours", "Current",
// "Meth"): capitalised only where a sentence or a slogan starts.
func (f *entityFinder) dropCommon() {
	for i := range f.ents {
		e := &f.ents[i]
		if e.words != 1 || e.count == 0 || isAcronym(e.name) {
			continue
		}
		var buf [32]byte
		if lc := f.lower.getBytes(lowerWord(buf[:0], e.name)); lc > 0 && lc >= e.mid {
			e.count = 0
		}
	}
}

// merge credits single-word mentions to the multi-word name they abbreviate
// ("Putin" -> "Vladimir Putin", "Kim" -> "Kim Jong Un"), and confirms
// sentence-initial single words that are known names.
func (f *entityFinder) merge() {
	// Index the multi-word names by their first and last word, keeping the
	// most mentioned, so that each single word is looked up once.
	byEnd := f.byEnd
	clear(byEnd)
	better := func(k int, word string) {
		if j, ok := byEnd[word]; !ok || f.ents[k].count > f.ents[j].count {
			byEnd[word] = k
		}
	}
	for k := range f.ents {
		m := &f.ents[k]
		if m.words < 2 || m.count == 0 || f.lang == "de" && !isPersonName(m.name) {
			continue // German: "Daten" does not abbreviate "Nutzen von Daten"
		}
		better(k, m.name[:strings.IndexByte(m.name, ' ')])
		better(k, m.name[strings.LastIndexByte(m.name, ' ')+1:])
	}
	for i := range f.ents {
		e := &f.ents[i]
		if e.words != 1 || e.count == 0 {
			continue
		}
		if k, ok := byEnd[e.name]; ok {
			m := &f.ents[k]
			m.count += e.count
			m.first = min(m.first, e.first)
			m.subject = m.subject || e.subject
			m.common = m.common && e.common
			m.plain += e.plain
			e.count = 0
		}
	}
}

// boost adds a mention for each known name that a headline carries, whole or
// by the single name that stands for it ("Putin" for "Vladimir Putin").
func (f *entityFinder) boost(h string) {
	for i := range f.ents {
		e := &f.ents[i]
		if e.count == 0 || e.initial {
			continue
		}
		if containsWord(h, e.name) {
			e.count++
			e.headline = true
			continue
		}
		if e.words > 1 {
			first := e.name[:strings.IndexByte(e.name, ' ')]
			last := e.name[strings.LastIndexByte(e.name, ' ')+1:]
			if len(last) > 2 && partName(last) && containsWord(h, last) || len(first) > 2 && partName(first) && containsWord(h, first) {
				e.count++
				e.headline = true
			}
		}
	}
}

// partName reports whether one word of a multi-word name stands for the
// name in a headline: "Putin" does for "Vladimir Putin", "New" does not
// for "New York Times".
func partName(w string) bool {
	lw := strings.ToLower(w)
	return !stopwords[lw] && !nonPersonWords[lw] && !compass[lw] && !demonyms[lw]
}

// containsWord reports whether w occurs in s with no letter or digit on
// either side.
func containsWord(s, w string) bool {
	for off := 0; ; {
		i := strings.Index(s[off:], w)
		if i < 0 {
			return false
		}
		i += off
		j := i + len(w)
		before, _ := utf8.DecodeLastRuneInString(s[:i])
		after, _ := utf8.DecodeRuneInString(s[j:])
		if (i == 0 || !isWordRune(before)) && (j == len(s) || !isWordRune(after)) {
			return true
		}
		off = i + 1
	}
}

func isWordRune(r rune) bool { return unicode.IsLetter(r) || unicode.IsDigit(r) }

// demonyms are adjectives of nationality: "Russian" alone is not an entity.
var demonyms = setOf("american", "british", "english", "scottish", "welsh", "irish", "french",
	"german", "italian", "spanish", "portuguese", "dutch", "belgian", "swiss", "austrian", "swedish",
	"norwegian", "danish", "finnish", "polish", "czech", "hungarian", "romanian", "bulgarian", "greek",
	"turkish", "russian", "ukrainian", "belarusian", "georgian", "armenian", "iranian", "iraqi",
	"syrian", "lebanese", "israeli", "palestinian", "jordanian", "egyptian", "saudi", "yemeni",
	"afghan", "pakistani", "indian", "chinese", "japanese", "korean", "vietnamese", "thai",
	"indonesian", "filipino", "malaysian", "australian", "canadian", "mexican", "brazilian",
	"argentine", "argentinian", "chilean", "colombian", "venezuelan", "cuban", "african", "nigerian",
	"kenyan", "ethiopian", "somali", "libyan", "tunisian", "moroccan", "algerian", "european",
	"asian", "arab", "democrat", "republican")

// trailingPeel are words that end a capitalised run without being part of
// the name.
var trailingPeel = setOf("is", "are", "was", "were", "has", "have", "had", "will", "and", "or", "the",
	"a", "an", "of", "in", "on", "at", "to", "for", "with", "by", "de", "da", "van", "von", "bin", "al", "la", "le", "y")

// compass words start place names ("North Korea") but not entities alone.
var compass = setOf("north", "south", "east", "west", "northern", "southern", "eastern", "western",
	"central", "northeast", "northwest", "southeast", "southwest", "upper", "lower", "greater")

// stopwords are function words, skipped when scoring and when making slugs.
var stopwords = setOf("a", "an", "the", "and", "or", "but", "nor", "so", "yet", "for", "of", "in",
	"on", "at", "to", "from", "by", "with", "without", "about", "above", "after", "again", "against",
	"all", "am", "any", "are", "aren't", "as", "be", "because", "been", "before", "being", "below",
	"between", "both", "can", "can't", "cannot", "could", "couldn't", "did", "didn't", "do", "does",
	"doesn't", "doing", "don't", "down", "during", "each", "few", "further", "had", "hadn't", "has",
	"hasn't", "have", "haven't", "having", "he", "he'd", "he'll", "he's", "her", "here", "here's",
	"hers", "herself", "him", "himself", "his", "how", "how's", "i", "i'd", "i'll", "i'm", "i've",
	"if", "into", "is", "isn't", "it", "it's", "its", "itself", "let's", "me", "more", "most",
	"mustn't", "my", "myself", "no", "not", "off", "once", "only", "other", "ought", "our", "ours",
	"ourselves", "out", "over", "own", "same", "shan't", "she", "she'd", "she'll", "she's", "should",
	"shouldn't", "some", "such", "than", "that", "that's", "their", "theirs", "them", "themselves",
	"then", "there", "there's", "these", "they", "they'd", "they'll", "they're", "they've", "this",
	"those", "through", "too", "under", "until", "up", "very", "was", "wasn't", "we", "we'd", "we'll",
	"we're", "we've", "were", "weren't", "what", "what's", "when", "when's", "where", "where's",
	"which", "while", "who", "who's", "whom", "why", "why's", "will", "would", "wouldn't", "you",
	"you'd", "you'll", "you're", "you've", "your", "yours", "yourself", "yourselves", "also", "just",
	"said", "says", "say", "told", "would", "may", "might", "must", "shall", "upon", "per", "via",
	"is", "its", "s", "t", "mr", "mrs", "ms", "new", "one", "two", "like", "get", "got", "news",
	"among", "amid", "around", "however", "still", "even", "since", "though", "although", "across")
