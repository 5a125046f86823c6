package grounding

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"

	"briefbot/briefs"
	"briefbot/briefs/extractive"
)

// normalise makes the article and the summary comparable character by
// character: valid UTF-8; NFKC, so that full-width digits and letters
// ("２０２４", common in Chinese and Japanese text) become ASCII and
// no-break and thin spaces become spaces; curly, low and prime quotes
// become the straight ' and "; dashes become "-". Angle quotes and corner
// brackets stay: they only ever quote, so quotes.go reads them as written.
func normalise(s string) string {
	if !utf8.ValidString(s) {
		s = strings.ToValidUTF8(s, " ")
	}
	s = norm.NFKC.String(s)
	return strings.Map(func(r rune) rune {
		switch r {
		case '\u2018', '\u2019', '\u201A', '\u201B', '\u2032', '`', '\u00B4':
			return '\''
		case '\u201C', '\u201D', '\u201E', '\u201F', '\u2033':
			return '"'
		case '\u2010', '\u2011', '\u2012', '\u2013', '\u2014', '\u2015', '\u2212':
			return '-'
		case '\u00AD', '\u200B', '\uFEFF':
			return -1
		case '\t', '\r', '\u00A0', '\u2028', '\u2029':
			return ' '
		}
		if r < ' ' && r != '\n' {
			return ' '
		}
		return r
	}, s)
}

// token is a word of a text: a run of letters, digits and marks, or a run
// of Chinese or Japanese characters (which have no spaces between words).
type token struct {
	raw    string // as written (normalised)
	word   string // folded (lower case, no accents), without a possessive 's
	low    string // lower case with its accents, as the stopword lists spell words
	cap    bool   // starts with an upper-case letter
	upper  bool   // an acronym: two or more letters, all upper case ("NHS", "U.S.")
	first  bool   // opens a sentence, or a quotation within one
	joined bool   // only spaces separate it from the token before (a name goes on)
	wide   bool   // a run of Han or kana
	digit  bool   // starts with a digit
}

// elisions are the articles and pronouns that French and Italian glue to the
// next word with an apostrophe ("l'entreprise", "n'a", "dell'anno"): they are
// split off as words of their own, so that "entreprise" is found and "n" can
// mark a negation.
var elisions = map[string]bool{
	"l": true, "d": true, "qu": true, "n": true, "s": true, "c": true, "j": true, "m": true, "t": true,
	"dell": true, "all": true, "nell": true, "dall": true, "sull": true, "un": true, "quell": true, "po": true,
}

// tokenize splits one sentence (or any text) into tokens. A word goes on
// through an apostrophe between letters ("didn't", "O'Brien"), a full stop
// or comma between digits ("4.5", "4,000") and the full stops of a dotted
// acronym ("U.S."); hyphens split words ("Louis-Dreyfus", "three-year"),
// so that both texts are cut the same way.
func tokenize(s, lang string) []token {
	var toks []token
	elide := lang == "fr" || lang == "it"
	first := true   // the next token opens a sentence
	joined := false // only spaces since the last token
	i := 0
	for i < len(s) {
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case isWide(r):
			j := i + size
			for j < len(s) {
				r2, n := utf8.DecodeRuneInString(s[j:])
				if !isWide(r2) {
					break
				}
				j += n
			}
			toks = append(toks, token{raw: s[i:j], word: s[i:j], wide: true, first: first, joined: joined})
			i, first, joined = j, false, true
			continue
		case !isWordRune(r):
			switch r {
			case ' ':
			case '.':
				// "Mr. Smith", "J. K. Rowling": the full stop of an
				// honorific or an initial does not end a sentence.
				if n := len(toks); n > 0 && (honorifics[toks[n-1].word] || utf8.RuneCountInString(toks[n-1].raw) == 1 && toks[n-1].cap) {
					joined = false
				} else {
					first, joined = true, false
				}
			case '!', '?', ':', '"', '«', '»', '「', '『', '\n':
				first, joined = true, false
			case '\'':
				// An opening single quote: at the start or after a space.
				if i == 0 || s[i-1] == ' ' || s[i-1] == '(' {
					first = true
				}
				joined = false
			default:
				joined = false
			}
			i += size
			continue
		}
		j := wordEnd(s, i)
		raw := s[i:j]
		if elide {
			if k := strings.IndexByte(raw, '\''); k > 0 && elisions[briefs.Fold(raw[:k])] {
				toks = append(toks, makeToken(raw[:k], first, joined))
				first, joined = false, false
				raw = raw[k+1:]
			}
		}
		if raw != "" {
			toks = append(toks, makeToken(raw, first, joined))
		}
		i, first, joined = j, false, true
	}
	return toks
}

