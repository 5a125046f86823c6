package evaluate

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"

	"briefbot/briefs"
)

// Reader checks look at a brief the way a reader would, next to the article
// it was made from, without knowing how the summarizer works: is the gist
// repeated as a point, do two points say the same thing, is a point a whole
// sentence of the article or a cut of one (and if a cut, does it still read
// as a statement), does a point lean on a sentence the reader has not seen,
// and is it page furniture rather than story text.
//
// Every check is a named rule; a brief can trip several rules, and a rule
// several times. The rules, in report order:
const (
	// RuleGistRepeated: a bullet equal to the gist, or most of whose content
	// words are the gist's (at least 60% of the bullet's stemmed content
	// words are in the gist, or at least 80% of the gist's are in the
	// bullet).
	RuleGistRepeated = "gist-repeated"
	// RuleNearDuplicate: two bullets that say nearly the same thing: they
	// share at least 3 stemmed content words, and the Jaccard similarity of
	// their content words is at least 0.5 or at least 80% of the shorter
	// one's are in the longer one. Counted per pair.
	RuleNearDuplicate = "near-duplicate"
	// RuleCut: a bullet or gist that is not a whole sentence of the article
	// (see wholeSentence for what counts as whole).
	RuleCut = "cut"
	// RuleCutNoVerb: a cut without a finite verb (English only, see
	// hasFiniteVerb): a fragment rather than a statement.
	RuleCutNoVerb = "cut-no-verb"
	// RuleCutListTail: a cut that ends inside a list: the article goes on
	// with ", and Z", " or Z", or ", Z and W".
	RuleCutListTail = "cut-list-tail"
	// RuleCutOpenQuote: a cut that ends inside a quotation of the article.
	RuleCutOpenQuote = "cut-open-quote"
	// RuleCutBeforeNumber: a cut that ends right before a number or unit
	// phrase ("John Smith" of "John Smith, 25, said"; "rose by" of "rose by
	// 5 percent").
	RuleCutBeforeNumber = "cut-before-number"
	// RuleDangling: a bullet or gist whose first word leans on a sentence
	// before it, in the article's language (Config.Dangles).
	RuleDangling = "dangling-opener"

	// Page furniture: text of the page that is not a sentence of the story.

	// RulePhotoCredit: photo captions and credits: "(Photo: ...)", "Getty
	// Images", "AP Photo", "Photograph:", "Credit:".
	RulePhotoCredit = "photo-credit"
	// RuleGalleryLabel: gallery and slideshow labels: "Xbox One X | 14
	// Photos.", "View gallery".
	RuleGalleryLabel = "gallery-label"
	// RuleHeading: a section heading (2 to 8 words, no verb as hasPlainVerb
	// sees it, Title Case) or a breadcrumb trail ("News » Science").
	RuleHeading = "section-heading"
	// RuleLabel: a label before a colon at the start: "Putin's words: ...",
	// "WATCH: ...", "Pictured: ..." (at most 4 words, no verb).
	RuleLabel = "label"
	// RuleDateline: a dateline at the start: "LONDON —", "ZÜRICH —", "Feb.
	// 23, 2015 --", "WASHINGTON (Reuters) -", "(CNN)".
	RuleDateline = "dateline"
	// RuleByline: "By John Smith" (a name, not "By Tuesday, ...").
	RuleByline = "byline"
	// RuleSharePrompt: share, app and newsletter prompts and other page
	// calls to action: "Share this", "Tap to install", "Click here", "Sign
	// up", "delivered to your inbox", "Advertisement".
	RuleSharePrompt = "share-prompt"
	// RuleEditorNote: "Editor's note:", "Translator's note", corrections,
	// sponsorship and affiliate disclosures ("All opinions are mine", "#ad").
	RuleEditorNote = "editor-note"
	// RuleGluedLines: two lines of the article (list items, a heading and a
	// paragraph) glued into one point: the text runs over a line break of
	// the article, or holds a list glyph.
	RuleGluedLines = "glued-lines"
)

// ReaderRules are the rule names in report order.
var ReaderRules = []string{
	RuleGistRepeated, RuleNearDuplicate,
	RuleCut, RuleCutNoVerb, RuleCutListTail, RuleCutOpenQuote, RuleCutBeforeNumber,
	RuleDangling,
	RulePhotoCredit, RuleGalleryLabel, RuleHeading, RuleLabel, RuleDateline, RuleByline,
	RuleSharePrompt, RuleEditorNote, RuleGluedLines,
}

// Hit is one reader-check finding.
type Hit struct {
	Rule  string `json:"rule"`
	Where string `json:"where"` // "gist", "bullet 2", "bullets 1+3"
	Text  string `json:"text"`  // the offending text
	Note  string `json:"note,omitempty"`
}

