package extractive

import (
	"maps"
	"strings"
	"sync"
)

// Per-language word lists: the function words (stopwords) that carry no
// topic, the openers that make a sentence lean on the one before it, and
// the first and second person openers that mark an unattributed quote.
//
// Choices, for precision (a good sentence wrongly rejected costs more than
// a dangling one let through, which later checks may still catch):
//
//   - Articles that are also pronouns dangle only in context. German "Das"
//     dangles before a verb ("Das ist", "Das hat"), not before a noun ("Das
//     Gesetz"); "Die" and "Der" never do. Dutch "Het" dangles before a verb
//     ("Het is", "Het gaat"), not as the article ("Het kabinet"). French
//     "Le", "La", "Les", "L'" never dangle (an object pronoun cannot open a
//     sentence).
//   - Impersonal openers stand alone: German "Es gibt/gab", French "Il y a",
//     "Il faut". French "C'est" dangles ("C'est un coup dur") except in the
//     cleft "C'est à Paris que ..." / "C'est en 2019 que ..."; "Ce" dangles
//     as a determiner ("Ce projet", like English "This") but not in "Ce
//     que"/"Ce qui" ("What ...").
//   - A demonstrative before a word for a period of time ("This week",
//     "Cette semaine", "Esta semana", "Diese Woche") is a time adverbial,
//     not a reference back: it does not dangle.
//   - Possessives of the third person ("His", "Seine", "Son", "Su") dangle:
//     whose, the reader cannot tell. Dutch "Zijn" is left out (it is also
//     the verb "are").
//   - Spanish "Aunque" ("although") opens a complete sentence and is left
//     out; Italian "Lei" (she, and formal you) dangles.
//   - English keeps the words of the summarizer's original English lists:
//     the dangling set here plus the weak set equal its two lists, so that
//     moving the candidate rules onto the lexicon changes nothing for
//     English except the time adverbials above and contractions of dangling
//     words ("There's").
type lexicon struct {
	lang   string
	stop   map[string]bool       // function words, lower case
	dangle map[string]bool       // dangling openers: pronouns, demonstratives, connectives; up to four words
	weak   map[string]bool       // first and second person openers
	cond   map[string]openerCond // context rules for some dangling words
	elide  bool                  // words take elided articles ("l'", "d'", "dell'"): tokenize drops them
	clitic map[string]bool       // words that contract with the next one ("they've", "c'est"): the part before the apostrophe decides
	drop   map[string]bool       // connectives that can be cut from the start of a sentence (dropConnective)
	comma  map[string]bool       // ... only when a comma follows them ("However, ...")

	// Chinese and Japanese have no spaces to find the first word by: their
	// openers are prefixes of the sentence, matched in order.
	prefixDangle []string
	prefixWeak   []string
	prefixDrop   []string // connectives with their comma ("但是，", "しかし、")
	prefixKeep   []string // openers that start like a dangling one but are not ("これまで", so far)

	// Filters built on first use (see wordset.go).
	stopOnce    sync.Once
	stopWords   *wordSet // stop, for tokenize
	dangleOnce  sync.Once
	dangleShape *wordShapes // the shapes of dangle's entries
}

// openerCond is the context rule of a dangling word: with only set it
// dangles only when the next word is in next, otherwise it dangles unless
// it is.
type openerCond struct {
	only bool
	next map[string]bool
}

