package extractive

import (
	"strings"
	"testing"

	"briefbot/briefs"
)

// padding makes a sentence longer than a point may be, so that it must be
// cut or left out.
const padding = ", in a year when the region saw record heat, a drought that lasted most of the summer, a shortage of water bombers and pilots, and a string of smaller fires that stretched the fire service across three provinces and two islands"

func TestSafeCutNeverChangesFacts(t *testing.T) {
	tests := []struct {
		in   string
		want string // "" when the sentence has no safe cut
	}{
		// A list is never cut short: "neon, krypton." for "neon, krypton and xenon".
		{"Chemists in London isolated three new gases in 1898 and gave them evocative Greek names: neon, krypton and xenon" + padding + ".", ""},
		// A number phrase keeps its direction: not "about 35 kilometers.".
		{"The fire started on Sunday near the town of Varnavas, about 35 kilometers north of Athens" + padding + ".", ""},
		// An appositive is not the end of a clause: not "Emery, a writer for Politifact.".
		{"Emery, a writer for the fact-checking site Politifact, said the claim was false" + padding + ".", ""},
		// A list of the report's rankings is not cut after "ReactJS, Docker".
		{"The report from the developer survey ranks ReactJS, Docker and Kubernetes as the most wanted tools" + padding + ".", ""},
		// A clause that only adds to a complete main clause can go.
		{"The fire started on Sunday near the town of Varnavas, which lies about 35 kilometers north of Athens" + padding + ".",
			"The fire started on Sunday near the town of Varnavas."},
		{"Officials said the evacuation order would stay in place until Wednesday; residents were told to stay with relatives" + padding + ".",
			"Officials said the evacuation order would stay in place until Wednesday."},
	}
	for _, tt := range tests {
		got := safeCut(tt.in, briefs.MaxBulletLen)
		if got != tt.want {
			t.Errorf("safeCut(%q)\n = %q\nwant %q", tt.in[:60], got, tt.want)
		}
	}
	short := "Emery, a writer for Politifact, said the claim was false."
	if got := safeCut(short, briefs.MaxBulletLen); got != short {
		t.Errorf("a sentence that fits is kept whole, got %q", got)
	}
}

func TestHasVerb(t *testing.T) {
	for _, s := range []string{"The fire started on Sunday", "Officials said the order would stay", "Prices rose sharply", "The plan is dead"} {
		if !hasVerb(s) {
			t.Errorf("hasVerb(%q) = false", s)
		}
	}
	for _, s := range []string{"Emery, a writer for Politifact", "The town of Varnavas, about 35 kilometers", "Ahmed and his brother"} {
		if hasVerb(s) {
			t.Errorf("hasVerb(%q) = true", s)
		}
	}
}

// TestPointsAreWholeSentences: every point of a brief is a sentence of the
// article as written (a dropped connective aside), or a safe cut of one.
func TestPointsAreWholeSentences(t *testing.T) {
	text := "Chemists in London isolated three new gases in 1898 and gave them evocative Greek names: neon, krypton and xenon. " +
		"The discovery came months after the same team found argon in ordinary air. " +
		"William Ramsay and Morris Travers worked for weeks in a cramped basement laboratory at University College, cooling liquid air and boiling it off one fraction at a time until only faint traces were left. " +
		"Emery, a writer for the fact-checking site Politifact, said the story is often told wrongly in textbooks. " +
		"The report ranks ReactJS, Docker and Kubernetes as the tools developers most want to learn."
	sum, err := New().Summarize(briefs.Document{Text: text})
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range append([]string{sum.Gist}, sum.Bullets...) {
		if !strings.Contains(text, p) {
			t.Errorf("%q is not a sentence of the article", p)
		}
	}
	if len(sum.Bullets) < 3 {
		t.Errorf("Bullets = %q", sum.Bullets)
	}
}

func TestSuffixStem(t *testing.T) {
	for in, want := range map[string]string{
		"running": "run", "run": "run", "removed": "remov", "remove": "remov",
		"investigated": "investigat", "investigates": "investigat", "schools": "schools",
		"bed": "bed", "falling": "fall", "passed": "pass", "agree": "agree",
	} {
		if got := string(suffixStem([]byte(in))); got != want {
			t.Errorf("suffixStem(%q) = %q, want %q", in, got, want)
		}
	}
}

// TestPointsNeverRepeatTheGist: a sentence that says the gist again, with
// more around it or in other words, is not a point.
func TestPointsNeverRepeatTheGist(t *testing.T) {
	text := "WeWork is being investigated by the New York State Attorney General over its founder's deals. " +
		"The investigation of WeWork by the New York attorney general is focused on the founder's deals with the company. " +
		"The company plans to lay off thousands of employees this week as losses mount. " +
		"SoftBank took control of the company last month after its listing was called off. " +
		"A spokesperson for the attorney general declined to comment on Monday."
	sum, err := New().Summarize(briefs.Document{Text: text})
	if err != nil {
		t.Fatal(err)
	}
	for _, b := range sum.Bullets {
		if strings.HasPrefix(b, "The investigation of WeWork") {
			t.Errorf("point repeats the gist %q: %q", sum.Gist, b)
		}
	}
	if len(sum.Bullets) != 3 {
		t.Errorf("Bullets = %q, want the three other sentences", sum.Bullets)
	}
}
