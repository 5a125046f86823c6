package extractive

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// Sentence segmentation.
//
// News text is hostile to the naive "split at a full stop" rule: titles
// ("Mr.", "Gov."), initials ("John F. Kennedy", "J.K. Rowling"), dotted
// acronyms ("U.S."), decimals ("3.5"), quotes that close after the full stop
// (`he said." Then`), ellipses, bullets and, in text copied from some sites
// (XSum/BBC dumps), hard line breaks in the middle of sentences. The rules
// below are deliberately small and deterministic: a boundary needs terminal
// punctuation, optional closing quotes, white space and a next word that can
// open a sentence; abbreviations veto or weaken the boundary. Two repairs
// handle text that lost its punctuation in copying: a photo caption glued
// to the story without a full stop ("...than a colleague The cost of...")
// and paragraphs glued without a space ("...in 2011.On Friday...").
//
// Chinese and Japanese need none of this: a sentence ends at "。", "！" or
// "？" (with the closing quotes or brackets after it), the next one follows
// without a space, and there are no capital letters to look at. Their
// lines are joined without a space, and a short line without punctuation
// is a heading.

// Sentences splits text into sentences, in order. Line structure matters: a
// blank line, a list item ("•", "-", "1.") or a short heading line ends a
// sentence; a line that ends without terminal punctuation and is followed by
// a line starting in lower case (or with punctuation) continues on that line.
// Output sentences are trimmed, have white space runs collapsed to one space,
// are valid UTF-8 and hold at least one letter or digit.
func Sentences(text string) []string {
	return appendSentences(nil, text)
}

// LeadSentences returns the first n sentences of the cleaned body of text
// (Clean, then Sentences). Evaluation baselines (Lead-3, Lead-1) use it so
// that they see exactly the text the summarizer sees: no boilerplate, no
// headline, no dateline.
func LeadSentences(text string, n int) []string {
	if n <= 0 {
		return nil
	}
	doc := Clean(text)
	s := Sentences(doc.Body)
	if len(s) > n {
		s = s[:n:n]
	}
	return s
}

// appendSentences appends the sentences of text to dst.
func appendSentences(dst []string, text string) []string {
	if !utf8.ValidString(text) {
		text = strings.ToValidUTF8(text, "\uFFFD")
	}
	var block []string // lines of the current block (joined by spaces)
	prev := ""         // the previous non-blank line of the block
	flush := func() {
		switch len(block) {
		case 0:
			return
		case 1:
			dst = splitBlock(dst, block[0])
		default:
			dst = splitBlock(dst, joinLines(block))
		}
		block = block[:0]
	}
	for len(text) > 0 {
		var line string
		if i := strings.IndexByte(text, '\n'); i >= 0 {
			line, text = text[:i], text[i+1:]
		} else {
			line, text = text, ""
		}
		line = squeezeSpaces(line)
		if line == "" {
			flush()
			prev = ""
			continue
		}
		item, isItem := stripListMarker(line)
		if isItem {
			flush()
			if item == "" {
				prev = ""
				continue
			}
			line = item
		} else if prev != "" && lineEndsSentence(prev, line) {
			flush()
		}
		block = append(block, line)
		prev = line
	}
	flush()
	return dst
}

// lineEndsSentence decides whether the line break between prev and next ends
// a sentence (both lines non-blank, next not a list item).
func lineEndsSentence(prev, next string) bool {
	if endsCJKTerminal(prev) {
		return true // "。" needs no capital letter after it
	}
	r, _ := utf8.DecodeRuneInString(next)
	if last, _ := utf8.DecodeLastRuneInString(prev); isWideRune(last) && (isWideRune(r) || isOpenQuote(r)) {
		// Chinese or Japanese on both sides: a line that stops at a comma
		// goes on; a short one without punctuation is a heading ("经济数据").
		switch last {
		case '\uff0c', '\u3001', '\uff1a', '\uff1b', '\u300c', '\u300e', '\uff08':
			return false
		}
		return utf8.RuneCountInString(prev) <= 40
	}
	if !opensSentence(r) && !isOpenQuote(r) {
		// Lower case or punctuation: the sentence goes on ("...drinking
		// supply\ncould cause", "...Lyon\n: "We're").
		return false
	}
	if endsTerminal(prev) {
		// A title abbreviation at the line end still wants its name.
		w := lastWord(prev)
		return !titleAbbrevs[strings.ToLower(strings.TrimSuffix(w, "."))]
	}
	// No terminal punctuation and an upper-case next line: a heading if the
	// line is short and does not end in the middle of a phrase.
	return isHeadingLine(prev)
}

