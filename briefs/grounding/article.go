package grounding

import (
	"math"
	"sort"
	"strings"
	"unicode/utf8"
)

// unit is an analysed text: a sentence of the article, or a field of the
// brief.
type unit struct {
	toks []token
	pos  []int // by token: its position (see key)
	keys []key // content words (stems) and Chinese and Japanese character pairs
	nums []number
	negs []negation
}

// key is a content unit and where it is, in positions that count a word of
// a spaced script as one and each character of Chinese or Japanese as one.
type key struct {
	k   string
	pos int
	tok int
}

// negation is a negating word or character and the content around it.
type negation struct {
	pos   int
	scope []string
	head  string // the first content word after it: what it negates, most often
}

// analyse tokenises and analyses a text.
func analyse(text, lang string, st *stemmer, scope int) unit {
	u := unit{toks: tokenize(text, lang)}
	u.nums = numbersIn(u.toks, lang)
	inNum := make([]bool, len(u.toks))
	for _, n := range u.nums {
		for k := n.tok; k < n.end && k < len(inNum); k++ {
			inNum[k] = true
		}
	}
	pos := 0
	var negAt []int // positions of negations
	u.pos = make([]int, len(u.toks))
	for i, t := range u.toks {
		u.pos[i] = pos
		if t.wide {
			u.keys = appendPairs(u.keys, t.raw, pos, i)
			for _, at := range wideNegationsIn(t.raw) {
				negAt = append(negAt, pos+at)
			}
			pos += utf8.RuneCountInString(t.raw)
			continue
		}
		if isNegation(u.toks, i, lang) {
			negAt = append(negAt, pos)
		}
		if !inNum[i] && !t.digit && len([]rune(t.word)) >= 2 && !stopword(lang, t.low) && !isNegationWord(lang, t.word) {
			if _, month := monthAt(u.toks, i, lang); !month {
				u.keys = append(u.keys, key{k: st.stem(t.word), pos: pos, tok: i})
			}
		}
		pos++
	}
	for _, at := range negAt {
		n := negation{pos: at}
		for _, k := range u.keys {
			if k.pos != at && k.pos >= at-scope && k.pos <= at+scope {
				n.scope = append(n.scope, k.k)
				if k.pos > at && n.head == "" {
					n.head = k.k
				}
			}
		}
		u.negs = append(u.negs, n)
	}
	return u
}

// article is the analysed article.
type article struct {
	lang   string
	sents  []unit
	df     map[string]int      // key -> sentences that have it
	words  map[string][]wordAt // folded word -> where it is
	lower  map[string]bool     // folded words written in lower case
	inits  map[string]bool     // initials of its capitalised runs ("nhs")
	flat   string              // flatWords of the whole article
	nums   []numberAt
	nsents float64
}

type wordAt struct{ sent, tok int }

type numberAt struct {
	n    number
	sent int
}

func newArticle(text, lang string, st *stemmer, p *params) *article {
	a := &article{lang: lang, df: map[string]int{}, words: map[string][]wordAt{}, lower: map[string]bool{}, inits: map[string]bool{}}
	ss := sentences(text)
	if len(ss) == 0 && strings.TrimSpace(text) != "" {
		ss = []string{text}
	}
	var flat strings.Builder
	for si, s := range ss {
		u := analyse(s, lang, st, p.negScope)
		a.sents = append(a.sents, u)
		seen := map[string]bool{}
		for _, k := range u.keys {
			if !seen[k.k] {
				seen[k.k] = true
				a.df[k.k]++
			}
		}
		for ti, t := range u.toks {
			a.words[t.word] = append(a.words[t.word], wordAt{si, ti})
			if !t.cap && !t.upper {
				a.lower[t.word] = true
			}
		}
		for _, n := range u.nums {
			a.nums = append(a.nums, numberAt{n, si})
		}
		a.addInitials(u.toks)
		flat.WriteString(flatWords(u.toks))
	}
	a.flat = flat.String()
	a.nsents = float64(len(a.sents))
	return a
}

// addInitials records the initials of the capitalised runs of a sentence,
// so that an acronym the brief makes up from a name the article spells out
// ("NHS" for "National Health Service") is found.
func (a *article) addInitials(toks []token) {
	var b strings.Builder
	flush := func() {
		if b.Len() >= 2 {
			a.inits[b.String()] = true
		}
		b.Reset()
	}
	for i, t := range toks {
		switch {
		case t.cap && !t.wide && !t.digit:
			if i > 0 && !t.joined {
				flush()
			}
			r := []rune(t.word)
			b.WriteRune(r[0])
		case nameConnectors[t.word] || t.word == "and" || t.word == "for":
		default:
			flush()
		}
	}
	flush()
}

// idf is the weight of a key in the alignment: rare words say more about
// where a point comes from than common ones.
func (a *article) idf(k string) float64 {
	return math.Log(1 + a.nsents/float64(1+a.df[k]))
}

// alignment is how much of a point each article sentence holds: the weight
// of the point's content words it shares. A name or number of the point is
// looked for where the rest of the point is: the alignment for a name
// leaves out the name's own words, so that a name swapped for another of
// the article's does not pull the point towards the sentences of that other
// name (numbers are never content words, for the same reason).
type alignment struct {
	score []float64 // by sentence
	best  float64
	top   []int // the sentences the point comes from, best first
}

func (a *article) align(u unit, p *params, skip func(k key) bool) alignment {
	want := map[string]bool{}
	for _, k := range u.keys {
		if skip == nil || !skip(k) {
			want[k.k] = true
		}
	}
	al := alignment{score: make([]float64, len(a.sents))}
	for i, s := range a.sents {
		seen := map[string]bool{}
		for _, k := range s.keys {
			if want[k.k] && !seen[k.k] {
				seen[k.k] = true
				al.score[i] += a.idf(k.k)
			}
		}
		if al.score[i] > 0 {
			al.top = append(al.top, i)
		}
		al.best = max(al.best, al.score[i])
	}
	sort.SliceStable(al.top, func(x, y int) bool { return al.score[al.top[x]] > al.score[al.top[y]] })
	for k, i := range al.top {
		if k == p.alignTop || al.score[i] < p.alignRatio*al.best {
			al.top = al.top[:k]
			break
		}
	}
	return al
}

// near reports whether sentence i holds enough of the point for a name or
// number of the point to be at home there.
func (al alignment) near(i int, ratio float64) bool {
	return al.best == 0 || al.score[i] >= ratio*al.best
}
