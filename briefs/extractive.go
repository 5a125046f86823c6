package briefs

import (
	"math"
	"slices"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"
)

// Extractive is the summarizer that picks sentences of the article itself:
// no model, no network, deterministic, and fast enough to rebuild briefs in
// bulk (a few hundred microseconds per article on one core).
//
// News is written lead-first: the inverted pyramid puts who, what, when and
// where in the first sentences, which is why the Lead-3 baseline is so hard
// to beat on news. So the score of a sentence is mostly a position prior;
// centrality (LexRank over TF-IDF cosine similarity between sentences) only
// breaks ties between sentences of similar position and lifts a later
// sentence that restates the core of the story. Redundant sentences (high
// cosine similarity with one already chosen) are skipped, sentences that
// open with a pronoun lean on context the reader does not have and are
// skipped, long sentences are cut at a clause boundary, and the bullets come
// out in article order.
//
// An Extractive is safe for concurrent use: per-call scratch space comes from
// a sync.Pool.
type Extractive struct {
	p extractiveParams
}

// extractiveParams are the knobs of the scoring. They were tuned on the
// CNN/DailyMail development articles of shared/evaldata for ROUGE against
// human highlights, with the brief format as a hard constraint.
type extractiveParams struct {
	bullets   int     // bullets to pick when the article has enough usable sentences
	softLen   int     // a bullet longer than this (runes) is cut at a clause boundary when one fits
	minWords  int     // shorter sentences are not bullet material
	decay     float64 // position prior: 1/(1+pos)^decay
	central   float64 // weight of LexRank centrality (normalised to [0,1])
	redundant float64 // cosine similarity above which a sentence repeats a chosen one
	graph     int     // sentences that take part in the similarity graph
	weak      bool    // also skip weak openers ("That", "His", "Meanwhile")
	quote     float64
	digit     float64
	caption   float64
	long      float64
	longW     int
	firstCut  int
}

// NewExtractive returns the extractive summarizer with its tuned settings.
func NewExtractive() *Extractive {
	return &Extractive{p: extractiveParams{
		bullets:   4,
		softLen:   220,
		minWords:  6,
		decay:     1.0,
		central:   0.15,
		redundant: 0.5,
		graph:     60,
	}}
}

// Version names the algorithm and its settings; bump it when the output
// changes so that cached briefs are rebuilt.
func (x *Extractive) Version() string { return "extractive/1" }

// sentence is the per-sentence state of one Summarize call.
type sentence struct {
	text     string  // as segmented
	bullet   string  // repaired and trimmed bullet text; "" when unusable
	pos      int     // index in the article
	words    int     // word count
	lo, hi   int     // range of its terms in scratch.terms / scratch.weights
	norm     float64 // L2 norm of its TF-IDF vector
	central  float64 // LexRank score, normalised to [0,1]
	score    float64
	selected bool
}

// scratch is the reusable memory of one Summarize call.
type scratch struct {
	sents   []string
	info    []sentence
	vocab   map[string]int32
	df      []int32
	mark    []int32 // mark[t] == i+1 when term t was seen in sentence i
	at      []int32 // at[t] = index of term t in terms for the current sentence
	terms   []int32
	weights []float64
	dense   []float64
	sim     []float64
	rank    []float64
	next    []float64
	lower   []byte
	order   []int
}

var scratchPool = sync.Pool{New: func() any {
	return &scratch{vocab: make(map[string]int32, 512)}
}}

func (sc *scratch) release() {
	clear(sc.vocab)
	clear(sc.sents) // drop references to the article text
	clear(sc.info)
	sc.sents, sc.info = sc.sents[:0], sc.info[:0]
	scratchPool.Put(sc)
}

