package extractive

import (
	"math/bits"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"

	"github.com/abadojack/whatlanggo"
)

// Language detection.
//
// DetectLanguage looks at a bounded prefix of the text and decides in two
// steps. The script comes first: text that is mostly Han with some kana is
// Japanese, mostly Han without kana Chinese, mostly Hangul Korean, mostly
// Thai Thai. Latin text then goes through a vote over the function words of
// the languages this package has lexicons for, and of a few neighbours it
// has none for (so that Catalan does not pass for Spanish, or Slovak for
// Czech): a clear winner is the answer, a neighbour only on stronger
// evidence. What the vote cannot settle (short text, other scripts, other
// languages) goes to the trigram detector of github.com/abadojack/whatlanggo,
// which knows 84 languages but costs a few hundred microseconds and a few
// hundred allocations per call; the vote costs a few microseconds and none,
// and settles ordinary news articles in the lexicon languages after a few
// hundred words.
//
// Every step is deterministic: the vote has no ties (a tie is indecisive),
// and whatlanggo's answer is taken only with a confidence of 0.5 or more,
// which it does not give when its two best languages tie (the one place
// where its map iteration order could show).

// detectPrefix bounds the text DetectLanguage looks at, in bytes.
const detectPrefix = 3072

// minFallbackWords is the least text, in words, handed to whatlanggo: on
// a shorter line its confidence means little ("Era una notte buia e
// tempestosa." is Portuguese to it, with full confidence).
const minFallbackWords = 10

// minConfidence is the least confidence of whatlanggo taken as an answer.
// Its own threshold for a reliable answer (0.8) rejects one correct
// sentence in two of Russian or Swedish (0.6-0.65); below 0.5 its answers
// are mostly wrong. A language it does not know (Welsh) may still come back
// as some other language.
const minConfidence = 0.5

// fallbackPrefix bounds the text handed to whatlanggo, in bytes: its cost
// grows with the text.
const fallbackPrefix = 512

// DetectLanguage returns the ISO 639-1 code of the language text is written
// in ("en", "de", "zh", ...), or "" when it cannot tell: too little text
// (fewer than five words, or eight CJK characters; fewer than ten words
// unless their function words leave no doubt), binary-looking text, or no
// confident answer. Only the first few kilobytes of text are read.
func DetectLanguage(text string) string {
	if lang, ok := fastLanguage(text); ok {
		return lang
	}
	return fallbackDetect(text)
}

// fastLanguage is DetectLanguage without the trigram detector: ok is false
// when the script and the vote cannot settle the question.
func fastLanguage(text string) (lang string, ok bool) {
	text = runePrefix(text, detectPrefix)
	var t langTally
	for p := 0; p < len(text); {
		c := text[p]
		r, size := rune(c), 1
		if c >= utf8.RuneSelf {
			r, size = utf8.DecodeRuneInString(text[p:])
		}
		p += size
		inWord := t.count(r)
		if t.runes&127 == 0 && t.han+t.kana >= 300 && (t.han+t.kana)*4 > t.runes*3 {
			// Plenty of Chinese or Japanese text: the rest will not
			// change the verdict.
			break
		}
		if inWord || t.n == 0 {
			continue
		}
		t.endWord()
		// A long text stops being read once the vote is settled by a wide
		// margin.
		if t.words&31 == 0 && t.words >= 64 && t.bad == 0 && t.latin*8 > t.runes*5 {
			if l := voteWinner(&t.votes, &t.unique, t.words); l >= 0 && t.unique[l] >= 12 {
				return voters[l], true
			}
		}
	}
	if t.n != 0 {
		t.endWord()
	}
	return t.verdict()
}

// runePrefix returns the longest prefix of text of at most max bytes that
// does not cut a character in two.
func runePrefix(text string, max int) string {
	if len(text) <= max {
		return text
	}
	k := max
	for k > 0 && !utf8.RuneStart(text[k]) {
		k--
	}
	return text[:k]
}

// langTally is what fastLanguage has counted so far: characters by script,
// words, and the function-word vote, with the word being read.
type langTally struct {
	han, kana, hangul, thai, latin, other, bad, runes int
	votes, unique                                     [nVoters]int
	words                                             int
	buf                                               [maxVoteWord]byte
	n                                                 int // bytes of the current word in buf; -1 when it is too long
}

