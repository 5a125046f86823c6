package main

import (
	"fmt"

	"briefbot/briefs"
	"briefbot/briefs/grounding"
)

// groundingCheck is the grounding check in the refiner's terms: one line a
// problem, "number (point 2): 9 million".
func groundingCheck(article string, s briefs.Summary) []string {
	v := grounding.Check(article, s)
	out := make([]string, 0, len(v.Problems))
	for _, p := range v.Problems {
		out = append(out, fmt.Sprintf("%s (%s): %s", p.Kind, p.Where, briefs.Truncate(p.Detail, 80)))
	}
	return out
}
