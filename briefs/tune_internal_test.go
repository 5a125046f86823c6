package briefs

import (
	"bufio"
	"encoding/json"
	"fmt"
	"os"
	"slices"
	"strconv"
	"strings"
	"testing"

	"briefbot/briefs/rouge"
)

func envF(name string, def float64) float64 {
	if v := os.Getenv(name); v != "" {
		f, _ := strconv.ParseFloat(v, 64)
		return f
	}
	return def
}

func TestTuneDev(t *testing.T) {
	file := os.Getenv("BRIEFS_TUNE")
	if file == "" {
		t.Skip()
	}
	f, _ := os.Open(file)
	defer f.Close()
	sc := bufio.NewScanner(f)
	sc.Buffer(nil, 1<<24)
	x := NewExtractive()
	x.p.bullets = int(envF("T_BULLETS", float64(x.p.bullets)))
	x.p.softLen = int(envF("T_SOFT", float64(x.p.softLen)))
	x.p.minWords = int(envF("T_MINW", float64(x.p.minWords)))
	x.p.decay = envF("T_DECAY", x.p.decay)
	x.p.central = envF("T_CENTRAL", x.p.central)
	x.p.redundant = envF("T_RED", x.p.redundant)
	x.p.weak = envF("T_WEAK", 1) == 1
	x.p.quote = envF("T_QUOTE", x.p.quote)
	x.p.digit = envF("T_DIGIT", x.p.digit)
	x.p.caption = envF("T_CAPTION", x.p.caption)
	x.p.long = envF("T_LONG", x.p.long)
	x.p.longW = int(envF("T_LONGW", float64(x.p.longW)))
	x.p.firstCut = int(envF("T_FIRSTCUT", 0))
	x.p.graph = int(envF("T_GRAPH", float64(x.p.graph)))
	var l3, ex [3]float64
	var l3w, exw float64
	n := 0
	posHist := map[int]int{}
	sentDump, _ := os.Create("/tmp/sentdump.tsv")
	defer sentDump.Close()
	defer func() { fmt.Println(posHist) }()
	dump := os.Getenv("T_DUMP") != ""
	for sc.Scan() {
		var row struct {
			ID, Article, Reference_summary string
		}
		json.Unmarshal(sc.Bytes(), &row)
		ref := row.Reference_summary
		lead := strings.Join(LeadSentences(row.Article, 3), "\n")
		s, err := x.Summarize(Document{Text: row.Article})
		if err != nil {
			t.Logf("%s: %v", row.ID, err)
		}
		cand := strings.Join(s.Bullets, "\n")
		if os.Getenv("T_GIST") != "" {
			cand = s.Gist
		}
		if m := os.Getenv("T_LEADN"); m != "" {
			k, _ := strconv.Atoi(m)
			cand = strings.Join(LeadSentences(row.Article, k), "\n")
		}
		if os.Getenv("T_ORACLE") != "" {
			all := Sentences(Clean(row.Article).Body)
			if len(all) > 15 {
				all = all[:15]
			}
			var chosen []int
			best := 0.0
			for len(chosen) < 3 {
				bi := -1
				for i := range all {
					if slices.Contains(chosen, i) {
						continue
					}
					c := append(slices.Clone(chosen), i)
					slices.Sort(c)
					var parts []string
					for _, j := range c {
						parts = append(parts, all[j])
					}
					if f := rouge.Evaluate(strings.Join(parts, "\n"), ref).R1.F; f > best {
						best, bi = f, i
					}
				}
				if bi < 0 {
					break
				}
				chosen = append(chosen, bi)
			}
			slices.Sort(chosen)
			if os.Getenv("T_SENTDUMP") != "" {
				for i, st := range all {
					sc := rouge.Evaluate(st, ref).R1
					fmt.Fprintf(sentDump, "%s\t%d\t%d\t%v\t%.4f\t%.4f\t%.4f\t%s\n", row.ID, i, len(all), slices.Contains(chosen, i), sc.P, sc.R, sc.F, st)
				}
			}
			var parts []string
			for _, j := range chosen {
				parts = append(parts, all[j])
				posHist[j]++
			}
			cand = strings.Join(parts, "\n")
		}
		if m := os.Getenv("T_LEADK"); m != "" {
			k, _ := strconv.Atoi(m)
			var parts []string
			for _, l := range LeadSentences(row.Article, 3) {
				w := strings.Fields(l)
				if len(w) > k {
					w = w[:k]
				}
				parts = append(parts, strings.Join(w, " "))
			}
			cand = strings.Join(parts, "\n")
		}
		if m := os.Getenv("T_LEADW"); m != "" {
			k, _ := strconv.Atoi(m)
			w := strings.Fields(strings.Join(LeadSentences(row.Article, 10), " "))
			if len(w) > k {
				w = w[:k]
			}
			cand = strings.Join(w, " ")
		}
		a := rouge.Evaluate(lead, ref)
		b := rouge.Evaluate(cand, ref)
		l3[0] += a.R1.F; l3[1] += a.R2.F; l3[2] += a.RLsum.F
		ex[0] += b.R1.F; ex[1] += b.R2.F; ex[2] += b.RLsum.F
		l3w += float64(len(strings.Fields(lead)))
		exw += float64(len(strings.Fields(cand)))
		if dump {
			fmt.Printf("== %s  lead %.1f ex %.1f\nREF:\n%s\nLEAD:\n%s\nEX:\n%s\n", row.ID, 100*a.R1.F, 100*b.R1.F, ref, lead, cand)
		}
		n++
	}
	k := 100 / float64(n)
	fmt.Printf("n=%d lead3 %.2f/%.2f/%.2f (%.0fw)  ex %.2f/%.2f/%.2f (%.0fw)  dR1 %+.2f\n", n,
		l3[0]*k, l3[1]*k, l3[2]*k, l3w/float64(n), ex[0]*k, ex[1]*k, ex[2]*k, exw/float64(n), (ex[0]-l3[0])*k)
}
