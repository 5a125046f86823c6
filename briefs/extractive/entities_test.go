package extractive

import (
	"slices"
	"testing"
)

func TestEntitiesSample(t *testing.T) {
	got := Entities(readSample(t), MaxEntities)
	if len(got) == 0 || got[0] != "Vladimir Putin" {
		t.Fatalf("Entities = %q, want Vladimir Putin first", got)
	}
	for _, want := range []string{"Kim Jong Un", "North Korea", "Russia", "Reuters", "BBC"} {
		if !slices.Contains(got, want) {
			t.Errorf("Entities = %q, missing %q", got, want)
		}
	}
	for _, bad := range []string{"Putin", "Kim", "Russian", "North Korean", "Wednesday", "Neither", "Coverage", "Artyom Lukin of Russia"} {
		if slices.Contains(got, bad) {
			t.Errorf("Entities = %q, should not hold %q", got, bad)
		}
	}
}

func TestEntities(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want []string
	}{
		{"single name merges into the full name",
			"Officials met Vladimir Putin on Monday. Later Putin spoke. Reporters asked Putin again.",
			[]string{"Vladimir Putin"}},
		{"titles and demonyms are peeled",
			"The talks included Russian President Vladimir Putin and North Korean leader Kim Jong Un.",
			[]string{"Vladimir Putin", "Kim Jong Un"}},
		{"connectors inside names",
			"He worked for the Bank of England and met Charles de Gaulle.",
			[]string{"Bank of England", "Charles de Gaulle"}},
		{"possessive ends a name",
			"The view of Artyom Lukin of Russia's Far Eastern Federal University was clear.",
			[]string{"Artyom Lukin", "Russia", "Far Eastern Federal University"}},
		{"sentence-initial words need a second mention",
			"Hard to say. Beijing has not weighed in. So far, Beijing is silent.",
			[]string{"Beijing"}},
		{"days, months and pronouns are not names",
			"On Wednesday, June 19, I said it was fine.",
			nil},
		{"an internal title starts the name",
			"He appeared before Superior Court Judge Arnold O. Jones in Goldsboro.",
			[]string{"Arnold O. Jones", "Goldsboro"}},
		{"two names run together by a caption",
			"It was painted by Flinck The FBI said later.",
			[]string{"Flinck", "FBI"}},
		{"a common first word is dropped",
			"Schoolboy Frankie Franz watched the clip. The schoolboy was amazed, said Frankie Franz.",
			[]string{"Frankie Franz"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := entitiesOf(nil, Sentences(tt.in), MaxEntities)
			if !slices.Equal(got, tt.want) {
				t.Errorf("entities = %q, want %q", got, tt.want)
			}
		})
	}
}

func TestEntitiesHeadlineBoost(t *testing.T) {
	sents := Sentences("Vladimir Putin met officials. Kim Jong Un met officials. Kim Jong Un left. Vladimir Putin stayed. Then Putin spoke.")
	got := entitiesOf([]string{"Kim Jong Un Says Farewell", "Kim Leaves Early"}, sents, MaxEntities)
	if len(got) < 2 || got[0] != "Kim Jong Un" {
		t.Errorf("entities = %q, want Kim Jong Un first after the headline boost", got)
	}
}
