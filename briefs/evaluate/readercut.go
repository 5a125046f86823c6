package evaluate

import (
	"regexp"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"briefbot/briefs"
)

// Whole sentences and cuts: where a text of the brief stands in its
// article, and what the article says right after a cut.

// sourceText is an article normalised for matching: curly quotes straight,
// runs of white space as one space, line breaks kept as "\n" in norm and
// as " " in flat (same length, so offsets agree).
type sourceText struct {
	norm, flat string
}

func newSourceText(s string) *sourceText {
	n := normalize(s, true)
	return &sourceText{norm: n, flat: strings.ReplaceAll(n, "\n", " ")}
}

// normalize makes curly quotes straight, drops zero-width characters and
// collapses white space; with keepLines, line breaks survive as one "\n".
func normalize(s string, keepLines bool) string {
	s = briefs.RepairMojibake(s)
	var b strings.Builder
	b.Grow(len(s))
	pending := byte(0) // ' ' or '\n' to write before the next character
	for _, r := range s {
		switch r {
		case '\u2018', '\u2019', '\u201a', '\u201b', '\u2032':
			r = '\''
		case '\u201c', '\u201d', '\u201e', '\u201f', '\u2033', '\u00ab', '\u00bb':
			r = '"'
		case '\u200b', '\u200c', '\u200d', '\u2060', '\ufeff', '\u00ad':
			continue
		}
		if r == '\n' || r == '\r' || r == '\u2028' || r == '\u2029' {
			if keepLines && b.Len() > 0 {
				pending = '\n'
			} else if pending == 0 && b.Len() > 0 {
				pending = ' '
			}
			continue
		}
		if unicode.IsSpace(r) {
			if pending == 0 && b.Len() > 0 {
				pending = ' '
			}
			continue
		}
		if pending != 0 {
			b.WriteByte(pending)
			pending = 0
		}
		b.WriteRune(r)
	}
	return b.String()
}

// match is where a brief's text was found in the article.
type match struct {
	whole bool
	end   int // offset in flat where the found text ends, -1 when not found
	glued bool
	note  string
}

// connectives may be dropped from the start of a sentence (the rest
// capitalised) without making it a cut: "But officials said ..." ->
// "Officials said ...".
var connectives = map[string]bool{
	"and": true, "but": true, "so": true, "yet": true, "or": true, "also": true,
	"however": true, "meanwhile": true, "still": true, "now": true, "then": true,
	"indeed": true, "instead": true, "moreover": true, "furthermore": true,
	"besides": true, "plus": true, "nonetheless": true, "nevertheless": true,
	"separately": true, "today": true, "overall": true,
}

