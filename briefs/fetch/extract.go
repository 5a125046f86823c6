package fetch

import (
	"bytes"
	"net/http"
	"net/netip"
	"net/url"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	readability "codeberg.org/readeck/go-readability/v2"
	trafilatura "github.com/markusmobius/go-trafilatura"
	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
	"golang.org/x/net/publicsuffix"

	"briefbot/briefs"
	"briefbot/briefs/extractive"
)

// MaxElements bounds the HTML elements of a page. Real news pages have a few
// thousand; a page over the limit is refused (ETOOLARGE) after a streaming
// count, before a tree is built, so a hostile page cannot make readability
// do quadratic work on millions of nodes.
const MaxElements = 50_000

// A page must yield at least this much article text, else it is a login
// wall, a cookie wall or a JavaScript shell rather than an article.
const (
	MinTextRunes = 200
	MinSentences = 2
)

// pasteHint tells the user what to do when a page cannot be read.
const pasteHint = "Paste the article text instead: /article add text: in Discord, or briefbot add FILE."

// Extract turns a fetched page into a Page: it decodes the charset, and for
// HTML finds the article text with trafilatura and readability (see
// autoBody; neither fetches anything itself here) and the metadata with
// readability. pageURL is the page's final URL (after
// redirects); contentType is the Content-Type header, empty to sniff.
// Errors: EINVALID (not a web page, or too little article text), ETOOLARGE
// (over MaxElements).
func Extract(pageURL, contentType string, body []byte) (Page, error) {
	return ExtractOptions(pageURL, contentType, body, Options{})
}

// ExtractOptions is Extract with a choice of body extractor.
func ExtractOptions(pageURL, contentType string, body []byte, opts Options) (Page, error) {
	if opts.Body == "" {
		opts.Body = BodyAuto
	}
	if !validBody(opts.Body) {
		return Page{}, briefs.Errorf(briefs.EINVALID, "unknown body extractor %q (one of %s)", opts.Body, strings.Join(BodyExtractors, ", "))
	}
	u, err := url.Parse(pageURL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return Page{}, briefs.Errorf(briefs.EINVALID, "%q is not an http or https link.", briefs.Truncate(pageURL, 100))
	}
	u.Fragment, u.RawFragment = "", ""
	mt := mediaType(contentType)
	if mt == "" {
		mt = mediaType(http.DetectContentType(body))
	}
	if err := checkSniffed(mt, body); err != nil {
		return Page{}, err
	}
	canon, err := briefs.CanonicalURL(u.String())
	if err != nil {
		return Page{}, err
	}
	page := Page{URL: u.String(), CanonicalURL: canon, SiteName: hostSite(u)}
	switch mt {
	case "text/plain":
		text, _ := decodeBody(body, contentType, false)
		page.Text = plainText(text)
	case "text/html", "application/xhtml+xml":
		if err := extractHTML(&page, u, contentType, body, opts.Body); err != nil {
			return Page{}, err
		}
	default:
		return Page{}, notAPage(mt)
	}
	if !enoughText(page.Text) {
		return Page{}, briefs.Errorf(briefs.EINVALID,
			"That page has too little article text to summarize (a login wall, a cookie banner or a page that needs JavaScript?). %s", pasteHint)
	}
	return page, nil
}

