package fetch_test

import (
	"context"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"briefbot/briefs"
	"briefbot/briefs/fetch"
)

const rssDoc = `<?xml version="1.0"?><rss version="2.0"><channel><title>T</title></channel></rss>`

// A feed is fetched with its ETag and Last-Modified kept; sent back, they
// make an unchanged feed answer 304 with no body.
func TestFetchFeedConditional(t *testing.T) {
	var gets, conditional atomic.Int32
	srv := serve(t, func(w http.ResponseWriter, r *http.Request) {
		gets.Add(1)
		if r.Header.Get("If-None-Match") == `"v1"` {
			conditional.Add(1)
			w.WriteHeader(http.StatusNotModified)
			return
		}
		if !strings.Contains(r.Header.Get("Accept"), "application/rss+xml") {
			t.Errorf("Accept %q asks for no feed", r.Header.Get("Accept"))
		}
		w.Header().Set("Content-Type", "application/rss+xml; charset=utf-8")
		w.Header().Set("ETag", `"v1"`)
		w.Header().Set("Last-Modified", "Fri, 04 Dec 2026 10:00:00 GMT")
		w.Write([]byte(rssDoc))
	})
	f := fetch.New(local)
	ctx := context.Background()
	d, err := f.FetchFeed(ctx, srv.URL+"/feed.xml", fetch.Conditional{})
	if err != nil || d.NotModified || string(d.Body) != rssDoc || d.Next.ETag != `"v1"` || d.Next.LastModified != "Fri, 04 Dec 2026 10:00:00 GMT" {
		t.Fatalf("first fetch: %+v, %v", d, err)
	}
	again, err := f.FetchFeed(ctx, srv.URL+"/feed.xml", d.Next)
	if err != nil || !again.NotModified || again.Body != nil || again.Next != d.Next {
		t.Fatalf("conditional fetch: %+v, %v", again, err)
	}
	if gets.Load() != 2 || conditional.Load() != 1 {
		t.Errorf("%d requests, %d conditional", gets.Load(), conditional.Load())
	}
}

// A 429 or 503 says when to come back (seconds or a date), capped at a day;
// without the header there is nothing to say.
func TestFetchFeedRetryAfter(t *testing.T) {
	for _, c := range []struct {
		status int
		header string
		want   time.Duration
		ok     bool
	}{
		{http.StatusTooManyRequests, "120", 2 * time.Minute, true},
		{http.StatusServiceUnavailable, "999999", 24 * time.Hour, true},
		{http.StatusTooManyRequests, "", 0, false},
		{http.StatusTooManyRequests, "soon", 0, false},
	} {
		srv := serve(t, func(w http.ResponseWriter, r *http.Request) {
			if c.header != "" {
				w.Header().Set("Retry-After", c.header)
			}
			w.WriteHeader(c.status)
		})
		_, err := fetch.New(local).FetchFeed(context.Background(), srv.URL, fetch.Conditional{})
		if briefs.ErrorCode(err) != briefs.EUNAVAILABLE {
			t.Errorf("%d %q: %v, want EUNAVAILABLE", c.status, c.header, err)
		}
		if wait, ok := briefs.RetryAfter(err); ok != c.ok || wait != c.want {
			t.Errorf("%d %q: RetryAfter = %s %v, want %s %v", c.status, c.header, wait, ok, c.want, c.ok)
		}
	}
	srv := serve(t, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Retry-After", time.Now().Add(time.Hour).UTC().Format(http.TimeFormat))
		w.WriteHeader(http.StatusTooManyRequests)
	})
	_, err := fetch.New(local).FetchFeed(context.Background(), srv.URL, fetch.Conditional{})
	if wait, ok := briefs.RetryAfter(err); !ok || wait < 58*time.Minute || wait > time.Hour {
		t.Errorf("Retry-After as a date: %s %v, want about an hour", wait, ok)
	}
}

// The fetcher's rules hold for feeds: no private address unless allowed, no
// images, nothing over MaxBytes.
func TestFetchFeedRules(t *testing.T) {
	srv := servePage(t, "application/rss+xml", []byte(rssDoc))
	if _, err := fetch.New(fetch.Config{Timeout: 5 * time.Second}).FetchFeed(context.Background(), srv.URL, fetch.Conditional{}); briefs.ErrorCode(err) != briefs.EINVALID {
		t.Errorf("loopback feed without AllowPrivate: %v, want EINVALID", err)
	}
	img := servePage(t, "image/png", []byte("\x89PNG"))
	if _, err := fetch.New(local).FetchFeed(context.Background(), img.URL, fetch.Conditional{}); briefs.ErrorCode(err) != briefs.EINVALID {
		t.Errorf("an image: %v, want EINVALID", err)
	}
	big := servePage(t, "application/rss+xml", []byte(strings.Repeat("x", 2048)))
	small := local
	small.MaxBytes = 1024
	if _, err := fetch.New(small).FetchFeed(context.Background(), big.URL, fetch.Conditional{}); briefs.ErrorCode(err) != briefs.ETOOLARGE {
		t.Errorf("a feed over MaxBytes: %v, want ETOOLARGE", err)
	}
}