// locate finds text in the article and says whether it is a whole sentence
// of it. Whole means: the text occurs in the article (white space and quotes
// normalised), starting at a sentence start (the article's start, a line
// start, after terminal punctuation, after a dateline such as "LONDON —" or
// "(CNN) --", or after a dropped connective such as "But" when the text
// capitalised the next word), and ending at a sentence end (terminal
// punctuation followed by a space or line break or the end, not after an
// abbreviation such as "Mr."; or the end of a line when the text only
// added a full stop). A quote character missing at either end is allowed.
// Anything else is a cut: a head cut, a tail cut, or, when the text is not
// found as one span (words dropped or changed inside), an edited sentence.
func (s *sourceText) locate(text string) match {
	t := normalize(text, false)
	type variant struct {
		s         string
		addedStop bool // the text ends with a stop the article does not have there
		lowered   bool // first letter lowered: a connective may precede
	}
	var vs []variant
	bases := []string{t}
	if u := strings.Trim(t, `"'`); u != t && u != "" {
		bases = append(bases, u)
	}
	if u := strings.TrimLeft(t, `"'`); u != t && u != "" && !slices.Contains(bases, u) {
		bases = append(bases, u)
	}
	if u := strings.TrimRight(t, `"'`); u != t && u != "" && !slices.Contains(bases, u) {
		bases = append(bases, u)
	}
	for _, b := range bases {
		vs = append(vs, variant{s: b})
		for _, stop := range []string{".", "…", "..."} {
			if u, ok := strings.CutSuffix(b, stop); ok && u != "" {
				vs = append(vs, variant{s: strings.TrimRight(u, " "), addedStop: true})
			}
		}
	}
	for _, v := range slices.Clone(vs) {
		if r, n := utf8.DecodeRuneInString(v.s); unicode.IsUpper(r) {
			if l := string(unicode.ToLower(r)) + v.s[n:]; l != v.s {
				vs = append(vs, variant{s: l, addedStop: v.addedStop, lowered: true})
			}
		}
	}
	first := match{end: -1}
	found := false
	for _, v := range vs {
		for off := 0; off < len(s.flat); {
			i := strings.Index(s.flat[off:], v.s)
			if i < 0 {
				break
			}
			i += off
			j := i + len(v.s)
			off = i + 1
			startOK, startNote := s.startsSentence(i, v.lowered)
			endOK, endNote := s.endsSentence(j, v.addedStop)
			glued := s.gluedLines(i, j)
			if startOK && endOK {
				return match{whole: true, end: j, glued: glued}
			}
			if !found {
				found = true
				var notes []string
				if !startOK {
					notes = append(notes, "head cut"+startNote)
				}
				if !endOK {
					notes = append(notes, "tail cut"+endNote)
				}
				first = match{end: j, glued: glued, note: strings.Join(notes, "; ")}
			}
		}
	}
	if found {
		return first
	}
	// Not one span of the article: find where its last words are, for the
	// checks of what the article goes on with.
	m := match{end: -1, note: "edited: not one span of the article"}
	words := strings.Fields(strings.TrimRight(t, `."'!?…`))
	for k := min(5, len(words)); k >= 3; k-- {
		tail := strings.Join(words[len(words)-k:], " ")
		if i := strings.Index(s.flat, tail); i >= 0 {
			m.end = i + len(tail)
			break
		}
	}
	return m
}

// gluedLines reports whether norm[i:j] runs over a line break that ends a
// block of the article: the line before it ends with terminal punctuation
// (two paragraphs), or the line is short (at most 15 words) and the next
// one starts with a capital (a heading or list item without a stop). A break inside a sentence, before a lower-case
// word or a number or after a function word ("and", "the"), is a line
// wrapped in the source, not a glue.
func (s *sourceText) gluedLines(i, j int) bool {
	for k := i; k < j; k++ {
		if s.norm[k] != '\n' {
			continue
		}
		next, _ := utf8.DecodeRuneInString(strings.TrimLeft(s.norm[k+1:], `"'(`))
		if isTerminalBefore(s.norm[i:k]) {
			return true
		}
		line := strings.Fields(s.norm[strings.LastIndexByte(s.norm[:k], '\n')+1 : k])
		if unicode.IsUpper(next) && len(line) > 0 && len(line) <= 15 && !stopwords[strings.ToLower(line[len(line)-1])] && !nonNouns[strings.ToLower(line[len(line)-1])] {
			return true
		}
	}
	return false
}

// startsSentence reports whether a sentence of the article can start at
// offset i.
func (s *sourceText) startsSentence(i int, lowered bool) (bool, string) {
	// The text between the previous sentence boundary and i.
	j := i
	for j > 0 && strings.ContainsRune(` "'([`, rune(s.norm[j-1])) {
		j--
	}
	if !lowered && (j == 0 || s.norm[j-1] == '\n' || isTerminalBefore(s.norm[:j])) {
		return true, ""
	}
	k := j
	for k > 0 && s.norm[k-1] != '\n' && !(isTerminalBefore(s.norm[:k]) && s.norm[k] == ' ') {
		k--
	}
	gap := strings.TrimSpace(s.norm[k:j])
	first, _ := utf8.DecodeRuneInString(s.norm[i:])
	last, _ := utf8.DecodeLastRuneInString(gap)
	switch {
	case gap == "":
		return !lowered, ""
	case connectives[strings.ToLower(strings.TrimRight(gap, ","))]:
		return true, ""
	case lowered:
		return false, ": dropped " + quoteShort(gap)
	case isListGlyph(gap):
		return true, ""
	case len(gap) <= 80 && datelineGap.MatchString(gap):
		return true, ""
	case shareGap.MatchString(gap):
		return true, ""
	case unicode.IsUpper(first) && (unicode.IsLetter(last) || unicode.IsDigit(last)) && len(strings.Fields(gap)) >= 5:
		// Unpunctuated text before a capital: a caption run into the
		// story, which has no sentence boundary to keep.
		return true, ""
	}
	return false, ": dropped " + quoteShort(gap)
}

