package extractive

import (
	"strings"
	"testing"

	"briefbot/briefs"
)

func TestFurnitureRule(t *testing.T) {
	tests := []struct{ s, want string }{
		{"Xbox One X | 14 Photos.", "gallery label"},
		{"In pictures | The week in photos", "gallery label"},
		{"Video: Firefighters battle the blaze near Athens.", "gallery label"},
		{"Editor's note: This story has been updated with the minister's reply.", "editor's note"},
		{"Translator's note: the quotes were translated from Greek.", "editor's note"},
		{"Correction: An earlier version misstated the minister's title.", "editor's note"},
		{"Photo by Jane Doe/AFP via Getty Images.", "credit"},
		{"Provided by Yonhap News Agency.", "credit"},
		{"Credit: Reuters", "credit"},
		{"By Jane Doe and John Roe, Reuters.", "byline"},
		{"Comentários com textos ininteligíveis ou que faltem com respeito ao usuário não serão aprovados pelo moderador.", "promotion"},
		{"Your comment is awaiting moderation.", "promotion"},
		// Story sentences stay.
		{"The fire started on Sunday near the town of Varnavas.", ""},
		{"By Monday night the fire had burned 10,000 hectares.", ""},
		{"Photos taken by residents show the flames reaching the houses.", ""},
		{"Prices rose 3% in May, the statistics office said.", ""},
		{"Facebook declined to comment on the work of its content moderators in Manila.", ""},
	}
	for _, tt := range tests {
		if got := furnitureRule(tt.s); got != tt.want {
			t.Errorf("furnitureRule(%q) = %q, want %q", tt.s, got, tt.want)
		}
	}
}

