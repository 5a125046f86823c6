package grounding

import (
	"strings"
	"testing"

	"briefbot/briefs"
)

// The articles below were written for these tests.

const articleEN = `The city council of Springfield approved a new budget of $4.5 million on Tuesday, after a three-hour debate. Mayor Helen Carter said the money would pay for 120 new teachers and repairs to 14 schools. The opposition leader, Tom Baker, voted against the plan. He said the council had not consulted parents. The budget takes effect on 1 September 2025.
"This is the best budget we have had in a decade," Carter told reporters. Teachers' unions welcomed the decision, but warned that class sizes would remain high. Turnout at the last election was 40 per cent.`

var briefEN = briefs.Summary{
	Title: "Springfield council approves $4.5m budget",
	Gist:  "Springfield's council approved a $4.5 million budget on Tuesday after three hours of debate.",
	Bullets: []string{
		"Mayor Helen Carter says the money will pay for 120 new teachers and repairs to 14 schools.",
		"Opposition leader Tom Baker voted against it, saying parents were not consulted.",
		`Carter called it "the best budget we have had in a decade".`,
		"The budget takes effect on Sept. 1, 2025.",
	},
	Lang: "en",
}

const articleDE = `Der Stadtrat von Freiburg hat am Dienstag einen Haushalt von 4,5 Millionen Euro beschlossen. Bürgermeisterin Anna Schmidt sagte, das Geld sei für 120 neue Lehrer und die Sanierung von 14 Schulen bestimmt. Oppositionsführer Thomas Becker stimmte gegen den Plan. Er sagte, die Eltern seien nicht gefragt worden. „Das ist der beste Haushalt seit zehn Jahren", sagte Schmidt.`

var briefDE = briefs.Summary{
	Title: "Freiburg beschließt Haushalt",
	Gist:  "Der Stadtrat von Freiburg hat einen Haushalt von 4,5 Mio. Euro beschlossen.",
	Bullets: []string{
		"Das Geld ist für 120 neue Lehrer und die Sanierung von 14 Schulen bestimmt.",
		"Thomas Becker stimmte gegen den Plan, weil die Eltern nicht gefragt wurden.",
		"Schmidt: „Das ist der beste Haushalt seit zehn Jahren.“",
	},
	Lang: "de",
}

const articleFR = `Le conseil municipal de Lyon a adopté mardi un budget de 4,5 millions d'euros. La maire, Claire Dubois, a déclaré que l'argent servirait à recruter 120 enseignants et à rénover 14 écoles. Le chef de l'opposition, Marc Lefèvre, a voté contre le projet. Il a affirmé que les parents n'avaient pas été consultés. « C'est le meilleur budget depuis dix ans », a dit Dubois.`

var briefFR = briefs.Summary{
	Title: "Lyon adopte son budget",
	Gist:  "Le conseil municipal de Lyon a adopté un budget de 4,5 millions d'euros.",
	Bullets: []string{
		"L'argent servira à recruter 120 enseignants et à rénover 14 écoles.",
		"Marc Lefèvre a voté contre le projet : les parents n'ont pas été consultés.",
		"Pour Claire Dubois, c'est « le meilleur budget depuis dix ans ».",
	},
	Lang: "fr",
}

const articleES = `El ayuntamiento de Sevilla aprobó el martes un presupuesto de 4,5 millones de euros. La alcaldesa, Lucía Romero, dijo que el dinero servirá para contratar a 120 profesores y reformar 14 colegios. El líder de la oposición, Javier Ortega, votó en contra del plan. Según Ortega, los padres no fueron consultados. «Es el mejor presupuesto en una década», afirmó Romero.`

var briefES = briefs.Summary{
	Title: "Sevilla aprueba su presupuesto",
	Gist:  "El ayuntamiento de Sevilla aprobó un presupuesto de 4,5 millones de euros.",
	Bullets: []string{
		"El dinero servirá para contratar a 120 profesores y reformar 14 colegios.",
		"Javier Ortega votó en contra porque los padres no fueron consultados.",
		"Romero habló del «mejor presupuesto en una década».",
	},
	Lang: "es",
}

