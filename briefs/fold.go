package briefs

import (
	"slices"
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
	if isASCII(s) {
		return asciiTerms(s)
	}
	f := Fold(s)
	u := uniqueTerms{terms: make([]string, 0, min(1+strings.Count(f, " "), 64))}
	for _, t := range strings.FieldsFunc(f, func(r rune) bool {
		return !unicode.IsLetter(r) && !unicode.IsDigit(r) && r != '\'' && r != '’'
	}) {
		t = strings.TrimSuffix(strings.TrimSuffix(t, "'s"), "’s")
		u.add(strings.Trim(t, "'’"))
	}
	if len(u.terms) == 0 {
		return nil
	}
	return u.terms
}

// asciiTerms is Terms for ASCII text, where terms are runs of a-z, 0-9 and
// apostrophes once lower-cased: the same result without decoding runes.
func asciiTerms(s string) []string {
	f := strings.ToLower(s)
	u := uniqueTerms{terms: make([]string, 0, min(1+strings.Count(f, " "), 64))}
	for i := 0; i < len(f); {
		for i < len(f) && !isTermByte(f[i]) {
			i++
		}
		j := i
		for j < len(f) && isTermByte(f[j]) {
			j++
		}
		if i == j {
			break
		}
		u.add(strings.Trim(strings.TrimSuffix(f[i:j], "'s"), "'"))
		i = j
	}
	if len(u.terms) == 0 {
		return nil
	}
	return u.terms
}

// uniqueTerms collects terms in order, each once. Short lists are kept
// unique without a map.
type uniqueTerms struct {
	terms []string
	seen  map[string]bool // once there are 16 terms
}

// add appends t unless it is empty or there already.
func (u *uniqueTerms) add(t string) {
	if t == "" {
		return
	}
	if u.seen == nil && len(u.terms) < 16 {
		if slices.Contains(u.terms, t) {
			return
		}
	} else {
		if u.seen == nil {
			u.seen = make(map[string]bool, 2*len(u.terms))
			for _, v := range u.terms {
				u.seen[v] = true
			}
		}
		if u.seen[t] {
			return
		}
		u.seen[t] = true
	}
	u.terms = append(u.terms, t)
}

func isTermByte(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '\''
}

// IndexTerms returns the terms under which an article is found: those of its
// slug, title and entities.
func IndexTerms(slug, title string, entities []string) []string {
	all := slug + " " + title + " " + strings.Join(entities, " ")
	return Terms(all)
}
