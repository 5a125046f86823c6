package extractive

import (
	"math"
	"testing"
)

// termsOf tokenizes sentences with the lexicon of lang and returns the
// scratch space.
func termsOf(lang string, sents ...string) *scratch {
	sc := &scratch{lang: lexiconFor(lang)}
	sc.sents = sents
	sc.info = make([]sentence, len(sents))
	for i, s := range sents {
		si := &sc.info[i]
		si.lo = len(sc.terms)
		si.words = sc.tokenize(s, i)
		si.hi = len(sc.terms)
		var sq float64
		for k := si.lo; k < si.hi; k++ {
			sq += sc.weights[k] * sc.weights[k]
		}
		si.norm = math.Sqrt(sq)
	}
	return sc
}

func TestTokenizeCJK(t *testing.T) {
	sc := termsOf("zh",
		"国家统计局公布的数据显示，国内生产总值同比增长4.9%。",
		"分析人士认为，国内生产总值的增长主要来自消费。",
		"台风在广东沿海登陆。",
	)
	// 国内生产总值 -> 国内 内生 生产 产总 总值; 的 breaks runs.
	if n := sc.info[0].hi - sc.info[0].lo; n < 10 {
		t.Errorf("first sentence has %d terms", n)
	}
	if c := sc.cosine(&sc.info[0], &sc.info[1]); c <= 0.2 {
		t.Errorf("cosine of two sentences about GDP = %.2f, want > 0.2", c)
	}
	if c := sc.cosine(&sc.info[0], &sc.info[2]); c != 0 {
		t.Errorf("cosine of unrelated sentences = %.2f, want 0", c)
	}
	for i, s := range sc.sents {
		if sc.info[i].words != textLen(s) {
			t.Errorf("tokenize(%q) = %d words, textLen %d", s, sc.info[i].words, textLen(s))
		}
	}

	ja := termsOf("ja",
		"日本銀行は大規模な金融緩和策を維持すると発表した。",
		"金融緩和策の修正を求める声も出ている。",
		"台風が九州に上陸した。",
	)
	if c := ja.cosine(&ja.info[0], &ja.info[1]); c <= 0.2 {
		t.Errorf("cosine of two sentences about monetary easing = %.2f, want > 0.2", c)
	}
	if c := ja.cosine(&ja.info[0], &ja.info[2]); c != 0 {
		t.Errorf("cosine of unrelated sentences = %.2f, want 0", c)
	}
	// Single characters: "台" of 台風 pairs up; a lone kanji between kana
	// is a term of its own.
	one := termsOf("ja", "雨が降る。")
	if n := one.info[0].hi - one.info[0].lo; n != 2 {
		t.Errorf("雨が降る。 has %d terms, want 2 (雨, 降)", n)
	}
}

func TestTokenizeStopwordsByLanguage(t *testing.T) {
	for _, tt := range []struct {
		lang, s string
		terms   int
	}{
		{"en", "The government and the unions agreed on a deal.", 4}, // government union agreed deal
		{"de", "Die Regierung und die Gewerkschaften haben sich auf einen Kompromiss geeinigt.", 4},
		{"fr", "Le gouvernement et les syndicats ont trouvé un accord sur l'assurance chômage.", 6},
		{"es", "El Gobierno y los sindicatos han alcanzado un acuerdo sobre las pensiones.", 5},
		{"it", "Il governo e i sindacati hanno raggiunto un accordo sull'orario di lavoro.", 6},
		{"", "The government and the unions agreed on a deal.", 4},
	} {
		sc := termsOf(tt.lang, tt.s)
		if n := sc.info[0].hi - sc.info[0].lo; n != tt.terms {
			t.Errorf("%s: %q has %d terms, want %d", tt.lang, tt.s, n, tt.terms)
		}
		if sc.info[0].words != textLen(tt.s) {
			t.Errorf("%s: words %d, textLen %d", tt.lang, sc.info[0].words, textLen(tt.s))
		}
	}
	// Elided articles go: "l'assurance" and "assurance" are one term.
	sc := termsOf("fr", "L'assurance chômage change.", "Une assurance pour tous.")
	if c := sc.cosine(&sc.info[0], &sc.info[1]); c == 0 {
		t.Error("l'assurance and assurance do not match")
	}
}

func TestTokenizeNoAlloc(t *testing.T) {
	sc := termsOf("zh", "国家统计局公布的数据显示，国内生产总值同比增长4.9%。")
	s := "分析人士认为，国内生产总值的增长主要来自消费。The GDP grew."
	if n := testing.AllocsPerRun(50, func() {
		sc.terms, sc.weights = sc.terms[:0], sc.weights[:0]
		clear(sc.mark)
		sc.tokenize(s, 0)
	}); n != 0 {
		t.Errorf("tokenize allocates %v times", n)
	}
}
