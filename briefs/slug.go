package briefs

import (
	"strings"
	"unicode"
)

// MaxSlugLen is the longest slug, in bytes (slugs are ASCII).
const MaxSlugLen = 64

// NormalizeSlug turns what an admin typed into a slug: lower-case ASCII
// letters, digits and single hyphens. Accents are folded ("Zürich" ->
// "zurich"), white space, underscores and separating punctuation become
// hyphens, apostrophes, emoji and other symbols disappear, and a slug over 64
// characters is cut at a hyphen. Errors: EINVALID when nothing usable is
// left, with a message that says why.
func NormalizeSlug(s string) (string, error) {
	out := Slugify(s, MaxSlugLen)
	if out == "" {
		if strings.TrimSpace(s) == "" {
			return "", Errorf(EINVALID, "The slug is empty: use lower-case letters, digits and hyphens, e.g. putin-kim.")
		}
		return "", Errorf(EINVALID, "The slug %q has no letters or digits that fit in a slug: use lower-case letters, digits and hyphens, e.g. putin-kim.", Truncate(s, 40))
	}
	return out, nil
}

// Slugify folds s to lower-case ASCII words joined by single hyphens, at
// most limit bytes, cut at a hyphen when possible.
func Slugify(s string, limit int) string {
	folded := Fold(s)
	b := make([]byte, 0, min(len(folded), limit+16))
	hyphen := false
	for _, r := range folded {
		switch {
		case r >= 'a' && r <= 'z' || r >= '0' && r <= '9':
			if hyphen && len(b) > 0 {
				b = append(b, '-')
			}
			hyphen = false
			b = append(b, byte(r))
		case r < 0x80 && r != '\'' && r != '`' && r != '"' || unicode.IsSpace(r) || unicode.Is(unicode.Pd, r):
			// ASCII punctuation, spaces, underscores and dashes separate
			// words; quotes and apostrophes ("Russia's") do not.
			hyphen = true
		default:
			if t, ok := asciiFold[r]; ok {
				if hyphen && len(b) > 0 {
					b = append(b, '-')
				}
				hyphen = false
				b = append(b, t...)
			} else if unicode.IsLetter(r) || unicode.IsDigit(r) {
				// A letter with no ASCII form (Cyrillic, CJK) separates
				// words rather than gluing its neighbours together.
				hyphen = true
			}
			// Emoji, symbols, apostrophes: dropped.
		}
		if len(b) > limit+16 {
			break
		}
	}
	if len(b) > limit {
		cut := limit
		if i := strings.LastIndexByte(string(b[:limit+1]), '-'); i > 0 {
			cut = i
		}
		b = b[:cut]
	}
	return strings.Trim(string(b), "-")
}

// asciiFold spells letters that accent folding leaves non-ASCII.
var asciiFold = map[rune]string{
	'ß': "ss", 'æ': "ae", 'œ': "oe", 'ø': "o", 'ł': "l", 'đ': "d", 'ð': "d", 'þ': "th", 'ı': "i",
	'ħ': "h", 'ŋ': "ng", 'ĸ': "k",
}
