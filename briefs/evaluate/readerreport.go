package evaluate

import (
	"bufio"
	"fmt"
	"io"
	"slices"
	"strings"
)

// RuleCount is how often one reader rule fired.
type RuleCount struct {
	Rule   string
	Briefs int // briefs it fired on at least once
	Hits   int // times it fired
}

// DocHits is one document's reader-check findings.
type DocHits struct {
	ID   string
	Line int // input line (JSONL) or 0 (pages)
	Lang string
	Hits []Hit
}

// ReaderReport sums the reader checks over all documents.
type ReaderReport struct {
	Documents    int            // documents checked or refused
	Briefs       int            // briefs made
	Points       map[int]int    // bullets per brief -> briefs
	Langs        map[string]int // detected language ("" when unknown) -> documents
	Rules        []RuleCount    // every rule of ReaderRules, in that order
	FaultyBriefs int            // briefs with at least one hit
	Refused      []Failure      // every document the summarizer refused, in input order
	Shown        []DocHits      // the first Config.Show briefs with a hit
}

// readerAgg folds documents, in input order, into a ReaderReport.
type readerAgg struct {
	rep  *ReaderReport
	show int
	idx  map[string]int
}

func newReaderAgg(show int) *readerAgg {
	r := &ReaderReport{Points: map[int]int{}, Langs: map[string]int{}}
	idx := map[string]int{}
	for i, name := range ReaderRules {
		r.Rules = append(r.Rules, RuleCount{Rule: name})
		idx[name] = i
	}
	return &readerAgg{rep: r, show: show, idx: idx}
}

// refused counts a document the summarizer refused.
func (a *readerAgg) refused(f Failure, lang string) {
	a.rep.Documents++
	a.rep.Langs[lang]++
	a.rep.Refused = append(a.rep.Refused, f)
}

// brief counts a brief and its hits.
func (a *readerAgg) brief(id string, line int, lang string, bullets int, hits []Hit) {
	r := a.rep
	r.Documents++
	r.Briefs++
	r.Langs[lang]++
	r.Points[bullets]++
	if len(hits) == 0 {
		return
	}
	r.FaultyBriefs++
	seen := map[string]bool{}
	for _, h := range hits {
		i, ok := a.idx[h.Rule]
		if !ok {
			continue
		}
		r.Rules[i].Hits++
		if !seen[h.Rule] {
			seen[h.Rule] = true
			r.Rules[i].Briefs++
		}
	}
	if len(r.Shown) < a.show {
		r.Shown = append(r.Shown, DocHits{ID: id, Line: line, Lang: lang, Hits: hits})
	}
}

// Rule returns the count of one rule (zero for an unknown name).
func (r *ReaderReport) Rule(name string) RuleCount {
	for _, c := range r.Rules {
		if c.Rule == name {
			return c
		}
	}
	return RuleCount{Rule: name}
}

// PointsLine renders the bullet-count distribution as "0:1 1:0 2:3 3:200",
// from 0 to the largest count seen (at least 5).
func (r *ReaderReport) PointsLine() string {
	top := 5
	for n := range r.Points {
		top = max(top, n)
	}
	var parts []string
	for n := 0; n <= top; n++ {
		parts = append(parts, fmt.Sprintf("%d:%d", n, r.Points[n]))
	}
	return strings.Join(parts, " ")
}

// LangsLine renders the language distribution, most documents first ("?"
// for unknown).
func (r *ReaderReport) LangsLine() string {
	type lc struct {
		lang string
		n    int
	}
	var ls []lc
	for l, n := range r.Langs {
		if l == "" {
			l = "?"
		}
		ls = append(ls, lc{l, n})
	}
	slices.SortFunc(ls, func(x, y lc) int {
		if x.n != y.n {
			return y.n - x.n
		}
		return strings.Compare(x.lang, y.lang)
	})
	var parts []string
	for _, x := range ls {
		parts = append(parts, fmt.Sprintf("%s:%d", x.lang, x.n))
	}
	return strings.Join(parts, " ")
}

// write prints the reader-check section of a table.
func (r *ReaderReport) write(bw *bufio.Writer) {
	p := func(format string, args ...any) { fmt.Fprintf(bw, format, args...) }
	p("\nreader checks (%d briefs, %d refused)\n", r.Briefs, len(r.Refused))
	p("  points shown per brief: %s\n", r.PointsLine())
	p("  languages: %s\n", r.LangsLine())
	w := len("any reader fault")
	for _, c := range r.Rules {
		w = max(w, len(c.Rule))
	}
	p("\n%-*s  %6s  %6s\n", w+2, "reader rule", "briefs", "hits")
	for _, c := range r.Rules {
		p("  %-*s  %6d  %6d\n", w, c.Rule, c.Briefs, c.Hits)
	}
	p("  %-*s  %6d  (%s of briefs)\n", w, "any reader fault", r.FaultyBriefs, percent(r.FaultyBriefs, r.Briefs))
	if len(r.Refused) > 0 {
		p("\nrefused: %d\n", len(r.Refused))
		for i, f := range r.Refused {
			if i == 20 {
				p("  ... (%d more)\n", len(r.Refused)-i)
				break
			}
			p("  %s: %s\n", docName(f.ID, f.Line), snippet(f.Err, 120))
		}
	}
}

// WriteFaults writes the briefs of r.Shown: for each, the document, the
// rules that fired, and every hit with its offending text. A nil report
// writes nothing.
func (r *ReaderReport) WriteFaults(w io.Writer) error {
	if r == nil {
		return nil
	}
	bw := bufio.NewWriter(w)
	if len(r.Shown) > 0 {
		fmt.Fprintf(bw, "\nbriefs with reader faults (first %d of %d)\n", len(r.Shown), r.FaultyBriefs)
	}
	for _, d := range r.Shown {
		var names []string
		for _, h := range d.Hits {
			if !slices.Contains(names, h.Rule) {
				names = append(names, h.Rule)
			}
		}
		fmt.Fprintf(bw, "\n%s [%s]: %s\n", docName(d.ID, d.Line), orUnknown(d.Lang), strings.Join(names, ", "))
		writeHits(bw, d.Hits, "  ")
	}
	return bw.Flush()
}

func writeHits(bw *bufio.Writer, hits []Hit, indent string) {
	for _, h := range hits {
		fmt.Fprintf(bw, "%s%s, %s: %q", indent, h.Rule, h.Where, h.Text)
		if h.Note != "" {
			fmt.Fprintf(bw, " (%s)", h.Note)
		}
		bw.WriteByte('\n')
	}
}

func docName(id string, line int) string {
	if line > 0 {
		return fmt.Sprintf("line %d, id %q", line, id)
	}
	return fmt.Sprintf("id %q", id)
}

func orUnknown(lang string) string {
	if lang == "" {
		return "?"
	}
	return lang
}
