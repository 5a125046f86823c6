package fetch

import (
	"net/url"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
	"golang.org/x/net/publicsuffix"
)

// titleMeta is what a page says about its headline and its name, read from
// the document before readability rewrites it.
type titleMeta struct {
	title     string   // <title>
	og        string   // og:title
	twitter   string   // twitter:title
	site      string   // og:site_name
	appName   string   // application-name, apple-mobile-web-app-title
	headlines []string // the first few <h1> texts
}

// maxHeadlines bounds the <h1> elements read; the article's own is among the
// first on every layout seen.
const maxHeadlines = 4

// readTitleMeta walks the document for titleMeta.
func readTitleMeta(doc *html.Node) titleMeta {
	var m titleMeta
	var walk func(n *html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.ElementNode {
			switch n.DataAtom {
			case atom.Title:
				if m.title == "" {
					m.title = oneLine(textOf(n))
				}
				return
			case atom.Meta:
				key := strings.ToLower(strings.TrimSpace(attr(n, "property") + attr(n, "name")))
				val := oneLine(html.UnescapeString(attr(n, "content")))
				set := func(p *string) {
					if *p == "" {
						*p = val
					}
				}
				switch key {
				case "og:title":
					set(&m.og)
				case "twitter:title":
					set(&m.twitter)
				case "og:site_name":
					set(&m.site)
				case "application-name", "apple-mobile-web-app-title":
					set(&m.appName)
				}
				return
			case atom.H1:
				if len(m.headlines) < maxHeadlines && !hidden(n) {
					if t := oneLine(textOf(n)); t != "" {
						m.headlines = append(m.headlines, t)
					}
				}
				return
			case atom.Script, atom.Style, atom.Template, atom.Svg, atom.Noscript:
				return
			}
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(doc)
	return m
}

// textOf is the text inside n, scripts and styles left out.
func textOf(n *html.Node) string {
	var b strings.Builder
	var walk func(n *html.Node)
	walk = func(n *html.Node) {
		switch n.Type {
		case html.TextNode:
			b.WriteString(n.Data)
			return
		case html.ElementNode:
			switch n.DataAtom {
			case atom.Script, atom.Style, atom.Template, atom.Svg, atom.Noscript:
				return
			case atom.Br:
				b.WriteByte(' ')
			}
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
		if n.Type == html.ElementNode && blocks[n.DataAtom] {
			b.WriteByte(' ')
		}
	}
	walk(n)
	return b.String()
}

// siteNames are the ways a page names its site, normalised by normKey: the
// site name, the application name, the host ("sportsnet.ca"), and the host's
// registrable label ("breitbart" of www.breitbart.com).
type siteNames []string

func newSiteNames(u *url.URL, names ...string) siteNames {
	var s siteNames
	add := func(v string) {
		if k := normKey(v); k != "" {
			for _, have := range s {
				if have == k {
					return
				}
			}
			s = append(s, k)
		}
	}
	for _, n := range names {
		add(n)
	}
	if u != nil {
		host := strings.TrimPrefix(strings.ToLower(u.Hostname()), "www.")
		add(host)
		if d, err := publicsuffix.EffectiveTLDPlusOne(host); err == nil {
			add(d)
			if label, _, ok := strings.Cut(d, "."); ok {
				add(label)
			}
		}
	}
	return s
}

// matches reports whether a piece of a title names the site: "TheHill" for
// thehill.com, "Sportsnet.ca", "Los Angeles Times" for a page whose
// og:site_name says so, "腾讯网" for a site named so.
func (s siteNames) matches(piece string) bool {
	k := normKey(piece)
	if k == "" {
		return false
	}
	for _, name := range s {
		switch {
		case k == name:
			return true
		case len(name) >= 2 && strings.HasPrefix(k, name) && siteTail(k[len(name):]):
			return true // "BBC News", "CNN Politics" for bbc.co.uk and cnn.com
		case utf8.RuneCountInString(name) >= 4 && strings.HasPrefix(k, name) && len(k)-len(name) <= 4:
			return true // "BreitbartNews", "sportsnet.ca" for "sportsnet"
		case utf8.RuneCountInString(k) >= 4 && strings.HasPrefix(name, k) && len(name)-len(k) <= 4:
			return true
		case utf8.RuneCountInString(k) >= 5 && strings.Contains(name, k):
			return true // "腾讯网" in a site name that says more
		case utf8.RuneCountInString(name) >= 5 && strings.Contains(k, name) && len(k)-len(name) <= 6:
			return true // "The Hill" in "TheHill.com"
		}
	}
	return false
}

// siteTail reports what a site puts after its name in a title ("news",
// "online", a section), letters and digits only.
func siteTail(rest string) bool {
	switch rest {
	case "news", "online", "com", "net", "org", "couk", "tv", "media", "digital", "today", "daily", "network", "newsnetwork":
		return true
	}
	return sectionKeys[rest]
}

// sectionKeys are the sectionLabels as normKey spells them.
var sectionKeys = func() map[string]bool {
	m := make(map[string]bool, len(sectionLabels))
	for l := range sectionLabels {
		m[normKey(l)] = true
	}
	return m
}()

// startsWith reports a piece that begins with a site name of six or more
// letters: "Vortex Cannon Entertainment" on vortexcannon.org.
func (s siteNames) startsWith(piece string) bool {
	k := normKey(piece)
	for _, name := range s {
		if utf8.RuneCountInString(name) >= 6 && strings.HasPrefix(k, name) {
			return true
		}
	}
	return false
}

// normKey lower-cases s and keeps only its letters and digits, so that
// "TheHill", "The Hill" and "thehill" compare equal.
func normKey(s string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(s) {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			b.WriteRune(r)
		}
	}
	return b.String()
}

// titleSeps are the separators between a headline and its site, section or
// author, widest first. A spaced hyphen or colon inside a headline is
// common, so those only cut off a piece that names the site or is a known
// label; the others also cut off short labels.
var titleSeps = []string{" | ", " ｜ ", " – ", " — ", " - ", " · ", " » ", " :: ", " : ", ": ", "_", "｜", " / "}

// weakSep reports separators that headlines use as punctuation.
func weakSep(sep string) bool {
	switch sep {
	case " - ", " – ", " — ", ": ", " : ", " / ":
		return true
	}
	return false
}

// sectionLabels are labels a site puts before or after a headline.
var sectionLabels = map[string]bool{
	"opinion": true, "analysis": true, "editorial": true, "commentary": true, "review": true,
	"news": true, "live": true, "video": true, "watch": true, "photos": true, "exclusive": true,
	"breaking": true, "breaking news": true, "update": true, "letters": true, "column": true,
	"world": true, "world news": true, "politics": true, "business": true, "sport": true, "sports": true,
	"tech": true, "technology": true, "science": true, "health": true, "entertainment": true,
	"us news": true, "uk news": true, "local": true, "national": true, "nation": true, "international": true,
	"economy": true, "markets": true, "culture": true, "lifestyle": true, "travel": true, "op-ed": true, "op ed": true,
	"perspective": true, "podcast": true, "interview": true, "feature": true, "features": true, "blog": true,
}

// cleanTitle strips what a site puts around a headline: its name, a section
// or an author, after a separator at either end, as long as a headline of
// at least three words (or eight characters in scripts without spaces) is
// left.
func cleanTitle(t string, sites siteNames) string {
	t = oneLine(t)
	for changed := true; changed; {
		changed = false
		for _, sep := range titleSeps {
			if nt, ok := stripEnd(t, sep, sites); ok {
				t, changed = nt, true
				break
			}
		}
	}
	return strings.TrimSpace(t)
}

// exact reports whether piece is one of the site's names, letters and
// digits compared.
func (s siteNames) exact(piece string) bool {
	k := normKey(piece)
	for _, name := range s {
		if k != "" && k == name {
			return true
		}
	}
	return false
}

// stripEnd removes one piece after the last or before the first sep when it
// names the site or is a label; or everything after a sep when that is the
// site's whole name ("… | Autoracing | F1 | Indy" for a site of that name).
func stripEnd(t, sep string, sites siteNames) (string, bool) {
	for i := strings.Index(t, sep); i > 0; {
		head := strings.TrimSpace(t[:i])
		if titleWords(head) >= 2 && sites.exact(t[i+len(sep):]) {
			return head, true
		}
		j := strings.Index(t[i+len(sep):], sep)
		if j < 0 {
			break
		}
		i += len(sep) + j
	}
	if i := strings.LastIndex(t, sep); i > 0 {
		head, tail := strings.TrimSpace(t[:i]), strings.TrimSpace(t[i+len(sep):])
		if (bigEnough(head) || titleWords(head) >= 2 && (sites.matches(tail) || sites.startsWith(tail))) && removable(tail, head, sep, sites) {
			return head, true
		}
	}
	if i := strings.Index(t, sep); i > 0 {
		head, tail := strings.TrimSpace(t[:i]), strings.TrimSpace(t[i+len(sep):])
		if bigEnough(tail) && (!weakSep(sep) || sites.exact(head) || isLabel(head)) && removable(head, tail, sep, sites) {
			return tail, true
		}
	}
	return t, false
}

// removable reports whether piece, beside the rest of the title, is the
// site's name or a label rather than part of the headline.
func removable(piece, rest, sep string, sites siteNames) bool {
	if piece == "" {
		return true
	}
	if sites.matches(piece) || titleWords(piece) <= 4 && sites.startsWith(piece) {
		return true
	}
	if isLabel(piece) {
		return true
	}
	if weakSep(sep) {
		return false
	}
	// A short piece beside a much longer headline, after a separator that
	// headlines do not use: a section, an author, a column name.
	pw, rw := titleWords(piece), titleWords(rest)
	return pw <= 4 && rw >= 2*pw+2 && !endsSentence(piece)
}

func isLabel(piece string) bool {
	return sectionLabels[strings.ToLower(strings.Trim(piece, " .:"))]
}

// titleWords counts words, counting runs of CJK characters by two.
func titleWords(s string) int {
	n := len(strings.Fields(s))
	cjk := 0
	for _, r := range s {
		if unicode.Is(unicode.Han, r) || unicode.Is(unicode.Hiragana, r) || unicode.Is(unicode.Katakana, r) || unicode.Is(unicode.Hangul, r) {
			cjk++
		}
	}
	if cjk > 0 {
		n += cjk / 2
	}
	return n
}

// bigEnough reports whether s can stand as a headline on its own.
func bigEnough(s string) bool {
	return titleWords(s) >= 3 || utf8.RuneCountInString(s) >= 8 && !strings.Contains(s, " ")
}

// genericWords make up site titles that are not headlines ("Latest News &
// Headlines", "Home").
var genericWords = map[string]bool{
	"latest": true, "news": true, "headlines": true, "headline": true, "breaking": true, "home": true,
	"homepage": true, "page": true, "top": true, "stories": true, "and": true, "today": true,
	"official": true, "site": true, "website": true, "online": true, "the": true, "of": true,
	"world": true, "daily": true, "live": true, "updates": true, "video": true, "videos": true,
	"welcome": true, "to": true, "front": true, "for": true, "your": true, "source": true,
}

// generic reports a title that names the site rather than the story: empty,
// the site's name, or only words such as "Latest News & Headlines".
func generic(t string, sites siteNames) bool {
	if strings.TrimSpace(t) == "" || sites.matches(t) {
		return true
	}
	words := strings.FieldsFunc(strings.ToLower(t), func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) })
	if len(words) == 0 {
		return true
	}
	for _, w := range words {
		if !genericWords[w] && !sites.matches(w) {
			return false
		}
	}
	return true
}