func TestStripDateline(t *testing.T) {
	tests := []struct{ in, want string }{
		{"LONDON — The Bank of England raised rates on Thursday.", "The Bank of England raised rates on Thursday."},
		{"ZÜRICH — The zoo welcomed a baby elephant on Monday.", "The zoo welcomed a baby elephant on Monday."},
		{"Feb. 23, 2015 -- Scientists reported a new species of frog.", "Scientists reported a new species of frog."},
		{"WASHINGTON (Reuters) - The Senate passed the bill late on Friday.", "The Senate passed the bill late on Friday."},
		{"WASHINGTON, June 5 — The Senate passed the bill late on Friday.", "The Senate passed the bill late on Friday."},
		{"SAN JOSE, Calif. — Apple unveiled a new phone on Tuesday.", "Apple unveiled a new phone on Tuesday."},
		{"(CNN) -- Two people died in the storm.", "Two people died in the storm."},
		{"2015-02-23 — The market fell sharply in early trading.", "The market fell sharply in early trading."},
		{"NEW DELHI: Nearly 150 Indians returned home on Wednesday after being deported.", "Nearly 150 Indians returned home on Wednesday after being deported."},
		{"New York, NY – With content moving to mobile, my6sense hired a strategist.", "With content moving to mobile, my6sense hired a strategist."},
		{"Washington, DC, United States: Getting to the Moon has been done before.", "Getting to the Moon has been done before."},
		// Not datelines: a capitalised word in a sentence, a name, an aside, a label.
		{"Hard to assess: At the BBC, Paul Adams writes that it will be difficult.", "Hard to assess: At the BBC, Paul Adams writes that it will be difficult."},
		{"Unclear: Does that mean Russia would intervene if North Korea is attacked?", "Unclear: Does that mean Russia would intervene if North Korea is attacked?"},
		{"Brace yourself, Swifties: Taylor Swift might not be able to perform.", "Brace yourself, Swifties: Taylor Swift might not be able to perform."},
		{"Paris, the capital, is quiet - the strikes are over for now.", "Paris, the capital, is quiet - the strikes are over for now."},
		{"Brussels — the city of the EU institutions — was quiet.", "Brussels — the city of the EU institutions — was quiet."},
		{"Apple - the company that makes the iPhone - reported record sales.", "Apple - the company that makes the iPhone - reported record sales."},
		{"NATO — which has 32 members — met on Monday.", "NATO — which has 32 members — met on Monday."},
		{"The vote — 52 to 48 — was close.", "The vote — 52 to 48 — was close."},
	}
	for _, tt := range tests {
		if got := stripDateline(tt.in); got != tt.want {
			t.Errorf("stripDateline(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

// TestNoFurnitureInBriefs runs whole texts with furniture among the story
// and checks that none of it reaches the gist or a point.
func TestNoFurnitureInBriefs(t *testing.T) {
	text := "ATHENS — A wildfire forced the evacuation of several villages north of Athens on Monday, officials said.\n\n" +
		"Xbox One X | 14 Photos.\n\n" +
		"What we know\n\n" +
		"The fire started on Sunday near the town of Varnavas, about 35 kilometers north of the capital.\n\n" +
		"Firefighters' words: \"We have never seen wind like this,\" a fire service spokesman told state television.\n\n" +
		"Photo by Jane Doe/AFP via Getty Images.\n\n" +
		"More than 600 firefighters and 20 aircraft were battling the flames on Monday evening.\n\n" +
		"Editor's note: This story has been updated with the latest figures.\n\n" +
		"Pros\n\n- Fast charging\n- Bright screen\n\n" +
		"The government declared a state of emergency in the region and opened shelters for residents."
	sum, err := New().Summarize(briefs.Document{Text: text})
	if err != nil {
		t.Fatal(err)
	}
	if want := "A wildfire forced the evacuation of several villages north of Athens on Monday, officials said."; sum.Gist != want {
		t.Errorf("Gist = %q, want %q", sum.Gist, want)
	}
	for _, s := range append([]string{sum.Title, sum.Gist}, sum.Bullets...) {
		for _, bad := range []string{"ATHENS —", "Photos", "What we know", "words:", "Photo by", "Editor's note", "Pros", "Fast charging"} {
			if strings.Contains(s, bad) {
				t.Errorf("furniture %q in %q", bad, s)
			}
		}
	}
	// A short item gets three points: the three story sentences after the
	// gist that fit, the quote without its label.
	if len(sum.Bullets) != 3 {
		t.Errorf("Bullets = %q, want three", sum.Bullets)
	}
}

func TestRefersBack(t *testing.T) {
	for s, want := range map[string]bool{
		"The Pentagon rejected these accusations as false.":              true,
		"In it, the royal denied having sex with underage girls.":        true,
		"Browns DL Sheldon Richardson, however, decided to weigh in.":    true,
		"In Virginia, they voted for control of the state Legislature.":  true,
		"In Virginia, voters chose a Democratic legislature on Tuesday.": false,
		"The Senate passed the bill, which now goes to the president.":   false,
		"Two TSA screeners have been fired, police said on Wednesday.":   false,
		"After the vote, the council said it would appeal the decision.": false,
	} {
		if got := refersBack(s); got != want {
			t.Errorf("refersBack(%q) = %v, want %v", s, got, want)
		}
	}
}

func TestPhotoCaption(t *testing.T) {
	for s, want := range map[string]bool{
		"Abase Hussen, left, took his daughter Amira, right, to a demonstration when she was 13.": true,
		"Kim Jong Un, pictured, has not been seen in public for weeks.":                           true,
		"Officials said the left lane would reopen, right after the repairs.":                     false,
		"He turned left, then right, and drove off.":                                              false,
	} {
		if got := photoCaption(s); got != want {
			t.Errorf("photoCaption(%q) = %v, want %v", s, got, want)
		}
	}
}

func TestQuestionsAndTagLines(t *testing.T) {
	x := New()
	si := &sentence{text: "Chissà per quanto ancora riusciranno a spremere il brand dei Cavalieri?!", words: 12}
	if c := x.candidate(lexiconFor("it"), si); c != "" {
		t.Errorf("a question ending ?! is a point: %q", c)
	}
	if furnitureRule("Tags calendario stock car 2018, stock car brasil, stock car interlagos.") == "" {
		t.Error("a tag line is not furniture")
	}
}

// TestHeadingLineIsNoPoint: a line of its own without a full stop is a
// heading, never a point, even with a dateline-free body around it.
func TestHeadingLineIsNoPoint(t *testing.T) {
	text := "The city council approved a new spending plan for schools on Tuesday night.\n\n" +
		"Key provisions of the new spending plan\n\n" +
		"Teachers will receive a raise of four percent starting in the autumn term.\n\n" +
		"The plan also funds two new primary schools in the northern districts of the city.\n\n" +
		"Opponents said the council had ignored the cost of repairing older buildings."
	sum, err := New().Summarize(briefs.Document{Text: text})
	if err != nil {
		t.Fatal(err)
	}
	for _, b := range append([]string{sum.Gist}, sum.Bullets...) {
		if strings.HasPrefix(b, "Key provisions") {
			t.Errorf("heading shown as %q", b)
		}
	}
}
