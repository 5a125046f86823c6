package briefs

import (
	"strings"
	"unicode"

	"golang.org/x/text/runes"
	"golang.org/x/text/transform"
	"golang.org/x/text/unicode/norm"
)

// foldAccents maps "Zürich" to "Zurich": decompose, drop combining marks,
// recompose. Shared by search terms and slugs so that both fold alike.
var foldAccents = transform.Chain(norm.NFD, runes.Remove(runes.In(unicode.Mn)), norm.NFC)

// Fold lower-cases s and strips accents, so that "Zürich", "zurich" and
// "ZURICH" compare equal.
func Fold(s string) string {
	folded, _, err := transform.String(foldAccents, s)
	if err != nil {
		folded = s
	}
	return strings.ToLower(folded)
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
