package extractive

import (
	"bytes"
	"math"
	"slices"
	"unicode"
	"unicode/utf8"
)

// analyse tokenizes the sentences, builds TF-IDF vectors, the similarity
// graph and the scores. It returns the word count of the body.
func (x *Summarizer) analyse(sc *scratch) int {
	n := len(sc.sents)
	sc.info = slices.Grow(sc.info[:0], n)[:n]
	sc.terms, sc.weights = sc.terms[:0], sc.weights[:0]
	sc.df, sc.mark, sc.at = sc.df[:0], sc.mark[:0], sc.at[:0]
	words := 0
	for i, s := range sc.sents {
		si := &sc.info[i]
		*si = sentence{text: s, lo: len(sc.terms), label: sc.labels[i]}
		si.words = sc.tokenize(s, i)
		si.hi = len(sc.terms)
		words += si.words
	}
	// TF-IDF weights, with sentences as the documents: (1+ln tf)·ln(1+N/df).
	sc.idf = slices.Grow(sc.idf[:0], len(sc.df))[:len(sc.df)]
	nf := float64(n)
	for t, df := range sc.df {
		sc.idf[t] = math.Log(1 + nf/float64(df))
	}
	for i := range sc.info {
		si := &sc.info[i]
		var sq float64
		for k := si.lo; k < si.hi; k++ {
			w := sc.idf[sc.terms[k]]
			if tf := sc.weights[k]; tf > 1 {
				w *= 1 + math.Log(tf)
			}
			sc.weights[k] = w
			sq += w * w
		}
		si.norm = math.Sqrt(sq)
	}
	x.lexRank(sc)
	sc.centroid()
	// Score usable sentences. The position prior counts usable sentences
	// only, so that a skipped caption or pronoun sentence does not push the
	// story's next sentence down.
	rank := 0
	for i := range sc.info {
		si := &sc.info[i]
		if i > 0 {
			si.subst = pronounName(si.text, sc.sents[i-1])
		}
		si.cand = x.candidate(sc.lang, si)
		if si.cand == "" {
			continue
		}
		si.lead = rank == 0
		si.rank = rank
		si.score = math.Pow(1+float64(rank), -x.p.decay) + x.p.central*si.central
		rank++
		if isOpenQuote(firstRune(si.text)) && !attributedQuote(si.text) {
			si.score -= x.p.quote
		}
	}
	return words
}

// tokenize adds the terms of sentence i to the term lists (raw term
// frequencies in weights) and returns its length in words (textLen).
// Terms are lower-cased words without the stopwords of the article's
// language (sc.lang, English when nil), with a possessive "'s" and a plural
// "s" removed, enough to match "Putin's"/"Putin" and "talks"/"talk" without
// a stemmer; in French and Italian an elided article goes too
// ("l'entreprise" is "entreprise"). Chinese and Japanese have no spaces to
// find words by, so runs of Han and katakana give character bigrams
// ("国内生产" gives "国内", "内生", "生产"), or the character alone when it
// stands by itself; hiragana (Japanese particles and endings) and a few
// Chinese function characters ("的", "了", "是") break the runs. Terms are
// identified by a 64-bit hash, so no term string is allocated.
func (sc *scratch) tokenize(s string, i int) int {
	lx := sc.lang
	if lx == nil {
		lx = lexEN
	}
	stop := lx.stopSet()
	lower := sc.lower // the word in lower case; kept for the next call
	words, wide := 0, 0
	for p := 0; p < len(s); {
		c := s[p]
		if c < utf8.RuneSelf {
			if !isASCIIAlnum(c) {
				p++
				continue
			}
		} else if r, size := utf8.DecodeRuneInString(s[p:]); !isWordRune(r) {
			p += size
			continue
		} else if isBigramRune(r) {
			p = sc.bigrams(s, p, i, &wide)
			continue
		}
		buf := lower[:0]
	word:
		for p < len(s) {
			c := s[p]
			switch {
			case c >= 'a' && c <= 'z' || c >= '0' && c <= '9':
				buf = append(buf, c)
				p++
			case c >= 'A' && c <= 'Z':
				buf = append(buf, c+'a'-'A')
				p++
			case c == '\'' && p+1 < len(s) && isASCIIAlnum(s[p+1]):
				buf = append(buf, c)
				p++
			case c >= utf8.RuneSelf:
				r, size := utf8.DecodeRuneInString(s[p:])
				if !isWordRune(r) || isBigramRune(r) {
					break word
				}
				buf = utf8.AppendRune(buf, unicode.ToLower(r))
				p += size
			default:
				break word
			}
		}
		lower = buf
		words++
		if lx != lexEN && lx.elide {
			if k := bytes.IndexByte(buf, '\''); k > 0 && k <= 4 {
				buf = buf[k+1:] // "l'entreprise", "dell'anno"
			}
		}
		// The stem is a prefix of the word: one FNV-1a pass hashes both.
		key := stemBytes(buf)
		h := hashBytes(fnvOffset, key)
		if lx != lexEN && stop.has(hashBytes(h, buf[len(key):]), buf) {
			continue
		}
		if len(key) < 2 || stop.has(h, key) {
			continue
		}
		if lx == lexEN {
			if k := suffixStem(key); len(k) < len(key) {
				key, h = k, hashBytes(fnvOffset, k) // "running" and "run" are one term
			}
		}
		sc.addTerm(h, i)
	}
	sc.lower = lower
	return words + (wide+1)/2
}

