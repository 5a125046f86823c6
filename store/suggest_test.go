package store_test

import (
	"context"
	"fmt"
	"reflect"
	"testing"
	"time"

	"briefbot/briefs"
	"briefbot/store"
)

func TestSuggest(t *testing.T) {
	forEachBackend(t, func(t *testing.T, open func(testing.TB) *store.DB) {
		db := open(t)
		ctx := context.Background()
		reqs := []briefs.AddRequest{
			addReq("g", "ambiguous-pact", "Russia's Deal With North Korea", "text one", "Vladimir Putin", "Kim Jong Un"),
			addReq("g", "putin-china", "Putin Visits Beijing", "text two", "Vladimir Putin", "Xi Jinping"),
			addReq("g", "budget-vote", "Budget Vote Delayed", "text three", "Parliament"),
		}
		for i, r := range reqs {
			r.Article.AddedAt = time.Date(2025, 1, 1+i, 0, 0, 0, 0, time.UTC) // budget newest
			mustAdd(t, db, r)
		}
		mustAdd(t, db, addReq("other", "putin-elsewhere", "Putin Elsewhere", "text four", "Vladimir Putin"))

		cases := []struct {
			name string
			q    briefs.SuggestQuery
			want []string
		}{
			{"slug prefix first, then the word being typed", briefs.SuggestQuery{SlugPrefix: "put", TermPrefix: "put"}, []string{"putin-china", "ambiguous-pact"}},
			{"complete words narrow the prefix", briefs.SuggestQuery{SlugPrefix: "putin-k", Terms: []string{"putin"}, TermPrefix: "k"}, []string{"ambiguous-pact"}},
			{"complete words only", briefs.SuggestQuery{SlugPrefix: "putin-xi", Terms: []string{"putin", "xi"}}, []string{"putin-china"}},
			{"nothing typed lists slugs", briefs.SuggestQuery{}, []string{"ambiguous-pact", "budget-vote", "putin-china"}},
			{"no match", briefs.SuggestQuery{SlugPrefix: "zz", TermPrefix: "zz"}, nil},
		}
		for _, c := range cases {
			ls, err := db.Suggest(ctx, "g", c.q, 25)
			if err != nil {
				t.Fatalf("%s: %v", c.name, err)
			}
			if got := slugsOf(ls); !reflect.DeepEqual(got, c.want) && !(len(got) == 0 && len(c.want) == 0) {
				t.Errorf("%s: got %v, want %v", c.name, got, c.want)
			}
		}
		if ls, _ := db.Suggest(ctx, "g", briefs.SuggestQuery{TermPrefix: "p"}, 1); len(ls) != 1 {
			t.Errorf("limit 1 gave %d", len(ls))
		}
		// A removed article's words leave the vocabulary with it.
		if _, err := db.RemoveArticle(ctx, "g", "budget-vote"); err != nil {
			t.Fatal(err)
		}
		if ls, _ := db.Suggest(ctx, "g", briefs.SuggestQuery{TermPrefix: "parl"}, 25); len(ls) != 0 {
			t.Errorf("removed article still suggested: %v", slugsOf(ls))
		}
	})
}

func TestSuggestIsOneRoundTrip(t *testing.T) {
	db := MustOpen(t)
	mustAdd(t, db, addReq("g", "putin-china", "Putin Visits Beijing", "text", "Vladimir Putin"))
	var rt roundTrips
	db.AddHook(&rt)
	n := rt.count(func(ctx context.Context) {
		if _, err := db.Suggest(ctx, "g", briefs.SuggestQuery{SlugPrefix: "pu", TermPrefix: "pu"}, 25); err != nil {
			t.Fatal(err)
		}
	})
	if n != 1 {
		t.Fatalf("Suggest took %d round trips, want 1", n)
	}
}

// Listing more articles than Lua can unpack at once still works.
func TestRecentListsThousandsAtOnce(t *testing.T) {
	db := MustOpen(t)
	ctx := context.Background()
	const n = 9000
	for i := range n {
		r := addReq("big", fmt.Sprintf("story-%05d", i), fmt.Sprintf("Story %d", i), fmt.Sprintf("text %d", i))
		r.Brief.Summarizer = "" // no brief: keep the test quick
		mustAdd(t, db, r)
	}
	ls, total, err := db.Recent(ctx, "big", 0, n)
	if err != nil || total != n || len(ls) != n {
		t.Fatalf("Recent: %d of %d, err %v", len(ls), total, err)
	}
	if ls, err := db.FindByTerms(ctx, "big", []string{"story"}, n); err != nil || len(ls) != n {
		t.Fatalf("FindByTerms: %d, err %v", len(ls), err)
	}
}
