package extractive

import (
	"strings"
)

// The passes over all names of an article: openers, labels, common words,
// short forms of longer names, the headline's weight.

// dropOpeners fixes multi-word names that were only seen at the start of a
// sentence, where the first word is capitalised anyway: when that word
// occurs in lower case elsewhere in the text ("Schoolboy Frankie Franz" and
// "the schoolboy"), it is not part of the name.
func (f *entityFinder) dropOpeners(sents []string) {
	checked := 0
	for i := range len(f.ents) {
		e := &f.ents[i]
		if !e.opener || e.count == 0 || e.words < 2 {
			continue
		}
		if checked++; checked > 20 {
			break // bounded work on hostile input
		}
		sp := strings.IndexByte(e.name, ' ')
		lw := string(f.low(e.name[:sp]))
		// In languages other than English, where this rule was not tuned,
		// the first word of such a name is always suspect ("Selon Emmanuel
		// Macron", "Technische Standards").
		found := f.lower.get(lw) > 0 || f.lang != "" && f.lang != "en"
		for _, s := range sents[:min(len(sents), 200)] {
			if found {
				break
			}
			found = containsWord(s, lw)
		}
		if !found {
			continue
		}
		f.foldInto(e, e.name[sp+1:], entity{subject: e.subject})
	}
}

// dropLabels peels a word that starts three or more different multi-word
// names seen only at the start of sentences, and never starts a name inside
// a sentence: a label glued to what follows ("Summary Studies", "Summary
// Yoga", "Summary Fiber"), unlike a brand ("Apple Watch", "Apple AirPods").
func (f *entityFinder) dropLabels() {
	// A word needs three such names: with fewer openers of two words or
	// more, there is nothing to peel.
	openers := 0
	for i := range f.ents {
		if e := &f.ents[i]; e.count != 0 && e.opener && e.words > 1 {
			openers++
		}
	}
	if openers < 3 {
		return
	}
	if f.firsts == nil {
		f.firsts = map[string]int{}
	}
	firsts := f.firsts
	defer clear(firsts)
	for i := range f.ents {
		e := &f.ents[i]
		if e.count == 0 {
			continue
		}
		first, _, _ := strings.Cut(e.name, " ")
		switch {
		case e.opener && e.words > 1:
			if firsts[first] >= 0 {
				firsts[first]++
			}
		case e.mid > 0:
			firsts[first] = -1 << 20 // seen inside a sentence: a name
		}
	}
	for i := range len(f.ents) {
		e := &f.ents[i]
		if !e.opener || e.count == 0 || e.words < 2 {
			continue
		}
		sp := strings.IndexByte(e.name, ' ')
		if firsts[e.name[:sp]] < 3 {
			continue
		}
		// After a label, the word that starts the sentence proper needs a
		// mention elsewhere, as at any sentence start.
		rest := e.name[sp+1:]
		f.foldInto(e, rest, entity{initial: !strings.Contains(rest, " ")})
	}
}

// foldInto credits the mentions of e to the name rest (e without its first
// word): to rest's entity when there is one, else to a new entity with the
// flags of like. e keeps no count.
func (f *entityFinder) foldInto(e *entity, rest string, like entity) {
	count, first := e.count, e.first
	e.count = 0
	if k, ok := f.index[rest]; ok {
		f.ents[k].count += count
		f.ents[k].first = min(f.ents[k].first, first)
		f.ents[k].initial = false
		return
	}
	f.index[rest] = len(f.ents)
	like.name, like.count, like.first, like.mid = rest, count, first, count
	like.words = strings.Count(rest, " ") + 1
	like.outlet = isOutlet(rest)
	f.ents = append(f.ents, like)
}

// dropCommon drops single words that the text also uses in lower case at
// least as often as it capitalises them mid-sentence ("Hours", "Current",
// "Meth"): capitalised only where a sentence or a slogan starts.
func (f *entityFinder) dropCommon() {
	for i := range f.ents {
		e := &f.ents[i]
		if e.words != 1 || e.count == 0 || isAcronym(e.name) {
			continue
		}
		var buf [32]byte
		if lc := f.lower.getBytes(lowerWord(buf[:0], e.name)); lc > 0 && lc >= e.mid {
			e.count = 0
		}
	}
}

// merge credits single-word mentions to the multi-word name they abbreviate
// ("Putin" -> "Vladimir Putin", "Kim" -> "Kim Jong Un"), and confirms
// sentence-initial single words that are known names.
func (f *entityFinder) merge() {
	// Index the multi-word names by their first and last word, keeping the
	// most mentioned, so that each single word is looked up once.
	byEnd := f.byEnd
	clear(byEnd)
	better := func(k int, word string) {
		if j, ok := byEnd[word]; !ok || f.ents[k].count > f.ents[j].count {
			byEnd[word] = k
		}
	}
	for k := range f.ents {
		m := &f.ents[k]
		if m.words < 2 || m.count == 0 || f.lang == "de" && !isPersonName(m.name) {
			continue // German: "Daten" does not abbreviate "Nutzen von Daten"
		}
		better(k, m.name[:strings.IndexByte(m.name, ' ')])
		better(k, m.name[strings.LastIndexByte(m.name, ' ')+1:])
	}
	for i := range f.ents {
		e := &f.ents[i]
		if e.words != 1 || e.count == 0 {
			continue
		}
		if k, ok := byEnd[e.name]; ok {
			m := &f.ents[k]
			m.count += e.count
			m.first = min(m.first, e.first)
			m.subject = m.subject || e.subject
			m.common = m.common && e.common
			m.plain += e.plain
			e.count = 0
		}
	}
}

// boost adds a mention for each known name that a headline carries, whole or
// by the single name that stands for it ("Putin" for "Vladimir Putin").
func (f *entityFinder) boost(h string) {
	for i := range f.ents {
		e := &f.ents[i]
		if e.count == 0 || e.initial {
			continue
		}
		if containsWord(h, e.name) {
			e.count++
			e.headline = true
			continue
		}
		if e.words > 1 {
			first := e.name[:strings.IndexByte(e.name, ' ')]
			last := e.name[strings.LastIndexByte(e.name, ' ')+1:]
			if len(last) > 2 && partName(last) && containsWord(h, last) || len(first) > 2 && partName(first) && containsWord(h, first) {
				e.count++
				e.headline = true
			}
		}
	}
}

// partName reports whether one word of a multi-word name stands for the
// name in a headline: "Putin" does for "Vladimir Putin", "New" does not
// for "New York Times".
func partName(w string) bool {
	lw := strings.ToLower(w)
	return !stopwords[lw] && !nonPersonWords[lw] && !compass[lw] && !demonyms[lw]
}
