package grounding

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// Quotations.
//
// A quotation claims that someone said these very words, so it must be in
// the article word for word. Case, white space, the shape of the quote marks
// and punctuation inside the quotation do not count; an ellipsis or a
// bracketed insertion ("[the club]") splits it into parts that must each be
// there. Chinese and Japanese quotations are looked for as they are, without
// the spaces.

// quotePairs maps the marks that open a quotation to those that close it
// (after normalise, which made curly and low quotes straight).
var quotePairs = map[rune]rune{'"': '"', '«': '»', '»': '«', '「': '」', '『': '』', '\'': '\''}

// quotations returns the quoted passages of s (normalised text).
func quotations(s string) []string {
	var out []string
	// Marks that no closing mark follows, and the end of the line in which
	// no single quote closes: the searches after a failed one would fail
	// too, and would take time in proportion to the text each.
	unclosed := map[rune]bool{}
	singleFails := 0
	for i := 0; i < len(s); {
		r, n := utf8.DecodeRuneInString(s[i:])
		closer, ok := quotePairs[r]
		if !ok || unclosed[r] || r == '\'' && (i < singleFails || !opensSingle(s, i)) {
			i += n
			continue
		}
		end, j := -1, i+n
		for j < len(s) {
			c, m := utf8.DecodeRuneInString(s[j:])
			if c == closer && (c != '\'' || closesSingle(s, j)) {
				end = j
				break
			}
			if c == '\n' && r == '\'' {
				break
			}
			j += m
		}
		if end < 0 {
			if r == '\'' {
				singleFails = j
			} else {
				unclosed[r] = true
			}
			i += n
			continue
		}
		if q := strings.TrimSpace(s[i+n : end]); q != "" {
			out = append(out, q)
		}
		i = end + utf8.RuneLen(closer)
	}
	return out
}

// opensSingle reports whether the ' at s[i] opens a quotation: it follows
// the start, a space or a bracket and comes before a letter or digit (so
// that an apostrophe in "Locke's" or "players' union" does not).
func opensSingle(s string, i int) bool {
	if i > 0 {
		p, _ := utf8.DecodeLastRuneInString(s[:i])
		if !unicode.IsSpace(p) && p != '(' && p != '[' && p != '"' {
			return false
		}
	}
	nx, _ := utf8.DecodeRuneInString(s[i+1:])
	return isWordRune(nx)
}

// closesSingle reports whether the ' at s[j] closes a quotation: it follows
// a word or punctuation and comes before the end, a space or punctuation.
func closesSingle(s string, j int) bool {
	p, _ := utf8.DecodeLastRuneInString(s[:j])
	if unicode.IsSpace(p) {
		return false
	}
	if j+1 >= len(s) {
		return true
	}
	nx, _ := utf8.DecodeRuneInString(s[j+1:])
	return !isWordRune(nx)
}

// quoteParts splits a quotation at ellipses and bracketed insertions into
// the parts that must be found verbatim.
func quoteParts(q string) []string {
	var parts []string
	depth := 0
	start := 0
	flush := func(end int) {
		if p := strings.TrimSpace(q[start:end]); p != "" {
			parts = append(parts, p)
		}
	}
	for i := 0; i < len(q); i++ {
		switch {
		case q[i] == '[':
			if depth == 0 {
				flush(i)
			}
			depth++
		case q[i] == ']' && depth > 0:
			depth--
			start = i + 1
		case depth == 0 && strings.HasPrefix(q[i:], "..."):
			flush(i)
			for i+1 < len(q) && q[i+1] == '.' {
				i++
			}
			start = i + 1
		}
	}
	if depth == 0 {
		flush(len(q))
	}
	return parts
}

// flatWords is the folded words of toks joined by single spaces, with a
// space at both ends, so that a quotation is found by a substring search
// that respects word boundaries. Chinese and Japanese runs are kept whole.
func flatWords(toks []token) string {
	var b strings.Builder
	b.WriteByte(' ')
	for _, t := range toks {
		b.WriteString(t.word)
		b.WriteByte(' ')
	}
	return b.String()
}

// squeeze drops the spaces of a flat text, for Chinese and Japanese
// quotations, whose word boundaries are not marked.
func squeeze(s string) string { return strings.ReplaceAll(s, " ", "") }

// hasQuote reports whether quotation q is in the article verbatim.
func (a *article) hasQuote(q, lang string) bool {
	for _, part := range quoteParts(q) {
		toks := tokenize(part, lang)
		if len(toks) == 0 {
			continue
		}
		f := flatWords(toks)
		wide := false
		for _, t := range toks {
			wide = wide || t.wide
		}
		if wide {
			if a.wide == "" {
				a.wide = squeeze(a.flat)
			}
			if !strings.Contains(a.wide, squeeze(f)) {
				return false
			}
		} else if !strings.Contains(a.flat, f) {
			return false
		}
	}
	return true
}
