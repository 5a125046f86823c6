package extractive

import (
	"cmp"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"briefbot/briefs"
)

// slugParts makes the slug people would type for an article: one to three
// words from its most salient names (entities, most salient first), lower-case
// ASCII with hyphens. A person counts by surname ("Vladimir Putin" ->
// "putin", "Kim Jong Un" -> "kim"), a place or organisation by its whole name
// ("north-korea"). People come first, because a story is remembered by who it
// is about: people named in the title, then the leading people of the story;
// with fewer than two people, the leading place or organisation follows.
// Without names the title's nouns are used, and "article" when nothing fits
// in a slug (a title and names in Chinese or Japanese only). Uniqueness is the
// store's business: topic is the word it adds first ("putin-kim" ->
// "putin-kim-deal"), "" when the title has none.
func slugParts(title string, entities []string) (slug, topic string) {
	titleTerms := briefs.Terms(title)
	names := slugNamesOf(entities, titleTerms)
	p := slugPicker{used: map[string]bool{}}
	people := p.addPeople(names, titleTerms)
	if people < 2 {
		p.addPlaces(entities, names, titleTerms, people)
	}
	if p.n == 0 {
		p.addTitleNouns(titleTerms)
	}
	for _, e := range entities {
		if p.n > 0 {
			break
		}
		p.add(nameKey(e)) // short names, when nothing else fits
	}
	slug = briefs.Slugify(strings.Join(p.picked[:p.n], "-"), briefs.MaxSlugLen)
	if slug == "" {
		slug = "article"
	}
	return slug, titleTopic(titleTerms, entities, slug)
}

// slugName is what slugParts needs to know about a name as a person, worked
// out once because it asks about the same few names again and again. (The
// slug form of a place's name is made only where it is needed: Slugify
// allocates, and a slug with two people holds no place.)
type slugName struct {
	person bool   // isPersonName
	pkey   string // personKey, for a person: the word they are known by
}

// slugNamesOf works out the slugName of each entity.
func slugNamesOf(entities, titleTerms []string) []slugName {
	inTitle := func(t string) bool { return slices.Contains(titleTerms, t) }
	names := make([]slugName, len(entities))
	for i, e := range entities {
		names[i].person = isPersonName(e)
		if names[i].person {
			names[i].pkey = personKey(e, inTitle)
		}
	}
	return names
}

// slugPicker collects the keys of a slug: at most two, of three words in
// all, no word twice.
type slugPicker struct {
	picked [2]string // picked[:n] are the keys so far
	n      int
	used   map[string]bool // the words of the keys
	nwords int             // the words of the keys, counted
}

// add takes key when it still fits, and reports whether it did.
func (p *slugPicker) add(key string) bool {
	if p.n >= 2 || key == "" {
		return false
	}
	words := strings.Split(key, "-")
	if p.nwords > 0 && p.nwords+len(words) > 3 {
		return false // keep slugs short: at most three words
	}
	for _, w := range words {
		if p.used[w] {
			return false
		}
	}
	for _, w := range words {
		p.used[w] = true
	}
	p.nwords += len(words)
	p.picked[p.n] = key
	p.n++
	return true
}

// addPeople adds the people named in the title, then the leading people of
// the story (among the first five names), and returns how many it added.
func (p *slugPicker) addPeople(names []slugName, titleTerms []string) int {
	people := 0
	for _, n := range names {
		if n.person && n.pkey != "" && slices.Contains(titleTerms, n.pkey) && p.add(n.pkey) {
			people++
		}
	}
	for _, n := range names[:min(len(names), 5)] {
		if n.person && p.add(n.pkey) {
			people++
		}
	}
	return people
}

// addPlaces adds, beside at most one person, the leading place or
// organisation among the first five names: one named in the title first (in
// title order: its subject first), then the most salient. Two-letter names
// ("US", "TV") say little about a story: they are left for the last resort
// of slugParts.
func (p *slugPicker) addPlaces(entities []string, names []slugName, titleTerms []string, people int) {
	inTitle := func(t string) bool { return slices.Contains(titleTerms, t) }
	top := min(len(names), 5)
	keys, inTop := make([]string, top), make([]int, top)
	for i := range top {
		keys[i], inTop[i] = nameKey(entities[i]), i
	}
	slices.SortStableFunc(inTop, func(a, b int) int {
		return cmp.Compare(titlePos(keys[a], titleTerms), titlePos(keys[b], titleTerms))
	})
	for _, strong := range []bool{true, false} {
		for r := range top {
			i := r // by salience
			if strong && people == 0 {
				i = inTop[r] // by place in the title
			}
			if p.n >= 2 || people > 0 && p.n > people {
				break
			}
			key := keys[i]
			if names[i].person || len(key) <= 2 {
				continue
			}
			if people == 0 && p.n == 1 && (!strong || p.nwords+strings.Count(key, "-")+1 > 2) {
				continue // a second place or organisation: only from the title, two words at most
			}
			if !strong || allInTitle(key, inTitle) {
				p.add(key)
			}
		}
	}
}

