package evaluate

import (
	"regexp"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	porterstemmer "github.com/blevesearch/go-porterstemmer"
)

// Finite verbs and content words: the English heuristics of the cut
// checks, and the words that the repetition checks compare.

// hasFiniteVerb is a heuristic for English: s has a finite verb when a word
// is a common auxiliary or verb form (is, was, has, will, said, says, made,
// ...), or, in lower case right after a noun-ish word (a word that is not
// a determiner, preposition, conjunction or object pronoun), is a common
// verb in its base form ("Germans think"), or ends in -ed (not hyphenated:
// "career-oriented") or -s (not after a number, not a possessive): "the
// company's profits rose" has "rose"; "police arrested" has "arrested". It
// errs on the side of finding a verb ("the new rules" counts "rules"), so
// cuts without a verb are under-counted rather than invented. The cut
// check looks at the main clause only (mainClause), so "the actor, who
// stars in the show" has no verb.
func hasFiniteVerb(s string) bool {
	words := wordsOf(s)
	for i, w := range words {
		lw := strings.ToLower(w)
		if finiteVerbs[lw] || contraction(lw) {
			return true
		}
		if i == 0 || len(lw) < 3 {
			continue
		}
		prev := strings.ToLower(words[i-1])
		if nonNouns[prev] {
			continue
		}
		plural := strings.HasSuffix(lw, "s") && !strings.HasSuffix(lw, "ss") && !strings.HasSuffix(lw, "us") && !strings.HasSuffix(lw, "is")
		if baseVerbs[lw] ||
			strings.HasSuffix(lw, "ed") && !strings.Contains(lw, "-") ||
			plural && !isNumber(prev) && !strings.Contains(lw, "'") {
			if unicode.IsUpper([]rune(w)[0]) {
				continue // a name, not a verb
			}
			return true
		}
	}
	return false
}

// relativeClause matches a relative clause set off by a comma: ", who
// stars in the show," (up to the next comma or the end).
var relativeClause = regexp.MustCompile(`, (?:who|whom|whose|which|where|when)\b[^,]*(?:,|$)`)

// mainClause drops the relative clauses of s, so that the verb test looks
// for the main verb: "the actor, who stars in the show" has none.
func mainClause(s string) string {
	return relativeClause.ReplaceAllString(strings.TrimRight(s, "."), " ")
}

// contraction reports whether w holds a verb after an apostrophe:
// "they're", "we've", "she'll", "don't", and "'s" after a pronoun ("it's",
// not "Trump's").
func contraction(w string) bool {
	for _, suf := range []string{"'re", "'ve", "'ll", "'m", "n't"} {
		if strings.HasSuffix(w, suf) && len(w) > len(suf) {
			return true
		}
	}
	if base, ok := strings.CutSuffix(w, "'s"); ok {
		return sPronouns[base]
	}
	return false
}

var sPronouns = setOf(`he she it that there what who where here`)

// hasPlainVerb is the stricter verb test for short labels and headings,
// where Title Case hides names and plurals read as verbs: a word (in any
// case) is a listed verb form or contraction, or ends in -ed after a
// noun-ish word ("The Mayor Opened The Bridge"; not "Putin's words").
func hasPlainVerb(s string) bool {
	words := wordsOf(strings.ToLower(s))
	for i, w := range words {
		if finiteVerbs[w] || contraction(w) {
			return true
		}
		if i > 0 && len(w) > 4 && strings.HasSuffix(w, "ed") && !nonNouns[words[i-1]] {
			return true
		}
	}
	return false
}

var finiteVerbs = setOf(`is are was were am be been has have had do does did will would shall should
can could may might must 's 're 've 'll 'd isn't aren't wasn't weren't hasn't haven't hadn't
doesn't don't didn't won't wouldn't can't couldn't shouldn't mustn't
said says say told tells tell asked asks added adds went goes came comes took takes made makes
found finds gave gives got gets saw sees knew knows thought thinks became becomes began begins
left leaves won wins lost loses held holds led leads met meets paid pays sent sends spent spends
built builds fell falls rose rises hit hits put puts set sets cut cuts ran runs chose wrote writes
spoke broke drove flew grew threw wore sold sells bought buys brought brings caught fought kept keeps
felt feels stood stands sat shot struck hung fled heard hears meant means lay laid hid ate drank
sank sang swam rang bore sought seeks needs drew threw grew knew blew flew swore tore shook woke rode
bit dealt dug fed forgot froze lent lit quit sped spun spread sprang stole swept swung wept wound
withdrew overtook undertook arose beat bent bound clung crept dreamt forbade foresaw leapt misled
mistook overcame oversaw shone shrank slid strode strove underwent upheld wants wanted believes believed claims claimed
warns warned faces faced remains remained seems seemed appears appeared shows showed includes
included says reported reports announced announces confirmed confirms denied denies let lets`)

