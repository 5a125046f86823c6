package grounding

import (
	"bufio"
	"encoding/json"
	"fmt"
	"os"
	"strconv"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"

	"briefbot/briefs"
	"briefbot/briefs/extractive"

	"briefbot/internal/testkit"
)

// The corruption benchmark: faithful briefs of the CNN/DailyMail development
// articles, each corrupted in one point in each of several ways; the check
// must reject the corrupted briefs and keep the faithful ones. The articles
// are read from shared/evaldata at run time (they may not be copied into
// the repository); the tests skip when they are absent.
//
//	go test ./briefs/grounding -run 'Corruption$' -v
//
// Two faithful sets: "human" briefs (title: the article's first sentence
// cut to twelve words; gist: the first highlight; points: the others,
// detokenized) and "extractive" briefs (extractive.New().Summarize). The
// corruptions, each applied to the first point it can be applied to,
// starting from a point that turns with the article: number (a number
// changed by +1, ×10 or in its last digit, by turns), name (a name swapped
// for a salient name of the same article the point does not mention),
// name-other (for one of another article), negation ("is" -> "is not",
// "confirmed" -> "did not confirm"), quote (a quotation made of another
// article's words, added or put in place of one), invented (the point
// replaced by another article's first highlight) and invented-plain
// (replaced by a highlight without numbers or capitalised words, which only
// the content check can catch). A corruption counts as caught when the
// check reports a problem at its point that the untouched brief did not
// have.
//
// "rejected" is the share of untouched briefs the check rejects. Many
// CNN/DailyMail highlights state what the article text does not have (they
// were written from whole pages; captions and endings are missing from the
// data set): a name, a number, a quotation. The check must reject those, so
// "FR" counts false rejections among the briefs that absentFact, a plain
// test independent of the check, finds no such fact in.
//
// Articles whose index is 2 mod 3 are held out: the thresholds were chosen
// on the others (TestCorruptionGrid prints the figures of other
// thresholds). With the thresholds of params (extractive/4 briefs):
//
//	set        split       n  rejected   FR (grounded)  number  name  name-other  negation  quote  invented  invented-plain
//	human      tune      167  70.7%      58.0% (65/112)   96.0  54.5     96.4       95.1    100.0   100.0      97.6
//	extractive tune      167   0.0%       0.0%            99.3  96.4     96.4       99.4    100.0   100.0      97.6
//	human      held-out   83  77.1%      71.9% (46/64)    91.2  57.8     95.2       86.3    100.0   100.0      96.4
//	extractive held-out   83   0.0%       0.0%            97.3  95.2     98.8      100.0    100.0   100.0      96.4
//	human      all       250  72.8%      63.1% (111/176)  94.5  55.6     96.0       92.2    100.0   100.0      97.2
//	extractive all       250   0.0%       0.0%            98.7  96.0     97.2       99.6    100.0   100.0      97.2
//
// The false rejections of human briefs by rule (all articles): names 94,
// negations 18, numbers 15, content 8. Without the locality of names
// (nameRatio 0) they fall to 22.7% and a swap of names within an article is
// caught 1-4% of the time. On the 251 BBC articles of XSum, no extractive
// brief is rejected.

type evalRow struct {
	Article    string   `json:"article"`
	References []string `json:"reference_sentences"`
}

func loadRows(t testing.TB) []evalRow {
	path := testkit.SharedPath(t, "evaldata", "cnndm_frank.jsonl")
	f, err := os.Open(path)
	if err != nil {
		t.Skipf("no development data: %v", err)
	}
	defer f.Close()
	var rows []evalRow
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 1<<24)
	for sc.Scan() {
		var r evalRow
		if err := json.Unmarshal(sc.Bytes(), &r); err != nil {
			t.Fatal(err)
		}
		rows = append(rows, r)
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return rows
}

