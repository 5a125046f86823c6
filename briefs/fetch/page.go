package fetch

import (
	"bytes"
	"net/url"
	"strings"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// pastedBase stands in for the URL of a page that was saved or pasted and
// names no canonical link of its own (.invalid never resolves).
const pastedBase = "https://pasted.invalid/page"

// ExtractPage reads an HTML document a user saved or pasted, with no link to
// fetch, exactly as Extract reads a fetched page. The page's own canonical
// link (<link rel=canonical>, else og:url) stands for its URL when it is an
// absolute http(s) link to an article (not a home page); without one, URL,
// CanonicalURL are "" and the site name and lead image are kept only when
// the page itself gives them absolutely. Errors: those of Extract.
func ExtractPage(body []byte) (Page, error) {
	canon := pageLink(body)
	base := canon
	if base == "" {
		base = pastedBase
	}
	page, err := Extract(base, "text/html", body)
	if err != nil {
		return Page{}, err
	}
	if canon == "" {
		page.URL, page.CanonicalURL = "", ""
		if page.SiteName == hostSite(mustParse(pastedBase)) {
			page.SiteName = ""
		}
		if u, err := url.Parse(page.Image); err == nil && u.Hostname() == mustParse(pastedBase).Hostname() {
			page.Image = ""
		}
	}
	return page, nil
}

func mustParse(s string) *url.URL {
	u, err := url.Parse(s)
	if err != nil {
		panic(err)
	}
	return u
}

// pageLink finds the page's canonical link in its head: <link
// rel=canonical>, else <meta property=og:url>; "" when neither is an
// absolute http(s) URL of an article page.
func pageLink(body []byte) string {
	z := html.NewTokenizer(bytes.NewReader(body))
	var canonical, og string
	for canonical == "" {
		tt := z.Next()
		if tt == html.ErrorToken {
			break
		}
		if tt != html.StartTagToken && tt != html.SelfClosingTagToken {
			continue
		}
		name, hasAttr := z.TagName()
		a := atom.Lookup(name)
		if a == atom.Body {
			break
		}
		if (a != atom.Link && a != atom.Meta) || !hasAttr {
			continue
		}
		attrs := map[string]string{}
		for more := true; more; {
			var k, v []byte
			k, v, more = z.TagAttr()
			attrs[string(k)] = string(v)
		}
		switch {
		case a == atom.Link && hasToken(attrs["rel"], "canonical"):
			canonical = articleLink(attrs["href"])
		case a == atom.Meta && og == "" && strings.EqualFold(strings.TrimSpace(attrs["property"]), "og:url"):
			og = articleLink(attrs["content"])
		}
	}
	if canonical != "" {
		return canonical
	}
	return og
}

func hasToken(list, tok string) bool {
	for _, f := range strings.Fields(list) {
		if strings.EqualFold(f, tok) {
			return true
		}
	}
	return false
}

// articleLink returns s when it is an absolute http(s) URL with a host and
// a path or query beyond the home page, "" otherwise.
func articleLink(s string) string {
	s = strings.TrimSpace(s)
	u, err := url.Parse(s)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.User != nil || isRoot(u) || len(s) > maxURLLen {
		return ""
	}
	return u.String()
}