// extractHTML fills page from an HTML document.
func extractHTML(page *Page, u *url.URL, contentType string, body []byte, bodyName string) error {
	text, _ := decodeBody(body, contentType, true)
	n := countElements(text, MaxElements)
	if n > MaxElements {
		return briefs.Errorf(briefs.ETOOLARGE, "That page is too large to read (over %d HTML elements). %s", MaxElements, pasteHint)
	}
	doc, err := html.Parse(strings.NewReader(text))
	if err != nil {
		return briefs.Errorf(briefs.EINVALID, "That page is not readable HTML. %s", pasteHint)
	}
	var meta pageMeta
	readMeta(doc, &meta)
	titles := readTitleMeta(doc)
	if meta.canonical != "" {
		if c := sameSiteCanonical(u, meta.canonical); c != "" {
			page.CanonicalURL = c
		}
	}
	page.PublishedAt = meta.published
	var traf string
	if n > TrafilaturaMaxElements {
		bodyName = BodyReadability
	}
	switch bodyName {
	case BodyReadability:
	case BodyTrafReadFB:
		traf = trafilaturaText(doc, u, trafilatura.Balanced, readabilityCandidate(doc, u))
	default:
		traf = trafilaturaText(doc, u, trafilaturaFocus(bodyName), nil)
	}
	// The element limit is enforced above, before the tree exists; the
	// parser's own MaxElemsToParse would only count the tree again.
	p := readability.NewParser()
	art, err := p.ParseAndMutate(doc, u)
	if err != nil || art.Node == nil {
		// Readability found no article: trafilatura's text, if any (too
		// little text is refused by the caller), under the page's own
		// headline.
		page.Title = readerTitle(titles, "", u, page.SiteName)
		page.Text = trimLead(chooseBody(bodyName, traf, ""), page.Title, "")
		return nil
	}
	page.Byline = cleanByline(art.Byline())
	if s := oneLine(art.SiteName()); s != "" {
		page.SiteName = s
	}
	page.Title = readerTitle(titles, oneLine(art.Title()), u, page.SiteName)
	if t, err := art.PublishedTime(); err == nil && !t.IsZero() {
		page.PublishedAt = t.UTC()
	}
	page.Image = leadImage(u, art.ImageURL())
	page.Text = trimLead(chooseBody(bodyName, traf, renderText(art.Node)), page.Title, page.Byline)
	return nil
}

// checkSniffed refuses bodies that are something else whatever the header
// says: a PDF or an image served as text/html.
func checkSniffed(declared string, body []byte) error {
	sniffed := mediaType(http.DetectContentType(body))
	switch {
	case sniffed == "application/pdf" || declared == "application/pdf":
		return notAPage("application/pdf")
	case isMediaType(sniffed):
		return notAPage(sniffed)
	case declared == "text/plain" && sniffed == "application/octet-stream":
		return notAPage(sniffed)
	}
	return nil
}

func isMediaType(mt string) bool {
	for _, p := range []string{"image/", "audio/", "video/", "font/"} {
		if strings.HasPrefix(mt, p) {
			return true
		}
	}
	switch mt {
	case "application/zip", "application/x-gzip", "application/x-rar-compressed",
		"application/ogg", "application/wasm", "application/vnd.ms-fontobject", "application/postscript":
		return true
	}
	return false
}

// notAPage is the refusal of a content type briefbot cannot summarize.
func notAPage(mt string) error {
	var what string
	switch {
	case mt == "application/pdf":
		what = "a PDF"
	case strings.HasPrefix(mt, "image/"):
		what = "an image (" + mt + ")"
	case strings.HasPrefix(mt, "video/"):
		what = "a video (" + mt + ")"
	case strings.HasPrefix(mt, "audio/"):
		what = "an audio file (" + mt + ")"
	case mt == "application/octet-stream" || mt == "":
		what = "binary data"
	case strings.Contains(mt, "rss") || strings.Contains(mt, "atom"):
		what = "a news feed (" + mt + ")"
	default:
		what = mt
	}
	return briefs.Errorf(briefs.EINVALID, "That link is %s, not a web page; paste the text instead (/article add text: in Discord, or briefbot add FILE).", what)
}

// countElements counts start tags with a tokenizer, stopping past max.
func countElements(s string, max int) int {
	z := html.NewTokenizer(strings.NewReader(s))
	n := 0
	for {
		switch z.Next() {
		case html.ErrorToken:
			return n
		case html.StartTagToken, html.SelfClosingTagToken:
			n++
			if n > max {
				return n
			}
		}
	}
}