const articleZH = `北京市政府周二宣布，将投入4.5亿元用于修建新的地铁线路。新线路全长32公里，预计2027年通车。市长王立明表示，这条线路将缓解城市东部的交通压力。不过，部分居民担心施工噪音。官员称，工程不会影响现有线路的运营。`

var briefZH = briefs.Summary{
	Title: "北京将建新地铁线路",
	Gist:  "北京市政府宣布投入4.5亿元修建新的地铁线路。",
	Bullets: []string{
		"新线路全长32公里，预计2027年通车。",
		"市长王立明表示，新线路将缓解城市东部的交通压力。",
		"官员称工程不会影响现有线路的运营。",
	},
	Lang: "zh",
}

const articleJA = `東京都は火曜日、新しい地下鉄路線の建設に450億円を投じると発表した。新路線は全長32キロで、2027年に開業する予定だ。小池知事は「東部の交通渋滞が大きく改善される」と述べた。一方、住民の一部は工事の騒音を心配している。都の担当者は、既存の路線の運行には影響しないと説明した。`

var briefJA = briefs.Summary{
	Title: "東京都、新地下鉄路線を建設へ",
	Gist:  "東京都は新しい地下鉄路線の建設に450億円を投じると発表した。",
	Bullets: []string{
		"新路線は全長32キロで、2027年に開業する予定。",
		"小池知事は「東部の交通渋滞が大きく改善される」と述べた。",
		"担当者は既存の路線の運行には影響しないと説明した。",
	},
	Lang: "ja",
}

// TestFaithfulVariants checks faithful rewordings that the rules must not
// take for invented facts.
func TestFaithfulVariants(t *testing.T) {
	for _, c := range []struct{ name, point string }{
		{"pronoun resolved", "Tom Baker said the council had not consulted parents."},
		{"opener not a name", "Unions welcomed the decision but warned that class sizes would remain high."},
		{"surname alone", "Carter said the money would pay for 120 new teachers."},
		{"acronym of a name", "The SCC meets monthly."},
		{"title case", "Springfield Council Approves $4.5 Million Budget After Three-Hour Debate"},
	} {
		b := withPoint(briefEN, 1, c.point)
		if v := Check(articleEN+" The Springfield City Council meets monthly.", b); !v.OK {
			t.Errorf("%s: %q rejected: %+v", c.name, c.point, v.Problems)
		}
	}
}

func TestFaithfulBriefsPass(t *testing.T) {
	for _, c := range []struct {
		name, article string
		brief         briefs.Summary
	}{
		{"en", articleEN, briefEN}, {"de", articleDE, briefDE}, {"fr", articleFR, briefFR},
		{"es", articleES, briefES}, {"zh", articleZH, briefZH}, {"ja", articleJA, briefJA},
	} {
		if v := Check(c.article, c.brief); !v.OK {
			t.Errorf("%s: faithful brief rejected: %+v", c.name, v.Problems)
		}
		// The language is found when the brief does not say.
		b := c.brief
		b.Lang = ""
		if v := Check(c.article, b); !v.OK {
			t.Errorf("%s without Lang: faithful brief rejected: %+v", c.name, v.Problems)
		}
	}
}

// caught says which problem a corrupted brief must have: its kind, where,
// and a fragment of its detail.
type caught struct {
	name    string
	article string
	brief   briefs.Summary
	kind    Kind
	where   string
	detail  string
}

