package stories_test

import (
	"bufio"
	"encoding/json"
	"fmt"
	"os"
	"testing"
	"time"

	"briefbot/briefs"
	"briefbot/briefs/extractive"
	"briefbot/briefs/stories"
)

// labelled is one article of the labelled story clusters.
type labelled struct {
	ID        string `json:"id"`
	Event     string `json:"event"`
	Outlet    string `json:"outlet"`
	Published string `json:"published"`
	Title     string `json:"title"`
	Text      string `json:"text"`
	Lang      string `json:"lang"`
}

func loadClusters(t *testing.T) []labelled {
	t.Helper()
	f, err := os.Open("testdata/clusters.jsonl")
	if err != nil {
		t.Skipf("no labelled clusters: %v", err)
	}
	defer f.Close()
	var out []labelled
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 1<<24)
	for sc.Scan() {
		var l labelled
		if err := json.Unmarshal(sc.Bytes(), &l); err != nil {
			t.Fatal(err)
		}
		out = append(out, l)
	}
	return out
}

// pairwise is the precision and recall of a clustering over all pairs of
// articles: a pair is predicted together when both share a story, and is
// truly together when both report one event.
func pairwise(gold []string, pred []int) (precision, recall float64) {
	tp, fp, fn := 0, 0, 0
	for i := range gold {
		for j := i + 1; j < len(gold); j++ {
			same, said := gold[i] == gold[j], pred[i] == pred[j]
			switch {
			case same && said:
				tp++
			case said:
				fp++
			case same:
				fn++
			}
		}
	}
	precision, recall = 1, 1
	if tp+fp > 0 {
		precision = float64(tp) / float64(tp+fp)
	}
	if tp+fn > 0 {
		recall = float64(tp) / float64(tp+fn)
	}
	return precision, recall
}

// The labelled clusters: pairwise precision and recall of the online
// clustering, with the threshold curve.
func TestClustersPrecisionRecall(t *testing.T) {
	arts := loadClusters(t)
	sum := extractive.New()
	sigs := make([]stories.Signature, len(arts))
	gold := make([]string, len(arts))
	for i, a := range arts {
		d := stories.Doc{Title: a.Title, Text: a.Text, Lang: a.Lang}
		if s, err := sum.Summarize(briefs.Document{Title: a.Title, Text: a.Text}); err == nil {
			d.Entities, d.Lang = s.Entities, s.Lang
		}
		d.Published, _ = time.Parse(time.RFC3339, a.Published)
		sigs[i], gold[i] = stories.Sign(d), a.Event
	}
	for _, th := range []float64{0.15, 0.2, 0.25, 0.3, 0.35, 0.4, 0.45, 0.5, 0.6} {
		p, r := pairwise(gold, stories.DefaultParams.Cluster(sigs, th))
		mark := ""
		if th == stories.DefaultThreshold {
			mark = " (default)"
		}
		t.Log(fmt.Sprintf("threshold %.2f: pairwise precision %.3f recall %.3f%s", th, p, r, mark))
	}
}