// pageMeta is what extractHTML reads from the document itself before
// readability rewrites it.
type pageMeta struct {
	canonical string    // href of the first <link rel="canonical">
	published time.Time // from date <meta> tags readability does not know
}

// dateMetas are <meta name|property|itemprop> keys of publication dates,
// a fallback for pages without article:published_time or JSON-LD.
var dateMetas = map[string]bool{
	"date": true, "dc.date": true, "dc.date.issued": true, "dcterms.date": true,
	"dcterms.created": true, "dcterms.issued": true, "pubdate": true, "publishdate": true,
	"publish-date": true, "publish_date": true, "article.published": true,
	"sailthru.date": true, "parsely-pub-date": true, "datepublished": true,
	"og:published_time": true, "published_time": true,
}

// readMeta walks the document for pageMeta.
func readMeta(n *html.Node, m *pageMeta) {
	if n.Type == html.ElementNode {
		switch n.DataAtom {
		case atom.Link:
			if m.canonical == "" {
				rel, href := attr(n, "rel"), strings.TrimSpace(attr(n, "href"))
				for _, r := range strings.Fields(rel) {
					if strings.EqualFold(r, "canonical") && href != "" {
						m.canonical = href
					}
				}
			}
			return
		case atom.Meta:
			if m.published.IsZero() {
				key := strings.ToLower(strings.TrimSpace(attr(n, "name") + attr(n, "property") + attr(n, "itemprop")))
				if dateMetas[key] {
					m.published = parseDate(attr(n, "content"))
				}
			}
			return
		case atom.Script, atom.Style, atom.Template, atom.Svg:
			return
		}
	}
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		readMeta(c, m)
	}
}

func attr(n *html.Node, key string) string {
	for _, a := range n.Attr {
		if a.Key == key {
			return a.Val
		}
	}
	return ""
}

// parseDate reads the date formats found in meta tags; zero if none fits.
func parseDate(s string) time.Time {
	s = strings.TrimSpace(s)
	for _, layout := range []string{time.RFC3339, "2006-01-02T15:04:05Z0700", "2006-01-02T15:04:05",
		"2006-01-02 15:04:05", "2006-01-02T15:04Z07:00", "2006-01-02", time.RFC1123Z, time.RFC1123} {
		if t, err := time.Parse(layout, s); err == nil {
			return t.UTC()
		}
	}
	return time.Time{}
}

// sameSiteCanonical resolves a canonical href against the page URL and
// returns its canonical form when it is a valid http(s) URL on the same site
// (the same registrable domain), "" otherwise. A canonical pointing at the
// home page from an article is a common CMS bug and is ignored too: it would
// make every article of the site one.
func sameSiteCanonical(page *url.URL, href string) string {
	ref, err := page.Parse(href)
	if err != nil || (ref.Scheme != "http" && ref.Scheme != "https") || ref.Host == "" || ref.User != nil {
		return ""
	}
	if !sameSite(page.Hostname(), ref.Hostname()) {
		return ""
	}
	if isRoot(ref) && !isRoot(page) {
		return ""
	}
	c, err := briefs.CanonicalURL(ref.String())
	if err != nil {
		return ""
	}
	return c
}

func isRoot(u *url.URL) bool { return (u.Path == "" || u.Path == "/") && u.RawQuery == "" }

func sameSite(a, b string) bool {
	a, b = strings.ToLower(strings.TrimSuffix(a, ".")), strings.ToLower(strings.TrimSuffix(b, "."))
	if a == b {
		return true
	}
	if _, err := netip.ParseAddr(a); err == nil || !strings.Contains(a, ".") {
		return false // IP addresses and single-label hosts: only the same host
	}
	if _, err := netip.ParseAddr(b); err == nil || !strings.Contains(b, ".") {
		return false
	}
	sa, err1 := publicsuffix.EffectiveTLDPlusOne(a)
	sb, err2 := publicsuffix.EffectiveTLDPlusOne(b)
	return err1 == nil && err2 == nil && sa == sb
}

