// Package grounding checks a brief against the article it summarises: every
// number, name and quotation of the brief must be in the article, its points
// must be made mostly of the article's words, and none may reverse what the
// article says. A language model writes fluent briefs that now and then state
// what the article does not; this check is what stands between such a brief
// and a reader, and a brief that fails it is replaced by the extractive one.
//
// The check is offline, deterministic and needs no model: it compares
// words, after normalising how numbers, names and quotations are written.
// It cannot see a fact that is wrong in the article's own words (two of
// its numbers swapped in one sentence, say); it can see a fact that is not
// there, which is what models invent, and a name or number of the article
// put where the article does not have it: each point is aligned with the
// article sentences that hold most of its content words, and its names and
// numbers must be in those sentences (or, for numbers, next to the same
// words). That locality is what catches a name swapped for another of the
// same article, and what costs most false rejections of briefs that
// paraphrase freely: a brief that gathers a name from one paragraph and a
// fact from another is rejected. Measured on the CNN/DailyMail development
// articles (corruption_test.go): briefs made of the article's own sentences
// are never rejected, and 96-100% of each kind of corruption in them is
// caught. The human highlights paraphrase and merge much more freely: 63%
// of them are rejected even when they state no fact the article lacks, and
// a name swapped within the article is caught in only half of them.
//
// Chinese and Japanese have no capitals and no spaces: there, content is
// compared by pairs of characters, numbers by their digits, and names are
// not recognised at all.
package grounding

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"unicode/utf8"

	"briefbot/briefs"
	"briefbot/briefs/extractive"
)

// Kind is what a Problem is about.
type Kind string

const (
	KindNumber   Kind = "number"   // a number, date or amount the article does not have (there)
	KindName     Kind = "name"     // a name the article does not have, or not where the point is
	KindQuote    Kind = "quote"    // a quotation that is not in the article verbatim
	KindContent  Kind = "content"  // a point whose words are mostly not the article's
	KindNegation Kind = "negation" // a point that negates what the article affirms, or the reverse
)

// Problem is one statement of a brief that the article does not support.
type Problem struct {
	Kind   Kind
	Where  string // "title", "gist", "point 2" (points count from 1)
	Detail string // the unsupported fragment as the brief wrote it
}

// Verdict is the outcome of Check. OK is true when there are no Problems.
type Verdict struct {
	OK       bool
	Problems []Problem
}

// Check reports whether every statement of s is supported by the article
// text. s.Lang, when set, is the language of both; otherwise it is detected
// from the article. Check never panics, whatever the input.
func Check(article string, s briefs.Summary) Verdict {
	return defaults.check(article, s)
}

// maxField bounds the text of one field of a brief, in characters: a brief
// allows a few hundred (briefs.MaxBulletLen); a longer field is not a brief
// and would make the check take time in proportion to its length times the
// article's. maxNegations bounds the negations compared for one field, for
// the same reason (a point has one or two).
const (
	maxField     = 4 * briefs.MaxBulletLen
	maxNegations = 16
)

// params are the thresholds of the check. They were chosen on two thirds of
// the CNN/DailyMail development articles (corruption_test.go, whose grid
// test shows the trade-off of each): briefs of the article's own sentences
// must all pass, and each kind of corruption be caught in 95% of them;
// within that, as few of the human highlights rejected as could be. The
// content threshold is lower than the 0.7 one might expect: at 0.7 one
// human highlight brief in five fails for a paraphrased word, at 0.5 one
// in twenty, and an invented sentence is caught as often (97%).
type params struct {
	cover       float64 // share of a point's content words the article must have...
	freeMisses  int     // ... except that this many may be missing in any case
	alignRatio  float64 // sentences scoring at least this share of the best one are where a point comes from...
	alignTop    int     // ... at most this many of them
	nameRatio   float64 // a name must be in a sentence that holds this share of what the best one holds of the point...
	corefWords  int     // ... or be among this many first words of the sentence before the best one, when that one opens with a pronoun
	numRatio    float64 // a number must be in a sentence that holds this share of the point...
	numContext  int     // ... or in one with the point's words this close to it...
	numShared   int     // ... this many of them
	negScope    int     // the content words this many words either side of a negation are what it negates
	negShared   int     // a negation of the article governs the point when they share this many of its words
	negRatio    float64 // a negation of the point may be one of a sentence that holds this share of what the best one holds...
	negNear     int     // ... and shares this many of its words...
	negAnywhere int     // ... or of any sentence that shares this many
}

