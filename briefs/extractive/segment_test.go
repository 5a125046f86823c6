package extractive

import (
	"slices"
	"strings"
	"testing"
	"unicode/utf8"
)

func TestSentences(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want []string
	}{
		{"plain", "One sentence here. Another one there! A third? Yes.",
			[]string{"One sentence here.", "Another one there!", "A third?", "Yes."}},
		{"titles", "Mr. Smith met Mrs. Jones and Dr. Who. Gov. Newsom and Sen. Warren spoke. St. Louis won.",
			[]string{"Mr. Smith met Mrs. Jones and Dr. Who.", "Gov. Newsom and Sen. Warren spoke.", "St. Louis won."}},
		{"dotted acronym before a name", "The U.S. President spoke. Then he left.",
			[]string{"The U.S. President spoke.", "Then he left."}},
		{"dotted acronym at the end", "Troops returned to the U.S. The war was over.",
			[]string{"Troops returned to the U.S.", "The war was over."}},
		{"initials", "John F. Kennedy was shot in 1963. J.K. Rowling wrote books. Patrick M. Cronin agreed.",
			[]string{"John F. Kennedy was shot in 1963.", "J.K. Rowling wrote books.", "Patrick M. Cronin agreed."}},
		{"decimals and money", "Growth was 3.5 percent. It cost $4.2 billion.",
			[]string{"Growth was 3.5 percent.", "It cost $4.2 billion."}},
		{"numbers after No.", "He lives at No. 10 Downing Street. Jan. 5 was cold.",
			[]string{"He lives at No. 10 Downing Street.", "Jan. 5 was cold."}},
		{"times", "It starts at 9 a.m. local time. It ends at 5 p.m. The crowd left.",
			[]string{"It starts at 9 a.m. local time.", "It ends at 5 p.m.", "The crowd left."}},
		{"quote closes after the stop", `"We will win," he said. "It is certain." Then silence.`,
			[]string{`"We will win," he said.`, `"It is certain."`, "Then silence."}},
		{"question inside a quote", `"Is it over?" asked his father. No one knew.`,
			[]string{`"Is it over?" asked his father.`, "No one knew."}},
		{"ellipsis", "Depending on the wording ... it could be big. Wait... Nothing happened… Done.",
			[]string{"Depending on the wording ... it could be big.", "Wait...", "Nothing happened…", "Done."}},
		{"bullets", "Coverage:\n  • First point here. More.\n  • Second point: yes.",
			[]string{"Coverage:", "First point here.", "More.", "Second point: yes."}},
		{"inline bullet", "Intro line. • A bullet point.",
			[]string{"Intro line.", "• A bullet point."}},
		{"numbered list", "Steps:\n1. Tap the bar.\n2. Add it.",
			[]string{"Steps:", "Tap the bar.", "Add it."}},
		{"broken lines join", "Researchers found that four out of five\nchildren ate school lunches.\n\"School\nmeals can help,\" he said.",
			[]string{"Researchers found that four out of five children ate school lunches.", `"School meals can help," he said.`}},
		{"punctuation continues a line", "Australia spinner Nathan Lyon\n: \"We're still in it.\"",
			[]string{`Australia spinner Nathan Lyon : "We're still in it."`}},
		{"heading line", "What we know\nThe pact was signed on Wednesday.",
			[]string{"What we know", "The pact was signed on Wednesday."}},
		{"broken line before a capital", "The meeting at the American Geophysical Union (AGU)\nFall Meeting drew crowds.",
			[]string{"The meeting at the American Geophysical Union (AGU) Fall Meeting drew crowds."}},
		{"blank line ends a paragraph", "A paragraph without a stop\n\nAnother paragraph.",
			[]string{"A paragraph without a stop", "Another paragraph."}},
		{"caption run into text", "People can expect an income 13% higher than a colleague The cost of divorce can wreck retirement.",
			[]string{"People can expect an income 13% higher than a colleague", "The cost of divorce can wreck retirement."}},
		{"names with The continue", "He told The Associated Press that The Hague ruled.",
			[]string{"He told The Associated Press that The Hague ruled."}},
		{"lost space after a stop", "The film opens on 17 March 2017.It was announced in January. See bbc.co.uk for more.",
			[]string{"The film opens on 17 March 2017.", "It was announced in January.", "See bbc.co.uk for more."}},
		{"white space", "  Lots   of\tspace  here.   Next one.  ",
			[]string{"Lots of space here.", "Next one."}},
		{"no letters", "... !!! •", nil},
		{"empty", "", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Sentences(tt.in)
			if !slices.Equal(got, tt.want) {
				t.Errorf("Sentences(%q)\n got %q\nwant %q", tt.in, got, tt.want)
			}
		})
	}
}

func TestSentencesInvalidUTF8(t *testing.T) {
	got := Sentences("Bad \xff\xfe bytes here. Fine.")
	if len(got) != 2 {
		t.Fatalf("got %q", got)
	}
	for _, s := range got {
		if !utf8.ValidString(s) {
			t.Errorf("invalid UTF-8 in %q", s)
		}
	}
}

func TestLeadSentences(t *testing.T) {
	text := "Big News Headline Here\nBy Jane Doe\n\nLONDON (Reuters) - The first sentence is here. The second follows. A third one. A fourth.\n\nGet the news faster.\nTap to install our app."
	got := LeadSentences(text, 3)
	want := []string{"The first sentence is here.", "The second follows.", "A third one."}
	if !slices.Equal(got, want) {
		t.Errorf("LeadSentences = %q, want %q", got, want)
	}
	if got := LeadSentences(text, 0); got != nil {
		t.Errorf("LeadSentences(n=0) = %q", got)
	}
	if got := LeadSentences("Only one sentence.", 3); len(got) != 1 {
		t.Errorf("LeadSentences of one sentence = %q", got)
	}
}

func FuzzSentences(f *testing.F) {
	for _, s := range []string{
		"Mr. Smith went to Washington. He said \"hi.\" Then left...",
		"Line one\nline two\n\n• bullet\n1. item",
		"U.S. troops. J.K. Rowling. 3.5 percent. No. 10.",
		"a colleague The cost of it. 2017.It was",
		"\xff\xfe\x00 broken",
		"\"\"\". . . ( ) [ ] …",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		valid := strings.ToValidUTF8(in, "\uFFFD")
		for _, s := range Sentences(in) {
			if s == "" || strings.TrimSpace(s) != s {
				t.Fatalf("empty or untrimmed sentence %q", s)
			}
			if !utf8.ValidString(s) {
				t.Fatalf("invalid UTF-8 in %q", s)
			}
			// Sentences only trim, join lines and drop list markers: every
			// word of a sentence is a piece of the input.
			for _, w := range strings.Fields(s) {
				if !strings.Contains(valid, w) {
					t.Fatalf("word %q of sentence %q is not in the input", w, s)
				}
			}
		}
	})
}
