package fetch_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"briefbot/briefs/fetch"
)

// storyParagraphs are sentence-like paragraphs, all different.
func storyParagraphs(n int, topic string) []string {
	out := make([]string, n)
	for i := range out {
		out[i] = fmt.Sprintf("The %s committee met for the %d. time on Tuesday and agreed that paragraph %d of the plan needs another careful reading before spring.", topic, i+1, i+1)
	}
	return out
}

func bodyPage(body string) []byte {
	return []byte("<!DOCTYPE html><html lang=en><head><title>Harbour plan</title></head><body>" + body + "</body></html>")
}

func TestBodyDropsCommentsAndRails(t *testing.T) {
	story := storyParagraphs(6, "harbour")
	var b strings.Builder
	b.WriteString("<article><h1>Harbour plan</h1>")
	for _, p := range story {
		b.WriteString("<p>" + p + "</p>")
	}
	b.WriteString(`</article><section id="comments" class="comments"><h2>Comments</h2>`)
	for i := range 4 {
		fmt.Fprintf(&b, `<div class="comment"><p>Reader %d says this is all wrong and the council never listens to anyone at all!</p></div>`, i)
	}
	b.WriteString(`</section><div class="related"><h2>More stories</h2><ul>`)
	for i := range 6 {
		fmt.Fprintf(&b, `<li><a href="/story/%d">Another headline number %d</a></li>`, i, i)
	}
	b.WriteString(`</ul></div>`)
	for _, body := range fetch.BodyExtractors {
		if body == fetch.BodyLonger {
			continue // for comparison only: keeps whatever is longest
		}
		p, err := fetch.ExtractOptions("https://harbour.example/plan", "text/html", bodyPage(b.String()), fetch.Options{Body: body})
		if err != nil {
			t.Fatalf("%s: %v", body, err)
		}
		for _, want := range []string{story[0], story[5]} {
			if !strings.Contains(p.Text, want) {
				t.Errorf("%s: text lacks %q:\n%s", body, want, p.Text)
			}
		}
		if body == fetch.BodyAuto {
			for _, bad := range []string{"Reader 1 says", "Another headline"} {
				if strings.Contains(p.Text, bad) {
					t.Errorf("%s: text has %q:\n%s", body, bad, p.Text)
				}
			}
		}
	}
}

func TestBodyOverTrafilaturaLimitStillExtracted(t *testing.T) {
	var b strings.Builder
	b.WriteString("<article>")
	for _, p := range storyParagraphs(fetch.TrafilaturaMaxElements/2+10, "long") {
		b.WriteString(`<p>` + p + ` <a href="/x">more</a></p>`)
	}
	b.WriteString("</article>")
	start := time.Now()
	p, err := fetch.Extract("https://long.example/a", "text/html", bodyPage(b.String()))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(p.Text, "The long committee met for the 1. time") {
		t.Errorf("text starts %.100q", p.Text)
	}
	if d := time.Since(start); d > 10*time.Second {
		t.Errorf("took %v", d)
	}
}

func TestUnknownBodyExtractor(t *testing.T) {
	_, err := fetch.ExtractOptions("https://x.example/", "text/html", bodyPage("<p>x</p>"), fetch.Options{Body: "magic"})
	if err == nil || !strings.Contains(err.Error(), "unknown body extractor") {
		t.Errorf("err = %v", err)
	}
}

func TestBodyConcurrent(t *testing.T) {
	var b strings.Builder
	b.WriteString("<article>")
	for _, p := range storyParagraphs(5, "parallel") {
		b.WriteString("<p>" + p + "</p>")
	}
	b.WriteString("</article>")
	want, err := fetch.Extract("https://parallel.example/a", "text/html", bodyPage(b.String()))
	if err != nil {
		t.Fatal(err)
	}
	errs := make(chan error, 8)
	for range 8 {
		go func() {
			p, err := fetch.Extract("https://parallel.example/a", "text/html", bodyPage(b.String()))
			if err == nil && p.Text != want.Text {
				err = fmt.Errorf("text differs: %.80q", p.Text)
			}
			errs <- err
		}()
	}
	for range 8 {
		if err := <-errs; err != nil {
			t.Error(err)
		}
	}
}
