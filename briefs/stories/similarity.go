// Package stories groups articles that report the same event: outlets write
// the same news in their own words, so what they share is the event's
// vocabulary (who, what, where), its names and its time, not their
// sentences.
package stories

import (
	"math"
	"strings"
	"time"
	"unicode/utf8"

	"briefbot/briefs"
	"briefbot/briefs/extractive"
)

// Doc is what the detector reads of an article.
type Doc struct {
	Title     string
	Text      string
	Entities  []string // the summarizer's names, most mentioned first
	Published time.Time
	Lang      string // ISO 639-1; "" to detect
}

// Signature is a Doc reduced to what comparing it needs; it is small (a few
// hundred words) whatever the article's length, so comparing a new article
// with the recent ones costs little.
//
// The words are kept as 32-bit hashes in ascending order: a signature is
// stored with its article for the window, and two sets of a few hundred
// words almost never share a hash by chance.
type Signature struct {
	Lead  wordSet // content words of the title and the first leadChars of the text, stemmed
	Title wordSet // content words of the title, stemmed
	Names wordSet // folded names
	At    time.Time
}

// leadChars is how much of the text a signature reads: news puts the event
// first; the rest is background that other events share too.
const leadChars = 1500

// Sign makes the signature of d.
func Sign(d Doc) Signature {
	lang := d.Lang
	if lang == "" {
		lang = extractive.DetectLanguage(d.Title + " " + d.Text)
	}
	lead := d.Text
	if len(lead) > leadChars {
		cut := leadChars
		for cut > 0 && !utf8.RuneStart(lead[cut]) {
			cut--
		}
		lead = lead[:cut]
	}
	var names []string
	for _, e := range d.Entities {
		if f := briefs.Fold(strings.TrimSpace(e)); f != "" {
			names = append(names, f)
		}
	}
	return Signature{Lead: newWordSet(contentWords(d.Title+" "+lead, lang)), Title: newWordSet(contentWords(d.Title, lang)),
		Names: newWordSet(names), At: d.Published}
}

// contentWords are the folded words of s that are not function words,
// stemmed (Porter for English, a prefix elsewhere), so that "talks" and
// "talked" meet.
func contentWords(s, lang string) []string {
	var out []string
	for _, t := range briefs.Terms(s) {
		if extractive.Stopword(lang, t) || utf8.RuneCountInString(t) < 3 && !isNumber(t) {
			continue
		}
		out = append(out, stem(t, lang))
	}
	return out
}

func stem(w, lang string) string { return extractive.Stem(w, lang, 6) }

func isNumber(t string) bool {
	for _, r := range t {
		if r < '0' || r > '9' {
			return false
		}
	}
	return t != ""
}

// Weights of the parts of the similarity, and how time counts.
type Params struct {
	Lead, Title, Names float64       // weights, summing to 1
	Window             time.Duration // articles further apart are never one story
	HalfLife           time.Duration // beyond a day apart, the score halves every HalfLife
}

// DefaultParams are tuned on labelled story clusters (see the tests): a
// first cut, on a set whose events are mostly days apart.
var DefaultParams = Params{Lead: 0.5, Title: 0.3, Names: 0.2, Window: 72 * time.Hour, HalfLife: 12 * time.Hour}

// Similarity is how likely a and b report one event, from 0 to 1; 0 when
// they are further apart in time than the window.
func (p Params) Similarity(a, b Signature) float64 {
	gap := a.At.Sub(b.At).Abs()
	if !a.At.IsZero() && !b.At.IsZero() && gap > p.Window {
		return 0
	}
	s := p.Lead*ochiai(a.Lead, b.Lead) + p.Title*ochiai(a.Title, b.Title) + p.Names*ochiai(a.Names, b.Names)
	if !a.At.IsZero() && !b.At.IsZero() && gap > 24*time.Hour && p.HalfLife > 0 {
		s *= math.Exp2(-float64(gap-24*time.Hour) / float64(p.HalfLife))
	}
	return s
}

// ochiai is the cosine of two sets: what they share over the geometric mean
// of their sizes (a short title and a long one can still match).
func ochiai(a, b wordSet) float64 {
	if len(a) == 0 || len(b) == 0 {
		return 0
	}
	return float64(a.shared(b)) / math.Sqrt(float64(len(a))*float64(len(b)))
}