// baseVerbs are common verbs in their base form, finite after a plural
// subject ("Germans think", "Real Madrid travel").
var baseVerbs = setOf(`cost travel live think see need want know get make take come go play face
tell give find call try ask work seem feel leave mean keep begin show hear run move believe hold
bring happen write provide sit stand lose pay meet include continue learn change lead understand
watch follow stop create speak read allow add spend grow open walk win offer remember love consider
appear buy wait serve die send expect build stay fall reach kill remain suggest raise pass sell
require report decide pull claim warn plan hope fear agree vote fight help use`)

var nonNouns = setOf(`the a an of in on at for to from with by about into onto over under after before
between through during without within against among and or but nor so yet as than that which who whom
whose this these those its his her their our my your some any many much several all both each every
no more most less least few other another such own new old first last next same former late early if
when while where because although though since until unless whether than there here how what why him
them us me one two three four five six seven eight nine ten per via up down out off`)

func setOf(words string) map[string]bool {
	m := map[string]bool{}
	for _, w := range strings.Fields(words) {
		m[w] = true
	}
	return m
}

func isNumber(w string) bool {
	return w != "" && strings.Trim(w, "0123456789.,%$£€") == ""
}

// wordsOf splits s into words: runs of letters, digits and inner
// apostrophes or hyphens.
func wordsOf(s string) []string {
	return strings.FieldsFunc(normalize(s, false), func(r rune) bool {
		return !unicode.IsLetter(r) && !unicode.IsDigit(r) && r != '\'' && r != '-'
	})
}

// stopwords are English function words, left out of content-word overlaps.
var stopwords = setOf(`a an the and or but nor so yet of in on at for to from with by about into onto
over under after before between through during without within against among as than that which who
whom whose this these those it its he him his she her hers they them their theirs we us our you your
i me my is are was were be been being am has have had do does did will would shall should can could
may might must not no said says say also just very more most there here then when where while what
why how all any both each other some such only own same too s t mr mrs ms one`)

// contentWords returns the stemmed content words of s, each once, in
// order. Words of scripts written without spaces (Chinese, Japanese) count
// character by character.
func contentWords(s string) []string {
	var out []string
	seen := map[string]bool{}
	addWord := func(w string) {
		if !seen[w] {
			seen[w] = true
			out = append(out, w)
		}
	}
	for _, w := range wordsOf(strings.ToLower(s)) {
		w = strings.Trim(w, "'-")
		if w == "" || stopwords[w] {
			continue
		}
		if r, _ := utf8.DecodeRuneInString(w); unicode.In(r, unicode.Han, unicode.Hiragana, unicode.Katakana) {
			for _, c := range w {
				addWord(string(c))
			}
			continue
		}
		if utf8.RuneCountInString(w) < 2 && !isNumber(w) {
			continue
		}
		if isASCII(w) {
			w = porterstemmer.StemString(w)
		}
		addWord(w)
	}
	return out
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}

// containment is the share of a's words that are in b (0 when a is empty).
func containment(a, b []string) float64 {
	if len(a) == 0 {
		return 0
	}
	n := 0
	for _, w := range a {
		if slices.Contains(b, w) {
			n++
		}
	}
	return float64(n) / float64(len(a))
}

// nearDuplicate applies RuleNearDuplicate to the content words of two
// bullets.
func nearDuplicate(a, b []string) (bool, string) {
	if len(a) == 0 || len(b) == 0 {
		return false, ""
	}
	common := 0
	for _, w := range a {
		if slices.Contains(b, w) {
			common++
		}
	}
	jac := float64(common) / float64(len(a)+len(b)-common)
	small := min(len(a), len(b))
	cont := float64(common) / float64(small)
	if common >= 3 && (jac >= 0.5 || cont >= 0.8) {
		return true, fmtf("Jaccard %.2f, containment %.2f", jac, cont)
	}
	return false, ""
}

// normCompare is the form in which two texts are compared for equality.
func normCompare(s string) string {
	return strings.TrimRight(strings.ToLower(normalize(s, false)), ".!? ")
}