// count counts character r by its script and adds a Latin letter to the
// current word (lower case); it reports whether r belongs to a word.
func (t *langTally) count(r rune) (inWord bool) {
	t.runes++
	switch {
	case r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z':
		t.latin++
		if t.n >= 0 {
			if t.n < len(t.buf) {
				t.buf[t.n] = byte(r) | 0x20
				t.n++
			} else {
				t.n = -1
			}
		}
		return true
	case r >= 0x300 && r <= 0x36F && t.n != 0:
		return true // a combining accent (decomposed text) inside a word
	case r < utf8.RuneSelf:
		if r < 0x20 && r != '\n' && r != '\r' && r != '\t' {
			t.bad++
		}
	case r == utf8.RuneError:
		t.bad++
	case isKana(r):
		t.kana++
	case isHan(r):
		t.han++
	case r >= 0xAC00 && r <= 0xD7AF || r >= 0x1100 && r <= 0x11FF || r >= 0x3130 && r <= 0x318F:
		t.hangul++
	case r >= 0x0E00 && r <= 0x0E7F:
		t.thai++
	case unicode.IsLetter(r) || unicode.Is(unicode.Mn, r):
		if r < 0x250 || r >= 0x1E00 && r <= 0x1EFF {
			t.latin++
			r = unicode.ToLower(r)
			if l := markLetter(r); l >= 0 {
				t.unique[l]++
			}
			if t.n >= 0 {
				if t.n+utf8.RuneLen(r) <= len(t.buf) {
					t.n += utf8.EncodeRune(t.buf[t.n:], r)
				} else {
					t.n = -1
				}
			}
			return true
		}
		t.other++
	}
	return false
}

// endWord counts the word just read, and its votes unless it was too long
// to be a function word.
func (t *langTally) endWord() {
	t.words++
	if t.n > 0 {
		langVote(t.buf[:t.n], &t.votes, &t.unique)
	}
	t.n = 0
}

// verdict decides from the whole tally: the script that holds most letters,
// and for Latin script the vote. ok is false when only the trigram detector
// could tell.
func (t *langTally) verdict() (lang string, ok bool) {
	letters := t.han + t.kana + t.hangul + t.thai + t.latin + t.other
	if t.runes == 0 || t.bad*20 > t.runes || letters*2 < t.runes {
		return "", true // binary data, or numbers and punctuation
	}
	switch {
	case (t.han+t.kana)*2 > letters:
		switch {
		case t.han+t.kana < 8:
			return "", true
		case t.kana >= 2 && t.kana*20 >= t.han+t.kana:
			return "ja", true
		}
		return "zh", true
	case t.hangul*2 > letters:
		if t.hangul < 8 {
			return "", true
		}
		return "ko", true
	case t.thai*2 > letters:
		if t.thai < 8 {
			return "", true
		}
		return "th", true
	case t.latin*2 > letters:
		if t.words < 5 {
			return "", true
		}
		if l := voteWinner(&t.votes, &t.unique, t.words); l >= 0 {
			return voters[l], true
		}
		if t.words < minFallbackWords {
			return "", true // the trigram detector guesses wildly on a line
		}
	case letters < 3*minFallbackWords:
		return "", true
	}
	return "", false
}

// langVote counts word w (lower case) for the languages it is a function word
// of, and as unique evidence when it is one of only one language.
func langVote(w []byte, votes, unique *[nVoters]int) {
	if !voteShapes.may(w) {
		return // no function word of any language
	}
	m := voteWords[string(w)]
	single := bits.OnesCount32(m) == 1
	for m != 0 {
		l := bits.TrailingZeros32(m)
		m &= m - 1
		votes[l]++
		if single {
			unique[l]++
		}
	}
}

// voteShapes filters the words of voteWords.
var voteShapes = func() *wordShapes {
	ws := new(wordShapes)
	for w := range voteWords {
		if w != "" {
			ws.add(w)
		}
	}
	return ws
}()

// markLetter returns the voter whose orthography alone uses letter r (in
// lower case), or -1: "ř" is Czech, "ñ" Spanish, "ł" Polish.
func markLetter(r rune) int {
	switch r {
	case 'ř', 'ě', 'ů':
		return vCS
	case 'ñ':
		return vES
	case 'ã', 'õ':
		return vPT
	case 'ß':
		return vDE
	case 'ł', 'ą', 'ę', 'ś', 'ź', 'ż', 'ć', 'ń':
		return vPL
	case 'ľ', 'ĺ', 'ŕ', 'ô':
		return vSK
	case 'ș', 'ț', 'ş', 'ţ', 'ă':
		return vRO
	}
	return -1
}