// detokenize undoes the PTB tokenization of the CNN/DailyMail highlights:
// "Locke 's" -> "Locke's", "-LRB- 3.7 miles -RRB-" -> "(3.7 miles)",
// "` gold digger '" -> "'gold digger'", "£ 2,100" -> "£2,100".
func detokenize(s string) string {
	repl := map[string]string{"-LRB-": "(", "-RRB-": ")", "-LSB-": "[", "-RSB-": "]", "-LCB-": "{", "-RCB-": "}",
		"``": "\"", "''": "\"", "`": "'"}
	left := map[string]bool{",": true, ".": true, ";": true, ":": true, "!": true, "?": true, "%": true, ")": true,
		"]": true, "}": true, "''": true, "'": true, "n't": true, "'s": true, "'re": true, "'ve": true, "'ll": true,
		"'d": true, "'m": true, "...": true}
	right := map[string]bool{"(": true, "[": true, "{": true, "$": true, "£": true, "€": true, "``": true, "`": true, "#": true}
	var b strings.Builder
	glue := true
	for _, tok := range strings.Fields(s) {
		out := tok
		if r, ok := repl[tok]; ok {
			out = r
		}
		key := tok
		if r, ok := repl[tok]; ok && (r == "(" || r == ")" || r == "[" || r == "]" || r == "{" || r == "}") {
			key = r
		}
		if !glue && !left[key] {
			b.WriteByte(' ')
		}
		b.WriteString(out)
		glue = right[key]
	}
	return b.String()
}

type corruption struct {
	s     briefs.Summary
	where string
	note  string
}

var kinds = []string{"number", "name", "name-other", "negation", "quote", "invented", "invented-plain"}

type benchCase struct {
	idx     int
	set     string
	article string
	brief   briefs.Summary
	bad     map[string]corruption
	absent  string // a name, number or quotation of the brief that the article does not have anywhere
}

// buildCases makes the faithful briefs of both sets and their corruptions.
func buildCases(rows []evalRow) []benchCase {
	x := extractive.New()
	var out []benchCase
	for i, r := range rows {
		var hl []string
		for _, h := range r.References {
			if h = detokenize(h); h != "" {
				hl = append(hl, h)
			}
		}
		if len(hl) == 0 {
			continue
		}
		title := ""
		if lead := extractive.LeadSentences(r.Article, 1); len(lead) > 0 {
			title = shorten(lead[0], 12)
		}
		human := briefs.Summary{Title: title, Gist: hl[0], Bullets: hl[1:], Lang: "en"}
		out = append(out, benchCase{idx: i, set: "human", article: r.Article, brief: human})
		if sum, err := x.Summarize(briefs.Document{Text: r.Article}); err == nil {
			out = append(out, benchCase{idx: i, set: "extractive", article: r.Article, brief: sum})
		}
	}
	for k := range out {
		c := &out[k]
		c.absent = absentFact(c.article, c.brief)
		c.bad = map[string]corruption{}
		other := rows[(c.idx+7)%len(rows)]
		otherHL := detokenize(other.References[0])
		plain := plainHighlight(rows, c.idx)
		for _, kind := range kinds {
			hl := otherHL
			if kind == "invented-plain" {
				hl = plain
			}
			if bad, ok := corrupt(kind, c, rows, other, hl); ok {
				c.bad[kind] = bad
			}
		}
	}
	return out
}

