package llm

import (
	"net/http"
	"strings"
	"testing"
	"unicode/utf8"
)

func TestCheckRedirect(t *testing.T) {
	for _, tc := range []struct {
		base, to string
		ok       bool
	}{
		{"https://api.example.com/v1", "https://api.example.com/v2/chat/completions", true},
		{"http://api.example.com/v1", "https://api.example.com/v1/chat/completions", true}, // an upgrade
		{"https://API.example.com/v1", "https://api.example.com/v1/chat/completions", true},
		{"https://api.example.com/v1", "http://api.example.com/v1/chat/completions", false}, // a downgrade
		{"https://api.example.com/v1", "https://evil.api.example.com/v1/chat/completions", false},
		{"https://api.example.com/v1", "https://example.com/v1/chat/completions", false},
		{"http://127.0.0.1:8080/v1", "http://127.0.0.1:8081/v1/chat/completions", false},
		{"https://api.example.com/v1", "https://user:pw@api.example.com/v1/chat/completions", false},
	} {
		c, err := New(Config{BaseURL: tc.base, Model: "m"})
		if err != nil {
			t.Fatal(err)
		}
		req, err := http.NewRequest(http.MethodPost, tc.to, nil)
		if err != nil {
			t.Fatal(err)
		}
		if err := c.checkRedirect(req, []*http.Request{{}}); (err == nil) != tc.ok {
			t.Errorf("%s → %s: %v, want allowed %v", tc.base, tc.to, err, tc.ok)
		}
	}
}

func TestMoreThanOneSentence(t *testing.T) {
	for s, want := range map[string]bool{
		"The council approved the bridge.":                        false,
		"The council approved the bridge. Work starts in spring.": true,
		"Is it safe? Engineers say yes.":                          true,
		`He said "it is done." Then he left.`:                     true,
		"The U.S. Senate passed the bill on Tuesday.":             false,
		"Dr. Smith and Mr. Jones met at 5 p.m. Tuesday.":          false,
		"Der Rat hat am 3. Oktober zugestimmt.":                   false,
		"Prices rose 3.5 percent in May.":                         false,
		"It rose 3%. Prices fell.":                                true,
		"version 2.0 is out.":                                     false,
		"市议会批准了新桥。":                                               false,
		"市议会批准了新桥。工程将于春季开始。":                                      true,
		"Wait... Nothing happened.":                               false, // lenient: an ellipsis
		"परिषद ने पुल को मंजूरी दी। काम वसंत में शुरू होगा।":        true,
		"Bürgermeisterin Müller sagte: «Wir bauen.» Dann ging sie.": true,
		"The council (in a 7-2 vote.) approved it.":                 false,
		"He cited Iran. Talks go on.":                               true,
		"He met Sen. Smith on Monday.":                              false,
		"He cited the UN. Talks go on.":                             false, // lenient: a short capitalised word
		"Officials said the bridge is safe! Critics disagree.":      true,
		"The bridge, which costs €40m. is safe.":                    false,
	} {
		if got := moreThanOneSentence(s); got != want {
			t.Errorf("moreThanOneSentence(%q) = %v, want %v", s, got, want)
		}
	}
}

func TestCutText(t *testing.T) {
	if got := cutText("Short text.", 100); got != "Short text." {
		t.Errorf("a short text was changed: %q", got)
	}
	s := strings.Repeat("One sentence here. ", 10) // 190 runes
	if got := cutText(s, 50); got != "One sentence here. One sentence here." {
		t.Errorf("cut at a sentence: %q", got)
	}
	if got := cutText("First paragraph without a stop\n\nSecond paragraph goes on and on", 45); got != "First paragraph without a stop" {
		t.Errorf("cut at a paragraph: %q", got)
	}
	if got := cutText(strings.Repeat("word ", 20), 23); got != "word word word word" {
		t.Errorf("cut at a word: %q", got)
	}
	if got := cutText(strings.Repeat("桥", 30)+"。"+strings.Repeat("桥", 30), 40); got != strings.Repeat("桥", 30)+"。" {
		t.Errorf("cut at a CJK full stop: %q", got)
	}
	if got := cutText(strings.Repeat("x", 100), 40); utf8.RuneCountInString(got) != 40 {
		t.Errorf("a hard cut: %d runes", utf8.RuneCountInString(got))
	}
}