// hostSite is the site name when the page names none: the host without www.
func hostSite(u *url.URL) string {
	return strings.TrimPrefix(strings.ToLower(u.Hostname()), "www.")
}

// absoluteHTTP resolves ref against base and keeps it only if it is http(s).
func absoluteHTTP(base *url.URL, ref string) string {
	ref = strings.TrimSpace(ref)
	if ref == "" {
		return ""
	}
	r, err := base.Parse(ref)
	if err != nil || (r.Scheme != "http" && r.Scheme != "https") || r.Host == "" {
		return ""
	}
	r.User = nil
	return r.String()
}

// oneLine collapses white space.
func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }

// cleanByline drops a leading "By" from an author line.
func cleanByline(s string) string {
	s = oneLine(s)
	if len(s) > 3 && strings.EqualFold(s[:3], "by ") {
		s = strings.TrimSpace(s[3:])
	}
	return briefs.Truncate(s, 200)
}

// plainText normalises a text/plain page: LF line ends, no NULs or other
// control characters but tabs and newlines, lines trimmed.
func plainText(s string) string {
	s = strings.ReplaceAll(s, "\r\n", "\n")
	s = strings.Map(func(r rune) rune {
		switch {
		case r == '\n' || r == '\t':
			return r
		case r == '\r':
			return '\n'
		case unicode.IsControl(r):
			return -1
		}
		return r
	}, s)
	lines := strings.Split(s, "\n")
	for i, l := range lines {
		lines[i] = strings.TrimRightFunc(l, unicode.IsSpace)
	}
	return strings.TrimSpace(strings.Join(lines, "\n"))
}

// enoughText reports whether text looks like an article rather than a
// wall or a shell.
func enoughText(text string) bool {
	return textRunes(text) >= MinTextRunes && len(extractive.Sentences(text)) >= MinSentences
}

// trimLead removes the page furniture readability leaves above the story:
// the headline again, the kicker, the byline and date line, a ticker. At
// most maxLead lines go, each short, and each either the headline, a line
// naming the author, or a line that does not end like a sentence.
func trimLead(text, title, byline string) string {
	const maxLead = 6
	normHead, normBy := normTitle(title), strings.ToLower(byline)
	for i := 0; i < maxLead && text != ""; i++ {
		line, rest, _ := strings.Cut(text, "\n")
		words := len(strings.Fields(line))
		switch {
		case normHead != "" && strings.EqualFold(normTitle(line), normHead):
		case normBy != "" && words <= 15 && strings.Contains(strings.ToLower(line), normBy):
		case words <= 12 && !endsSentence(line):
		default:
			return text
		}
		text = strings.TrimLeft(rest, "\n")
	}
	return text
}

// endsSentence reports whether a line ends with terminal punctuation,
// closing quotes and brackets aside.
func endsSentence(line string) bool {
	line = strings.TrimRightFunc(line, func(r rune) bool {
		return unicode.IsSpace(r) || strings.ContainsRune(`"')]”’»`, r)
	})
	r, _ := utf8.DecodeLastRuneInString(line)
	return strings.ContainsRune(".!?…。！？", r)
}

func normTitle(s string) string {
	return strings.Join(strings.FieldsFunc(s, func(r rune) bool {
		return unicode.IsSpace(r) || unicode.IsPunct(r)
	}), " ")
}

// renderText writes the article's text: one line per paragraph, heading,
// quote or list item; paragraphs separated by a blank line, the items of a
// list and the lines of a paragraph broken by <br> by a single newline.
func renderText(n *html.Node) string {
	var r textRenderer
	r.walk(n)
	r.flush()
	return r.out.String()
}

type textRenderer struct {
	out   bytes.Buffer
	line  []byte
	space bool // a space is pending before the next word
	inLI  int  // depth of <li> elements
	soft  bool // the pending line follows a <br> or belongs to a list
	prev  bool // the previous line was a list item
}

