package evaluate

import (
	"fmt"
	"regexp"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	porterstemmer "github.com/blevesearch/go-porterstemmer"

	"briefbot/briefs"
)

// Reader checks look at a brief the way a reader would, next to the article
// it was made from, without knowing how the summarizer works: is the gist
// repeated as a point, do two points say the same thing, is a point a whole
// sentence of the article or a cut of one (and if a cut, does it still read
// as a statement), does a point lean on a sentence the reader has not seen,
// and is it page furniture rather than story text.
//
// Every check is a named rule; a brief can trip several rules, and a rule
// several times. The rules, in report order:
const (
	// RuleGistRepeated: a bullet equal to the gist, or most of whose content
	// words are the gist's (at least 60% of the bullet's stemmed content
	// words are in the gist, or at least 80% of the gist's are in the
	// bullet).
	RuleGistRepeated = "gist-repeated"
	// RuleNearDuplicate: two bullets that say nearly the same thing: they
	// share at least 3 stemmed content words, and the Jaccard similarity of
	// their content words is at least 0.5 or at least 80% of the shorter
	// one's are in the longer one. Counted per pair.
	RuleNearDuplicate = "near-duplicate"
	// RuleCut: a bullet or gist that is not a whole sentence of the article
	// (see wholeSentence for what counts as whole).
	RuleCut = "cut"
	// RuleCutNoVerb: a cut without a finite verb (English only, see
	// hasFiniteVerb): a fragment rather than a statement.
	RuleCutNoVerb = "cut-no-verb"
	// RuleCutListTail: a cut that ends inside a list: the article goes on
	// with ", and Z", " or Z", or ", Z and W".
	RuleCutListTail = "cut-list-tail"
	// RuleCutOpenQuote: a cut that ends inside a quotation of the article.
	RuleCutOpenQuote = "cut-open-quote"
	// RuleCutBeforeNumber: a cut that ends right before a number or unit
	// phrase ("John Smith" of "John Smith, 25, said"; "rose by" of "rose by
	// 5 percent").
	RuleCutBeforeNumber = "cut-before-number"
	// RuleDangling: a bullet or gist whose first word leans on a sentence
	// before it, in the article's language (Config.Dangles).
	RuleDangling = "dangling-opener"

	// Page furniture: text of the page that is not a sentence of the story.

	// RulePhotoCredit: photo captions and credits: "(Photo: ...)", "Getty
	// Images", "AP Photo", "Photograph:", "Credit:".
	RulePhotoCredit = "photo-credit"
	// RuleGalleryLabel: gallery and slideshow labels: "Xbox One X | 14
	// Photos.", "View gallery".
	RuleGalleryLabel = "gallery-label"
	// RuleHeading: a section heading (2 to 8 words, no verb as hasPlainVerb
	// sees it, Title Case) or a breadcrumb trail ("News » Science").
	RuleHeading = "section-heading"
	// RuleLabel: a label before a colon at the start: "Putin's words: ...",
	// "WATCH: ...", "Pictured: ..." (at most 4 words, no verb).
	RuleLabel = "label"
	// RuleDateline: a dateline at the start: "LONDON —", "ZÜRICH —", "Feb.
	// 23, 2015 --", "WASHINGTON (Reuters) -", "(CNN)".
	RuleDateline = "dateline"
	// RuleByline: "By John Smith" (a name, not "By Tuesday, ...").
	RuleByline = "byline"
	// RuleSharePrompt: share, app and newsletter prompts and other page
	// calls to action: "Share this", "Tap to install", "Click here", "Sign
	// up", "delivered to your inbox", "Advertisement".
	RuleSharePrompt = "share-prompt"
	// RuleEditorNote: "Editor's note:", "Translator's note", corrections,
	// sponsorship and affiliate disclosures ("All opinions are mine", "#ad").
	RuleEditorNote = "editor-note"
	// RuleGluedLines: two lines of the article (list items, a heading and a
	// paragraph) glued into one point: the text runs over a line break of
	// the article, or holds a list glyph.
	RuleGluedLines = "glued-lines"
)

