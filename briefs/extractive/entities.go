package extractive

import (
	"cmp"
	"slices"
	"strings"
	"sync"
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
