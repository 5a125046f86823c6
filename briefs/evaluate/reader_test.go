package evaluate

import (
	"bytes"
	"context"
	"encoding/json"
	"slices"
	"strings"
	"testing"

	"briefbot/briefs"
)

// The articles and briefs below are made up for these tests.

// rulesOf runs the reader checks and returns the rules that fired on where
// ("gist", "bullet 1", ...; "" for any).
func rulesOf(t *testing.T, source string, b briefs.Brief, where string) []string {
	t.Helper()
	var out []string
	for _, h := range CheckBrief(source, b, "en", testDangles) {
		if where == "" || h.Where == where {
			out = append(out, h.Rule)
		}
	}
	return out
}

// testDangles stands in for the summarizer's language rules: English
// pronouns and connectives only.
func testDangles(lang, s string) bool {
	w, _, _ := strings.Cut(strings.TrimLeft(s, `"'(`), " ")
	switch strings.ToLower(strings.TrimRight(w, ",")) {
	case "he", "she", "it", "they", "but", "however", "also", "this":
		return true
	}
	return false
}

// bulletRules checks one bullet against source, with an unrelated gist.
func bulletRules(t *testing.T, source, bullet string) []string {
	t.Helper()
	return rulesOf(t, source, briefs.Brief{Gist: "Zebras graze quietly near the old lighthouse.", Bullets: []string{bullet}}, "bullet 1")
}

func TestGistRepeated(t *testing.T) {
	gist := "The council approved a new budget for the harbour on Monday."
	for _, tc := range []struct {
		bullet string
		want   bool
	}{
		{gist, true},
		{"The council approved a new budget for the harbour on Monday", true},             // no stop
		{"On Monday the council approved the harbour budget, after a long debate.", true}, // mostly the gist's words
		{"Critics said the plan would fail within a year.", false},
		{"The harbour master resigned last spring after a dispute.", false},
	} {
		got := slices.Contains(rulesOf(t, "", briefs.Brief{Gist: gist, Bullets: []string{tc.bullet}}, "bullet 1"), RuleGistRepeated)
		if got != tc.want {
			t.Errorf("%q: gist-repeated = %v, want %v", tc.bullet, got, tc.want)
		}
	}
}

func TestNearDuplicate(t *testing.T) {
	dup := []string{
		"Fire crews rescued twelve hikers from the flooded canyon on Sunday.",
		"Twelve hikers were rescued by fire crews from a flooded canyon.",
		"The park will stay closed until the water recedes.",
	}
	hits := CheckBrief("", briefs.Brief{Gist: "Storms hit the region.", Bullets: dup}, "en", nil)
	n := 0
	for _, h := range hits {
		if h.Rule == RuleNearDuplicate {
			n++
			if h.Where != "bullets 1+2" {
				t.Errorf("near-duplicate on %s", h.Where)
			}
		}
	}
	if n != 1 {
		t.Errorf("near-duplicate pairs = %d, want 1: %+v", n, hits)
	}
}

func TestWholeSentences(t *testing.T) {
	src := "LONDON — The mayor opened a new bridge on Tuesday. But officials said the cost doubled.\n" +
		"“We are proud,” the mayor said. Mr. Brown, the engineer, was not there.\n" +
		"Traffic will start next week\n" +
		"The bridge links two districts, three parks, and the old market."
	for _, tc := range []struct {
		text string
		cut  bool
	}{
		{"The mayor opened a new bridge on Tuesday.", false}, // after a dateline
		{"Officials said the cost doubled.", false},          // "But " dropped
		{`"We are proud," the mayor said.`, false},           // curly quotes
		{"Traffic will start next week.", false},             // stop added to a line without one
		{"Mr. Brown, the engineer, was not there.", false},
		{"The bridge links two districts, three parks.", true}, // list tail dropped
		{"Mr.", true},
		{"The cost doubled.", true},                     // head cut
		{"The mayor opened a new bridge.", true},        // tail cut
		{"The mayor opened a bridge on Tuesday.", true}, // edited
	} {
		got := slices.Contains(bulletRules(t, src, tc.text), RuleCut)
		if got != tc.cut {
			t.Errorf("%q: cut = %v, want %v", tc.text, got, tc.cut)
		}
	}
	// Captions run into the story without a stop; a source in brackets.
	glued := "(The Daily Reporter) The film is dubbed 'The Great Escape' The story begins in 1940 Critics loved it."
	for _, text := range []string{"The film is dubbed 'The Great Escape'.", "The story begins in 1940."} {
		if slices.Contains(bulletRules(t, glued, text), RuleCut) {
			t.Errorf("%q is a cut of %q", text, glued)
		}
	}
}