// Summarize builds the summary of doc. Errors: EINVALID when the text is
// empty, not UTF-8 or binary, or has no sentences once boilerplate is gone.
func (x *Extractive) Summarize(doc Document) (Summary, error) {
	if err := checkText(doc.Text); err != nil {
		return Summary{}, err
	}
	cd := Clean(doc.Text)
	sc := scratchPool.Get().(*scratch)
	defer sc.release()

	sc.sents = appendSentences(sc.sents[:0], cd.Body)
	if len(sc.sents) == 0 {
		if cd.Dropped > 0 || len(cd.Headlines) > 0 {
			return Summary{}, Errorf(EINVALID, "The text holds only headlines and page boilerplate (captions, app prompts, share buttons), no story to summarize.")
		}
		return Summary{}, Errorf(EINVALID, "The text has no sentences to summarize.")
	}
	x.analyse(sc)
	picked := x.pick(sc)
	if len(picked) == 0 {
		return Summary{}, Errorf(EINVALID, "The text has no complete sentences to summarize.")
	}

	sum := Summary{
		Byline:      cd.Byline,
		PublishedAt: cd.PublishedAt,
		Words:       countWords(cd.Body),
	}
	sum.Bullets = make([]string, len(picked))
	for i, k := range picked {
		sum.Bullets[i] = sc.info[k].bullet
	}
	sum.Gist = x.gist(sc, picked)
	sum.Title = x.title(doc.Title, cd.Headlines, sc, picked)
	sum.Entities = entitiesOf(cd.Headlines, sc.sents, MaxEntities)
	return sum, nil
}

// checkText rejects what cannot be an article before any work is done.
func checkText(text string) error {
	if strings.TrimSpace(text) == "" {
		return Errorf(EINVALID, "The article text is empty.")
	}
	if !utf8.ValidString(text) {
		return Errorf(EINVALID, "The text is not valid UTF-8 (binary data or another encoding); paste plain text.")
	}
	ctrl := 0
	for i := 0; i < len(text); i++ {
		c := text[i]
		if c == 0 {
			return Errorf(EINVALID, "The text holds binary data (NUL bytes); paste plain text.")
		}
		if c < 0x20 && c != '\n' && c != '\r' && c != '\t' {
			ctrl++
		}
	}
	if ctrl > 8 && ctrl*20 > len(text) {
		return Errorf(EINVALID, "The text looks like binary data (control characters); paste plain text.")
	}
	return nil
}

// analyse tokenizes the sentences, builds TF-IDF vectors, the similarity
// graph and the scores.
func (x *Extractive) analyse(sc *scratch) {
	n := len(sc.sents)
	sc.info = slices.Grow(sc.info[:0], n)[:n]
	sc.terms, sc.weights = sc.terms[:0], sc.weights[:0]
	sc.df = sc.df[:0]
	sc.mark, sc.at = sc.mark[:0], sc.at[:0]
	for i, s := range sc.sents {
		si := &sc.info[i]
		*si = sentence{text: s, pos: i, lo: len(sc.terms)}
		si.words = x.tokenize(sc, s, i)
		si.hi = len(sc.terms)
	}
	// TF-IDF weights, with sentences as the documents.
	nf := float64(n)
	for i := range sc.info {
		si := &sc.info[i]
		var sq float64
		for k := si.lo; k < si.hi; k++ {
			w := (1 + math.Log(sc.weights[k])) * math.Log(1+nf/float64(sc.df[sc.terms[k]]))
			sc.weights[k] = w
			sq += w * w
		}
		si.norm = math.Sqrt(sq)
	}
	x.lexRank(sc)
	for i := range sc.info {
		si := &sc.info[i]
		si.bullet = x.bulletText(si)
		si.score = math.Pow(1+float64(i), -x.p.decay) + x.p.central*si.central
		t := si.text
		if isOpenQuote(firstRune(t)) {
			si.score -= x.p.quote
		}
		if strings.ContainsAny(t, "0123456789") {
			si.score += x.p.digit
		}
		if !endsTerminal(t) {
			si.score += x.p.caption
		}
		if si.words > x.p.longW {
			si.score -= x.p.long * float64(si.words-x.p.longW)
		}
	}
}