// timeWords follow a demonstrative in a time adverbial ("this week").
func timeWords(lang string) map[string]bool {
	switch lang {
	case "en":
		return setOf("week", "weekend", "month", "year", "morning", "afternoon", "evening", "summer", "spring", "autumn", "fall", "winter", "season", "century", "decade")
	case "de":
		return setOf("woche", "wochenende", "monat", "jahr", "morgen", "vormittag", "nachmittag", "abend", "sommer", "frühjahr", "frühling", "herbst", "winter", "saison", "jahrhundert", "jahrzehnt")
	case "fr":
		return setOf("semaine", "année", "an", "mois", "matin", "après-midi", "soir", "soirée", "week", "été", "printemps", "automne", "hiver", "saison", "siècle", "fois")
	case "es":
		return setOf("semana", "año", "mes", "mañana", "tarde", "noche", "verano", "primavera", "otoño", "invierno", "temporada", "siglo", "fin", "vez")
	case "pt":
		return setOf("semana", "ano", "mês", "manhã", "tarde", "noite", "verão", "primavera", "outono", "inverno", "temporada", "século", "fim", "vez")
	case "it":
		return setOf("settimana", "anno", "mese", "mattina", "mattino", "pomeriggio", "sera", "estate", "primavera", "autunno", "inverno", "stagione", "secolo", "fine", "volta")
	case "nl":
		return setOf("week", "weekend", "maand", "jaar", "ochtend", "middag", "avond", "zomer", "lente", "voorjaar", "herfst", "najaar", "winter", "seizoen", "eeuw", "keer")
	case "cs":
		return setOf("týden", "týdnu", "měsíc", "měsíci", "rok", "roce", "ráno", "odpoledne", "večer", "léto", "jaro", "podzim", "zimu", "zimě", "sezóně", "víkend")
	}
	return nil
}

func condUnless(words map[string]bool) openerCond { return openerCond{next: words} }
func condOnly(words map[string]bool) openerCond   { return openerCond{only: true, next: words} }

// withTime gives each of the demonstrative determiners the time-adverbial
// exception.
func withTime(lang string, c map[string]openerCond, dets ...string) map[string]openerCond {
	if c == nil {
		c = map[string]openerCond{}
	}
	for _, d := range dets {
		next := timeWords(lang)
		if old, ok := c[d]; ok && !old.only {
			next = maps.Clone(next)
			maps.Copy(next, old.next)
		}
		c[d] = condUnless(next)
	}
	return c
}

func lexWords(s string) map[string]bool { return setOf(strings.Fields(s)...) }

// lexPhrases splits s at "|" into entries of one or more words.
func lexPhrases(s string) map[string]bool {
	m := map[string]bool{}
	for _, p := range strings.Split(s, "|") {
		if p = strings.Join(strings.Fields(p), " "); p != "" {
			m[p] = true
		}
	}
	return m
}

var lexEN = &lexicon{
	lang: "en",
	stop: stopwords, // the summarizer's English list (entities.go)
	dangle: lexPhrases(`he|she|it|they|this|these|that|those|such|his|her|its|their|
		but|however|also|and|so|yet|still|then|instead|meanwhile|nevertheless|moreover|furthermore|besides|likewise|
		otherwise|thus|hence|therefore|again|too|additionally|nonetheless|in addition|on the other hand|
		in fact|as a result|for example|for instance|in other words|at the same time|even so|after all|
		by contrast|in contrast|of course|in turn|instead of this|that said|even then|or|nor|plus|
		which|in each case|in both cases|in either case|in this case|in that case`),
	// "There" is weak rather than dangling: "There were ..." states a fact
	// but reads as the middle of a story.
	weak:   lexWords(`i we you your our my us there`),
	clitic: lexWords(`he she it they that this there i we you`),
	cond:   withTime("en", nil, "this", "that", "these", "those"),
	drop:   lexWords(`but however also and yet still so moreover furthermore meanwhile nevertheless besides thus instead`),
	comma:  lexWords(`however meanwhile nevertheless instead`),
}

