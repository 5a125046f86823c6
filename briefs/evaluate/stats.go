package evaluate

import (
	"bufio"
	"encoding/json"
	"fmt"
	"math"
	"slices"

	"briefbot/briefs/rouge"
)

// aggregator folds scored documents, in input order, into a Report and the
// PerDoc stream. Working in input order makes every sum, and so every
// number, independent of the number of workers.
type aggregator struct {
	rep    *Report
	active [numSystems]bool
	f      [numSystems][]Metrics // per-document F1 ×100
	words  [numSystems]int
	made   [numSystems]int
	faults map[string]*Fault
	out    *bufio.Writer
	enc    *json.Encoder
	reader *readerAgg
}

func newAggregator(cfg Config, rep *Report) *aggregator {
	a := &aggregator{rep: rep, faults: map[string]*Fault{}}
	a.active[sysOursFirstView] = cfg.Summarize != nil
	a.active[sysOursBullets] = cfg.Summarize != nil
	a.active[sysOursGist] = cfg.Summarize != nil
	a.active[sysLead3] = cfg.Lead != nil
	a.active[sysLead1] = cfg.Lead != nil
	if cfg.Summarize != nil {
		a.reader = newReaderAgg(cfg.Show)
		rep.Reader = a.reader.rep
	}
	if cfg.PerDoc != nil {
		a.out = bufio.NewWriter(cfg.PerDoc)
		a.enc = json.NewEncoder(a.out)
		a.enc.SetEscapeHTML(false)
	}
	return a
}

// perDocKeys name the systems in PerDoc lines.
var perDocKeys = [numSystems]string{"ours_first_view", "ours_bullets", "ours_gist", "lead3", "lead1"}

type prf struct {
	P float64 `json:"p"`
	R float64 `json:"r"`
	F float64 `json:"f"`
}

type sysJSON struct {
	Words int `json:"words"`
	R1    prf `json:"r1"`
	R2    prf `json:"r2"`
	RL    prf `json:"rl"`
	RLsum prf `json:"rlsum"`
}

type docJSON struct {
	ID      string             `json:"id"`
	Line    int                `json:"line"`
	Refs    int                `json:"refs"`
	Error   string             `json:"error,omitempty"`
	Bullets *int               `json:"bullets,omitempty"`
	Faults  []string           `json:"faults,omitempty"`
	Lang    *string            `json:"lang,omitempty"`
	Reader  []Hit              `json:"reader,omitempty"`
	Scores  map[string]sysJSON `json:"scores"`
}

// toPRF rounds a score to 6 decimals for PerDoc (ROUGE-1.5.5 prints 5).
func toPRF(s rouge.Score) prf {
	r := func(x float64) float64 { return math.Round(x*1e6) / 1e6 }
	return prf{r(s.P), r(s.R), r(s.F)}
}

func (a *aggregator) add(d *scored) error {
	rep := a.rep
	rep.Documents++
	for sys := range numSystems {
		if !a.active[sys] {
			continue
		}
		r := d.sys[sys] // zero scores when the system failed
		a.f[sys] = append(a.f[sys], Metrics{R1: 100 * r.scores.R1.F, R2: 100 * r.scores.R2.F, RLsum: 100 * r.scores.RLsum.F})
		if r.ok {
			a.made[sys]++
			a.words[sys] += r.words
		}
	}
	if a.active[sysOursBullets] {
		if d.failed {
			rep.Failed++
			f := Failure{Line: d.job.line, ID: d.job.id, Err: d.err}
			if len(rep.Failures) < maxFailures {
				rep.Failures = append(rep.Failures, f)
			}
			a.reader.refused(f, d.lang)
		} else {
			a.reader.brief(d.job.id, d.job.line, d.lang, d.bullets, d.hits)
			rep.Briefs++
			rep.BulletCounts[d.bullets]++
			if len(d.faults) > 0 {
				rep.FaultyBriefs++
			}
			seen := map[string]bool{}
			for _, f := range d.faults {
				c := a.faults[f]
				if c == nil {
					c = &Fault{Fault: f}
					a.faults[f] = c
				}
				c.Occurrences++
				if !seen[f] {
					seen[f] = true
					c.Briefs++
				}
			}
		}
	}
	if a.enc == nil {
		return nil
	}
	line := docJSON{ID: d.job.id, Line: d.job.line, Refs: len(d.job.refs), Error: d.err, Faults: d.faults, Scores: map[string]sysJSON{}}
	if a.active[sysOursBullets] {
		lang := d.lang
		line.Lang = &lang
		line.Reader = d.hits
		if !d.failed {
			n := d.bullets
			line.Bullets = &n
		}
	}
	for sys := range numSystems {
		if r := d.sys[sys]; a.active[sys] && r.ok {
			line.Scores[perDocKeys[sys]] = sysJSON{
				Words: r.words,
				R1:    toPRF(r.scores.R1),
				R2:    toPRF(r.scores.R2),
				RL:    toPRF(r.scores.RL),
				RLsum: toPRF(r.scores.RLsum),
			}
		}
	}
	if err := a.enc.Encode(line); err != nil {
		return fmt.Errorf("evaluate: writing PerDoc: %w", err)
	}
	return nil
}

