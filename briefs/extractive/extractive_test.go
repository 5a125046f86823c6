package extractive

import (
	"bufio"
	"encoding/json"
	"flag"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode/utf8"

	"briefbot/briefs"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/")

func readSample(t testing.TB) string {
	t.Helper()
	b, err := os.ReadFile("testdata/putin-kim.txt")
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// goldenBrief is the JSON form of a briefs.Summary in testdata: what a reader of
// the brief sees, plus the slug made from it.
type goldenBrief struct {
	Summarizer  string    `json:"summarizer"`
	Title       string    `json:"title"`
	Lang        string    `json:"lang,omitempty"`
	Gist        string    `json:"gist"`
	Bullets     []string  `json:"bullets"`
	Entities    []string  `json:"entities"`
	Byline      string    `json:"byline"`
	PublishedAt time.Time `json:"published_at"`
	Words       int       `json:"words"`
	Slug        string    `json:"slug"`
}

func TestSummarizeSampleGolden(t *testing.T) {
	x := New()
	sum, err := x.Summarize(briefs.Document{Text: readSample(t)})
	if err != nil {
		t.Fatal(err)
	}
	checkGolden(t, "testdata/putin-kim.golden.json", x, sum)
}

// checkGolden compares the brief of sum with the golden file at path, and
// rewrites the file first when the -update flag is given.
func checkGolden(t *testing.T, path string, x *Summarizer, sum briefs.Summary) {
	t.Helper()
	got := goldenBrief{
		Summarizer: x.Version(), Title: sum.Title, Lang: sum.Lang, Gist: sum.Gist, Bullets: sum.Bullets,
		Entities: sum.Entities, Byline: sum.Byline, PublishedAt: sum.PublishedAt, Words: sum.Words,
		Slug: sum.Slug,
	}
	b, err := json.MarshalIndent(got, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	b = append(b, '\n')
	if *update {
		if err := os.WriteFile(path, b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test ./briefs/extractive/ -run Golden -update)", err)
	}
	if string(b) != string(want) {
		t.Errorf("brief differs from %s (run with -update if the change is intended):\n%s", path, b)
	}
}

// TestSummarizeSample asserts what the brief of the sample article must do,
// whatever the golden file says.
func TestSummarizeSample(t *testing.T) {
	sum, err := New().Summarize(briefs.Document{Text: readSample(t)})
	if err != nil {
		t.Fatal(err)
	}
	if want := "Russia's Deal With North Korea Is 'Ominously Ambiguous'"; sum.Title != want {
		t.Errorf("Title = %q, want %q", sum.Title, want)
	}
	all := strings.Join(append([]string{sum.Title, sum.Gist}, sum.Bullets...), "\n")
	if !strings.Contains(all, "mutual assistance in the event of aggression") {
		t.Errorf("no bullet carries the mutual-assistance pledge:\n%s", all)
	}
	if !strings.Contains(all, "Neither side has released the text") && !strings.Contains(all, "until the formal text is released") {
		t.Errorf("no bullet says the text is unpublished:\n%s", all)
	}
	for _, bad := range []string{"news faster", "install", "Install", "Home Screen", "Tap ", "More Vladimir Putin stories", "via AP"} {
		if strings.Contains(all, bad) {
			t.Errorf("brief holds boilerplate %q", bad)
		}
	}
	for _, e := range []string{"Vladimir Putin", "Kim Jong Un"} {
		if !slices.Contains(sum.Entities, e) {
			t.Errorf("Entities = %q, missing %q", sum.Entities, e)
		}
	}
	if len(sum.Bullets) < briefs.MinBullets || len(sum.Bullets) > briefs.MaxBullets {
		t.Errorf("%d bullets", len(sum.Bullets))
	}
	for _, b := range sum.Bullets {
		if w := strings.Fields(b)[0]; slices.Contains([]string{"He", "She", "It", "They", "But", "However", "However,", "Also", "This"}, w) || Dangles("en", b) {
			t.Errorf("bullet opens with %q: %q", w, b)
		}
		if n := utf8.RuneCountInString(b); n > briefs.MaxBulletLen {
			t.Errorf("bullet of %d runes: %q", n, b)
		}
	}
	if n := utf8.RuneCountInString(sum.Gist); sum.Gist == "" || n > briefs.MaxGistLen {
		t.Errorf("gist of %d runes: %q", n, sum.Gist)
	}
	if slug := sum.Slug; !strings.Contains(slug, "putin") {
		t.Errorf("slug %q lacks putin", slug)
	}
	if sum.Byline != "John Johnson, Newser Staff" {
		t.Errorf("Byline = %q", sum.Byline)
	}
	if sum.PublishedAt.IsZero() || sum.PublishedAt.Format("2006-01-02 15:04 -0700") != "2024-06-19 09:13 -0500" {
		t.Errorf("PublishedAt = %v", sum.PublishedAt)
	}
	if sum.Words < 350 || sum.Words > 450 {
		t.Errorf("Words = %d", sum.Words)
	}
	brief := briefs.Brief{Title: sum.Title, Gist: sum.Gist, Bullets: sum.Bullets}
	if faults := briefs.FormatFaults(brief); len(faults) > 0 {
		t.Errorf("format faults: %q", faults)
	}
	// Bullets keep article order.
	body := Clean(readSample(t)).Body
	last := -1
	for _, b := range sum.Bullets {
		i := strings.Index(body, strings.TrimSuffix(b, "."))
		if i < 0 || i < last {
			t.Errorf("bullet %q not in article order", b)
		}
		last = i
	}
}

func TestSummarizeTitle(t *testing.T) {
	x := New()
	text := "Storm Batters The Coast\nA powerful storm hit the coast on Monday, cutting power to thousands of homes. Officials said repairs would take days. Schools stayed closed across the region."
	sum, err := x.Summarize(briefs.Document{Text: text})
	if err != nil {
		t.Fatal(err)
	}
	if sum.Title != "Storm Batters The Coast" {
		t.Errorf("detected Title = %q", sum.Title)
	}
	sum, _ = x.Summarize(briefs.Document{Title: "  Given   title  ", Text: text})
	if sum.Title != "Given title" {
		t.Errorf("given Title = %q", sum.Title)
	}
	long := strings.Repeat("word ", 80)
	sum, _ = x.Summarize(briefs.Document{Title: long, Text: text})
	if n := utf8.RuneCountInString(sum.Title); n > briefs.MaxTitleLen || !strings.HasSuffix(sum.Title, "…") {
		t.Errorf("long Title of %d runes: %q", n, sum.Title)
	}
	// No headline: the gist's main clause, so headline and gist differ.
	sum, _ = x.Summarize(briefs.Document{Text: "A powerful storm hit the coast on Monday, cutting power to thousands of homes. Officials said repairs would take days."})
	if sum.Title != "A powerful storm hit the coast on Monday" {
		t.Errorf("sentence Title = %q (gist %q)", sum.Title, sum.Gist)
	}
	// A headline in sentence case pasted on the same line as the story:
	// the next sentence tells the same news at length.
	pasted := "City council approves new bike lanes. The council voted 7-2 on Tuesday to add 12 km of protected bike lanes downtown. " +
		"Work starts in April and will cost 3.4 million euros, the mayor said. Shop owners on Main Street had opposed the plan, fearing the loss of parking."
	sum, _ = x.Summarize(briefs.Document{Text: pasted})
	if sum.Title != "City council approves new bike lanes" || !strings.HasPrefix(sum.Gist, "The council voted 7-2") {
		t.Errorf("pasted headline: Title %q, gist %q", sum.Title, sum.Gist)
	}
	// A short first sentence that is part of the story stays in it.
	story := "The fire spread fast. Firefighters fought the blaze near the port for six hours on Sunday night. " +
		"Two warehouses burned down, the city said. Nobody was hurt."
	sum, _ = x.Summarize(briefs.Document{Text: story})
	if sum.Title == "The fire spread fast" {
		t.Errorf("a story's first sentence was taken for its headline (gist %q)", sum.Gist)
	}
}

func TestSummarizeBullets(t *testing.T) {
	x := New()
	text := "Officials confirmed the bridge would reopen to traffic on Friday morning. " +
		"He said the repairs had cost far more than planned. " +
		"But engineers found no further damage to the main span of the bridge. " +
		"However, the toll will rise by two dollars from next month onwards. " +
		"They will review the decision in a year. " +
		"Drivers have used a detour through the city centre since the bridge closed in March, " +
		"which added as much as forty minutes to the journey at rush hour for thousands of commuters, " +
		"while buses were rerouted through narrow streets in the old town, to the anger of residents who complained about noise and fumes late into the night."
	sum, err := x.Summarize(briefs.Document{Text: text})
	if err != nil {
		t.Fatal(err)
	}
	if want := "Officials confirmed the bridge would reopen to traffic on Friday morning."; sum.Gist != want {
		t.Errorf("Gist = %q, want %q", sum.Gist, want)
	}
	// The pronoun sentences are left out, the connectives dropped, and the
	// long last sentence cut where its added ", while ..." clause starts.
	want := []string{
		"Engineers found no further damage to the main span of the bridge.",
		"The toll will rise by two dollars from next month onwards.",
		"Drivers have used a detour through the city centre since the bridge closed in March, " +
			"which added as much as forty minutes to the journey at rush hour for thousands of commuters.",
	}
	if !slices.Equal(sum.Bullets, want) {
		t.Errorf("Bullets = %q\nwant %q", sum.Bullets, want)
	}
}

func TestSummarizeBadInput(t *testing.T) {
	x := New()
	tests := []struct {
		name, text, says string
	}{
		{"empty", "", "empty"},
		{"blank", "  \n\t \n", "empty"},
		{"invalid UTF-8", "Putin and Kim \xff\xfe signed a pact on Wednesday.", "UTF-8"},
		{"binary", "PK\x03\x04\x00\x00\x08\x00binary zip data", "binary"},
		{"control characters", strings.Repeat("\x01\x02\x03\x04 ", 20), "binary"},
		{"only boilerplate", "Get the news faster.\nTap to install our app.\nInstall the Newser News app\nin two easy steps:\n1. Tap in your navigation bar.\n2. Tap to Add to Home Screen.\n(More Vladimir Putin stories.)", "boilerplate"},
		{"no sentences", "... --- !!! ??? •", "no sentences"},
		{"only html tags", "<html><body><div></div><script>alert(1)</script></body></html>", "no sentences"},
		{"only dangling fragments", "and then. or so. it is.", "no"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			sum, err := x.Summarize(briefs.Document{Text: tt.text})
			if briefs.ErrorCode(err) != briefs.EINVALID {
				t.Fatalf("Summarize = %+v, %v; want briefs.EINVALID", sum, err)
			}
			if msg := briefs.ErrorMessage(err); !strings.Contains(msg, tt.says) {
				t.Errorf("message %q does not say %q", msg, tt.says)
			}
		})
	}
}

func TestSummarizeHTML(t *testing.T) {
	html := "<html><head><title>x</title></head><body><h1>Bridge Reopens After Repairs</h1>" +
		"<p>Officials confirmed the bridge would reopen to traffic on <b>Friday</b> morning.</p>" +
		"<p>Engineers found no further damage to the main span &amp; the approach roads.</p>" +
		"<p>The toll will rise by two dollars from next month onwards.</p></body></html>"
	sum, err := New().Summarize(briefs.Document{Text: html})
	if err != nil {
		t.Fatal(err)
	}
	if sum.Title != "Bridge Reopens After Repairs" {
		t.Errorf("Title = %q", sum.Title)
	}
	// Three sentences: the first is the gist, the other two are the points.
	if sum.Gist != "Officials confirmed the bridge would reopen to traffic on Friday morning." || len(sum.Bullets) != 2 {
		t.Errorf("Gist = %q, Bullets = %q", sum.Gist, sum.Bullets)
	}
	for _, s := range append([]string{sum.Title, sum.Gist}, sum.Bullets...) {
		if strings.ContainsAny(s, "<>") || strings.Contains(s, "&amp;") {
			t.Errorf("markup left in %q", s)
		}
	}
}

func TestSummarizeShortText(t *testing.T) {
	x := New()
	for _, text := range []string{"Putin and Kim signed a pact on Wednesday.", "Hello world.", "Putin and Kim signed a pact"} {
		sum, err := x.Summarize(briefs.Document{Text: text})
		if err != nil {
			t.Errorf("Summarize(%q): %v", text, err)
			continue
		}
		// One sentence is a gist and no points: nothing is padded.
		if len(sum.Bullets) != 0 || sum.Gist == "" || sum.Title == "" {
			t.Errorf("Summarize(%q) = %+v", text, sum)
		}
	}
}

// TestSummarizeConcurrent runs one Extractive from many goroutines: results
// must match a sequential run (the scratch pool must not leak state).
func TestSummarizeConcurrent(t *testing.T) {
	x := New()
	docs := []string{readSample(t), syntheticArticle(1, 800), syntheticArticle(2, 300), syntheticArticle(3, 1500)}
	want := make([]briefs.Summary, len(docs))
	for i, d := range docs {
		var err error
		if want[i], err = x.Summarize(briefs.Document{Text: d}); err != nil {
			t.Fatal(err)
		}
	}
	var wg sync.WaitGroup
	for g := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for k := range 20 {
				i := (g + k) % len(docs)
				got, err := x.Summarize(briefs.Document{Text: docs[i]})
				if err != nil || !sameSummary(got, want[i]) {
					t.Errorf("doc %d: concurrent result differs: %v", i, err)
					return
				}
			}
		}()
	}
	wg.Wait()
}

