package fetch

import (
	"net/url"
	"strings"
	"unicode"
	"unicode/utf8"

	readability "codeberg.org/readeck/go-readability/v2"
	"github.com/go-shiori/dom"
	trafilatura "github.com/markusmobius/go-trafilatura"
	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// Body extractors, by name: the default and the ones kept for comparison
// (briefbot extract --body).
const (
	BodyAuto        = "auto"        // trafilatura, readability when they disagree and readability looks better
	BodyReadability = "readability" // readability alone
	BodyTrafilatura = "trafilatura" // trafilatura alone, balanced
	BodyPrecision   = "trafilatura-precision"
	BodyRecall      = "trafilatura-recall"
	BodyFallback    = "fallback"                // trafilatura, readability when trafilatura's text is short
	BodyLonger      = "longer"                  // the longer of the two
	BodyIntersect   = "intersect"               // readability's paragraphs that trafilatura also found
	BodyTrafReadFB  = "trafilatura-readability" // trafilatura with readability's article as its own fallback candidate
)

// BodyExtractors lists the names Options.Body accepts.
var BodyExtractors = []string{BodyAuto, BodyReadability, BodyTrafilatura, BodyPrecision, BodyRecall, BodyFallback, BodyLonger, BodyIntersect, BodyTrafReadFB}

// TrafilaturaMaxElements bounds the pages trafilatura reads: its time grows
// faster than linearly with the elements (about 2.5 s for 20,000 short
// paragraphs with a link each, on one core), while readability's stays
// near linear. Larger pages, far beyond real articles (a few thousand
// elements), get readability's text alone.
const TrafilaturaMaxElements = 12_000

// Options tune Extract; the zero value is the bot's own extraction.
type Options struct {
	// Body names the article-body extractor, one of BodyExtractors; "" is BodyAuto.
	Body string
}

func validBody(name string) bool {
	for _, b := range BodyExtractors {
		if b == name {
			return true
		}
	}
	return false
}

// trafilaturaText runs trafilatura on doc (which it does not modify) and
// renders its article node as text; "" when it finds none. A fallback node
// (readability's article, for comparisons) turns trafilatura's own fallback
// on with it as the candidate.
func trafilaturaText(doc *html.Node, u *url.URL, focus trafilatura.ExtractionFocus, fallback *html.Node) string {
	opts := trafilatura.Options{
		OriginalURL:     u,
		Focus:           focus,
		ExcludeComments: true,
		HtmlDateMode:    trafilatura.Disabled, // dates come from our own metadata reader
		MaxTreeSize:     MaxElements,
	}
	if fallback != nil {
		opts.EnableFallback = true
		opts.FallbackCandidates = &trafilatura.FallbackCandidates{Readability: fallback, Distiller: fallback}
	}
	res, err := trafilatura.ExtractDocument(doc, opts)
	if err != nil || res == nil || res.ContentNode == nil {
		return ""
	}
	setAtoms(res.ContentNode)
	return renderText(res.ContentNode)
}

// setAtoms fills in the DataAtom of elements built by name (trafilatura
// makes its output tree so), which the text renderer goes by.
func setAtoms(n *html.Node) {
	if n.Type == html.ElementNode && n.DataAtom == 0 {
		n.DataAtom = atom.Lookup([]byte(n.Data))
	}
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		setAtoms(c)
	}
}

// chooseBody picks the article text from trafilatura's (traf) and
// readability's (read) under the named strategy.
func chooseBody(name, traf, read string) string {
	switch name {
	case BodyReadability:
		return read
	case BodyTrafilatura, BodyPrecision, BodyRecall:
		return traf
	case BodyFallback:
		if textRunes(traf) < MinTextRunes*2 {
			return read
		}
		return traf
	case BodyIntersect:
		if traf == "" || read == "" {
			return traf + read // one of them found nothing: the other's text
		}
		shared, _ := splitParagraphs(read, shingles(traf))
		return shared
	case BodyLonger:
		if textRunes(read) > textRunes(traf) {
			return read
		}
		return traf
	}
	return autoBody(traf, read)
}