// skipped elements hold no article text.
var skipped = map[atom.Atom]bool{
	atom.Script: true, atom.Style: true, atom.Noscript: true, atom.Template: true,
	atom.Svg: true, atom.Math: true, atom.Figcaption: true, atom.Button: true,
	atom.Form: true, atom.Nav: true, atom.Aside: true, atom.Iframe: true,
	atom.Video: true, atom.Audio: true, atom.Canvas: true, atom.Select: true,
	atom.Textarea: true, atom.Input: true, atom.Head: true, atom.Object: true,
}

// blocks start and end a line.
var blocks = map[atom.Atom]bool{
	atom.P: true, atom.Div: true, atom.Section: true, atom.Article: true, atom.Main: true,
	atom.Header: true, atom.Footer: true, atom.Blockquote: true, atom.Pre: true,
	atom.H1: true, atom.H2: true, atom.H3: true, atom.H4: true, atom.H5: true, atom.H6: true,
	atom.Ul: true, atom.Ol: true, atom.Li: true, atom.Dl: true, atom.Dt: true, atom.Dd: true,
	atom.Table: true, atom.Tr: true, atom.Figure: true, atom.Hr: true, atom.Address: true,
	atom.Details: true, atom.Summary: true, atom.Caption: true,
}

func (r *textRenderer) walk(n *html.Node) {
	switch n.Type {
	case html.TextNode:
		r.text(n.Data)
		return
	case html.ElementNode:
		if skipped[n.DataAtom] || hidden(n) {
			return
		}
		switch n.DataAtom {
		case atom.Br:
			r.flush()
			r.soft = true
			return
		case atom.Td, atom.Th:
			r.space = len(r.line) > 0
		}
		if blocks[n.DataAtom] {
			r.flush()
			if n.DataAtom == atom.Li {
				r.inLI++
				defer func() { r.flush(); r.inLI-- }()
			} else {
				defer r.flush()
			}
		}
	}
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		r.walk(c)
	}
}

// text appends words, collapsing white space (NBSP included).
func (r *textRenderer) text(s string) {
	for _, c := range s {
		if unicode.IsSpace(c) || c == '\u00a0' {
			r.space = len(r.line) > 0
			continue
		}
		if r.space {
			r.line = append(r.line, ' ')
			r.space = false
		}
		r.line = utf8.AppendRune(r.line, c)
	}
}

// flush ends the pending line.
func (r *textRenderer) flush() {
	if len(r.line) == 0 {
		r.space = false
		return
	}
	li := r.inLI > 0
	if r.out.Len() > 0 {
		if r.soft || (li && r.prev) {
			r.out.WriteByte('\n')
		} else {
			r.out.WriteString("\n\n")
		}
	}
	r.out.Write(r.line)
	r.line = r.line[:0]
	r.space, r.soft, r.prev = false, false, li
}

// hidden reports elements hidden from readers.
func hidden(n *html.Node) bool {
	for _, a := range n.Attr {
		switch a.Key {
		case "hidden":
			return true
		case "aria-hidden":
			if a.Val == "true" {
				return true
			}
		case "style":
			st := strings.ReplaceAll(strings.ToLower(a.Val), " ", "")
			if strings.Contains(st, "display:none") || strings.Contains(st, "visibility:hidden") {
				return true
			}
		}
	}
	return false
}

// FragmentText is the text of an HTML fragment (a feed item's description,
// a title with markup) as the page renderer writes an article: entities
// decoded, tags dropped, one line per block. Plain text comes back with its
// white space folded as HTML would fold it.
func FragmentText(fragment string) string {
	nodes, err := html.ParseFragment(strings.NewReader(fragment), &html.Node{Type: html.ElementNode, Data: "div", DataAtom: atom.Div})
	if err != nil {
		return oneLine(fragment)
	}
	root := &html.Node{Type: html.ElementNode, Data: "div", DataAtom: atom.Div}
	for _, n := range nodes {
		root.AppendChild(n)
	}
	return strings.TrimSpace(renderText(root))
}