// wordEnd returns the end of the word that starts at s[i].
func wordEnd(s string, i int) int {
	j := i
	// acro: s[i:j] is single upper-case letters joined by full stops so far
	// ("U", "U.S"); seg counts the letters since the last full stop.
	acro, seg, dots := true, 0, 0
	for j < len(s) {
		r, n := utf8.DecodeRuneInString(s[j:])
		if isWordRune(r) && !isWide(r) {
			seg++
			acro = acro && seg == 1 && unicode.IsUpper(r)
			j += n
			continue
		}
		if j+1 < len(s) && j > i {
			prev, _ := utf8.DecodeLastRuneInString(s[i:j])
			next, _ := utf8.DecodeRuneInString(s[j+1:])
			switch {
			case r == '\'' && unicode.IsLetter(prev) && unicode.IsLetter(next) && !isWide(next):
				j += n
				acro = false
				continue
			case (r == '.' || r == ',') && isDigit(prev) && isDigit(next):
				j += n
				continue
			case r == '.' && acro && unicode.IsUpper(next):
				j += n
				seg, dots = 0, dots+1
				continue
			}
		}
		if r == '.' && acro && dots > 0 {
			j++ // the last full stop of "U.S."
		}
		break
	}
	return j
}

func makeToken(raw string, first, joined bool) token {
	t := token{raw: raw, first: first, joined: joined}
	r, _ := utf8.DecodeRuneInString(raw)
	t.digit = isDigit(r)
	t.cap = unicode.IsUpper(r)
	letters, uppers := 0, 0
	for _, c := range raw {
		if unicode.IsLetter(c) {
			letters++
			if unicode.IsUpper(c) {
				uppers++
			}
		}
	}
	t.upper = letters >= 2 && uppers == letters
	w := briefs.Fold(strings.ReplaceAll(raw, ".", ""))
	if t.digit {
		w = briefs.Fold(raw)
	}
	if len(w) > 2 && strings.HasSuffix(w, "'s") {
		w = w[:len(w)-2]
	}
	t.word = w
	t.low = strings.ToLower(raw)
	if len(t.low) > 2 && strings.HasSuffix(t.low, "'s") {
		t.low = t.low[:len(t.low)-2]
	}
	return t
}

func isDigit(r rune) bool { return r >= '0' && r <= '9' }

func isWordRune(r rune) bool {
	return unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.Is(unicode.Mn, r)
}

// isWide reports whether r is written without spaces between words: Han,
// hiragana, katakana (and its prolonged sound mark).
func isWide(r rune) bool {
	return unicode.Is(unicode.Han, r) || unicode.Is(unicode.Hiragana, r) ||
		unicode.Is(unicode.Katakana, r) || r == 0x30FC
}

func isHiragana(r rune) bool { return unicode.Is(unicode.Hiragana, r) }

// stemmer turns a folded word into the key under which its other forms are
// found: Porter's stemmer for English ("resigned", "resigns", "resigning"
// are one word), the first five letters elsewhere, a crude but language-free
// cut that joins most inflections of the Romance and Germanic languages.
type stemmer struct {
	lang  string
	cache map[string]string
}

func (st *stemmer) stem(w string) string {
	if s, ok := st.cache[w]; ok {
		return s
	}
	s := w
	switch {
	case st.lang == "en" || st.lang == "":
		if len(w) > 3 && isASCIIWord(w) {
			s = extractive.Stem(w, "en", 0)
		}
	default:
		s = extractive.Stem(w, st.lang, 5)
	}
	if st.cache == nil {
		st.cache = map[string]string{}
	}
	st.cache[w] = s
	return s
}

func isASCIIWord(w string) bool {
	for i := 0; i < len(w); i++ {
		if c := w[i]; c < 'a' || c > 'z' {
			return false
		}
	}
	return true
}

// appendPairs appends the content units of a Chinese or Japanese run: pairs
// of characters, or a character alone when it stands by itself, at the
// position of their first character (the run starts at pos, token tok).
// Hiragana (Japanese particles and verb endings), Chinese function
// characters and negations break the run, so that what is compared is the
// content, not the grammar (negations are compared on their own).
func appendPairs(dst []key, run string, pos, tok int) []key {
	var prev rune
	alone := false
	k := -1
	for _, r := range run {
		k++
		if isHiragana(r) || extractive.HanStop(r) || wideNegation(r) {
			if alone {
				dst = append(dst, key{k: string(prev), pos: pos + k - 1, tok: tok})
			}
			prev, alone = 0, false
			continue
		}
		if prev != 0 {
			dst = append(dst, key{k: string(prev) + string(r), pos: pos + k - 1, tok: tok})
			alone = false
		} else {
			alone = true
		}
		prev = r
	}
	if alone {
		dst = append(dst, key{k: string(prev), pos: pos + k, tok: tok})
	}
	return dst
}

// sentences splits text into sentences with the summarizer's own splitter,
// so that the article is cut exactly as the extractive briefs were.
func sentences(text string) []string {
	return extractive.Sentences(text)
}

// stopword reports whether a folded word carries no content in lang.
func stopword(lang, w string) bool {
	return extractive.Stopword(lang, w)
}
