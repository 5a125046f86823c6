package fetch

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"io"
	"net/url"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	readability "codeberg.org/readeck/go-readability/v2"
	"golang.org/x/net/html"
)

// TestTitlePages prints, for saved real pages, readability's title and the
// reader title where they differ. It runs only when BRIEFBOT_PAGES names a
// folder with html/<id>.html.gz and ground-truth.json (each id's "url").
func TestTitlePages(t *testing.T) {
	dir := os.Getenv("BRIEFBOT_PAGES")
	if dir == "" {
		t.Skip("BRIEFBOT_PAGES not set")
	}
	raw, err := os.ReadFile(filepath.Join(dir, "ground-truth.json"))
	if err != nil {
		t.Fatal(err)
	}
	var truth map[string]struct {
		URL string `json:"url"`
	}
	if err := json.Unmarshal(raw, &truth); err != nil {
		t.Fatal(err)
	}
	ids := make([]string, 0, len(truth))
	for id := range truth {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	changed := 0
	for _, id := range ids {
		f, err := os.Open(filepath.Join(dir, "html", id+".html.gz"))
		if err != nil {
			t.Fatal(err)
		}
		zr, err := gzip.NewReader(f)
		if err != nil {
			t.Fatal(err)
		}
		body, err := io.ReadAll(zr)
		f.Close()
		if err != nil {
			t.Fatal(err)
		}
		u, _ := url.Parse(truth[id].URL)
		text, _ := decodeBody(body, "", true)
		doc, err := html.Parse(strings.NewReader(text))
		if err != nil {
			continue
		}
		old := ""
		p := readability.NewParser()
		if art, err := p.ParseAndMutate(doc, u); err == nil {
			old = oneLine(art.Title())
		}
		page, err := Extract(truth[id].URL, "text/html", bytes.Clone(body))
		if err != nil {
			t.Logf("%s: %v", id, err)
			continue
		}
		if os.Getenv("BRIEFBOT_ALL") != "" {
			t.Logf("ALL %s %s %q", id[:8], u.Hostname(), page.Title)
		}
		if page.Title != old {
			changed++
			t.Logf("%s %s\n    %q\n -> %q", id, u.Hostname(), old, page.Title)
		}
	}
	t.Logf("%d of %d titles changed", changed, len(ids))
}
