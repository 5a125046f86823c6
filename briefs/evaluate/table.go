package evaluate

import (
	"bufio"
	"fmt"
	"io"
	"math"
	"slices"
	"unicode/utf8"
)

// WriteTable writes the report as an aligned plain-text table: a header with
// the row counts, mean ROUGE F1 ×100 and words per system, the paired
// differences with their standard errors, the bullet-count distribution,
// format faults, failures and skipped rows.
func (rep *Report) WriteTable(w io.Writer) error {
	t := table{bufio.NewWriter(w)}
	rep.writeHeader(t)
	width := rep.nameWidth()
	rep.writeSystems(t, width)
	rep.writeDiffs(t, width)
	if rep.Faults != nil {
		rep.writeBulletCounts(t)
		rep.writeFormatFaults(t)
	}
	if rep.Reader != nil {
		rep.Reader.write(t.Writer)
	}
	rep.writeFailures(t)
	t.p("\nskipped rows: %d (no article: %d, no reference: %d)\n", rep.skipped(), rep.SkippedNoArticle, rep.SkippedNoReference)
	return t.Flush()
}

// table is the buffered output of a report, with a printf of its own.
type table struct{ *bufio.Writer }

func (t table) p(format string, args ...any) { fmt.Fprintf(t.Writer, format, args...) }

// diffHeader heads the column of paired differences.
const diffHeader = "difference (± SE)"

func (rep *Report) skipped() int { return rep.SkippedNoArticle + rep.SkippedNoReference }

func (rep *Report) writeHeader(t table) {
	name := rep.Name
	if name == "" {
		name = "input"
	}
	t.p("ROUGE evaluation of %s: %d rows, %d documents scored, %d skipped, summarizer failed on %d\n",
		name, rep.Rows, rep.Documents, rep.skipped(), rep.Failed)
	t.p("F1 x100 averaged over documents; references: %s; ROUGE-1.5.5 settings, RLsum on newline-separated sentences\n", refsNote(rep.Refs))
}

// nameWidth is the width of the first column, shared by the systems and
// the paired differences so that their numbers line up.
func (rep *Report) nameWidth() int {
	width := len("system")
	if len(rep.Diffs) > 0 {
		width = utf8.RuneCountInString(diffHeader)
	}
	for _, s := range rep.Systems {
		width = max(width, len(s.Name))
	}
	for _, d := range rep.Diffs {
		width = max(width, len(d.Name))
	}
	return width
}

func (rep *Report) writeSystems(t table, width int) {
	t.p("\n%-*s  %7s  %7s  %7s  %7s\n", width, "system", "R1", "R2", "RLsum", "words")
	for _, s := range rep.Systems {
		t.p("%-*s  %7s  %7s  %7s  %7s\n", width, s.Name, num(s.Mean.R1, 2), num(s.Mean.R2, 2), num(s.Mean.RLsum, 2), num(s.Words, 1))
	}
}

func (rep *Report) writeDiffs(t table, width int) {
	if len(rep.Diffs) == 0 {
		return
	}
	const col = 15
	t.p("\n%-*s  %*s  %*s  %*s  %s\n", width, diffHeader, col, "R1", col, "R2", col, "RLsum", "R1 better/worse")
	for _, d := range rep.Diffs {
		t.p("%-*s  %*s  %*s  %*s  %d/%d\n", width, d.Name,
			col, pm(d.Mean.R1, d.SE.R1), col, pm(d.Mean.R2, d.SE.R2), col, pm(d.Mean.RLsum, d.SE.RLsum),
			d.ABetter, d.BBetter)
	}
}

// writeBulletCounts lists 3, 4 and 5 bullets always, other counts when seen.
func (rep *Report) writeBulletCounts(t table) {
	t.p("\nbullets per brief (%d briefs)\n", rep.Briefs)
	counts := []int{3, 4, 5}
	for n := range rep.BulletCounts {
		if !slices.Contains(counts, n) {
			counts = append(counts, n)
		}
	}
	slices.Sort(counts)
	for _, n := range counts {
		c := rep.BulletCounts[n]
		t.p("  %2d  %6d  %6s\n", n, c, percent(c, rep.Briefs))
	}
}

func (rep *Report) writeFormatFaults(t table) {
	fw := len("any fault")
	for _, f := range rep.Faults {
		fw = max(fw, len(f.Fault))
	}
	t.p("\n%-*s  %6s  %11s\n", fw+2, "format faults", "briefs", "occurrences")
	for _, f := range rep.Faults {
		t.p("  %-*s  %6d  %11d\n", fw, f.Fault, f.Briefs, f.Occurrences)
	}
	t.p("  %-*s  %6d  (%s of briefs)\n", fw, "any fault", rep.FaultyBriefs, percent(rep.FaultyBriefs, rep.Briefs))
}

func (rep *Report) writeFailures(t table) {
	if rep.Failed == 0 {
		return
	}
	t.p("\nsummarizer failures: %d (scored 0 for ours)\n", rep.Failed)
	for _, f := range rep.Failures {
		t.p("  line %d, id %q: %s\n", f.Line, f.ID, snippet(f.Err, 100))
	}
	if rep.Failed > len(rep.Failures) {
		t.p("  ...\n")
	}
}

func refsNote(refs string) string {
	if refs == "all" {
		return "all (best F1 per metric)"
	}
	return refs
}

// num formats x with prec decimals, or "-" when x is not a number.
func num(x float64, prec int) string {
	if math.IsNaN(x) || math.IsInf(x, 0) {
		return "-"
	}
	return fmt.Sprintf("%.*f", prec, x)
}

// pm formats a mean difference and its standard error.
func pm(mean, se float64) string {
	if math.IsNaN(mean) {
		return "-"
	}
	if math.IsNaN(se) {
		return fmt.Sprintf("%+.2f", mean)
	}
	return fmt.Sprintf("%+.2f ± %.2f", mean, se)
}

func percent(n, of int) string {
	if of == 0 {
		return "-"
	}
	return fmt.Sprintf("%.1f%%", 100*float64(n)/float64(of))
}