// tokenize adds the terms of sentence i to the scratch term lists (raw term
// frequencies in weights) and returns its word count. Terms are lower-cased
// words without stopwords, with a possessive "'s" and a plural "s" removed,
// enough to match "Putin's"/"Putin" and "talks"/"talk" without a stemmer.
func (x *Extractive) tokenize(sc *scratch, s string, i int) int {
	words := 0
	for p := 0; p < len(s); {
		r, size := utf8.DecodeRuneInString(s[p:])
		if !isWordRune(r) {
			p += size
			continue
		}
		start := p
		upper, ascii := false, true
		for p < len(s) {
			r, size = utf8.DecodeRuneInString(s[p:])
			if isWordRune(r) {
				if r >= utf8.RuneSelf {
					ascii = false
				} else if r >= 'A' && r <= 'Z' {
					upper = true
				}
				p += size
				continue
			}
			if r == '\'' && p+1 < len(s) && isWordRune(rune(s[p+1])) {
				p += size
				continue
			}
			break
		}
		words++
		w := s[start:p]
		if upper || !ascii {
			if ascii {
				sc.lower = append(sc.lower[:0], w...)
				for k, c := range sc.lower {
					if c >= 'A' && c <= 'Z' {
						sc.lower[k] = c + 'a' - 'A'
					}
				}
			} else {
				sc.lower = append(sc.lower[:0], strings.ToLower(w)...)
			}
		} else {
			sc.lower = append(sc.lower[:0], w...)
		}
		key := stemBytes(sc.lower)
		if len(key) < 2 || stopwords[string(key)] {
			continue
		}
		id, ok := sc.vocab[string(key)]
		if !ok {
			var k string
			if !upper && ascii && len(key) <= len(w) {
				k = w[:len(key)] // a prefix of the text: no allocation
			} else {
				k = string(key)
			}
			id = int32(len(sc.df))
			sc.vocab[k] = id
			sc.df = append(sc.df, 0)
			sc.mark = append(sc.mark, 0)
			sc.at = append(sc.at, 0)
		}
		if sc.mark[id] == int32(i+1) {
			sc.weights[sc.at[id]]++
			continue
		}
		sc.mark[id] = int32(i + 1)
		sc.at[id] = int32(len(sc.terms))
		sc.df[id]++
		sc.terms = append(sc.terms, id)
		sc.weights = append(sc.weights, 1)
	}
	return words
}

// stemBytes strips a possessive and a plural "s" from a lower-case word.
func stemBytes(b []byte) []byte {
	n := len(b)
	if n > 2 && b[n-2] == '\'' && b[n-1] == 's' {
		n -= 2
	}
	if n > 4 && b[n-1] == 's' && b[n-2] != 's' && b[n-2] != 'u' && b[n-2] != 'i' {
		n--
	}
	return b[:n]
}

// lexRank computes continuous LexRank (PageRank over the cosine similarity
// graph) for the first sentences and stores it normalised to [0,1].
func (x *Extractive) lexRank(sc *scratch) {
	n := min(len(sc.info), x.p.graph)
	if n < 2 {
		for i := range sc.info {
			sc.info[i].central = 1
		}
		return
	}
	if cap(sc.dense) < len(sc.df) {
		sc.dense = make([]float64, len(sc.df))
	}
	dense := sc.dense[:len(sc.df)]
	sc.sim = slices.Grow(sc.sim[:0], n*n)[:n*n]
	sim := sc.sim
	clear(sim)
	for i := 0; i < n; i++ {
		si := &sc.info[i]
		if si.norm == 0 {
			continue
		}
		for k := si.lo; k < si.hi; k++ {
			dense[sc.terms[k]] = sc.weights[k]
		}
		for j := i + 1; j < n; j++ {
			sj := &sc.info[j]
			if sj.norm == 0 {
				continue
			}
			var dot float64
			for k := sj.lo; k < sj.hi; k++ {
				dot += dense[sc.terms[k]] * sc.weights[k]
			}
			if dot != 0 {
				c := dot / (si.norm * sj.norm)
				sim[i*n+j], sim[j*n+i] = c, c
			}
		}
		for k := si.lo; k < si.hi; k++ {
			dense[sc.terms[k]] = 0
		}
	}
	// Row-normalise into a transition matrix (in place: row sums first).
	sc.rank = slices.Grow(sc.rank[:0], n)[:n]
	sc.next = slices.Grow(sc.next[:0], n)[:n]
	rank, next := sc.rank, sc.next
	for i := 0; i < n; i++ {
		var sum float64
		for j := 0; j < n; j++ {
			sum += sim[i*n+j]
		}
		rank[i] = 1 / float64(n)
		if sum > 0 {
			for j := 0; j < n; j++ {
				sim[i*n+j] /= sum
			}
		}
	}
	const d = 0.85
	for it := 0; it < 30; it++ {
		var dangling float64
		for i := 0; i < n; i++ {
			next[i] = 0
		}
		for i := 0; i < n; i++ {
			ri := rank[i]
			if sc.info[i].norm == 0 {
				dangling += ri
				continue
			}
			row := sim[i*n : i*n+n]
			for j, v := range row {
				if v != 0 {
					next[j] += ri * v
				}
			}
		}
		var delta float64
		base := (1-d)/float64(n) + d*dangling/float64(n)
		for i := 0; i < n; i++ {
			v := base + d*next[i]
			delta += math.Abs(v - rank[i])
			rank[i] = v
		}
		if delta < 1e-6 {
			break
		}
	}
	var hi float64
	for i := 0; i < n; i++ {
		hi = max(hi, rank[i])
	}
	for i := range sc.info {
		if i < n && hi > 0 {
			sc.info[i].central = rank[i] / hi
		} else {
			sc.info[i].central = 0
		}
	}
	// Keep the raw similarities for redundancy checks: recompute lazily
	// from vectors instead (the matrix is now a transition matrix).
}

