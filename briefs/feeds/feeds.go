// Package feeds reads news feeds (RSS 0.9x, 1.0 and 2.0, Atom 1.0 and JSON
// Feed 1.x, through gofeed) into the items a server follows, tidied the way
// a mature reader does: titles as plain text, links absolute, dates read
// leniently, and each item with the keys that recognise it again when the
// feed re-sends it (edited, with a rewritten date, or with a new GUID).
package feeds

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"net/url"
	"regexp"
	"sort"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/mmcdole/gofeed"
	"golang.org/x/text/encoding/charmap"

	"briefbot/briefs"
	"briefbot/briefs/fetch"
)

// Feed is a parsed feed: briefs.ParsedFeed and the format it came in.
type Feed struct {
	briefs.ParsedFeed
	Type string // "rss", "atom" or "json"
}

// Item is one story of a feed (briefs.FeedItem): its Keys recognise it when
// the feed sends it again: "guid:…" for its GUID (or Atom id), "url:…" for
// its canonical link, and, when it has neither, "hash:…" of its title, date
// and text. An item is new when none of its keys has been seen;
// remembering all of them means a feed that rewrites its GUIDs or its links
// still does not repeat itself.
type Item = briefs.FeedItem

// maxItems bounds what one feed document yields: a feed of thousands of
// items is read as its newest maxItems.
const maxItems = 200

// Parse reads a feed document fetched from feedURL (which resolves relative
// links): items newest first (undated ones after, in feed order), at most
// maxItems. A document in the encoding its XML declaration names is decoded
// from it; one that names none (or UTF-8) but is not UTF-8 is read as
// windows-1252 (readableUTF8).
// Errors: EINVALID when it is no feed gofeed can read.
func Parse(data []byte, feedURL string) (Feed, error) {
	base, _ := url.Parse(feedURL)
	f, err := gofeed.NewParser().Parse(bytes.NewReader(readableUTF8(data)))
	if err != nil {
		return Feed{}, briefs.Errorf(briefs.EINVALID, "That is not a feed briefbot can read (RSS, Atom or JSON Feed): %v", firstLine(err.Error()))
	}
	if f.FeedType == "json" && strings.TrimSpace(f.FeedVersion) == "" {
		// gofeed takes any JSON object for a JSON Feed; a JSON Feed names its
		// version.
		return Feed{}, briefs.Errorf(briefs.EINVALID, "That is JSON but not a JSON Feed (it names no version).")
	}
	if f.Link != "" {
		if l, err := url.Parse(strings.TrimSpace(f.Link)); err == nil && base != nil {
			base = base.ResolveReference(l)
		}
	}
	out := Feed{ParsedFeed: briefs.ParsedFeed{Title: oneLine(fetch.FragmentText(f.Title)), Link: absolute(base, f.Link)}, Type: f.FeedType}
	for _, it := range f.Items {
		if it == nil {
			continue
		}
		out.Items = append(out.Items, item(it, base))
	}
	sort.SliceStable(out.Items, func(i, j int) bool {
		a, b := out.Items[i].Published, out.Items[j].Published
		if a.IsZero() || b.IsZero() {
			return !a.IsZero() && b.IsZero()
		}
		return a.After(b)
	})
	if len(out.Items) > maxItems {
		out.Items = out.Items[:maxItems]
	}
	return out, nil
}