// ReaderRules are the rule names in report order.
var ReaderRules = []string{
	RuleGistRepeated, RuleNearDuplicate,
	RuleCut, RuleCutNoVerb, RuleCutListTail, RuleCutOpenQuote, RuleCutBeforeNumber,
	RuleDangling,
	RulePhotoCredit, RuleGalleryLabel, RuleHeading, RuleLabel, RuleDateline, RuleByline,
	RuleSharePrompt, RuleEditorNote, RuleGluedLines,
}

// Hit is one reader-check finding.
type Hit struct {
	Rule  string `json:"rule"`
	Where string `json:"where"` // "gist", "bullet 2", "bullets 1+3"
	Text  string `json:"text"`  // the offending text
	Note  string `json:"note,omitempty"`
}

// CheckBrief runs the reader checks on brief b of the article source written
// in language lang (ISO 639-1, "" when unknown). dangles reports whether a
// sentence opens with a word that leans on the sentence before it; nil skips
// that rule.
func CheckBrief(source string, b briefs.Brief, lang string, dangles func(lang, s string) bool) []Hit {
	src := newSourceText(source)
	english := (lang == "" || lang == "en") && latinScript(source)
	var hits []Hit
	add := func(rule, where, text, note string) {
		hits = append(hits, Hit{Rule: rule, Where: where, Text: text, Note: note})
	}

	// Gist repeated, near duplicates.
	gistWords := contentWords(b.Gist)
	bulletWords := make([][]string, len(b.Bullets))
	for i, bl := range b.Bullets {
		bulletWords[i] = contentWords(bl)
		where := bulletName(i)
		if strings.TrimSpace(b.Gist) == "" {
			continue
		}
		if normCompare(bl) == normCompare(b.Gist) {
			add(RuleGistRepeated, where, bl, "same as the gist")
			continue
		}
		inGist, gistIn := containment(bulletWords[i], gistWords), containment(gistWords, bulletWords[i])
		if len(bulletWords[i]) > 0 && inGist >= 0.6 || len(gistWords) > 0 && gistIn >= 0.8 {
			add(RuleGistRepeated, where, bl, fmtf("%.0f%% of its content words are the gist's; %.0f%% of the gist's are in it", 100*inGist, 100*gistIn))
		}
	}
	for i := range b.Bullets {
		for j := i + 1; j < len(b.Bullets); j++ {
			if dup, note := nearDuplicate(bulletWords[i], bulletWords[j]); dup {
				add(RuleNearDuplicate, fmtf("bullets %d+%d", i+1, j+1), b.Bullets[i]+" | "+b.Bullets[j], note)
			}
		}
	}

	// Per text: cuts, dangling openers, furniture.
	check := func(where, text string) {
		if strings.TrimSpace(text) == "" {
			return
		}
		m := src.locate(text)
		if !m.whole {
			add(RuleCut, where, text, m.note)
			if english && !hasFiniteVerb(mainClause(text)) {
				add(RuleCutNoVerb, where, text, "")
			}
			if m.end >= 0 {
				rest := src.flat[m.end:]
				if listTail(rest) {
					add(RuleCutListTail, where, text, "article goes on: "+snippet(rest, 40))
				}
				if src.insideQuote(m.end) {
					add(RuleCutOpenQuote, where, text, "article goes on: "+snippet(rest, 40))
				}
				if numberNext.MatchString(rest) {
					add(RuleCutBeforeNumber, where, text, "article goes on: "+snippet(rest, 40))
				}
			}
		}
		if dangles != nil && dangles(lang, text) {
			add(RuleDangling, where, text, "")
		}
		for _, f := range furniture {
			if note, ok := f.match(text, english); ok {
				add(f.rule, where, text, note)
			}
		}
		if m.glued || strings.Contains(text, " • ") {
			add(RuleGluedLines, where, text, "runs over a line break of the article")
		}
	}
	check("gist", b.Gist)
	for i, bl := range b.Bullets {
		check(bulletName(i), bl)
	}
	return hits
}