func TestCorruptionsCaught(t *testing.T) {
	cases := []caught{
		// English
		{"en number", articleEN, withPoint(briefEN, 1, "Mayor Helen Carter says the money will pay for 150 new teachers and repairs to 14 schools."), KindNumber, "point 1", "150"},
		{"en number x10", articleEN, withPoint(briefEN, 1, "Mayor Helen Carter says the money will pay for 120 new teachers and repairs to 140 schools."), KindNumber, "point 1", "140"},
		{"en amount", articleEN, func() briefs.Summary {
			b := briefEN
			b.Gist = "Springfield's council approved a $5.5 million budget on Tuesday."
			return b
		}(), KindNumber, "gist", "5.5 million"},
		{"en date", articleEN, withPoint(briefEN, 4, "The budget takes effect on Oct. 1, 2025."), KindNumber, "point 4", "Oct"},
		{"en percent", articleEN, withPoint(briefEN, 4, "Turnout at the last election was 45%."), KindNumber, "point 4", "45"},
		{"en invented name", articleEN, withPoint(briefEN, 2, "Opposition leader Mark Evans voted against it, saying parents were not consulted."), KindName, "point 2", "Mark Evans"},
		{"en swapped name", articleEN, withPoint(briefEN, 1, "Mayor Tom Baker says the money will pay for 120 new teachers and repairs to 14 schools."), KindName, "point 1", "Tom Baker"},
		{"en swapped place", articleEN, func() briefs.Summary {
			b := briefEN
			b.Gist = "The council of Shelbyville approved a $4.5 million budget on Tuesday after three hours of debate."
			return b
		}(), KindName, "gist", "Shelbyville"},
		{"en opener in a name's place", articleEN, withPoint(briefEN, 1, "Shelbyville said the money would pay for 120 new teachers and repairs to 14 schools."), KindName, "point 1", "Shelbyville"},
		{"en fabricated quote", articleEN, withPoint(briefEN, 3, `Carter called it "the worst budget in a decade".`), KindQuote, "point 3", "worst budget"},
		{"en fabricated single quote", articleEN, withPoint(briefEN, 3, `Carter said the plan was 'a gift to every family'.`), KindQuote, "point 3", "gift to every family"},
		{"en added negation", articleEN, withPoint(briefEN, 1, "Mayor Helen Carter says the money will not pay for 120 new teachers and repairs to 14 schools."), KindNegation, "point 1", "not"},
		{"en did not", articleEN, withPoint(briefEN, 2, "Opposition leader Tom Baker did not vote against the plan."), KindNegation, "point 2", "not"},
		{"en dropped negation", articleEN, withPoint(briefEN, 2, "Tom Baker said the council had consulted parents."), KindNegation, "point 2", "dropped"},
		{"en invented sentence", articleEN, withPoint(briefEN, 4, "The council also plans a new football stadium near the river."), KindContent, "point 4", "stadium"},
		{"en title", articleEN, func() briefs.Summary { b := briefEN; b.Title = "Springfield council approves $6m budget"; return b }(), KindNumber, "title", "6m"},

		// German
		{"de number", articleDE, withPoint(briefDE, 1, "Das Geld ist für 150 neue Lehrer und die Sanierung von 14 Schulen bestimmt."), KindNumber, "point 1", "150"},
		{"de amount", articleDE, func() briefs.Summary {
			b := briefDE
			b.Gist = "Der Stadtrat von Freiburg hat einen Haushalt von 5,5 Mio. Euro beschlossen."
			return b
		}(), KindNumber, "gist", "5,5"},
		{"de name", articleDE, withPoint(briefDE, 2, "Klaus Meier stimmte gegen den Plan, weil die Eltern nicht gefragt wurden."), KindName, "point 2", "Klaus Meier"},
		{"de quote", articleDE, withPoint(briefDE, 3, "Schmidt: „Das ist der schlechteste Haushalt aller Zeiten.“"), KindQuote, "point 3", "schlechteste"},
		{"de negation", articleDE, withPoint(briefDE, 1, "Das Geld ist nicht für 120 neue Lehrer und die Sanierung von 14 Schulen bestimmt."), KindNegation, "point 1", "nicht"},
		{"de invented", articleDE, withPoint(briefDE, 1, "Außerdem plant die Stadt ein neues Fußballstadion am Fluss."), KindContent, "point 1", "Fußballstadion"},

		// French
		{"fr number", articleFR, withPoint(briefFR, 1, "L'argent servira à recruter 210 enseignants et à rénover 14 écoles."), KindNumber, "point 1", "210"},
		{"fr name", articleFR, withPoint(briefFR, 2, "Paul Martin a voté contre le projet : les parents n'ont pas été consultés."), KindName, "point 2", "Paul Martin"},
		{"fr quote", articleFR, withPoint(briefFR, 3, "Pour Claire Dubois, c'est « le pire budget de l'histoire »."), KindQuote, "point 3", "pire budget"},
		{"fr negation", articleFR, withPoint(briefFR, 1, "L'argent ne servira pas à recruter 120 enseignants et à rénover 14 écoles."), KindNegation, "point 1", "pas"},
		{"fr invented", articleFR, withPoint(briefFR, 1, "La ville prévoit aussi un nouveau stade de football au bord du fleuve."), KindContent, "point 1", "stade"},

		// Spanish
		{"es number", articleES, withPoint(briefES, 1, "El dinero servirá para contratar a 210 profesores y reformar 14 colegios."), KindNumber, "point 1", "210"},
		{"es name", articleES, withPoint(briefES, 2, "Pedro Sánchez votó en contra porque los padres no fueron consultados."), KindName, "point 2", "Pedro Sánchez"},
		{"es quote", articleES, withPoint(briefES, 3, "Romero habló del «peor presupuesto de la historia»."), KindQuote, "point 3", "peor presupuesto"},
		{"es negation", articleES, withPoint(briefES, 1, "El dinero no servirá para contratar a 120 profesores y reformar 14 colegios."), KindNegation, "point 1", "no"},
		{"es invented", articleES, withPoint(briefES, 1, "La ciudad también planea un nuevo estadio de fútbol junto al río."), KindContent, "point 1", "estadio"},

		// Chinese
		{"zh number", articleZH, withPoint(briefZH, 1, "新线路全长35公里，预计2027年通车。"), KindNumber, "point 1", "35"},
		{"zh amount", articleZH, func() briefs.Summary {
			b := briefZH
			b.Gist = "北京市政府宣布投入5.5亿元修建新的地铁线路。"
			return b
		}(), KindNumber, "gist", "5.5"},
		{"zh quote", articleZH, withPoint(briefZH, 2, "市长王立明说「这是历史上最好的工程」。"), KindQuote, "point 2", "最好的工程"},
		{"zh negation", articleZH, withPoint(briefZH, 2, "市长王立明表示，新线路不会缓解城市东部的交通压力。"), KindNegation, "point 2", "不"},
		{"zh invented", articleZH, withPoint(briefZH, 3, "政府还计划在城西建设一座新的体育场。"), KindContent, "point 3", "体育"},

		// Japanese
		{"ja number", articleJA, withPoint(briefJA, 1, "新路線は全長35キロで、2027年に開業する予定。"), KindNumber, "point 1", "35"},
		{"ja quote", articleJA, withPoint(briefJA, 2, "小池知事は「渋滞は完全に解消される」と述べた。"), KindQuote, "point 2", "解消"},
		{"ja negation", articleJA, withPoint(briefJA, 1, "新路線は全長32キロで、2027年に開業しない予定。"), KindNegation, "point 1", "ない"},
		{"ja invented", articleJA, withPoint(briefJA, 3, "都は新しいサッカー場も建設する計画だ。"), KindContent, "point 3", "サッ"},
	}
	for _, c := range cases {
		v := Check(c.article, c.brief)
		if v.OK {
			t.Errorf("%s: corrupted brief accepted", c.name)
			continue
		}
		found := false
		for _, p := range v.Problems {
			if p.Kind == c.kind && p.Where == c.where && strings.Contains(p.Detail, c.detail) {
				found = true
			}
		}
		if !found {
			t.Errorf("%s: want a %s problem at %s with %q, got %+v", c.name, c.kind, c.where, c.detail, v.Problems)
		}
	}
}

