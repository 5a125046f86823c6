package extractive

import (
	"strings"
	"testing"
)

func TestDetectLanguageSamples(t *testing.T) {
	per := map[string][2]int{}
	for _, s := range langSamples {
		got := DetectLanguage(s.text)
		c := per[s.lang]
		c[1]++
		if got == s.lang {
			c[0]++
		} else {
			t.Errorf("DetectLanguage(%.50q...) = %q, want %q", s.text, got, s.lang)
		}
		per[s.lang] = c
		if l, ok := fastLanguage(s.text); !ok {
			t.Logf("fallback for %s: %.40q (vote %q)", s.lang, s.text, l)
		}
	}
	t.Logf("accuracy per language: %v", per)
}

// BenchmarkDetectLanguage measures an ordinary article: the prefix that is
// read (3 KB) settles the vote.
func BenchmarkDetectLanguage(b *testing.B) {
	text := strings.Repeat(langSamples[5].text+" ", 20)
	b.ReportAllocs()
	for b.Loop() {
		DetectLanguage(text)
	}
}

// BenchmarkDetectLanguageFallback measures a text the vote leaves to the
// trigram detector (a one-line French headline).
func BenchmarkDetectLanguageFallback(b *testing.B) {
	text := langSamples[6].text
	if _, ok := fastLanguage(text); ok {
		b.Fatal("the vote settles it")
	}
	b.ReportAllocs()
	for b.Loop() {
		DetectLanguage(text)
	}
}

func BenchmarkDetectLanguageCJK(b *testing.B) {
	text := strings.Repeat(langSamples[29].text, 20)
	b.ReportAllocs()
	for b.Loop() {
		DetectLanguage(text)
	}
}

func TestDetectLanguageGuards(t *testing.T) {
	for _, s := range []string{
		"", "   ", "Hello.", "The end of it", "12 345 678 90.1 2.3", "\x00\x01\x02\x03 binary \x04\x05\x06\x07\x08",
		"\xff\xfe\xfd\xfc\xfb\xfa\xf9\xf8 garbage \xff\xff\xff\xff\xff\xff", "中国。", "東京へ",
		strings.Repeat("\x00", 5000),
		"Era una notte buia e tempestosa.", // the trigram detector says Portuguese
	} {
		if got := DetectLanguage(s); got != "" {
			t.Errorf("DetectLanguage(%q) = %q, want \"\"", s, got)
		}
	}
	// A long text is cut at a rune boundary, whatever the prefix size.
	long := strings.Repeat("Der Bundestag hat am Donnerstag über das Gesetz abgestimmt, und die Mehrheit war knapp. ", 200)
	for i := 0; i < 8; i++ {
		s := strings.Repeat("ü", i) + long
		if got := DetectLanguage(s); got != "de" {
			t.Errorf("DetectLanguage(long German, offset %d) = %q", i, got)
		}
	}
}

func TestDetectLanguageCJK(t *testing.T) {
	for s, want := range map[string]string{
		"東京都は、新型ウイルスの感染者が新たに500人確認されたと発表した。":    "ja",
		"北京时间周二晚间，国家足球队在世界杯预选赛中以二比一战胜对手。":       "zh",
		"香港特區政府今日公布最新的施政報告，重點包括房屋及醫療政策。":        "zh",
		"서울시는 내년부터 대중교통 요금을 인상하기로 했다고 밝혔다.":     "ko",
		"岸田首相は記者会見で「経済対策を急ぐ」と述べ、補正予算案の編成を指示した。": "ja",
	} {
		if got := DetectLanguage(s); got != want {
			t.Errorf("DetectLanguage(%q) = %q, want %q", s, got, want)
		}
	}
}