// latinScript reports whether most letters of s (at least 90% of the
// first 2,000) are ASCII, so that the English heuristics can apply even
// when the language is unknown.
func latinScript(s string) bool {
	letters, ascii := 0, 0
	for _, r := range s {
		if !unicode.IsLetter(r) {
			continue
		}
		letters++
		if r < utf8.RuneSelf {
			ascii++
		}
		if letters == 2000 {
			break
		}
	}
	return letters == 0 || 10*ascii >= 9*letters
}

func bulletName(i int) string { return fmtf("bullet %d", i+1) }

// --- Whole sentences -------------------------------------------------------

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

// --- Finite verbs -----------------------------------------------------------

// hasFiniteVerb is a heuristic for English: s has a finite verb when a word
// is a common auxiliary or verb form (is, was, has, will, said, says, made,
// ...), or, in lower case right after a noun-ish word (a word that is not
// a determiner, preposition, conjunction or object pronoun), is a common
// verb in its base form ("Germans think"), or ends in -ed (not hyphenated:
// "career-oriented") or -s (not after a number, not a possessive): "the
// company's profits rose" has "rose"; "police arrested" has "arrested". It
// errs on the side of finding a verb ("the new rules" counts "rules"), so
// cuts without a verb are under-counted rather than invented. The cut
// check looks at the main clause only (mainClause), so "the actor, who
// stars in the show" has no verb.
func hasFiniteVerb(s string) bool {
	words := wordsOf(s)
	for i, w := range words {
		lw := strings.ToLower(w)
		if finiteVerbs[lw] || contraction(lw) {
			return true
		}
		if i == 0 || len(lw) < 3 {
			continue
		}
		prev := strings.ToLower(words[i-1])
		if nonNouns[prev] {
			continue
		}
		plural := strings.HasSuffix(lw, "s") && !strings.HasSuffix(lw, "ss") && !strings.HasSuffix(lw, "us") && !strings.HasSuffix(lw, "is")
		if baseVerbs[lw] ||
			strings.HasSuffix(lw, "ed") && !strings.Contains(lw, "-") ||
			plural && !isNumber(prev) && !strings.Contains(lw, "'") {
			if unicode.IsUpper([]rune(w)[0]) {
				continue // a name, not a verb
			}
			return true
		}
	}
	return false
}

// relativeClause matches a relative clause set off by a comma: ", who
// stars in the show," (up to the next comma or the end).
var relativeClause = regexp.MustCompile(`, (?:who|whom|whose|which|where|when)\b[^,]*(?:,|$)`)

// mainClause drops the relative clauses of s, so that the verb test looks
// for the main verb: "the actor, who stars in the show" has none.
func mainClause(s string) string {
	return relativeClause.ReplaceAllString(strings.TrimRight(s, "."), " ")
}

// contraction reports whether w holds a verb after an apostrophe:
// "they're", "we've", "she'll", "don't", and "'s" after a pronoun ("it's",
// not "Trump's").
func contraction(w string) bool {
	for _, suf := range []string{"'re", "'ve", "'ll", "'m", "n't"} {
		if strings.HasSuffix(w, suf) && len(w) > len(suf) {
			return true
		}
	}
	if base, ok := strings.CutSuffix(w, "'s"); ok {
		return sPronouns[base]
	}
	return false
}

var sPronouns = setOf(`he she it that there what who where here`)

// hasPlainVerb is the stricter verb test for short labels and headings,
// where Title Case hides names and plurals read as verbs: a word (in any
// case) is a listed verb form or contraction, or ends in -ed after a
// noun-ish word ("The Mayor Opened The Bridge"; not "Putin's words").
func hasPlainVerb(s string) bool {
	words := wordsOf(strings.ToLower(s))
	for i, w := range words {
		if finiteVerbs[w] || contraction(w) {
			return true
		}
		if i > 0 && len(w) > 4 && strings.HasSuffix(w, "ed") && !nonNouns[words[i-1]] {
			return true
		}
	}
	return false
}

