package grounding

import (
	"strings"
	"unicode/utf8"
)

// Negations.
//
// A point that says "did not" where the article says "did" (or the other way
// round) reverses the story while using the article's own words, so the
// word checks cannot see it. The point is compared with the article
// sentence it was drawn from, clause by clause: a negation counts where the
// content words around it are the same on both sides, so that "did not pay
// taxes" in the article does not excuse "police did not arrest him" in the
// point. The words that negate are those that news copy uses; antonyms
// ("refused", "lost") are out of reach of a word list.

// negationWords are the negating words by language, folded.
var negationWords = map[string]map[string]bool{
	"en": set(`not never no none nobody nothing neither nor without cannot unable deny denies denied denying`),
	"de": set(`nicht kein keine keinen keinem keiner keines nie niemals nichts niemand ohne weder`),
	"fr": set(`ne n pas jamais aucun aucune rien sans ni`),
	"es": set(`no nunca jamas ningun ninguno ninguna nada nadie sin tampoco ni`),
	"pt": set(`nao nunca jamais nenhum nenhuma nada ninguem sem nem`),
	"it": set(`non mai nessuno nessuna niente nulla senza`),
	"nl": set(`niet geen nooit niets niemand zonder`),
	"ru": set(`не нет ни никогда ничего никто без`),
}

// isNegationWord reports whether w negates in lang (English when lang has
// no list): such words are not content words, they are compared on their
// own.
func isNegationWord(lang, w string) bool {
	if l := negationWords[lang]; l != nil {
		return l[w]
	}
	return negationWords["en"][w]
}

// failVerbs negate with "to" after them: "failed to win".
var failVerbs = set(`fail fails failed failing`)

func set(s string) map[string]bool {
	m := map[string]bool{}
	for _, w := range strings.Fields(s) {
		m[w] = true
	}
	return m
}

// isNegation reports whether toks[i] negates.
func isNegation(toks []token, i int, lang string) bool {
	w := toks[i].word
	next := ""
	if i+1 < len(toks) {
		next = toks[i+1].word
	}
	if lang == "en" || lang == "" || negationWords[lang] == nil {
		switch {
		case strings.HasSuffix(w, "n't"):
			return true
		case w == "no" && i+1 < len(toks) && toks[i+1].digit:
			return false // "No 10", "No. 1"
		case w == "not" && next == "only":
			return false // "not only ... but also"
		case failVerbs[w] && next == "to":
			return true
		}
		if negationWords["en"][w] {
			return true
		}
		if lang == "en" || lang == "" {
			return false
		}
	}
	return negationWords[lang][w]
}

// wideNegations are the negating characters of Chinese and Japanese, and
// the words that hold them without negating ("不过" however, "未来"
// future, "少ない" few, "必ず" surely).
var (
	wideNegations = []string{"不", "没", "沒", "未", "ない", "なかっ", "ません", "ず"}
	wideFalse     = []string{"不过", "不過", "不断", "不斷", "不同", "不少", "不久", "不仅", "不僅", "不但", "不管",
		"不论", "不論", "不错", "差不多", "未来", "未來", "没收", "少ない", "危ない", "必ず", "まず", "わずか", "ずつ",
		"はず", "ずっと", "いずれ", "少なく", "みずから", "未満"}
)

// wideNegation reports whether r is a Chinese negating character.
func wideNegation(r rune) bool { return r == '不' || r == '没' || r == '沒' || r == '未' }

// wideNegationsIn returns the rune offsets in run of its negations.
func wideNegationsIn(run string) []int {
	var at []int
	k := 0 // runes before run[b:]
next:
	for b := 0; b < len(run); {
		for _, f := range wideFalse {
			if strings.HasPrefix(run[b:], f) {
				b += len(f)
				k += utf8.RuneCountInString(f)
				continue next
			}
		}
		for _, n := range wideNegations {
			if strings.HasPrefix(run[b:], n) && (n != "ず" || wideZu(run, b)) {
				at = append(at, k)
				b += len(n)
				k += utf8.RuneCountInString(n)
				continue next
			}
		}
		_, size := utf8.DecodeRuneInString(run[b:])
		b += size
		k++
	}
	return at
}

