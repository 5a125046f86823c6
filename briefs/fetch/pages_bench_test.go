package fetch_test

import (
	"compress/gzip"
	"encoding/json"
	"io"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"briefbot/briefs/fetch"
)

// extractionBench is the offline extraction benchmark beside the checkout.
const extractionBench = "../../../shared/evaldata/extraction"

type benchPage struct {
	id, url string
	body    []byte
}

func loadBenchPages(b *testing.B) []benchPage {
	b.Helper()
	dir := extractionBench
	if d := os.Getenv("EVALDATA"); d != "" {
		dir = d
	}
	gt, err := os.ReadFile(filepath.Join(dir, "ground-truth.json"))
	if err != nil {
		b.Skipf("no extraction benchmark at %s (set EVALDATA)", dir)
	}
	var truth map[string]struct {
		URL string `json:"url"`
	}
	if err := json.Unmarshal(gt, &truth); err != nil {
		b.Fatal(err)
	}
	var pages []benchPage
	for id, v := range truth {
		f, err := os.Open(filepath.Join(dir, "html", id+".html.gz"))
		if err != nil {
			b.Fatal(err)
		}
		zr, err := gzip.NewReader(f)
		if err != nil {
			b.Fatal(err)
		}
		body, err := io.ReadAll(zr)
		f.Close()
		if err != nil {
			b.Fatal(err)
		}
		u := v.URL
		if !strings.HasPrefix(u, "http") {
			u = "https://example.invalid/"
		}
		pages = append(pages, benchPage{id, u, body})
	}
	sort.Slice(pages, func(i, j int) bool { return pages[i].id < pages[j].id })
	return pages
}

// BenchmarkExtractPages extracts every page of the benchmark once per
// iteration and reports the median and 99th percentile time of one page.
func BenchmarkExtractPages(b *testing.B) {
	pages := loadBenchPages(b)
	for _, body := range []string{fetch.BodyAuto, fetch.BodyReadability} {
		b.Run(body, func(b *testing.B) {
			var times []time.Duration
			b.ReportAllocs()
			for b.Loop() {
				for _, p := range pages {
					start := time.Now()
					fetch.ExtractOptions(p.url, "text/html", p.body, fetch.Options{Body: body})
					times = append(times, time.Since(start))
				}
			}
			slices.Sort(times)
			b.ReportMetric(float64(times[len(times)/2].Microseconds())/1000, "ms/page-p50")
			b.ReportMetric(float64(times[len(times)*99/100].Microseconds())/1000, "ms/page-p99")
			b.ReportMetric(float64(len(pages)), "pages")
		})
	}
}