func TestDetectLanguageOthers(t *testing.T) {
	// Languages without a lexicon go to the trigram detector.
	for s, want := range map[string]string{
		"Президент России заявил во вторник, что переговоры с Украиной зашли в тупик, а санкции Запада не достигли своей цели.":                                                                                                                                            "ru",
		"Rząd przyjął we wtorek projekt ustawy budżetowej na przyszły rok, który zakłada wyższy deficyt niż się spodziewano.":                                                                                                                                              "pl",
		"Regeringen presenterade på tisdagen en ny budget som innehåller stora satsningar på försvaret och sjukvården.":                                                                                                                                                    "sv",
		"Η κυβέρνηση ανακοίνωσε την Τρίτη νέα μέτρα για τη στήριξη των νοικοκυριών απέναντι στην ακρίβεια.":                                                                                                                                                                "el",
		"El Govern ha aprovat aquest dimarts el projecte de pressupostos per a l'any vinent, que inclou més diners per a la sanitat i l'educació. La consellera ha explicat que els comptes també preveuen una rebaixa d'impostos per a les famílies amb menys ingressos.": "ca",
		"Vláda v stredu schválila návrh rozpočtu na budúci rok, ktorý počíta s vyšším deficitom, ako sa očakávalo. Minister financií povedal, že krajina musí viac investovať do obrany aj do zdravotníctva, ale opozícia návrh ostro kritizuje.":                          "sk",
		"Guvernul a aprobat marți proiectul de buget pentru anul viitor, care prevede un deficit mai mare decât se aștepta.":                                                                                                                                               "ro",
		"Regeringen fremlagde tirsdag et nyt budget, som indeholder store investeringer i forsvaret og sundhedsvæsenet, og det er ikke billigt.":                                                                                                                           "da",
		"Mae criwiau tân wedi cael eu galw i stad ddiwydiannol ym Mae Cinmel nos Fawrth. Dywedodd yr heddlu fod y ffordd ar gau am rai oriau ac roedd pobl yn cael eu cynghori i gadw draw.":                                                                               "cy",
	} {
		if got := DetectLanguage(s); got != want {
			t.Errorf("DetectLanguage(%.40q) = %q, want %q", s, got, want)
		}
	}
}