var lexicons = map[string]*lexicon{
	"en": lexEN,
	"de": {
		lang: "de",
		stop: lexWords(`der die das den dem des ein eine einer eines einem einen und oder aber doch sondern denn
			in im ins an am auf aus bei beim mit nach von vom zu zum zur für über unter vor hinter neben zwischen
			durch gegen ohne um bis seit als wie wenn dass daß ob weil da so auch noch nur schon sehr mehr nicht
			kein keine keinen keiner ist sind war waren wird werden wurde wurden worden sein seine seiner seinen
			seinem sei ihr ihre ihren ihrem ihrer hat haben hatte hatten habe kann können konnte soll sollen sollte
			muss müssen will wollen er sie es wir ich du man sich uns ihm ihn ihnen dies diese dieser dieses
			diesem diesen jetzt dann bereits laut sowie etwa rund nun wo was wer dabei damit dazu daran darauf
			davon hier dort alle allem allen aller alles einmal immer`),
		dangle: lexPhrases(`er|sie|es|dies|diese|dieser|dieses|diesem|diesen|das|sein|seine|seinen|seinem|seiner|ihr|ihre|ihren|ihrem|ihrer|
			aber|doch|zudem|außerdem|jedoch|allerdings|dennoch|trotzdem|deshalb|deswegen|daher|auch|dabei|damit|
			darüber hinaus|stattdessen|ebenfalls|immerhin|und|so|dann|danach|somit|folglich|zugleich|gleichzeitig|
			andererseits|hingegen|dagegen|indes|indessen|ferner|überdies`),
		weak: lexWords(`ich wir du`),
		cond: withTime("de", map[string]openerCond{
			"das": condOnly(lexWords(`ist war sei wäre hat hatte habe hätte wird wurde würde kann könnte soll sollte muss
				müsste darf will wollte bedeutet bedeutete zeigt zeigte geht ging gilt galt heißt hieß sagt sagte
				betrifft betraf führt führte macht machte bestätigte erklärte teilte sorgt sorgte stößt stieß`)),
			"es": condUnless(lexWords(`gibt gab geben kam kommt`)),
			"so": condUnless(lexWords(`genannte genannten genannter`)),
		}, "diese", "dieser", "dieses", "diesem", "diesen"),
		drop:  lexPhrases(`aber|und|sondern`),
		comma: lexPhrases(``),
	},
	"fr": {
		lang: "fr",
		stop: lexWords(`le la les l un une des du de d et ou mais donc or ni car à au aux en dans par pour sur sous
			avec sans chez entre vers contre depuis pendant selon est sont été être a ont avait avaient sera seront
			fait il elle ils elles on nous vous je tu se s sa son ses leur leurs ce cet cette ces cela ça qui que
			qu quoi dont où ne n pas plus moins très aussi déjà encore y lui eux même tout tous toute toutes si
			comme après avant lors c j m t avoir mme deux trois`),
		dangle: lexPhrases(`il|elle|ils|elles|cela|ceci|ça|celui|celle|ceux|celles|ce|cet|cette|ces|c|son|sa|ses|leur|leurs|
			mais|cependant|toutefois|aussi|en outre|de plus|par ailleurs|pourtant|néanmoins|donc|ainsi|
			en revanche|et|or|puis|alors|enfin|du coup|par conséquent|d'ailleurs|en effet|malgré tout|
			de son côté|de leur côté|pour autant|là|lui|eux`),
		weak:   lexWords(`je j nous vous moi`),
		clitic: lexWords(`c j`),
		cond: withTime("fr", map[string]openerCond{
			"il": condUnless(lexWords(`y faut fallait faudra faudrait s'agit reste convient`)),
			"c":  condUnless(lexWords(`à au aux en dans lors grâce`)),
			"ce": condUnless(lexWords(`que qui qu dont`)),
		}, "cette", "cet", "ce", "ces"),
		elide: true,
		drop:  lexPhrases(`mais|et|cependant|toutefois|en outre|de plus|par ailleurs|pourtant|néanmoins|en revanche|d'ailleurs|en effet`),
		comma: lexPhrases(`cependant|toutefois|en outre|de plus|par ailleurs|pourtant|néanmoins|en revanche|d'ailleurs|en effet`),
	},
	"es": {
		lang: "es",
		stop: lexWords(`el la los las lo un una unos unas y e o u ni pero sino que de del a al en con por para sin
			sobre entre desde hasta hacia según durante contra ante bajo es son fue fueron era ser sido está
			están estaba ha han había haber se su sus le les me te nos mi tu yo él ella ellos ellas este esta
			estos estas ese esa esos esas esto eso como más muy ya también no si sí cuando donde porque aunque
			todo todos toda todas otro otra otros otras cual cuales quien quienes qué cómo hay tras dos tres`),
		dangle: lexPhrases(`él|ella|ellos|ellas|esto|eso|este|esta|estos|estas|ese|esa|esos|esas|aquello|aquel|aquella|su|sus|
			pero|sin embargo|además|también|por eso|no obstante|asimismo|por otra parte|por otro lado|por lo tanto|
			por tanto|así|entonces|incluso|y|tampoco|en cambio|de hecho|es decir|mientras tanto|por su parte|con todo`),
		weak:  lexWords(`yo nosotros nosotras usted ustedes vosotros`),
		cond:  withTime("es", nil, "este", "esta", "estos", "estas", "ese", "esa", "aquel", "aquella"),
		drop:  lexPhrases(`pero|y|sin embargo|además|no obstante|asimismo|por otra parte|por otro lado|en cambio|de hecho`),
		comma: lexPhrases(`sin embargo|además|no obstante|asimismo|por otra parte|por otro lado|en cambio|de hecho`),
	},
	"pt": {
		lang: "pt",
		stop: lexWords(`o a os as um uma uns umas e ou mas que de do da dos das em no na nos nas ao aos à às por
			pelo pela pelos pelas para com sem sobre entre até desde contra é são foi foram era ser sido está
			estão estava tem têm tinha ter há se seu sua seus suas lhe lhes ele ela eles elas este esta estes
			estas esse essa esses essas isso isto como mais muito já também não quando onde porque todo todos
			toda todas outro outra outros outras qual quais quem segundo num numa dois três`),
		dangle: lexPhrases(`ele|ela|eles|elas|isso|isto|este|esta|estes|estas|esse|essa|esses|essas|aquilo|aquele|aquela|
			seu|sua|seus|suas|mas|porém|contudo|além disso|também|no entanto|todavia|entretanto|por isso|
			assim|então|ainda assim|por outro lado|ou seja|de fato|e|por sua vez|mesmo assim|inclusive`),
		weak:  lexWords(`eu nós você vocês`),
		cond:  withTime("pt", nil, "este", "esta", "esse", "essa", "aquele", "aquela"),
		drop:  lexPhrases(`mas|e|porém|contudo|além disso|no entanto|todavia|entretanto|por outro lado|de fato`),
		comma: lexPhrases(`porém|contudo|além disso|no entanto|todavia|entretanto|por outro lado|de fato`),
	},
	"it": {
		lang: "it",
		stop: lexWords(`il lo la i gli le l un uno una e ed o ma che di del dello della dei degli delle dell a al allo
			alla ai agli alle all da dal dalla dai dalle dall in nel nello nella nei negli nelle nell con su sul
			sulla sui sulle per tra fra è sono era erano stato stata stati essere ha hanno aveva avere si suo sua
			suoi sue loro lui lei questo questa questi queste quello quella come più molto già anche non quando
			dove perché se tutto tutti tutta tutte altro altra altri altre cui chi ci ne c d un' due tre`),
		dangle: lexPhrases(`lui|lei|esso|essa|essi|esse|ciò|questo|questa|questi|queste|quello|quella|quelli|quelle|loro|
			ma|però|tuttavia|inoltre|anche|invece|comunque|quindi|infatti|pertanto|dunque|eppure|e|poi|allora|
			intanto|nel frattempo|d'altra parte|in ogni caso|oltre a ciò|per questo|così`),
		weak:  lexWords(`io noi voi`),
		cond:  withTime("it", nil, "questo", "questa", "questi", "queste", "quello", "quella"),
		elide: true,
		drop:  lexPhrases(`ma|e|però|tuttavia|inoltre|invece|comunque|infatti|nel frattempo|d'altra parte`),
		comma: lexPhrases(`però|tuttavia|inoltre|invece|comunque|infatti|nel frattempo|d'altra parte`),
	},
	"nl": {
		lang: "nl",
		stop: lexWords(`de het een en of maar dat die dit deze van in op te aan met voor door bij naar uit over om tot
			onder tegen na sinds zonder is zijn was waren wordt worden werd werden heeft hebben had hadden kan
			kunnen zal zullen moet moeten hij zij ze we wij ik je u men zich haar hun hem er niet geen ook nog al
			wel meer dan als toen wanneer waar omdat zo nu volgens wat wie twee drie`),
		dangle: lexPhrases(`hij|zij|ze|het|dit|dat|deze|haar|hun|
			maar|echter|ook|bovendien|daarom|toch|wel|daarnaast|verder|en|dus|daardoor|daarbij|daarmee|
			tegelijk|tegelijkertijd|intussen|inmiddels|wel|evenwel|desondanks|niettemin|anderzijds|vervolgens|
			daarna|eveneens`),
		weak: lexWords(`ik wij we jij je jullie u`),
		cond: withTime("nl", map[string]openerCond{
			"het": condOnly(lexWords(`is was wordt werd zal zou gaat ging heeft had kan kon moet moest lijkt leek blijkt
				bleek komt kwam staat stond betreft betrof gebeurde gebeurt zijn waren worden werden hebben`)),
		}, "dit", "dat", "deze"),
		drop:  lexPhrases(`maar|en`),
		comma: lexPhrases(``),
	},
	"cs": {
		lang: "cs",
		stop: lexWords(`a i o u v ve na s se z ze k ke do od po pro při za před nad pod mezi bez je jsou byl byla bylo
			byli by být má mají mít jak že ale však také jen už ještě není nebo ani to ten ta ty tento tato toto
			tyto jeho její jejich on ona ono oni ony jsem jsme který která které kteří kterou podle jako aby když
			kde tak již si jsi dva tři`),
		dangle: lexPhrases(`on|ona|ono|oni|ony|to|tento|tato|toto|tyto|tito|ten|ta|ty|tím|jeho|její|jejich|
			ale|však|také|navíc|přesto|proto|tedy|rovněž|avšak|zároveň|a|dále|pak|tak|navzdory tomu|
			kromě toho|mimo to|naopak|ovšem|nicméně|přitom|tudíž`),
		weak:  lexWords(`já my vy`),
		cond:  withTime("cs", nil, "tento", "tato", "toto", "tyto", "ten", "ta", "to"),
		drop:  lexPhrases(`ale|a|avšak`),
		comma: lexPhrases(``),
	},
}

