package stories_test

import (
	"bufio"
	"encoding/json"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"briefbot/internal/testkit"
)

// clusterArticle is one line of clusters.jsonl: an article and the event
// (story) it reports. See testdata/SOURCE.md.
type clusterArticle struct {
	ID        string `json:"id"`
	Event     string `json:"event"`
	Outlet    string `json:"outlet"`
	URL       string `json:"url"`
	Published string `json:"published"`
	Title     string `json:"title"`
	Text      string `json:"text"`
	Lang      string `json:"lang"`
}

const clustersName = "clusters.jsonl"

// clustersPath finds the labelled story clusters: $STORIES_CLUSTERS, else
// testdata/clusters.jsonl, else shared/stories/clusters.jsonl beside the
// checkout.
func clustersPath(t *testing.T) string {
	t.Helper()
	if p := os.Getenv("STORIES_CLUSTERS"); p != "" {
		return p
	}
	local := filepath.Join("testdata", clustersName)
	if _, err := os.Stat(local); err == nil {
		return local
	}
	return testkit.SharedPath(t, "stories", clustersName)
}

func loadClusters(t *testing.T) []clusterArticle {
	t.Helper()
	path := clustersPath(t)
	f, err := os.Open(path)
	if errors.Is(err, fs.ErrNotExist) {
		t.Skipf("%s not found: see briefs/stories/testdata/SOURCE.md for where the story clusters live", path)
	}
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var out []clusterArticle
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 0, 64*1024), 1<<20)
	for n := 1; sc.Scan(); n++ {
		var a clusterArticle
		dec := json.NewDecoder(strings.NewReader(sc.Text()))
		if err := dec.Decode(&a); err != nil {
			t.Fatalf("%s:%d: %v", path, n, err)
		}
		out = append(out, a)
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

// TestClustersShape checks the labelled set has the size and fields the
// story-matching evaluation relies on.
func TestClustersShape(t *testing.T) {
	arts := loadClusters(t)
	ids := map[string]bool{}
	events := map[string][]clusterArticle{}
	for _, a := range arts {
		if a.ID == "" || ids[a.ID] {
			t.Errorf("missing or repeated id %q", a.ID)
		}
		ids[a.ID] = true
		if a.Event == "" || a.Outlet == "" || a.URL == "" || a.Lang == "" {
			t.Errorf("%s: event, outlet, url and lang are required: %+v", a.ID, a)
		}
		if strings.TrimSpace(a.Title) == "" || strings.TrimSpace(a.Text) == "" {
			t.Errorf("%s: empty title or text", a.ID)
		}
		if len(a.Text) > 2100 {
			t.Errorf("%s: text of %d bytes; the set keeps at most about 2,000 characters", a.ID, len(a.Text))
		}
		if _, err := time.Parse("2006-01-02", a.Published); err != nil {
			t.Errorf("%s: published %q is not a YYYY-MM-DD date", a.ID, a.Published)
		}
		events[a.Event] = append(events[a.Event], a)
	}
	if len(arts) < 150 || len(events) < 40 {
		t.Fatalf("%d articles in %d events; want at least 150 and 40", len(arts), len(events))
	}
	multi := 0
	for ev, as := range events {
		if len(as) < 3 {
			continue
		}
		multi++
		outlets := map[string]bool{}
		for _, a := range as {
			outlets[a.Outlet] = true
		}
		if len(outlets) < 3 {
			t.Errorf("event %s: %d articles from only %d outlets", ev, len(as), len(outlets))
		}
	}
	if multi < 40 {
		t.Errorf("%d events with three or more articles; want at least 40", multi)
	}
	t.Logf("%d articles, %d events, %d with three or more articles", len(arts), len(events), multi)
}

// TestClustersHardNegatives checks a few of the hard-negative pairs listed in
// SOURCE.md: two events naming the same people or company that are still
// different events, told apart by what happened and when.
func TestClustersHardNegatives(t *testing.T) {
	arts := loadClusters(t)
	byEvent := map[string][]clusterArticle{}
	for _, a := range arts {
		byEvent[a.Event] = append(byEvent[a.Event], a)
	}
	pairs := []struct{ a, b, shared string }{
		{"t01a-lohan-checks-into-rehab", "t01b-lohan-moves-to-malibu-rehab", "Lohan"},
		{"t09a-obama-memo-endangered-species", "t09c-interior-commerce-reverse-esa-rule", "endangered species"},
		{"t27b-microsoft-ie-patch-2012", "t27a-microsoft-ie-patch-2013", "Microsoft"},
		{"t36e-jeffs-convicted", "t36f-jeffs-sentenced-life", "Jeffs"},
		{"t43a-amd-buys-seamicro", "t43b-amd-completes-seamicro", "SeaMicro"},
	}
	for _, p := range pairs {
		as, bs := byEvent[p.a], byEvent[p.b]
		if len(as) == 0 || len(bs) == 0 {
			t.Errorf("hard-negative pair %s / %s: an event is missing", p.a, p.b)
			continue
		}
		for _, a := range append(as[:len(as):len(as)], bs...) {
			if !strings.Contains(strings.ToLower(a.Title+" "+a.Text), strings.ToLower(p.shared)) {
				t.Errorf("%s (%s) does not name %q", a.ID, a.Event, p.shared)
			}
		}
		// Different events may share a day, but these pairs do not: the
		// later event is reported only after the earlier one's coverage.
		for _, a := range as {
			for _, b := range bs {
				if a.Published >= b.Published {
					t.Errorf("%s (%s) is not before %s (%s)", a.ID, a.Published, b.ID, b.Published)
				}
			}
		}
	}
}
