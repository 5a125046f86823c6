package extractive

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// The word scan of the entity finder: words, their cores and the runs of
// capitalised words that may be names.

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

// scan collects the capitalised runs of one sentence and hands each to emit.
// initial tracks whether the next word opens a clause: at the start, after a
// dash following a dateline, after a label's colon.
func (f *entityFinder) scan(s string) {
	var r capRun
	initial := true
	for i := 0; i < len(s); {
		start, j := nextToken(s, i)
		if start == j {
			break
		}
		i = start
		if isDash(s[i:j]) {
			// "BUFFALO, N.Y. — Hours before": a dash after a dateline
			// starts the sentence again.
			r.flush(f, s)
			initial = true
			i = j
			continue
		}
		if r.n == 0 && plainLower(s[i:j]) {
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
				r.flush(f, s)
			}
			if colon {
				initial = true
			}
			continue
		}
		if lead {
			r.flush(f, s)
		}
		f.addWord(&r, s, cs, ce, trail, initial)
		if trail {
			r.flush(f, s)
		}
		initial = colon
	}
	r.flush(f, s)
}

// nextToken returns the bounds of the token of s at or after i: spaces
// skipped, up to the next space or a comma glued to the next word
// ("Colorado,Washington": a comma without a space still separates words).
// start == end at the end of s.
func nextToken(s string, i int) (start, end int) {
	for i < len(s) && s[i] == ' ' {
		i++
	}
	j := i
	for j < len(s) && s[j] != ' ' {
		if s[j] == ',' && j+1 < len(s) && s[j+1] != ' ' && !(s[j+1] >= '0' && s[j+1] <= '9') {
			j++
			break
		}
		j++
	}
	return i, j
}

// capRun is the run of capitalised words that scan is building, with the
// connector words inside it; words past the eighth are not kept.
type capRun struct {
	words   [8]span
	n       int
	conn    int  // trailing connector words in the run ("of", "de")
	initial bool // the run's first word opens a clause
}

// flush hands the run, without trailing connectors, to emit and starts a
// new one.
func (r *capRun) flush(f *entityFinder, s string) {
	r.n -= r.conn
	if r.n > 0 {
		f.emit(s, r.words[:r.n], r.initial)
	}
	r.n, r.conn = 0, 0
}

// addWord adds the word s[cs:ce] to the run when it is capitalised, or a
// connector that fits inside a name ("Bank of England", German only
// "von"), and ends the run otherwise. trail says punctuation follows the
// word, which no connector may have.
func (f *entityFinder) addWord(r *capRun, s string, cs, ce int, trail, initial bool) {
	w := s[cs:ce]
	switch {
	case isCapWord(w):
		if r.n > 0 && (w == "The" || f.lang == "de" && germanArticles[strings.ToLower(w)]) {
			r.flush(f, s) // "Flinck The FBI": two names run together
		}
		if r.n == 0 {
			r.initial = initial
		}
		if r.n < len(r.words) {
			r.words[r.n] = span{cs, ce, f.setsOf(w)}
			r.n++
		}
		r.conn = 0
	case r.n > 0 && !trail && nameConnectors[w] && !(f.lang == "de" && w != "von") && connectorFits(s, r.words[:r.n], r.conn):
		if r.n < len(r.words) {
			r.words[r.n] = span{cs, ce, f.setsOf(w)}
			r.n++
			r.conn++
		}
	default:
		r.flush(f, s)
	}
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
	cs, lead = skipOpeners(s, i, j)
	ce, trail, colon = trimClosers(s, cs, j)
	var cut, none bool
	if ce, cut = trimPossessive(s, cs, ce); cut {
		trail = true
	}
	if ce, cut, none = cutAtCJK(s, cs, ce); none {
		return cs, cs, true, true, false
	} else if cut {
		trail = true
	}
	if ce, cut = cutHyphenated(s, cs, ce); cut {
		trail = true
	}
	return cs, ce, lead, trail, colon
}

// skipOpeners returns where the word s[i:j] starts after opening quotes
// and brackets (straight, curly, and the « of French and Portuguese), and
// whether there were any.
func skipOpeners(s string, i, j int) (cs int, lead bool) {
	cs = i
	for cs < j && isOpenPunct(s[cs]) {
		cs++
		lead = true
	}
	for cs < j && (strings.HasPrefix(s[cs:j], "\u201c") || strings.HasPrefix(s[cs:j], "\u2018")) {
		cs += len("\u201c")
		lead = true
	}
	for cs < j && strings.HasPrefix(s[cs:j], "\u00ab") { // «, French and Portuguese quotes
		cs += len("\u00ab")
		lead = true
	}
	return cs, lead
}

// trimClosers returns where the word s[cs:j] ends before closing quotes and
// punctuation, whether there were any, and whether one was a colon. The
// full stop of an initial ("M."), a dotted acronym ("U.S.") or an
// abbreviated title ("Gov.") is part of the word; so is the apostrophe of
// a plural possessive ("Players’"), which trimPossessive handles.
func trimClosers(s string, cs, j int) (ce int, trail, colon bool) {
	ce = j
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
	return ce, trail, colon
}

// trimPossessive returns where the word s[cs:ce] ends without a possessive
// "'s", "s'", "’s" or "s’" (of words longer than two bytes), and whether it
// had one.
func trimPossessive(s string, cs, ce int) (int, bool) {
	if ce-cs <= 2 {
		return ce, false
	}
	w := s[cs:ce]
	switch {
	case strings.HasSuffix(w, "'s"), strings.HasSuffix(w, "s'"):
		if s[ce-1] == 's' {
			return ce - 2, true
		}
		return ce - 1, true
	case strings.HasSuffix(w, "\u2019s") && ce-cs > 4:
		return ce - len("\u2019s"), true
	case strings.HasSuffix(w, "s\u2019"):
		return ce - len("\u2019"), true
	}
	return ce, false
}

// cutAtCJK ends a name in Latin letters where Chinese, Japanese or Korean
// script begins ("PCの起動"), as those are written without spaces. cut
// reports a cut; none reports a word that starts in such a script.
func cutAtCJK(s string, cs, ce int) (end int, cut, none bool) {
	for k, r := range s[cs:ce] {
		if r < 0x1100 {
			continue // Latin, Greek, Cyrillic ...: no need for the table look-ups below
		}
		if unicode.In(r, unicode.Han, unicode.Hiragana, unicode.Katakana, unicode.Hangul) || r >= 0x3000 && r <= 0x303f || r >= 0xff00 && r <= 0xffef {
			if k == 0 {
				return cs, true, true
			}
			return cs + k, true, false
		}
	}
	return ce, false, false
}

// cutHyphenated keeps the capitalised parts of a hyphenated word ("War-era"
// -> "War"), and a lower-case part that is a name's ("Lee Jae-myung"), not
// an English compound ("-era", "-based", "-led"); cut reports a cut.
func cutHyphenated(s string, cs, ce int) (int, bool) {
	h := strings.IndexByte(s[cs:ce], '-')
	if h <= 0 {
		return ce, false
	}
	for k := cs + h; k < ce; {
		next := k + 1
		m := strings.IndexByte(s[next:ce], '-')
		end := ce
		if m >= 0 {
			end = next + m
		}
		if next < ce && unicode.IsLower(firstRune(s[next:ce])) && (!namePart(s[next:end]) || k-cs < 2 || hyphenPrefixes[strings.ToLower(s[cs:k])]) {
			return k, true
		}
		if m < 0 {
			break
		}
		k = end
	}
	return ce, false
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