// cosine is the TF-IDF cosine similarity of sentences a and b.
func (sc *scratch) cosine(a, b *sentence) float64 {
	if a.norm == 0 || b.norm == 0 {
		return 0
	}
	var dot float64
	for i := a.lo; i < a.hi; i++ {
		for j := b.lo; j < b.hi; j++ {
			if sc.terms[i] == sc.terms[j] {
				dot += sc.weights[i] * sc.weights[j]
			}
		}
	}
	return dot / (a.norm * b.norm)
}

// pick chooses the bullets: the best-scoring usable sentences that do not
// repeat one another, returned in article order.
func (x *Extractive) pick(sc *scratch) []int {
	order := sc.order[:0]
	for i := range sc.info {
		if sc.info[i].bullet != "" {
			order = append(order, i)
		}
	}
	if len(order) == 0 {
		// Nothing passes the quality bar: fall back to any sentence of a
		// few words that does not dangle.
		for i := range sc.info {
			si := &sc.info[i]
			if si.words >= 2 && !HasDanglingOpener(si.text) {
				si.bullet = clauseTrim(si.text, MaxBulletLen, MaxBulletLen)
				order = append(order, i)
				break
			}
		}
	}
	slices.SortStableFunc(order, func(a, b int) int {
		sa, sb := sc.info[a].score, sc.info[b].score
		switch {
		case sa > sb:
			return -1
		case sa < sb:
			return 1
		}
		return a - b
	})
	var picked []int
	for _, i := range order {
		if len(picked) == x.p.bullets {
			break
		}
		si := &sc.info[i]
		dup := false
		for _, j := range picked {
			if sc.cosine(si, &sc.info[j]) > x.p.redundant || sc.info[j].bullet == si.bullet {
				dup = true
				break
			}
		}
		if dup {
			continue
		}
		si.selected = true
		picked = append(picked, i)
	}
	sc.order = order
	slices.Sort(picked)
	return picked
}

// bulletText makes a bullet of a sentence, or returns "" when the sentence is
// not bullet material: too short, a question, a label, a fragment, or one
// that opens with a pronoun that needs the sentence before it. A leading
// connective ("But,", "However,") is trimmed when the rest stands alone.
func (x *Extractive) bulletText(si *sentence) string {
	s := si.text
	if si.words < x.p.minWords || si.words > 120 {
		return ""
	}
	last, _ := utf8.DecodeLastRuneInString(strings.TrimRight(s, `"')`))
	if last == '?' || last == ':' || last == ',' {
		return ""
	}
	if !hasLower(s) {
		return "" // ALL CAPS shouting or a label
	}
	if r := firstRune(s); !unicode.IsUpper(r) && !unicode.IsDigit(r) && !isOpenQuote(r) {
		return "" // a fragment
	}
	if HasDanglingOpener(s) || x.p.weak && weakOpener(s) {
		rest, ok := dropConnective(s)
		if !ok || HasDanglingOpener(rest) || x.p.weak && weakOpener(rest) {
			return ""
		}
		s = rest
	}
	if x.p.firstCut > 0 && utf8.RuneCountInString(s) > x.p.softLen {
		if cut := firstBoundary(s, x.p.firstCut, clauseMarks); cut > 0 {
			return endSentence(s[:cut])
		}
	}
	return clauseTrim(s, x.p.softLen, MaxBulletLen)
}