// addTitleNouns adds up to two words of the title that can name a topic,
// for an article without names.
func (p *slugPicker) addTitleNouns(titleTerms []string) {
	for _, t := range titleTerms {
		if p.nwords >= 2 {
			break
		}
		if isTopicWord(t) {
			p.add(briefs.Slugify(t, briefs.MaxSlugLen))
		}
	}
}

// titleTopic is the topic word of a title: the head of its first noun
// phrase ("baby elephant" -> "elephant", "Deal With North Korea" -> "deal"),
// skipping the names it holds, words of the slug, verbs, adjectives, adverbs, function
// words and the verb after "to" or "will".
func titleTopic(terms, entities []string, slug string) string {
	skip := map[string]bool{}
	title := " " + strings.Join(terms, " ") + " "
	for _, e := range entities {
		// The words of a name the title holds ("Zurich Zoo"), but not a
		// common noun that some name ends with ("bridge").
		if ws := briefs.Terms(e); len(ws) > 0 && strings.Contains(title, " "+strings.Join(ws, " ")+" ") {
			for _, w := range ws {
				skip[w] = true
			}
		}
	}
	for _, w := range strings.Split(slug, "-") {
		skip[w] = true
	}
	topic := ""
	for i, t := range terms {
		s := briefs.Slugify(t, 24) // "kindle書籍を" -> "kindle"
		ok := !skip[t] && !skip[s] && isTopicWord(t) && !(i > 0 && verbBefore[terms[i-1]])
		if ok && s != "" && !strings.Contains(s, "-") {
			topic = s
			continue
		}
		if topic != "" {
			break
		}
	}
	return topic
}

// verbBefore are words after which a verb comes ("to rebuild", "will win").
var verbBefore = setOf("to", "will", "would", "can", "could", "may", "might", "must", "should",
	"shall", "won't", "can't", "cannot", "didn't", "doesn't", "don't")

// isTopicWord guesses whether a lower-case title word is a noun worth a slug:
// long enough, not a function word, and not shaped like a verb, adverb or
// adjective ("welcomes", "warned", "saying", "worryingly", "ambiguous").
func isTopicWord(w string) bool {
	if len(w) < 3 || stopwords[w] || slugNoise[w] || titleVerbs[w] || commonCaps[w] || demonyms[w] || nameTitles[w] {
		return false
	}
	for _, r := range w {
		if unicode.IsDigit(r) {
			return false
		}
	}
	if len(w) > 5 {
		if strings.HasSuffix(w, "ing") && !ingNouns[w] {
			return false
		}
		for _, suf := range []string{"ly", "ed", "ous", "ful", "ive", "able", "ible", "less", "est"} {
			if strings.HasSuffix(w, suf) {
				return false
			}
		}
	}
	return true
}

// ingNouns are nouns ending in "-ing", which is otherwise a verb's ending.
var ingNouns = setOf("listing", "meeting", "building", "shooting", "bombing", "wedding", "hearing",
	"ruling", "funding", "ceiling", "warning", "briefing", "stabbing", "killing", "landing",
	"spending", "housing", "training", "clothing", "painting", "offering", "pricing", "ranking",
	"rating", "recording", "setting", "spring", "string", "thing", "evening", "morning", "earnings")

// slugNoise are title words that say nothing about the story.
var slugNoise = setOf("report", "reports", "says", "said", "new", "update", "live", "watch",
	"video", "photos", "breaking", "exclusive", "opinion", "analysis", "how", "why", "what",
	"latest", "news", "story", "stories", "things", "thing", "way", "ways", "time", "times", "year",
	"years", "day", "days", "week", "weeks", "people", "man", "woman", "big", "more", "less", "top")

