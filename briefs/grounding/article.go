package grounding

import (
	"math"
	"slices"
	"sort"
	"strings"
	"unicode/utf8"

	"briefbot/briefs/extractive"
)

// unit is an analysed text: a sentence of the article, or a field of the
// brief.
type unit struct {
	leans bool // opens with a pronoun or a connective that leans on the sentence before ("He said ...")
	toks  []token
	pos   []int // by token: its position (see key)
	keys  []key // content words (stems) and Chinese and Japanese character pairs
	nums  []number
	negs  []negation
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
	return analyseTokens(tokenize(text, lang), lang, st, scope)
}

// analyseTokens is analyse of text already tokenised.
func analyseTokens(toks []token, lang string, st *stemmer, scope int) unit {
	u := unit{toks: toks}
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
		// The keys are in the order of their positions.
		first := sort.Search(len(u.keys), func(i int) bool { return u.keys[i].pos >= at-scope })
		for _, k := range u.keys[first:] {
			if k.pos > at+scope {
				break
			}
			if k.pos != at {
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
	lang       string
	sents      []unit
	post       map[string][]int    // key -> the sentences that have it, in order
	words      map[string][]wordAt // folded word -> where it is
	lower      map[string]bool     // folded words written in lower case
	midCap     map[string]bool     // folded words capitalised inside a sentence
	lowerStems map[string]bool     // the stems of lower, so that "Approves" in a headline is a plain word when the article has "approved"
	inits      map[string]bool     // initials of its capitalised runs ("nhs")
	flat       string              // flatWords of the whole article
	wide       string              // flat without its spaces, made when a Chinese or Japanese quotation needs it
	nums       []numberAt
	nsents     float64
}

type wordAt struct{ sent, tok int }

type numberAt struct {
	n    number
	sent int
}

func newArticle(text, lang string, st *stemmer, p *params) *article {
	a := &article{lang: lang, post: map[string][]int{}, words: map[string][]wordAt{}, lower: map[string]bool{}, midCap: map[string]bool{}, lowerStems: map[string]bool{}, inits: map[string]bool{}}
	ss := sentences(text)
	if len(ss) == 0 && strings.TrimSpace(text) != "" {
		ss = []string{text}
	}
	var flat strings.Builder
	for si, s := range ss {
		u := analyse(s, lang, st, p.negScope)
		u.leans = extractive.Dangles(lang, s)
		a.sents = append(a.sents, u)
		for _, k := range u.keys {
			if p := a.post[k.k]; len(p) == 0 || p[len(p)-1] != si {
				a.post[k.k] = append(p, si)
			}
		}
		for ti, t := range u.toks {
			a.words[t.word] = append(a.words[t.word], wordAt{si, ti})
			if !t.cap && !t.upper {
				a.lower[t.word] = true
				a.lowerStems[st.stem(t.word)] = true
			} else if !t.first {
				a.midCap[t.word] = true
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

// addInitials records the initials of the capitalised runs of a sentence
// and of their parts, so that an acronym the brief makes of a name the
// article spells out ("NHS" for "the National Health Service") is found.
func (a *article) addInitials(toks []token) {
	var run []rune
	flush := func() {
		for i := range run {
			for j := i + 2; j <= len(run); j++ {
				a.inits[string(run[i:j])] = true
			}
		}
		run = run[:0]
	}
	for i, t := range toks {
		switch {
		case t.cap && !t.wide && !t.digit:
			if i > 0 && !t.joined {
				flush()
			}
			r, _ := utf8.DecodeRuneInString(t.word)
			run = append(run, r)
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
	return math.Log(1 + a.nsents/float64(1+len(a.post[k])))
}

// alignment is how much of a point each article sentence holds: the weight
// of the point's content words it shares. A name or number of the point is
// looked for where the rest of the point is: the alignment for a name
// leaves out the name's own words, so that a name swapped for another of
// the article's does not pull the point towards the sentences of that other
// name (numbers are never content words, for the same reason).
type alignment struct {
	score map[int]float64 // by sentence
	best  float64
	top   []int // the sentences the point comes from, best first
}

func (a *article) align(u unit, p *params, skip func(k key) bool) alignment {
	al := alignment{score: map[int]float64{}}
	var touched []int
	seen := map[string]bool{}
	for _, k := range u.keys { // in the point's order: the sums come out the same every time
		if seen[k.k] || skip != nil && skip(k) {
			continue
		}
		seen[k.k] = true
		w := a.idf(k.k)
		for _, s := range a.post[k.k] {
			if al.score[s] == 0 {
				touched = append(touched, s)
			}
			al.score[s] += w
		}
	}
	// The best few, best first, the earlier sentence first on a tie.
	better := func(x, y int) bool {
		return al.score[x] > al.score[y] || al.score[x] == al.score[y] && x < y
	}
	for _, s := range touched {
		al.best = max(al.best, al.score[s])
		if len(al.top) == p.alignTop && !better(s, al.top[len(al.top)-1]) {
			continue
		}
		i := sort.Search(len(al.top), func(i int) bool { return better(s, al.top[i]) })
		al.top = slices.Insert(al.top, i, s)
		if len(al.top) > p.alignTop {
			al.top = al.top[:p.alignTop]
		}
	}
	for k, i := range al.top {
		if al.score[i] < p.alignRatio*al.best {
			al.top = al.top[:k]
			break
		}
	}
	return al
}

// first returns the sentence the point comes from most, -1 for none.
func (al alignment) first() int {
	if len(al.top) == 0 {
		return -1
	}
	return al.top[0]
}

// near reports whether sentence i holds enough of the point for a name or
// number of the point to be at home there.
func (al alignment) near(i int, ratio float64) bool {
	return al.best == 0 || al.score[i] >= ratio*al.best
}
