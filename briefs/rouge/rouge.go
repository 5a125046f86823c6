// Package rouge computes ROUGE-N, ROUGE-L and summary-level ROUGE-Lsum the
// way ROUGE-1.5.5 does with the settings of the evaluation oracle in
// shared/evaldata (see its README): ASCII lower-casing, [a-z0-9] tokens,
// Porter stemming of tokens longer than 3 characters, no stopword removal,
// no length limit, F = 2PR/(P+R).
//
// ROUGE-N and ROUGE-L treat a summary as one unit: n-grams run across line
// breaks and ROUGE-L is the plain longest common subsequence of the whole
// texts. ROUGE-Lsum splits both texts on newlines and scores the union LCS
// of every reference line against all candidate lines, with per-token hit
// budgets (rouge-score's rougeLsum, ROUGE-1.5.5's summary-level ROUGE-L).
//
// Every function is safe for concurrent use.
package rouge

import (
	"hash/maphash"
	"math/bits"
	"slices"
	"sync"
)

// Score is the precision, recall and F1 of one metric, each in [0, 1].
type Score struct {
	P, R, F float64
}

// Scores are the metrics that Evaluate reports for one candidate and one
// reference.
type Scores struct {
	R1, R2 Score // ROUGE-1, ROUGE-2 over the whole text
	RL     Score // ROUGE-L: plain LCS over the whole text
	RLsum  Score // ROUGE-Lsum: summary-level union LCS over newline-separated lines
}

// newScore turns hit counts into a Score: P = hits/cand, R = hits/ref,
// F = 2PR/(P+R), and 0 wherever a denominator is 0.
func newScore(hits, cand, ref int) Score {
	var s Score
	if cand > 0 {
		s.P = float64(hits) / float64(cand)
	}
	if ref > 0 {
		s.R = float64(hits) / float64(ref)
	}
	if s.P+s.R > 0 {
		s.F = 2 * s.P * s.R / (s.P + s.R)
	}
	return s
}

// Text is a summary tokenized for scoring: its tokens and its lines. Build it
// with NewText when the same text is scored more than once (a reference
// against several systems), to tokenize it only once. The zero Text is an
// empty summary.
type Text struct {
	toks   []string
	hashes []uint64 // maphash of each token, for interning
	lines  []int    // lines[k] is the token index where line k ends
}

// NewText tokenizes s with Tokenize and records its lines (split on '\n',
// empty lines dropped) for ROUGE-Lsum.
func NewText(s string) Text {
	t := newTokenizer()
	defer t.release()
	toks, lines := t.tokenize(s, nil, make([]int, 0, 8))
	return Text{toks: toks, hashes: hashTokens(nil, toks), lines: lines}
}

// Tokens returns the tokens of the whole text. The caller must not modify
// the slice.
func (t Text) Tokens() []string { return t.toks }

// Lines returns the number of non-empty lines in the text.
func (t Text) Lines() int { return len(t.lines) }

// N returns ROUGE-N of the token sequences cand and ref (from Tokenize):
// the clipped count of shared n-grams over the number of candidate n-grams
// (P) and of reference n-grams (R). n must be at least 1; the scores are 0
// when either text has fewer than n tokens.
func N(cand, ref []string, n int) Score {
	if n < 1 {
		panic("rouge: N called with n < 1")
	}
	s := getScorer()
	defer putScorer(s)
	s.load(cand, ref)
	return s.ngram(n)
}

// L returns ROUGE-L of the token sequences cand and ref: the length of their
// longest common subsequence over len(cand) (P) and len(ref) (R).
func L(cand, ref []string) Score {
	s := getScorer()
	defer putScorer(s)
	s.load(cand, ref)
	return newScore(s.lcs(s.c, s.r), len(s.c), len(s.r))
}

// Lsum returns summary-level ROUGE-Lsum of the texts cand and ref, split into
// sentences on '\n'. For each reference line it takes the union of the LCS
// positions against every candidate line; a token counts as a hit only while
// both texts have unused occurrences of it left. Texts without newlines get
// plain ROUGE-L.
func Lsum(cand, ref string) Score {
	c, r := NewText(cand), NewText(ref)
	s := getScorer()
	defer putScorer(s)
	s.loadHashed(c.toks, c.hashes, r.toks, r.hashes)
	return s.lsum(c.lines, r.lines)
}

// Evaluate tokenizes cand and ref once and returns ROUGE-1, ROUGE-2, ROUGE-L
// and ROUGE-Lsum.
func Evaluate(cand, ref string) Scores {
	return EvaluateText(NewText(cand), NewText(ref))
}