func sameSummary(a, b briefs.Summary) bool {
	return a.Title == b.Title && a.Gist == b.Gist && slices.Equal(a.Bullets, b.Bullets) &&
		slices.Equal(a.Entities, b.Entities) && a.Words == b.Words && a.Byline == b.Byline &&
		a.PublishedAt.Equal(b.PublishedAt)
}

// TestSummarizeDevFormat summarizes every development article (when the
// shared evaluation data is present) and checks the brief format on each.
func TestSummarizeDevFormat(t *testing.T) {
	x := New()
	n := 0
	for _, file := range []string{"cnndm_frank.jsonl", "xsum_frank.jsonl"} {
		for _, row := range devRows(t, file) {
			n++
			sum, err := x.Summarize(briefs.Document{Text: row.Article})
			if err != nil {
				t.Errorf("%s: %v", row.ID, err)
				continue
			}
			b := briefs.Brief{Title: sum.Title, Gist: sum.Gist, Bullets: sum.Bullets}
			for _, f := range briefs.FormatFaults(b) {
				if f != "fewer than 3 bullets" {
					t.Errorf("%s: %s: %q", row.ID, f, sum.Bullets)
				}
			}
			if len(sum.Bullets) == 0 || len(sum.Bullets) > briefs.MaxBullets {
				t.Errorf("%s: %d bullets", row.ID, len(sum.Bullets))
			}
			for _, s := range append([]string{sum.Title, sum.Gist}, sum.Bullets...) {
				if !utf8.ValidString(s) || strings.Contains(s, "Scroll down for video") || strings.Contains(s, "Share this with") {
					t.Errorf("%s: bad text %q", row.ID, s)
				}
			}
			if slug := sum.Slug; !slugRe.MatchString(slug) || len(slug) > briefs.MaxSlugLen {
				t.Errorf("%s: bad slug %q", row.ID, slug)
			}
		}
	}
	if n == 0 {
		t.Skip("no evaluation data found (../shared/evaldata next to the module)")
	}
}

