package evaluate

import "testing"

func TestHasFiniteVerb(t *testing.T) {
	for s, want := range map[string]bool{
		"The mayor opened a new bridge.":           true,
		"Officials warn of floods.":                true,
		"The tagline drew criticism.":              true,
		"They're starting to notice.":              true,
		"Germans think of themselves as victims.":  true,
		"A new bridge for the old town.":           false,
		"The arrival of the domestic freezer.":     false,
		"Singer Tom Johnston and keyboardist Ray.": false,
		"In the magazine's career-oriented issue.": false,
	} {
		if got := hasFiniteVerb(s); got != want {
			t.Errorf("hasFiniteVerb(%q) = %v, want %v", s, got, want)
		}
	}
}