// absentFact is a plain test, independent of the checker's own parsing, of
// whether a brief states a fact that is nowhere in its article: a word with
// a digit, or a capitalised word inside a sentence, that the article does
// not have as a word (case and accents aside, a possessive "'s" and
// thousands commas dropped), or a quotation that is not in it. CNN/DailyMail
// highlights were written from whole pages, and the articles of the data
// set lost captions, tables and the end of some stories; such a highlight
// is not faithful to the text the check is given, and rules 1-3 of the
// check must reject it. It returns the first such fact, or "".
func absentFact(article string, s briefs.Summary) string {
	norm := func(w string) string {
		w = strings.TrimSuffix(strings.TrimSuffix(briefs.Fold(w), "'s"), "'")
		return strings.ReplaceAll(w, ",", "")
	}
	split := func(t string) []string {
		return strings.FieldsFunc(normalise(t), func(r rune) bool {
			return !(r >= '0' && r <= '9' || r == ',' || r == '\'' || r == '.' || unicode.IsLetter(r))
		})
	}
	have := map[string]bool{}
	for _, w := range split(article) {
		have[norm(strings.Trim(w, ".,'"))] = true
	}
	flat := flatWords(tokenize(normalise(article), "en"))
	texts, _ := points(s)
	for _, t := range texts {
		for i, w := range split(t) {
			w = strings.Trim(w, ".,'")
			if w == "" {
				continue
			}
			digit := strings.IndexFunc(w, unicode.IsDigit) >= 0
			if v, ok := numberWords["en"][briefs.Fold(w)]; ok && w != "one" && w != "One" && !strings.EqualFold(w, "first") &&
				!have[briefs.Fold(w)] && !have[strconv.Itoa(int(v))] {
				return w
			}
			r, _ := utf8.DecodeRuneInString(w)
			if (digit || i > 0 && unicode.IsUpper(r)) && !have[norm(w)] {
				return w
			}
		}
		for _, q := range quotations(normalise(t)) {
			for _, part := range quoteParts(q) {
				if !strings.Contains(flat, flatWords(tokenize(part, "en"))) {
					return "\"" + q + "\""
				}
			}
		}
	}
	return ""
}

// shorten keeps the first n words of a sentence, without its final stop,
// and a few more when the next word negates ("pleaded not guilty").
func shorten(s string, n int) string {
	w := strings.Fields(s)
	negates := func(word string) bool {
		t := tokenize(word, "en")
		return len(t) > 0 && isNegation(t, 0, "en")
	}
	for n < len(w) && n < 16 && negates(w[n]) {
		n += 2
	}
	if len(w) > n {
		w = w[:n]
	}
	return strings.TrimRight(strings.Join(w, " "), ".,;:")
}

// points returns the gist and bullets of s, with where each is.
func points(s briefs.Summary) (texts, wheres []string) {
	texts = append(texts, s.Gist)
	wheres = append(wheres, "gist")
	for i, b := range s.Bullets {
		texts = append(texts, b)
		wheres = append(wheres, "point "+strconv.Itoa(i+1))
	}
	return
}

// withPoint returns s with point k replaced: 0 the gist, k >= 1 bullet k.
func withPoint(s briefs.Summary, k int, text string) briefs.Summary {
	if k == 0 {
		s.Gist = text
		return s
	}
	s.Bullets = append([]string(nil), s.Bullets...)
	s.Bullets[k-1] = text
	return s
}

// corrupt applies one kind of corruption to one point of c's brief: the
// first point it applies to, starting from a point that rotates with the
// article, so that gists and bullets are both corrupted.
func corrupt(kind string, c *benchCase, rows []evalRow, other evalRow, otherHL string) (corruption, bool) {
	texts, wheres := points(c.brief)
	start := c.idx % len(texts)
	for d := range texts {
		k := (start + d) % len(texts)
		p := normalise(texts[k])
		var out, note string
		var ok bool
		switch kind {
		case "number":
			out, note, ok = changeNumber(p, c.idx)
		case "name":
			out, note, ok = swapName(p, c.article, c.article)
		case "name-other":
			out, note, ok = swapName(p, c.article, other.Article)
		case "negation":
			out, note, ok = addNegation(p)
		case "quote":
			out, note, ok = fabricateQuote(p, c.article, otherHL)
		case "invented", "invented-plain":
			out, note, ok = otherHL, otherHL, otherHL != "" && otherHL != p
		}
		if ok {
			return corruption{s: withPoint(c.brief, k, out), where: wheres[k], note: note}, true
		}
	}
	return corruption{}, false
}