// isHeadingLine reports whether a line without terminal punctuation reads as
// a heading or label ("Coverage", "What we know so far") rather than the
// first half of a broken sentence ("The event on 27", `"The`).
func isHeadingLine(s string) bool {
	if s == "" {
		return false
	}
	if r, _ := utf8.DecodeRuneInString(s); isOpenQuote(r) || !unicode.IsUpper(r) && !unicode.IsDigit(r) {
		return false
	}
	last, _ := utf8.DecodeLastRuneInString(s)
	if last == ',' || last == '-' || last == '(' || last == '&' {
		return false
	}
	words := strings.Count(s, " ") + 1
	if words > 12 {
		return false
	}
	lw := strings.ToLower(strings.Trim(lastWord(s), `"'()`))
	if stopwords[lw] || isNumber(lw) {
		return false
	}
	if words <= 6 {
		return true
	}
	// Longer: a heading is in title case ("Russia's Deal With North Korea
	// Is 'Ominously Ambiguous'"), a broken sentence is not.
	caps := 0
	for _, w := range strings.Fields(s) {
		if unicode.IsUpper(firstRune(trimLeftBytes(w, &openQuotes))) {
			caps++
		}
	}
	return caps*10 >= words*7
}

// endsTerminal reports whether s ends with terminal punctuation, possibly
// followed by closing quotes or brackets (`said."`, `(sic.)`, "。」").
func endsTerminal(s string) bool {
	s = strings.TrimRight(s, `"')]`+"\u201d\u2019")
	if s == "" {
		return false
	}
	last, _ := utf8.DecodeLastRuneInString(s)
	return last == '.' || last == '!' || last == '?' || last == '\u2026' || last >= 0x3000 && endsCJKTerminal(s)
}

func lastWord(s string) string {
	if i := strings.LastIndexByte(s, ' '); i >= 0 {
		return s[i+1:]
	}
	return s
}

func isNumber(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if (c < '0' || c > '9') && c != ',' && c != '.' {
			return false
		}
	}
	return true
}

// stripListMarker removes a list marker ("•", "-", "*", "1.", "2)") from the
// start of a line and reports whether there was one.
func stripListMarker(line string) (string, bool) {
	r, n := utf8.DecodeRuneInString(line)
	switch r {
	case '•', '·', '▪', '◦', '●', '■', '►', '‣':
		return strings.TrimLeft(line[n:], " "), true
	case '-', '*', '–', '—':
		if len(line) > n && line[n] == ' ' {
			return strings.TrimLeft(line[n:], " "), true
		}
		return line, false
	}
	// "1. Tap", "12) Next" — at most three digits, then ". " or ") ".
	i := 0
	for i < len(line) && i < 3 && line[i] >= '0' && line[i] <= '9' {
		i++
	}
	if i > 0 && i+1 < len(line) && (line[i] == '.' || line[i] == ')') && line[i+1] == ' ' {
		return strings.TrimLeft(line[i+1:], " "), true
	}
	return line, false
}

// squeezeSpaces trims s and collapses runs of white space to one space. It
// allocates only when s has runs to collapse.
func squeezeSpaces(s string) string {
	s = strings.TrimFunc(s, unicode.IsSpace)
	clean := true
	prevSpace := false
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c > ' ' && c < utf8.RuneSelf {
			prevSpace = false // most bytes
			continue
		}
		if c == ' ' {
			if prevSpace {
				clean = false
				break
			}
			prevSpace = true
			continue
		}
		if c == '\t' || c == '\r' || c == '\v' || c == '\f' || c >= utf8.RuneSelf {
			if c >= utf8.RuneSelf {
				r, _ := utf8.DecodeRuneInString(s[i:])
				if !unicode.IsSpace(r) {
					prevSpace = false
					continue
				}
			}
			clean = false
			break
		}
		prevSpace = false
	}
	if clean {
		return s
	}
	var b strings.Builder
	b.Grow(len(s))
	space := false
	for _, r := range s {
		if unicode.IsSpace(r) {
			space = true
			continue
		}
		if space && b.Len() > 0 {
			b.WriteByte(' ')
		}
		space = false
		b.WriteRune(r)
	}
	return b.String()
}

