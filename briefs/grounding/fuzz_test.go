package grounding

import (
	"testing"

	"briefbot/briefs"
)

// FuzzCheck feeds Check arbitrary text: it must not panic, and a problem
// must name a field of the brief.
//
//	go test ./briefs/grounding -run '^$' -fuzz FuzzCheck -fuzztime 60s
func FuzzCheck(f *testing.F) {
	f.Add(articleEN, briefEN.Gist, briefEN.Bullets[0], "en")
	f.Add(articleZH, briefZH.Gist, briefZH.Bullets[0], "zh")
	f.Add(articleJA, briefJA.Bullets[1], "「」『』«»", "")
	f.Add("4,000 4 000 4.5m $5 1st 'quote' \"x\" «y» No. 10 didn't", "Sept. 1.2.3 ,,, 0.0.0 9,99,999", "'", "de")
	f.Add("\x00\xff\xfe", "\u200b\u00ad", "ず ない 不 未来", "fr")
	f.Fuzz(func(t *testing.T, article, gist, bullet, lang string) {
		s := briefs.Summary{Title: bullet, Gist: gist, Bullets: []string{bullet, gist}, Lang: lang}
		v := Check(article, s)
		if v.OK != (len(v.Problems) == 0) {
			t.Fatalf("OK %v with %d problems", v.OK, len(v.Problems))
		}
		for _, p := range v.Problems {
			switch p.Where {
			case "title", "gist", "point 1", "point 2":
			default:
				t.Fatalf("problem at %q", p.Where)
			}
		}
	})
}