// plainHighlight returns a highlight of another article than idx that has
// neither a number nor a capitalised word after its first: an invented
// sentence that only the content check can catch.
func plainHighlight(rows []evalRow, idx int) string {
	for d := 1; d < len(rows); d++ {
		r := rows[(idx+d*7)%len(rows)]
		for _, h := range r.References {
			h = detokenize(h)
			toks := tokenize(normalise(h), "en")
			plain := len(toks) >= 6
			for i, t := range toks {
				if t.digit || i > 0 && (t.cap || t.upper) {
					plain = false
				}
			}
			if plain && len(numbersIn(toks, "en")) == 0 {
				return h
			}
		}
	}
	return ""
}

// changeNumber alters the first number written in digits, or as a word, in
// p: +1 in its last place, ×10, or its last digit changed, by turns.
func changeNumber(p string, idx int) (string, string, bool) {
	toks := tokenize(p, "en")
	for _, n := range numbersIn(toks, "en") {
		if n.month || n.loose {
			continue // "one of the", "the first time": not counts
		}
		t := toks[n.tok]
		var from, to string
		if t.digit {
			k := 0
			for k < len(t.raw) && (isDigit(rune(t.raw[k])) || t.raw[k] == '.' || t.raw[k] == ',') {
				k++
			}
			from = strings.TrimRight(t.raw[:k], ".,")
			to = alterDigits(from, idx%3)
		} else {
			v := numberWords["en"][t.word]
			if v == 0 || v != float64(int(v)) {
				continue
			}
			from = t.raw
			switch idx % 3 {
			case 0:
				to = strconv.Itoa(int(v) + 1)
			case 1:
				to = strconv.Itoa(int(v) * 10)
			default:
				to = strconv.Itoa((int(v) + 5) % 10)
			}
		}
		if to == "" || to == from {
			continue
		}
		if out, ok := replaceWord(p, from, to); ok {
			return out, from + " -> " + to, true
		}
	}
	return "", "", false
}

// alterDigits changes a number written in digits: mode 0 adds one to its
// last digit (with carry), 1 multiplies it by ten, 2 replaces the last digit.
func alterDigits(s string, mode int) string {
	b := []byte(s)
	last := len(b) - 1
	for last >= 0 && !isDigit(rune(b[last])) {
		last--
	}
	if last < 0 {
		return ""
	}
	switch mode {
	case 0:
		for i := last; i >= 0; i-- {
			if !isDigit(rune(b[i])) {
				continue
			}
			if b[i] < '9' {
				b[i]++
				return string(b)
			}
			b[i] = '0'
		}
		return "1" + string(b)
	case 1:
		if k := strings.IndexAny(s, ".,"); k >= 0 {
			if s[k] == '.' && k+1 < len(s) {
				return strings.TrimLeft(s[:k]+s[k+1:k+2]+"."+s[k+2:], "0")
			}
			return s[:k] + "0" + s[k:]
		}
		return s + "0"
	default:
		b[last] = '0' + (b[last]-'0'+5)%10
		return string(b)
	}
}

// replaceWord replaces the first occurrence of from in p that is not inside
// a longer word.
func replaceWord(p, from, to string) (string, bool) {
	for i := 0; ; {
		k := strings.Index(p[i:], from)
		if k < 0 {
			return "", false
		}
		k += i
		end := k + len(from)
		before := k == 0 || !isWordByte(p[k-1])
		after := end == len(p) || !isWordByte(p[end]) || (isDigit(rune(from[len(from)-1])) && !isDigit(rune(p[end])) && p[end] != '.' && p[end] != ',')
		if before && after {
			return p[:k] + to + p[end:], true
		}
		i = k + 1
	}
}

func isWordByte(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c >= 0x80
}