func TestDangles(t *testing.T) {
	tests := []struct {
		lang, s string
		want    bool
	}{
		// English
		{"en", "He said the talks had failed.", true},
		{"en", "However, the deal still stands.", true},
		{"en", "They've already left the country.", true},
		{"en", "It'll take years to rebuild the bridge.", true},
		{"en", "He's expected to resign on Monday.", true},
		{"en", "\u201cThis is a disaster,\u201d she said.", true},
		{"en", "In addition, the company will cut 500 jobs.", true},
		{"en", "On the other hand, exports grew.", true},
		{"en", "This week the central bank raised rates again.", false},
		{"en", "The president said the talks had failed.", false},
		{"en", "Theirs was the biggest win of the season.", false},
		{"en", "Italy won the final on penalties.", false},
		{"en", "I think we can win.", false},
		{"en", "Still's side have struggled in attack all season.", false},
		{"en", "There's no reason to panic, the minister said.", false},
		{"", "She was released on bail.", true},
		{"xx", "Thus the plan failed.", true},
		// German
		{"de", "Er sagte, die Verhandlungen seien gescheitert.", true},
		{"de", "Sie will im Herbst erneut kandidieren.", true},
		{"de", "Zudem sollen die Steuern steigen.", true},
		{"de", "Darüber hinaus plant die Regierung neue Schulden.", true},
		{"de", "Das ist ein schwerer Schlag für die Partei.", true},
		{"de", "Dies gilt auch für Rentner.", true},
		{"de", "Außerdem wurden drei Menschen verletzt.", true},
		{"de", "Seine Frau bestätigte den Tod.", true},
		{"de", "Es ist unklar, wann die Brücke wieder öffnet.", true},
		{"de", "Es gibt keine Hinweise auf einen Anschlag.", false},
		{"de", "Das Gesetz tritt im Januar in Kraft.", false},
		{"de", "Die Polizei nahm zwei Verdächtige fest.", false},
		{"de", "Der Bundestag stimmte am Donnerstag zu.", false},
		{"de", "Diese Woche beginnt der Prozess gegen den Ex-Minister.", false},
		{"de", "Ich habe keine Angst, sagte er.", false},
		// French
		{"fr", "Il a démissionné mardi soir.", true},
		{"fr", "Elles ont été évacuées vers l'hôpital.", true},
		{"fr", "Cependant, le gouvernement refuse de reculer.", true},
		{"fr", "En outre, les prix de l'énergie ont augmenté.", true},
		{"fr", "De plus, la grève pourrait durer.", true},
		{"fr", "C'est un coup dur pour la majorité.", true},
		{"fr", "C\u2019était la première fois depuis 2010.", true},
		{"fr", "Ce n'est pas la première fois.", true},
		{"fr", "Cette décision a surpris les marchés.", true},
		{"fr", "Par ailleurs, trois personnes ont été blessées.", true},
		{"fr", "\u00ab Cela change tout \u00bb, a-t-il déclaré.", true},
		{"fr", "Il y a eu trois morts selon la préfecture.", false},
		{"fr", "Il faut encore attendre les résultats.", false},
		{"fr", "C'est à Lyon que le sommet se tiendra.", false},
		{"fr", "Ce que l'on sait de l'attaque.", false},
		{"fr", "L'entreprise a annoncé 300 suppressions de postes.", false},
		{"fr", "Le gouvernement a présenté son budget.", false},
		{"fr", "La police a ouvert une enquête.", false},
		{"fr", "Cette semaine, le Parlement examine le texte.", false},
		{"fr", "Nous ne céderons pas, a dit le ministre.", false},
		// Spanish
		{"es", "Él mismo lo confirmó en una entrevista.", true},
		{"es", "Sin embargo, el Gobierno no ha dado detalles.", true},
		{"es", "Esto supone un duro golpe para la oposición.", true},
		{"es", "Además, la inflación sigue alta.", true},
		{"es", "No obstante, el plan sigue adelante.", true},
		{"es", "Por otra parte, las exportaciones crecieron.", true},
		{"es", "\u00bfPor eso? Por eso se fue.", true},
		{"es", "Su abogado pidió la libertad.", true},
		{"es", "Esta semana el Congreso vota la reforma.", false},
		{"es", "El Gobierno aprobó la reforma.", false},
		{"es", "No hubo heridos en el incendio.", false},
		{"es", "Por la tarde llegaron los bomberos.", false},
		{"es", "Aunque llovía, miles de personas salieron a la calle.", false},
		{"es", "Nosotros no vamos a parar, dijo el sindicato.", false},
		// Portuguese
		{"pt", "Ele foi preso na segunda-feira.", true},
		{"pt", "No entanto, a polícia não confirmou a informação.", true},
		{"pt", "Além disso, o governo vai cortar impostos.", true},
		{"pt", "Isso significa que os preços vão subir.", true},
		{"pt", "Porém, a decisão ainda pode ser revista.", true},
		{"pt", "Também foram detidas outras duas pessoas.", true},
		{"pt", "No domingo, milhares de pessoas protestaram.", false},
		{"pt", "O presidente vetou o projeto.", false},
		{"pt", "Esta semana o Senado vota a reforma.", false},
		{"pt", "A polícia abriu um inquérito.", false},
		// Italian
		{"it", "Lui ha negato ogni accusa.", true},
		{"it", "Tuttavia, il governo non ha cambiato idea.", true},
		{"it", "Inoltre, i prezzi dell'energia sono aumentati.", true},
		{"it", "Questo significa che i tassi resteranno alti.", true},
		{"it", "Ciò non è bastato a evitare la crisi.", true},
		{"it", "Nel frattempo, la polizia ha arrestato due persone.", true},
		{"it", "Il governo ha approvato la manovra.", false},
		{"it", "L'azienda ha annunciato nuovi tagli.", false},
		{"it", "Questa settimana il Parlamento vota la legge.", false},
		{"it", "La polizia ha aperto un'indagine.", false},
		// Dutch
		{"nl", "Hij werd dinsdag gearresteerd.", true},
		{"nl", "Ze wil volgend jaar opnieuw meedoen.", true},
		{"nl", "Het is de derde keer dit jaar.", true},
		{"nl", "Bovendien stijgen de prijzen.", true},
		{"nl", "Dat blijkt uit nieuwe cijfers.", true},
		{"nl", "Daarnaast raakten drie mensen gewond.", true},
		{"nl", "Het kabinet wil miljarden extra uitgeven.", false},
		{"nl", "De politie heeft twee verdachten aangehouden.", false},
		{"nl", "Deze week stemt de Tweede Kamer over het plan.", false},
		{"nl", "Zo'n 200 mensen moesten hun huis verlaten.", false},
		{"nl", "Wij gaan door, zei de minister.", false},
		// Czech
		{"cs", "On sám to odmítl komentovat.", true},
		{"cs", "To znamená, že ceny porostou.", true},
		{"cs", "Přesto vláda návrh schválila.", true},
		{"cs", "Navíc se zvýší daně.", true},
		{"cs", "Kromě toho bylo zraněno pět lidí.", true},
		{"cs", "Tento týden vláda projedná rozpočet.", false},
		{"cs", "Vláda ve středu schválila rozpočet.", false},
		{"cs", "Policie zadržela dva podezřelé.", false},
		{"cs", "My to nevzdáme, řekl ministr.", false},
		// Chinese
		{"zh", "他表示，公司将继续扩大投资。", true},
		{"zh", "但是，房地产市场仍然低迷。", true},
		{"zh", "此外，出口也出现了下降。", true},
		{"zh", "该公司周二发布了财报。", true},
		{"zh", "“这是一个艰难的决定。”", true},
		{"zh", "国家统计局周一公布了最新数据。", false},
		{"zh", "北京时间周二晚间，国家队战胜了对手。", false},
		// Japanese
		{"ja", "彼は記者団に対し、辞任を否定した。", true},
		{"ja", "しかし、野党は反発している。", true},
		{"ja", "同社は2025年3月期の決算を発表した。", true},
		{"ja", "その後、警察が男を逮捕した。", true},
		{"ja", "一方、円相場は小幅に下落した。", true},
		{"ja", "これまでに300人以上が避難した。", false},
		{"ja", "政府は22日、予算案を閣議決定した。", false},
		{"ja", "同時多発テロから20年が経った。", false},
		{"ja", "「財政健全化の目標は維持する」と財務相は述べた。", false},
		// Korean
		{"ko", "그는 기자들에게 사퇴를 부인했다.", true},
		{"ko", "그건 잘못된 일이다.", true},
		{"ko", "하지만 야당은 반발하고 있다.", true},
		{"ko", "다만 이유리는 작가의 글 솜씨를 많이 타는 배우다.", true},
		{"ko", "정부는 22일 예산안을 의결했다.", false},
		{"ko", "류화영은 한 매체에 자신의 입장을 털어놓았다.", false},
		// Edge cases
		{"en", "", false},
		{"de", "\u201e\u201c", false},
		{"fr", "Il", true},
		{"en", strings.Repeat("x", 100) + " he said.", false},
	}
	for _, tt := range tests {
		if got := Dangles(tt.lang, tt.s); got != tt.want {
			t.Errorf("Dangles(%q, %q) = %v, want %v", tt.lang, tt.s, got, tt.want)
		}
	}
}

