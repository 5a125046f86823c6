package main

import (
	"bytes"
	"compress/gzip"
	"context"
	"fmt"
	"io"
	"strings"
	"time"

	"briefbot/briefs"
	"briefbot/briefs/extractive"
	"briefbot/briefs/fetch"
)

// placeholderURL stands for the page's address when --url is not given.
const placeholderURL = "https://example.invalid/"

// extractOutput is what `briefbot extract --json` prints.
type extractOutput struct {
	URL          string `json:"url"`
	CanonicalURL string `json:"canonical_url"`
	Title        string `json:"title"`
	Byline       string `json:"byline"`
	Site         string `json:"site"`
	PublishedAt  string `json:"published_at"`
	Lang         string `json:"lang"`
	Image        string `json:"image"`
	Text         string `json:"text"`
}

// cmdExtract: briefbot extract [--url U] [--json] FILE|-
func cmdExtract(_ context.Context, env *environment, args []string) error {
	fs := newFlags(env, "extract", "[--url U] [--json] FILE|-",
		"Reads a saved web page (HTML, or plain text; gzip is unpacked) from FILE, or - for stdin, runs the\n"+
			"extraction used when an article is added by link, and prints what would be stored: headline,\n"+
			"byline, site, date, language, lead image and text. Nothing is fetched and nothing is stored.\n"+
			"Without --url the page is read as if it came from "+placeholderURL+" (relative links\n"+
			"and the canonical link are resolved against it).")
	pageURL := fs.String("url", placeholderURL, "the page's address: resolves relative links, names the site")
	asJSON := fs.Bool("json", false, "print one JSON object")
	bodyName := fs.String("body", fetch.BodyAuto, "article-body extractor, for comparisons: "+strings.Join(fetch.BodyExtractors, ", "))
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		fs.Usage()
		return usagef("extract takes one FILE (or - for stdin)")
	}
	body, err := readPage(env, fs.Arg(0))
	if err != nil {
		return err
	}
	page, err := fetch.ExtractOptions(*pageURL, "", body, fetch.Options{Body: *bodyName})
	if err != nil {
		return err
	}
	out := extractOutput{
		URL: page.URL, CanonicalURL: page.CanonicalURL, Title: page.Title, Byline: page.Byline,
		Site: page.SiteName, Lang: extractive.DetectLanguage(page.Text), Image: page.Image, Text: page.Text,
	}
	if !page.PublishedAt.IsZero() {
		out.PublishedAt = page.PublishedAt.UTC().Format(time.RFC3339)
	}
	if *asJSON {
		return writeJSON(env.stdout, out)
	}
	w := env.stdout
	for _, f := range [][2]string{
		{"Title", out.Title}, {"Byline", out.Byline}, {"Site", out.Site}, {"Published", out.PublishedAt},
		{"Language", out.Lang}, {"Image", out.Image}, {"URL", out.URL}, {"Canonical", out.CanonicalURL},
	} {
		if f[1] != "" {
			fmt.Fprintf(w, "%-10s %s\n", f[0]+":", f[1])
		}
	}
	fmt.Fprintf(w, "\n%s\n", out.Text)
	return nil
}

// readPage reads FILE or stdin, at most FETCH_MAX_BYTES (after unpacking
// gzip), like a fetched page.
func readPage(env *environment, name string) ([]byte, error) {
	limit := env.cfg.FetchMaxBytes
	data, err := readInput(env, name, limit)
	if err != nil {
		return nil, fmt.Errorf("read page: %w", err)
	}
	if bytes.HasPrefix(data, []byte{0x1f, 0x8b}) {
		zr, err := gzip.NewReader(bytes.NewReader(data))
		if err != nil {
			return nil, fmt.Errorf("read page: %w", err)
		}
		if data, err = io.ReadAll(io.LimitReader(zr, limit+1)); err != nil {
			return nil, fmt.Errorf("read page: unpack gzip: %w", err)
		}
	}
	if int64(len(data)) > limit {
		return nil, briefs.Errorf(briefs.ETOOLARGE, "The page is over %s (FETCH_MAX_BYTES).", briefs.FormatBytes(limit))
	}
	return data, nil
}