// swapName replaces the first name of p that it can with a name of the
// article from (the brief's own article, or another) that p does not
// mention and, for another article's name, that the brief's article does
// not have either.
func swapName(p, article, from string) (string, string, bool) {
	// The names of p as the check reads them: a sentence opener is one when
	// the article never writes it in lower case ("Police" is not, "Klopp"
	// is).
	lower := map[string]bool{}
	for _, t := range tokenize(normalise(article), "en") {
		if !t.cap && !t.upper {
			lower[t.word] = true
		}
	}
	cc := &capsContext{lang: "en", midCap: map[string]bool{}, lowerSeen: func(w string) bool { return lower[w] }}
	var names []name
	toks := tokenize(p, "en")
	for _, n := range namesIn(toks, numbersIn(toks, "en"), cc) {
		if n.opener && len(n.words) == 1 && len(tokenize(article, "en")) > 0 && !inArticle(article, n.words[0]) {
			continue // a capitalised opener the article does not have: a plain word as likely as a name
		}
		names = append(names, n)
	}
	if len(names) == 0 {
		return "", "", false
	}
	low := briefs.Fold(p)
	var have map[string]bool
	if from != article {
		have = map[string]bool{}
		for _, t := range tokenize(normalise(article), "en") {
			have[t.word] = true
		}
	}
	var to string
	for _, e := range extractive.Entities(from, 10) {
		ok := true
		for _, t := range tokenize(e, "en") {
			if strings.Contains(low, t.word) || have[t.word] {
				ok = false
			}
		}
		if ok {
			to = e
			break
		}
	}
	if to == "" {
		return "", "", false
	}
	for _, n := range names {
		if out, ok := replaceWord(p, n.text, to); ok {
			return out, n.text + " -> " + to, true
		}
	}
	return "", "", false
}

// inArticle reports whether the article has the folded word w.
func inArticle(article, w string) bool {
	for _, t := range tokenize(normalise(article), "en") {
		if t.word == w {
			return true
		}
	}
	return false
}

// addNegation negates the first auxiliary of p, or else its first verb in
// the past tense ("confirmed" -> "did not confirm"). Points that hold a
// negation already are left alone.
func addNegation(p string) (string, string, bool) {
	toks := tokenize(p, "en")
	for i := range toks {
		if isNegation(toks, i, "en") {
			return "", "", false
		}
	}
	for _, aux := range []string{"is", "are", "was", "were", "will", "has", "have", "had", "can", "could", "would"} {
		if out, ok := replaceWord(p, " "+aux+" ", " "+aux+" not "); ok {
			return out, aux + " -> " + aux + " not", true
		}
	}
	for _, t := range toks {
		w := t.raw
		if !t.cap && len(w) > 4 && strings.HasSuffix(w, "ed") && isASCIIWord(w) {
			base := w[:len(w)-2]
			if strings.HasSuffix(w, "ied") {
				base = w[:len(w)-3] + "y"
			}
			if out, ok := replaceWord(p, w, "did not "+base); ok {
				return out, w + " -> did not " + base, true
			}
		}
	}
	return "", "", false
}

// fabricateQuote puts words of another article's highlight in quotation
// marks into p: in place of its first quotation, or as one it adds.
func fabricateQuote(p, article, otherHL string) (string, string, bool) {
	w := strings.Fields(strings.Trim(otherHL, " ."))
	if len(w) < 5 {
		return "", "", false
	}
	m := len(w)/2 - 2
	phrase := strings.Trim(strings.Join(w[m:m+5], " "), ",;:'\"")
	if strings.Contains(flatWords(tokenize(normalise(article), "en")), flatWords(tokenize(phrase, "en"))) {
		return "", "", false
	}
	if qs := quotations(p); len(qs) > 0 {
		if out, ok := replaceWord(p, qs[0], phrase); ok {
			return out, "\"" + phrase + "\" for \"" + qs[0] + "\"", true
		}
	}
	return strings.TrimRight(p, ". ") + ", saying \"" + phrase + "\".", "\"" + phrase + "\" added", true
}

// tally counts outcomes.
type tally struct {
	briefs, rejected           int
	grounded, groundedRejected int          // briefs without an absent fact
	byKind                     map[Kind]int // ... rejected with a problem of this kind
	applied, caught            map[string]int
	kindRight                  map[string]int
}

func newTally() *tally {
	return &tally{byKind: map[Kind]int{}, applied: map[string]int{}, caught: map[string]int{}, kindRight: map[string]int{}}
}

