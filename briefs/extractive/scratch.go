package extractive

import (
	"sync"
)

// sentence is the per-sentence state of one Summarize call.
type sentence struct {
	text     string  // as segmented
	cand     string  // the sentence as bullet material (a leading connective dropped); "" when unusable
	lead     bool    // the first usable sentence: kept whole up to the bullet limit
	words    int     // word count
	lo, hi   int     // range of its terms in scratch.terms / scratch.weights
	norm     float64 // L2 norm of its TF-IDF vector
	central  float64 // LexRank score, normalised to [0,1]
	centroid float64 // cosine similarity with the rest of the article
	rank     int     // position among usable sentences
	score    float64
	recap    bool   // cand starts in lower case after a dropped connective
	subst    string // a name that replaces the opening pronoun of cand ("He" -> "Gordon Brown")
	label    bool   // a line of its own without a full stop: a heading, a label, a list item
	junk     int8   // furniture(): 0 not yet tested, 1 a sentence of the story, 2 furniture

	point     string // point(), made from cand == pointFor
	pointFor  string
	pointDone bool
}

// edge is a weighted edge of the LexRank graph into a sentence, from node.
type edge struct {
	node int32
	w    float64
}

// scratch is the reusable memory of one Summarize call.
type scratch struct {
	sents   []string
	labels  []bool // per sentence: a line of its own without a full stop
	info    []sentence
	vocab   termTable // hash of a term -> term id
	df      []int32   // sentence frequency of each term
	idf     []float64
	mark    []int32 // mark[t] == i+1 when term t was seen in sentence i
	at      []int32 // at[t] = index of term t in terms for the current sentence
	terms   []int32
	weights []float64
	dense   []float64
	sim     []float64
	rank    []float64
	next    []float64
	start   []int32 // LexRank: where the edges into each sentence start in edges
	edges   []edge
	sinks   []int32 // LexRank: the sentences with no edges out
	adj     []int32 // LexRank: the neighbours of each sentence, n to a row
	deg     []int32 // LexRank: how many neighbours each sentence has
	in      []int32 // LexRank: in how many of its sentences each term is
	shared  []int32 // LexRank: the terms (indices into terms) that its sentences share
	from    []int32 // LexRank: where each sentence's shared terms start
	lower   []byte
	order   []int
	lang    *lexicon // the article's language, for stopwords (nil: English)
}

var scratchPool = sync.Pool{New: func() any {
	return &scratch{}
}}

func (sc *scratch) release() {
	sc.vocab.reset()
	clear(sc.sents) // drop references to the article text
	clear(sc.info)
	sc.sents, sc.info = sc.sents[:0], sc.info[:0]
	scratchPool.Put(sc)
}

// termTable maps the hash of a term to its id: open addressing with linear
// probing, at most half full, cheaper than a map for the look-up of every
// word. The zero value is an empty table.
type termTable struct {
	keys  []uint64
	ids   []int32 // id+1; 0 marks an empty slot
	n     int
	shift uint
}

// idOf returns the id of hash h, or gives it the id next and reports false
// when it has none yet.
func (t *termTable) idOf(h uint64, next int32) (int32, bool) {
	if 2*(t.n+1) > len(t.ids) {
		t.grow()
	}
	mask := len(t.ids) - 1
	for i := int((h * 0x9E3779B97F4A7C15) >> t.shift); ; i = (i + 1) & mask {
		switch id := t.ids[i]; {
		case id == 0:
			t.keys[i], t.ids[i] = h, next+1
			t.n++
			return next, false
		case t.keys[i] == h:
			return id - 1, true
		}
	}
}

// grow doubles the table (1024 slots at first) and moves the entries.
func (t *termTable) grow() {
	size, bits := 1024, uint(10)
	for size < 4*(t.n+1) {
		size, bits = size*2, bits+1
	}
	keys, ids := t.keys, t.ids
	t.keys, t.ids, t.shift = make([]uint64, size), make([]int32, size), 64-bits
	mask := size - 1
	for k, id := range ids {
		if id == 0 {
			continue
		}
		h := keys[k]
		i := int((h * 0x9E3779B97F4A7C15) >> t.shift)
		for t.ids[i] != 0 {
			i = (i + 1) & mask
		}
		t.keys[i], t.ids[i] = h, id
	}
}

// reset empties the table, keeping its memory.
func (t *termTable) reset() {
	if t.n > 0 {
		clear(t.ids)
		t.n = 0
	}
}