// titleVerbs are verbs that headlines use in the present tense.
var titleVerbs = setOf("welcomes", "welcome", "say", "says", "warns", "warn", "calls", "call",
	"slams", "hits", "hit", "wins", "win", "beats", "beat", "unveils", "launches", "announces",
	"reveals", "claims", "denies", "plans", "faces", "gets", "get", "makes", "make", "takes", "take",
	"gives", "shows", "finds", "seeks", "urges", "vows", "backs", "blasts", "rejects", "approves",
	"signs", "meets", "meet", "visits", "tells", "asks", "sues", "kills", "dies", "die", "opens",
	"closes", "joins", "leaves", "quits", "returns", "agrees", "becomes", "remains", "goes", "comes",
	"sees", "set", "sets", "puts", "cuts", "raises", "lifts", "drops", "falls", "rises", "soars",
	"slumps", "jumps", "hires", "fires", "buys", "sells", "wants", "needs", "looks", "helps",
	"holds", "keeps", "lets", "lead", "leads", "tops", "nears", "eyes", "mulls", "weighs", "used",
	"simple", "first", "last", "next", "latest", "former", "amid", "could", "would", "should",
	"gone", "spent", "paid", "fell", "led", "made", "took", "gave", "went", "came", "saw", "told",
	"found", "left", "won", "lost", "kept", "held", "sent", "built", "bought", "sold", "brought",
	"thought", "caught", "ran", "began", "became", "grew", "knew", "rose", "wrote", "drove",
	"broke", "spoke", "chose", "felt", "stood", "met", "read", "put", "cut", "shut", "been", "being",
	"done", "seen", "taken", "given", "known", "shown", "grown", "risen", "fallen", "driven",
	"remember", "long", "online", "younger", "older", "strange", "three", "four", "five", "six",
	"seven", "eight", "nine", "ten", "one", "two", "several", "many", "much", "another", "other",
	"every", "each", "whose", "which", "while", "where", "there", "here", "just", "ever", "never",
	"always", "also", "still", "already", "again", "case", "chances", "inch", "whether")

// titlePos is the position of the first word of key among the title's
// terms, or len(terms) when the title does not hold it.
func titlePos(key string, terms []string) int {
	first, _, _ := strings.Cut(key, "-")
	if i := slices.Index(terms, first); i >= 0 {
		return i
	}
	return len(terms)
}

// nameKey is the slug form of a place or organisation ("North Korea" ->
// "north-korea", "U.S." -> "us").
func nameKey(name string) string {
	return briefs.Slugify(strings.ReplaceAll(name, ".", ""), briefs.MaxSlugLen)
}

// allInTitle reports whether every word of a slug key occurs in the title.
func allInTitle(key string, inTitle func(string) bool) bool {
	for _, w := range strings.Split(key, "-") {
		if !inTitle(w) {
			return false
		}
	}
	return true
}

// personKey is the word a person is known by: the surname, or for a name
// whose last part is short ("Kim Jong Un", "Martin Luther King Jr") the first
// word; a part the title names wins.
func personKey(name string, inTitle func(string) bool) string {
	words := briefs.Terms(strings.ReplaceAll(name, ".", ""))
	if len(words) == 0 {
		return ""
	}
	for i := len(words) - 1; i >= 0; i-- {
		if len(words[i]) > 2 && !stopwords[words[i]] && inTitle(words[i]) {
			return briefs.Slugify(words[i], briefs.MaxSlugLen)
		}
	}
	last := words[len(words)-1]
	if len(last) <= 2 || last == "jr" || last == "sr" || last == "iii" {
		return briefs.Slugify(words[0], briefs.MaxSlugLen)
	}
	return briefs.Slugify(last, briefs.MaxSlugLen)
}

// isPersonName guesses whether an entity is a person's name: two to four
// capitalised words, none of them a word that marks a place or an
// organisation ("North", "University", "Street") or a known country.
func isPersonName(e string) bool {
	n := 0
	for range strings.FieldsSeq(e) {
		n++
	}
	if n < 2 || n > 4 {
		return false
	}
	var buf [32]byte
	for w := range strings.FieldsSeq(e) {
		if len(w) > 2 && isUpperCase(w) {
			return false // an acronym: "BBC News"
		}
		r := firstRune(w)
		if !unicode.IsUpper(r) {
			return false
		}
		lw := lowerWord(buf[:0], strings.TrimSuffix(w, "."))
		if nonPersonWords[string(lw)] || compass[string(lw)] || demonyms[string(lw)] || placeWords[string(lw)] || countries[string(lw)] || usStates[string(lw)] {
			return false
		}
	}
	return true
}

