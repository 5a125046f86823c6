package extractive

import (
	"html"
	"strings"
)

// HTML pasted where text was expected: detecting it and stripping it to
// lines of text.

// looksHTML reports whether text holds HTML markup: a known tag, not merely a
// "<" in prose ("a < b"). It is looser than briefs.LooksLikeHTML on purpose:
// that one decides whether a text is a page, to send it through the page
// extractor; text that reaches the summarizer is not a page, and a single
// stray tag in it ("<p>", "<br>") is still worth stripping.
func looksHTML(s string) bool {
	for i := 0; i < len(s); {
		j := strings.IndexByte(s[i:], '<')
		if j < 0 {
			return false
		}
		i += j + 1
		if strings.HasPrefix(s[i:], "!--") || strings.HasPrefix(s[i:], "!DOCTYPE") || strings.HasPrefix(s[i:], "!doctype") {
			return true
		}
		name, _ := tagName(s[i:])
		if knownTags[name] {
			return true
		}
	}
	return false
}

// tagName reads the lower-cased tag name at the start of s (after "<"), and
// whether the tag is a closing one.
func tagName(s string) (string, bool) {
	closing := false
	if strings.HasPrefix(s, "/") {
		closing = true
		s = s[1:]
	}
	n := 0
	for n < len(s) && n < 12 && (s[n] >= 'a' && s[n] <= 'z' || s[n] >= 'A' && s[n] <= 'Z' || n > 0 && s[n] >= '0' && s[n] <= '9') {
		n++
	}
	if n == 0 || n < len(s) && s[n] != ' ' && s[n] != '>' && s[n] != '/' && s[n] != '\n' && s[n] != '\t' && s[n] != '\r' {
		return "", closing
	}
	return strings.ToLower(s[:n]), closing
}

var knownTags = setOf("html", "head", "body", "p", "div", "br", "span", "a", "h1", "h2", "h3", "h4",
	"h5", "h6", "ul", "ol", "li", "table", "tr", "td", "th", "img", "script", "style", "article",
	"section", "meta", "link", "strong", "em", "b", "i", "u", "blockquote", "figure", "figcaption",
	"header", "footer", "nav", "aside", "main", "time", "title", "picture", "source", "iframe",
	"noscript", "button", "form", "input", "svg", "hr", "small", "sup", "sub", "pre", "code", "cite",
	"dl", "dt", "dd", "template", "label", "select", "option", "video", "audio")

// blockTags end a line of text.
var blockTags = setOf("p", "div", "br", "li", "h1", "h2", "h3", "h4", "h5", "h6", "tr", "article",
	"section", "header", "footer", "blockquote", "ul", "ol", "table", "main", "figure", "hr",
	"dl", "dt", "dd", "pre", "body", "html", "title")

// skipTags hold no story text: their content is dropped with them.
var skipTags = setOf("script", "style", "noscript", "template", "svg", "nav", "aside", "form",
	"button", "select", "iframe", "figcaption", "head", "video", "audio", "picture")

// stripHTML turns HTML into text: tags removed, block elements on lines of
// their own, list items as "•" bullets, scripts, navigation and captions
// dropped, entities decoded. It is a small tolerant scanner, not a parser:
// readability extraction belongs to the fetcher; this handles HTML that was
// pasted where text was expected.
func stripHTML(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	for i := 0; i < len(s); {
		j := strings.IndexByte(s[i:], '<')
		if j < 0 {
			b.WriteString(s[i:])
			break
		}
		b.WriteString(s[i : i+j])
		i += j
		if strings.HasPrefix(s[i:], "<!--") {
			k := strings.Index(s[i+4:], "-->")
			if k < 0 {
				break
			}
			i += 4 + k + 3
			continue
		}
		name, closing := tagName(s[i+1:])
		end := tagEnd(s, i+1)
		if name == "" && !strings.HasPrefix(s[i+1:], "!") && !strings.HasPrefix(s[i+1:], "?") {
			b.WriteByte('<') // not a tag: "a < b"
			i++
			continue
		}
		i = end
		switch {
		case !closing && skipTags[name] && !strings.HasSuffix(s[:end], "/>"):
			// Drop everything up to the matching close tag.
			k := indexFold(s[i:], "</"+name)
			if k < 0 {
				i = len(s)
			} else {
				i = tagEnd(s, i+k+1)
			}
			b.WriteByte('\n')
		case name == "li":
			if !closing {
				b.WriteString("\n• ")
			}
		case blockTags[name]:
			b.WriteByte('\n')
		case name == "td" || name == "th":
			b.WriteByte(' ')
		}
	}
	return html.UnescapeString(b.String())
}

// tagEnd returns the index after the ">" closing the tag that starts before
// i, skipping quoted attribute values.
func tagEnd(s string, i int) int {
	var quote byte
	for ; i < len(s); i++ {
		c := s[i]
		switch {
		case quote != 0:
			if c == quote {
				quote = 0
			}
		case c == '"' || c == '\'':
			quote = c
		case c == '>':
			return i + 1
		}
	}
	return len(s)
}

// indexFold is strings.Index ignoring ASCII case.
func indexFold(s, sub string) int {
	for i := 0; i+len(sub) <= len(s); i++ {
		if strings.EqualFold(s[i:i+len(sub)], sub) {
			return i
		}
	}
	return -1
}