// TestNormalisedForms checks that each allowed way of writing a number,
// date, name or quotation is found as the article writes it another way.
func TestNormalisedForms(t *testing.T) {
	for _, c := range []struct{ article, point, lang string }{
		{"Police arrested 4,000 people.", "Police arrested 4000 people.", ""},
		{"Police arrested 4000 people.", "Police arrested 4 000 people.", ""},
		{"The club paid £4.5m for the striker.", "The club paid £4.5 million for the striker.", ""},
		{"The club paid 4,500,000 pounds for the striker.", "The club paid £4.5m for the striker.", ""},
		{"The ticket costs $5.", "The ticket costs 5 dollars.", ""},
		{"Prices rose 13 per cent last year.", "Prices rose 13% last year.", ""},
		{"Prices rose 13 percent last year.", "Prices rose 13 per cent last year.", ""},
		{"The vote is in September.", "The vote is in Sept.", ""},
		{"The vote is on Sep 9.", "The vote is on 9 September.", ""},
		{"Three men were arrested.", "Police arrested 3 men.", ""},
		{"Police arrested 12 men.", "Police arrested twelve men.", ""},
		{"She finished 1st in the race.", "She finished first in the race.", ""},
		{"The film was released in 1999.", "The film came out in 1999.", ""},
		{"Russian President Vladimir Putin met the envoy.", "Putin met the envoy.", ""},
		{"Mr. David Smith resigned on Monday.", "David Smith resigned on Monday after Mr. Smith's talks.", ""},
		{"The Zürich court ruled on Monday.", "The Zurich court ruled on Monday.", ""},
		{"Kilmarnock's manager spoke on Friday.", "The Kilmarnock manager spoke on Friday.", ""},
		{"The National Health Service is under strain.", "The NHS is under strain.", ""},
		{`He said: "We will win the league."`, `He said "we will win the league".`, ""},
		{"He said: ‘We will win the league.’", `He said “We will  win the league”.`, ""},
		{"Der Verein zahlte 4.000 Euro.", "Der Verein zahlte 4000 Euro.", "de"},
		{"Le club a payé 4,5 millions d'euros.", "Le club a payé 4 500 000 euros.", "fr"},
	} {
		b := briefs.Summary{Gist: c.point, Lang: c.lang}
		if v := Check(c.article, b); !v.OK {
			t.Errorf("%q for %q: %+v", c.point, c.article, v.Problems)
		}
	}
}