type devRow struct {
	ID      string `json:"id"`
	Article string `json:"article"`
}

// devRows loads an evaluation file from the shared folder beside the module
// (the directory holding go.mod, then ../shared/evaldata), or nothing.
func devRows(tb testing.TB, name string) []devRow {
	tb.Helper()
	dir, err := os.Getwd()
	if err != nil {
		return nil
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			break
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return nil
		}
		dir = parent
	}
	f, err := os.Open(filepath.Join(dir, "..", "shared", "evaldata", name))
	if err != nil {
		return nil
	}
	defer f.Close()
	var rows []devRow
	sc := bufio.NewScanner(f)
	sc.Buffer(nil, 16<<20)
	for sc.Scan() {
		var r devRow
		if err := json.Unmarshal(sc.Bytes(), &r); err != nil {
			tb.Fatalf("%s: %v", name, err)
		}
		rows = append(rows, r)
	}
	return rows
}

// syntheticArticle builds a deterministic news-like article of about words
// words: a headline, a byline, a dated lead and paragraphs of sentences with
// names, numbers, quotes, clauses and the odd pronoun opener.
func syntheticArticle(seed uint64, words int) string {
	r := rand.New(rand.NewPCG(seed, 7))
	pick := func(xs ...string) string { return xs[r.IntN(len(xs))] }
	people := []string{"Maria Lopez", "John Carter", "Aiko Tanaka", "Dmitri Volkov", "Grace Obi", "Lars Nilsson"}
	places := []string{"Lisbon", "the Port of Rotterdam", "Nairobi", "Osaka", "the Northern Region", "Ottawa"}
	orgs := []string{"the Transport Ministry", "Reuters", "the World Bank", "Acme Corp.", "the U.N. Security Council"}
	nouns := []string{"bridge", "budget", "report", "agreement", "vaccine", "election", "pipeline", "strike"}
	var b strings.Builder
	fmt.Fprintf(&b, "%s Signs %s Deal With %s\nBy Staff Reporter\nPosted Mar 3, 2025 10:00 AM EST\n\n",
		strings.Fields(pick(people...))[1], strings.ToUpper(pick(nouns...)[:1])+pick(nouns...)[1:], pick(places...))
	n := 0
	for n < words {
		var s string
		switch r.IntN(7) {
		case 0:
			s = fmt.Sprintf("%s said the %s would cost $%d.%d billion, which is %d%% more than planned.", pick(people...), pick(nouns...), r.IntN(90)+1, r.IntN(10), r.IntN(40)+2)
		case 1:
			s = fmt.Sprintf(`"We expect the %s to be ready by Jan. %d," said %s, according to %s.`, pick(nouns...), r.IntN(28)+1, pick(people...), pick(orgs...))
		case 2:
			s = fmt.Sprintf("Officials in %s confirmed that the %s had been delayed for %d weeks after talks with %s broke down.", pick(places...), pick(nouns...), r.IntN(12)+2, pick(orgs...))
		case 3:
			s = fmt.Sprintf("He added that the %s was not part of the original plan.", pick(nouns...))
		case 4:
			s = fmt.Sprintf("But critics in %s say the %s - first proposed by %s in %d - will hurt small businesses.", pick(places...), pick(nouns...), pick(people...), 1990+r.IntN(30))
		case 5:
			s = fmt.Sprintf("The %s, which Dr. %s backed, passed by %d votes to %d on Tuesday.", pick(nouns...), strings.Fields(pick(people...))[1], r.IntN(200)+100, r.IntN(100))
		default:
			s = fmt.Sprintf("Mr. %s met %s in %s; the two sides agreed to meet again in %d months.", strings.Fields(pick(people...))[1], pick(people...), pick(places...), r.IntN(6)+1)
		}
		b.WriteString(s)
		n += len(strings.Fields(s))
		if r.IntN(4) == 0 {
			b.WriteString("\n\n")
		} else {
			b.WriteByte(' ')
		}
	}
	b.WriteString("\n\nGet the news faster.\nTap to install our app.\n")
	return b.String()
}