// blockByte marks the bytes that splitBlock looks at: a space, terminal
// punctuation, and the lead bytes of "…" and of Chinese and Japanese
// terminals.
var blockByte = [256]bool{' ': true, '.': true, '!': true, '?': true, 0xE2: true, 0xE3: true, 0xEF: true}

// splitBlock splits a block of running text (no line breaks, spaces already
// collapsed) into sentences and appends them to dst.
func splitBlock(dst []string, s string) []string {
	start := 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !blockByte[c] {
			continue // most bytes: nothing below applies
		}
		var j int // end of the terminal punctuation run
		switch {
		case c == ' ' && i+1 < len(s) && s[i+1] >= 'A' && s[i+1] <= 'Z' && runOnAt(s, start, i):
			dst = appendSentence(dst, s[start:i])
			start = i + 1
			continue
		case c == '.' || c == '!' || c == '?':
			j = i + 1
			for j < len(s) && (s[j] == '.' || s[j] == '!' || s[j] == '?') {
				j++
			}
		case c == 0xE2 && strings.HasPrefix(s[i:], "\u2026"): // …
			j = i + len("\u2026")
		case (c == 0xE3 || c == 0xEF) && cjkTerminalAt(s, i) > 0:
			// "。", "！", "？": Chinese and Japanese sentences end there and
			// the next one follows without a space or a capital letter.
			j = i
			for n := cjkTerminalAt(s, j); n > 0 || j < len(s) && (s[j] == '!' || s[j] == '?'); n = cjkTerminalAt(s, j) {
				j += max(n, 1)
			}
			k := skipCJKClosers(s, j)
			if k >= len(s) {
				i = len(s) // the end of the block
				continue
			}
			if r, _ := utf8.DecodeRuneInString(s[k:]); k > j && (r == 'と' || r == 'っ' || r == '、' || r == '，' || r == ',') {
				// "「…する。」と述べた": the quote goes on into the sentence.
				i = k - 1
				continue
			}
			dst = appendSentence(dst, s[start:k])
			start = k
			i = k - 1
			continue
		default:
			continue
		}
		k := skipClosers(s, j)
		if k < len(s) && s[k] != ' ' {
			if k == j && c == '.' && gluedBoundary(s, start, i) {
				// "...on 17 March 2017.It was announced": a lost space.
				dst = appendSentence(dst, s[start:j])
				start = j
				i = j - 1
				continue
			}
			// "3.5", "U.S.-led", "e.g.,", "Yahoo!News": not a boundary.
			i = k - 1
			continue
		}
		if k >= len(s) {
			break
		}
		if boundaryAt(s, start, i, j, k+1) {
			dst = appendSentence(dst, s[start:k])
			start = k + 1
		}
		i = k
	}
	if start < len(s) {
		dst = appendSentence(dst, s[start:])
	}
	return dst
}

