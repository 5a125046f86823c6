package feeds

import (
	"bytes"
	"net/url"
	"strings"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// feedTypes are the media types of <link rel="alternate"> that name a feed.
var feedTypes = map[string]bool{
	"application/rss+xml":   true,
	"application/atom+xml":  true,
	"application/feed+json": true,
	"application/json":      true,
	"application/rdf+xml":   true,
	"text/xml":              true,
	"application/xml":       true,
}

// Discover lists the feeds an HTML page announces with <link
// rel="alternate" type="application/rss+xml" href="…"> (Atom, JSON Feed and
// RDF alike), resolved against pageURL, in page order, without repeats:
// what a site URL given to /feed add is followed through. Only the head is
// read.
func Discover(page []byte, pageURL string) []string {
	base, _ := url.Parse(pageURL)
	z := html.NewTokenizer(bytes.NewReader(page))
	var out []string
	seen := map[string]bool{}
	for {
		tt := z.Next()
		if tt == html.ErrorToken {
			return out
		}
		if tt != html.StartTagToken && tt != html.SelfClosingTagToken {
			continue
		}
		name, hasAttr := z.TagName()
		a := atom.Lookup(name)
		if a == atom.Body {
			return out
		}
		if a != atom.Link || !hasAttr {
			continue
		}
		attrs := map[string]string{}
		for more := true; more; {
			var k, v []byte
			k, v, more = z.TagAttr()
			attrs[strings.ToLower(string(k))] = string(v)
		}
		typ := strings.ToLower(strings.TrimSpace(strings.Split(attrs["type"], ";")[0]))
		if !hasWord(attrs["rel"], "alternate") || !feedTypes[typ] {
			continue
		}
		if u := absolute(base, attrs["href"]); u != "" && !seen[u] {
			seen[u] = true
			out = append(out, u)
		}
	}
}

func hasWord(list, word string) bool {
	for _, f := range strings.Fields(list) {
		if strings.EqualFold(f, word) {
			return true
		}
	}
	return false
}
