package briefs

import (
	"strings"
)

// FormatFaults lists how b breaks the Brief format: bullet count, lengths,
// empty title or gist. Whether a bullet leans on a sentence the reader has
// not seen depends on the article's language; the summarizer and the
// evaluation's reader checks judge that. An empty
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
	}
	return faults
}