var finiteVerbs = setOf(`is are was were am be been has have had do does did will would shall should
can could may might must 's 're 've 'll 'd isn't aren't wasn't weren't hasn't haven't hadn't
doesn't don't didn't won't wouldn't can't couldn't shouldn't mustn't
said says say told tells tell asked asks added adds went goes came comes took takes made makes
found finds gave gives got gets saw sees knew knows thought thinks became becomes began begins
left leaves won wins lost loses held holds led leads met meets paid pays sent sends spent spends
built builds fell falls rose rises hit hits put puts set sets cut cuts ran runs chose wrote writes
spoke broke drove flew grew threw wore sold sells bought buys brought brings caught fought kept keeps
felt feels stood stands sat shot struck hung fled heard hears meant means lay laid hid ate drank
sank sang swam rang bore sought seeks needs drew threw grew knew blew flew swore tore shook woke rode
bit dealt dug fed forgot froze lent lit quit sped spun spread sprang stole swept swung wept wound
withdrew overtook undertook arose beat bent bound clung crept dreamt forbade foresaw leapt misled
mistook overcame oversaw shone shrank slid strode strove underwent upheld wants wanted believes believed claims claimed
warns warned faces faced remains remained seems seemed appears appeared shows showed includes
included says reported reports announced announces confirmed confirms denied denies let lets`)

// baseVerbs are common verbs in their base form, finite after a plural
// subject ("Germans think", "Real Madrid travel").
var baseVerbs = setOf(`cost travel live think see need want know get make take come go play face
tell give find call try ask work seem feel leave mean keep begin show hear run move believe hold
bring happen write provide sit stand lose pay meet include continue learn change lead understand
watch follow stop create speak read allow add spend grow open walk win offer remember love consider
appear buy wait serve die send expect build stay fall reach kill remain suggest raise pass sell
require report decide pull claim warn plan hope fear agree vote fight help use`)

var nonNouns = setOf(`the a an of in on at for to from with by about into onto over under after before
between through during without within against among and or but nor so yet as than that which who whom
whose this these those its his her their our my your some any many much several all both each every
no more most less least few other another such own new old first last next same former late early if
when while where because although though since until unless whether than there here how what why him
them us me one two three four five six seven eight nine ten per via up down out off`)

func setOf(words string) map[string]bool {
	m := map[string]bool{}
	for _, w := range strings.Fields(words) {
		m[w] = true
	}
	return m
}

func isNumber(w string) bool {
	return w != "" && strings.Trim(w, "0123456789.,%$£€") == ""
}

// wordsOf splits s into words: runs of letters, digits and inner
// apostrophes or hyphens.
func wordsOf(s string) []string {
	return strings.FieldsFunc(normalize(s, false), func(r rune) bool {
		return !unicode.IsLetter(r) && !unicode.IsDigit(r) && r != '\'' && r != '-'
	})
}

// --- Content words ----------------------------------------------------------

// stopwords are English function words, left out of content-word overlaps.
var stopwords = setOf(`a an the and or but nor so yet of in on at for to from with by about into onto
over under after before between through during without within against among as than that which who
whom whose this these those it its he him his she her hers they them their theirs we us our you your
i me my is are was were be been being am has have had do does did will would shall should can could
may might must not no said says say also just very more most there here then when where while what
why how all any both each other some such only own same too s t mr mrs ms one`)