// withEnglish adds the English stopwords to a list: Chinese and Japanese
// text quotes English names and titles.
func withEnglish(words ...string) map[string]bool {
	m := maps.Clone(stopwords)
	for _, w := range words {
		m[w] = true
	}
	return m
}

func init() {
	// Chinese: pronouns, demonstratives ("这", "该公司": the said company)
	// and connectives. "此前" (before this) and "也" (also; and the first
	// character of 也门, Yemen) are left out.
	lexicons["zh"] = &lexicon{
		lang: "zh",
		stop: withEnglish(strings.Fields(`的 了 是 在 和 与 及 或 等 也 都 就 被 把 将 对 于 而 之 其 着 这 那 个
			我 你 他 她 它 们 有 为 以 从 但 并 很 还 又 所 地 得 中`)...),
		prefixDangle: strings.Fields(`他 她 它 这 那些 那个 那是 该 此外 此举 此次 另外 但 然而 不过 同时 因此
			所以 因而 而且 并且 对此 其中 与此同时 尽管如此 此后`),
		prefixWeak: strings.Fields(`我 你`),
		prefixDrop: strings.Fields(`但是， 但， 然而， 不过， 此外， 另外， 同时， 因此， 所以， 与此同时， 而且，`),
	}
	// Japanese: pronouns, demonstratives ("この", "その後"), connectives, and
	// the anaphoric "同" + noun ("同社", the company just named) for the
	// common nouns; "同時", "同性" and other "同" words are not anaphoric.
	lexicons["ja"] = &lexicon{
		lang: "ja",
		stop: withEnglish(strings.Fields(`の に は を た が で て と し れ さ ある いる も な か から まで より へ や
			など こと これ それ その この ため よう する した という れる られる`)...),
		prefixDangle: strings.Fields(`彼 彼女 彼ら これ それ この その あの しかし だが だけど ただ、 また、
			さらに 一方、 一方で そのため このため なお、 ところが それでも 同社 同氏 同省 同市 同県 同国
			同党 同日 同年 同月 同署 同容疑者 同被告`),
		prefixWeak: strings.Fields(`私 僕 我々 わたし`),
		prefixKeep: strings.Fields(`これまで 彼岸`),
		prefixDrop: strings.Fields(`しかし、 ただ、 また、 さらに、 一方、 なお、 ところが、`),
	}
}

