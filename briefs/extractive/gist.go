package extractive

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"briefbot/briefs"
)

// chooseGist returns the sentence that says what happened, or -1. News
// puts it first, so it is the first sentence of the body that stands alone
// and reports the story: not a question, a teaser, a quotation, a caption or
// scene-setting without a name or a number in it. Among the first gistPool
// such sentences a later one wins only when it is clearly closer to the
// article as a whole and to its headline (a feature's "nut graf" after an
// anecdote), by more than gistLead of cosine similarity.
func (x *Summarizer) chooseGist(sc *scratch, title []string) int {
	lead, best, bestScore, pool := -1, -1, 0.0, 0
	for i := range sc.info {
		si := &sc.info[i]
		if si.cand == "" || !reportsNews(si) {
			continue
		}
		if pool == x.p.gistPool {
			break
		}
		pool++
		if x.point(si) == "" {
			continue // too long to show whole, and no safe cut
		}
		// A short sentence is rarely the whole news: similarity is scaled
		// down below gistWords words.
		score := si.centroid * min(1, float64(si.words)/x.p.gistWords)
		if lead < 0 {
			// The lead keeps its place unless a later sentence beats it
			// by a margin, which grows with how much of the headline the
			// lead says.
			score += x.p.gistLead + x.p.gistTitle*titleOverlap(si.text, title)
			lead, best, bestScore = i, i, score
			continue
		}
		if score > bestScore && !restates(sc, i) {
			best, bestScore = i, score
		}
	}
	return best
}

// restates reports whether sentence i mostly repeats an earlier sentence:
// a photo caption that retells the lead, a recap. It cannot be the news
// when the news came before it.
func restates(sc *scratch, i int) bool {
	for j := range i {
		if sc.covered(&sc.info[i], &sc.info[j], 0.6) {
			return true
		}
	}
	return false
}

// reportsNews reports whether a usable sentence can serve as the gist: it
// is not a quotation, a caption, a teaser or scene-setting.
func reportsNews(si *sentence) bool {
	s := si.text
	if isOpenQuote(firstRune(s)) || captionLabel(s) > 0 || strings.IndexByte(s, '(') >= 0 && pictureAside.MatchString(s) ||
		strings.Contains(s, " pictured") {
		// A photo caption ("Pat, pictured with ...") retells the story
		// around a picture the brief does not have.
		return false
	}
	if teaser(s) || refersBack(s) {
		return false
	}
	return specific(s)
}

// refersBack reports whether an English sentence points at something said
// before it, so that it cannot open a brief: "The Pentagon rejected these
// accusations", "In it, the royal denied ...", "Richardson, however,
// decided ...". Time phrases ("this week", "that day") do not count.
func refersBack(s string) bool {
	n := 0
	prevPrep, prevRaw := false, ""
	var buf [24]byte
	for f := range strings.FieldsSeq(s) {
		if n == 8 {
			break
		}
		lw := lowerWord(buf[:0], trimQuotesPunct(f))
		comma := strings.HasSuffix(prevRaw, ",")
		switch string(lw) {
		case "these", "those", "such":
			if n < 6 {
				return true
			}
		case "however", "though", "too", "instead", "also":
			if n > 0 && comma && strings.HasSuffix(f, ",") {
				return true // "X, however, ..."
			}
		case "it", "this", "that", "them", "him", "her":
			if n == 1 && prevPrep {
				return true // "In it, ...", "Of that, ..."
			}
		}
		if comma && n < 5 && subjectPronouns[string(lw)] {
			return true // "In Virginia, they voted ...": whose votes?
		}
		prevPrep, prevRaw = n == 0 && prepositions[string(lw)], f // only the first word's is asked about
		n++
	}
	return false
}

// trimQuotesPunct is strings.Trim(f, `"'(),;:`) without building the
// cutset on every call.
func trimQuotesPunct(f string) string {
	in := func(c byte) bool {
		switch c {
		case '"', '\'', '(', ')', ',', ';', ':':
			return true
		}
		return false
	}
	for len(f) > 0 && in(f[0]) {
		f = f[1:]
	}
	for len(f) > 0 && in(f[len(f)-1]) {
		f = f[:len(f)-1]
	}
	return f
}

var subjectPronouns = setOf("he", "she", "it", "they", "we")

var prepositions = setOf("in", "of", "on", "at", "by", "for", "with", "from", "after", "before", "despite", "like", "unlike", "besides")

// teaser matches sentences that point at the story instead of telling it:
// "Here's what we know.", "Find out how ...", "Imagine ...", second-person
// address ("You may have noticed ...").
func teaser(s string) bool {
	var buf [16]byte
	switch string(firstWordLower(buf[:0], s)) {
	case "here's", "here", "find", "imagine", "picture", "watch", "read", "scroll", "click", "you", "your", "what", "why", "how", "who", "when":
		return true
	}
	return hasYou(s) || strings.HasSuffix(s, "...") || strings.HasSuffix(s, "\u2026")
}

// hasYou reports whether s holds " you " or " your ", looking for the rarer
// "you" first.
func hasYou(s string) bool {
	for off := 0; ; {
		k := strings.Index(s[off:], "you")
		if k < 0 {
			return false
		}
		k += off
		if rest := s[k+3:]; k > 0 && s[k-1] == ' ' && (strings.HasPrefix(rest, " ") || strings.HasPrefix(rest, "r ") ||
			strings.HasPrefix(rest, "'") || strings.HasPrefix(rest, "\u2019") || strings.HasPrefix(rest, ",")) { // "you're", "you'll"
			return true
		}
		off = k + 1
	}
}