var defaults = params{
	cover:       0.5,
	freeMisses:  1,
	alignRatio:  0.7,
	alignTop:    3,
	nameRatio:   0.7,
	corefWords:  6,
	numRatio:    0.5,
	numContext:  3,
	numShared:   2,
	negScope:    4,
	negShared:   2,
	negRatio:    0.3,
	negNear:     2,
	negAnywhere: 3,
}

func (p params) check(articleText string, s briefs.Summary) (v Verdict) {
	text := normalise(cleaned(articleText))
	lang := s.Lang
	if lang == "" {
		lang = extractive.DetectLanguage(text)
	}
	st := &stemmer{lang: lang}
	a := newArticle(text, lang, st, &p)

	type field struct {
		where, text string
		toks        []token // of the normalised text
	}
	fields := []field{{where: "title", text: s.Title}, {where: "gist", text: s.Gist}}
	for i, b := range s.Bullets {
		fields = append(fields, field{where: "point " + strconv.Itoa(i+1), text: b})
	}
	// The capitalised words of the whole brief tell which of its sentence
	// openers are names.
	cc := &capsContext{lang: lang, midCap: map[string]bool{}}
	summaryLower := map[string]bool{}
	for i := range fields {
		fields[i].text = normalise(fields[i].text)
		toks := tokenize(fields[i].text, lang)
		fields[i].toks = toks
		title := isTitleCase(toks, lang) || shouting(toks)
		for _, t := range toks {
			switch {
			case !t.cap && !t.upper:
				summaryLower[t.word] = true
			case !t.first && !title:
				cc.midCap[t.word] = true
			}
		}
	}
	cc.lowerSeen = func(w string) bool { return a.lower[w] || summaryLower[w] || a.lowerStems[st.stem(w)] }

	for _, f := range fields {
		if strings.TrimSpace(f.text) == "" {
			continue
		}
		add := func(k Kind, detail string) {
			v.Problems = append(v.Problems, Problem{Kind: k, Where: f.where, Detail: detail})
		}
		if n := utf8.RuneCountInString(f.text); n > maxField {
			add(KindContent, fmt.Sprintf("%d characters, too long for a brief to check", n))
			continue
		}
		for _, q := range quotations(f.text) {
			if !a.hasQuote(q, lang) {
				add(KindQuote, q)
			}
		}
		u := analyseTokens(f.toks, lang, st, p.negScope)
		names := namesIn(u.toks, u.nums, cc)
		al := a.align(u, &p, nil)
		for _, n := range u.nums {
			if !a.hasNumber(u, n, al, &p) {
				add(KindNumber, n.text)
			}
		}
		for _, n := range names {
			others := a.align(u, &p, func(k key) bool { return k.tok >= n.tok && k.tok < n.end })
			if !a.hasName(u, n, others, &p) {
				add(KindName, n.text)
			}
		}
		if miss := a.missing(u); len(miss) > p.allowed(u) {
			add(KindContent, strings.Join(miss, ", "))
		}
		if len(u.negs) > maxNegations {
			u.negs = u.negs[:maxNegations]
		}
		if d, ok := a.negationProblem(u, al, &p); ok {
			add(KindNegation, d)
		}
	}
	v.OK = len(v.Problems) == 0
	return v
}

// cleaned returns the article as the summarizers read it: extractive.Clean
// strips HTML, repairs mojibake and takes off page furniture (share widgets
// glued to the first word, "Scroll down for video"), so that a name the
// summarizer read is found as it read it. The headlines, dateline and
// byline are kept, as lines of their own.
func cleaned(text string) string {
	cd := extractive.Clean(text)
	var b strings.Builder
	for _, l := range append(cd.Headlines, cd.Dateline, cd.Byline) {
		if strings.TrimSpace(l) != "" {
			b.WriteString(l)
			b.WriteString("\n\n")
		}
	}
	b.WriteString(cd.Body)
	return b.String()
}

// allowed is how many content words of u may be missing from the article.
func (p *params) allowed(u unit) int {
	n := len(uniqueKeys(u.keys))
	return max(p.freeMisses, int(math.Floor((1-p.cover)*float64(n)+1e-9)))
}

func uniqueKeys(ks []key) []string {
	seen := map[string]bool{}
	var out []string
	for _, k := range ks {
		if !seen[k.k] {
			seen[k.k] = true
			out = append(out, k.k)
		}
	}
	return out
}

// missing returns the content words of u that the article does not have, as
// the brief wrote them.
func (a *article) missing(u unit) []string {
	var out []string
	seen := map[string]bool{}
	for _, k := range u.keys {
		if len(a.post[k.k]) > 0 || seen[k.k] {
			continue
		}
		seen[k.k] = true
		t := u.toks[k.tok]
		if t.wide {
			out = append(out, k.k)
		} else {
			out = append(out, t.raw)
		}
	}
	return out
}