func item(it *gofeed.Item, base *url.URL) Item {
	out := Item{Title: oneLine(fetch.FragmentText(it.Title))}
	out.Link = absolute(base, it.Link)
	if out.Link == "" {
		for _, l := range it.Links {
			if out.Link = absolute(base, l); out.Link != "" {
				break
			}
		}
	}
	out.Link = unwrapRedirect(out.Link)
	switch {
	case it.PublishedParsed != nil:
		out.Published = it.PublishedParsed.UTC()
	case it.UpdatedParsed != nil:
		out.Published = it.UpdatedParsed.UTC()
	}
	if out.Content = fetch.FragmentText(it.Content); out.Content == "" {
		out.Content = fetch.FragmentText(it.Description)
	}
	if g := strings.TrimSpace(it.GUID); g != "" {
		out.Keys = append(out.Keys, "guid:"+g)
	}
	if out.Link != "" {
		key := out.Link
		if c, err := briefs.CanonicalURL(out.Link); err == nil {
			key = c
		}
		out.Keys = append(out.Keys, "url:"+key)
	}
	if len(out.Keys) == 0 {
		sum := sha256.Sum256([]byte(out.Title + "\x00" + out.Published.Format(time.RFC3339) + "\x00" + out.Content))
		out.Keys = append(out.Keys, "hash:"+hex.EncodeToString(sum[:12]))
	}
	return out
}

// absolute resolves ref against base and returns it when it is an http(s)
// URL with a host, "" otherwise.
func absolute(base *url.URL, ref string) string {
	ref = strings.TrimSpace(ref)
	if ref == "" {
		return ""
	}
	u, err := url.Parse(ref)
	if err != nil {
		return ""
	}
	if base != nil {
		u = base.ResolveReference(u)
	}
	if (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return ""
	}
	return u.String()
}

// unwrapRedirect returns the story a link through Google's redirector
// (https://www.google.com/url?…&url=<story>, as Google Alerts feeds link
// every item) points at, and any other link as it is: the story's own
// address is what its page is fetched from, what recognises it again from
// another feed, and what a brief names as its source.
func unwrapRedirect(link string) string {
	u, err := url.Parse(link)
	if err != nil || u.Path != "/url" {
		return link
	}
	if host := strings.ToLower(u.Hostname()); host != "www.google.com" && host != "google.com" {
		return link
	}
	q := u.Query()
	for _, param := range []string{"url", "q"} {
		if target := absolute(nil, q.Get(param)); target != "" {
			return target
		}
	}
	return link
}

// xmlEncoding matches the encoding an XML declaration names.
var xmlEncoding = regexp.MustCompile(`^\x{FEFF}?\s*<\?xml[^>]*?\sencoding\s*=\s*["']([A-Za-z0-9._:-]+)["']`)

// readableUTF8 returns a document that names no encoding (or UTF-8) but is
// not UTF-8 in a form the parser reads. Servers send Latin-1 feeds without
// an XML declaration (the charset only in their Content-Type, if at all);
// XML then means UTF-8, and the parser refused the whole feed at its first
// accented letter. Such a document is read as windows-1252 (which covers
// ISO-8859-1), as browsers and feed readers do; one that is mostly UTF-8
// keeps it, its stray bytes replaced. A document that declares another
// encoding, or starts with a UTF-16 byte-order mark, is left to the parser,
// which decodes it.
func readableUTF8(data []byte) []byte {
	if utf8.Valid(data) || bytes.HasPrefix(data, []byte("\xfe\xff")) || bytes.HasPrefix(data, []byte("\xff\xfe")) {
		return data
	}
	head := data[:min(len(data), 512)]
	if m := xmlEncoding.FindSubmatch(head); m != nil {
		if label := strings.ToLower(string(m[1])); label != "utf-8" && label != "utf8" {
			return data
		}
	}
	if briefs.MostlyUTF8(data) {
		return bytes.ToValidUTF8(data, []byte("\uFFFD"))
	}
	out, err := charmap.Windows1252.NewDecoder().Bytes(data)
	if err != nil {
		return bytes.ToValidUTF8(data, []byte("\uFFFD"))
	}
	return out
}

func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }

func firstLine(s string) string {
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		s = s[:i]
	}
	return briefs.Truncate(s, 160)
}

// ParseFeed is Parse as a briefs.FeedParser.
func ParseFeed(doc []byte, feedURL string) (briefs.ParsedFeed, error) {
	f, err := Parse(doc, feedURL)
	return f.ParsedFeed, err
}