// isUpperCase reports whether w == strings.ToUpper(w), without allocating
// for ASCII.
func isUpperCase(w string) bool {
	for i := 0; i < len(w); i++ {
		c := w[i]
		if c >= utf8.RuneSelf {
			return w == strings.ToUpper(w)
		}
		if c >= 'a' && c <= 'z' {
			return false
		}
	}
	return true
}

// lowerWord appends strings.ToLower(w) to dst, without allocating for
// ASCII.
func lowerWord(dst []byte, w string) []byte {
	for i := 0; i < len(w); i++ {
		if w[i] >= utf8.RuneSelf {
			return append(dst, strings.ToLower(w)...)
		}
	}
	for i := 0; i < len(w); i++ {
		c := w[i]
		if c >= 'A' && c <= 'Z' {
			c += 'a' - 'A'
		}
		dst = append(dst, c)
	}
	return dst
}

// nonPersonWords mark organisations, places and things.
var nonPersonWords = setOf("new", "united", "states", "kingdom", "republic", "union", "university",
	"college", "school", "institute", "institution", "academy", "federal", "national", "international",
	"party", "journal", "times", "post", "news", "daily", "mail", "telegraph", "guardian", "herald",
	"tribune", "street", "road", "avenue", "square", "park", "city", "county", "state", "province",
	"island", "islands", "river", "lake", "mountain", "mountains", "sea", "ocean", "bay", "valley",
	"ministry", "department", "council", "court", "house", "senate", "congress", "parliament",
	"assembly", "church", "club", "fc", "united", "bank", "company", "inc", "corp", "group",
	"association", "agency", "army", "force", "forces", "navy", "committee", "museum", "festival",
	"airport", "hospital", "bureau", "secretary", "minister", "duke", "prince", "princess", "house", "center", "centre", "foundation", "trust", "survey", "office", "service",
	"services", "war", "cup", "league", "championship", "open", "games", "olympics", "award",
	"awards", "prize", "media", "press", "online", "network", "tv", "radio", "airlines", "airways",
	"motors", "hotel", "stadium", "arena", "palace", "hall", "tower", "bridge", "station", "police",
	"fire", "security", "reserve", "fund", "world", "global", "health", "research", "studies",
	"empire", "kingdom", "dynasty", "coast", "beach", "desert", "forest", "day", "week", "year",
	"society", "federation", "organisation", "organization", "commission", "authority", "board",
	"region", "district", "town", "village", "capital", "gulf", "peninsula", "strait", "canal",
	"east", "west", "north", "south", "eastern", "western", "far", "middle", "great", "saint", "st",
	"fort", "port", "mount", "cape", "san", "santa", "los", "las", "el", "le", "la", "de", "zoo",
	"aquarium", "garden", "gardens", "theatre", "theater", "cathedral", "temple", "mosque", "mall",
	"market", "prison", "jail", "base", "camp", "plaza", "pier", "harbour", "harbor", "field", "pro",
	"max", "mini", "plus", "air", "series", "edition", "brothers", "bros", "order", "bang", "depot",
	"machine", "music", "keyboard", "book", "books", "studio", "studios", "records", "entertainment",
	"pictures", "films", "labs", "systems", "technologies", "solutions", "software", "death",
	"preservation", "money", "phone", "watch", "store", "app", "apps", "card", "car", "cars",
	"engine", "project", "program", "programme", "plan", "act", "bill", "law", "treaty", "accord",
	"deal", "pact", "summit", "conference", "show", "expo", "fair", "tour", "concert", "album",
	"song", "movie", "film", "game", "edition", "version", "model", "equities", "capital", "partners",
	"holdings", "industries", "energy", "oil", "gas", "power", "electric", "airlines", "rail",
	"railway", "railways", "express", "airways", "logistics", "pharma", "pharmaceuticals", "therapeutics",
	"light", "night", "star", "stars", "space", "station", "center", "centre", "shop", "sale", "sales")

// placeWords are countries and regions that appear as two words.
var placeWords = setOf("america", "africa", "asia", "europe", "australia", "korea", "arabia",
	"zealand", "kong", "lanka", "leone", "salvador", "rica", "guinea", "sudan", "york", "jersey",
	"mexico", "carolina", "dakota", "virginia", "hampshire", "island", "angeles", "francisco",
	"diego", "vegas", "orleans", "ireland", "wales", "england", "scotland", "britain", "china",
	"russia", "ukraine", "india", "japan", "france", "germany", "italy", "spain", "israel", "iran",
	"iraq", "syria", "gaza", "bank", "delhi", "aires", "paulo", "janeiro", "city", "beach")
