package extractive

import (
	"briefbot/briefs"
	"regexp"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// CleanDoc is an article's text after cleaning: what a reader would call the
// article, with the page furniture around it taken apart. The summarizer
// scores only Body; the header lines and metadata are kept separately because
// they are valuable (the title, the byline, the date) but are not sentences
// of the story.
type CleanDoc struct {
	// Headlines are the title-like lines found above the body, in order: the
	// headline, a standfirst, a second headline. Empty for text that starts
	// straight with the story.
	Headlines []string
	// Byline is the author line without its "By " ("John Johnson, Newser
	// Staff").
	Byline string
	// PublishedAt is the date of a "Posted ..." or "PUBLISHED: ..." line, the
	// zero time when there was none or it could not be read.
	PublishedAt time.Time
	// Dateline is what was cut from the start of the body: "(CNN)",
	// "LONDON (Reuters)".
	Dateline string
	// Body is the story: one line per source line, paragraphs separated by a
	// blank line, white space collapsed, curly quotes made straight,
	// boilerplate lines removed.
	Body string
	// HTML is true when the text was HTML and its tags were stripped.
	HTML bool
	// Dropped counts the boilerplate lines removed.
	Dropped int
}

// Clean takes apart pasted or fetched article text: it strips HTML when the
// text is HTML, repairs common mojibake, normalises white space and quotes,
// drops invalid UTF-8 and control characters, removes boilerplate (app-install
// prompts, share widgets, photo credits, "Scroll down for video", "(More ...
// stories.)"), and separates the headline, byline, date and dateline from the
// body. Clean never fails: text with nothing left gives an empty Body, which
// the summarizer reports as briefs.EINVALID.
func Clean(text string) CleanDoc {
	var doc CleanDoc
	if looksHTML(text) {
		text = stripHTML(text)
		doc.HTML = true
	}
	text = briefs.RepairMojibake(text)
	text = normalizeText(text)
	text = removeInline(text)
	var buf [16]keptLine // most texts fit: no allocation for them
	kept := doc.keepStoryLines(buf[:0], text)
	h := headerLines(kept)
	for _, l := range kept[:h] {
		doc.Headlines = append(doc.Headlines, l.text)
	}
	doc.setBody(kept[h:])
	return doc
}

// keptLine is a line of the text that is not boilerplate: a substring of
// the text, and whether a blank line came before it.
type keptLine struct {
	text  string
	blank bool
}

// keepStoryLines goes through the lines of normalised text, takes the byline
// and the date into doc, counts the boilerplate lines it drops, and appends
// the rest to kept. Lines over 600 bytes are paragraphs of the story and are
// kept untested.
func (doc *CleanDoc) keepStoryLines(kept []keptLine, text string) []keptLine {
	var lf lineFilter
	blank := false
	for rest := text; len(rest) > 0; {
		var ln string
		if i := strings.IndexByte(rest, '\n'); i >= 0 {
			ln, rest = rest[:i], rest[i+1:]
		} else {
			ln, rest = rest, ""
		}
		if ln == "" {
			blank, lf.gap = true, true
			lf.promo = false
			continue
		}
		afterGap := lf.gap
		lf.gap = false
		if len(ln) <= 600 && lf.drop(doc, ln, rest, afterGap) {
			doc.Dropped++
			continue
		}
		kept = append(kept, keptLine{ln, blank && len(kept) > 0})
		blank = false
	}
	return kept
}

// lineFilter is what keepStoryLines remembers from one line to the next,
// because some boilerplate is known only by the line before it.
type lineFilter struct {
	promo     bool // inside an app-install block
	caption   bool // the line before was a photo credit label
	gap       bool // a blank line came right before this one
	dateTries int  // date parses attempted: bounded work on hostile input
}

// drop reports whether line ln is boilerplate or metadata (which it takes
// into doc); rest is the text after it.
func (lf *lineFilter) drop(doc *CleanDoc, ln, rest string, afterGap bool) bool {
	lower := strings.ToLower(ln)
	words := strings.Count(ln, " ") + 1
	if lf.promo && words <= 14 && isInstallStep(lower) {
		return true
	}
	lf.promo = false
	if isAppPrompt(lower) {
		lf.promo = true
		return true
	}
	if lf.takeMetadata(doc, ln, lower, words) {
		return true
	}
	if lf.caption && !afterGap && words <= 40 && len(ln) <= 240 && (rest == "" || rest[0] == '\n') {
		// The caption under its credit, a paragraph of its own:
		// "Foto: dpa" then "Blick auf ...". In text whose
		// paragraphs are single lines, the next line may be story.
		lf.caption = false
		return true
	}
	lf.caption = false
	if words <= 8 && len(ln) <= 100 && creditLabel(ln) {
		lf.caption = true
		return true
	}
	return isBoilerplate(ln, lower, words)
}

// takeMetadata takes the first byline and the first readable date into doc,
// and reports whether ln was such a line. A date line that cannot be read
// still goes; a line holding only a date stays unless it was read.
func (lf *lineFilter) takeMetadata(doc *CleanDoc, ln, lower string, words int) bool {
	if doc.Byline == "" && words <= 12 {
		if by, ok := bylineOf(ln); ok {
			doc.Byline = by
			return true
		}
	}
	if words <= 24 && isDateLine(lower) {
		if doc.PublishedAt.IsZero() && lf.dateTries < 5 {
			lf.dateTries++
			doc.PublishedAt = parseDate(ln)
		}
		return true
	}
	if words <= 8 && doc.PublishedAt.IsZero() && lf.dateTries < 5 && isDateOnly(ln) {
		lf.dateTries++
		if t := parseDate(ln); !t.IsZero() {
			doc.PublishedAt = t
			return true
		}
	}
	return false
}

// headerLines counts the title-like lines above the first body line (at
// most eight). When no body is left below them, they are the story, not its
// headlines, and the count is zero.
func headerLines(kept []keptLine) int {
	h := 0
	for h < len(kept) && h < 8 {
		next := ""
		if h+1 < len(kept) {
			next = kept[h+1].text
		}
		if !isHeaderLine(kept[h].text, next) {
			break
		}
		h++
	}
	if h == len(kept) {
		return 0
	}
	return h
}

// setBody joins the body lines into doc.Body, a blank line between
// paragraphs, after taking the Daily Mail's inline header and the dateline
// off the first line.
func (doc *CleanDoc) setBody(body []keptLine) {
	if len(body) == 0 {
		return
	}
	first := body[0].text
	if strings.Contains(first, "PUBLISHED:") {
		first = dmHeader.ReplaceAllString(first, "")
	}
	if dl, rest := splitDateline(first); dl != "" {
		doc.Dateline = dl
		first = rest
	}
	if len(body) == 1 {
		doc.Body = first
		return
	}
	n := len(first)
	for _, l := range body[1:] {
		n += len(l.text) + 2
	}
	var b strings.Builder
	b.Grow(n)
	b.WriteString(first)
	for _, l := range body[1:] {
		if l.blank {
			b.WriteByte('\n')
		}
		b.WriteByte('\n')
		b.WriteString(l.text)
	}
	doc.Body = b.String()
}

// normalizeText collapses white space (lines trimmed, one space between
// words, "\r\n" and Unicode line separators as "\n"), makes curly quotes
// straight, and drops invalid bytes, control characters and zero-width
// characters. Straight quotes keep the segmenter and the entity finder to one
// spelling of each quote.
func normalizeText(s string) string {
	var b strings.Builder // its String does not copy
	b.Grow(len(s))
	lineStart, space := true, false
	newline := func() {
		b.WriteByte('\n')
		lineStart, space = true, false
	}
	for i := 0; i < len(s); {
		c := s[i]
		if c > ' ' && c < 0x7f {
			// A run of printable ASCII, copied at once.
			j := i + 1
			for j < len(s) && s[j] > ' ' && s[j] < 0x7f {
				j++
			}
			if space {
				b.WriteByte(' ')
				space = false
			}
			lineStart = false
			b.WriteString(s[i:j])
			i = j
			continue
		}
		if c < utf8.RuneSelf {
			i++
			switch {
			case c == '\n':
				newline()
				continue
			case c == '\r':
				if i < len(s) && s[i] == '\n' {
					i++
				}
				newline()
				continue
			case c == ' ' || c == '\t' || c == '\v' || c == '\f':
				space = !lineStart
				continue
			case c < 0x20 || c == 0x7f:
				continue
			}
			if space {
				b.WriteByte(' ')
				space = false
			}
			lineStart = false
			b.WriteByte(c)
			continue
		}
		r, n := utf8.DecodeRuneInString(s[i:])
		i += n
		switch {
		case r == utf8.RuneError && n == 1:
			continue
		case r == '\u2018' || r == '\u2019' || r == '\u201a' || r == '\u201b' || r == '\u2032':
			r = '\''
		case r == '\u201c' || r == '\u201d' || r == '\u201e' || r == '\u201f' || r == '\u2033':
			r = '"'
		case r == '\u2028' || r == '\u2029' || r == '\u0085':
			newline()
			continue
		case r == '\u200b' || r == '\u200c' || r == '\u200d' || r == '\u2060' || r == '\ufeff' || r == '\u00ad':
			continue
		case unicode.IsSpace(r):
			space = !lineStart
			continue
		case unicode.IsControl(r) || r >= 0xE000 && r <= 0xF8FF:
			continue // C1 controls, private use
		}
		if space {
			b.WriteByte(' ')
			space = false
		}
		lineStart = false
		b.WriteRune(r)
	}
	return b.String()
}

// removeInline cuts boilerplate that sits inside running text rather than on
// a line of its own: the BBC share widget ("Share this withEmailFacebook...
// Copy this link", sometimes broken over two lines) and "Scroll down for
// video".
func removeInline(s string) string {
	if i := strings.Index(s, "Share this with"); i >= 0 {
		if j := strings.Index(s[i:], "Copy"); j >= 0 && j < 200 {
			k := i + j + len("Copy")
			rest := strings.TrimLeft(s[k:], " \n")
			if strings.HasPrefix(rest, "this link") {
				rest = rest[len("this link"):]
				s = s[:i] + rest
			}
		}
	}
	const scroll = "Scroll down for video"
	if !strings.Contains(s, scroll) {
		return s
	}
	var b strings.Builder
	b.Grow(len(s))
	for {
		i := strings.Index(s, scroll)
		if i < 0 {
			b.WriteString(s)
			break
		}
		b.WriteString(s[:i])
		j := i + len(scroll)
		if j < len(s) && s[j] == 's' {
			j++
		}
		for j < len(s) && (s[j] == ' ' || s[j] == '.' || s[j] == ':') {
			j++
		}
		s = s[j:]
	}
	return b.String()
}

// isAppPrompt matches the "get our app" blocks that news sites append
// ("Get the news faster. Tap to install our app.").
func isAppPrompt(lower string) bool {
	switch {
	case strings.Contains(lower, "install") && strings.Contains(lower, "app"),
		strings.Contains(lower, "get the news faster"),
		strings.Contains(lower, "add to home screen"),
		strings.Contains(lower, "download the app"),
		strings.Contains(lower, "download our app"),
		strings.HasPrefix(lower, "get the app"),
		strings.HasPrefix(lower, "open in app"),
		strings.HasPrefix(lower, "tap to "):
		return true
	}
	return false
}

// isInstallStep matches the lines that follow an app-install prompt ("in
// two easy steps:", "1. Tap in your navigation bar.", "2. Tap to Add to Home
// Screen."), so that the block goes but a short paragraph after it stays.
func isInstallStep(lower string) bool {
	if strings.HasSuffix(lower, ":") {
		return true
	}
	if _, item := stripListMarker(lower); item {
		return true
	}
	for _, w := range [...]string{"tap", "app", "install", "home screen", "click", "download", "browser",
		"menu", "icon", "steps", "store"} {
		if strings.Contains(lower, w) {
			return true
		}
	}
	return false
}

// bylineOf recognises "By John Johnson, Newser Staff" and returns the name
// part.
func bylineOf(ln string) (string, bool) {
	if !(strings.HasPrefix(ln, "By ") || strings.HasPrefix(ln, "BY ")) {
		return "", false
	}
	rest := strings.TrimLeft(ln[3:], " .")
	rest = strings.TrimRight(rest, " .")
	r := firstRune(rest)
	if rest == "" || !unicode.IsUpper(r) {
		return "", false
	}
	return rest, true
}

// isDateLine matches "Posted Jun 19, 2024 9:13 AM CDT", "PUBLISHED: 10:26
// EST, 3 May 2013 | UPDATED: ...", "Updated 1234 GMT (2034 HKT) April 5,
// 2015", "Last updated ...".
func isDateLine(lower string) bool {
	for _, p := range [...]string{"posted ", "posted:", "published ", "published:", "updated ", "updated:",
		"last updated", "first published", "last modified"} {
		if strings.HasPrefix(lower, p) {
			return strings.ContainsAny(lower, "0123456789")
		}
	}
	return false
}

// isDateOnly reports whether a short line is nothing but a date ("18 March
// 2014", "June 19, 2024 9:13 AM"): page furniture, and the publication date.
func isDateOnly(ln string) bool {
	if !strings.ContainsAny(ln, "0123456789") || endsTerminal(ln) && !strings.HasSuffix(ln, "M.") {
		return false
	}
	m := dateInLine.FindString(ln)
	return m != "" && len(m)*2 >= len(ln)
}

// isBoilerplate matches page furniture that is not part of the story:
// photo captions and credits, share widgets, "(More ... stories.)", ads,
// newsletter and follow prompts.
func isBoilerplate(ln, lower string, words int) bool {
	if strings.HasPrefix(lower, "(more ") && (strings.HasSuffix(lower, "stories.)") || strings.HasSuffix(lower, "stories)")) {
		return true
	}
	if hasPhotoCredit(ln) {
		return true
	}
	if strings.Contains(lower, "ap photo") || strings.Contains(lower, "getty images") ||
		strings.Contains(ln, "Photograph:") || strings.Contains(ln, "Photo:") ||
		strings.Contains(lower, "photo credit") || strings.HasPrefix(lower, "image copyright") ||
		strings.HasPrefix(lower, "image caption") || strings.HasPrefix(lower, "image source") ||
		strings.HasPrefix(lower, "media caption") || strings.HasPrefix(lower, "media playback") {
		return words <= 80
	}
	if words <= 3 && (strings.HasPrefix(ln, "Photo") || strings.HasPrefix(ln, "Image")) {
		return true // "Photo", "Photos", "Image 3 of 12" labels
	}
	if words <= 16 && isShareWidget(lower) {
		return true
	}
	if words <= 12 {
		for _, p := range [...]string{"advertisement", "story continues below", "sign up for", "subscribe to",
			"click here", "all rights reserved", "©", "copyright ©", "follow us", "follow @", "enable javascript",
			"skip to ", "share this", "share on", "share via", "print this", "email this", "continue reading",
			"this article was", "please enable", "related:", "read more:", "watch:", "listen:", "most read"} {
			if strings.HasPrefix(lower, p) {
				return true
			}
		}
		if !endsTerminal(ln) {
			// Labels and widgets, not prose: they carry no full stop.
			for _, p := range [...]string{"read more", "related articles", "related stories", "recommended",
				"newsletter", "comments", "view comments", "loading", "watch video", "trending", "copyright ",
				"subscribe", "sign in", "log in", "more on this"} {
				if strings.HasPrefix(lower, p) {
					return true
				}
			}
		}
	}
	return false
}

// creditLabel reports whether ln, a short line, is the credit of a
// photograph in one of the supported languages: "Foto: dpa/Jane Doe",
// "Photo : AFP", "图片来源：新华社", "（写真＝共同）". The line that
// follows it in the same paragraph is its caption.
func creditLabel(ln string) bool {
	return hasPrefixFold(strings.TrimLeft(ln, "(（["), "foto:", "foto :", "fotos:", "fotos :", "photo :",
		"photos :", "photo:", "photos:", "bild:", "bildquelle:", "crédit photo", "crédits photo",
		"fotografia:", "fotografía:", "imagen:", "afbeelding:", "beeld:", "zdroj:", "图片来源", "图片：",
		"图：", "摄影：", "资料图", "写真：", "写真＝", "写真=", "写真提供")
}

// hasPhotoCredit reports whether a line ends with a photo credit in
// parentheses: "... (Gavriil Grigorov, Sputnik, Kremlin Pool Photo via AP)".
// Such a line is a caption, not story text.
func hasPhotoCredit(ln string) bool {
	if !strings.HasSuffix(ln, ")") {
		return false
	}
	i := strings.LastIndexByte(ln, '(')
	if i < 0 || len(ln)-i > 120 {
		return false
	}
	p := ln[i+1 : len(ln)-1]
	for _, w := range [...]string{"via ", "Photo", "Getty", "Reuters", "AFP", "EPA", "Shutterstock",
		"Images", "Pool", "Associated Press", "Alamy", "Courtesy", "courtesy", "File", "Credit"} {
		if strings.Contains(p, w) {
			return true
		}
	}
	return p == "AP" || strings.HasSuffix(p, "/AP") || strings.HasSuffix(p, ", AP")
}

// isShareWidget matches lines made of share-button labels only: "Share this
// with Email Facebook Messenger Twitter ... Copy this link".
func isShareWidget(lower string) bool {
	networks := 0
	for _, w := range strings.FieldsFunc(lower, func(r rune) bool { return !unicode.IsLetter(r) }) {
		switch w {
		case "facebook", "twitter", "messenger", "whatsapp", "pinterest", "linkedin", "reddit",
			"email", "mail", "telegram", "x", "tumblr", "flipboard", "sms":
			networks++
		case "share", "this", "with", "copy", "link", "on", "via", "the", "article", "story",
			"print", "tweet", "save", "comment", "comments", "gift", "or", "and":
		default:
			return false
		}
	}
	return networks >= 2
}

// isHeaderLine reports whether ln, a line above the body, reads as a
// headline or standfirst: not too long, no closing full stop, and not the
// first half of a sentence broken over lines (next starts in lower case).
func isHeaderLine(ln, next string) bool {
	if _, item := stripListMarker(ln); item {
		return false
	}
	words := strings.Count(ln, " ") + 1
	if words > 30 || len(ln) > 300 {
		return false
	}
	if next != "" {
		// Caseless scripts (Chinese, Japanese) have no lower case to continue in.
		r := firstRune(next)
		if unicode.IsLower(r) || !unicode.IsLetter(r) && !unicode.IsDigit(r) && !isOpenQuote(r) && r != '(' {
			return false
		}
	}
	t := strings.TrimRight(ln, `"')`)
	if t == "" {
		return false
	}
	switch last, _ := utf8.DecodeLastRuneInString(t); last {
	case '.', ',', ';', ':', '\u2026', '。', '，', '；', '：':
		return false
	case '?', '!', '？', '！':
		return words <= 15
	}
	return true
}

// splitDateline cuts a news-agency dateline from the start of the body:
// "(CNN)", "(CNN) -- ", "LONDON (Reuters) - ", "WASHINGTON, June 5 (AP) — ".
func splitDateline(s string) (dateline, rest string) {
	if r := firstRune(s); isHan(r) || r == '\u3010' { // Chinese and Japanese datelines only
		if m := cjkDateline.FindString(s); m != "" && len(s)-len(m) >= 12 {
			return strings.TrimRight(m, " \u3000"), s[len(m):]
		}
	}
	i := strings.IndexByte(s[:min(len(s), 61)], '(')
	if i < 0 {
		return "", s
	}
	j := strings.IndexByte(s[i:min(len(s), i+41)], ')')
	if j < 0 || j > 40 {
		return "", s
	}
	j += i
	agency := s[i+1 : j]
	known := newsAgencies[agency] // "dpa" is written in lower case
	if agency == "" || strings.Count(agency, " ") > 3 || !unicode.IsUpper(firstRune(agency)) && !known {
		return "", s
	}
	prefix := strings.TrimSpace(s[:i])
	tight := j+1 < len(s) && s[j+1] != ' ' // "(CNN)They ..."
	after := strings.TrimLeft(s[j+1:], " ")
	dash := false
	for _, d := range [...]string{"--", "-", "\u2014", "\u2013", ":"} {
		if strings.HasPrefix(after, d) {
			after = strings.TrimLeft(after[len(d):], " ")
			dash = true
			break
		}
	}
	if r := firstRune(after); !unicode.IsUpper(r) && !unicode.IsDigit(r) && !isOpenQuote(r) {
		return "", s
	}
	if prefix != "" {
		// "LONDON", "New Delhi, India", "WASHINGTON, June 5": capitalised
		// words, commas and day numbers only.
		if strings.Count(prefix, " ") > 5 {
			return "", s
		}
		for k, w := range strings.Fields(prefix) {
			w = strings.TrimRight(w, ",")
			if known && k > 0 && len(w) <= 6 {
				continue // the date after the place: "VALENCIA, 12 nov. (EFE)"
			}
			if w == "" || !unicode.IsUpper(firstRune(w)) && !isNumber(w) {
				return "", s
			}
		}
		if !dash && !tight && !known && prefix != strings.ToUpper(prefix) {
			return "", s // "Apple (AAPL) Shares ..." is not a dateline
		}
	}
	return strings.TrimSpace(s[:j+1]), after
}

// cjkDateline is the dateline of a Chinese or Japanese story:
// "新华社北京12月3日电（记者 王明）", "本报杭州7月18日电", "本报讯",
// "【ワシントン＝共同】".
var cjkDateline = regexp.MustCompile(`^(?:\p{Han}{1,12}?[0-9０-９]{1,2}月[0-9０-９]{1,2}日电|\p{Han}{0,6}[报社网台]讯|【[^】]{1,24}】)(?:[（(][^）)]{1,30}[）)])?[ \x{3000}]*`)

// newsAgencies appear in datelines: "BOSTON (AP) —".
var newsAgencies = setOf("CNN", "AP", "Reuters", "AFP", "UPI", "Bloomberg", "dpa", "DPA", "EFE",
	"ANSA", "Xinhua", "BBC", "CNN Money", "CNNMoney", "TheStreet", "Mashable", "EW", "CBS", "NBC",
	"ABC", "Fox News", "The Hollywood Reporter", "Variety", "TASS", "Kyodo", "Yonhap", "PA",
	"epd", "KNA", "APA", "SDA", "Keystone-SDA", "ANP", "Belga", "Lusa", "Europa Press", "AGI", "ČTK", "CTK",
	"TASR", "PAP", "MTI", "Agerpres", "Jiji")

// dmHeader is the Daily Mail's inline header: "By . Author . PUBLISHED: .
// 10:26 EST, 3 May 2013 . | . UPDATED: . 10:27 EST, 3 May 2013 . ".
var dmHeader = regexp.MustCompile(`^(?:By \. .{1,80}? \. )?PUBLISHED: \. .{1,40}? \. \| \. UPDATED: \. .{1,40}? \. ?`)