// bigrams adds the terms of the run of Han and kana that starts at s[p]
// (see tokenize), counts its characters in *wide and returns the index after
// the run.
func (sc *scratch) bigrams(s string, p, i int, wide *int) int {
	var prev [4]byte // the previous term character, UTF-8
	np := 0          // its length; 0 when the last character broke the run
	alone := false   // the previous character has no bigram yet
	for p < len(s) {
		r, size := utf8.DecodeRuneInString(s[p:])
		if !isBigramRune(r) {
			break
		}
		*wide++
		cur := s[p : p+size]
		p += size
		if r >= 0x3040 && r <= 0x309F || HanStop(r) {
			if alone {
				sc.addTerm(hashBytes(fnvOffset, prev[:np]), i)
			}
			np, alone = 0, false
			continue
		}
		if np > 0 {
			sc.addTerm(hashString(hashBytes(fnvOffset, prev[:np]), cur), i)
			alone = false
		} else {
			alone = true
		}
		np = copy(prev[:], cur)
	}
	if alone {
		sc.addTerm(hashBytes(fnvOffset, prev[:np]), i)
	}
	return p
}

// HanStop reports whether r is a Chinese function character, which breaks
// a run of bigrams (or character pairs) like a space: particles, the copula, common prepositions
// and conjunctions.
func HanStop(r rune) bool {
	switch r {
	case '的', '了', '是', '在', '和', '与', '及', '或', '等', '也', '都', '就', '被', '把', '将', '对', '于', '而', '之', '其', '着', '这', '那', '个':
		return true
	}
	return false
}

const fnvOffset = uint64(14695981039346656037)

func hashBytes(h uint64, b []byte) uint64 {
	for _, c := range b {
		h ^= uint64(c)
		h *= 1099511628211
	}
	return h
}

func hashString(h uint64, s string) uint64 {
	for k := 0; k < len(s); k++ {
		h ^= uint64(s[k])
		h *= 1099511628211
	}
	return h
}

// addTerm counts the term with hash h in sentence i.
func (sc *scratch) addTerm(h uint64, i int) {
	id, ok := sc.vocab.idOf(h, int32(len(sc.df)))
	if !ok {
		sc.df = append(sc.df, 0)
		sc.mark = append(sc.mark, 0)
		sc.at = append(sc.at, 0)
	}
	if sc.mark[id] == int32(i+1) {
		sc.weights[sc.at[id]]++
		return
	}
	sc.mark[id] = int32(i + 1)
	sc.at[id] = int32(len(sc.terms))
	sc.df[id]++
	sc.terms = append(sc.terms, id)
	sc.weights = append(sc.weights, 1)
}

func isASCIIAlnum(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
}

// stemBytes strips a possessive and a plural "s" from a lower-case word.
func stemBytes(b []byte) []byte {
	n := len(b)
	if n > 2 && b[n-2] == '\'' && b[n-1] == 's' {
		n -= 2
	}
	if n > 4 && b[n-1] == 's' && b[n-2] != 's' && b[n-2] != 'u' && b[n-2] != 'i' {
		n--
	}
	return b[:n]
}

// suffixStem strips the English endings that make "running" and "run",
// "removed" and "remove", "investigated" and "investigates" different
// terms: -ing, -ed, -es, a final -e, then a doubled final consonant. Cruder
// than Porter's stemmer and much cheaper; it runs on every word. Words of
// five letters or fewer keep their ending ("bed", "sing").
func suffixStem(b []byte) []byte {
	n := len(b)
	switch {
	case n > 5 && b[n-3] == 'i' && b[n-2] == 'n' && b[n-1] == 'g':
		n -= 3
	case n > 5 && b[n-2] == 'e' && (b[n-1] == 'd' || b[n-1] == 's'):
		n -= 2
	case n > 5 && b[n-1] == 'e':
		n--
	}
	if n > 3 && n < len(b) && b[n-1] == b[n-2] && b[n-1] != 'l' && b[n-1] != 's' && b[n-1] != 'e' && b[n-1] != 'o' {
		n-- // "runn" -> "run", but "fall", "pass", "agree", "too" keep theirs
	}
	return b[:n]
}