// merged adds up the tallies of disjoint splits, set by set.
func merged(parts ...map[string]*tally) map[string]*tally {
	out := map[string]*tally{}
	for _, part := range parts {
		for set, o := range part {
			t := out[set]
			if t == nil {
				t = newTally()
				out[set] = t
			}
			t.briefs += o.briefs
			t.rejected += o.rejected
			t.grounded += o.grounded
			t.groundedRejected += o.groundedRejected
			for k, v := range o.byKind {
				t.byKind[k] += v
			}
			for _, m := range [][2]map[string]int{{t.applied, o.applied}, {t.caught, o.caught}, {t.kindRight, o.kindRight}} {
				for k, v := range m[1] {
					m[0][k] += v
				}
			}
		}
	}
	return out
}

// countKinds counts each kind of problem v has once in counts.
func countKinds(counts map[Kind]int, v Verdict) {
	seen := map[Kind]bool{}
	for _, p := range v.Problems {
		if !seen[p.Kind] {
			seen[p.Kind] = true
			counts[p.Kind]++
		}
	}
}

var expectKind = map[string]Kind{"number": KindNumber, "name": KindName, "name-other": KindName, "negation": KindNegation,
	"quote": KindQuote, "invented": KindContent, "invented-plain": KindContent}

// run checks every case with p and counts what happened, by set and split.
func run(cases []benchCase, p params, keep func(idx int) bool, verbose func(c *benchCase, kind string, orig, bad Verdict)) map[string]*tally {
	out := map[string]*tally{}
	for k := range cases {
		c := &cases[k]
		if !keep(c.idx) {
			continue
		}
		tl := out[c.set]
		if tl == nil {
			tl = newTally()
			out[c.set] = tl
		}
		orig := p.check(c.article, c.brief)
		tl.briefs++
		if c.absent == "" {
			tl.grounded++
			if !orig.OK {
				tl.groundedRejected++
				countKinds(tl.byKind, orig)
			}
		}
		if !orig.OK {
			tl.rejected++
			if verbose != nil {
				verbose(c, "", orig, orig)
			}
		}
		for _, kind := range kinds {
			bad, ok := c.bad[kind]
			if !ok {
				continue
			}
			tl.applied[kind]++
			v := p.check(c.article, bad.s)
			if caught, right := newProblem(orig, v, bad.where, expectKind[kind]); caught {
				tl.caught[kind]++
				if right {
					tl.kindRight[kind]++
				}
			} else if verbose != nil {
				verbose(c, kind, orig, v)
			}
		}
	}
	return out
}

// newProblem reports whether v has a problem at where that orig did not
// have, and whether one of those is of kind k.
func newProblem(orig, v Verdict, where string, k Kind) (caught, right bool) {
	had := map[Problem]bool{}
	for _, p := range orig.Problems {
		had[p] = true
	}
	for _, p := range v.Problems {
		if p.Where == where && !had[p] {
			caught = true
			right = right || p.Kind == k
		}
	}
	return
}

func heldOut(idx int) bool { return idx%3 == 2 }

func table(w func(string), name string, ts map[string]*tally) {
	head := fmt.Sprintf("%-10s %-8s %4s %14s %14s", "set", "split", "n", "rejected", "FR (grounded)")
	for _, k := range kinds {
		head += fmt.Sprintf(" %-13s", k+" %")
	}
	w(head + "   FR by kind: number/name/quote/content/negation")
	for _, set := range []string{"human", "extractive"} {
		tl := ts[set]
		if tl == nil {
			continue
		}
		line := fmt.Sprintf("%-10s %-8s %4d %5.1f%% (%3d) %5.1f%% (%2d/%3d)", set, name, tl.briefs,
			pct(tl.rejected, tl.briefs), tl.rejected, pct(tl.groundedRejected, tl.grounded), tl.groundedRejected, tl.grounded)
		for _, k := range kinds {
			line += fmt.Sprintf(" %5.1f %3d/%-3d", pct(tl.caught[k], tl.applied[k]), tl.caught[k], tl.applied[k])
		}
		line += "  "
		for i, k := range []Kind{KindNumber, KindName, KindQuote, KindContent, KindNegation} {
			if i > 0 {
				line += "/"
			}
			line += strconv.Itoa(tl.byKind[k])
		}
		w(line)
	}
}

