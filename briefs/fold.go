package briefs

import (
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/runes"
	"golang.org/x/text/transform"
	"golang.org/x/text/unicode/norm"
)

// accentFolders hold transformers that map "Zürich" to "Zurich": decompose,
// drop combining marks, recompose. A transformer keeps state while it runs,
// so each goroutine takes its own from the pool.
var accentFolders = sync.Pool{New: func() any {
	return transform.Chain(norm.NFD, runes.Remove(runes.In(unicode.Mn)), norm.NFC)
}}

// Fold lower-cases s and strips accents, so that "Zürich", "zurich" and
// "ZURICH" compare equal. Search terms and slugs both fold through it.
func Fold(s string) string {
	if isASCII(s) {
		return strings.ToLower(s)
	}
	t := accentFolders.Get().(transform.Transformer)
	folded, _, err := transform.String(t, s)
	accentFolders.Put(t)
	if err != nil {
		folded = s
	}
	return strings.ToLower(folded)
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}

// Terms splits s into folded search terms: runs of letters and digits. Hyphens,
// spaces and punctuation separate terms, so "putin-kim" and "Putin Kim" give
// the same terms. Possessive "'s" is dropped ("Russia's" -> "russia").
func Terms(s string) []string {
	f := Fold(s)
	var terms []string
	seen := map[string]bool{}
	for _, t := range strings.FieldsFunc(f, func(r rune) bool {
		return !unicode.IsLetter(r) && !unicode.IsDigit(r) && r != '\'' && r != '’'
	}) {
		t = strings.TrimSuffix(strings.TrimSuffix(t, "'s"), "’s")
		t = strings.Trim(t, "'’")
		if t == "" || seen[t] {
			continue
		}
		seen[t] = true
		terms = append(terms, t)
	}
	return terms
}

// IndexTerms returns the terms under which an article is found: those of its
// slug, title and entities.
func IndexTerms(slug, title string, entities []string) []string {
	all := slug + " " + title + " " + strings.Join(entities, " ")
	return Terms(all)
}