// voteWinner returns the index of the language that clearly wins the
// function-word vote, or -1. A clear win needs an eighth of the words to be
// the winner's function words (the text is in that family at all) and
// twice as many words (and letters) unique to the winner as to any other language (it is
// not a neighbour).
func voteWinner(votes, unique *[nVoters]int, words int) int {
	best, second := -1, -1
	for l := range votes {
		switch {
		case best < 0 || unique[l] > unique[best] || unique[l] == unique[best] && votes[l] > votes[best]:
			best, second = l, best
		case second < 0 || unique[l] > unique[second] || unique[l] == unique[second] && votes[l] > votes[second]:
			second = l
		}
	}
	if votes[best]*8 < words || unique[best] < 2 || unique[best] < 2*unique[second] {
		return -1
	}
	if best >= nLexicons && unique[best] < 3 {
		return -1 // a neighbour's short list needs more evidence
	}
	// The winner must also lead on all votes: shared words count too.
	for l := range votes {
		if l != best && votes[l] >= votes[best] {
			return -1
		}
	}
	return best
}

// fallbackDetect asks whatlanggo about text and keeps its answer when it is
// confident.
func fallbackDetect(text string) string {
	info := whatlanggo.Detect(runePrefix(text, fallbackPrefix))
	if info.Lang < 0 || info.Confidence < minConfidence {
		return ""
	}
	return isoCodes()[info.Lang]
}

// isoCodes maps whatlanggo's languages to ISO 639-1 codes ("" when there is
// none). whatlanggo builds a map on each Iso6391 call, so ask once.
var isoCodes = sync.OnceValue(func() map[whatlanggo.Lang]string {
	m := make(map[whatlanggo.Lang]string, len(whatlanggo.Langs))
	for l := range whatlanggo.Langs {
		m[l] = l.Iso6391()
	}
	return m
})

func isKana(r rune) bool {
	return r >= 0x3040 && r <= 0x30FF && r != 0x30FB && r != 0x30FC || // hiragana, katakana (not the middle dot and the long vowel mark, which Chinese uses too)
		r >= 0x31F0 && r <= 0x31FF || r >= 0xFF66 && r <= 0xFF9D
}

func isHan(r rune) bool {
	return r >= 0x4E00 && r <= 0x9FFF || r >= 0x3400 && r <= 0x4DBF || r >= 0xF900 && r <= 0xFAFF ||
		r >= 0x20000 && r <= 0x3134F || r == 0x3005 // 々, the iteration mark
}

// Dangles reports whether sentence s, written in language lang, opens with a
// word that leans on the sentence before it (a pronoun such as "He" or "Il",
// a demonstrative such as "Diese", a connective such as "However", "Zudem"
// or "Sin embargo"), so that it cannot stand alone as a key point. Unknown
// languages ("" included) are read as English. First and second person
// openers ("I", "Wir") are not counted: see lexicon.openerWeak.
func Dangles(lang, s string) bool {
	return lexiconFor(lang).openerDangles(s)
}

// lexiconFor returns the lexicon of language lang (an ISO 639-1 code), or
// the English one when there is none.
func lexiconFor(lang string) *lexicon {
	if lx := lexicons[lang]; lx != nil {
		return lx
	}
	return lexEN
}

// Stopword reports whether w, in lower case, is a function word of language
// lang (an ISO 639-1 code; unknown languages are read as English): a word
// that carries no topic, so that comparing two texts by their other words
// says whether they are about the same thing.
func Stopword(lang, w string) bool {
	return lexiconFor(lang).isStopword(w)
}

// isStopword reports whether w, in lower case, is a function word of the
// language.
func (lx *lexicon) isStopword(w string) bool {
	return lx.stop[w]
}

// openerDangles reports whether s opens with a pronoun, demonstrative or
// connective that leans on the sentence before it. The first words are
// matched case-insensitively after opening quotes and brackets; multiword
// connectives ("Sin embargo", "En outre", "Darüber hinaus") count, and so
// do contractions and elisions whose first part dangles ("They've",
// "C'est"). Words that are also articles or start impersonal phrases
// dangle only in context (see the lexicon's cond). It does not allocate.
func (lx *lexicon) openerDangles(s string) bool {
	if lx.prefixDangle != nil {
		t := trimOpener(s)
		return hasAnyPrefix(t, lx.prefixDangle) != "" && hasAnyPrefix(t, lx.prefixKeep) == ""
	}
	var buf [64]byte
	b, ends := openerWords(buf[:0], s)
	return lx.danglesWords(b, ends)
}

