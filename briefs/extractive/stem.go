package extractive

import (
	porterstemmer "github.com/blevesearch/go-porterstemmer"
)

// Stem is the key under which the other forms of a folded word meet, so
// that comparing two texts by their words finds "talks" in "talked":
// Porter's stemmer for English (lang "en"), the first prefix letters in
// other languages, a crude but language-free cut that joins most
// inflections of the Romance and Germanic languages.
func Stem(w, lang string, prefix int) string {
	if lang == "en" {
		return string(porterstemmer.StemWithoutLowerCasing([]rune(w)))
	}
	k := 0
	for i := range w {
		if k == prefix {
			return w[:i]
		}
		k++
	}
	return w
}
