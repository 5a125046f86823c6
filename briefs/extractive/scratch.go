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
}

// edge is a weighted edge of the LexRank graph.
type edge struct {
	to int32
	w  float64
}

// scratch is the reusable memory of one Summarize call.
type scratch struct {
	sents   []string
	info    []sentence
	vocab   map[uint64]int32 // hash of a term -> term id
	df      []int32          // sentence frequency of each term
	idf     []float64
	mark    []int32 // mark[t] == i+1 when term t was seen in sentence i
	at      []int32 // at[t] = index of term t in terms for the current sentence
	terms   []int32
	weights []float64
	dense   []float64
	sim     []float64
	rank    []float64
	next    []float64
	start   []int32 // LexRank: where each sentence's edges start in edges
	edges   []edge
	lower   []byte
	order   []int
	lang    *lexicon // the article's language, for stopwords (nil: English)
}

var scratchPool = sync.Pool{New: func() any {
	return &scratch{vocab: make(map[uint64]int32, 512)}
}}

func (sc *scratch) release() {
	clear(sc.vocab)
	clear(sc.sents) // drop references to the article text
	clear(sc.info)
	sc.sents, sc.info = sc.sents[:0], sc.info[:0]
	scratchPool.Put(sc)
}