func init() {
	// Korean writes words apart, each with its particles: the openers are
	// pronouns and demonstratives with the particles they take at the
	// start of a sentence ("그는" he, "그건" that, "이는" this), and the
	// connectives ("하지만" but, "그래서" so, "또한" also).
	lexicons["ko"] = &lexicon{
		lang: "ko",
		stop: withEnglish(strings.Fields(`이 그 저 것 수 등 및 또는 또 더 안 못 때 중 위 있다 있는 없다 하는 했다 한다 된다
			되는 것은 것이 것을 있습니다 합니다 했습니다`)...),
		dangle: lexWords(`그는 그녀는 그들은 그가 그녀가 그들이 그의 그녀의 그들의 그를 그녀를 그건 그것은 그것이 그것을
			이는 이것은 이것이 이를 이에 이와 이로 그래서 그러나 하지만 그런데 그리고 또한 게다가 따라서 그러므로
			그러면서 그러자 이어 이후 한편 다만 반면 반면에 그렇지만 그럼에도 물론 이처럼 이렇게 그렇게 이같은 이런 그런`),
		weak: lexWords(`나는 저는 우리는 우리가 제가 내가 너는 당신은 여러분`),
	}
}

// Languages of the detection vote: the lexicon languages first, then close
// neighbours that have no lexicon, whose words keep the vote from settling
// on the wrong one of two neighbours; a neighbour wins only on more evidence.
// whatlanggo knows neither Catalan, Slovak nor Welsh.
var voters = [...]string{"en", "de", "fr", "es", "pt", "it", "nl", "cs", "ca", "sk", "pl", "ro", "sv", "da", "cy"}