// lexRank computes continuous LexRank (PageRank over the cosine similarity
// graph, Erkan & Radev 2004) for the first sentences of the article and
// stores it normalised to [0,1]. Later sentences get no centrality: with the
// position prior they cannot win anyway, and the graph stays small.
func (x *Summarizer) lexRank(sc *scratch) {
	n := min(len(sc.info), x.p.graph)
	if n < 2 {
		for i := range sc.info {
			sc.info[i].central = 1
		}
		return
	}
	sc.listSharedTerms(n)
	sc.similarityGraph(n)
	sc.normaliseRows(n)
	sc.listEdges(n)
	sc.iterateRank(n)
	sc.storeCentrality(n)
}

// listSharedTerms lists, sentence by sentence and in term order, the terms
// that two or more of the first n sentences share: only those add to a dot
// product (the others add exact zeros). Sentence i's are
// sc.shared[sc.from[i]:sc.from[i+1]], indices into sc.terms.
func (sc *scratch) listSharedTerms(n int) {
	in := slices.Grow(sc.in[:0], len(sc.df))[:len(sc.df)]
	clear(in)
	for i := 0; i < n; i++ {
		for k := sc.info[i].lo; k < sc.info[i].hi; k++ {
			in[sc.terms[k]]++
		}
	}
	shared, from := sc.shared[:0], slices.Grow(sc.from[:0], n+1)[:0]
	for i := 0; i < n; i++ {
		from = append(from, int32(len(shared)))
		for k := sc.info[i].lo; k < sc.info[i].hi; k++ {
			if in[sc.terms[k]] > 1 {
				shared = append(shared, int32(k))
			}
		}
	}
	from = append(from, int32(len(shared)))
	sc.in, sc.shared, sc.from = in, shared, from
}

// similarityGraph fills the n×n cosine similarity matrix sc.sim of the first
// n sentences, and their neighbour lists: sc.adj[i*n:i*n+sc.deg[i]] lists
// the sentences that sentence i shares a term with, in order (the non-zero
// entries of row i and of column i). Sentence i's weights are scattered into
// a dense vector once, so each pair costs only j's shared terms.
func (sc *scratch) similarityGraph(n int) {
	if cap(sc.dense) < len(sc.df) {
		sc.dense = make([]float64, len(sc.df))
	}
	dense := sc.dense[:len(sc.df)]
	shared, from := sc.shared, sc.from
	sc.sim = slices.Grow(sc.sim[:0], n*n)[:n*n]
	sim := sc.sim
	clear(sim)
	sc.adj = slices.Grow(sc.adj[:0], n*n)[:n*n]
	sc.deg = slices.Grow(sc.deg[:0], n)[:n]
	adj, deg := sc.adj, sc.deg
	clear(deg)
	for i := 0; i < n; i++ {
		si := &sc.info[i]
		if si.norm == 0 {
			continue
		}
		for _, k := range shared[from[i]:from[i+1]] {
			dense[sc.terms[k]] = sc.weights[k]
		}
		for j := i + 1; j < n; j++ {
			sj := &sc.info[j]
			if sj.norm == 0 {
				continue
			}
			var dot float64
			for _, k := range shared[from[j]:from[j+1]] {
				dot += dense[sc.terms[k]] * sc.weights[k]
			}
			if dot != 0 {
				c := dot / (si.norm * sj.norm)
				sim[i*n+j], sim[j*n+i] = c, c
				adj[i*n+int(deg[i])], adj[j*n+int(deg[j])] = int32(j), int32(i)
				deg[i]++
				deg[j]++
			}
		}
		for _, k := range shared[from[i]:from[i+1]] {
			dense[sc.terms[k]] = 0
		}
	}
}

// normaliseRows turns sc.sim into a transition matrix: each row sums to one.
// A row with no edges stays zero; iterateRank spreads that sentence's rank
// evenly (the "dangling" mass).
func (sc *scratch) normaliseRows(n int) {
	sim, adj, deg := sc.sim, sc.adj, sc.deg
	for i := 0; i < n; i++ {
		row, nz := sim[i*n:i*n+n], adj[i*n:i*n+int(deg[i])]
		var sum float64
		for _, j := range nz { // the zeros add nothing
			sum += row[j]
		}
		if sum > 0 {
			inv := 1 / sum
			for _, j := range nz {
				row[j] *= inv
			}
		}
	}
}

