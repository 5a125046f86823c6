package extractive

import (
	"bytes"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Page furniture is text that sits among the story's sentences without
// being one: captions and credits, gallery and section labels, editor's
// notes, bylines, and the dateline that opens a wire story. Clean removes
// the furniture it can see on a line of its own; these rules catch what
// survives inside sentences, where a reader would notice it in a brief.

// furnitureRule names the rule that marks s as furniture, or "" when s
// reads as a sentence of the story. The names appear in tests and in the
// evaluation's fault lists.
func furnitureRule(s string) string {
	var buf [320]byte
	low := lowerASCII(buf[:0], s) // the substring tests of promo and bylineSentence read it
	switch {
	case photoCaption(s):
		return "caption"
	case creditLine(s):
		return "credit"
	case galleryLabel(s):
		return "gallery label"
	case notePrefix(s):
		return "editor's note"
	case bylineSentence(s, low):
		return "byline"
	case promo(s, low):
		return "promotion"
	case linkText(s):
		return "link"
	case dataLabel(s):
		return "data label"
	}
	return ""
}

// photoCaption matches a caption that points into a photo: "Abase Hussen,
// left, took his daughter Amira, right, to a rally", "Kim, pictured, ...".
// A brief has no photo to point into.
func photoCaption(s string) bool {
	if strings.IndexByte(s, ',') < 0 {
		return false
	}
	for _, m := range captionPointers {
		if strings.Contains(s, m) {
			return true
		}
	}
	return false
}

var captionPointers = []string{", left,", ", right,", ", center,", ", centre,", ", circled,", ", pictured,",
	", pictured above", ", pictured left", ", pictured right", ", above,", ", below,", ", inset,",
	", second left,", ", second right,", ", far left,", ", far right,", ", top,", ", bottom,"}

// promo matches the site talking about itself: newsletter and subscription
// prompts, "Related post: ...", "See ... coverage at ...", disclosures and
// hashtag sign-offs ("#ad").
func promo(s string, low []byte) bool {
	if promoPrefix(s) {
		return true
	}
	words := countWords(s)
	if words <= 25 && containsAny(low, promoWords) {
		return true
	}
	if words <= 30 && containsAny(low, commentWords) && containsAny(low, moderationWords) && containsAny(low, readerWords) {
		return true // the site's rules for readers' comments
	}
	return words <= 10 && hasPrefixFold(s, "see ") && strings.Contains(s, " at ")
}

// promoPrefix matches the openings of the site's prompts: "Related post:",
// "Read more", "Lesen Sie auch", "Sign up".
func promoPrefix(s string) bool {
	return hasPrefixFold(s, "related", "see also", "read more", "read also", "more:", "sign up", "subscribe",
		"click ", "clique ", "cliquez ", "klicken sie", "haga clic", "follow us", "follow @", "don't miss",
		"leia também", "lesen sie auch", "lire aussi", "lee también", "leggi anche",
		"lea también", "lees ook", "čtěte také", "čtěte též", "延伸阅读", "相关阅读", "【関連記事】", "関連記事", "get the ", "download the ",
		"this post may contain", "all opinions are", "disclosure", "tags ", "tags:", "schlagwörter")
}

// linkText matches text that is mostly a link or markup: a bare URL, a
// "pic.twitter.com" embed, a WordPress shortcode ("[button link=...]").
func linkText(s string) bool {
	// Each test looks for a rare byte of its pattern first: "://" before
	// "http://", the full stops of "www." and "pic.twitter.com".
	if strings.Contains(s, "://") && (strings.Contains(s, "http://") || strings.Contains(s, "https://")) {
		return true
	}
	for off := 0; ; {
		k := strings.IndexByte(s[off:], '.')
		if k < 0 {
			break
		}
		k += off
		if k >= 3 && (strings.HasPrefix(s[k-3:], "www.") || strings.HasPrefix(s[k-3:], "pic.twitter.com")) {
			return true
		}
		off = k + 1
	}
	return strings.Contains(s, "[/") || strings.Contains(s, "=\"")
}

// dataLabel matches a line of data rather than prose: a scoreboard or
// results line ("Palm Bay (1-0): Tolivert 25 points.", "5-1A: ..."), a
// list of quantities ("1 sack, 1 TFL, 2 QH.").
func dataLabel(s string) bool {
	if i := strings.Index(s, ": "); i > 0 && i <= 40 && countWords(s[:i]) <= 4 && strings.ContainsAny(s[:i], "0123456789") {
		return true
	}
	if countWords(s) > 12 {
		return false
	}
	digits, words := 0, 0
	for f := range strings.FieldsSeq(s) {
		words++
		if unicode.IsDigit(firstRune(f)) {
			digits++
		}
	}
	return words <= 12 && digits >= 2 && digits*3 >= words && !hasVerb(s)
}

// lowerASCII appends s to dst with ASCII letters in lower case, up to dst's
// capacity: the start of a sentence, for substring tests without
// allocating.
func lowerASCII(dst []byte, s string) []byte {
	for i := 0; i < len(s) && len(dst) < cap(dst); i++ {
		c := s[i]
		if c >= 'A' && c <= 'Z' {
			c += 'a' - 'A'
		}
		dst = append(dst, c)
	}
	return dst
}

// containsAny reports whether s contains one of subs.
func containsAny(s []byte, subs []anchored) bool {
	for _, sub := range subs {
		if sub.in(s) {
			return true
		}
	}
	return false
}

// anchored is a substring to look for from its rarest byte (by English
// letter frequency; punctuation and other scripts are rarer still): the
// byte search stops less often than at a common first letter.
type anchored struct {
	p   []byte
	off int // offset of the anchor byte in p
}

// in reports whether s contains a.p.
func (a anchored) in(s []byte) bool {
	c := a.p[a.off]
	for from := a.off; from < len(s); {
		k := bytes.IndexByte(s[from:], c)
		if k < 0 {
			return false
		}
		start := from + k - a.off
		if bytes.HasPrefix(s[start:], a.p) {
			return true
		}
		from += k + 1
	}
	return false
}

// byteWords are the words of a substring test, as lowerASCII writes them.
func byteWords(words ...string) []anchored {
	const common = " etaoinsrhldcumfpgwybvkxjqz" // most frequent first
	out := make([]anchored, len(words))
	for i, w := range words {
		best, rank := 0, -1
		for k := 0; k < len(w); k++ {
			r := strings.IndexByte(common, w[k])
			if r < 0 {
				r = len(common) // punctuation, digits, other scripts
			}
			if r > rank {
				best, rank = k, r
			}
		}
		out[i] = anchored{[]byte(w), best}
	}
	return out
}

// promoWords mark a short sentence as the site selling itself.
var promoWords = byteWords("newsletter", "subscri", "sign up", "#ad", "#sponsored", "delivered to your",
	"through your letterbox", "email us", "e-mail us", "contact us", "write to us")

// commentWords, moderationWords and readerWords together mark the site's
// rules for readers' comments ("Comentários ... que faltem com respeito ao
// usuário não serão aprovados pelo moderador", "Your comment is awaiting
// moderation"); news about content moderation seldom has all three.
var commentWords = byteWords("comment", "comentári", "comentari", "kommentar", "commento", "commenti", "reactie")

var moderationWords = byteWords("moderat", "moderad", "modérat", "modéré")

var readerWords = byteWords("usuário", "usuario", "leitor", "lector", "reader", "user", "utente", "lettore",
	"nutzer", "leser", "utilisateur", "lecteur", "your ", "you ", "você", "ihr ", "votre", "tu ")

// metaWords mark a line of article metadata.
var metaWords = byteWords("posted by", "publicado por", "publié par", "veröffentlicht von", "tags:",
	"category:", "categoria:")

// galleryLabel matches a gallery or media label: "Xbox One X | 14 Photos.",
// "In pictures | The week in photos", "Video: ...", "Gallery: ...".
func galleryLabel(s string) bool {
	if hasPipeSep(s) && utf8.RuneCountInString(s) < 120 {
		return true // section | title: navigation, not prose
	}
	if (strings.IndexByte(s, '>') >= 0 || strings.IndexByte(s, '/') >= 0 || strings.Contains(s, "\u00bb")) && strings.Count(s, " \u00bb ")+strings.Count(s, " > ")+strings.Count(s, " / ") >= 2 {
		return true // a breadcrumb trail: "Home » News » World"
	}
	t := strings.TrimRight(s, ". ")
	if countWords(s) <= 8 && hasSuffixFold(t, " photos", " pictures", " images", " slides", " videos") {
		return true
	}
	return hasPrefixFold(s, "video:", "gallery:", "watch:", "photos:", "in pictures:", "listen:", "graphic:")
}

// hasPipeSep reports whether s holds " | ", looking for the rare "|".
func hasPipeSep(s string) bool {
	for off := 0; ; {
		k := strings.IndexByte(s[off:], '|')
		if k < 0 {
			return false
		}
		k += off
		if k > 0 && k+1 < len(s) && s[k-1] == ' ' && s[k+1] == ' ' {
			return true
		}
		off = k + 1
	}
}

// notePrefix matches the notes editors and translators put around a story:
// "Editor's note: ...", "Translator's note", "Correction: ...", "Update: ...".
func notePrefix(s string) bool {
	s = strings.ReplaceAll(trimLeftBytes(s, &noteLead), "\u2019", "'")
	return hasPrefixFold(s, "editor's note", "editors' note", "editor note", "translator's note",
		"note:", "correction:", "clarification:", "update:", "updated:", "disclaimer:", "disclosure:",
		"this story has been updated", "this article has been updated", "this article was",
		"this story was", "an earlier version of this", "a version of this")
}

// creditLine matches a photo or source credit: "Photo by Jane Doe/AFP.",
// "Credit: Reuters", "Provided by XYZ.", "(Image: Getty)".
func creditLine(s string) bool {
	s = trimLeftBytes(s, &openQuotesSp)
	return countWords(s) <= 20 && hasPrefixFold(s, "photo by ", "photos by ", "photograph by ", "image by ",
		"images by ", "picture by ", "pictures by ", "video by ", "credit:", "credits:", "image:", "photo:",
		"picture:", "source:", "provided by ", "courtesy of ", "illustration by ", "graphic by ")
}

// hasPrefixFold reports whether s starts with one of the lower-case
// prefixes, ignoring case, without allocating.
func hasPrefixFold(s string, prefixes ...string) bool {
	for _, p := range prefixes {
		if len(s) >= len(p) && (p == "" || foldByteMay(s[0], p[0])) && strings.EqualFold(s[:len(p)], p) {
			return true
		}
	}
	return false
}

// foldByteMay is a quick test before strings.EqualFold: false when the
// strings start with ASCII bytes that differ in more than case. Non-ASCII
// bytes can fold to ASCII letters (the Kelvin sign to "k"), so they leave
// the answer to EqualFold.
func foldByteMay(a, b byte) bool {
	if a >= utf8.RuneSelf || b >= utf8.RuneSelf {
		return true
	}
	if a >= 'A' && a <= 'Z' {
		a += 'a' - 'A'
	}
	if b >= 'A' && b <= 'Z' {
		b += 'a' - 'A'
	}
	return a == b
}

// hasSuffixFold is hasPrefixFold for the end of s.
func hasSuffixFold(s string, suffixes ...string) bool {
	for _, p := range suffixes {
		if len(s) >= len(p) && (p == "" || foldByteMay(s[len(s)-len(p)], p[0])) && strings.EqualFold(s[len(s)-len(p):], p) {
			return true
		}
	}
	return false
}

// bylineSentence matches a byline that reached the body: "By Jane Doe and
// John Roe, Reuters." A short "By ..." line of names, no verb.
func bylineSentence(s string, low []byte) bool {
	if len(s) <= 300 && containsAny(low, metaWords) {
		return true
	}
	if !strings.HasPrefix(s, "By ") || countWords(s) > 16 {
		return false
	}
	for f := range strings.FieldsSeq(s[3:]) {
		f = strings.Trim(f, ",.;:()")
		switch f {
		case "", "and", "&", "in", "for", "of", "on", "at", "|", "a.m", "p.m", "am", "pm":
			continue
		}
		if r := firstRune(f); !unicode.IsUpper(r) && !unicode.IsDigit(r) {
			return false
		}
	}
	return true
}

// countWords counts the words of s, whose white space the cleaning has
// already collapsed to single spaces.
func countWords(s string) int {
	s = strings.TrimSpace(s)
	if s == "" {
		return 0
	}
	return strings.Count(s, " ") + 1
}