// firstBoundary returns the byte offset of the first mark at or after lo
// that is not inside parentheses, or -1.
func firstBoundary(s string, lo int, marks []string) int {
	best := -1
	for _, m := range marks {
		if lo >= len(s) {
			break
		}
		i := strings.Index(s[lo:], m)
		if i < 0 {
			continue
		}
		i += lo
		if (best < 0 || i < best) && balanced(s[:i]) {
			best = i
		}
	}
	return best
}

// weakOpener reports openers that, like the pronouns HasDanglingOpener
// knows, point back to a sentence the reader has not seen.
func weakOpener(s string) bool {
	w := firstWordLower(s)
	return weakOpeners[w]
}

var weakOpeners = setOf("that", "these", "those", "such", "and", "so", "yet", "still", "then",
	"there", "his", "her", "their", "its", "we", "they're", "it's", "that's", "he's", "she's",
	"instead", "meanwhile", "nevertheless", "moreover", "furthermore", "besides", "likewise",
	"otherwise", "thus", "hence", "therefore", "again", "too")

// connectives can be cut from the start of a sentence without changing what
// it asserts.
var connectives = setOf("but", "however", "also", "and", "yet", "still", "so", "moreover",
	"furthermore", "meanwhile", "nevertheless", "besides", "thus", "instead")

// dropConnective removes a leading connective ("But, ...", "However, ...",
// "And ...") and re-capitalises the rest. ok is false when there is no
// connective to drop.
func dropConnective(s string) (string, bool) {
	w := firstWordLower(s)
	if !connectives[w] {
		return s, false
	}
	i := strings.IndexByte(s, ' ')
	if i < 0 {
		return s, false
	}
	rest := strings.TrimLeft(s[i+1:], " ,")
	if s[i-1] != ',' && (w == "however" || w == "meanwhile" || w == "nevertheless" || w == "instead") {
		return s, false // "However much ...": not a connective
	}
	r, size := utf8.DecodeRuneInString(rest)
	if !unicode.IsLetter(r) || utf8.RuneCountInString(rest) < 20 {
		return s, false
	}
	if unicode.IsLower(r) {
		rest = string(unicode.ToUpper(r)) + rest[size:]
	}
	return rest, true
}

// firstWordLower returns the first word of s in lower case (letters and
// apostrophes).
func firstWordLower(s string) string {
	s = strings.TrimLeft(s, `"'( `)
	end := 0
	for end < len(s) {
		r, size := utf8.DecodeRuneInString(s[end:])
		if !unicode.IsLetter(r) && r != '\'' {
			break
		}
		end += size
	}
	return strings.ToLower(s[:end])
}

func hasLower(s string) bool {
	for _, r := range s {
		if unicode.IsLower(r) {
			return true
		}
	}
	return false
}

// clauseTrim shortens s when it is longer than soft runes: it cuts at the
// last clause boundary ("; ", " — ", ", which", ", while", ...) that leaves
// at least a third of the soft length, and ends the cut with a full stop. A
// sentence longer than hard with no such boundary is cut at a comma or, as a
// last resort, at a word boundary with an ellipsis. It never cuts inside a
// word and closes a quotation it cut open.
func clauseTrim(s string, soft, hard int) string {
	if utf8.RuneCountInString(s) <= soft {
		return s
	}
	minCut := soft / 3
	limit := runeOffset(s, soft)
	if cut := lastBoundary(s, minCut, limit, clauseMarks); cut > 0 {
		return endSentence(s[:cut])
	}
	if utf8.RuneCountInString(s) <= hard {
		return s
	}
	limit = runeOffset(s, hard-2)
	if cut := lastBoundary(s, minCut, limit, clauseMarks); cut > 0 {
		return endSentence(s[:cut])
	}
	if cut := lastBoundary(s, minCut, limit, commaMarks); cut > 0 {
		return endSentence(s[:cut])
	}
	cut := strings.LastIndexByte(s[:limit], ' ')
	if cut <= 0 {
		cut = limit
	}
	out := strings.TrimRight(s[:cut], " ,;:-\u2014\u2013") + "\u2026"
	return closeQuote(out)
}