func TestOpenerWeak(t *testing.T) {
	tests := []struct {
		lang, s string
		want    bool
	}{
		{"en", "I think we can win.", true},
		{"en", "We've done nothing wrong.", true},
		{"en", "He said we can win.", false},
		{"en", "There's no reason to panic.", true},
		{"en", "Still's side have struggled.", false},
		{"de", "Wir werden nicht nachgeben.", true},
		{"de", "Ich habe keine Angst.", true},
		{"de", "Ihr Mann bestätigte den Tod.", false},
		{"fr", "Nous ne céderons pas.", true},
		{"fr", "J'ai toujours dit la vérité.", true},
		{"fr", "Le ministre a parlé.", false},
		{"es", "Nosotros no vamos a parar.", true},
		{"es", "Yo no sabía nada.", true},
		{"pt", "Eu não sabia de nada.", true},
		{"pt", "Nós vamos continuar.", true},
		{"it", "Io non ho fatto nulla.", true},
		{"it", "Noi andremo avanti.", true},
		{"nl", "Wij gaan door.", true},
		{"nl", "We gaan door.", true},
		{"nl", "Ik heb niets gedaan.", true},
		{"cs", "Já jsem nic neudělal.", true},
		{"cs", "My to nevzdáme.", true},
		{"cs", "Ty domy spadly.", false},
		{"zh", "我们不会放弃。", true},
		{"zh", "政府表示我们不会放弃。", false},
		{"ja", "私は何も知らなかった。", true},
		{"ja", "首相は私見を述べた。", false},
	}
	for _, tt := range tests {
		if got := lexiconFor(tt.lang).openerWeak(tt.s); got != tt.want {
			t.Errorf("openerWeak(%q, %q) = %v, want %v", tt.lang, tt.s, got, tt.want)
		}
	}
}

