package extractive

import (
	"slices"
	"strings"

	"briefbot/briefs"
)

// points is how many points an article of the given length gets after the
// gist: three for a short item, four for a standard story, five for a long
// read. A reader of a short item wants its three facts; a long read has
// more distinct things to say.
func points(words int) int {
	switch {
	case words < 450:
		return 3
	case words < 900:
		return 4
	}
	return briefs.MaxBullets
}

// pick chooses up to n points after the gist: the best-scoring usable
// sentences that repeat neither the gist nor one another and that fit a
// point whole (or cut safely), as shown, in article order.
func (x *Summarizer) pick(sc *scratch, gist, n int) []string {
	order := sc.order[:0]
	for i := range sc.info {
		if sc.info[i].cand != "" && i != gist {
			order = append(order, i)
		}
	}
	slices.SortStableFunc(order, func(a, b int) int {
		sa, sb := sc.info[a].score, sc.info[b].score
		switch {
		case sa > sb:
			return -1
		case sa < sb:
			return 1
		}
		return a - b
	})
	picked := make([]int, 0, n)
	take := func(i int) {
		if x.point(&sc.info[i]) != "" { // kept in sc.info[i].point
			picked = append(picked, i)
		}
	}
	for _, i := range order {
		if len(picked) == n {
			break
		}
		if !x.repeats(sc, i, gist, picked) {
			take(i)
		}
	}
	// Too few points for the format: admit, in article order, sentences
	// that were passed over only for a softer reason (a quotation, a weak
	// opener such as "We" or "There") but do not dangle.
	for i := range sc.info {
		if len(picked) >= min(n, briefs.MinBullets) {
			break
		}
		si := &sc.info[i]
		if si.cand != "" || i == gist || !x.fallback(sc.lang, si) || x.repeats(sc, i, gist, picked) {
			continue
		}
		si.cand = si.text
		take(i)
	}
	sc.order = order
	slices.Sort(picked)
	out := make([]string, len(picked))
	for k, i := range picked {
		out[k] = sc.info[i].point
	}
	return out
}

// repeats reports whether sentence i says again what the gist or a picked
// point says: the same text, a high TF-IDF cosine, or most of its content
// terms already in one of them.
func (x *Summarizer) repeats(sc *scratch, i, gist int, picked []int) bool {
	si := &sc.info[i]
	if gist >= 0 {
		// A point repeats the gist when most of its words are the gist's,
		// or when it holds most of the gist's words (the gist again, with
		// more around it).
		g := &sc.info[gist]
		if sc.repeat(si, g, x.p.redundant, 0.5, 0.75) {
			return true
		}
	}
	for _, j := range picked {
		if sc.info[j].cand == si.cand || sc.repeat(si, &sc.info[j], x.p.redundant, 0.6, 1.1) {
			return true
		}
	}
	return false
}

// repeat reports whether a says again what b says: a TF-IDF cosine above
// redundant, at least the share frac of a's content terms in b (a shorter
// restatement that cosine, diluted by b's other terms, can miss), or at
// least the share rev of b's terms in a (b again, with more around it; a
// share above 1 turns that test off). One pass over the terms serves all
// three: a sentence's terms are distinct, so the shared count is the same
// both ways.
func (sc *scratch) repeat(a, b *sentence, redundant, frac, rev float64) bool {
	var dot float64
	shared := 0
	for i := a.lo; i < a.hi; i++ {
		t := sc.terms[i]
		for j := b.lo; j < b.hi; j++ {
			if sc.terms[j] == t {
				dot += sc.weights[i] * sc.weights[j]
				shared++
				break
			}
		}
	}
	if a.norm != 0 && b.norm != 0 && dot/(a.norm*b.norm) > redundant {
		return true
	}
	n, m := a.hi-a.lo, b.hi-b.lo
	return n != 0 && float64(shared) >= frac*float64(n) || m != 0 && float64(shared) >= rev*float64(m)
}

// covered reports whether at least the share frac of a's content terms
// occur in b.
func (sc *scratch) covered(a, b *sentence, frac float64) bool {
	n := a.hi - a.lo
	if n == 0 {
		return false
	}
	shared := 0
	for i := a.lo; i < a.hi; i++ {
		t := sc.terms[i]
		for j := b.lo; j < b.hi; j++ {
			if sc.terms[j] == t {
				shared++
				break
			}
		}
	}
	return float64(shared) >= frac*float64(n)
}

// fallback reports whether a sentence that is not bullet material by the
// strict rules may still serve when the article has too few that are: a
// whole sentence of a reasonable length that does not open with a
// dangling pronoun or connective.
func (x *Summarizer) fallback(lx *lexicon, si *sentence) bool {
	s := si.text
	if si.words < x.p.minWords || si.words > x.p.maxWords || lx.openerDangles(s) || !hasLower(s) {
		return false
	}
	if !endsTerminal(s) || strings.HasSuffix(strings.TrimRight(s, `"')`), "?") {
		return false
	}
	if headlineCase(s) || furnitureRule(s) != "" || openSingleQuote(s) { // a label line never ends a sentence, so the check above has it
		return false
	}
	if r := firstRune(s); !opensSentence(r) && !isOpenQuote(r) {
		return false
	}
	return strings.Count(s, `"`)%2 == 0
}