// EvaluateText is Evaluate on texts tokenized beforehand.
func EvaluateText(cand, ref Text) Scores {
	s := getScorer()
	defer putScorer(s)
	s.loadHashed(cand.toks, cand.hashes, ref.toks, ref.hashes)
	return Scores{
		R1:    s.ngram(1),
		R2:    s.ngram(2),
		RL:    newScore(s.lcs(s.c, s.r), len(s.c), len(s.r)),
		RLsum: s.lsum(cand.lines, ref.lines),
	}
}

// scorer holds the buffers for scoring one pair. Tokens become dense ids
// 1..vocab so that counting needs slices instead of maps and n-grams pack
// into integers.
type scorer struct {
	slots      []slot   // interning table
	hc, hr     []uint64 // token hashes when the caller has none
	vocab      int32
	c, r       []int32 // candidate and reference as ids
	cntC, cntR []int32 // per-id counts
	keysC      []uint64
	keysR      []uint64
	hkeys      []uint64 // open-addressing table of n-gram keys
	hcnt       []int32  // and their counts
	wideC      []wideKey
	wideR      []wideKey
	sym        []int32  // per id: 1 + index of its match mask, 0 when absent
	pm         []uint64 // match masks for bit-parallel LCS
	v          []uint64 // LCS bit vector
	rows       []uint64 // LCS bit vectors of every row, for backtracking
	mark       []bool   // union of LCS positions in one reference line
	row        []int32  // DP row (fallback for very long texts)
	table      []int32  // DP table (fallback for very long lines)
}

var scorerPool = sync.Pool{New: func() any {
	return new(scorer)
}}

func getScorer() *scorer { return scorerPool.Get().(*scorer) }

func putScorer(s *scorer) {
	if len(s.slots) > 1<<17 || cap(s.table) > 1<<22 || cap(s.rows) > 1<<22 || cap(s.pm) > 1<<20 {
		return // let an outsized scorer go rather than pin its memory
	}
	clear(s.slots) // do not pin the caller's token strings
	scorerPool.Put(s)
}

// hashSeed seeds the token hashes of every Text in the process.
var hashSeed = maphash.MakeSeed()

func hashTokens(dst []uint64, toks []string) []uint64 {
	for _, t := range toks {
		dst = append(dst, maphash.String(hashSeed, t))
	}
	return dst
}

// load interns both token sequences, hashing them first.
func (s *scorer) load(cand, ref []string) {
	s.hc = hashTokens(s.hc[:0], cand)
	s.hr = hashTokens(s.hr[:0], ref)
	s.loadHashed(cand, s.hc, ref, s.hr)
}

// loadHashed interns both token sequences, given their hashes, in an
// open-addressing table that compares the strings on equal hashes, so ids
// are exact.
func (s *scorer) loadHashed(cand []string, hc []uint64, ref []string, hr []uint64) {
	size := 64
	for size < 2*(len(cand)+len(ref)) {
		size *= 2
	}
	s.slots = slices.Grow(s.slots[:0], size)[:size]
	clear(s.slots)
	s.vocab = 0
	s.c = s.intern(s.c[:0], cand, hc)
	s.r = s.intern(s.r[:0], ref, hr)
}

// slot is an entry of the interning table; id 0 marks an empty slot.
type slot struct {
	hash uint64
	tok  string
	id   int32
}

func (s *scorer) intern(dst []int32, toks []string, hashes []uint64) []int32 {
	mask := uint64(len(s.slots) - 1)
	for k, t := range toks {
		h := hashes[k]
		i := h & mask
		for {
			sl := &s.slots[i]
			if sl.id == 0 {
				s.vocab++
				*sl = slot{hash: h, tok: t, id: s.vocab}
				dst = append(dst, s.vocab)
				break
			}
			if sl.hash == h && sl.tok == t {
				dst = append(dst, sl.id)
				break
			}
			i = (i + 1) & mask
		}
	}
	return dst
}

// counts fills cntC and cntR with the number of occurrences of each id.
func (s *scorer) counts() {
	n := int(s.vocab) + 1
	s.cntC = slices.Grow(s.cntC[:0], n)[:n]
	s.cntR = slices.Grow(s.cntR[:0], n)[:n]
	clear(s.cntC)
	clear(s.cntR)
	for _, id := range s.c {
		s.cntC[id]++
	}
	for _, id := range s.r {
		s.cntR[id]++
	}
}