func TestLexicons(t *testing.T) {
	for i, code := range voters {
		lx := lexiconFor(code)
		if i < nLexicons && lx.lang != code {
			t.Errorf("lexiconFor(%q) is %q", code, lx.lang)
		}
	}
	for w := range voteWords {
		if len(w) > maxVoteWord {
			t.Errorf("vote word %q is longer than %d bytes", w, maxVoteWord)
		}
	}
	if lexiconFor("").lang != "en" || lexiconFor("zz").lang != "en" {
		t.Error("unknown languages should read as English")
	}
	for _, tt := range []struct{ lang, w string }{{"en", "the"}, {"de", "und"}, {"fr", "les"}, {"es", "los"}, {"pt", "não"}, {"it", "della"}, {"nl", "het"}, {"cs", "že"}} {
		if !lexiconFor(tt.lang).isStopword(tt.w) {
			t.Errorf("%q is not a %s stopword", tt.w, tt.lang)
		}
	}
	if lexiconFor("de").isStopword("regierung") {
		t.Error("regierung is a stopword")
	}
}

func TestDanglesNoAlloc(t *testing.T) {
	lx := lexiconFor("es")
	s := "Sin embargo, el Gobierno no ha dado detalles."
	if n := testing.AllocsPerRun(100, func() { lx.openerDangles(s); lx.openerWeak(s) }); n != 0 {
		t.Errorf("openerDangles allocates %v times", n)
	}
}

func BenchmarkDangles(b *testing.B) {
	lx := lexiconFor("fr")
	for b.Loop() {
		lx.openerDangles("C'est à Lyon que le sommet se tiendra.")
	}
}

func TestDetectLanguageDeterministic(t *testing.T) {
	// Short texts go to the trigram detector, whose profiles are walked in
	// map order: the answer must not depend on it.
	for _, s := range []string{langSamples[6].text, langSamples[9].text, "Era una notte buia e tempestosa.", "Ik weet het niet, zei hij toen."} {
		first := DetectLanguage(s)
		for range 30 {
			if got := DetectLanguage(s); got != first {
				t.Fatalf("DetectLanguage(%q) = %q, then %q", s, first, got)
			}
		}
	}
}

func TestDropConnective(t *testing.T) {
	tests := []struct {
		lang, s, rest string // rest "" when nothing is dropped
	}{
		{"en", "But engineers found the fault within hours.", "engineers found the fault within hours."},
		{"en", "However, the deal still stands after the vote.", "the deal still stands after the vote."},
		{"en", "However much they try, the deal will not pass.", ""},
		{"en", "But it failed.", ""},
		{"en", "The deal still stands after the vote.", ""},
		{"de", "Aber die Regierung lehnt den Vorschlag weiterhin ab.", "die Regierung lehnt den Vorschlag weiterhin ab."},
		{"de", "Zudem sollen die Steuern im kommenden Jahr steigen.", ""},
		{"fr", "Mais le gouvernement refuse toujours de reculer.", "le gouvernement refuse toujours de reculer."},
		{"fr", "En outre, les prix de l'énergie ont encore augmenté.", "les prix de l'énergie ont encore augmenté."},
		{"fr", "Cependant le gouvernement refuse toujours de reculer.", ""},
		{"es", "Sin embargo, el Gobierno no ha dado más detalles.", "el Gobierno no ha dado más detalles."},
		{"es", "Por otra parte, las exportaciones crecieron un cinco por ciento.", "las exportaciones crecieron un cinco por ciento."},
		{"es", "Por la tarde llegaron los bomberos al lugar.", ""},
		{"pt", "No entanto, a polícia não confirmou a informação.", "a polícia não confirmou a informação."},
		{"pt", "No domingo, milhares de pessoas protestaram em Lisboa.", ""},
		{"it", "Tuttavia, il governo non ha cambiato idea sulla riforma.", "il governo non ha cambiato idea sulla riforma."},
		{"it", "Nel frattempo, la polizia ha arrestato due persone.", "la polizia ha arrestato due persone."},
		{"nl", "Maar de politie heeft nog niemand aangehouden.", "de politie heeft nog niemand aangehouden."},
		{"nl", "Bovendien stijgen de prijzen volgend jaar verder.", ""},
		{"cs", "Ale vláda návrh nakonec ve středu schválila.", "vláda návrh nakonec ve středu schválila."},
		{"cs", "Navíc se v příštím roce zvýší daně.", ""},
		{"zh", "但是，房地产市场仍然低迷，投资继续减少。", "房地产市场仍然低迷，投资继续减少。"},
		{"zh", "但是，低迷。", ""},
		{"zh", "国家统计局周一公布了最新数据。", ""},
		{"ja", "しかし、野党は予算案に強く反発している。", "野党は予算案に強く反発している。"},
		{"ja", "しかし野党は予算案に強く反発している。", ""},
	}
	for _, tt := range tests {
		rest, ok := lexiconFor(tt.lang).dropConnective(tt.s)
		if ok != (tt.rest != "") || ok && rest != tt.rest {
			t.Errorf("dropConnective(%q, %q) = %q, %v; want %q", tt.lang, tt.s, rest, ok, tt.rest)
		}
		if !ok && rest != tt.s {
			t.Errorf("dropConnective(%q, %q) changed the sentence to %q", tt.lang, tt.s, rest)
		}
	}
}

