package rouge

import (
	"math/rand/v2"
	"strings"
	"testing"
)

// benchWords is a small synthetic vocabulary with suffixes the stemmer works
// on, so that the benchmark pays for stemming as news text does.
var benchWords = strings.Fields(`the a of to in and said was for on that with
	police officers investigated investigation government announced announcement
	players playing played club manager managers season seasons election elected
	parliament relationships relevant centrally company companies environmental
	environment revoked fire fires burning hospital hospitals reported reporting
	minister ministers economy economic economies international nationally who
	after before during following yesterday today tomorrow children families`)

// benchSummary builds a summary of about words tokens on lines lines.
func benchSummary(rng *rand.Rand, words, lines int) string {
	var b strings.Builder
	for l := 0; l < lines; l++ {
		if l > 0 {
			b.WriteByte('\n')
		}
		for i := 0; i < words/lines; i++ {
			if i > 0 {
				b.WriteByte(' ')
			}
			w := benchWords[rng.IntN(len(benchWords))]
			if i == 0 {
				w = strings.ToUpper(w[:1]) + w[1:]
			}
			b.WriteString(w)
		}
		b.WriteString(" .")
	}
	return b.String()
}

func benchPairs() (cands, refs []string) {
	rng := rand.New(rand.NewPCG(7, 8))
	for range 64 {
		cands = append(cands, benchSummary(rng, 75, 3)) // a Lead-3 sized candidate
		refs = append(refs, benchSummary(rng, 50, 4))   // a CNN/DM sized reference
	}
	return
}

// BenchmarkEvaluate scores one (3-line, 75-word) candidate against one
// (4-line, 50-word) reference: tokenizing both, R1, R2, RL and RLsum.
func BenchmarkEvaluate(b *testing.B) {
	cands, refs := benchPairs()
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; b.Loop(); i++ {
		Evaluate(cands[i%len(cands)], refs[i%len(refs)])
	}
}

// BenchmarkEvaluateText scores pre-tokenized texts: the cost of the metrics
// alone.
func BenchmarkEvaluateText(b *testing.B) {
	cands, refs := benchPairs()
	var ct, rt []Text
	for i := range cands {
		ct = append(ct, NewText(cands[i]))
		rt = append(rt, NewText(refs[i]))
	}
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; b.Loop(); i++ {
		EvaluateText(ct[i%len(ct)], rt[i%len(rt)])
	}
}

func BenchmarkTokenize(b *testing.B) {
	cands, _ := benchPairs()
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; b.Loop(); i++ {
		Tokenize(cands[i%len(cands)])
	}
}

// BenchmarkStemUncached is the Porter stemmer on its own, without the cache,
// per word.
func BenchmarkStemUncached(b *testing.B) {
	t := newTokenizer()
	words := make([][]byte, len(benchWords))
	for i, w := range benchWords {
		words[i] = []byte(w)
	}
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; b.Loop(); i++ {
		t.stem(words[i%len(words)])
	}
}

func BenchmarkEvaluateParallel(b *testing.B) {
	cands, refs := benchPairs()
	b.ReportAllocs()
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		i := 0
		for pb.Next() {
			Evaluate(cands[i%len(cands)], refs[i%len(refs)])
			i++
		}
	})
}

// BenchmarkOracle scores every pair of the oracle file (ROUGE-1..4 and L)
// once per iteration; it is skipped when the file is absent.
func BenchmarkOracle(b *testing.B) {
	rows := loadOracle(b)
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		for _, row := range rows {
			c, r := Tokenize(row.Candidate), Tokenize(row.Reference)
			for n := 1; n <= 4; n++ {
				N(c, r, n)
			}
			L(c, r)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*len(rows)), "ns/pair")
}