// autoBody is the default: it compares the two texts by their shared word
// 4-grams. When each mostly contains the other they agree, and trafilatura's
// (usually the tighter) wins. When trafilatura's lies within readability's,
// readability's extra paragraphs are taken only if they are the larger part
// and read like prose: otherwise they are a comment section, a "related
// stories" rail or captions. When readability's lies within trafilatura's,
// trafilatura added the furniture and readability's wins. When they
// disagree, the text with more sentence-like paragraphs wins.
func autoBody(traf, read string) string {
	const (
		contained = 0.9 // share of a text's 4-grams found in the other
		larger    = 0.5 // readability's text is over twice trafilatura's
		prose     = 0.7 // share of the extra text in sentence-like paragraphs
	)
	switch {
	case traf == "":
		return read
	case read == "":
		return traf
	}
	st, sr := shingles(traf), shingles(read)
	shared := sharedCount(st, sr)
	trafInRead := float64(shared) / float64(max(1, len(st)))
	readInTraf := float64(shared) / float64(max(1, len(sr)))
	switch {
	case trafInRead >= contained && readInTraf >= contained:
		return traf
	case trafInRead >= contained:
		if _, extra := splitParagraphs(read, st); readInTraf < larger && sentenceLike(extra) >= prose {
			return read
		}
		return traf
	case readInTraf >= contained:
		return read
	case sentenceLike(read) > sentenceLike(traf):
		return read
	}
	return traf
}

// shingle is a hash of four consecutive lower-cased words.
type shingle uint64

// shingles returns the set of word 4-grams of s.
func shingles(s string) map[shingle]struct{} {
	words := wordHashes(s)
	set := make(map[shingle]struct{}, len(words))
	for i := 0; i+4 <= len(words); i++ {
		h := words[i]
		for _, w := range words[i+1 : i+4] {
			h = h*1099511628211 ^ w
		}
		set[shingle(h)] = struct{}{}
	}
	return set
}

// wordHashes hashes the words (runs of letters, digits and "_") of s,
// lower-cased.
func wordHashes(s string) []uint64 {
	var out []uint64
	var h uint64
	in := false
	for _, r := range s {
		if unicode.IsLetter(r) || unicode.IsDigit(r) || r == '_' || unicode.Is(unicode.Mn, r) {
			if !in {
				h, in = 14695981039346656037, true
			}
			h = (h ^ uint64(unicode.ToLower(r))) * 1099511628211
			continue
		}
		if in {
			out = append(out, h)
			in = false
		}
	}
	if in {
		out = append(out, h)
	}
	return out
}

// sharedCount is how many of the 4-grams in a are also in b.
func sharedCount(a, b map[shingle]struct{}) int {
	n := 0
	for k := range a {
		if _, ok := b[k]; ok {
			n++
		}
	}
	return n
}

// splitParagraphs divides the lines of text into those of which at least
// half the 4-grams are in other (shared) and the rest (extra), each joined
// by blank lines. A line too short for a 4-gram counts as extra.
func splitParagraphs(text string, other map[shingle]struct{}) (shared, extra string) {
	var in, out strings.Builder
	for _, line := range strings.Split(text, "\n") {
		if strings.TrimSpace(line) == "" {
			continue
		}
		sp := shingles(line)
		n := sharedCount(sp, other)
		b := &out
		if len(sp) > 0 && float64(n)/float64(len(sp)) >= 0.5 {
			b = &in
		}
		if b.Len() > 0 {
			b.WriteString("\n\n")
		}
		b.WriteString(line)
	}
	return in.String(), out.String()
}

// sentenceLike is the share of text (in runes) in lines of at least ten
// words that end like a sentence.
func sentenceLike(text string) float64 {
	good, all := 0, 0
	for _, line := range strings.Split(text, "\n") {
		if strings.TrimSpace(line) == "" {
			continue
		}
		n := utf8.RuneCountInString(line)
		all += n
		if titleWords(line) >= 10 && endsSentence(line) {
			good += n
		}
	}
	return float64(good) / float64(max(1, all))
}

// textRunes counts the non-space runes of s.
func textRunes(s string) int {
	n := 0
	for _, r := range s {
		if !unicode.IsSpace(r) {
			n++
		}
	}
	return n
}

func trafilaturaFocus(name string) trafilatura.ExtractionFocus {
	switch name {
	case BodyPrecision:
		return trafilatura.FavorPrecision
	case BodyRecall:
		return trafilatura.FavorRecall
	}
	return trafilatura.Balanced
}

// readabilityCandidate is readability's article of a copy of doc (nil when
// it finds none): the candidate that the comparison mode BodyTrafReadFB
// hands to trafilatura's own fallback.
func readabilityCandidate(doc *html.Node, u *url.URL) *html.Node {
	p := readability.NewParser()
	if art, err := p.ParseAndMutate(dom.Clone(doc, true), u); err == nil {
		return art.Node
	}
	return nil
}
