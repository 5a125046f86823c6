package main

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
)

// The feed commands end to end on a loopback site: follow it by its home
// page with a backfill of one, list it, poll it (nothing new, then one new
// story), remove it.
func TestFeedCommands(t *testing.T) {
	var stories atomic.Int32
	stories.Store(2)
	page := func(title string) string {
		text := strings.Repeat(title+" was approved by the city council on Monday after a long debate about costs. ", 4)
		return `<!DOCTYPE html><html><head><title>` + title + `</title></head><body><article><h1>` + title + `</h1><p>` + text + `</p><p>` + text + `</p></article></body></html>`
	}
	titles := []string{"Harbour ferry approved", "Market hall reopening approved", "Bridge repairs approved"}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch {
		case r.URL.Path == "/":
			fmt.Fprint(w, `<!DOCTYPE html><html><head><title>Harbour</title><link rel="alternate" type="application/atom+xml" href="/atom"></head><body><p>Home</p></body></html>`)
		case r.URL.Path == "/atom":
			w.Header().Set("Content-Type", "application/atom+xml")
			var entries strings.Builder
			for i := int(stories.Load()) - 1; i >= 0; i-- {
				fmt.Fprintf(&entries, `<entry><title>%s</title><link href="/s/%d"/><id>tag:harbour,%d</id><updated>2026-12-0%dT10:00:00Z</updated></entry>`, titles[i], i, i, i+1)
			}
			fmt.Fprintf(w, `<?xml version="1.0"?><feed xmlns="http://www.w3.org/2005/Atom"><title>Harbour Town</title>%s</feed>`, entries.String())
		case strings.HasPrefix(r.URL.Path, "/s/"):
			var i int
			fmt.Sscanf(r.URL.Path, "/s/%d", &i)
			fmt.Fprint(w, page(titles[i]))
		default:
			http.NotFound(w, r)
		}
	}))
	t.Cleanup(srv.Close)
	c := newCLI(t)
	c.env["FETCH_ALLOW_PRIVATE"] = "true"

	add := c.mustRun("", "feed", "add", "--backfill", "1", srv.URL+"/")
	if !strings.Contains(add.stdout, "Following "+srv.URL+"/atom (Harbour Town)") || !strings.Contains(add.stdout, "Market hall reopening approved") ||
		strings.Contains(add.stdout, "Harbour ferry approved") {
		t.Fatalf("feed add: %s", add.stdout)
	}
	if list := c.mustRun("", "feed", "list"); !strings.Contains(list.stdout, srv.URL+"/atom\tevery 15m0s; 1 stories") {
		t.Errorf("feed list: %s", list.stdout)
	}
	if poll := c.mustRun("", "feed", "poll", "--all"); strings.Contains(poll.stdout, "  + ") {
		t.Errorf("nothing new, yet poll added: %s", poll.stdout)
	}
	stories.Store(3)
	if poll := c.mustRun("", "feed", "poll"); strings.Contains(poll.stdout, "  + ") || !strings.Contains(poll.stderr, "0 of 1 feeds polled") {
		t.Errorf("a feed not yet due was polled: %s %s", poll.stdout, poll.stderr)
	}
	poll := c.mustRun("", "feed", "poll", "--all")
	if strings.Count(poll.stdout, "  + ") != 1 || !strings.Contains(poll.stdout, "Bridge repairs approved") {
		t.Errorf("one new story: %s", poll.stdout)
	}
	if list := c.mustRun("", "list"); strings.Count(list.stdout, "\n") != 2 {
		t.Errorf("articles after the polls:\n%s", list.stdout)
	}
	c.mustRun("", "feed", "remove", srv.URL+"/atom")
	if r := c.run("", "feed", "remove", srv.URL+"/atom"); r.err == nil || !strings.Contains(r.err.Error()+r.stderr, "does not follow") {
		t.Errorf("removing it twice: %v %s", r.err, r.stderr)
	}
	if r := c.run("", "feed", "add", "--every", "1m", srv.URL+"/atom"); r.err == nil || !strings.Contains(userMessage(r.err), "at most every 5m0s") {
		t.Errorf("a one-minute interval: %v", r.err)
	}
	if r := c.run("", "feed", "frobnicate"); r.err == nil {
		t.Error("an unknown feed command was accepted")
	}
}