// runOnAt reports whether the space at s[i] separates two sentences that
// lost their full stop: a photo caption pasted into running text ("...than a
// colleague The cost of divorce can wreck...", "...Bahrain Grand Prix It was
// another..."). The sign is a capitalised function word or pronoun in the
// middle of a sentence, followed by a lower-case word, after a word that
// ends without punctuation. In edited prose these words are capitalised
// mid-sentence only in names and titles, which continue in capitals ("The
// Hague", "Gone With The Wind").
func runOnAt(s string, start, i int) bool {
	if i-start < 12 {
		return false
	}
	prev := s[i-1]
	if !(prev >= 'a' && prev <= 'z' || prev >= 'A' && prev <= 'Z' || prev >= '0' && prev <= '9' || prev == '\'' || prev == '"' || prev == ')') {
		return false
	}
	w := s[i+1:]
	end := 0
	for end < len(w) && (w[end] >= 'a' && w[end] <= 'z' || w[end] >= 'A' && w[end] <= 'Z') {
		end++
	}
	word := w[:end]
	if strings.HasPrefix(w[end:], "'s ") {
		end += 2 // "That's", "It's", "There's"
	}
	if end == len(w) || w[end] != ' ' || !runOnStarters[word] {
		return false
	}
	next := w[end+1:]
	if next == "" || !(next[0] >= 'a' && next[0] <= 'z' || next[0] >= '0' && next[0] <= '9' && numberStarters[word]) {
		return false
	}
	// "and The" / "of The" open a title more often than a sentence.
	pw := lastWord(s[max(start, i-64):i])
	return !stopwords[strings.ToLower(pw)]
}

// runOnStarters open sentences and are not capitalised inside one.
var runOnStarters = setOf("The", "It", "He", "She", "They", "We", "His", "Her", "Their", "Its",
	"In", "But", "However", "After", "When", "While", "During", "Despite", "According", "This",
	"These", "Those", "There", "Although", "Since", "Now", "Meanwhile", "Earlier", "Later",
	"An", "With", "That", "As", "If", "Because", "Until", "Before", "Some", "Many", "Yet")

// numberStarters may open a sentence before a number ("The 12,400 feet
// high volcano", "An 86-year-old nun", "In 2012 the ...").
var numberStarters = setOf("The", "An", "In", "Since", "After", "Before", "Until", "Some", "Many")

// gluedBoundary reports whether the full stop at s[i] ends a sentence even
// though no space follows it: copied text that lost a line break between
// paragraphs ("in 2011.On Friday he", "the late MP.The BBC"). The next word
// must be capitalised and go on in lower case, and the word before must be
// a number or a word of three or more letters that is not an abbreviation
// (which keeps "U.S.", "Mr.Smith" and domain names out).
func gluedBoundary(s string, start, i int) bool {
	if i+2 >= len(s) || !(s[i+1] >= 'A' && s[i+1] <= 'Z') || !(s[i+2] >= 'a' && s[i+2] <= 'z') {
		return false
	}
	w := s[max(start, i-64):i]
	if k := strings.LastIndexByte(w, ' '); k >= 0 {
		w = w[k+1:]
	}
	w = trimLeftBytes(w, &openQuotes)
	if len(w) < 3 || strings.IndexByte(w, '.') >= 0 {
		return false
	}
	for k := 0; k < len(w); k++ {
		if !isASCIIAlnum(w[k]) {
			return false
		}
	}
	lw := strings.ToLower(w)
	return !titleAbbrevs[lw] && !ambiguousAbbrevs[lw] && !monthAbbrevs[lw]
}

// skipClosers returns the index after any closing quotes and brackets at j.
func skipClosers(s string, j int) int {
	for j < len(s) {
		switch {
		case s[j] == '"' || s[j] == '\'' || s[j] == ')' || s[j] == ']':
			j++
		case strings.HasPrefix(s[j:], "\u201d") || strings.HasPrefix(s[j:], "\u2019"):
			j += 3
		default:
			return j
		}
	}
	return j
}