// agree reports whether two headlines are the same story title: equal when
// letters and digits are compared, or one a truncation of the other.
func agree(a, b string) bool {
	ka, kb := normKey(a), normKey(b)
	if ka == "" || kb == "" {
		return false
	}
	if ka == kb {
		return true
	}
	if len(ka) > len(kb) {
		ka, kb = kb, ka
	}
	return utf8.RuneCountInString(ka) >= 20 && strings.HasPrefix(kb, ka)
}

// readerTitle chooses the headline a reader wants from what the page
// offers (og:title, <title>, twitter:title, the <h1>s), each cleaned of the
// site's name and labels: the first that another source agrees with; else,
// when the page's headline agrees with none of them, that headline; else
// the first that is not the site's own title. fallback (readability's
// title, which copies one of them) is the last resort.
func readerTitle(m titleMeta, fallback string, u *url.URL, siteName string) string {
	app := m.appName
	if titleWords(app) > 5 || agree(app, m.og) || agree(app, m.title) {
		app = "" // a page that puts its headline there
	}
	sites := newSiteNames(u, m.site, app, siteName)
	var cands []string
	for _, t := range []string{m.og, m.title, m.twitter} {
		if c := cleanTitle(t, sites); c != "" && !generic(c, sites) {
			cands = append(cands, c)
		}
	}
	var heads []string
	for _, h := range m.headlines {
		h = strings.TrimFunc(h, func(r rune) bool { return unicode.IsSpace(r) || strings.ContainsRune("»›•|-–—:", r) })
		if c := cleanTitle(h, sites); c != "" && !generic(c, sites) {
			heads = append(heads, c)
		}
	}
	// The headline on the page when a metadata title agrees with it (in
	// the metadata's wording, which has no kicker glued on); else two
	// metadata titles that agree.
	// readability's own title counts here: it prefers the JSON-LD
	// headline, a source of its own.
	withFallback := cands
	if c := cleanTitle(fallback, sites); c != "" && !generic(c, sites) {
		withFallback = append(cands[:len(cands):len(cands)], c)
	}
	for _, h := range heads {
		for _, c := range withFallback {
			if agree(c, h) {
				return pick(c, h)
			}
		}
	}
	for i, c := range cands {
		for _, d := range cands[i+1:] {
			if agree(c, d) {
				return pick(c, d)
			}
		}
	}
	if len(cands) > 0 {
		// A title of a few words that no headline on the page agrees with
		// is more likely the site's name than the story's.
		if titleWords(cands[0]) <= 3 {
			for _, h := range heads {
				if titleWords(h) >= 5 {
					return h
				}
			}
		}
		return cands[0]
	}
	for _, h := range heads {
		if bigEnough(h) {
			return h
		}
	}
	if c := cleanTitle(fallback, sites); !generic(c, sites) {
		return c
	}
	return ""
}

