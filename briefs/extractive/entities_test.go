package extractive

import (
	"fmt"
	"slices"
	"strings"
	"testing"
)

func TestEntitiesSample(t *testing.T) {
	got := Entities(readSample(t), MaxEntities)
	if len(got) == 0 || got[0] != "Vladimir Putin" {
		t.Fatalf("Entities = %q, want Vladimir Putin first", got)
	}
	for _, want := range []string{"Kim Jong Un", "North Korea", "Russia", "Paul Adams"} {
		if !slices.Contains(got, want) {
			t.Errorf("Entities = %q, missing %q", got, want)
		}
	}
	for _, bad := range []string{"Putin", "Kim", "Russian", "North Korean", "Wednesday", "Neither", "Coverage", "Artyom Lukin of Russia",
		// Outlets the story only cites as sources.
		"Reuters", "New York Times", "BBC", "Wall Street Journal"} {
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
			got := entitiesOf("en", nil, Sentences(tt.in), MaxEntities)
			if !slices.Equal(got, tt.want) {
				t.Errorf("entities = %q, want %q", got, tt.want)
			}
		})
	}
}

func TestEntitiesHeadlineBoost(t *testing.T) {
	sents := Sentences("Vladimir Putin met officials. Kim Jong Un met officials. Kim Jong Un left. Vladimir Putin stayed. Then Putin spoke.")
	got := entitiesOf("en", []string{"Kim Jong Un Says Farewell", "Kim Leaves Early"}, sents, MaxEntities)
	if len(got) < 2 || got[0] != "Kim Jong Un" {
		t.Errorf("entities = %q, want Kim Jong Un first after the headline boost", got)
	}
}

// Each case is one class of fault seen on real pages, with sentences
// written for the test.
func TestEntitiesFaults(t *testing.T) {
	tests := []struct {
		name      string
		lang      string
		in        string
		want, not []string
	}{
		{"a credit line is not a name", "en",
			"Provided by the Springfield Parks Department. Mayor Jane Doe opened the park on Friday. Provided the weather holds, Jane Doe said, the fair goes on.",
			[]string{"Jane Doe", "Springfield Parks Department"}, []string{"Provided"}},
		{"sentence openers are not names", "en",
			"According to officials, the plant closed. Despite the rain, workers stayed. Officials said Acme Steel would pay. Hours later, Acme Steel agreed; it took two hours.",
			[]string{"Acme Steel"}, []string{"According", "Despite", "Officials", "Hours"}},
		{"an opener glued to a name is peeled", "en",
			"Regarding MagSafe, nothing changed. Watching NBA League Pass is easy. Fans love the NBA League Pass and MagSafe.",
			[]string{"MagSafe", "NBA League Pass"}, []string{"Regarding MagSafe", "Watching NBA League Pass"}},
		{"a country glued to a body across a lost break", "en",
			"The vote in Congress Syria called a sham. Officials said Iran agreed with Syria.",
			[]string{"Congress", "Syria", "Iran"}, []string{"Congress Syria"}},
		{"a place before a person", "en",
			"The former ambassador to Ukraine Marie Yovanovitch testified on Friday. Yovanovitch, once envoy to the Ukraine Marie Yovanovitch, said little.",
			[]string{"Marie Yovanovitch", "Ukraine"}, []string{"Ukraine Marie Yovanovitch"}},
		{"hyphenated name parts stay whole", "en",
			"Opposition leader Lee Jae-myung spoke in Seoul. Later Lee Jae-myung said the vote was unfair under a Cold War-era rule and an X-ray showed it.",
			[]string{"Lee Jae-myung", "Seoul", "Cold War"}, []string{"Lee Jae", "Cold War-era", "X-ray"}},
		{"an abbreviated title splits the name from its state", "en",
			"On Tuesday, Maryland Gov. Wes Moore said the bridge would be rebuilt. Moore spoke in Baltimore.",
			[]string{"Wes Moore", "Maryland", "Baltimore"}, []string{"Maryland Gov", "Maryland Gov. Wes Moore"}},
		{"a title and its office", "en",
			"The talks were led by Secretary of State Mike Pompeo and South Dakota Gov. Kristi Noem.",
			[]string{"Mike Pompeo", "Kristi Noem", "South Dakota"}, []string{"of State Mike Pompeo", "South Dakota Gov"}},
		{"a demonym before a person", "en",
			"The hostages included Australian Timothy Weeks and American Kevin King.",
			[]string{"Timothy Weeks", "Kevin King"}, []string{"Australian Timothy Weeks", "American Kevin King", "Kevin"}},
		{"outlets cited as sources are not entities", "en",
			"The pact was signed, said Vladimir Putin, per Reuters. That is not clear, reports the New York Times. A spokesman told CNN that Putin was pleased. At the BBC, Jane Roe writes that the text matters. An NBC News analysis found the same (AP).",
			[]string{"Vladimir Putin", "Jane Roe"}, []string{"Reuters", "New York Times", "CNN", "BBC", "NBC News", "AP"}},
		{"an outlet the story is about stays", "en",
			"CNN fired its president on Monday. The network said CNN would appoint Mark Thompson.",
			[]string{"CNN", "Mark Thompson"}, nil},
		{"title-case lines are headings, not text", "en",
			"Provided You Have A Solid Connection, The Service Works Well. The service from Acme Cloud launched in Ohio.",
			[]string{"Acme Cloud", "Ohio"}, []string{"Provided You Have A Solid Connection", "Service Works Well"}},
		{"shouting is not a name", "en",
			"SCORES QUARANTINED after the outbreak in Inner Mongolia. Officials in Inner Mongolia said more tests were due.",
			[]string{"Inner Mongolia"}, []string{"SCORES QUARANTINED", "Inner", "Mongolia"}},
		{"German common nouns are not names", "de",
			"Die elektronische Patientenakte soll die Daten der Patienten bündeln. Laut Jens Spahn kommt die Patientenakte im Januar. Viele Ärzte sind skeptisch, sagte Jens Spahn in Berlin. Die Digitalisierung kostet Geld, und Berlin zahlt.",
			[]string{"Jens Spahn", "Berlin"}, []string{"Patientenakte", "Daten", "Patienten", "Ärzte", "Digitalisierung", "Die Digitalisierung", "Januar"}},
		{"German nouns joined by articles and connectors", "de",
			"Im Kontext der Digitalisierung wächst der Nutzen von Daten. Der Nutzen von Daten ist groß, sagt die Firma Acme.",
			nil, []string{"Kontext der Digitalisierung", "Nutzen von Daten", "Kontext", "Nutzen"}},
		{"a German role noun before a name is not part of it", "de",
			"Mit 31 zu 17 Stimmen folgte das Gremium einem Vorschlag von Oberbürgermeisterin Katrin Albers, die seit Monaten für das Projekt geworben hatte. Die Stadt rechnet mit weniger Lärm, sagte Albers.",
			[]string{"Katrin Albers"}, []string{"Vorschlag von Oberbürgermeisterin Katrin Albers", "Oberbürgermeisterin Katrin Albers"}},
		{"a German amount is not a name", "de",
			"Die Kosten für Poller, Schilder und Kameras beziffert sie auf 4,3 Millionen Euro. Weitere 2 Millionen Euro kommen vom Land.",
			nil, []string{"Millionen Euro", "Euro"}},
		{"a sentence-initial name in French needs a second mention", "fr",
			"Selon Emmanuel Macron, la réforme avance. Macron a parlé à Paris.",
			[]string{"Emmanuel Macron"}, []string{"Selon Emmanuel Macron"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := entitiesOf(tt.lang, nil, Sentences(tt.in), MaxEntities)
			for _, w := range tt.want {
				if !slices.Contains(got, w) {
					t.Errorf("entities = %q, missing %q", got, w)
				}
			}
			for _, b := range tt.not {
				if slices.Contains(got, b) {
					t.Errorf("entities = %q, should not hold %q", got, b)
				}
			}
		})
	}
}