// CheckBrief runs the reader checks on brief b of the article source written
// in language lang (ISO 639-1, "" when unknown). dangles reports whether a
// sentence opens with a word that leans on the sentence before it; nil skips
// that rule.
func CheckBrief(source string, b briefs.Brief, lang string, dangles func(lang, s string) bool) []Hit {
	c := &briefCheck{
		src:     newSourceText(source),
		lang:    lang,
		english: (lang == "" || lang == "en") && latinScript(source),
		dangles: dangles,
	}
	c.checkRepeats(b)
	c.checkText("gist", b.Gist)
	for i, bl := range b.Bullets {
		c.checkText(bulletName(i), bl)
	}
	return c.hits
}

// briefCheck collects the hits of one brief against its article.
type briefCheck struct {
	src     *sourceText
	lang    string
	english bool // the English heuristics apply
	dangles func(lang, s string) bool
	hits    []Hit
}

func (c *briefCheck) add(rule, where, text, note string) {
	c.hits = append(c.hits, Hit{Rule: rule, Where: where, Text: text, Note: note})
}

// checkRepeats applies RuleGistRepeated to every bullet and
// RuleNearDuplicate to every pair of bullets.
func (c *briefCheck) checkRepeats(b briefs.Brief) {
	gistWords, gistNorm := contentWords(b.Gist), normCompare(b.Gist)
	bulletWords := make([][]string, len(b.Bullets))
	for i, bl := range b.Bullets {
		bulletWords[i] = contentWords(bl)
		where := bulletName(i)
		if strings.TrimSpace(b.Gist) == "" {
			continue
		}
		if normCompare(bl) == gistNorm {
			c.add(RuleGistRepeated, where, bl, "same as the gist")
			continue
		}
		inGist, gistIn := containment(bulletWords[i], gistWords), containment(gistWords, bulletWords[i])
		if len(bulletWords[i]) > 0 && inGist >= 0.6 || len(gistWords) > 0 && gistIn >= 0.8 {
			c.add(RuleGistRepeated, where, bl, fmtf("%.0f%% of its content words are the gist's; %.0f%% of the gist's are in it", 100*inGist, 100*gistIn))
		}
	}
	for i := range b.Bullets {
		for j := i + 1; j < len(b.Bullets); j++ {
			if dup, note := nearDuplicate(bulletWords[i], bulletWords[j]); dup {
				c.add(RuleNearDuplicate, fmtf("bullets %d+%d", i+1, j+1), b.Bullets[i]+" | "+b.Bullets[j], note)
			}
		}
	}
}

// checkText applies the rules of one text of the brief (the gist or a
// bullet): cuts, dangling openers, furniture and glued lines.
func (c *briefCheck) checkText(where, text string) {
	if strings.TrimSpace(text) == "" {
		return
	}
	m := c.src.locate(text)
	if !m.whole {
		c.checkCut(where, text, m)
	}
	if c.dangles != nil && c.dangles(c.lang, text) {
		c.add(RuleDangling, where, text, "")
	}
	for _, f := range furniture {
		if note, ok := f.match(text, c.english); ok {
			c.add(f.rule, where, text, note)
		}
	}
	if m.glued || strings.Contains(text, " • ") {
		c.add(RuleGluedLines, where, text, "runs over a line break of the article")
	}
}

// checkCut reports a text that is not a whole sentence of the article, and
// what makes the cut worse: no verb, a list, a quotation or a number going
// on after it.
func (c *briefCheck) checkCut(where, text string, m match) {
	c.add(RuleCut, where, text, m.note)
	if c.english && !hasFiniteVerb(mainClause(text)) {
		c.add(RuleCutNoVerb, where, text, "")
	}
	if m.end < 0 {
		return
	}
	rest := c.src.flat[m.end:]
	if listTail(rest) {
		c.add(RuleCutListTail, where, text, "article goes on: "+snippet(rest, 40))
	}
	if c.src.insideQuote(m.end) {
		c.add(RuleCutOpenQuote, where, text, "article goes on: "+snippet(rest, 40))
	}
	if numberNext.MatchString(rest) {
		c.add(RuleCutBeforeNumber, where, text, "article goes on: "+snippet(rest, 40))
	}
}

// latinScript reports whether most letters of s (at least 90% of the
// first 2,000) are ASCII, so that the English heuristics can apply even
// when the language is unknown.
func latinScript(s string) bool {
	letters, ascii := 0, 0
	for _, r := range s {
		if !unicode.IsLetter(r) {
			continue
		}
		letters++
		if r < utf8.RuneSelf {
			ascii++
		}
		if letters == 2000 {
			break
		}
	}
	return letters == 0 || 10*ascii >= 9*letters
}

func bulletName(i int) string { return fmtf("bullet %d", i+1) }

// snippet is the start of s, at most n runes, on one line.
func snippet(s string, n int) string {
	return briefs.Truncate(strings.Join(strings.Fields(s), " "), n)
}

func quoteShort(s string) string { return `"` + snippet(s, 40) + `"` }

var fmtf = fmt.Sprintf