// TestNumbersParsed checks the values numbers are read as.
func TestNumbersParsed(t *testing.T) {
	for _, c := range []struct {
		lang, text string
		want       []float64
	}{
		{"en", "4,000 people", []float64{4000}},
		{"en", "4 000 people", []float64{4000}},
		{"en", "£4.5m", []float64{4.5e6}},
		{"en", "4.5 million", []float64{4.5e6}},
		{"en", "1.2bn", []float64{1.2e9}},
		{"en", "twenty-five", []float64{25}},
		{"en", "three million", []float64{3e6}},
		{"en", "the 21st century", []float64{21}},
		{"en", "the 1990s", []float64{1990}},
		{"en", "a 39-year-old man", []float64{39}},
		{"de", "4.000 Euro und 4,5 Prozent", []float64{4000, 4.5}},
		{"de", "3 Mrd. Euro", []float64{3e9}},
		{"fr", "4,5 millions", []float64{4.5e6}},
		{"es", "4,5 millones", []float64{4.5e6}},
		{"zh", "4.5亿元", []float64{4.5e8}},
		{"ja", "450億円", []float64{450e8}},
		{"zh", "２０２４年", []float64{2024}},
	} {
		var got []float64
		for _, n := range numbersIn(tokenize(normalise(c.text), c.lang), c.lang) {
			got = append(got, n.val)
		}
		if len(got) != len(c.want) {
			t.Errorf("%s %q: got %v, want %v", c.lang, c.text, got, c.want)
			continue
		}
		for i := range got {
			if !sameValue(got[i], c.want[i]) {
				t.Errorf("%s %q: got %v, want %v", c.lang, c.text, got, c.want)
			}
		}
	}
}

func TestQuotations(t *testing.T) {
	for _, c := range []struct {
		text string
		want []string
	}{
		{`He said "we will win" and left.`, []string{"we will win"}},
		{`He said 'we will win' and left.`, []string{"we will win"}},
		{`Locke's players' union said 'no'.`, []string{"no"}},
		{`Il a dit « non merci ».`, []string{"non merci"}},
		{`市长说「这是最好的」。`, []string{"这是最好的"}},
		{`I'd say it's fine`, nil},
	} {
		got := quotations(normalise(c.text))
		if strings.Join(got, "|") != strings.Join(c.want, "|") {
			t.Errorf("%q: got %q, want %q", c.text, got, c.want)
		}
	}
}

func TestEmptyInput(t *testing.T) {
	if v := Check("", briefs.Summary{}); !v.OK {
		t.Errorf("empty brief of an empty article: %+v", v.Problems)
	}
	if v := Check("", briefEN); v.OK {
		t.Error("a brief of an empty article passed")
	}
	if v := Check(articleEN, briefs.Summary{}); !v.OK {
		t.Errorf("empty brief: %+v", v.Problems)
	}
}
