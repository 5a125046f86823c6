package rouge

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"sync"
	"testing"
)

func near(a, b float64) bool { return math.Abs(a-b) < 1e-9 }

func checkScore(t *testing.T, name string, got Score, p, r, f float64) {
	t.Helper()
	if !near(got.P, p) || !near(got.R, r) || !near(got.F, f) {
		t.Errorf("%s = {P:%.6f R:%.6f F:%.6f}, want {P:%.6f R:%.6f F:%.6f}", name, got.P, got.R, got.F, p, r, f)
	}
}

func TestTokenize(t *testing.T) {
	tests := []struct {
		in   string
		want []string
	}{
		{"", nil},
		{"  \n\t ", nil},
		{"...!?", nil},
		{"Hello, World!", []string{"hello", "world"}},
		{"The 39-year-old's cats", []string{"the", "39", "year", "old", "s", "cat"}},
		{"Locke 's -LRB- did n't", []string{"lock", "s", "lrb", "did", "n", "t"}},
		{"running ponies", []string{"run", "poni"}},
		{"has was its", []string{"has", "was", "its"}}, // 3 characters: not stemmed ("has" would become "ha")
		{"café naïve", []string{"caf", "na", "ve"}},    // non-ASCII bytes separate words
		{"don’t", []string{"don", "t"}},
		{"\u212Aelvin İstanbul", []string{"elvin", "stanbul"}}, // no Unicode case folding: Kelvin sign and dotted I are separators
		{"line one.\nline two", []string{"line", "one", "line", "two"}},
		{"CONNECTIONS connected", []string{"connect", "connect"}},
		{"1990s 2015", []string{"1990", "2015"}},
	}
	for _, tc := range tests {
		got := Tokenize(tc.in)
		if len(got) == 0 && len(tc.want) == 0 {
			continue
		}
		if !slices.Equal(got, tc.want) {
			t.Errorf("Tokenize(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

// The cases of rouge-score's rouge_scorer_test.py (score(target, prediction)).
func TestRougeScoreCases(t *testing.T) {
	tok := Tokenize
	checkScore(t, "R1", N(tok("testing"), tok("testing one two"), 1), 1, 1.0/3, 0.5)
	checkScore(t, "R2", N(tok("testing one"), tok("testing one two"), 2), 1, 0.5, 2.0/3)
	checkScore(t, "RL consecutive", L(tok("testing one"), tok("testing one two")), 1, 2.0/3, 0.8)
	checkScore(t, "RL non-consecutive", L(tok("testing two"), tok("testing one two")), 1, 2.0/3, 0.8)
	for _, n := range []int{1, 2, 3, 4} {
		checkScore(t, fmt.Sprintf("R%d empty candidate", n), N(nil, tok("testing one two"), n), 0, 0, 0)
		checkScore(t, fmt.Sprintf("R%d empty reference", n), N(tok("testing one two"), nil, n), 0, 0, 0)
	}
	checkScore(t, "RL empty", L(tok("testing one two"), nil), 0, 0, 0)
	checkScore(t, "RL both empty", L(nil, nil), 0, 0, 0)
}

func TestNGramsCrossNewlines(t *testing.T) {
	// "b c" spans the line break in the candidate and still counts.
	checkScore(t, "R2", N(Tokenize("a b\nc"), Tokenize("b c"), 2), 0.5, 1, 2.0/3)
	// Clipping: the candidate repeats "the" three times, the reference has it twice.
	checkScore(t, "R1 clipped", N(Tokenize("the the the"), Tokenize("the cat the"), 1), 2.0/3, 2.0/3, 2.0/3)
	// Fewer tokens than n.
	checkScore(t, "R4 short", N(Tokenize("a b c"), Tokenize("a b c"), 4), 0, 0, 0)
	checkScore(t, "R3 exact", N(Tokenize("a b c"), Tokenize("a b c"), 3), 1, 1, 1)
}

func TestNPanicsOnBadN(t *testing.T) {
	defer func() {
		if recover() == nil {
			t.Error("N(..., 0) did not panic")
		}
	}()
	N([]string{"a"}, []string{"a"}, 0)
}

func TestLsum(t *testing.T) {
	// Lin (2004), section 3.2, as in rouge-score's testRougeLsum:
	// union LCS of r against c1 and c2 is w1 w2 w3 w5.
	checkScore(t, "paper example", Lsum("w1 w2 w6 w7 w8\nw1 w3 w8 w9 w5", "w1 w2 w3 w4 w5"), 0.4, 0.8, 0.8*0.4*2/1.2)
	// Plain ROUGE-L of the same texts takes a single LCS over the joined
	// candidate: w1 w2 w3 w5 as well here, but over 10 tokens.
	checkScore(t, "paper example, RL", L(Tokenize("w1 w2 w6 w7 w8\nw1 w3 w8 w9 w5"), Tokenize("w1 w2 w3 w4 w5")), 0.4, 0.8, 0.8*0.4*2/1.2)

	// Empty and all-punctuation cases.
	checkScore(t, "empty candidate", Lsum("", "w1 w2 w3 w4 w5"), 0, 0, 0)
	checkScore(t, "empty reference", Lsum("w1", ""), 0, 0, 0)
	checkScore(t, "punctuation only", Lsum("/", "w1 w2 w3 w4 w5"), 0, 0, 0)
	checkScore(t, "both empty", Lsum("\n\n", ""), 0, 0, 0)

	// Without newlines Lsum is plain ROUGE-L.
	c, r := "the cat sat on the mat today", "a cat sat quietly on a mat"
	if got, want := Lsum(c, r), L(Tokenize(c), Tokenize(r)); got != want {
		t.Errorf("Lsum without newlines = %+v, L = %+v", got, want)
	}

	// Lines order matters for L, not for Lsum: swapping the candidate lines
	// keeps every union LCS.
	checkScore(t, "swapped lines", Lsum("w4 w5\nw1 w2 w3", "w1 w2 w3\nw4 w5"), 1, 1, 1)
	checkScore(t, "swapped lines, RL", L(Tokenize("w4 w5\nw1 w2 w3"), Tokenize("w1 w2 w3\nw4 w5")), 0.6, 0.6, 0.6)

	// Hit budgets: the candidate has w1 once, two reference lines want it;
	// it counts once.
	checkScore(t, "budget", Lsum("w1 w2", "w1\nw1 w2"), 1, 2.0/3, 0.8)

	// Blank and whitespace-only lines change nothing.
	if a, b := Lsum("w1 w2\n\n \nw3", "w3\r\nw1 w2\n"), Lsum("w1 w2\nw3", "w3\nw1 w2"); a != b {
		t.Errorf("blank lines changed Lsum: %+v vs %+v", a, b)
	}
}

// TestLsumTieBreak pins the choice among equal-length LCSs: rouge-score's
// backtracking steps up (drops a reference token) on ties, so for reference
// line "a b" against "b a" it keeps "a". The budget of "a" is then spent
// and the second reference line "a" scores nothing: 1 hit, not 2.
func TestLsumTieBreak(t *testing.T) {
	checkScore(t, "tie", Lsum("b a", "a b\na"), 0.5, 1.0/3, 0.4)
}

func TestEvaluate(t *testing.T) {
	s := "The cat sat on the mat.\nIt was a sunny day."
	got := Evaluate(s, s)
	one := Score{1, 1, 1}
	if got.R1 != one || got.R2 != one || got.RL != one || got.RLsum != one {
		t.Errorf("Evaluate(s, s) = %+v, want all 1", got)
	}
	got = Evaluate("alpha beta", "gamma delta")
	if got != (Scores{}) {
		t.Errorf("disjoint texts: %+v, want zero", got)
	}
	if got := Evaluate("", ""); got != (Scores{}) {
		t.Errorf("empty texts: %+v, want zero", got)
	}
	c, r := "w1 w2 w6 w7 w8\nw1 w3 w8 w9 w5", "w1 w2 w3 w4 w5"
	got = Evaluate(c, r)
	if want := N(Tokenize(c), Tokenize(r), 1); got.R1 != want {
		t.Errorf("R1 = %+v, want %+v", got.R1, want)
	}
	if want := N(Tokenize(c), Tokenize(r), 2); got.R2 != want {
		t.Errorf("R2 = %+v, want %+v", got.R2, want)
	}
	if want := Lsum(c, r); got.RLsum != want {
		t.Errorf("RLsum = %+v, want %+v", got.RLsum, want)
	}
	if got2 := EvaluateText(NewText(c), NewText(r)); got2 != got {
		t.Errorf("EvaluateText = %+v, Evaluate = %+v", got2, got)
	}
	if got := EvaluateText(Text{}, NewText(r)); got != (Scores{}) {
		t.Errorf("zero Text: %+v", got)
	}
}

func TestText(t *testing.T) {
	x := NewText("One two.\n\nThree four five.\n...\n")
	if got, want := x.Tokens(), []string{"one", "two", "three", "four", "five"}; !slices.Equal(got, want) {
		t.Errorf("Tokens = %q, want %q", got, want)
	}
	if x.Lines() != 3 { // "..." is a line without tokens; the blank line is dropped
		t.Errorf("Lines = %d, want 3", x.Lines())
	}
}

// Naive implementations, straight from the definitions, to check the fast
// ones against on random input.

func naiveN(c, r []string, n int) Score {
	grams := func(t []string) map[string]int {
		m := map[string]int{}
		for i := 0; i+n <= len(t); i++ {
			m[strings.Join(t[i:i+n], "\x00")]++
		}
		return m
	}
	gc, gr := grams(c), grams(r)
	hits := 0
	for g, k := range gc {
		hits += min(k, gr[g])
	}
	return newScore(hits, max(len(c)-n+1, 0), max(len(r)-n+1, 0))
}

func naiveTable(a, b []string) [][]int {
	t := make([][]int, len(a)+1)
	for i := range t {
		t[i] = make([]int, len(b)+1)
	}
	for i := 1; i <= len(a); i++ {
		for j := 1; j <= len(b); j++ {
			if a[i-1] == b[j-1] {
				t[i][j] = t[i-1][j-1] + 1
			} else {
				t[i][j] = max(t[i-1][j], t[i][j-1])
			}
		}
	}
	return t
}

func naiveL(c, r []string) Score {
	return newScore(naiveTable(r, c)[len(r)][len(c)], len(c), len(r))
}

// naiveLsum transcribes rouge-score's _summary_level_lcs.
func naiveLsum(cand, ref string) Score {
	sents := func(s string) [][]string {
		var out [][]string
		for _, line := range strings.Split(s, "\n") {
			if line != "" {
				out = append(out, Tokenize(line))
			}
		}
		return out
	}
	rs, cs := sents(ref), sents(cand)
	m, n := 0, 0
	cntR, cntC := map[string]int{}, map[string]int{}
	for _, s := range rs {
		m += len(s)
		for _, w := range s {
			cntR[w]++
		}
	}
	for _, s := range cs {
		n += len(s)
		for _, w := range s {
			cntC[w]++
		}
	}
	if m == 0 || n == 0 {
		return Score{}
	}
	hits := 0
	for _, r := range rs {
		union := map[int]bool{}
		for _, c := range cs {
			t := naiveTable(r, c)
			i, j := len(r), len(c)
			for i > 0 && j > 0 {
				if r[i-1] == c[j-1] {
					union[i-1] = true
					i--
					j--
				} else if t[i][j-1] > t[i-1][j] {
					j--
				} else {
					i--
				}
			}
		}
		idx := make([]int, 0, len(union))
		for i := range union {
			idx = append(idx, i)
		}
		slices.Sort(idx)
		for _, i := range idx {
			w := r[i]
			if cntC[w] > 0 && cntR[w] > 0 {
				hits++
				cntC[w]--
				cntR[w]--
			}
		}
	}
	return newScore(hits, n, m)
}

func randomText(rng *rand.Rand, vocab, words, lines int) string {
	var b strings.Builder
	for i := 0; i < words; i++ {
		if i > 0 {
			if lines > 1 && rng.IntN(words) < lines {
				b.WriteByte('\n')
			} else {
				b.WriteByte(' ')
			}
		}
		fmt.Fprintf(&b, "w%d", rng.IntN(vocab))
	}
	return b.String()
}

func TestAgainstNaive(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for iter := 0; iter < 2000; iter++ {
		vocab := 2 + rng.IntN(12)
		c := randomText(rng, vocab, rng.IntN(30), 1+rng.IntN(5))
		r := randomText(rng, vocab, rng.IntN(30), 1+rng.IntN(5))
		ct, rt := Tokenize(c), Tokenize(r)
		for n := 1; n <= 4; n++ {
			if got, want := N(ct, rt, n), naiveN(ct, rt, n); got != want {
				t.Fatalf("N(%q, %q, %d) = %+v, naive %+v", c, r, n, got, want)
			}
		}
		if got, want := L(ct, rt), naiveL(ct, rt); got != want {
			t.Fatalf("L(%q, %q) = %+v, naive %+v", c, r, got, want)
		}
		if got, want := Lsum(c, r), naiveLsum(c, r); got != want {
			t.Fatalf("Lsum(%q, %q) = %+v, naive %+v", c, r, got, want)
		}
	}
}

// TestWideKeys forces a vocabulary too large to pack four ids into 64 bits.
func TestWideKeys(t *testing.T) {
	const size = 70000
	ref := make([]string, size)
	for i := range ref {
		ref[i] = fmt.Sprintf("x%d", i)
	}
	cand := slices.Clone(ref[size-50:])
	cand = append(cand, "x1", "x2", "x3", "x4", "x5", "x7") // 4-grams: x1..x4, x2..x5 hit
	for n := 1; n <= 4; n++ {
		if got, want := N(cand, ref, n), naiveN(cand, ref, n); got != want {
			t.Errorf("N(n=%d) = %+v, naive %+v", n, got, want)
		}
	}
}

func TestConcurrent(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	type pair struct{ c, r string }
	var pairs []pair
	var want []Scores
	for range 200 {
		p := pair{randomText(rng, 20, 60, 4), randomText(rng, 20, 40, 3)}
		pairs = append(pairs, p)
		want = append(want, Evaluate(p.c, p.r))
	}
	var wg sync.WaitGroup
	for g := range 8 {
		wg.Go(func() {
			for i := range pairs {
				k := (i + g*25) % len(pairs)
				if got := Evaluate(pairs[k].c, pairs[k].r); got != want[k] {
					t.Errorf("pair %d: concurrent %+v, serial %+v", k, got, want[k])
				}
			}
		})
	}
	wg.Wait()
}

func FuzzTokenize(f *testing.F) {
	for _, s := range []string{"", "Hello, World!", "The 39-year-old's cats\nran", "café ’ İ \u212A", "\xff\xfe bad utf8", "ies sses ational"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		toks := Tokenize(s)
		words := splitOnly(s)
		if len(toks) != len(words) {
			t.Fatalf("Tokenize(%q) = %q: %d tokens for %d words", s, toks, len(toks), len(words))
		}
		for i, tok := range toks {
			if tok == "" {
				t.Fatalf("Tokenize(%q) has an empty token", s)
			}
			for j := 0; j < len(tok); j++ {
				if c := tok[j]; !('a' <= c && c <= 'z') && !('0' <= c && c <= '9') {
					t.Fatalf("Tokenize(%q): token %q has byte %q", s, tok, c)
				}
			}
			if w := words[i]; len(w) <= 3 && tok != w {
				t.Fatalf("Tokenize(%q): short word %q became %q", s, w, tok)
			}
			if len(tok) > len(words[i]) {
				t.Fatalf("Tokenize(%q): stem %q longer than word %q", s, tok, words[i])
			}
		}
		x := NewText(s)
		if !slices.Equal(x.Tokens(), toks) && len(toks)+len(x.Tokens()) > 0 {
			t.Fatalf("NewText(%q).Tokens() = %q, Tokenize = %q", s, x.Tokens(), toks)
		}
		lines := 0
		for _, l := range strings.Split(s, "\n") {
			if l != "" {
				lines++
			}
		}
		if x.Lines() != lines {
			t.Fatalf("NewText(%q).Lines() = %d, want %d", s, x.Lines(), lines)
		}
		// Scoring a text against itself is perfect whenever it has tokens.
		if len(toks) > 0 {
			if got := Evaluate(s, s); got.R1.F != 1 || got.RL.F != 1 || got.RLsum.F != 1 {
				t.Fatalf("Evaluate(%q, itself) = %+v", s, got)
			}
		}
	})
}

// TestAgainstNaiveLong covers bit vectors of several words (lines and texts
// over 64 tokens).
func TestAgainstNaiveLong(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	for iter := 0; iter < 300; iter++ {
		vocab := 3 + rng.IntN(40)
		c := randomText(rng, vocab, 40+rng.IntN(260), 1+rng.IntN(4))
		r := randomText(rng, vocab, 40+rng.IntN(260), 1+rng.IntN(4))
		ct, rt := Tokenize(c), Tokenize(r)
		if got, want := L(ct, rt), naiveL(ct, rt); got != want {
			t.Fatalf("L = %+v, naive %+v (%d, %d tokens)", got, want, len(ct), len(rt))
		}
		if got, want := Lsum(c, r), naiveLsum(c, r); got != want {
			t.Fatalf("Lsum = %+v, naive %+v (%d, %d tokens)", got, want, len(ct), len(rt))
		}
	}
}

// TestDPFallbacks checks the dynamic programs used when match masks would be
// too large against the bit-parallel code.
func TestDPFallbacks(t *testing.T) {
	rng := rand.New(rand.NewPCG(9, 10))
	s := getScorer()
	defer putScorer(s)
	for iter := 0; iter < 500; iter++ {
		vocab := 2 + rng.IntN(20)
		ct := Tokenize(randomText(rng, vocab, rng.IntN(150), 1))
		rt := Tokenize(randomText(rng, vocab, 1+rng.IntN(150), 1))
		s.load(ct, rt)
		if a, b := s.lcs(s.c, s.r), s.lcsDP(s.c, s.r); a != b {
			t.Fatalf("lcs %d, lcsDP %d", a, b)
		}
		if len(s.c) == 0 {
			continue
		}
		s.mark = make([]bool, len(s.r))
		w := (len(s.r) + 63) / 64
		pm, ok := s.matchMasks(s.r, w)
		if !ok {
			t.Fatal("matchMasks refused a small input")
		}
		s.markLCS(s.r, s.c, pm, w)
		s.clearMasks(s.r)
		bitsMark := slices.Clone(s.mark)
		clear(s.mark)
		s.markLCSDP(s.r, s.c)
		if !slices.Equal(bitsMark, s.mark) {
			t.Fatalf("markLCS %v, markLCSDP %v", bitsMark, s.mark)
		}
	}
}