func pct(a, b int) float64 {
	if b == 0 {
		return 0
	}
	return 100 * float64(a) / float64(b)
}

func TestCorruption(t *testing.T) {
	rows := loadRows(t)
	cases := buildCases(rows)
	var verbose func(c *benchCase, kind string, orig, bad Verdict)
	if os.Getenv("GROUNDING_VERBOSE") != "" {
		verbose = func(c *benchCase, kind string, orig, bad Verdict) {
			if kind == "" {
				label := "FALSE REJECTION"
				if c.absent != "" {
					label = "REJECTED (absent " + c.absent + ")"
				}
				t.Logf("%s %s #%d: %+v", label, c.set, c.idx, orig.Problems)
				return
			}
			b := c.bad[kind]
			t.Logf("MISSED %s %s #%d %s [%s]: %q", c.set, kind, c.idx, b.where, b.note, pointAt(b.s, b.where))
		}
	}
	p := withOverrides(t, defaults, os.Getenv("GROUNDING_PARAMS"))
	held := run(cases, p, heldOut, verbose)
	tune := run(cases, p, func(i int) bool { return !heldOut(i) }, verbose)
	all := merged(held, tune)
	logf := func(s string) { t.Log(s) }
	table(logf, "tune", tune)
	table(logf, "held-out", held)
	table(logf, "all", all)
	for _, set := range []string{"human", "extractive"} {
		line := set + " briefs a corruption could not be applied to:"
		for _, k := range kinds {
			line += fmt.Sprintf(" %s %d", k, all[set].briefs-all[set].applied[k])
		}
		t.Log(line)
	}
	t.Logf("human briefs left out of FR because a highlight states a fact absent from the article: %d of %d",
		all["human"].briefs-all["human"].grounded, all["human"].briefs)
	xsumNotes(t, p)

	// Guards against regressions, with some room below the measured figures.
	ext := all["extractive"]
	if fr := pct(ext.rejected, ext.briefs); fr > 2 {
		t.Errorf("extractive briefs: %.1f%% rejected, want at most 2%%", fr)
	}
	for _, k := range kinds {
		if d := pct(ext.caught[k], ext.applied[k]); d < 85 {
			t.Errorf("extractive briefs: %.1f%% of %s corruptions caught, want at least 85%%", d, k)
		}
	}
}

// xsumNotes logs how the check treats the BBC articles of XSum: their
// extractive briefs (faithful by construction: out-of-domain false
// rejections) and their one-sentence human summaries, which are known to
// state much that the article does not (and are lower-cased, so their
// names are not seen as names).
func xsumNotes(t *testing.T, p params) {
	f, err := os.Open(testkit.SharedPath(t, "evaldata", "xsum_frank.jsonl"))
	if err != nil {
		return
	}
	defer f.Close()
	x := extractive.New()
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 1<<24)
	var n, extRejected, refRejected int
	kinds := map[Kind]int{}
	for sc.Scan() {
		var r struct {
			Article   string `json:"article"`
			Reference string `json:"reference_summary"`
		}
		if json.Unmarshal(sc.Bytes(), &r) != nil {
			continue
		}
		sum, err := x.Summarize(briefs.Document{Text: r.Article})
		if err != nil {
			continue
		}
		n++
		if v := p.check(r.Article, sum); !v.OK {
			extRejected++
			if os.Getenv("GROUNDING_VERBOSE") != "" {
				t.Logf("XSUM EXTRACTIVE REJECTED %+v", v.Problems)
			}
		}
		v := p.check(r.Article, briefs.Summary{Gist: r.Reference, Lang: "en"})
		if !v.OK {
			refRejected++
			countKinds(kinds, v)
		}
	}
	t.Logf("XSum (%d BBC articles): extractive briefs rejected %.1f%% (%d); reference summaries rejected %.1f%% (%d; number %d, name %d, quote %d, content %d, negation %d)",
		n, pct(extRejected, n), extRejected, pct(refRejected, n), refRejected,
		kinds[KindNumber], kinds[KindName], kinds[KindQuote], kinds[KindContent], kinds[KindNegation])
}