// wideZu reports whether the "ず" at run[b:] is the negative ending
// ("せず", "知らずに"): one that ends the run or a clause, or comes before
// "に" or "も".
func wideZu(run string, b int) bool {
	rest := run[b+len("ず"):]
	return rest == "" || strings.HasPrefix(rest, "に") || strings.HasPrefix(rest, "も") ||
		strings.HasPrefix(rest, "、") || strings.HasPrefix(rest, "。")
}

// negationProblem compares the negations of u with those of the sentences
// it was aligned with. A negation of the point must have one in the article
// around the same words (negationSupported). A negation of the best-aligned sentence
// must be in the point when the point says what it negates (the word after
// it, "pleaded not guilty") in the same words around it; a point that
// keeps only another part of the sentence drops nothing.
func (a *article) negationProblem(u unit, al alignment, p *params) (string, bool) {
	if len(al.top) == 0 {
		return "", false
	}
	for _, n := range u.negs {
		if len(n.scope) > 0 && !a.negationSupported(n, al, p) {
			return negText(u, n), true
		}
	}
	if len(u.negs) > 0 {
		return "", false
	}
	pointKeys := map[string]bool{}
	for _, k := range u.keys {
		pointKeys[k.k] = true
	}
	best := a.sents[al.top[0]]
	for _, m := range best.negs {
		n := 0
		seen := map[string]bool{}
		for _, k := range m.scope {
			if pointKeys[k] && !seen[k] {
				seen[k] = true
				n++
			}
		}
		if n >= p.negShared && m.head != "" && pointKeys[m.head] && !affirmed(best, m.head, p.negScope) {
			return "dropped: " + negText(best, m), true
		}
	}
	return "", false
}

// affirmed reports whether sentence u also has key k outside the reach of
// its negations ("had tried food at school that they had not tried at
// home"): a point may take k from there.
func affirmed(u unit, k string, scope int) bool {
	for _, c := range u.keys {
		if c.k != k {
			continue
		}
		negated := false
		for _, m := range u.negs {
			negated = negated || c.pos > m.pos && c.pos <= m.pos+scope
		}
		if !negated {
			return true
		}
	}
	return false
}

// negationSupported reports whether the article has a negation around the
// words that negation n of a point has around it: one word in common in a
// sentence the point comes from, two in a sentence that holds some of the
// point (a point that joins two sentences), more anywhere else.
func (a *article) negationSupported(n negation, al alignment, p *params) bool {
	top := map[int]bool{}
	for _, s := range al.top {
		top[s] = true
	}
	for s, sent := range a.sents {
		need := p.negAnywhere
		switch {
		case top[s]:
			need = 1
		case al.score[s] >= p.negRatio*al.best:
			need = min(p.negNear, len(n.scope))
		}
		for _, m := range sent.negs {
			if shared(n.scope, m.scope) >= need {
				return true
			}
		}
	}
	return false
}

func shared(a, b []string) int {
	n := 0
	for _, x := range a {
		for _, y := range b {
			if x == y {
				n++
				break
			}
		}
	}
	return n
}

// negText returns the words around negation n of u, for the report.
func negText(u unit, n negation) string {
	pos := 0
	for i, t := range u.toks {
		width := 1
		if t.wide {
			width = len([]rune(t.raw))
		}
		if n.pos >= pos && n.pos < pos+width {
			if t.wide {
				r := []rune(t.raw)
				at := n.pos - pos
				return string(r[max(0, at-4):min(len(r), at+6)])
			}
			return spanText(u.toks, max(0, i-2), min(len(u.toks), i+4))
		}
		pos += width
	}
	return ""
}