func TestCutChecks(t *testing.T) {
	src := "The firm sells apples, pears, and plums in three towns. " +
		"Police said John Smith, 25, was arrested. " +
		`The minister said "the plan is working, and we will go on" in parliament. ` +
		"The storm damaged roofs across the county, and officials promised help. " +
		"The actor, who stars in the show, won an award."
	for _, tc := range []struct {
		text string
		rule string
		want bool
	}{
		{"The firm sells apples, pears.", RuleCutListTail, true},
		{"The storm damaged roofs across the county.", RuleCutListTail, false}, // a clause follows, not a list item
		{"Police said John Smith.", RuleCutBeforeNumber, true},
		{"The storm damaged roofs across the county.", RuleCutBeforeNumber, false},
		{`The minister said "the plan is working.`, RuleCutOpenQuote, true},
		{"The storm damaged roofs across the county.", RuleCutOpenQuote, false},
		{"The firm sells apples, pears.", RuleCutNoVerb, false},
		{"Across the county.", RuleCutNoVerb, true},
		{"The actor, who stars in the show.", RuleCutNoVerb, true}, // the verb is in a relative clause
	} {
		got := slices.Contains(bulletRules(t, src, tc.text), tc.rule)
		if got != tc.want {
			t.Errorf("%q: %s = %v, want %v (rules %v)", tc.text, tc.rule, got, tc.want, bulletRules(t, src, tc.text))
		}
	}
}

func TestDanglingOpener(t *testing.T) {
	if !slices.Contains(bulletRules(t, "", "He said the plan would work."), RuleDangling) {
		t.Error("a bullet opening with He does not dangle")
	}
	if slices.Contains(bulletRules(t, "", "The mayor said the plan would work."), RuleDangling) {
		t.Error("a bullet opening with The dangles")
	}
	// The language reaches the hook.
	var got string
	CheckBrief("", briefs.Brief{Gist: "Der Bürgermeister eröffnete die Brücke."}, "de", func(lang, s string) bool { got = lang; return false })
	if got != "de" {
		t.Errorf("Dangles got language %q, want de", got)
	}
}

func TestFurnitureRules(t *testing.T) {
	for _, tc := range []struct {
		rule string
		yes  []string
		no   []string
	}{
		{RulePhotoCredit,
			[]string{"The mayor at the opening (Photo: Jane Doe).", "Crowds gather in the square. Getty Images", "A flooded street. AP Photo/John Roe", "Photograph: Jane Doe for the Gazette.", "Credit: City Council."},
			[]string{"The photo was shared with her followers.", "The council gave credit to the volunteers."}},
		{RuleGalleryLabel,
			[]string{"Xbox One X | 14 Photos.", "View gallery of the storm damage."},
			[]string{"She took 14 photos of the storm."}},
		{RuleHeading,
			[]string{"Meal Prep Menu for Eating Plan A.", "The Best Budget Phones", "Messages » Self-esteem » Quotes"},
			[]string{"Meal prep saves time.", "The Mayor Opened The Bridge."}},
		{RuleLabel,
			[]string{"Putin's words: the West is to blame.", "WATCH: the bridge opens."},
			[]string{"The mayor said: we are proud.", "The meeting starts at 10:30 today.", "Home Depot (ticker: HD) reported earnings."}},
		{RuleDateline,
			[]string{"LONDON — The mayor opened a bridge.", "ZÜRICH — Banks rallied.", "Feb. 23, 2015 -- The mayor opened a bridge.", "WASHINGTON (Reuters) - The Senate voted.", "(CNN) The mayor opened a bridge.", "BUFFALO, N.Y. — The team won."},
			[]string{"London is a big city — and getting bigger.", "The mayor opened a bridge in LONDON."}},
		{RuleByline,
			[]string{"By John Smith", "By Matthew Digby, Minh Do on Monday.", "By Jane Roe and John Doe"},
			[]string{"By Tuesday, officials had left.", "By the end of the year, prices rose."}},
		{RuleSharePrompt,
			[]string{"Share this article with friends.", "Tap to install our app.", "Click here to read more.", "Sign up for our newsletter.", "Get the magazine delivered to your inbox every week.", "Advertisement"},
			[]string{"Thousands of people sign up each year for the race.", "Residents share this view of the plan."}},
		{RuleEditorNote,
			[]string{"Editor's note: this story was updated.", "Translator's note: the original says otherwise.", "All opinions are mine alone. #HealthyHydration #ad."},
			[]string{"The editor noted the error."}},
	} {
		for _, s := range tc.yes {
			if !slices.Contains(bulletRules(t, "", s), tc.rule) {
				t.Errorf("%s does not fire on %q", tc.rule, s)
			}
		}
		for _, s := range tc.no {
			if slices.Contains(bulletRules(t, "", s), tc.rule) {
				t.Errorf("%s fires on %q", tc.rule, s)
			}
		}
	}
}

