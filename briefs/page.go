package briefs

import (
	"fmt"
	"strings"
)

// PageExtractor extracts the article from an HTML document a user saved or
// pasted, the same way a fetched page is read: the story's text, headline,
// byline, site, date, lead image and canonical link (CanonicalURL "" when
// the page names none). Errors: EINVALID (not readable, or too little
// article text), ETOOLARGE.
type PageExtractor func(html []byte) (WebPage, error)

// htmlSniffLen bounds how much of a text LooksLikeHTML reads.
const htmlSniffLen = 64 << 10

// LooksLikeHTML reports whether text is an HTML document or a fragment of
// one rather than prose: it starts with a doctype or <html>, or it has
// <html>, <body> or <article> among a few tags, or it has many tags.
// Prose that mentions a tag or two ("use the <p> element") is not HTML.
func LooksLikeHTML(text string) bool {
	if len(text) > htmlSniffLen {
		text = text[:htmlSniffLen]
	}
	lower := strings.ToLower(strings.TrimLeft(text, "\ufeff \t\r\n"))
	if strings.HasPrefix(lower, "<!doctype html") || strings.HasPrefix(lower, "<html") {
		return true
	}
	tags, structural := 0, false
	for i := 0; i < len(lower); {
		j := strings.IndexByte(lower[i:], '<')
		if j < 0 {
			break
		}
		i += j + 1
		name := lower[i:]
		name = strings.TrimPrefix(name, "/")
		n := 0
		for n < len(name) && n < 10 && (name[n] >= 'a' && name[n] <= 'z' || n > 0 && name[n] >= '1' && name[n] <= '6') {
			n++
		}
		if n == 0 || n == len(name) || !strings.ContainsRune(" >/\t\r\n", rune(name[n])) || !htmlTags[name[:n]] {
			continue
		}
		tags++
		switch name[:n] {
		case "html", "body", "article", "head":
			structural = true
		}
		if tags >= 10 || structural && tags >= 3 {
			return true
		}
	}
	return false
}

// htmlTags are the elements that mark a text as HTML.
var htmlTags = map[string]bool{
	"html": true, "head": true, "body": true, "article": true, "main": true, "section": true,
	"header": true, "footer": true, "nav": true, "aside": true, "div": true, "span": true, "p": true,
	"a": true, "br": true, "hr": true, "img": true, "figure": true, "figcaption": true, "picture": true,
	"ul": true, "ol": true, "li": true, "h1": true, "h2": true, "h3": true, "h4": true, "h5": true, "h6": true,
	"meta": true, "link": true, "script": true, "style": true, "title": true, "noscript": true,
	"table": true, "tr": true, "td": true, "th": true, "strong": true, "em": true, "b": true, "i": true,
	"blockquote": true, "time": true, "button": true, "form": true, "input": true, "iframe": true,
}

// fromPage replaces HTML in an add with the article extracted from it, as
// a link would give it: the text, and the headline, byline, site, date, lead
// image and canonical link when the admin did not give them.
func (s *Service) fromPage(in AddInput) (AddInput, error) {
	if s.MaxPageBytes > 0 && len(in.Text) > s.MaxPageBytes {
		return in, Errorf(ETOOLARGE, "The page is %s; a saved page may be at most %s (%s).", FormatBytes(int64(len(in.Text))), FormatBytes(int64(s.MaxPageBytes)), SettingFetchMaxBytes)
	}
	page, err := s.ExtractPage([]byte(in.Text))
	if err != nil {
		return in, fmt.Errorf("add page: %w", err)
	}
	in.Text = page.Text
	in.Title = firstNonEmpty(strings.TrimSpace(in.Title), page.Title)
	in.Byline = firstNonEmpty(in.Byline, page.Byline)
	in.Site = firstNonEmpty(in.Site, page.Site)
	in.PublishedAt = firstTime(in.PublishedAt, page.PublishedAt)
	in.ImageURL = firstNonEmpty(in.ImageURL, page.Image)
	in.SourceURL = firstNonEmpty(in.SourceURL, page.CanonicalURL)
	return in, nil
}
