package briefs

import (
	"strings"
	"unicode"
)

// danglingOpeners are first words that make a bullet lean on a sentence the
// reader has not seen: a pronoun or connective with nothing to refer to.
var danglingOpeners = map[string]bool{
	"he": true, "she": true, "it": true, "they": true, "but": true,
	"however": true, "also": true, "this": true,
}

// HasDanglingOpener reports whether s opens with a pronoun or connective
// ("He", "But", "However,", "This") that needs the sentence before it.
func HasDanglingOpener(s string) bool {
	s = strings.TrimLeftFunc(s, func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) })
	end := strings.IndexFunc(s, func(r rune) bool { return !unicode.IsLetter(r) })
	if end < 0 {
		end = len(s)
	}
	return danglingOpeners[strings.ToLower(s[:end])]
}

// FormatFaults lists how b breaks the Brief format promised in DESIGN.md:
// bullet count, lengths, dangling openers, empty title or gist. An empty
// result means the brief is well-formed.
func FormatFaults(b Brief) []string {
	var faults []string
	if strings.TrimSpace(b.Title) == "" {
		faults = append(faults, "empty title")
	} else if len([]rune(b.Title)) > MaxTitleLen {
		faults = append(faults, "title over 256 characters")
	}
	if strings.TrimSpace(b.Gist) == "" {
		faults = append(faults, "empty gist")
	} else if len([]rune(b.Gist)) > MaxGistLen {
		faults = append(faults, "gist over 300 characters")
	}
	if len(b.Bullets) < MinBullets {
		faults = append(faults, "fewer than 3 bullets")
	} else if len(b.Bullets) > MaxBullets {
		faults = append(faults, "more than 5 bullets")
	}
	for _, bl := range b.Bullets {
		if len([]rune(bl)) > MaxBulletLen {
			faults = append(faults, "bullet over 300 characters")
		}
		if HasDanglingOpener(bl) {
			faults = append(faults, "bullet with a dangling opener")
		}
	}
	return faults
}