// boundaryAt decides whether the terminal punctuation s[i:j] ends the
// sentence that started at start; the next word starts at or after next.
func boundaryAt(s string, start, i, j, next int) bool {
	// The next sentence must open with an upper-case letter or a digit,
	// possibly behind opening quotes or brackets.
	rest := s[next:]
	nw := rest
	for len(nw) > 0 {
		r, n := utf8.DecodeRuneInString(nw)
		if isOpenQuote(r) || r == '(' || r == '[' {
			nw = nw[n:]
			continue
		}
		break
	}
	r, _ := utf8.DecodeRuneInString(nw)
	if r == '•' {
		return true
	}
	digit := unicode.IsDigit(r)
	if !opensSentence(r) && !isWideRune(r) {
		return false // Chinese, Japanese, Korean, Arabic ... need no capital
	}
	if j-i != 1 || s[i] != '.' {
		return true // "!", "?", "...", "…": upper case next is enough
	}
	// A single full stop: look at the word it closes.
	w := s[max(start, i-64):i] // a word longer than that is no abbreviation
	if k := strings.LastIndexByte(w, ' '); k >= 0 {
		w = w[k+1:]
	}
	w = trimLeftBytes(w, &openQuotesSq)
	if w == "" {
		return true
	}
	lw := strings.ToLower(w)
	switch {
	case titleAbbrevs[lw]:
		return false // "Mr. Smith", "Gov. Newsom", "Dr. No"
	case lw == "no" || lw == "nos" || lw == "vol" || w == "p" || w == "pp" || lw == "art" || lw == "fig":
		// "p. 10" is a page; "Jonathan P. Blair" is an initial (below).
		return !digit // "No. 10" vs "The answer was no. Then"
	case monthAbbrevs[lw]:
		return !digit && startsSentence(nw) // "Jan. 5", "Feb. 2015"
	case strings.IndexByte(w, '.') >= 0 && isDotted(w):
		// "U.S.", "J.K.", "a.m.", "e.g.": a boundary only when the next
		// word is one that typically opens a sentence ("... in the U.S. The
		// ...") rather than a name ("J.K. Rowling", "U.S. President").
		return startsSentence(nw)
	case utf8.RuneCountInString(w) == 1 && unicode.IsUpper(firstRune(w)):
		return startsSentence(nw) // an initial: "John F. Kennedy"
	case ambiguousAbbrevs[lw]:
		return startsSentence(nw) // "Inc.", "Jr.", "St.", "etc."
	}
	return true
}

// isDotted reports whether w looks like "U.S", "a.m", "Ph.D": short letter
// groups separated by dots.
func isDotted(w string) bool {
	run := 0
	for _, r := range w {
		switch {
		case r == '.':
			if run == 0 {
				return false
			}
			run = 0
		case unicode.IsLetter(r):
			run++
			if run > 2 {
				return false
			}
		default:
			return false
		}
	}
	return true
}

func firstRune(s string) rune {
	r, _ := utf8.DecodeRuneInString(s)
	return r
}

func isOpenQuote(r rune) bool {
	return r == '"' || r == '\'' || r == '\u201c' || r == '\u2018' || r == '\u00ab'
}

// startsSentence reports whether the word at the start of s is one that
// commonly opens a sentence (a capitalised function word, pronoun or
// connective), which turns an ambiguous full stop into a boundary.
func startsSentence(s string) bool {
	end := 0
	for end < len(s) && (s[end] >= 'a' && s[end] <= 'z' || s[end] >= 'A' && s[end] <= 'Z') {
		end++
	}
	if end == 0 {
		return unicode.IsDigit(firstRune(s))
	}
	w := s[:end]
	return sentenceStarters[w] || unicode.IsUpper(rune(w[0])) && foreignStarters[strings.ToLower(w)]
}

// foreignStarters are the function words, pronouns and connectives of the
// other languages with a lexicon ("Il", "Tuttavia", "Der", "Zudem"): an
// ambiguous full stop before one of them capitalised ends a sentence
// ("... in dodici ore. Tuttavia, ..."). Words that also start names ("De",
// "Van", "La") are left out.
var foreignStarters = func() map[string]bool {
	particles := setOf("de", "da", "do", "dos", "das", "di", "del", "della", "du", "des", "la", "le", "el",
		"lo", "los", "van", "von", "der", "den", "ter", "al", "y", "e", "i", "o", "a", "en", "bin", "san")
	m := map[string]bool{}
	for code, lx := range lexicons {
		if code == "en" || lx.prefixDangle != nil {
			continue
		}
		for _, set := range []map[string]bool{lx.stop, lx.dangle} {
			for w := range set {
				if !particles[w] && !strings.ContainsAny(w, " '.") {
					m[w] = true
				}
			}
		}
	}
	return m
}()

// appendSentence appends s trimmed when it holds a letter or a digit.
func appendSentence(dst []string, s string) []string {
	s = strings.TrimSpace(s)
	for _, r := range s {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			return append(dst, s)
		}
	}
	return dst
}