// finish computes means, differences and fault counts, and flushes PerDoc.
func (a *aggregator) finish() error {
	rep := a.rep
	for sys := range numSystems {
		if !a.active[sys] {
			continue
		}
		s := System{Name: systemNames[sys], Produced: a.made[sys], Mean: mean(a.f[sys]), Words: math.NaN()}
		if a.made[sys] > 0 {
			s.Words = float64(a.words[sys]) / float64(a.made[sys])
		}
		rep.Systems = append(rep.Systems, s)
	}
	for _, p := range [][2]int{{sysOursFirstView, sysLead3}, {sysOursBullets, sysLead3}, {sysOursGist, sysLead1}} {
		x, y := p[0], p[1]
		if a.active[x] && a.active[y] {
			rep.Diffs = append(rep.Diffs, pairedDiff(systemNames[x], systemNames[y], a.f[x], a.f[y]))
		}
	}
	if a.active[sysOursBullets] {
		for _, f := range knownFaults {
			c := a.faults[f]
			if c == nil {
				c = &Fault{Fault: f}
			}
			rep.Faults = append(rep.Faults, *c)
			delete(a.faults, f)
		}
		var other []Fault
		for _, c := range a.faults {
			other = append(other, *c)
		}
		slices.SortFunc(other, func(x, y Fault) int {
			if x.Briefs != y.Briefs {
				return y.Briefs - x.Briefs
			}
			if x.Fault < y.Fault {
				return -1
			}
			if x.Fault > y.Fault {
				return 1
			}
			return 0
		})
		rep.Faults = append(rep.Faults, other...)
	}
	if a.out != nil {
		if err := a.out.Flush(); err != nil {
			return fmt.Errorf("evaluate: writing PerDoc: %w", err)
		}
	}
	return nil
}

// mean averages per-document metrics; NaN when there are none.
func mean(xs []Metrics) Metrics {
	if len(xs) == 0 {
		return Metrics{math.NaN(), math.NaN(), math.NaN()}
	}
	var s Metrics
	for _, x := range xs {
		s.R1 += x.R1
		s.R2 += x.R2
		s.RLsum += x.RLsum
	}
	n := float64(len(xs))
	return Metrics{s.R1 / n, s.R2 / n, s.RLsum / n}
}

// pairedDiff compares systems a and b document by document: the mean of the
// differences and its standard error, sd/sqrt(n) with the n-1 sample
// standard deviation.
func pairedDiff(nameA, nameB string, a, b []Metrics) Diff {
	d := Diff{Name: nameA + " - " + nameB, A: nameA, B: nameB, Documents: len(a)}
	diffs := make([]Metrics, len(a))
	for i := range a {
		diffs[i] = Metrics{a[i].R1 - b[i].R1, a[i].R2 - b[i].R2, a[i].RLsum - b[i].RLsum}
		switch {
		case a[i].R1 > b[i].R1:
			d.ABetter++
		case a[i].R1 < b[i].R1:
			d.BBetter++
		}
	}
	d.Mean = mean(diffs)
	d.SE = Metrics{math.NaN(), math.NaN(), math.NaN()}
	if n := len(diffs); n >= 2 {
		var ss Metrics
		for _, x := range diffs {
			ss.R1 += (x.R1 - d.Mean.R1) * (x.R1 - d.Mean.R1)
			ss.R2 += (x.R2 - d.Mean.R2) * (x.R2 - d.Mean.R2)
			ss.RLsum += (x.RLsum - d.Mean.RLsum) * (x.RLsum - d.Mean.RLsum)
		}
		k := float64(n-1) * float64(n)
		d.SE = Metrics{math.Sqrt(ss.R1 / k), math.Sqrt(ss.R2 / k), math.Sqrt(ss.RLsum / k)}
	}
	return d
}