// datelineGap matches what may precede the first sentence of a story on its
// line: a dateline ending in a dash, a colon or "(CNN)", or a source in
// brackets ("(The Hollywood Reporter)").
var datelineGap = regexp.MustCompile(`(?:--|—|–| -|:|\((?:CNN|AP|Reuters|AFP|UPI)[^()]{0,20}\))$|^\([^()]{1,40}\)$`)

// shareGap matches inline boilerplate that may precede a sentence.
var shareGap = regexp.MustCompile(`(?i)(?:scroll down for video|share this (?:article|story)|copy this link|this link|advertisement)$`)

func isListGlyph(s string) bool {
	return strings.Trim(s, "•·*-–—0123456789.) ") == ""
}

// isTerminalBefore reports whether s ends with terminal punctuation,
// optionally followed by closing quotes or brackets.
func isTerminalBefore(s string) bool {
	s = strings.TrimRight(s, `"')]`)
	if s == "" {
		return false
	}
	r, _ := utf8.DecodeLastRuneInString(s)
	return strings.ContainsRune(".!?…", r) && !endsAbbrev(s)
}

// abbrevs end with a full stop that does not end a sentence.
var abbrevs = []string{
	"Mr.", "Mrs.", "Ms.", "Dr.", "Prof.", "Sen.", "Rep.", "Gov.", "Gen.", "Col.",
	"Lt.", "Sgt.", "Capt.", "Cmdr.", "Adm.", "St.", "Jr.", "Sr.", "No.", "vs.",
	"Jan.", "Feb.", "Mar.", "Apr.", "Aug.", "Sept.", "Sep.", "Oct.", "Nov.", "Dec.",
	"e.g.", "i.e.", "etc.", "approx.", "Rev.", "Gens.", "Mt.", "Ft.",
}

func endsAbbrev(s string) bool {
	for _, a := range abbrevs {
		if strings.HasSuffix(s, a) {
			k := len(s) - len(a)
			if k == 0 || s[k-1] == ' ' || s[k-1] == '(' || s[k-1] == '\n' {
				return true
			}
		}
	}
	// A single capital initial: "John F. Kennedy".
	if n := len(s); n >= 2 && s[n-1] == '.' && s[n-2] >= 'A' && s[n-2] <= 'Z' && (n == 2 || s[n-3] == ' ') {
		return true
	}
	return false
}

// endsSentence reports whether a sentence of the article can end at offset
// j (exclusive). addedStop: the text ended with a stop that is not there.
func (s *sourceText) endsSentence(j int, addedStop bool) (bool, string) {
	rest := s.norm[j:]
	closers := len(rest) - len(strings.TrimLeft(rest, `"')]`))
	after := rest[closers:]
	atBreak := after == "" || after[0] == '\n'
	goesOn := ": article goes on " + quoteShort(rest)
	switch {
	case atBreak:
		return true, "" // the end of a line, with or without its own stop
	case addedStop && s.unpunctuatedEnd(j, after):
		return true, ""
	case addedStop:
		return false, goesOn
	case isTerminalBefore(s.norm[:j+closers]) && (after[0] == ' ' || s.missingSpace(j+closers)):
		return true, ""
	}
	return false, goesOn
}

// unpunctuatedEnd reports whether the text before j ends with a word (and
// maybe a closing quote or bracket) and
// the article goes on with a capitalised word after a space: the article
// has no sentence boundary there (a caption run into the story), so the
// stop the text adds does not cut anything.
func (s *sourceText) unpunctuatedEnd(j int, after string) bool {
	last, _ := utf8.DecodeLastRuneInString(strings.TrimRight(s.norm[:j], `"')`))
	if !unicode.IsLetter(last) && !unicode.IsDigit(last) || !strings.HasPrefix(after, " ") {
		return false
	}
	next, _ := utf8.DecodeRuneInString(strings.TrimLeft(after[1:], `"'`))
	return unicode.IsUpper(next)
}