// titleAbbrevs precede a name: a full stop after them never ends a sentence.
var titleAbbrevs = setOf("mr", "mrs", "ms", "messrs", "mme", "mlle", "dr", "prof", "gov", "sen",
	"rep", "reps", "gen", "col", "lt", "sgt", "capt", "cpt", "cmdr", "adm", "maj", "brig", "cpl",
	"pvt", "rev", "revd", "hon", "pres", "supt", "det", "insp", "fr", "msgr", "atty", "mt", "ft",
	"vs", "v", "cf", "ca", "approx", "dept", "est", "govt", "assn", "sec", "treas", "lieut")

// monthAbbrevs are abbreviated month names; "May" is a word and not listed.
var monthAbbrevs = setOf("jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec")

// ambiguousAbbrevs often end sentences too ("... Apple Inc. The company").
var ambiguousAbbrevs = setOf("inc", "ltd", "co", "corp", "plc", "llc", "bros", "jr", "sr", "st",
	"etc", "al", "ave", "blvd", "rd", "univ", "ala", "ariz", "ark", "calif", "colo", "conn", "del",
	"fla", "ga", "ill", "ind", "kan", "ky", "la", "md", "mass", "mich", "minn", "miss", "mo",
	"mont", "neb", "nev", "okla", "ore", "pa", "tenn", "tex", "va", "vt", "wash", "wis", "wyo",
	// German, French, Spanish and Italian abbreviations inside sentences
	// ("Disruption bzw. Digital Darwinismus", "ca. 200 Besucher").
	"bzw", "vgl", "ca", "evtl", "ggf", "inkl", "usw", "sog", "bspw", "env", "cf", "aprox", "ecc")

// sentenceStarters are capitalised words that open sentences far more often
// than they continue a name.
var sentenceStarters = setOf("The", "A", "An", "He", "She", "It", "They", "We", "I", "You",
	"His", "Her", "Its", "Their", "Our", "My", "This", "That", "These", "Those", "There", "Here",
	"But", "And", "Or", "So", "Yet", "However", "In", "On", "At", "As", "After", "Before", "When",
	"While", "If", "Although", "Though", "Since", "Because", "For", "From", "With", "By", "To",
	"Some", "Many", "Most", "Other", "Others", "One", "Two", "Three", "Meanwhile", "Still",
	"Now", "Then", "Last", "Earlier", "Later", "According", "Also", "Both", "Each", "Every",
	"Not", "Only", "What", "Who", "Why", "How", "Where", "Which", "Officials", "Police",
	"Mr", "Mrs", "Ms", "Dr", "Authorities", "During", "Under", "Despite", "Instead", "Even",
	"Such", "All", "No", "Yes", "Asked", "Among", "Over", "About", "Another", "Several")

func setOf(words ...string) map[string]bool {
	m := make(map[string]bool, len(words))
	for _, w := range words {
		m[w] = true
	}
	return m
}

// CJK sentence boundaries.

// cjkTerminalAt returns the byte length of the full-width sentence
// terminator at s[i] ("。", "！", "？"), or 0.
func cjkTerminalAt(s string, i int) int {
	if i+3 > len(s) {
		return 0
	}
	switch s[i : i+3] {
	case "\u3002", "\uff01", "\uff1f":
		return 3
	}
	return 0
}

// skipCJKClosers returns the index after the closing quotes and brackets at
// j ("」", "』", "”", "’", "）", "》", "】" and the ASCII ones) and any
// spaces after them.
func skipCJKClosers(s string, j int) int {
	for j < len(s) {
		r, n := utf8.DecodeRuneInString(s[j:])
		switch r {
		case '\u300d', '\u300f', '\u201d', '\u2019', '\uff09', '\u300b', '\u3011', '\u3009', '\u3015', '\uff63',
			'"', '\'', ')', ']':
			j += n
		default:
			for j < len(s) && s[j] == ' ' {
				j++
			}
			return j
		}
	}
	return j
}