// withOverrides sets fields of p from "name=value,name=value" (for
// experiments with the thresholds).
func withOverrides(t testing.TB, p params, spec string) params {
	for _, kv := range strings.Split(spec, ",") {
		name, val, ok := strings.Cut(kv, "=")
		if !ok {
			continue
		}
		f, err := strconv.ParseFloat(val, 64)
		if err != nil {
			t.Fatal(err)
		}
		switch name {
		case "cover":
			p.cover = f
		case "freeMisses":
			p.freeMisses = int(f)
		case "alignRatio":
			p.alignRatio = f
		case "alignTop":
			p.alignTop = int(f)
		case "nameRatio":
			p.nameRatio = f
		case "corefWords":
			p.corefWords = int(f)
		case "numRatio":
			p.numRatio = f
		case "numContext":
			p.numContext = int(f)
		case "numShared":
			p.numShared = int(f)
		case "negScope":
			p.negScope = int(f)
		case "negShared":
			p.negShared = int(f)
		case "negRatio":
			p.negRatio = f
		case "negNear":
			p.negNear = int(f)
		case "negAnywhere":
			p.negAnywhere = int(f)
		default:
			t.Fatalf("no parameter %q", name)
		}
	}
	return p
}

// TestCorruptionGrid prints the figures on the tuning articles for each set
// of thresholds in GROUNDING_GRID ("name=value,...;name=value,..."): how the
// thresholds were chosen.
func TestCorruptionGrid(t *testing.T) {
	grid := os.Getenv("GROUNDING_GRID")
	if grid == "" {
		t.Skip("set GROUNDING_GRID")
	}
	cases := buildCases(loadRows(t))
	for _, spec := range strings.Split(grid, ";") {
		p := withOverrides(t, defaults, spec)
		keep := func(i int) bool { return !heldOut(i) }
		if os.Getenv("GROUNDING_SPLIT") == "all" {
			keep = func(int) bool { return true }
		}
		ts := run(cases, p, keep, nil)
		for _, set := range []string{"human", "extractive"} {
			tl := ts[set]
			line := fmt.Sprintf("%-60s %-5.5s FR %4.1f%% %d/%d/%d/%d/%d ", spec, set, pct(tl.groundedRejected, tl.grounded),
				tl.byKind[KindNumber], tl.byKind[KindName], tl.byKind[KindQuote], tl.byKind[KindContent], tl.byKind[KindNegation])
			for _, k := range kinds {
				line += fmt.Sprintf(" %s %5.1f", k, pct(tl.caught[k], tl.applied[k]))
			}
			t.Log(line)
		}
	}
}

func pointAt(s briefs.Summary, where string) string {
	texts, wheres := points(s)
	for i, w := range wheres {
		if w == where {
			return texts[i]
		}
	}
	return ""
}

// BenchmarkCheckDev checks the extractive brief of each development article
// once per iteration.
//
//	go test ./briefs/grounding -run '^$' -bench CheckDev -benchmem
func BenchmarkCheckDev(b *testing.B) {
	rows := loadRows(b)
	x := extractive.New()
	var arts []string
	var sums []briefs.Summary
	for _, r := range rows {
		if s, err := x.Summarize(briefs.Document{Text: r.Article}); err == nil {
			arts, sums = append(arts, r.Article), append(sums, s)
		}
	}
	b.ResetTimer()
	for b.Loop() {
		for i := range arts {
			Check(arts[i], sums[i])
		}
	}
	b.ReportMetric(float64(b.Elapsed().Microseconds())/float64(b.N*len(arts)), "µs/brief")
}