func TestSyntheticArticle(t *testing.T) {
	a := syntheticArticle(1, 800)
	if a != syntheticArticle(1, 800) {
		t.Fatal("synthetic article is not deterministic")
	}
	sum, err := New().Summarize(briefs.Document{Text: a})
	if err != nil {
		t.Fatal(err)
	}
	if sum.Words < 780 || sum.Words > 900 {
		t.Errorf("Words = %d", sum.Words)
	}
	if faults := briefs.FormatFaults(briefs.Brief{Title: sum.Title, Gist: sum.Gist, Bullets: sum.Bullets}); len(faults) > 0 {
		t.Errorf("faults %q in %+v", faults, sum)
	}
}

// BenchmarkSummarize summarizes one ~800-word article per iteration.
func BenchmarkSummarize(b *testing.B) {
	x := New()
	doc := briefs.Document{Text: syntheticArticle(1, 800)}
	b.SetBytes(int64(len(doc.Text)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := x.Summarize(doc); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkSummarizeDev summarizes the 250 CNN/DailyMail development
// articles per iteration and reports articles per second.
func BenchmarkSummarizeDev(b *testing.B) {
	rows := devRows(b, "cnndm_frank.jsonl")
	if len(rows) == 0 {
		b.Skip("no evaluation data found (../shared/evaldata next to the module)")
	}
	docs := make([]briefs.Document, len(rows))
	size := 0
	for i, r := range rows {
		docs[i] = briefs.Document{Text: r.Article}
		size += len(r.Article)
	}
	x := New()
	b.SetBytes(int64(size))
	b.ReportAllocs()
	for b.Loop() {
		for _, d := range docs {
			if _, err := x.Summarize(d); err != nil {
				b.Fatal(err)
			}
		}
	}
	b.ReportMetric(float64(b.N*len(docs))/b.Elapsed().Seconds(), "articles/s")
	b.ReportMetric(b.Elapsed().Seconds()*1e6/float64(b.N*len(docs)), "µs/article")
}

// FuzzSummarize: any text gives either briefs.EINVALID or a brief that keeps the
// format's limits; never a panic.
func FuzzSummarize(f *testing.F) {
	f.Add("Putin and Kim signed a pact on Wednesday. Neither side has released the text.")
	f.Add("<p>Hello <b>world</b> &amp; more text here for the story.</p>")
	f.Add("Headline\nBy Someone\nPosted Jun 19, 2024 9:13 AM CDT\n\nBody text that goes on. More.")
	f.Add("\xff\x00 binary")
	x := New()
	f.Fuzz(func(t *testing.T, text string) {
		sum, err := x.Summarize(briefs.Document{Text: text})
		if err != nil {
			if briefs.ErrorCode(err) != briefs.EINVALID {
				t.Fatalf("error %v", err)
			}
			return
		}
		if len(sum.Bullets) > briefs.MaxBullets || sum.Gist == "" || sum.Title == "" || slices.Contains(sum.Bullets, sum.Gist) {
			t.Fatalf("bad summary %+v", sum)
		}
		for _, f := range briefs.FormatFaults(briefs.Brief{Title: sum.Title, Gist: sum.Gist, Bullets: sum.Bullets}) {
			if f != "fewer than 3 bullets" {
				t.Fatalf("%s in %+v", f, sum)
			}
		}
	})
}

// TestSummarizeHostileInput feeds 1 MiB texts built to hit quadratic paths
// (many names, no spaces, repeated boilerplate, unclosed tags, date-like
// lines). Each must finish quickly: the summarizer runs on user input.
func TestSummarizeHostileInput(t *testing.T) {
	if testing.Short() {
		t.Skip("large inputs")
	}
	var names strings.Builder
	for i := 0; names.Len() < 1<<20; i++ {
		fmt.Fprintf(&names, "Alpha%d Beta%d met Gamma%d. ", i, i, i%1000)
	}
	inputs := map[string]string{
		"many names":       names.String(),
		"no spaces":        strings.Repeat("ab.Cd", 200000),
		"repeated scroll":  strings.Repeat("Scroll down for video ", 50000) + "The end of the story is here.",
		"periods":          strings.Repeat("a.", 500000),
		"one long line":    strings.Repeat("Word ", 200000) + ".",
		"unclosed tags":    strings.Repeat("<script>", 100000),
		"headline lines":   strings.Repeat("Headline here\n", 70000),
		"quotes":           strings.Repeat("\"a\" ", 250000),
		"opener names":     strings.Repeat("Big Thing said so. ", 50000),
		"date-like lines":  strings.Repeat("Posted March 99, 2024\n9 May 2024x\n", 30000),
		"open parentheses": strings.Repeat("The (story goes on, which is long - and ", 25000) + ".",
	}
	x := New()
	for name, in := range inputs {
		start := time.Now()
		_, err := x.Summarize(briefs.Document{Text: in})
		if d := time.Since(start); d > 5*time.Second {
			t.Errorf("%s: %v (%v)", name, d, err)
		}
		if err != nil && briefs.ErrorCode(err) != briefs.EINVALID {
			t.Errorf("%s: %v", name, err)
		}
	}
}

func TestPronounName(t *testing.T) {
	cases := []struct{ s, prev, want string }{
		{"He said he came up with the idea in Europe.", "Hiroshi Ueda, a photographer, claims that he first invented the selfie stick.", "Hiroshi Ueda"},
		{"She also declined to send a lawyer.", "Marie Teresa Ratcliffe refused to defend herself against the charges.", "Marie Teresa Ratcliffe"},
		{"He remains jailed.", "Mr Brown pleaded not guilty on Monday.", "Mr Brown"},
		// Another name in the sentence before: the pronoun may be either.
		{"He spent 14 years as a player.", "Mark Warburton wants to alter the staff, leaving Durrant without a post.", ""},
		// An organisation, a possessive, a sentence opener: no person.
		{"He said it was fine.", "Manchester United beat the champions on Sunday.", ""},
		{"He said it was fine.", "Gordon Brown's speech was cut short on Sunday.", ""},
		{"He said it was fine.", "The minister spoke on Sunday.", ""},
		// Not a pronoun opener, or inside a quotation, or after a caption.
		{"They said it was fine.", "Gordon Brown spoke on Sunday.", ""},
		{"He is one of the best in the world.'", "Gordon Brown spoke on Sunday.", ""},
		{"He said it was fine.", "Gordon Brown speaks at a rally in Glasgow", ""},
	}
	for _, c := range cases {
		if got := pronounName(c.s, c.prev); got != c.want {
			t.Errorf("pronounName(%q, %q) = %q, want %q", c.s, c.prev, got, c.want)
		}
	}
}

func TestPronounRepairBullet(t *testing.T) {
	text := "Hiroshi Ueda, a photographer, claims that he first invented the selfie stick in the 1980s.\n\n" +
		"He said he came up with the idea after struggling to get pictures of himself and his wife together while on holiday.\n\n" +
		"The extender stick was patented in 1983 but sold poorly at the time, the records show.\n\n" +
		"Decades later the gadget became a fixture of tourist spots around the world, to the dismay of museums."
	sum, err := New().Summarize(briefs.Document{Text: text})
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for _, b := range sum.Bullets {
		if Dangles("en", b) {
			t.Errorf("bullet dangles: %q", b)
		}
		if strings.HasPrefix(b, "Hiroshi Ueda said he came up with the idea") {
			found = true
		}
	}
	if !found {
		t.Errorf("no repaired bullet in %q", sum.Bullets)
	}
}

func TestDropAttribution(t *testing.T) {
	cases := []struct{ in, want string }{
		{"The Hubble Space Telescope has been key to the discoveries, NASA said in a news release.",
			"The Hubble Space Telescope has been key to the discoveries."},
		{"Three people were taken to hospital after the crash on the motorway, police said.",
			"Three people were taken to hospital after the crash on the motorway."},
		{"The number of jobless claims fell for a third week in a row, according to the Labor Department.",
			"The number of jobless claims fell for a third week in a row."},
		// A quotation keeps its speaker; a short sentence and other tails stay.
		{`"We will not give up on the people of this town," the mayor said.`, `"We will not give up on the people of this town," the mayor said.`},
		{"It rained, police said.", "It rained, police said."},
		{"The council approved the plan on Tuesday, and the work starts in May.", "The council approved the plan on Tuesday, and the work starts in May."},
	}
	for _, c := range cases {
		if got := dropAttribution(c.in); got != c.want {
			t.Errorf("dropAttribution(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}

func TestAttributedQuote(t *testing.T) {
	cases := []struct {
		s    string
		want bool
	}{
		{`"I think we're going to find life within a decade," NASA chief scientist Ellen Stofan said Tuesday.`, true},
		{`'We're delighted with the result,' said Jim Mann, the club's chairman.`, true},
		{`"I think we're going to find life within a decade," she said.`, false},
		{`"I think we're going to find life within a decade.`, false},
		{`Stofan said "we are close".`, false},
	}
	for _, c := range cases {
		if got := attributedQuote(c.s); got != c.want {
			t.Errorf("attributedQuote(%q) = %v, want %v", c.s, got, c.want)
		}
	}
}

// TestGistIsCentral checks that the gist is the early sentence that says
// most about the whole article, not merely the first one.
func TestGistIsCentral(t *testing.T) {
	sents := []string{
		"Residents of a small coastal town woke on Monday to an unfamiliar silence.",
		"Storm Nora destroyed the harbour wall of Porthaven, flooding homes and leaving the fishing fleet without shelter.",
		"The storm brought winds of 90mph and waves of eight metres to the coast overnight.",
		"Fishing crews say the fleet cannot sail until the harbour wall is rebuilt after the storm.",
		"The council said flooded homes would be inspected this week and that the harbour wall would be rebuilt.",
		"Porthaven has been a fishing town for three centuries.",
	}
	sum, err := New().Summarize(briefs.Document{Text: strings.Join(sents, "\n\n")})
	if err != nil {
		t.Fatal(err)
	}
	if sum.Gist == sents[0] || !slices.Contains(sents[1:5], sum.Gist) {
		t.Errorf("gist = %q, want one of the sentences about the storm and the harbour", sum.Gist)
	}
}

// TestFallbackBullets checks that an article whose sentences are mostly
// quotations still gets the three bullets the format asks for, none of
// them dangling.
func TestFallbackBullets(t *testing.T) {
	text := "Ana Silva won the regional cross-country title on Saturday after a late sprint.\n\n" +
		"\"We trained on the beach every morning for three months before the race,\" Silva said.\n\n" +
		"\"We knew the hill would decide it, so we saved something for the last kilometre,\" her coach Rui Costa said.\n\n" +
		"\"I could not believe it when I crossed the line first.\n\n" +
		"Silva will now run at the national championships in Lisbon in June."
	sum, err := New().Summarize(briefs.Document{Text: text})
	if err != nil {
		t.Fatal(err)
	}
	if len(sum.Bullets) < briefs.MinBullets {
		t.Errorf("%d bullets, want at least %d: %q", len(sum.Bullets), briefs.MinBullets, sum.Bullets)
	}
	for _, b := range sum.Bullets {
		if Dangles("en", b) {
			t.Errorf("bullet dangles: %q", b)
		}
	}
}

func TestDropFrame(t *testing.T) {
	tests := []struct{ in, want string }{
		{"It comes after the council voted to close the library in the spring.", "the council voted to close the library in the spring."},
		{"This follows just days after the minister resigned over the leaked report.", "the minister resigned over the leaked report."},
		{"This is the shocking moment a driver crashed into a shop window in the high street.", "a driver crashed into a shop window in the high street."},
		{"It was revealed the club will appoint a new manager before the summer.", "the club will appoint a new manager before the summer."},
		{"It is understood the club will appoint a new manager before the summer.", "It is understood the club will appoint a new manager before the summer."}, // a hedge: kept
		{"It has emerged that the company knew about the fault for two years.", "the company knew about the fault for two years."},
		{"It comes after that.", "It comes after that."},                                                               // too short to stand alone
		{"It is a long way to the nearest town from the farm.", "It is a long way to the nearest town from the farm."}, // no frame
	}
	for _, tt := range tests {
		got, ok := dropFrame(tt.in)
		if got != tt.want || ok != (tt.want != tt.in) {
			t.Errorf("dropFrame(%q) = %q, %v; want %q", tt.in, got, ok, tt.want)
		}
	}
}

func TestDropPictureAsides(t *testing.T) {
	tests := []struct{ in, want string }{
		{"The actress (pictured) wore a red dress to the premiere.", "The actress wore a red dress to the premiere."},
		{"Smith (left) and Jones (right, with his wife) arrived together.", "Smith and Jones arrived together."},
		{"The planet (artist's impression) orbits a red dwarf.", "The planet orbits a red dwarf."},
		{"The museum (file photo) reopens on Monday.", "The museum reopens on Monday."},
		// Asides that carry meaning stay.
		{"The kite measured 6,000 metres (3.7 miles) from end to end.", "The kite measured 6,000 metres (3.7 miles) from end to end."},
		{"The striker (left the club in 2010) came back.", "The striker (left the club in 2010) came back."},
	}
	for _, tt := range tests {
		if got := dropPictureAsides(tt.in); got != tt.want {
			t.Errorf("dropPictureAsides(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestCaptionLabel(t *testing.T) {
	tests := []struct {
		in   string
		want string // what follows the label; "" for no label
	}{
		{"Wanted: Police have issued a warrant for the arrest of a 26-year-old man.", "Police have issued a warrant for the arrest of a 26-year-old man."},
		{"Big Ben: the lamb is twice the weight of the average new-born.", "the lamb is twice the weight of the average new-born."},
		{"The minister said: 'We will not give up on this.'", ""},
		{"Police said: the road will stay closed until Monday.", ""},
		{"With the new Avengers: Age of Ultron released, fans queued.", ""},
		{"On 12 May: the vote was held.", ""},
	}
	for _, tt := range tests {
		k := captionLabel(tt.in)
		got := ""
		if k > 0 {
			got = tt.in[k:]
		}
		if got != tt.want {
			t.Errorf("captionLabel(%q) leaves %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestEntitiesNotFromFurniture(t *testing.T) {
	text := "La Métropole de Lyon a voté jeudi le rachat de la friche des Tanneries, à Vénissieux, pour 38 millions d'euros. " +
		"Le projet a été adopté par 98 voix contre 41 au terme d'une longue séance.\n\n" +
		"Lire aussi : À Villeurbanne, le chantier du nouveau tramway prend du retard\n\n" +
		"La dépollution des sols, estimée à 12 millions d'euros, doit commencer à l'automne prochain à Vénissieux. " +
		"Les premiers habitants pourraient emménager en 2028 selon la Métropole de Lyon."
	sum, err := New().Summarize(briefs.Document{Text: text})
	if err != nil {
		t.Fatal(err)
	}
	if slices.Contains(sum.Entities, "Villeurbanne") {
		t.Errorf("Entities = %q: a name from a \"Lire aussi\" link", sum.Entities)
	}
	if !slices.Contains(sum.Entities, "Vénissieux") {
		t.Errorf("Entities = %q, missing Vénissieux", sum.Entities)
	}
}

// Sentences that open by pointing back ("Which is not to say ...", "In each
// case, ...") lean on the one before; a reader cannot start there.
func TestBackPointingOpenersDangle(t *testing.T) {
	for _, s := range []string{
		"Which is not to say that whatever happened on Saturday was minor.",
		"In each case, President Trump tied himself to the outcome.",
		"In both cases, the court ruled against the city.",
		"In that case, the deal would collapse.",
	} {
		if !Dangles("en", s) {
			t.Errorf("%q should dangle", s)
		}
	}
	if Dangles("en", "In May, the court ruled against the city.") {
		t.Error("a time frame is no back-pointer")
	}
}