// BenchmarkDetectLanguageDev detects the language of the CNN/DailyMail
// development articles, one per iteration.
func BenchmarkDetectLanguageDev(b *testing.B) {
	rows := devRows(b, "cnndm_frank.jsonl")
	if len(rows) == 0 {
		b.Skip("no evaluation data found (../shared/evaldata next to the module)")
	}
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		if DetectLanguage(rows[i%len(rows)].Article) != "en" {
			b.Fatal("not English")
		}
		i++
	}
}

func FuzzLanguage(f *testing.F) {
	for _, s := range langSamples {
		f.Add(s.text)
	}
	f.Add("\xff\xfe C'est « Sin embargo, » — l\u2019entreprise")
	f.Add(strings.Repeat("a'b ", 40))
	f.Fuzz(func(t *testing.T, s string) {
		if l := DetectLanguage(s); len(l) > 3 {
			t.Fatalf("DetectLanguage(%q) = %q", s, l)
		}
		for _, code := range []string{"en", "de", "fr", "es", "pt", "it", "nl", "cs", "zh", "ja"} {
			lx := lexiconFor(code)
			lx.openerDangles(s)
			lx.openerWeak(s)
			if rest, ok := lx.dropConnective(s); ok && !strings.HasSuffix(s, rest) {
				t.Fatalf("dropConnective(%q, %q) = %q, not a suffix", code, s, rest)
			}
		}
		_ = textLen(s)
		_ = wordless(s)
	})
}

func TestDetectLanguageDecomposed(t *testing.T) {
	// "é" as "e" and a combining acute accent.
	s := "Le gouvernement a pre\u0301sente\u0301 mercredi un projet de loi. Les syndicats ont de\u0301nonce\u0301 une re\u0301forme injuste et ils appellent a\u0300 la gre\u0300ve pour la semaine prochaine dans tout le pays."
	if got := DetectLanguage(s); got != "fr" {
		t.Errorf("DetectLanguage(decomposed French) = %q", got)
	}
}

func TestLeansAfterTimePhrase(t *testing.T) {
	en := lexiconFor("en")
	for s, want := range map[string]bool{
		"This week she was given a ban.":                    true,
		"Last year it grew by a third.":                     false, // "last" is no demonstrative
		"This week in Denver, a driver tried to break in.":  false,
		"This week the council voted to close the library.": false,
		"She was given a ban this week.":                    true,
	} {
		if got := en.leans(s); got != want {
			t.Errorf("leans(%q) = %v, want %v", s, got, want)
		}
	}
}

func TestDropConnectiveKeepsCompounds(t *testing.T) {
	en := lexiconFor("en")
	if rest, ok := en.dropConnective("So-called neo-banks have been all the rage in Europe for years."); ok {
		t.Errorf("dropped a connective from a compound: %q", rest)
	}
	if rest, ok := en.dropConnective("But engineers found no further damage to the bridge."); !ok || rest != "engineers found no further damage to the bridge." {
		t.Errorf("dropConnective(But ...) = %q, %v", rest, ok)
	}
}

func TestStopword(t *testing.T) {
	for _, c := range []struct {
		lang, w string
		want    bool
	}{
		{"en", "the", true}, {"en", "kilmarnock", false}, {"", "which", true},
		{"de", "nicht", true}, {"de", "regierung", false}, {"fr", "dans", true}, {"zh", "的", true},
		{"xx", "the", true},
	} {
		if got := Stopword(c.lang, c.w); got != c.want {
			t.Errorf("Stopword(%q, %q) = %v, want %v", c.lang, c.w, got, c.want)
		}
	}
}
