package grounding

// Names.
//
// Without a model, capitalisation is what marks a name in edited copy: a run
// of capitalised words inside a sentence ("Borussia Dortmund"), or an
// acronym ("NHS"). The first word of a sentence is capitalised anyway, so it
// is part of a name only when a capitalised word follows it and it is not a
// word the texts also write in lower case ("Police Scotland" is the name
// "Scotland" after the word "police"); alone, it is a name only when the
// summary capitalises it elsewhere too. A line in title case ("Klopp To Leave
// Dortmund") says nothing about names, so its capitalised words count as
// sentence openers. German capitalises every noun: there, a capitalised word
// after an article or a lower-case adjective is a noun, not a name.

// name is a run of tokens of a summary text read as one name.
type name struct {
	words  []string // folded, possessive stripped
	text   string
	tok    int // index of its first token
	end    int
	opener bool // its first word opens a sentence and is not known as a name: it may be a plain word ("Midfielder Sebastian Rode", "Appalling")
}

// nameConnectors may join the capitalised words of one name.
var nameConnectors = map[string]bool{
	"of": true, "de": true, "van": true, "von": true, "der": true, "den": true, "del": true, "della": true,
	"da": true, "di": true, "du": true, "le": true, "la": true, "bin": true, "al": true, "y": true, "dos": true, "das": true,
}

// honorifics are left off a name: "Mr Smith" is "Smith" in the article.
var honorifics = map[string]bool{
	"mr": true, "mrs": true, "ms": true, "miss": true, "dr": true, "sir": true, "dame": true, "prof": true,
	"herr": true, "frau": true, "m": true, "mme": true, "sr": true, "sra": true, "sig": true, "dhr": true, "mevr": true,
}

// germanDeterminers make the capitalised word after them a noun.
var germanDeterminers = map[string]bool{
	"der": true, "die": true, "das": true, "den": true, "dem": true, "des": true, "ein": true, "eine": true,
	"einen": true, "einem": true, "einer": true, "eines": true, "kein": true, "keine": true, "keinen": true,
	"keinem": true, "keiner": true, "dieser": true, "diese": true, "dieses": true, "diesem": true, "diesen": true,
	"jeder": true, "jede": true, "jedes": true, "jedem": true, "jeden": true, "sein": true, "seine": true,
	"seinen": true, "seinem": true, "seiner": true, "ihr": true, "ihre": true, "ihren": true, "ihrem": true,
	"ihrer": true, "im": true, "am": true, "zum": true, "zur": true, "vom": true, "beim": true, "ins": true,
}

// capsContext says what the whole summary tells about capitalised words:
// the words it capitalises inside a sentence, and those it or the article
// writes in lower case.
type capsContext struct {
	lang      string
	midCap    map[string]bool // capitalised not at the start of a sentence, in the summary
	lowerSeen func(w string) bool
}

// namesIn returns the names of one summary text. The words of its numbers
// ("Mio." of "4,5 Mio. Euro") are not names.
func namesIn(toks []token, nums []number, cc *capsContext) []name {
	inNum := map[int]bool{}
	for _, n := range nums {
		for k := n.tok; k < n.end; k++ {
			inNum[k] = true
		}
	}
	// In a headline in title case or a line in capitals, every word is
	// capitalised: each is read as if it opened a sentence, and capitals do
	// not make an acronym.
	shout := shouting(toks)
	plain := shout || isTitleCase(toks, cc.lang)
	var out []name
	for i := 0; i < len(toks); {
		if !nameWord(toks[i], cc) || inNum[i] {
			i++
			continue
		}
		j := i + 1
		for j < len(toks) && toks[j].joined && !toks[j].first && !inNum[j] {
			if nameWord(toks[j], cc) {
				j++
				continue
			}
			if nameConnectors[toks[j].word] && !toks[j].cap && j+1 < len(toks) && toks[j+1].joined && nameWord(toks[j+1], cc) {
				j += 2
				continue
			}
			break
		}
		if plain {
			// Each word on its own: those the texts write in lower case
			// are plain words, the others may be names.
			for k := i; k < j; {
				e := k
				for e < j && !stopword(cc.lang, toks[e].low) && !cc.lowerSeen(toks[e].word) {
					e++
				}
				if e > k {
					out = appendName(out, toks, k, e, cc, plain, shout)
				}
				k = e + 1
			}
		} else {
			out = appendName(out, toks, i, j, cc, plain, shout)
		}
		i = j
	}
	return out
}

// nameWord reports whether t may be part of a name by its shape.
func nameWord(t token, cc *capsContext) bool {
	if t.wide || t.digit || !t.cap && !t.upper {
		return false
	}
	if _, ok := months[cc.lang][t.word]; ok {
		return false
	}
	if _, ok := months["en"][t.word]; ok && cc.lang != "de" {
		return false
	}
	if t.word == "i" && cc.lang == "en" {
		return false
	}
	return len([]rune(t.word)) >= 2 || t.upper // an initial ("J.") goes with the name only as written
}