// missingSpace reports whether a sentence ends at k (after its stop)
// with the next one glued on without a space ("in the US.Authorities
// say"): a capital follows, and the stop does not end an initialism
// ("U.S.A").
func (s *sourceText) missingSpace(k int) bool {
	next, _ := utf8.DecodeRuneInString(s.norm[k:])
	if !unicode.IsUpper(next) || k < 2 {
		return false
	}
	prev, _ := utf8.DecodeLastRuneInString(s.norm[:k-1])
	if !unicode.IsUpper(prev) && prev != '.' {
		return true
	}
	_, n := utf8.DecodeRuneInString(s.norm[k:])
	second, _ := utf8.DecodeRuneInString(s.norm[k+n:])
	return unicode.IsLower(second) // "NHS.It has", not "U.S.A"
}

// insideQuote reports whether offset j of the article is inside a
// quotation opened on its line: an odd number of double quotes from the
// start of the line, or an opening single quote (after a space or bracket,
// before a letter) not closed since (a quote after a letter or punctuation,
// before a space, punctuation or the end; an apostrophe inside a word
// counts as neither).
func (s *sourceText) insideQuote(j int) bool {
	k := strings.LastIndexByte(s.norm[:j], '\n') + 1
	seg := s.norm[k:j]
	if strings.Count(seg, `"`)%2 == 1 {
		return true
	}
	depth := 0
	for i := 0; i < len(seg); i++ {
		if seg[i] != '\'' {
			continue
		}
		before, _ := utf8.DecodeLastRuneInString(seg[:i])
		after, _ := utf8.DecodeRuneInString(seg[i+1:])
		if i+1 >= len(seg) {
			after = ' '
		}
		switch {
		case (i == 0 || unicode.IsSpace(before) || before == '(') && (unicode.IsLetter(after) || unicode.IsDigit(after)):
			depth++
		case i > 0 && !unicode.IsSpace(before) && !unicode.IsLetter(after) && !unicode.IsDigit(after):
			depth = max(0, depth-1)
		}
	}
	return depth > 0
}

// listTail reports whether the article, going on with rest after a cut,
// continues a list the cut ended inside: ", and Z", " or Z", ", as well as
// Z", or ", Z and W", where Z and W are a short phrase without a finite verb
// (", and the police said ..." adds a clause, not a list item).
func listTail(rest string) bool {
	var tail string
	if m := listNext.FindString(rest); m != "" {
		tail = rest[len(m):]
	} else if r, ok := strings.CutPrefix(rest, ", "); ok {
		words := strings.Fields(r)
		for i, w := range words[:min(6, len(words))] {
			if i > 0 && (w == "and" || w == "or") {
				tail = r
				break
			}
			if strings.ContainsAny(w, ",;:.!?") {
				return false
			}
		}
	}
	if tail == "" {
		return false
	}
	phrase := tail
	if i := strings.IndexAny(tail, ",;:.!?()\"—–"); i >= 0 {
		phrase = tail[:i]
	}
	words := strings.Fields(phrase)
	if len(words) == 0 || len(words) > 8 || clauseStarts[strings.ToLower(words[0])] {
		return false
	}
	return !hasFiniteVerb(phrase)
}

var clauseStarts = setOf(`that then when if so who which where while because although though after before since until as`)

var listNext = regexp.MustCompile(`^,? (?:and|or|as well as|&|nor) `)

// numberNext matches the start of what follows a cut when it is a number or
// unit phrase.
var numberNext = regexp.MustCompile(`(?i)^[,\s(]*(?:[$£€¥]?\d|(?:one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|twenty|thirty|forty|fifty|hundred|hundreds|thousand|thousands|million|millions|billion|billions|dozen|dozens)\b|per ?cent\b|%)`)