// pick chooses between two agreeing titles: a, unless b is the fuller one
// (an og:title cut short), or a still carries a piece after a separator that
// b has not.
func pick(a, b string) string {
	ka, kb := normKey(a), normKey(b)
	switch {
	case ka == kb:
		if typography(b) > typography(a) {
			return b
		}
		return a
	case len(kb) > len(ka):
		if extraPiece(b, a) {
			return a
		}
		return b
	default:
		if extraPiece(a, b) {
			return b
		}
		return a
	}
}

// extraPiece reports whether long is short followed by a separator and more.
func extraPiece(long, short string) bool {
	k := normKey(short)
	for _, sep := range titleSeps {
		for i := strings.Index(long, sep); i > 0; {
			if normKey(long[:i]) == k {
				return true
			}
			j := strings.Index(long[i+len(sep):], sep)
			if j < 0 {
				break
			}
			i += len(sep) + j
		}
	}
	return false
}

// typography scores the nicer of two spellings of one title: curly quotes
// and real dashes, and no full stop closing a headline.
func typography(s string) int {
	n := 0
	for _, r := range s {
		if strings.ContainsRune("‘’“”–—…", r) {
			n++
		}
	}
	if strings.HasSuffix(s, ".") && !strings.HasSuffix(s, "..") {
		n--
	}
	return n
}