// ngram computes ROUGE-N with clipped counts: each distinct n-gram scores
// min(count in cand, count in ref) hits.
func (s *scorer) ngram(n int) Score {
	nc, nr := len(s.c)-n+1, len(s.r)-n+1
	if nc <= 0 || nr <= 0 {
		return newScore(0, max(nc, 0), max(nr, 0))
	}
	if n == 1 {
		s.counts()
		hits := 0
		for id := 1; id <= int(s.vocab); id++ {
			hits += int(min(s.cntC[id], s.cntR[id]))
		}
		return newScore(hits, nc, nr)
	}
	// Ids fit in b bits; n of them side by side make an exact key as long
	// as they fit in 64 bits (always for n = 2, and for n = 4 up to a
	// 65535-word vocabulary), never 0 since ids start at 1. Longer keys
	// take two words and a sort.
	b := bits.Len32(uint32(s.vocab))
	if b*n <= 64 {
		s.keysC = packNarrow(s.keysC[:0], s.c, n, b)
		s.keysR = packNarrow(s.keysR[:0], s.r, n, b)
		return newScore(s.overlap(s.keysC, s.keysR), nc, nr)
	}
	s.wideC = packWide(s.wideC[:0], s.c, n)
	s.wideR = packWide(s.wideR[:0], s.r, n)
	slices.SortFunc(s.wideC, cmpWide)
	slices.SortFunc(s.wideR, cmpWide)
	return newScore(intersectSorted(s.wideC, s.wideR, cmpWide), nc, nr)
}

// overlap returns the size of the multiset intersection of the non-zero keys
// c and r, counting c in an open-addressing hash table.
func (s *scorer) overlap(c, r []uint64) int {
	size := 16
	for size < 2*len(c) {
		size *= 2
	}
	shift := 64 - bits.Len(uint(size-1))
	s.hkeys = slices.Grow(s.hkeys[:0], size)[:size]
	s.hcnt = slices.Grow(s.hcnt[:0], size)[:size]
	clear(s.hkeys)
	mask := uint64(size - 1)
	for _, k := range c {
		h := (k * 0x9E3779B97F4A7C15) >> shift
		for s.hkeys[h] != 0 && s.hkeys[h] != k {
			h = (h + 1) & mask
		}
		if s.hkeys[h] == 0 {
			s.hkeys[h] = k
			s.hcnt[h] = 0
		}
		s.hcnt[h]++
	}
	hits := 0
	for _, k := range r {
		h := (k * 0x9E3779B97F4A7C15) >> shift
		for s.hkeys[h] != 0 && s.hkeys[h] != k {
			h = (h + 1) & mask
		}
		if s.hkeys[h] == k && s.hcnt[h] > 0 {
			hits++
			s.hcnt[h]--
		}
	}
	return hits
}

func packNarrow(dst []uint64, ids []int32, n, b int) []uint64 {
	for i := 0; i+n <= len(ids); i++ {
		var k uint64
		for _, id := range ids[i : i+n] {
			k = k<<b | uint64(id)
		}
		dst = append(dst, k)
	}
	return dst
}

// wideKey is an n-gram of up to 4 ids of up to 32 bits each.
type wideKey struct{ hi, lo uint64 }

func packWide(dst []wideKey, ids []int32, n int) []wideKey {
	for i := 0; i+n <= len(ids); i++ {
		var k [4]uint32
		for j, id := range ids[i : i+n] {
			k[j] = uint32(id)
		}
		dst = append(dst, wideKey{
			hi: uint64(k[0])<<32 | uint64(k[1]),
			lo: uint64(k[2])<<32 | uint64(k[3]),
		})
	}
	return dst
}

