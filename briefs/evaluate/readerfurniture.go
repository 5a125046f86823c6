package evaluate

import (
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Page furniture: photo credits, gallery labels, headings, labels,
// datelines, bylines, share prompts and editor's notes.

type furnitureRule struct {
	rule  string
	match func(s string, english bool) (string, bool)
}

// re makes a rule of a regular expression: it fires when the expression
// matches, with the matched text as note.
func re(rule, expr string) furnitureRule {
	x := regexp.MustCompile(expr)
	return furnitureRule{rule, func(s string, _ bool) (string, bool) {
		m := x.FindString(normalize(s, false))
		return quoteShort(m), m != ""
	}}
}

var furniture = []furnitureRule{
	re(RulePhotoCredit, `\((?i:photos?|image|picture|credit)s?:|Getty Images|AP Photo|\b(?:Photograph|Photo|Image|Picture|Credit|Photo credit|Image credit):|\bPhotos? by \p{Lu}|\bvia Getty\b|/(?:AFP|Reuters|AP|EPA|Getty)\b`),
	re(RuleGalleryLabel, `\|\s*\d+\s+(?i:photos|pictures|images|slides)\b|^\d+\s+(?i:photos|pictures|images)\.?$|(?i)\bview (?:the )?(?:gallery|slideshow)\b|(?i)^(?:gallery|slideshow|in pictures)\b`),
	{RuleHeading, isHeading},
	{RuleLabel, isLabel},
	re(RuleDateline, `^\((?:CNN|AP|Reuters|AFP|UPI|EW\.com)[^()]{0,20}\)|^\p{Lu}[\p{Lu}\p{Lu}'.\- ]+(?:, [\p{Lu}][\p{L}.]+)*(?: \([^)]{1,30}\))?\s*(?:--|—|–|-)\s|^(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)[a-z]*\.? \d{1,2},? \d{4}\s*(?:--|—|–|-)|^\p{Lu}[\p{L}.' ]{1,30} \((?:AP|Reuters|AFP|CNN|UPI|dpa|Xinhua|Bloomberg)\)\s*(?:--|—|–|-|:)`),
	{RuleByline, isByline},
	re(RuleSharePrompt, `(?i)^(?:share this|share on|tap to|click here|sign up|subscribe|follow us|download (?:the|our)|get the app|read more|scroll down|watch the video|like us on)\b|(?i)\b(?:tap to install|click here to|share this with|sign up for our|subscribe to our|download our app|follow us on)\b|(?i)\bdelivered (?:to|through) your (?:inbox|letterbox|door)|(?i)^(?:advertisement|sponsored|related articles?|recommended(?: for you)?|most read)\.?$`),
	re(RuleEditorNote, `(?i)\b(?:editor'?s'? note|translator'?s'? note|this (?:article|story) (?:has been|was) (?:updated|amended|corrected)|^correction:|\ball opinions are (?:mine|my own)|\bthis (?:post|article) (?:is|was|contains) (?:sponsored|affiliate)|(?:^|\s)#ad\b|\baffiliate links?\b)`),
}

// isHeading: a breadcrumb trail ("News » Science"), or 2 to 8 words, no
// verb (hasPlainVerb), no closing "!" or "?", and Title Case (at least two
// thirds of the words that are not short function words start with a
// capital).
func isHeading(s string, english bool) (string, bool) {
	if breadcrumb.MatchString(s) { // before normalize makes "»" a quote
		return "breadcrumb", true
	}
	t := strings.TrimSpace(normalize(s, false))
	if !english || strings.HasSuffix(t, "?") || strings.HasSuffix(t, "!") || strings.HasSuffix(t, `"`) {
		return "", false
	}
	words := wordsOf(t)
	if len(words) < 2 || len(words) > 8 || hasPlainVerb(t) {
		return "", false
	}
	caps, n := 0, 0
	for _, w := range words {
		if titleSmall[strings.ToLower(w)] {
			continue
		}
		n++
		if r, _ := utf8.DecodeRuneInString(w); unicode.IsUpper(r) || unicode.IsDigit(r) {
			caps++
		}
	}
	return "", n >= 2 && 3*caps >= 2*n
}

// breadcrumb matches a navigation trail: "News » Science » Space".
var breadcrumb = regexp.MustCompile(`\S (?:»|›|>) \S`)

var titleSmall = setOf(`a an the and or but nor of in on at for to from with by as vs via per into over`)

// isLabel: a label of at most 4 words before a colon at the start, with no
// verb ("Putin's words: ...", "WATCH: ..."), not a time ("10:30").
func isLabel(s string, _ bool) (string, bool) {
	t := normalize(s, false)
	i := strings.Index(t, ": ")
	if i <= 0 || i > 40 {
		return "", false
	}
	head := t[:i]
	words := strings.Fields(head)
	if len(words) > 4 || strings.ContainsAny(head, `"`) || strings.Count(head, "(") != strings.Count(head, ")") || hasPlainVerb(head) || isNumber(words[len(words)-1]) || strings.HasPrefix(strings.ToLower(head), "according") {
		return "", false
	}
	return quoteShort(head + ":"), true
}

var bylineRe = regexp.MustCompile(`^(?:By|BY|Written by|Reporting by|Words by) ((?:\p{Lu}[\p{L}'.\-]*\.?\s?){1,4})(?:$|[,|•]| and | for | in | - | — |Updated|Published|Posted)`)

var notNames = setOf(`monday tuesday wednesday thursday friday saturday sunday january february march
april may june july august september october november december today tomorrow yesterday the this that
then now last next early late`)

// isByline: "By" and one to four capitalised words ending the text or
// followed by a comma, "and", "|" or a date label; not "By Tuesday, ...".
func isByline(s string, _ bool) (string, bool) {
	t := strings.TrimSpace(normalize(s, false))
	m := bylineRe.FindStringSubmatch(t)
	if m == nil {
		return "", false
	}
	first := strings.ToLower(strings.Fields(m[1])[0])
	if notNames[strings.Trim(first, ".,")] {
		return "", false
	}
	return quoteShort(strings.TrimSpace(m[0])), true
}
