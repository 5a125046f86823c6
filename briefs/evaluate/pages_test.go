package evaluate

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"briefbot/briefs"
)

// writePages makes a pages folder: html/<id>.html.gz holding body, and
// ground-truth.json with a url per id.
func writePages(t *testing.T, pages map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	if err := os.Mkdir(filepath.Join(dir, "html"), 0o755); err != nil {
		t.Fatal(err)
	}
	truth := map[string]map[string]string{}
	for id, body := range pages {
		var buf bytes.Buffer
		zw := gzip.NewWriter(&buf)
		zw.Write([]byte(body))
		zw.Close()
		if err := os.WriteFile(filepath.Join(dir, "html", id+".html.gz"), buf.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
		truth[id] = map[string]string{"url": "https://example.com/" + id}
	}
	b, _ := json.Marshal(truth)
	if err := os.WriteFile(filepath.Join(dir, "ground-truth.json"), b, 0o644); err != nil {
		t.Fatal(err)
	}
	return dir
}

func TestRunPagesCountsRefusalsAndWritesBriefs(t *testing.T) {
	long := strings.Repeat("Words of a long page that the summarizer will refuse. ", 10)
	dir := writePages(t, map[string]string{
		"a-ok":      "one.\ntwo.\nthree.\nThe mayor opened the bridge.\nTraffic starts soon.\nThe cost doubled.",
		"b-long":    "FAIL\n" + long,
		"c-short":   "FAIL\nshort",
		"d-nothing": "EXTRACTFAIL",
	})
	var out, perDoc bytes.Buffer
	rep, err := RunPages(context.Background(), dir, Config{
		Summarize: toySummarize,
		Extract: func(url string, html []byte) (briefs.WebPage, error) {
			if string(html) == "EXTRACTFAIL" {
				return briefs.WebPage{}, errors.New("no article here")
			}
			return briefs.WebPage{URL: url, Title: "T " + url, Text: string(html)}, nil
		},
		DetectLanguage: func(string) string { return "en" },
		Out:            &out,
		PerDoc:         &perDoc,
		Show:           3,
		Workers:        2,
	})
	if err != nil {
		t.Fatal(err)
	}
	if rep.Pages != 4 || rep.Extracted != 3 || len(rep.ExtractFailed) != 1 || len(rep.Reader.Refused) != 2 {
		t.Errorf("report %+v, reader %+v", rep, rep.Reader)
	}
	if len(rep.RefusedLong) != 1 || rep.RefusedLong[0].ID != "b-long" {
		t.Errorf("refused long: %+v", rep.RefusedLong)
	}
	if rep.Reader.Briefs != 1 || rep.Reader.Points[3] != 1 {
		t.Errorf("reader %+v", rep.Reader)
	}
	for _, want := range []string{"== 1. a-ok", "title: T https://example.com/a-ok", "gist: The mayor opened the bridge.", "  - Traffic starts soon.", "refused: toy failure", "not extracted: no article here"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("Out lacks %q:\n%s", want, out.String())
		}
	}
	if strings.Count(perDoc.String(), "\n") != 4 {
		t.Errorf("per-doc:\n%s", perDoc.String())
	}
	var table bytes.Buffer
	if err := rep.WriteTable(&table); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"4 pages, 3 extracted, 1 not extracted, 2 refused", "refused with at least 300 characters of extracted text: 1", `id "b-long"`, "reader checks (1 briefs, 2 refused)"} {
		if !strings.Contains(table.String(), want) {
			t.Errorf("table lacks %q:\n%s", want, table.String())
		}
	}
	if _, err := RunPages(context.Background(), t.TempDir(), Config{Summarize: toySummarize, Extract: func(string, []byte) (briefs.WebPage, error) { return briefs.WebPage{}, nil }}); err == nil {
		t.Error("a folder without ground-truth.json was accepted")
	}
}