func TestEntitiesAtMostLimit(t *testing.T) {
	var b strings.Builder
	for i := range 30 {
		fmt.Fprintf(&b, "Officials met Person%c Name%c in Town%c. ", 'A'+i%26, 'A'+i%26, 'A'+i/26)
	}
	if got := entitiesOf("en", nil, Sentences(b.String()), MaxEntities); len(got) > MaxEntities {
		t.Errorf("got %d entities, want at most %d", len(got), MaxEntities)
	}
}

func TestEntitiesMoreFaults(t *testing.T) {
	tests := []struct {
		name      string
		in        string
		want, not []string
	}{
		{"a name ends where Japanese starts",
			"Kindle for PCの起動は遅い。 Kindle for PC、Amazonのアプリです。 The app from Amazon runs on Windows.",
			[]string{"Amazon", "Windows"}, []string{"PC、Amazon", "PCの起動は遅い。"}},
		{"a label glued to sentences",
			"Summary Yoga helps. Summary Fiber helps too. Summary Sleep matters. Researchers at Leeds University agree.",
			[]string{"Leeds University"}, []string{"Summary Yoga", "Summary Fiber", "Summary Sleep", "Yoga"}},
		{"a sentence-final initial is a full stop",
			"Reviewers tried the Xbox One X. Later the Xbox One X sold out.",
			[]string{"Xbox One X"}, []string{"Xbox One X."}},
		{"two titles before a name",
			"Hong Kong Chief Executive Carrie Lam spoke, and the Executive Council met.",
			[]string{"Carrie Lam", "Executive Council"}, []string{"Executive Carrie Lam", "Council"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := entitiesOf("en", nil, Sentences(tt.in), MaxEntities)
			for _, w := range tt.want {
				if !slices.Contains(got, w) {
					t.Errorf("entities = %q, missing %q", got, w)
				}
			}
			for _, b := range tt.not {
				if slices.Contains(got, b) {
					t.Errorf("entities = %q, should not hold %q", got, b)
				}
			}
		})
	}
}
