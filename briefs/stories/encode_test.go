package stories_test

import (
	"testing"
	"time"

	"briefbot/briefs/stories"
)

func TestSignatureRoundTrip(t *testing.T) {
	at := time.Date(2026, 3, 4, 5, 6, 7, 0, time.UTC)
	for _, d := range []stories.Doc{
		{Title: "Putin and Kim meet in Vladivostok", Text: "Russian President Vladimir Putin met North Korean leader Kim Jong Un on Thursday for talks on the peninsula.", Entities: []string{"Putin", "Kim Jong Un", "Vladivostok"}, Published: at, Lang: "en"},
		{Title: "", Text: "", Lang: "en"},
		{Title: "普京与金正恩会晤", Text: "俄罗斯总统普京周四在符拉迪沃斯托克会见了朝鲜领导人金正恩。", Lang: "zh"},
	} {
		s := stories.Sign(d)
		b, err := s.MarshalBinary()
		if err != nil {
			t.Fatal(err)
		}
		var got stories.Signature
		if err := got.UnmarshalBinary(b); err != nil {
			t.Fatalf("%q: %v", d.Title, err)
		}
		if !got.At.Equal(s.At) || len(got.Lead) != len(s.Lead) || len(got.Title) != len(s.Title) || len(got.Names) != len(s.Names) {
			t.Fatalf("%q: round trip changed the signature: %+v -> %+v", d.Title, s, got)
		}
		if sim, want := stories.DefaultParams.Similarity(got, s), stories.DefaultParams.Similarity(s, s); sim != want {
			t.Fatalf("%q: similarity to itself %v after the round trip, %v before", d.Title, sim, want)
		}
		if d.Text != "" && len(b) > 16+2*(len(s.Lead)+len(s.Title)+len(s.Names)) {
			t.Fatalf("%q: %d bytes for %d words", d.Title, len(b), len(s.Lead)+len(s.Title)+len(s.Names))
		}
	}
}

// Whatever the store hands back, reading it fails cleanly or gives a
// signature; it never panics.
func FuzzSignatureUnmarshal(f *testing.F) {
	s := stories.Sign(stories.Doc{Title: "Fire at the market", Text: "A fire broke out at the central market on Monday.", Lang: "en"})
	b, _ := s.MarshalBinary()
	f.Add(b)
	f.Add([]byte{2, 0, 0, 0, 0})
	f.Add([]byte{2, 0, 1, 255, 255, 0, 0})
	f.Fuzz(func(t *testing.T, b []byte) {
		var s stories.Signature
		if err := s.UnmarshalBinary(b); err != nil {
			return
		}
		stories.DefaultParams.Similarity(s, s)
		again, _ := s.MarshalBinary()
		var s2 stories.Signature
		if err := s2.UnmarshalBinary(again); err != nil {
			t.Fatalf("re-encoded signature unreadable: %v", err)
		}
	})
}