// appendName appends the name toks[i:j] after taking off what is not part of
// it: stopwords and honorifics at its start, and a sentence opener that the
// texts also write in lower case.
func appendName(out []name, toks []token, i, j int, cc *capsContext, plain, shout bool) []name {
	acronym := func(t token) bool { return t.upper && !shout }
	for i < j {
		t := toks[i]
		opener := t.first || plain
		if stopword(cc.lang, t.low) && (opener || !acronym(t)) || honorifics[t.word] || nameConnectors[t.word] && !t.cap {
			i++
			continue
		}
		if opener && !acronym(t) && cc.lowerSeen(t.word) {
			i++
			continue
		}
		break
	}
	if i >= j {
		return out
	}
	if cc.lang == "de" && j-i == 1 && !acronym(toks[i]) && i > 0 {
		// "die Regierung", "neue Regeln": nouns.
		prev := toks[i-1]
		if germanDeterminers[prev.low] || !prev.cap && adjectiveEnding(prev.low) {
			return out
		}
	}
	n := name{tok: i, end: j, text: spanText(toks, i, j)}
	n.opener = (toks[i].first || plain) && !acronym(toks[i]) && !cc.midCap[toks[i].word]
	for k := i; k < j; k++ {
		n.words = append(n.words, toks[k].word)
	}
	return append(out, n)
}

// adjectiveEnding reports whether a German word ends like an inflected
// adjective ("neue", "neuen", "großer").
func adjectiveEnding(w string) bool {
	for _, e := range []string{"e", "en", "er", "es", "em"} {
		if len(w) > len(e)+2 && w[len(w)-len(e):] == e {
			return true
		}
	}
	return false
}

// isTitleCase reports whether most words of the text are capitalised, as
// in an English headline: then capitals do not mark names. German text,
// which capitalises its nouns, is not read so.
func isTitleCase(toks []token, lang string) bool {
	if lang == "de" {
		return false
	}
	caps, n := 0, 0
	for _, t := range toks {
		if t.wide || t.digit || stopword(lang, t.low) {
			continue
		}
		n++
		if t.cap {
			caps++
		}
	}
	return n >= 3 && caps*10 >= n*8
}

// shouting reports whether the text is written in capitals.
func shouting(toks []token) bool {
	up, n := 0, 0
	for _, t := range toks {
		if t.wide || t.digit {
			continue
		}
		n++
		if t.upper {
			up++
		}
	}
	return n >= 4 && up*10 >= n*8
}

// hasName reports whether the article has name n, and has it where the
// point comes from. A name is in the article when its words are found in
// runs of the article's words ("Jurgen Klopp", or "Klopp" alone, or
// "Premier League" of "Barclays Premier League" when "Barclays" is there
// too), or when it is an acronym of one of the article's names. It is where
// the point comes from when its last word (a surname, the head of "Borussia
// Dortmund") is in a sentence that holds much of the rest of the point, or
// among the first words of the sentence before the one the point comes
// from when that one opens with a pronoun ("James Creag suffers from" for
// "He suffers from", as the extractive summarizer writes it too).
func (a *article) hasName(u unit, n name, al alignment, p *params) bool {
	if len(n.words) == 1 && a.inits[n.words[0]] && len(a.words[n.words[0]]) == 0 {
		return true
	}
	if n.opener && len(n.words) == 1 && len(a.words[n.words[0]]) == 0 {
		// A capitalised word that opens a sentence and that the article
		// does not have: a name or a plain word. It is taken for a name
		// when it stands where the sentence the point comes from has one
		// ("Greece will be confirmed as manager" for "Gary Locke will be
		// confirmed as manager"); otherwise the content check counts it.
		return !a.nameSlot(u, n, al)
	}
	if !a.covers(n.words) {
		if !n.opener || len(n.words) == 1 || !a.covers(n.words[1:]) {
			return false
		}
		n.words = n.words[1:]
	}
	for _, at := range a.words[n.words[len(n.words)-1]] {
		if al.near(at.sent, p.nameRatio) {
			return true
		}
		// "He suffers from ..." after a sentence that names him first.
		if b := al.first(); b > 0 && at.sent == b-1 && a.sents[b].leans && at.tok < p.corefWords {
			return true
		}
	}
	return false
}

// nameSlot reports whether, in the sentence the point comes from, a name
// stands just before the point's first content word after name n: the
// point put n where the article has someone else.
func (a *article) nameSlot(u unit, n name, al alignment) bool {
	b := al.first()
	if b < 0 || a.lang == "de" { // German capitalises every noun
		return false
	}
	next := ""
	for _, k := range u.keys {
		if k.tok >= n.end {
			next = k.k
			break
		}
	}
	s := a.sents[b]
	for _, k := range s.keys {
		if k.k != next {
			continue
		}
		for i := max(0, k.tok-3); i < k.tok; i++ {
			if t := s.toks[i]; a.midCap[t.word] && !a.lower[t.word] && !stopword(a.lang, t.low) {
				return true
			}
		}
	}
	return false
}

// covers reports whether the article has the words of a name, in runs of
// its own words.
func (a *article) covers(words []string) bool {
	for i := 0; i < len(words); {
		j := a.longestRun(words, i)
		if j == i {
			return false
		}
		i = j
	}
	return true
}

// longestRun returns the end of the longest run words[i:j] that the article
// has as consecutive words, i when it does not have words[i].
func (a *article) longestRun(words []string, i int) int {
	best := i
	for _, at := range a.words[words[i]] {
		toks := a.sents[at.sent].toks
		j, k := i, at.tok
		for j < len(words) && k < len(toks) && toks[k].word == words[j] {
			j, k = j+1, k+1
		}
		best = max(best, j)
	}
	return best
}