// danglesWords is openerDangles for languages with words, given the
// result of openerWords (with a 64-byte buffer).
func (lx *lexicon) danglesWords(b []byte, ends [4]int) bool {
	if ends[0] == 0 {
		return false
	}
	shapes := lx.dangleShapes()
	for k := len(ends) - 1; k > 0; k-- {
		// "on the other hand", "por otra parte", "sin embargo"
		if ends[k] > 0 && shapes.may(b[:ends[k]]) && lx.dangle[string(b[:ends[k]])] {
			return true
		}
	}
	w := b[:ends[0]]
	var next []byte
	if ends[1] > 0 {
		next = b[ends[0]+1 : ends[1]]
	}
	if lx.dangle[string(w)] {
		return lx.condHolds(w, next)
	}
	if stem := lx.cliticOf(w); stem != nil && lx.dangle[string(stem)] {
		return lx.condHolds(stem, next) // "they've", "it'll", "c'est"
	}
	return false
}

// cliticOf returns the part of w before an apostrophe when it is a word
// that contracts with the next ("they" of "they've", "c" of "c'est"), or
// nil: "Still's" and "l'entreprise" are not contractions of a pronoun.
func (lx *lexicon) cliticOf(w []byte) []byte {
	for i, c := range w {
		if c == '\'' {
			if i > 0 && lx.clitic[string(w[:i])] {
				return w[:i]
			}
			return nil
		}
	}
	return nil
}

// openerWeak reports whether s opens with a first or second person pronoun
// ("I", "We", "Ich", "Nous", "Wij"): in news copy a quotation that lost its
// quote marks or attribution. Matching is as in openerDangles.
func (lx *lexicon) openerWeak(s string) bool {
	if lx.prefixWeak != nil {
		return hasAnyPrefix(trimOpener(s), lx.prefixWeak) != ""
	}
	var buf [64]byte
	b, ends := openerWords(buf[:0], s)
	return lx.weakWords(b, ends)
}

// weakWords is openerWeak for languages with words, given the result of
// openerWords (with a 64-byte buffer).
func (lx *lexicon) weakWords(b []byte, ends [4]int) bool {
	if ends[0] == 0 {
		return false
	}
	w := b[:ends[0]]
	if lx.weak[string(w)] {
		return true
	}
	stem := lx.cliticOf(w) // "I'm", "we've", "j'ai"
	return stem != nil && lx.weak[string(stem)]
}

// dropConnective removes a leading connective that can go without changing
// what the sentence asserts ("But ...", "However, ...", "Sin embargo, ...",
// "Mais ...", "Aber ...") and returns the rest, which may start in lower
// case. ok is false when there is no such connective, when one that must be
// followed by a comma is not ("However much ..."), or when the rest is too
// short to stand alone (fewer than five words) or does not start with a
// letter. German and Dutch drop only coordinating conjunctions ("Aber",
// "Maar"): an adverb there holds the first place before the verb, and the
// rest would not be a sentence ("Zudem sollen ..." -> "sollen ..."); Czech,
// for its clitics, likewise.
func (lx *lexicon) dropConnective(s string) (string, bool) {
	if lx.prefixDrop != nil {
		t := trimOpener(s)
		p := hasAnyPrefix(t, lx.prefixDrop)
		if p == "" || textLen(t[len(p):]) < 5 {
			return s, false
		}
		return t[len(p):], true
	}
	var buf [64]byte
	b, ends := openerWords(buf[:0], s)
	n := -1 // index of the connective's last word
	for k := len(ends) - 1; k >= 0; k-- {
		if ends[k] > 0 && lx.drop[string(b[:ends[k]])] {
			n = k
			break
		}
	}
	if n < 0 {
		return s, false
	}
	needComma := lx.comma[string(b[:ends[n]])]
	// Find the end of word n in s: skip the opening punctuation, then n
	// spaces.
	i := 0
	for i < len(s) {
		r, size := utf8.DecodeRuneInString(s[i:])
		if !isOpenerPunct(r) {
			break
		}
		i += size
	}
	if k := i + ends[n]; k < len(s) && s[k] != ' ' && s[k] != ',' {
		return s, false // "So-called ...": the connective is part of a longer word
	}
	for k := 0; ; k++ {
		j := strings.IndexByte(s[i:], ' ')
		if j < 0 {
			return s, false
		}
		i += j
		if k == n {
			break
		}
		i++
	}
	if needComma && s[i-1] != ',' {
		return s, false
	}
	rest := strings.TrimLeft(s[i:], " ,")
	if !unicode.IsLetter(firstRune(rest)) || strings.Count(rest, " ") < 4 {
		return s, false
	}
	return rest, true
}