const (
	vEN = iota
	vDE
	vFR
	vES
	vPT
	vIT
	vNL
	vCS
	vCA
	vSK
	vPL
	vRO
	vSV
	vDA
	vCY
)

const (
	maxVoteWord = 16 // bytes: longer words are not looked up
	nVoters     = len(voters)
	nLexicons   = 8
)

var voteWords = func() map[string]uint32 {
	extra := map[string]string{
		"ca": `el la els les i de del dels que a en per amb un una és va van al pel pels seu seus seva seves però més
			aquest aquesta aquests aquestes també han ha molt fins després perquè quan hi ho li són dues altres així`,
		"sk": `a v vo na sa je aj že ako do z zo s so o k ku od po za pri pre to ktorý ktorá ktoré ktorí alebo sú bol
			bola bolo by aby keď len ešte nie má majú tak však ale už sme ich jeho podľa`,
		"pl": `i w na z się że nie do jest to o od po jak za przez dla są był była który która które oraz także ale jego`,
		"ro": `și în de la cu pe a al ai ale că este sunt fost un o care din pentru mai nu se sau au fi`,
		"sv": `och i att det som en på är av för med till den har inte om ett de var från han hon men`,
		"da": `og i at det som en på er af for med til den har ikke om et de var fra han hun men`,
		// Welsh, which whatlanggo does not know (BBC Cymru copy).
		"cy": `y yr a ac yn i o ar mae wedi ei eu gan am bod fod hefyd ond gyda mewn oedd fel dros roedd hyn ni nad`,
	}
	m := map[string]uint32{}
	for l, code := range voters {
		var ws []string
		if l < nLexicons {
			for w := range lexicons[code].stop {
				ws = append(ws, w)
			}
		} else {
			ws = strings.Fields(extra[code])
		}
		for _, w := range ws {
			if strings.IndexByte(w, '.') >= 0 || strings.IndexByte(w, '\'') >= 0 {
				continue
			}
			m[w] |= 1 << l
		}
	}
	return m
}()
