package store_test

import (
	"cmp"
	"context"
	"fmt"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"briefbot/briefs"
	"briefbot/store"
)

// TestCommonTerms checks FindByTerms and Suggest on terms that thousands of
// articles share, where the store walks its newest articles instead of
// intersecting whole term sets, and falls back to intersecting when the
// walk finds too few: the answers must be the same either way, newest
// first, ties by id.
func TestCommonTerms(t *testing.T) {
	if testing.Short() {
		t.Skip("adds 6,000 articles")
	}
	forEachBackend(t, func(t *testing.T, open func(testing.TB) *store.DB) {
		db := open(t)
		ctx := context.Background()
		const n = 6000
		type art struct {
			id, slug string
			at       time.Time
			terms    map[string]bool
		}
		arts := make([]art, 0, n)
		for i := range n {
			var words []string
			if i < 3000 {
				words = append(words, "alpha") // the older half
			}
			if i >= 2990 {
				words = append(words, "gamma") // shares ten with alpha
			}
			slug := fmt.Sprintf("s-%d", i)
			req := addReq("g", slug, strings.Join(words, " "), fmt.Sprintf("text %d", i))
			req.Article.AddedAt = time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC).Add(time.Duration(i/3) * time.Minute)
			a := mustAdd(t, db, req)
			terms := map[string]bool{}
			for _, w := range req.Terms {
				terms[w] = true
			}
			arts = append(arts, art{a.ID, a.Slug, a.AddedAt, terms})
		}
		slices.SortFunc(arts, func(a, b art) int {
			if c := b.at.Compare(a.at); c != 0 {
				return c
			}
			return cmp.Compare(b.id, a.id)
		})
		newest := func(seen map[string]bool, need int, match func(a art) bool) []string {
			var out []string
			for _, a := range arts {
				if len(out) >= need {
					break
				}
				if !seen[a.slug] && match(a) {
					out = append(out, a.slug)
				}
			}
			return out
		}
		all := func(ws ...string) func(a art) bool {
			return func(a art) bool {
				for _, w := range ws {
					if !a.terms[w] {
						return false
					}
				}
				return true
			}
		}
		lim := briefs.MaxCandidates
		for _, terms := range [][]string{{"alpha"}, {"gamma"}, {"alpha", "gamma"}, {"gamma", "alpha"}, {"s", "alpha"}} {
			got, err := db.FindByTerms(ctx, "g", terms, lim)
			if err != nil {
				t.Fatal(err)
			}
			if want := newest(nil, lim, all(terms...)); !reflect.DeepEqual(slugsOf(got), want) {
				t.Errorf("FindByTerms(%q) = %q, want %q", terms, slugsOf(got), want)
			}
		}
		prefixed := func(p string, ws ...string) func(a art) bool {
			return func(a art) bool {
				if !all(ws...)(a) {
					return false
				}
				for w := range a.terms {
					if strings.HasPrefix(w, p) {
						return true
					}
				}
				return false
			}
		}
		var bySlug []string
		for _, a := range arts {
			bySlug = append(bySlug, a.slug)
		}
		slices.Sort(bySlug)
		for _, c := range []struct {
			q    briefs.SuggestQuery
			want func() []string
		}{
			{briefs.SuggestQuery{SlugPrefix: "alp", TermPrefix: "alp"}, func() []string { return newest(nil, lim, prefixed("alp")) }},
			{briefs.SuggestQuery{SlugPrefix: "gamma-alp", Terms: []string{"gamma"}, TermPrefix: "alp"}, func() []string { return newest(nil, lim, prefixed("alp", "gamma")) }},
			{briefs.SuggestQuery{SlugPrefix: "alpha", Terms: []string{"alpha"}}, func() []string { return newest(nil, lim, all("alpha")) }},
			{briefs.SuggestQuery{SlugPrefix: "s-299", TermPrefix: "gam"}, func() []string {
				var slugHits []string
				seen := map[string]bool{}
				for _, s := range bySlug {
					if strings.HasPrefix(s, "s-299") && len(slugHits) < lim {
						slugHits = append(slugHits, s)
						seen[s] = true
					}
				}
				return append(slugHits, newest(seen, lim-len(slugHits), prefixed("gam"))...)
			}},
		} {
			got, err := db.Suggest(ctx, "g", c.q, lim)
			if err != nil {
				t.Fatal(err)
			}
			if want := c.want(); !reflect.DeepEqual(slugsOf(got), want) {
				t.Errorf("Suggest(%+v) = %q, want %q", c.q, slugsOf(got), want)
			}
		}
	})
}

// TestSearchWorkIsBounded: two terms that thousands of articles hold each
// but that meet only in the three oldest ones (the sets interleave, so no
// jump helps) cost a bounded walk, not a scan of the guild: the search
// stops before it reaches them and answers with what it found, which is
// never wrong, only short. A third term that narrows the search finds them.
func TestSearchWorkIsBounded(t *testing.T) {
	if testing.Short() {
		t.Skip("adds 4,000 articles")
	}
	forEachBackend(t, func(t *testing.T, open func(testing.TB) *store.DB) {
		db := open(t)
		ctx := context.Background()
		const n = 4000
		for i := range n {
			words := "left"
			switch {
			case i < 3:
				words = "left right rare"
			case i%2 == 1:
				words = "right"
			}
			req := addReq("g", fmt.Sprintf("s-%d", i), words, fmt.Sprintf("text %d", i))
			req.Article.AddedAt = time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC).Add(time.Duration(i) * time.Minute)
			mustAdd(t, db, req)
		}
		both := []string{"s-2", "s-1", "s-0"}
		got, err := db.FindByTerms(ctx, "g", []string{"left", "right"}, briefs.MaxCandidates)
		if err != nil {
			t.Fatal(err)
		}
		if len(got) != 0 {
			t.Errorf("FindByTerms(left right) = %q: the walk went past its budget to the oldest articles", slugsOf(got))
		}
		sug, err := db.Suggest(ctx, "g", briefs.ParseSuggestQuery("left righ"), briefs.MaxCandidates)
		if err != nil {
			t.Fatal(err)
		}
		if len(sug) != 0 {
			t.Errorf("Suggest(left righ) = %q: the walk went past its budget", slugsOf(sug))
		}
		got, err = db.FindByTerms(ctx, "g", []string{"left", "right", "rare"}, briefs.MaxCandidates)
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(slugsOf(got), both) {
			t.Errorf("FindByTerms(left right rare) = %q, want %q", slugsOf(got), both)
		}
	})
}