// endsCJKTerminal reports whether s ends with "。", "！" or "？", possibly
// followed by closing quotes or brackets.
func endsCJKTerminal(s string) bool {
	for len(s) > 0 {
		r, n := utf8.DecodeLastRuneInString(s)
		switch r {
		case '\u3002', '\uff01', '\uff1f':
			return true
		case '\u300d', '\u300f', '\u201d', '\u2019', '\uff09', '\u300b', '\u3011', '\u3009', '\u3015', '\uff63', '"', '\'', ')', ']':
			s = s[:len(s)-n]
		default:
			return false
		}
	}
	return false
}

// joinLines joins the lines of a block with spaces, except between two
// characters of a script written without spaces (a Chinese or Japanese
// paragraph broken over lines).
func joinLines(lines []string) string {
	n := len(lines) - 1
	glued := false
	for k := 1; k < len(lines); k++ {
		n += len(lines[k-1])
		last, _ := utf8.DecodeLastRuneInString(lines[k-1])
		first, _ := utf8.DecodeRuneInString(lines[k])
		if isWideRune(last) && isWideRune(first) {
			glued = true
		}
	}
	if !glued {
		return strings.Join(lines, " ")
	}
	var b strings.Builder
	b.Grow(n + len(lines[len(lines)-1]))
	for k, l := range lines {
		if k > 0 {
			last, _ := utf8.DecodeLastRuneInString(lines[k-1])
			first, _ := utf8.DecodeRuneInString(l)
			if !isWideRune(last) || !isWideRune(first) {
				b.WriteByte(' ')
			}
		}
		b.WriteString(l)
	}
	return b.String()
}

// isWideRune reports whether r belongs to a script written without spaces
// between words, or is CJK punctuation: Han, kana, Thai, the CJK symbols
// and the full-width forms.
func isWideRune(r rune) bool {
	return isWordlessRune(r) || r >= 0x3000 && r <= 0x303F || r >= 0xFF00 && r <= 0xFFEF
}

// isWordlessRune reports whether r is a letter of a script written without
// spaces between words: Han, hiragana, katakana, Thai. Hangul is not one:
// Korean puts spaces between words.
func isWordlessRune(r rune) bool {
	return isHan(r) || isKana(r) || r == 0x30FC || r == 0x30FB ||
		r >= 0x0E00 && r <= 0x0E7F
}

// isBigramRune reports whether r is taken two at a time as a term
// (tokenize): Han, kana and the prolonged sound mark.
func isBigramRune(r rune) bool {
	return r >= 0x3040 && r <= 0x30FF && r != 0x30FB || isHan(r) ||
		r >= 0x31F0 && r <= 0x31FF || r >= 0xFF66 && r <= 0xFF9D
}

// wordless reports whether s is mostly written in a script without spaces
// between words (Chinese, Japanese, Thai): more than half of its letters
// are Han, kana or Thai. Such text has no capital letters either.
func wordless(s string) bool {
	wide, letters := 0, 0
	for _, r := range s {
		switch {
		case r < utf8.RuneSelf:
			if r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' {
				letters++
			}
		case isWordlessRune(r):
			wide++
			letters++
		case unicode.IsLetter(r):
			letters++
		}
	}
	return wide*2 > letters
}

// textLen is a length of s comparable to a word count in any script: the
// words of scripts that separate them with spaces (runs of letters and
// digits, as tokenize counts them), plus half the characters of scripts
// that do not (Han, kana, Thai), rounded up. A Chinese word is one or two
// characters, a Japanese one about two, so half the characters is about
// the number of words: a 30-character Chinese sentence counts like a
// 15-word English one. For text without such characters it is the word
// count; tokenize returns the same measure for a sentence.
func textLen(s string) int {
	words, wide := 0, 0
	in := false
	for p := 0; p < len(s); {
		c := s[p]
		if c < utf8.RuneSelf {
			switch {
			case isASCIIAlnum(c):
				if !in {
					words++
				}
				in = true
			case c == '\'' && in && p+1 < len(s) && isASCIIAlnum(s[p+1]):
			default:
				in = false
			}
			p++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[p:])
		p += size
		switch {
		case isWordlessRune(r):
			wide++
			in = false
		case isWordRune(r):
			if !in {
				words++
			}
			in = true
		default:
			in = false
		}
	}
	return words + (wide+1)/2
}