// clauseMarks are places where a sentence can end without losing what its
// main clause says.
var clauseMarks = []string{"; ", " \u2014 ", " \u2013 ", " -- ", " - ", ", which ", ", while ",
	", whereas ", ", although ", ", though ", ", but ", ", who ", ", as ", ", after ", ", according to ",
	", saying ", ", adding ", ", with ", " (", ", and ", ", amid "}

var commaMarks = []string{", "}

// lastBoundary returns the byte offset of the last mark in s[lo:hi] that is
// not inside parentheses or an open quotation, or -1.
func lastBoundary(s string, lo, hi int, marks []string) int {
	best := -1
	for _, m := range marks {
		off := 0
		for {
			i := strings.Index(s[off:], m)
			if i < 0 {
				break
			}
			i += off
			if i > hi {
				break
			}
			if i >= lo && i > best && balanced(s[:i]) {
				best = i
			}
			off = i + 1
		}
	}
	return best
}

// balanced reports whether s has no open parenthesis.
func balanced(s string) bool {
	return strings.Count(s, "(") <= strings.Count(s, ")")
}

// endSentence ends a cut clause with a full stop (and a closing quote when
// the cut left a quotation open).
func endSentence(s string) string {
	s = strings.TrimRight(s, " ,;:-\u2014\u2013")
	return closeQuote(s + ".")
}

// closeQuote closes a double quotation that s leaves open.
func closeQuote(s string) string {
	if strings.Count(s, `"`)%2 == 1 {
		return s + `"`
	}
	return s
}

// runeOffset returns the byte offset of rune n of s (len(s) when shorter).
func runeOffset(s string, n int) int {
	for i := range s {
		if n == 0 {
			return i
		}
		n--
	}
	return len(s)
}

// gist is the one-line summary: the best-placed picked sentence, which on
// news is the lead, cut to the gist limit.
func (x *Extractive) gist(sc *scratch, picked []int) string {
	best := picked[0]
	for _, k := range picked {
		if sc.info[k].score > sc.info[best].score {
			best = k
		}
	}
	si := &sc.info[best]
	s := si.text
	if HasDanglingOpener(s) || weakOpener(s) {
		if rest, ok := dropConnective(s); ok {
			s = rest
		} else {
			s = si.bullet
		}
	}
	return clauseTrim(s, MaxGistLen, MaxGistLen)
}

// title picks the headline: the Document's title when given, else the first
// headline line of the text, else the best short sentence.
func (x *Extractive) title(given string, headlines []string, sc *scratch, picked []int) string {
	if t := squeezeSpaces(given); t != "" {
		return cutTitle(t)
	}
	for _, h := range headlines {
		if strings.Count(h, " ") >= 1 {
			return cutTitle(h)
		}
	}
	if len(headlines) > 0 {
		return cutTitle(headlines[0])
	}
	// The best-scoring sentence short enough to read as a headline.
	best := -1
	for i := range sc.info {
		si := &sc.info[i]
		if si.bullet == "" || utf8.RuneCountInString(si.text) > 120 {
			continue
		}
		if best < 0 || si.score > sc.info[best].score {
			best = i
		}
	}
	var t string
	if best >= 0 {
		t = sc.info[best].text
	} else {
		t = clauseTrim(sc.info[picked[0]].bullet, 120, MaxTitleLen)
	}
	t = strings.TrimRight(t, ".")
	return cutTitle(t)
}

// cutTitle keeps a title within MaxTitleLen runes, cutting at a word.
func cutTitle(t string) string {
	if utf8.RuneCountInString(t) <= MaxTitleLen {
		return t
	}
	cut := runeOffset(t, MaxTitleLen-1)
	if i := strings.LastIndexByte(t[:cut], ' '); i > 0 {
		cut = i
	}
	return strings.TrimRight(t[:cut], " ,;:-") + "\u2026"
}

// countWords counts the words of s: runs of non-space characters that hold
// a letter or a digit.
func countWords(s string) int {
	n := 0
	in, word := false, false
	for _, r := range s {
		if unicode.IsSpace(r) {
			if in && word {
				n++
			}
			in, word = false, false
			continue
		}
		in = true
		if !word && (unicode.IsLetter(r) || unicode.IsDigit(r)) {
			word = true
		}
	}
	if in && word {
		n++
	}
	return n
}
