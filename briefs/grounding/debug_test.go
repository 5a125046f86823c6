package grounding

import (
	"os"
	"strconv"
	"strings"
	"testing"
)

// TestDebugArticle prints, for GROUNDING_DEBUG=<index>, the analysis of one
// article and brief (development aid).
func TestDebugArticle(t *testing.T) {
	idx, err := strconv.Atoi(os.Getenv("GROUNDING_DEBUG"))
	if err != nil {
		t.Skip("set GROUNDING_DEBUG")
	}
	rows := loadRows(t)
	cases := buildCases(rows[idx : idx+1])
	for _, c := range cases {
		if os.Getenv("GROUNDING_SET") != "" && c.set != os.Getenv("GROUNDING_SET") {
			continue
		}
		p := defaults
		v := p.check(c.article, c.brief)
		t.Logf("%s: %+v", c.set, v.Problems)
		st := &stemmer{lang: "en"}
		a := newArticle(normalise(c.article), "en", st, &p)
		texts, wheres := points(c.brief)
		for i, tx := range texts {
			u := analyse(normalise(tx), "en", st, p.negScope)
			al := a.align(u, &p, nil)
			t.Logf("%s %q aligned %v", wheres[i], tx, al)
			for _, s := range al.top {
				t.Logf("   [%d] %s", s, spanText(a.sents[s].toks, 0, len(a.sents[s].toks)))
			}
		}
		for kind, b := range c.bad {
			v := p.check(c.article, b.s)
			t.Logf("%s %s [%s]: %q -> %+v", kind, b.where, b.note, pointAt(b.s, b.where), v.Problems)
		}
	}
	if os.Getenv("GROUNDING_ARTICLE") != "" {
		for i, s := range sentences(normalise(rows[idx].Article)) {
			t.Logf("%d: %s", i, strings.TrimSpace(s))
		}
	}
}
