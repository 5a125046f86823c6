package extractive

import (
	"strings"
	"unicode"

	"briefbot/briefs"
)

// GenerateSlug makes a slug for an article from its title and entities (most
// mentioned first): two or three key terms, lower-case ASCII with hyphens.
// People come first because a story is remembered by who it is about:
// people named in the title, then the leading people of the story (the top
// five entities), then other names in the title, then the title's content
// words, then the remaining entities. A person counts by surname ("Vladimir
// Putin" -> "putin"). The result is never empty: "article" is the fallback.
// Uniqueness (-2, -3) is the store's business.
func GenerateSlug(title string, entities []string) string {
	titleTerms := briefs.Terms(title)
	inTitle := func(t string) bool {
		for _, tt := range titleTerms {
			if tt == t {
				return true
			}
		}
		return false
	}
	var picked []string
	used := map[string]bool{}
	nwords := 0
	add := func(term string) {
		if len(picked) >= 3 || term == "" {
			return
		}
		words := briefs.Terms(term)
		if len(words) == 0 || nwords > 0 && nwords+len(words) > 4 {
			return // keep slugs short: at most four words
		}
		for _, w := range words {
			if used[w] {
				return
			}
		}
		for _, w := range words {
			used[w] = true
		}
		nwords += len(words)
		picked = append(picked, strings.Join(words, "-"))
	}
	// People named in the title, then the leading people of the story.
	for _, e := range entities {
		if isPersonName(e) {
			if key := personKey(e, inTitle); key != "" && inTitle(key) {
				add(key)
			}
		}
	}
	for i, e := range entities {
		if i >= 5 {
			break
		}
		if isPersonName(e) {
			add(personKey(e, inTitle))
		}
	}
	// Other names in the title.
	for _, e := range entities {
		if len(picked) >= 3 {
			break
		}
		if isPersonName(e) {
			continue
		}
		all := true
		for _, t := range briefs.Terms(e) {
			if !inTitle(t) {
				all = false
				break
			}
		}
		if all {
			add(e)
		}
	}
	// The title's content words, then the remaining entities.
	if len(picked) < 2 {
		for _, t := range titleTerms {
			if !stopwords[t] && !slugNoise[t] && len(t) > 2 && !notNoun(t) {
				add(t)
			}
		}
	}
	for _, e := range entities {
		if len(picked) >= 2 {
			break
		}
		if isPersonName(e) {
			add(personKey(e, inTitle))
		} else {
			add(e)
		}
	}
	slug := briefs.Slugify(strings.Join(picked, "-"), briefs.MaxSlugLen)
	if slug == "" {
		return "article"
	}
	return slug
}

// notNoun guesses that a word is an adverb, a past tense or a participle,
// which make poor slug terms ("worryingly", "warned", "saying").
func notNoun(w string) bool {
	return len(w) > 5 && (strings.HasSuffix(w, "ly") || strings.HasSuffix(w, "ed") || strings.HasSuffix(w, "ing"))
}

// slugNoise are title words that say nothing about the story.
var slugNoise = setOf("report", "reports", "says", "said", "new", "update", "live", "watch",
	"video", "photos", "breaking", "exclusive", "opinion", "analysis", "how", "why", "what")

// personKey is the word a person is known by: the surname, or for a name
// whose last part is short ("Kim Jong Un", "Martin Luther King Jr") the first
// word; a part the title names wins.
func personKey(name string, inTitle func(string) bool) string {
	words := briefs.Terms(name)
	if len(words) == 0 {
		return ""
	}
	for i := len(words) - 1; i >= 0; i-- {
		if len(words[i]) > 2 && !stopwords[words[i]] && inTitle(words[i]) {
			return words[i]
		}
	}
	last := words[len(words)-1]
	if len(last) <= 2 || last == "jr" || last == "sr" || last == "iii" {
		return words[0]
	}
	return last
}

// isPersonName guesses whether an entity is a person's name: two to four
// capitalised words, none of them a word that marks a place or an
// organisation ("North", "University", "Street") or a known country.
func isPersonName(e string) bool {
	words := strings.Fields(e)
	if len(words) < 2 || len(words) > 4 {
		return false
	}
	for _, w := range words {
		if w == strings.ToUpper(w) && len(w) > 2 {
			return false // an acronym: "BBC News"
		}
		r := firstRune(w)
		if !unicode.IsUpper(r) {
			return false
		}
		lw := strings.ToLower(strings.TrimSuffix(w, "."))
		if nonPersonWords[lw] || compass[lw] || demonyms[lw] || placeWords[lw] {
			return false
		}
	}
	return true
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
	"fort", "port", "mount", "cape", "san", "santa", "los", "las", "el", "le", "la", "de")

// placeWords are countries and regions that appear as two words.
var placeWords = setOf("america", "africa", "asia", "europe", "australia", "korea", "arabia",
	"zealand", "kong", "lanka", "leone", "salvador", "rica", "guinea", "sudan", "york", "jersey",
	"mexico", "carolina", "dakota", "virginia", "hampshire", "island", "angeles", "francisco",
	"diego", "vegas", "orleans", "ireland", "wales", "england", "scotland", "britain", "china",
	"russia", "ukraine", "india", "japan", "france", "germany", "italy", "spain", "israel", "iran",
	"iraq", "syria", "gaza", "bank", "delhi", "aires", "paulo", "janeiro", "city", "beach")