// contentWords returns the stemmed content words of s, each once, in
// order. Words of scripts written without spaces (Chinese, Japanese) count
// character by character.
func contentWords(s string) []string {
	var out []string
	seen := map[string]bool{}
	addWord := func(w string) {
		if !seen[w] {
			seen[w] = true
			out = append(out, w)
		}
	}
	for _, w := range wordsOf(strings.ToLower(s)) {
		w = strings.Trim(w, "'-")
		if w == "" || stopwords[w] {
			continue
		}
		if r, _ := utf8.DecodeRuneInString(w); unicode.In(r, unicode.Han, unicode.Hiragana, unicode.Katakana) {
			for _, c := range w {
				addWord(string(c))
			}
			continue
		}
		if utf8.RuneCountInString(w) < 2 && !isNumber(w) {
			continue
		}
		if isASCII(w) {
			w = porterstemmer.StemString(w)
		}
		addWord(w)
	}
	return out
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}

// containment is the share of a's words that are in b (0 when a is empty).
func containment(a, b []string) float64 {
	if len(a) == 0 {
		return 0
	}
	n := 0
	for _, w := range a {
		if slices.Contains(b, w) {
			n++
		}
	}
	return float64(n) / float64(len(a))
}

// nearDuplicate applies RuleNearDuplicate to the content words of two
// bullets.
func nearDuplicate(a, b []string) (bool, string) {
	if len(a) == 0 || len(b) == 0 {
		return false, ""
	}
	common := 0
	for _, w := range a {
		if slices.Contains(b, w) {
			common++
		}
	}
	jac := float64(common) / float64(len(a)+len(b)-common)
	small := min(len(a), len(b))
	cont := float64(common) / float64(small)
	if common >= 3 && (jac >= 0.5 || cont >= 0.8) {
		return true, fmtf("Jaccard %.2f, containment %.2f", jac, cont)
	}
	return false, ""
}

// normCompare is the form in which two texts are compared for equality.
func normCompare(s string) string {
	return strings.TrimRight(strings.ToLower(normalize(s, false)), ".!? ")
}

// --- Furniture --------------------------------------------------------------

type furnitureRule struct {
	rule  string
	match func(s string, english bool) (string, bool)
}

// re makes a rule of a regular expression: it fires when the expression
// matches, with the matched text as note.
func re(rule, expr string) furnitureRule {
	x := regexp.MustCompile(expr)
	return furnitureRule{rule, func(s string, _ bool) (string, bool) {
		m := x.FindString(normalize(s, false))
		return quoteShort(m), m != ""
	}}
}

var furniture = []furnitureRule{
	re(RulePhotoCredit, `\((?i:photos?|image|picture|credit)s?:|Getty Images|AP Photo|\b(?:Photograph|Photo|Image|Picture|Credit|Photo credit|Image credit):|\bPhotos? by \p{Lu}|\bvia Getty\b|/(?:AFP|Reuters|AP|EPA|Getty)\b`),
	re(RuleGalleryLabel, `\|\s*\d+\s+(?i:photos|pictures|images|slides)\b|^\d+\s+(?i:photos|pictures|images)\.?$|(?i)\bview (?:the )?(?:gallery|slideshow)\b|(?i)^(?:gallery|slideshow|in pictures)\b`),
	{RuleHeading, isHeading},
	{RuleLabel, isLabel},
	re(RuleDateline, `^\((?:CNN|AP|Reuters|AFP|UPI|EW\.com)[^()]{0,20}\)|^\p{Lu}[\p{Lu}\p{Lu}'.\- ]+(?:, [\p{Lu}][\p{L}.]+)*(?: \([^)]{1,30}\))?\s*(?:--|—|–|-)\s|^(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)[a-z]*\.? \d{1,2},? \d{4}\s*(?:--|—|–|-)|^\p{Lu}[\p{L}.' ]{1,30} \((?:AP|Reuters|AFP|CNN|UPI|dpa|Xinhua|Bloomberg)\)\s*(?:--|—|–|-|:)`),
	{RuleByline, isByline},
	re(RuleSharePrompt, `(?i)^(?:share this|share on|tap to|click here|sign up|subscribe|follow us|download (?:the|our)|get the app|read more|scroll down|watch the video|like us on)\b|(?i)\b(?:tap to install|click here to|share this with|sign up for our|subscribe to our|download our app|follow us on)\b|(?i)\bdelivered (?:to|through) your (?:inbox|letterbox|door)|(?i)^(?:advertisement|sponsored|related articles?|recommended(?: for you)?|most read)\.?$`),
	re(RuleEditorNote, `(?i)\b(?:editor'?s'? note|translator'?s'? note|this (?:article|story) (?:has been|was) (?:updated|amended|corrected)|^correction:|\ball opinions are (?:mine|my own)|\bthis (?:post|article) (?:is|was|contains) (?:sponsored|affiliate)|(?:^|\s)#ad\b|\baffiliate links?\b)`),
}

