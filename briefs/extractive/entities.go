package extractive

import (
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
// glued to names ("Russian President Vladimir Putin") and title-case
// headlines (every word capitalised). So: runs are taken from body sentences
// only; leading function words, titles and demonyms are peeled off; a
// sentence-initial single word counts only when the same word is known as a
// name from elsewhere; a single-name mention ("Putin") is credited to the
// full name ("Vladimir Putin") it abbreviates; headlines only add weight to
// names found in the body.

// MaxEntities is how many entities a briefs.Summary carries.
const MaxEntities = 10

// Entities returns the names in text (people, places, organisations as
// written), most mentioned first, at most limit.
func Entities(text string, limit int) []string {
	doc := Clean(text)
	return entitiesOf(doc.Headlines, Sentences(doc.Body), limit)
}

type entity struct {
	name    string
	count   int
	first   int  // order of first mention
	words   int  // number of words
	initial bool // seen only sentence-initially (not yet confirmed as a name)
	opener  bool // a multi-word name seen only at the start of sentences
}

type entityFinder struct {
	index map[string]int // name -> position in ents
	byEnd map[string]int // first or last word of a multi-word name -> its position
	ents  []entity
	order int
	buf   []byte
}

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

// entitiesOf finds entities in body sentences and weighs them by the
// headlines.
func entitiesOf(headlines, sents []string, limit int) []string {
	f := entityPool.Get().(*entityFinder)
	defer func() {
		clear(f.index)
		clear(f.byEnd)
		clear(f.ents) // drop references to the article text
		f.ents = f.ents[:0]
		f.order = 0
		entityPool.Put(f)
	}()
	for _, s := range sents {
		f.scan(s)
	}
	f.dropOpeners(sents)
	f.merge()
	for _, h := range headlines {
		f.boost(h)
	}
	ents := f.ents[:0:0]
	for _, e := range f.ents {
		if e.count > 0 && !e.initial {
			ents = append(ents, e)
		}
	}
	slices.SortStableFunc(ents, func(a, b entity) int {
		if c := cmp.Compare(b.count, a.count); c != 0 {
			return c
		}
		return cmp.Compare(a.first, b.first)
	})
	if len(ents) > limit {
		ents = ents[:max(limit, 0)]
	}
	out := make([]string, len(ents))
	for i, e := range ents {
		out[i] = e.name
	}
	return out
}

// span is a word of a run: s[start:end].
type span struct{ start, end int }

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
			j++
		}
		if i == j {
			break
		}
		cs, ce, lead, trail, colon := wordCore(s, i, j)
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
			if n > 0 && w == "The" {
				emit() // "Flinck The FBI": two names run together
			}
			if n == 0 {
				runInitial = initial
			}
			if n < len(run) {
				run[n] = span{cs, ce}
				n++
			}
			conn = 0
		case n > 0 && !trail && nameConnectors[w] && connectorFits(s, run[:n], conn):
			if n < len(run) {
				run[n] = span{cs, ce}
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

// wordCore returns the core of the word s[i:j]: opening quotes and brackets,
// closing punctuation and a possessive "'s" removed; an initial's full stop
// ("M.") and a dotted acronym ("U.S.") are kept. lead and trail report
// punctuation that separates the word from its neighbours; colon reports a
// trailing ":" (a label: the next word opens a clause).
func wordCore(s string, i, j int) (cs, ce int, lead, trail, colon bool) {
	cs, ce = i, j
	for cs < ce && strings.IndexByte(`"'([{`, s[cs]) >= 0 {
		cs++
		lead = true
	}
	for ce > cs {
		c := s[ce-1]
		if c == '.' && isInitialOrDotted(s[cs:ce]) {
			break
		}
		if strings.IndexByte(`"')]},;:!?.`, c) < 0 {
			break
		}
		if c == ':' {
			colon = true
		}
		ce--
		trail = true
	}
	if ce-cs > 2 && (strings.HasSuffix(s[cs:ce], "'s") || strings.HasSuffix(s[cs:ce], "s'")) {
		if s[ce-1] == 's' {
			ce -= 2
		} else {
			ce--
		}
		trail = true
	}
	// "War-era": keep the capitalised parts of a hyphenated word.
	if h := strings.IndexByte(s[cs:ce], '-'); h > 0 {
		for k := cs + h; k < ce; {
			next := k + 1
			if next < ce && unicode.IsLower(firstRune(s[next:ce])) {
				ce = k
				trail = true
				break
			}
			m := strings.IndexByte(s[next:ce], '-')
			if m < 0 {
				break
			}
			k = next + m
		}
	}
	return cs, ce, lead, trail, colon
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

// emit records one run of capitalised words.
func (f *entityFinder) emit(s string, run []span, initial bool) {
	word := func(k int) []byte { return f.low(s[run[k].start:run[k].end]) }
	// Peel off leading function words ("The"), and a title with the
	// nationality before it ("Russian President", "North Korean leader").
	for len(run) > 0 {
		lw := word(0)
		if (stopwords[string(lw)] && string(lw) != "new") || commonCaps[string(lw)] {
			run = run[1:]
			initial = false
			continue
		}
		break
	}
	k := 0
	for k < len(run)-1 && compass[string(word(k))] && demonyms[string(word(k+1))] {
		k++
	}
	for k < len(run)-1 && demonyms[string(word(k))] {
		k++
	}
	if t := k; t < len(run)-1 && nameTitles[string(word(t))] {
		for t < len(run)-1 && nameTitles[string(word(t))] {
			t++
		}
		run = run[t:]
		initial = false
	}
	// A title inside the run starts the name ("Superior Court Judge Arnold
	// O. Jones" -> "Arnold O. Jones").
	for t := len(run) - 3; t >= 1; t-- {
		if nameTitles[string(word(t))] {
			run = run[t+1:]
			initial = false
			break
		}
	}
	// And trailing verbs and function words ("Putin Is" in a title-case line).
	for len(run) > 0 && trailingPeel[string(word(len(run)-1))] {
		run = run[:len(run)-1]
	}
	if len(run) == 0 {
		return
	}
	allAdj := true
	for k := range run {
		lw := word(k)
		if !demonyms[string(lw)] && !compass[string(lw)] && !nameTitles[string(lw)] && !commonCaps[string(lw)] {
			allAdj = false
			break
		}
	}
	if allAdj {
		return // "Russian", "North Korean", "President"
	}
	name := s[run[0].start:run[len(run)-1].end]
	if utf8.RuneCountInString(name) < 2 {
		return
	}
	single := len(run) == 1
	idx, ok := f.index[name]
	if !ok {
		idx = len(f.ents)
		f.index[name] = idx
		f.ents = append(f.ents, entity{name: name, first: f.order, words: len(run), initial: true, opener: true})
		f.order++
	}
	e := &f.ents[idx]
	e.count++
	if !(initial && single) {
		e.initial = false
	}
	if !initial || single {
		e.opener = false
	}
}

// dropOpeners fixes multi-word names that were only seen at the start of a
// sentence, where the first word is capitalised anyway: when that word
// occurs in lower case elsewhere in the text ("Schoolboy Frankie Franz" and
// "the schoolboy"), it is not part of the name.
func (f *entityFinder) dropOpeners(sents []string) {
	checked := 0
	for i := range len(f.ents) {
		e := &f.ents[i]
		if !e.opener || e.count == 0 {
			continue
		}
		if checked++; checked > 20 {
			break // bounded work on hostile input
		}
		sp := strings.IndexByte(e.name, ' ')
		lw := string(f.low(e.name[:sp]))
		found := false
		for _, s := range sents[:min(len(sents), 200)] {
			if containsWord(s, lw) {
				found = true
				break
			}
		}
		if !found {
			continue
		}
		rest := e.name[sp+1:]
		count, first := e.count, e.first
		e.count = 0
		if k, ok := f.index[rest]; ok {
			f.ents[k].count += count
			f.ents[k].first = min(f.ents[k].first, first)
			f.ents[k].initial = false
			continue
		}
		f.index[rest] = len(f.ents)
		f.ents = append(f.ents, entity{name: rest, count: count, first: first, words: strings.Count(rest, " ") + 1})
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
		if m.words < 2 || m.count == 0 {
			continue
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
			continue
		}
		if e.words > 1 {
			first := e.name[:strings.IndexByte(e.name, ' ')]
			last := e.name[strings.LastIndexByte(e.name, ' ')+1:]
			if len(last) > 2 && containsWord(h, last) || len(first) > 2 && !compass[strings.ToLower(first)] && containsWord(h, first) {
				e.count++
			}
		}
	}
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

// commonCaps are capitalised words that are not names on their own.
var commonCaps = setOf("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday",
	"january", "february", "march", "april", "may", "june", "july", "august", "september", "october",
	"november", "december", "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct",
	"nov", "dec", "i", "i'm", "i've", "i'd", "i'll", "mr", "mrs", "ms", "dr", "prof", "sir", "ok",
	"according", "last", "next", "former", "ex", "many", "several", "some",
	"yes", "no", "oh", "meanwhile", "still", "now", "earlier", "later", "today", "yesterday", "tomorrow",
	"tonight", "despite", "instead", "even", "like", "unlike", "speaking", "asked", "read", "click",
	"photo", "video", "pictured", "above", "below", "left", "right", "update", "updated", "breaking",
	"exclusive", "watch", "see", "getty", "images", "why", "how", "what", "who", "when", "where",
	"well", "so", "yet", "though", "although", "while", "if", "unless", "because", "since",
	"however", "also", "meanwhile", "first", "second", "third", "finally", "here", "there")

// nameTitles precede names and are not part of them.
var nameTitles = setOf("president", "vice", "prime", "minister", "chancellor", "secretary", "senator",
	"sen", "gov", "governor", "rep", "representative", "congressman", "congresswoman", "mayor",
	"king", "queen", "prince", "princess", "pope", "general", "gen", "colonel", "col", "captain",
	"capt", "lieutenant", "lt", "sergeant", "sgt", "officer", "detective", "judge", "justice",
	"chief", "director", "chairman", "chairwoman", "ceo", "coach", "manager", "leader", "lord",
	"lady", "dame", "saint", "sheikh", "ayatollah", "archbishop", "bishop", "father", "sister",
	"brother", "uncle", "aunt", "professor", "doctor", "dr", "mr", "mrs", "ms", "miss", "sir",
	"ambassador", "commissioner", "inspector", "superintendent", "sheriff", "deputy", "former",
	"acting", "interim", "senior", "attorney", "late")

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
