package main

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"briefbot/briefs"
	"briefbot/briefs/extractive"
	"briefbot/briefs/fetch"
)

func main() {
	dir := os.Args[1]
	var gt map[string]struct {
		URL string `json:"url"`
	}
	b, _ := os.ReadFile(filepath.Join(dir, "ground-truth.json"))
	json.Unmarshal(b, &gt)
	ids := make([]string, 0, len(gt))
	for id := range gt {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	x := extractive.New()
	for _, id := range ids {
		f, _ := os.Open(filepath.Join(dir, "html", id+".html.gz"))
		zr, _ := gzip.NewReader(f)
		raw, _ := io.ReadAll(zr)
		f.Close()
		p, err := fetch.Extract(gt[id].URL, "text/html", raw)
		if err != nil {
			fmt.Printf("=== %s EXTRACT ERROR %v\n", id[:8], err)
			continue
		}
		sum, err := x.Summarize(briefs.Document{Title: p.Title, Text: p.Text})
		fmt.Printf("=== %s %s\nT: %s\n", id[:8], gt[id].URL, p.Title)
		if err != nil {
			fmt.Printf("ERR: %v (%d chars)\n", err, len(p.Text))
			continue
		}
		lead := strings.SplitN(strings.TrimSpace(p.Text), "\n", 2)[0]
		if len(lead) > 200 {
			lead = lead[:200]
		}
		fmt.Printf("L: %s\nG: %s\n", lead, sum.Gist)
		for _, bl := range sum.Bullets {
			fmt.Printf(" - %s\n", bl)
		}
		fmt.Printf("E: %s | slug %s\n", strings.Join(sum.Entities, "; "), sum.Slug)
	}
	_ = bytes.MinRead
}
