package extractive

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// unfinishedLines returns the lines of body that stand alone without
// terminal punctuation: headings, labels and list items ("Pros", "Fast
// charging and a bright screen"). A sentence equal to one of them is not a
// point. A sentence split off inside a line (a caption run into the text)
// is not such a line.
func unfinishedLines(body string) map[string]bool {
	var out map[string]bool
	for line := range strings.SplitSeq(body, "\n") {
		if t := strings.TrimSpace(line); t == "" || endsTerminal(t) {
			continue // most lines: a paragraph of sentences
		}
		line = squeezeSpaces(line)
		if item, ok := stripListMarker(line); ok {
			line = item
		}
		if line == "" || endsTerminal(line) {
			continue
		}
		if out == nil {
			out = make(map[string]bool)
		}
		out[line] = true
	}
	return out
}

// headlineCase reports whether s is written as a headline, not as a
// sentence of the story: four or more words, every one that is not a short
// function word capitalised ("Russia's Deal With North Korea Is 'Ominously
// Ambiguous'"). Story sentences have lower-case verbs and nouns ("Putin and
// Kim met in Pyongyang."). Looser than titleCase, which the entity finder
// uses to skip lines: a headline need not hold a capitalised function word.
func headlineCase(s string) bool {
	words := 0
	for f := range strings.FieldsSeq(s) {
		w := trimBytes(f, &headlinePunct) // strings.Trim(f, `"'()[],.:;!?`)
		if w == "" {
			continue
		}
		words++
		r := firstRune(w)
		if unicode.IsUpper(r) || unicode.IsDigit(r) || !unicode.IsLetter(r) {
			continue
		}
		if len(w) <= 4 && stopwords[strings.ToLower(w)] {
			continue
		}
		return false
	}
	return words >= 4
}

// byteSet is a set of ASCII bytes, for trimBytes.
type byteSet [256]bool

func byteSetOf(cutset string) (set byteSet) {
	for i := 0; i < len(cutset); i++ {
		set[cutset[i]] = true
	}
	return set
}

var headlinePunct = byteSetOf(`"'()[],.:;!?`)

// trimBytes is strings.Trim for an ASCII cutset made once.
func trimBytes(s string, set *byteSet) string {
	return trimRightBytes(trimLeftBytes(s, set), set)
}

// trimLeftBytes is strings.TrimLeft for an ASCII cutset made once.
func trimLeftBytes(s string, set *byteSet) string {
	for len(s) > 0 && set[s[0]] {
		s = s[1:]
	}
	return s
}

// trimRightBytes is strings.TrimRight for an ASCII cutset made once.
func trimRightBytes(s string, set *byteSet) string {
	for len(s) > 0 && set[s[len(s)-1]] {
		s = s[:len(s)-1]
	}
	return s
}

// Cutsets of the hot trims.
var (
	closeQuotes  = byteSetOf(`"')`)    // closing quotes and brackets
	openQuotesSp = byteSetOf(`"'( `)   // opening quotes, brackets and spaces
	openQuotes   = byteSetOf(`"'(`)    // opening quotes and brackets
	openQuotesSq = byteSetOf(`"'([`)   // ... and square brackets
	noteLead     = byteSetOf(`"'(*[ `) // what may open an editor's note
)

// titleCase reports whether s reads as a title-case line (a heading or a
// headline inside the body: "Provided You Have A Solid Internet Connection,
// The Streaming Works"): at least four words, four in five capitalised, and
// a capitalised function word after the first word.
func titleCase(s string) bool {
	total := strings.Count(s, " ") + 1 // at least the words counted below
	if total < 4 {
		return false
	}
	// Most sentences fail at once: count words that plainly start in lower
	// case right after a space, without splitting the sentence.
	plain := 0
	for i := strings.IndexByte(s, ' '); i >= 0 && i+1 < len(s); {
		if c := s[i+1]; c >= 'a' && c <= 'z' {
			if plain++; plain*5 > total {
				return false
			}
		}
		k := strings.IndexByte(s[i+1:], ' ')
		if k < 0 {
			break
		}
		i += k + 1
	}
	words, caps, lower, capFn, i := 0, 0, 0, false, -1
	for w := range strings.FieldsSeq(s) {
		i++
		w = trimQuotes(w)
		r := firstRune(w)
		if !unicode.IsLetter(r) {
			continue
		}
		words++
		if !unicode.IsUpper(r) {
			if lower++; lower*5 > total {
				return false // too many lower-case words already: most sentences stop here
			}
			continue
		}
		caps++
		if i > 0 && len(w) <= 5 && titleFnWords[w] {
			capFn = true
		}
	}
	return words >= 4 && capFn && caps*5 >= words*4
}

// trimQuotes trims the quotes, brackets and punctuation around a word
// without allocating: `"Putin's,` -> `Putin's`.
func trimQuotes(w string) string {
	for w != "" {
		r, n := utf8.DecodeRuneInString(w)
		if !strings.ContainsRune(`"'(),.:;!?`+"\u201c\u201d\u2018\u2019", r) {
			break
		}
		w = w[n:]
	}
	for w != "" {
		r, n := utf8.DecodeLastRuneInString(w)
		if !strings.ContainsRune(`"'(),.:;!?`+"\u201c\u201d\u2018\u2019", r) {
			break
		}
		w = w[:len(w)-n]
	}
	return w
}