func TestGluedLines(t *testing.T) {
	src := "What you get\nA sturdy frame\nTwo spare wheels\n" +
		"The mayor said the bridge, which cost more than\nplanned, would open soon.\n" +
		"The bridge opened on Tuesday.\nCrowds cheered the mayor."
	for _, tc := range []struct {
		text string
		want bool
	}{
		{"A sturdy frame Two spare wheels.", true},
		{"The bridge opened on Tuesday. Crowds cheered the mayor.", true},
		{"The mayor said the bridge, which cost more than planned, would open soon.", false}, // a wrapped line
		{"A sturdy frame.", false},
	} {
		got := slices.Contains(bulletRules(t, src, tc.text), RuleGluedLines)
		if got != tc.want {
			t.Errorf("%q: glued-lines = %v, want %v", tc.text, got, tc.want)
		}
	}
}

func TestRunReportsReaderChecks(t *testing.T) {
	rows := []testRow{
		{ID: "a", Article: "one.\ntwo.\nthree.\nThe mayor opened the bridge.\nHe said it cost a lot.\nTraffic starts soon.", ReferenceSummary: "x"},
		{ID: "b", Article: "FAIL\nnothing here", ReferenceSummary: "x"},
	}
	var perDoc bytes.Buffer
	rep, err := Run(context.Background(), strings.NewReader(jsonl(t, rows...)), Config{
		Summarize:      toySummarize,
		DetectLanguage: func(string) string { return "en" },
		Dangles:        testDangles,
		Show:           5,
		PerDoc:         &perDoc,
	})
	if err != nil {
		t.Fatal(err)
	}
	r := rep.Reader
	if r.Briefs != 1 || len(r.Refused) != 1 || r.Refused[0].ID != "b" || r.Langs["en"] != 2 {
		t.Errorf("reader report %+v", r)
	}
	if r.PointsLine() != "0:0 1:0 2:0 3:1 4:0 5:0" {
		t.Errorf("points %q", r.PointsLine())
	}
	// toySummarize makes line 4 the gist and the first bullet, and line 5
	// opens with He.
	if r.Rule(RuleGistRepeated).Hits != 1 || r.Rule(RuleDangling).Hits != 1 || len(r.Shown) != 1 {
		t.Errorf("rules %+v, shown %+v", r.Rules, r.Shown)
	}
	var table, faults bytes.Buffer
	if err := rep.WriteTable(&table); err != nil {
		t.Fatal(err)
	}
	if err := r.WriteFaults(&faults); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"points shown per brief: 0:0 1:0 2:0 3:1", "gist-repeated", "refused: 1", "toy failure", "R1"} {
		if !strings.Contains(table.String(), want) {
			t.Errorf("table lacks %q:\n%s", want, table.String())
		}
	}
	if !strings.Contains(faults.String(), `dangling-opener, bullet 2: "He said it cost a lot."`) {
		t.Errorf("faults:\n%s", faults.String())
	}
	var first struct {
		Lang   string `json:"lang"`
		Reader []Hit  `json:"reader"`
	}
	if err := json.Unmarshal([]byte(strings.SplitN(perDoc.String(), "\n", 2)[0]), &first); err != nil || first.Lang != "en" || len(first.Reader) == 0 {
		t.Errorf("per-doc line: %v, %+v", err, first)
	}
}