// specific reports whether s names something: a capitalised word after its
// first, or a digit. Scene-setting ("The morning was cold and grey.") names
// nothing; news names who, where or how many.
func specific(s string) bool {
	first := true
	for f := range strings.FieldsSeq(s) {
		if first {
			first = false
			continue
		}
		for len(f) > 0 && (f[0] == '"' || f[0] == '\'' || f[0] == '(') {
			f = f[1:] // strings.TrimLeft(f, `"'(`)
		}
		r := firstRune(f)
		if opensSentence(r) {
			return true // a name, a number, or a script where capitals cannot tell
		}
	}
	return wordless(s)
}

// titleOverlap is the share of the headline's content words that s uses.
func titleOverlap(s string, title []string) float64 {
	if len(title) == 0 {
		return 0
	}
	n := 0
	for _, t := range title {
		if containsWordFold(s, t) {
			n++
		}
	}
	return float64(n) / float64(len(title))
}

// containsWordFold reports whether w occurs in s as a word or the start of
// one ("talk" in "talks"), ignoring case, without allocating.
func containsWordFold(s, w string) bool {
	for i := 0; i+len(w) <= len(s); i++ {
		if (i == 0 || !isWordByte(s, i-1)) && strings.EqualFold(s[i:i+len(w)], w) {
			return true
		}
	}
	return false
}

// headlineTerms are the content words of a headline, for titleOverlap.
func headlineTerms(title string) []string {
	var out []string
	for _, t := range briefs.Terms(title) {
		if len(t) > 2 && !stopwords[t] {
			out = append(out, t)
		}
	}
	return out
}

// title picks the headline: the briefs.Document's title when given, else the
// first headline line of the text, else a short form of the gist: its main
// clause when the gist is long, so that headline and gist never print the
// same sentence twice.
func (x *Summarizer) title(given string, headlines []string, gist string) string {
	if t := squeezeSpaces(given); t != "" {
		return cutTitle(t)
	}
	for _, h := range headlines {
		if strings.IndexByte(h, ' ') > 0 {
			return cutTitle(h)
		}
	}
	if len(headlines) > 0 {
		return cutTitle(headlines[0])
	}
	return shortHeadline(gist)
}

// shortHeadline makes a headline of a gist: the gist without a trailing
// attribution (", police said"), cut before an added clause ("...,
// closing hundreds of schools") when that leaves 30 to 120 characters that
// hold a verb; else the gist itself when it is short enough (renderers
// print the sentence once), or its first words with an ellipsis.
func shortHeadline(gist string) string {
	t := strings.TrimRight(dropAttribution(gist), ".。")
	hi := runeOffset(t, 120)
	lo := runeOffset(t, 30)
	best := lastMark(t, lo, hi, headlineMarks, func(i int, m string) bool {
		return cutKeeps(t[:i], t[i:]) && !interrupts(t, i, m)
	})
	// A participle clause after a comma adds circumstances too: ", cutting
	// power to ...", ", leaving ...".
	for off := lo; off < hi; {
		i := strings.Index(t[off:hi], ", ")
		if i < 0 {
			break
		}
		i += off
		w, _, _ := strings.Cut(t[i+2:], " ")
		if i > best && len(w) > 4 && strings.HasSuffix(w, "ing") && unicode.IsLower(firstRune(w)) && cutKeeps(t[:i], t[i:]) {
			best = i
		}
		off = i + 1
	}
	if best > 0 {
		return strings.TrimRight(t[:best], " ,;:")
	}
	if utf8.RuneCountInString(t) <= 120 {
		return t
	}
	return wordCut(t, 100)
}

// wordCut cuts s to at most n runes at a word boundary, with an ellipsis
// (and a closing quote when the cut left one open).
func wordCut(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	cut := runeOffset(s, n-2)
	if i := strings.LastIndexByte(s[:cut], ' '); i > 0 {
		cut = i
	}
	return closeQuote(strings.TrimRight(s[:cut], " ,;:-\u2014\u2013") + "\u2026")
}

// headlineMarks end a main clause: what follows adds circumstances.
var headlineMarks = []string{"; ", ", which ", ", while ", ", as ", ", after ", ", with ", ", according to ",
	" \u2014 ", ", but ", ", amid ", ", in a ", ", in what "}

// cutTitle keeps a title within briefs.MaxTitleLen runes, cutting at a word.
func cutTitle(t string) string {
	return wordCut(t, briefs.MaxTitleLen)
}

// fallbackGist is the gist of a text where no sentence reports news by the
// rules of chooseGist (a very short text, a list of quotes): the first
// usable sentence, else the first sentence of a few words that does not
// lean on another. -1 when there is none.
func (x *Summarizer) fallbackGist(sc *scratch) int {
	for i := range sc.info {
		if si := &sc.info[i]; si.cand != "" && x.point(si) != "" {
			return i
		}
	}
	for i := range sc.info {
		si := &sc.info[i]
		r := firstRune(si.text)
		if si.words >= 2 && !sc.lang.openerDangles(si.text) && hasLower(si.text) && furnitureRule(si.text) == "" &&
			(opensSentence(r) || isOpenQuote(r)) {
			si.cand = si.text
			if x.point(si) != "" {
				return i
			}
			si.cand = ""
		}
	}
	return -1
}
