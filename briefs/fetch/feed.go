package fetch

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"time"

	"briefbot/briefs"
)

// Document is a feed document (or the HTML page of a site, to discover its
// feeds from) as fetched.
type Document struct {
	URL         string // the final URL, after redirects
	ContentType string
	Body        []byte // nil when NotModified
	// NotModified: the site answered 304 to the Conditional sent, so the
	// document is as it was.
	NotModified bool
	// Conditional to send next time: the ETag and Last-Modified the site
	// gave (those sent, when it gave none).
	Next Conditional
}

// feedAccept asks for the feed formats first and a site's page last (a site
// URL is followed to its feeds).
const feedAccept = "application/rss+xml, application/atom+xml, application/feed+json, application/json;q=0.9, " +
	"application/rdf+xml;q=0.9, application/xml;q=0.8, text/xml;q=0.8, text/html;q=0.5, */*;q=0.1"

// FetchFeed downloads a feed document (or a site's page) under the same
// rules as Fetch (public addresses only, redirects, Timeout, MaxBytes),
// sending cond so that an unchanged feed answers 304. Errors: those of
// Fetch; a 429 or 503 with a Retry-After header carries it (RetryAfter).
func (f *Fetcher) FetchFeed(ctx context.Context, rawURL string, cond Conditional) (Document, error) {
	u, err := ParseLink(rawURL)
	if err != nil {
		return Document{}, err
	}
	r, err := f.download(ctx, u, feedAccept, cond, feedType)
	if err != nil {
		return Document{}, fmt.Errorf("fetch feed %s: %w", u.Redacted(), err)
	}
	d := Document{URL: r.url.String(), ContentType: r.header.Get("Content-Type"), Body: r.body, NotModified: r.status == http.StatusNotModified, Next: cond}
	if e := r.header.Get("ETag"); e != "" {
		d.Next.ETag = e
	}
	if lm := r.header.Get("Last-Modified"); lm != "" {
		d.Next.LastModified = lm
	}
	return d, nil
}

// feedType refuses what cannot be a feed or a page: images, PDFs, video.
func feedType(mt string) error {
	switch {
	case strings.HasPrefix(mt, "image/"), strings.HasPrefix(mt, "video/"), strings.HasPrefix(mt, "audio/"),
		mt == "application/pdf", mt == "application/zip", mt == "application/octet-stream":
		return notAPage(mt)
	}
	return nil
}

// maxRetryAfter caps a site's Retry-After: a feed is polled again within a
// day whatever the site says.
const maxRetryAfter = 24 * time.Hour

// withRetryAfter attaches resp's Retry-After (seconds, or an HTTP date) to
// err, when it has one; briefs.RetryAfter reads it back.
func withRetryAfter(resp *http.Response, err *briefs.Error) error {
	if wait, ok := briefs.ParseRetryAfter(resp.Header.Get("Retry-After")); ok {
		return briefs.WithRetryAfter(err, wait, maxRetryAfter)
	}
	return err
}