func cmpUint64(a, b uint64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

func cmpWide(a, b wideKey) int {
	if c := cmpUint64(a.hi, b.hi); c != 0 {
		return c
	}
	return cmpUint64(a.lo, b.lo)
}

// intersectSorted returns the size of the multiset intersection of two
// sorted slices, which is the sum over distinct keys of the smaller count.
func intersectSorted[K any](a, b []K, cmp func(K, K) int) int {
	hits, i, j := 0, 0, 0
	for i < len(a) && j < len(b) {
		switch c := cmp(a[i], b[j]); {
		case c < 0:
			i++
		case c > 0:
			j++
		default:
			hits++
			i++
			j++
		}
	}
	return hits
}

// lcs returns the length of the longest common subsequence of a and b,
// bit-parallel (Allison-Dix / Hyyrö): the DP row over the shorter sequence is
// kept as a bit vector whose zero bits mark where the row value steps up, and
// one row costs a few word operations per 64 tokens.
func (s *scorer) lcs(a, b []int32) int {
	if len(a) == 0 || len(b) == 0 {
		return 0
	}
	if len(a) < len(b) {
		a, b = b, a // the shorter one goes on the bits
	}
	w := (len(b) + 63) / 64
	pm, ok := s.matchMasks(b, w)
	if !ok {
		return s.lcsDP(a, b)
	}
	defer s.clearMasks(b)
	s.v = fill(s.v, w)
	v := s.v
	for _, id := range a {
		k := s.sym[id]
		if k == 0 {
			continue // a token b lacks leaves the row unchanged
		}
		step(v, pm[int(k-1)*w:int(k)*w])
	}
	return len(b) - onesBelow(v, len(b))
}

// maxMaskWords bounds the match-mask table (distinct tokens × words), beyond
// which lcs uses the plain dynamic program.
const maxMaskWords = 1 << 20

// matchMasks builds, for each distinct token of b, the bit mask of its
// positions in b (w words each), and numbers those tokens in s.sym (1-based;
// 0 for tokens b lacks). clearMasks must undo s.sym afterwards.
func (s *scorer) matchMasks(b []int32, w int) ([]uint64, bool) {
	n := int(s.vocab) + 1
	if len(s.sym) < n {
		s.sym = make([]int32, n)
	}
	distinct := int32(0)
	for _, id := range b {
		if s.sym[id] == 0 {
			distinct++
			s.sym[id] = distinct
		}
	}
	size := int(distinct) * w
	if size > maxMaskWords {
		s.clearMasks(b)
		return nil, false
	}
	s.pm = slices.Grow(s.pm[:0], size)[:size]
	clear(s.pm)
	for j, id := range b {
		s.pm[int(s.sym[id]-1)*w+j/64] |= 1 << (j % 64)
	}
	return s.pm, true
}

func (s *scorer) clearMasks(b []int32) {
	for _, id := range b {
		s.sym[id] = 0
	}
}

// fill returns v resized to w words, all ones.
func fill(v []uint64, w int) []uint64 {
	v = slices.Grow(v[:0], w)[:w]
	for k := range v {
		v[k] = ^uint64(0)
	}
	return v
}

// step advances the LCS bit vector v by one token whose match mask is pm:
// V' = (V + (V & M)) | (V &^ M), with the carry running across words.
func step(v, pm []uint64) {
	var carry uint64
	for k, x := range v {
		m := pm[k]
		sum, c := bits.Add64(x, x&m, carry)
		carry = c
		v[k] = sum | (x &^ m)
	}
}

// onesBelow counts the set bits of v among its first n bits.
func onesBelow(v []uint64, n int) int {
	ones := 0
	for k := 0; k < n/64; k++ {
		ones += bits.OnesCount64(v[k])
	}
	if r := n % 64; r != 0 {
		ones += bits.OnesCount64(v[n/64] & (1<<r - 1))
	}
	return ones
}

// lcsDP is the textbook dynamic program in one row, for inputs whose match
// masks would be too large.
func (s *scorer) lcsDP(a, b []int32) int {
	s.row = slices.Grow(s.row[:0], len(b)+1)[:len(b)+1]
	row := s.row
	clear(row)
	for _, x := range a {
		var diag int32 // row[j] of the previous iteration of the outer loop
		for j, y := range b {
			up := row[j+1]
			switch {
			case x == y:
				row[j+1] = diag + 1
			case row[j] > up:
				row[j+1] = row[j]
			}
			diag = up
		}
	}
	return int(row[len(b)])
}

// lsum computes summary-level ROUGE-L over the lines of s.c and s.r, as
// rouge-score's _summary_level_lcs does.
func (s *scorer) lsum(cLines, rLines []int) Score {
	m, n := len(s.r), len(s.c)
	if m == 0 || n == 0 {
		return Score{}
	}
	if len(cLines) == 1 && len(rLines) == 1 {
		// One line each: the union is the LCS itself, and the budgets
		// never bind because an LCS uses each token no more often than
		// either text has it.
		return newScore(s.lcs(s.c, s.r), n, m)
	}
	s.counts() // the hit budgets: each token counts at most min(cntC, cntR) times
	hits := 0
	rStart := 0
	for _, rEnd := range rLines {
		ref := s.r[rStart:rEnd]
		rStart = rEnd
		if len(ref) == 0 {
			continue
		}
		s.mark = slices.Grow(s.mark[:0], len(ref))[:len(ref)]
		clear(s.mark)
		w := (len(ref) + 63) / 64
		pm, masked := s.matchMasks(ref, w)
		cStart := 0
		for _, cEnd := range cLines {
			if cand := s.c[cStart:cEnd]; len(cand) > 0 {
				if masked {
					s.markLCS(ref, cand, pm, w)
				} else {
					s.markLCSDP(ref, cand)
				}
			}
			cStart = cEnd
		}
		if masked {
			s.clearMasks(ref)
		}
		for i, hit := range s.mark {
			if !hit {
				continue
			}
			if id := ref[i]; s.cntC[id] > 0 && s.cntR[id] > 0 {
				hits++
				s.cntC[id]--
				s.cntR[id]--
			}
		}
	}
	return newScore(hits, n, m)
}

// markLCS finds one LCS of ref and cand, choosing among equal ones exactly as
// rouge-score's _backtrack_norec does, and sets mark[i] for every position i
// of ref on it. pm holds the match masks of ref (w words each, numbered in
// s.sym). It keeps the bit-parallel LCS vector after every candidate token;
// the DP value t[i][j] (ref[:i] against cand[:j]) is then i minus the set
// bits of vector j below bit i.
func (s *scorer) markLCS(ref, cand []int32, pm []uint64, w int) {
	if w == 1 {
		s.markLCS1(ref, cand, pm)
		return
	}
	size := (len(cand) + 1) * w
	s.rows = slices.Grow(s.rows[:0], size)[:size]
	rows := s.rows
	fill(rows[:w], w)
	for j, id := range cand {
		prev, cur := rows[j*w:(j+1)*w], rows[(j+1)*w:(j+2)*w]
		copy(cur, prev)
		if k := s.sym[id]; k != 0 {
			step(cur, pm[int(k-1)*w:int(k)*w])
		}
	}
	t := func(i, j int) int { return i - onesBelow(rows[j*w:(j+1)*w], i) }
	i, j := len(ref), len(cand)
	for i > 0 && j > 0 {
		switch {
		case ref[i-1] == cand[j-1]:
			s.mark[i-1] = true
			i--
			j--
		case t(i, j-1) > t(i-1, j):
			j--
		default:
			i--
		}
	}
}

// markLCS1 is markLCS for a reference line of at most 64 tokens, with one
// word per vector.
func (s *scorer) markLCS1(ref, cand []int32, pm []uint64) {
	s.rows = slices.Grow(s.rows[:0], len(cand)+1)[:len(cand)+1]
	rows := s.rows
	v := ^uint64(0)
	rows[0] = v
	for j, id := range cand {
		if k := s.sym[id]; k != 0 {
			m := pm[k-1]
			v = (v + v&m) | (v &^ m)
		}
		rows[j+1] = v
	}
	// t[i][j] = i - ones of rows[j] below bit i; 1<<64 is 0 in Go, so the
	// mask for i = 64 is all ones.
	i, j := len(ref), len(cand)
	for i > 0 && j > 0 {
		switch {
		case ref[i-1] == cand[j-1]:
			s.mark[i-1] = true
			i--
			j--
		case i-bits.OnesCount64(rows[j-1]&(1<<i-1)) > i-1-bits.OnesCount64(rows[j]&(1<<(i-1)-1)):
			j--
		default:
			i--
		}
	}
}

// markLCSDP is markLCS on the full DP table, for lines too long for masks.
func (s *scorer) markLCSDP(ref, cand []int32) {
	w := len(cand) + 1
	size := (len(ref) + 1) * w
	s.table = slices.Grow(s.table[:0], size)[:size]
	t := s.table
	clear(t[:w])
	for i := 1; i <= len(ref); i++ {
		x := ref[i-1]
		prev, cur := t[(i-1)*w:i*w], t[i*w:(i+1)*w]
		cur[0] = 0
		for j := 1; j < w; j++ {
			switch {
			case x == cand[j-1]:
				cur[j] = prev[j-1] + 1
			case prev[j] >= cur[j-1]:
				cur[j] = prev[j]
			default:
				cur[j] = cur[j-1]
			}
		}
	}
	i, j := len(ref), len(cand)
	for i > 0 && j > 0 {
		switch {
		case ref[i-1] == cand[j-1]:
			s.mark[i-1] = true
			i--
			j--
		case t[i*w+j-1] > t[(i-1)*w+j]:
			j--
		default:
			i--
		}
	}
}
