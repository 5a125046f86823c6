package extractive

import (
	"strings"
	"unicode/utf8"
)

// A point is a sentence as the article wrote it. A sentence too long for a
// point is cut only where the part kept is itself a whole sentence that
// says the same thing: before a clause that adds to a complete main clause
// ("; ...", ", which ...", ", while ..."). Cuts at a plain comma changed
// facts ("gave them Greek names: neon, krypton." for "neon, krypton and
// xenon"; "Emery, a writer for Politifact." with the verb cut off), so
// there are none: a sentence with no safe cut is left out.

// safeMarks are the places where a sentence can end without changing what
// its main clause says. Each opens a clause that only adds to what comes
// before it.
var safeMarks = []string{"; ", ", which ", ", while ", ", whereas ", ", although ", ", though ",
	", but ", " \u2014 but ", ", according to "}

// safeCut returns s cut at the last safe mark that leaves at most limit
// runes, ended with a full stop, or "" when there is none: the part kept
// must be balanced (no open quotation, parenthesis or dash pair), hold a
// verb, and end outside a list or a number phrase.
func safeCut(s string, limit int) string {
	if utf8.RuneCountInString(s) <= limit {
		return s
	}
	hi := runeOffset(s, limit-1)
	best := lastMark(s, min(40, hi), hi, safeMarks, func(i int, _ string) bool { return cutKeeps(s[:i], s[i:]) })
	if best < 0 {
		return ""
	}
	return endSentence(s[:best])
}

// lastMark returns the offset of the last of marks in s[lo:hi] at which ok
// holds, or -1.
func lastMark(s string, lo, hi int, marks []string, ok func(i int, mark string) bool) int {
	best := -1
	for _, m := range marks {
		for off := lo; off < hi; {
			i := strings.Index(s[off:hi], m)
			if i < 0 {
				break
			}
			i += off
			if i > best && ok(i, m) {
				best = i
			}
			off = i + 1
		}
	}
	return best
}

// cutKeeps reports whether kept, the start of a sentence whose rest is
// dropped, is a sentence on its own: balanced, with a verb, and not
// stopping inside a list ("neon, krypton" + " and xenon") or an aside
// that the rest closes.
func cutKeeps(kept, dropped string) bool {
	if !balanced(kept) || !hasVerb(kept) {
		return false
	}
	if listOpen(kept, dropped) {
		return false
	}
	// "... is now 10 and" + ", according to ...": a clause cannot end on a
	// conjunction, a preposition or an article.
	last := strings.ToLower(strings.Trim(lastWord(kept), `"'(),.;:`))
	return !stopwords[last] || last == "it" || last == "them" || last == "us" || last == "him" || last == "her"
}

// listOpen reports whether kept ends inside a list that dropped finishes:
// kept has "A, B" after a colon or a comma series, and dropped continues it
// with "and C" / "or C" before its next clause mark.
func listOpen(kept, dropped string) bool {
	d := strings.TrimLeft(dropped, ",; ")
	if strings.HasPrefix(d, "and ") || strings.HasPrefix(d, "or ") {
		tail := kept
		if i := strings.LastIndexAny(kept, ":;"); i >= 0 {
			tail = kept[i+1:]
		}
		return strings.Count(tail, ", ") >= 1
	}
	return false
}

// hasVerb guesses whether an English clause holds a finite verb: a common
// auxiliary, a verb of saying or a word with a past-tense ending. Used to
// refuse cuts that would leave a subject without its predicate; for other
// languages it only accepts clauses long enough to carry one.
func hasVerb(s string) bool {
	words := 0 // a capitalised past form opening the clause is a name ("Ahmed")
	for f := range strings.FieldsSeq(s) {
		words++
		w := strings.ToLower(strings.Trim(f, `"'(),.;:!?`))
		if commonVerbs[w] {
			return true
		}
		if len(w) > 4 && strings.HasSuffix(w, "ed") && !notVerbEndings[w] && words > 1 {
			return true
		}
	}
	return false
}

// commonVerbs are finite forms that mark a clause in English news copy.
var commonVerbs = setOf("is", "are", "was", "were", "be", "been", "has", "have", "had", "will", "would",
	"can", "could", "may", "might", "must", "shall", "should", "do", "does", "did", "said", "says",
	"told", "made", "makes", "took", "takes", "gave", "gives", "won", "wins", "lost", "loses", "found",
	"finds", "came", "comes", "went", "goes", "got", "gets", "saw", "sees", "left", "leaves", "led",
	"leads", "met", "meets", "ran", "runs", "set", "sets", "put", "puts", "hit", "hits", "cut", "cuts",
	"let", "lets", "began", "begins", "became", "becomes", "held", "holds", "kept", "keeps", "sent",
	"sends", "paid", "pays", "built", "sold", "sells", "bought", "buys", "brought", "brings", "fell",
	"falls", "rose", "rises", "grew", "grows", "knew", "knows", "thought", "thinks", "spent", "spends",
	"wrote", "writes", "spoke", "speaks", "stood", "stands", "struck", "strikes", "fought", "fights",
	"chose", "seeks", "sought", "felt", "feels", "heard", "hears", "meant", "means", "shows", "showed",
	"shown", "known", "seen", "given", "taken", "gone", "done", "become", "remains", "remain", "needs",
	"wants", "plans", "calls", "warns", "claims", "denies", "faces", "reports", "names")

// notVerbEndings are common words that end like a past tense but are not.
var notVerbEndings = setOf("speed", "indeed", "hundred", "breed", "seed", "feed", "greed", "creed",
	"naked", "wicked", "sacred", "rugged", "ragged", "beloved", "aged", "bed", "shed", "red", "need")