// trimOpener drops the opening quotes, brackets and dashes of s.
func trimOpener(s string) string {
	for len(s) > 0 {
		r, size := utf8.DecodeRuneInString(s)
		if !isOpenerPunct(r) {
			break
		}
		s = s[size:]
	}
	return s
}

// hasAnyPrefix returns the first of prefixes that s starts with, or "".
func hasAnyPrefix(s string, prefixes []string) string {
	for _, p := range prefixes {
		if strings.HasPrefix(s, p) {
			return p
		}
	}
	return ""
}

// condHolds applies the context rule of a dangling word w, if it has one,
// to the word after it.
func (lx *lexicon) condHolds(w, next []byte) bool {
	c, ok := lx.cond[string(w)]
	if !ok {
		return true
	}
	in := false
	if len(next) > 0 {
		in = c.next[string(next)]
		if !in {
			for i, ch := range next {
				if ch == '\'' && i > 0 {
					in = c.next[string(next[:i])]
					break
				}
			}
		}
	}
	return in == c.only
}

// openerWords appends the first words of s (at most four, after opening
// quotes, brackets and dashes) to dst in lower case, separated by single
// spaces, with typographic apostrophes made plain. Words are letters and
// apostrophes; any other character ends the run of words, and a word that
// does not fit in dst's capacity is left out. ends holds the end of each
// word in the result (0 when missing).
func openerWords(dst []byte, s string) (b []byte, ends [4]int) {
	i := 0
	for i < len(s) {
		r, size := utf8.DecodeRuneInString(s[i:])
		if !isOpenerPunct(r) {
			break
		}
		i += size
	}
	nw := 0
	inWord, cut := false, false
scan:
	for i < len(s) {
		r, size := rune(s[i]), 1
		if r >= utf8.RuneSelf {
			r, size = utf8.DecodeRuneInString(s[i:])
		}
		switch {
		case r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || (r == '\'' || r == '\u2019') && inWord ||
			r >= utf8.RuneSelf && unicode.IsLetter(r):
			if !inWord {
				if nw == len(ends) {
					break scan
				}
				if nw > 0 {
					dst = append(dst, ' ')
				}
				inWord = true
			}
			switch {
			case r == '\u2019':
				r = '\''
			case r >= 'A' && r <= 'Z':
				r += 'a' - 'A'
			case r >= utf8.RuneSelf:
				r = unicode.ToLower(r)
			}
			if len(dst)+utf8.RuneLen(r) > cap(dst) {
				cut = true
				break scan
			}
			dst = utf8.AppendRune(dst, r)
		case r == ' ' && inWord:
			ends[nw] = len(dst)
			nw++
			inWord = false
		default:
			break scan
		}
		i += size
	}
	if inWord && !cut {
		ends[nw] = len(dst)
		nw++
	}
	if nw == 0 {
		return dst[:0], ends
	}
	return dst[:ends[nw-1]], ends
}

func isOpenerPunct(r rune) bool {
	switch r {
	case ' ', '"', '\'', '(', '[', '\u201c', '\u201d', '\u2018', '\u2019', '\u201e', '\u201a',
		'\u00ab', '\u00bb', '\u2039', '\u203a', '\u00bf', '\u00a1', '-', '\u2013', '\u2014',
		'\u300c', '\u300e', '\uff08', '\u00a0':
		return true
	}
	return false
}

// leans reports whether s opens with a word that needs the sentence before
// it: a dangling pronoun or connective, or a first- or second-person voice
// (a quotation that lost its quote marks).
func (lx *lexicon) leans(s string) bool {
	// The first words are found once for the three tests.
	var buf [64]byte
	b, ends := openerWords(buf[:0], s)
	if lx.prefixDangle != nil {
		if lx.openerDangles(s) {
			return true
		}
	} else if lx.danglesWords(b, ends) {
		return true
	}
	if lx.prefixWeak != nil {
		if lx.openerWeak(s) {
			return true
		}
	} else if lx.weakWords(b, ends) {
		return true
	}
	// A time phrase before a pronoun still leans: "This week she was
	// banned", "Last year it grew".
	if ends[1] == 0 || ends[2] == 0 {
		return false
	}
	c, ok := lx.cond[string(b[:ends[0]])]
	if !ok || c.only || !c.next[string(b[ends[0]+1:ends[1]])] {
		return false // not a demonstrative with its time word
	}
	third := string(b[ends[1]+1 : ends[2]])
	return lx.dangle[third] && !lx.cond[third].only
}