// listEdges keeps the sparse graph as lists, built once for all the
// iterations: the edges into each sentence (column j is
// sc.edges[sc.start[j]:sc.start[j+1]], from sentence e.node) and the
// sentences with no edges out (sc.sinks). Each iteration then sums over the
// sentences i in order, as a pass over the rows would, without writing to
// memory.
func (sc *scratch) listEdges(n int) {
	sim, adj, deg := sc.sim, sc.adj, sc.deg
	sc.start = slices.Grow(sc.start[:0], n+1)[:0]
	sc.edges = sc.edges[:0]
	for j := 0; j < n; j++ {
		sc.start = append(sc.start, int32(len(sc.edges)))
		for _, i := range adj[j*n : j*n+int(deg[j])] {
			if v := sim[int(i)*n+j]; v != 0 {
				sc.edges = append(sc.edges, edge{i, v})
			}
		}
	}
	sc.start = append(sc.start, int32(len(sc.edges)))
	sc.sinks = sc.sinks[:0]
	for i := 0; i < n; i++ {
		row := sim[i*n : i*n+n]
		if !slices.ContainsFunc(adj[i*n:i*n+int(deg[i])], func(j int32) bool { return row[j] != 0 }) {
			sc.sinks = append(sc.sinks, int32(i))
		}
	}
}

// iterateRank runs the PageRank power iteration (damping 0.85, at most 30
// rounds, until the rank moves by less than 1e-5 in total) over the edge
// lists, from the uniform rank, and leaves the result in sc.rank.
func (sc *scratch) iterateRank(n int) {
	sc.rank = slices.Grow(sc.rank[:0], n)[:n]
	sc.next = slices.Grow(sc.next[:0], n)[:n]
	rank, next := sc.rank, sc.next
	for i := range rank {
		rank[i] = 1 / float64(n)
	}
	start, edges, sinks := sc.start, sc.edges, sc.sinks
	const d = 0.85
	for it := 0; it < 30; it++ {
		var dangling float64
		for _, i := range sinks {
			dangling += rank[i]
		}
		for j := 0; j < n; j++ {
			var sum float64
			for _, e := range edges[start[j]:start[j+1]] {
				sum += rank[e.node] * e.w
			}
			next[j] = sum
		}
		var delta float64
		base := (1-d)/float64(n) + d*dangling/float64(n)
		for i := 0; i < n; i++ {
			v := base + d*next[i]
			delta += math.Abs(v - rank[i])
			rank[i] = v
		}
		if delta < 1e-5 {
			break
		}
	}
}

// storeCentrality gives each of the first n sentences its rank divided by the
// highest, and every later sentence zero.
func (sc *scratch) storeCentrality(n int) {
	var hi float64
	for _, v := range sc.rank {
		hi = max(hi, v)
	}
	for i := range sc.info {
		if i < n && hi > 0 {
			sc.info[i].central = sc.rank[i] / hi
		} else {
			sc.info[i].central = 0
		}
	}
}

// cosine is the TF-IDF cosine similarity of sentences a and b.
func (sc *scratch) cosine(a, b *sentence) float64 {
	if a.norm == 0 || b.norm == 0 {
		return 0
	}
	var dot float64
	for i := a.lo; i < a.hi; i++ {
		t := sc.terms[i]
		for j := b.lo; j < b.hi; j++ {
			if sc.terms[j] == t {
				dot += sc.weights[i] * sc.weights[j]
				break
			}
		}
	}
	return dot / (a.norm * b.norm)
}

// centroid sets each sentence's cosine similarity with the rest of the
// article (the sum of the other sentences' TF-IDF vectors).
func (sc *scratch) centroid() {
	if cap(sc.dense) < len(sc.df) {
		sc.dense = make([]float64, len(sc.df))
	}
	cent := sc.dense[:len(sc.df)]
	clear(cent)
	for k, t := range sc.terms {
		cent[t] += sc.weights[k]
	}
	var cc float64
	for _, v := range cent {
		cc += v * v
	}
	for i := range sc.info {
		si := &sc.info[i]
		if si.norm == 0 {
			continue
		}
		var dot float64
		for k := si.lo; k < si.hi; k++ {
			dot += sc.weights[k] * cent[sc.terms[k]]
		}
		ss := si.norm * si.norm
		rest := cc - 2*dot + ss
		dot -= ss
		if rest > 1e-12 && dot > 0 {
			si.centroid = dot / (si.norm * math.Sqrt(rest))
		}
	}
	clear(cent)
}