// isHeading: a breadcrumb trail ("News » Science"), or 2 to 8 words, no
// verb (hasPlainVerb), no closing "!" or "?", and Title Case (at least two
// thirds of the words that are not short function words start with a
// capital).
func isHeading(s string, english bool) (string, bool) {
	if breadcrumb.MatchString(s) { // before normalize makes "»" a quote
		return "breadcrumb", true
	}
	t := strings.TrimSpace(normalize(s, false))
	if !english || strings.HasSuffix(t, "?") || strings.HasSuffix(t, "!") || strings.HasSuffix(t, `"`) {
		return "", false
	}
	words := wordsOf(t)
	if len(words) < 2 || len(words) > 8 || hasPlainVerb(t) {
		return "", false
	}
	caps, n := 0, 0
	for _, w := range words {
		if titleSmall[strings.ToLower(w)] {
			continue
		}
		n++
		if r, _ := utf8.DecodeRuneInString(w); unicode.IsUpper(r) || unicode.IsDigit(r) {
			caps++
		}
	}
	return "", n >= 2 && 3*caps >= 2*n
}

// breadcrumb matches a navigation trail: "News » Science » Space".
var breadcrumb = regexp.MustCompile(`\S (?:»|›|>) \S`)

var titleSmall = setOf(`a an the and or but nor of in on at for to from with by as vs via per into over`)

// isLabel: a label of at most 4 words before a colon at the start, with no
// verb ("Putin's words: ...", "WATCH: ..."), not a time ("10:30").
func isLabel(s string, _ bool) (string, bool) {
	t := normalize(s, false)
	i := strings.Index(t, ": ")
	if i <= 0 || i > 40 {
		return "", false
	}
	head := t[:i]
	words := strings.Fields(head)
	if len(words) > 4 || strings.ContainsAny(head, `"`) || strings.Count(head, "(") != strings.Count(head, ")") || hasPlainVerb(head) || isNumber(words[len(words)-1]) || strings.HasPrefix(strings.ToLower(head), "according") {
		return "", false
	}
	return quoteShort(head + ":"), true
}

var bylineRe = regexp.MustCompile(`^(?:By|BY|Written by|Reporting by|Words by) ((?:\p{Lu}[\p{L}'.\-]*\.?\s?){1,4})(?:$|[,|•]| and | for | in | - | — |Updated|Published|Posted)`)

var notNames = setOf(`monday tuesday wednesday thursday friday saturday sunday january february march
april may june july august september october november december today tomorrow yesterday the this that
then now last next early late`)

// isByline: "By" and one to four capitalised words ending the text or
// followed by a comma, "and", "|" or a date label; not "By Tuesday, ...".
func isByline(s string, _ bool) (string, bool) {
	t := strings.TrimSpace(normalize(s, false))
	m := bylineRe.FindStringSubmatch(t)
	if m == nil {
		return "", false
	}
	first := strings.ToLower(strings.Fields(m[1])[0])
	if notNames[strings.Trim(first, ".,")] {
		return "", false
	}
	return quoteShort(strings.TrimSpace(m[0])), true
}

// --- Helpers ------------------------------------------------------------------

// snippet is the start of s, at most n runes, on one line.
func snippet(s string, n int) string {
	return briefs.Truncate(strings.Join(strings.Fields(s), " "), n)
}

func quoteShort(s string) string { return `"` + snippet(s, 40) + `"` }

var fmtf = fmt.Sprintf
