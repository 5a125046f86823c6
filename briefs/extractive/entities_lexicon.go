package extractive

// Word lists of the entity finder. They name classes of words (sentence
// openers, titles, outlets, mastheads, citing verbs, German articles), not
// the names of any one story.

// commonCaps are capitalised words that are not names on their own.
var commonCaps = setOf("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday",
	"january", "february", "march", "april", "may", "june", "july", "august", "september", "october",
	"november", "december", "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct",
	"nov", "dec", "i", "i'm", "i've", "i'd", "i'll", "mr", "mrs", "ms", "dr", "prof", "sir", "ok",
	"according", "last", "next", "former", "ex", "many", "several", "some",
	"yes", "no", "oh", "meanwhile", "still", "now", "earlier", "later", "today", "yesterday", "tomorrow",
	"tonight", "despite", "instead", "even", "like", "unlike", "speaking", "asked", "read", "click",
	"photo", "video", "pictured", "above", "below", "left", "right", "update", "updated", "breaking",
	"exclusive", "watch", "see", "getty", "images", "why", "how", "what", "who", "when", "where",
	"well", "so", "yet", "though", "although", "while", "if", "unless", "because", "since",
	"however", "also", "meanwhile", "first", "second", "third", "finally", "here", "there",
	"provided", "courtesy", "credit", "source", "sources", "officials", "hey", "dear", "thanks")

// sentenceOpeners are capitalised at the start of a sentence and glued to
// the name that follows ("According Reuters", "Officials Vladimir Putin",
// "Watching NBA League Pass"); they are peeled off a run that starts a
// sentence.
var sentenceOpeners = setOf("according", "despite", "provided", "officials", "regarding", "hosting",
	"getting", "watching", "following", "including", "considering", "hey", "enter", "thanks", "welcome",
	"meet", "join", "add", "remove", "click", "tap", "visit", "follow", "subscribe", "share", "dear",
	"veteran", "rival", "employee", "authorities", "police", "experts", "residents", "critics",
	"analysts", "witnesses", "researchers", "scientists", "doctors", "officers", "lawmakers",
	"investigators", "fans", "users", "customers", "students", "teachers", "parents", "protesters",
	"people", "members", "head", "part", "none", "maybe", "perhaps", "ousted", "most", "both", "every", "each", "all", "editor's", "note", "photo", "image",
	"courtesy", "said", "says", "thank", "please", "related", "sponsored", "advertisement", "plus",
	"just", "only", "after", "before", "during", "when", "where", "until", "unlike", "with",
	"without", "amid", "among", "under", "over", "inside", "outside", "across", "around", "through",
	"throughout", "then", "than", "once", "as", "at", "in", "on", "by", "from", "for", "to", "into")

// titleFnWords are function words that a title-case line capitalises.
var titleFnWords = setOf("A", "An", "The", "And", "Or", "Of", "In", "On", "At", "To", "For", "With",
	"By", "From", "Is", "Are", "Was", "Has", "Have", "You", "Your", "It", "Its", "As", "But", "Be",
	"Will", "This", "That", "What", "How", "Why", "Not", "Into", "Over", "After", "About", "Up", "Can")

// hyphenWords are English words that follow a hyphen in compounds
// ("Soviet-era", "Russia-backed", "Anti-war"): a name does not go on
// through them, as it does through "Jae-myung".
var hyphenWords = setOf("era", "based", "led", "backed", "born", "made", "owned", "run", "funded",
	"linked", "like", "style", "type", "class", "level", "wide", "free", "bound", "area", "year",
	"old", "long", "day", "week", "month", "time", "age", "sized", "size", "plus", "only", "lover",
	"lovers", "fan", "fans", "ish", "esque", "centric", "themed", "held", "tier", "scale", "grade",
	"proof", "ready", "heavy", "rich", "poor", "kind", "zone", "side", "half", "high", "low", "new",
	"out", "up", "off", "on", "over", "down", "back", "to", "of", "the", "and", "war", "term",
	"season", "life", "choice", "hit", "game", "show", "party", "state", "policy", "rate", "price",
	"range", "cap", "fire", "ban", "law", "rule", "deal", "trade", "gun", "tax", "job", "jobs", "vote",
	"poll", "story", "news", "media", "film", "camp", "flag", "peace", "power", "ship", "plan", "team",
	"style", "mania", "gate", "cum", "esque", "ism", "ist", "ists", "ite", "ites", "phile", "phobe",
	"phobia", "focus", "first", "last", "bred", "grown", "set", "top", "end", "star", "stars")

// nameTitles precede names and are not part of them.
var nameTitles = setOf("president", "vice", "prime", "minister", "chancellor", "secretary", "senator",
	"sen", "gov", "governor", "rep", "representative", "congressman", "congresswoman", "mayor",
	"king", "queen", "prince", "princess", "pope", "general", "gen", "colonel", "col", "captain",
	"capt", "lieutenant", "lt", "sergeant", "sgt", "officer", "detective", "judge", "justice",
	"chief", "director", "chairman", "chairwoman", "ceo", "coach", "manager", "leader", "lord",
	"lady", "dame", "saint", "sheikh", "ayatollah", "archbishop", "bishop", "father", "sister",
	"brother", "uncle", "aunt", "professor", "doctor", "dr", "mr", "mrs", "ms", "miss", "sir",
	"ambassador", "commissioner", "inspector", "superintendent", "sheriff", "deputy", "former",
	"acting", "interim", "senior", "attorney", "late", "speaker", "ombudsman", "spokesman",
	"spokeswoman", "spokesperson", "hon", "rev", "atty", "supt", "adm", "maj", "cpl", "pvt", "cmdr",
	"brig", "insp", "det", "msgr", "fr", "reps", "pres", "lieut", "chancellor", "councillor",
	"councilman", "councilwoman", "alderman", "rabbi", "imam",
	"cardinal", "reverend", "founder", "cofounder", "co-founder", "executive", "administrator", "cfo", "coo",
	"cto", "gm", "dl", "qb", "wr", "rb")

// outlets are news organisations, written in lower case.
var outlets = setOf("cnn", "bbc", "reuters", "ap", "afp", "upi", "bloomberg", "axios", "politico",
	"xinhua", "tass", "ria novosti", "interfax", "yonhap", "kyodo", "npr", "pbs", "msnbc", "cnbc",
	"nbc", "cbs", "abc", "fox", "sky news", "al jazeera", "associated press", "agence france-presse",
	"agence france presse", "dpa", "ansa", "efe", "guardian", "the guardian", "independent",
	"telegraph", "times", "the times", "newsweek", "time", "forbes", "fortune", "variety", "deadline",
	"tmz", "buzzfeed", "huffpost", "vox", "slate", "salon", "wired", "gizmodo", "techcrunch",
	"engadget", "the verge", "verge", "mashable", "vice", "daily beast", "the daily beast", "semafor",
	"insider", "business insider", "marketwatch", "cnet", "zdnet", "ign", "polygon", "kotaku",
	"eurogamer", "digiday", "adweek", "politifact", "snopes", "newser", "ruptly", "sputnik", "rt",
	"cctv", "der spiegel", "spiegel", "bild", "le monde", "le figaro", "el país", "el pais",
	"la repubblica", "corriere della sera", "nikkei", "asahi", "yomiuri", "haaretz", "al arabiya",
	"ynet", "digitimes", "the wrap", "wrap", "rolling stone", "billboard", "pitchfork", "page six",
	"the hill", "the atlantic", "the economist", "economist", "propublica", "the intercept",
	"intercept", "refinitiv", "factset", "argus leader")

// mastheads end the names of newspapers and magazines ("Los Angeles
// Times", "Pittsburgh Post-Gazette", "NBC News").
var mastheads = setOf("times", "post", "journal", "herald", "tribune", "gazette", "chronicle",
	"telegraph", "examiner", "inquirer", "observer", "news", "press", "wire", "magazine", "today",
	"daily", "reporter", "weekly", "courier", "dispatch", "bulletin", "register", "sentinel",
	"mirror", "express", "sun", "ledger", "monitor", "insider", "beast")

// citeBefore are words before an outlet that cite it as a source ("per",
// "told", "reports the", "in an interview with").
var citeBefore = setOf("per", "told", "tell", "tells", "telling", "according", "reports", "reported",
	"reporting", "report", "said", "says", "say", "saying", "notes", "noted", "writes", "wrote",
	"writing", "via", "citing", "cited", "cites", "quoted", "quoting", "quotes", "interview", "spoke",
	"speaking", "speak", "at", "on", "for", "with", "from", "by", "in", "appeared", "appearing",
	"confirmed", "tweeted", "posted", "published", "broadcast", "aired", "obtained", "seen",
	"reviewed", "explained", "added", "adds", "contacted", "asked", "informed", "interviewed")

// citeAfter are words after an outlet that cite it ("Reuters reported",
// "a CNN analysis").
var citeAfter = setOf("reports", "reported", "reporting", "report", "said", "says", "notes", "noted",
	"writes", "wrote", "reporter", "reporters", "correspondent", "columnist", "editor", "editors",
	"journalist", "journalists", "analysis", "interview", "poll", "learned", "obtained", "confirmed",
	"revealed", "contributed", "first", "cited", "quoted", "story", "article", "piece", "op-ed",
	"survey", "previously", "asked", "contacted", "reached", "found", "investigation", "estimates",
	"data", "tally", "count", "calculations", "staff", "reviewed", "explains", "explained", "adds",
	"added", "understands", "contributor", "anchor", "host", "producer", "photographer")

// countries are one-word country names, which start or end a run of
// capitalised words only when two names meet ("ambassador to Britain Liu
// Xiaming", "Congress Syria").
var countries = setOf("afghanistan", "albania", "algeria", "angola", "argentina", "armenia",
	"australia", "austria", "azerbaijan", "bahrain", "bangladesh", "belarus", "belgium", "bolivia",
	"bosnia", "brazil", "britain", "bulgaria", "cambodia", "cameroon", "canada", "chile", "china",
	"colombia", "congo", "croatia", "cuba", "cyprus", "denmark", "ecuador", "egypt", "england",
	"eritrea", "estonia", "ethiopia", "finland", "france", "georgia", "germany", "ghana", "greece",
	"guatemala", "haiti", "honduras", "hungary", "iceland", "india", "indonesia", "iran", "iraq",
	"ireland", "israel", "italy", "japan", "jordan", "kazakhstan", "kenya", "kosovo", "kuwait",
	"latvia", "lebanon", "libya", "lithuania", "luxembourg", "malaysia", "mali", "malta", "mexico",
	"moldova", "mongolia", "montenegro", "morocco", "mozambique", "myanmar", "nepal", "netherlands",
	"nicaragua", "niger", "nigeria", "norway", "oman", "pakistan", "palestine", "panama", "paraguay",
	"peru", "philippines", "poland", "portugal", "qatar", "romania", "russia", "rwanda", "scotland",
	"senegal", "serbia", "singapore", "slovakia", "slovenia", "somalia", "spain", "sudan", "sweden",
	"switzerland", "syria", "taiwan", "tanzania", "thailand", "tunisia", "turkey", "uganda", "ukraine",
	"uruguay", "uzbekistan", "venezuela", "vietnam", "wales", "yemen", "zambia", "zimbabwe")

// countryLead are words that come before a country inside one name ("New
// Mexico", "Papua New Guinea", "Equatorial Guinea", "Bank Indonesia").
var countryLead = setOf("new", "republic", "kingdom", "equatorial", "bank", "air", "team", "miss",
	"mister", "baja", "inner", "outer", "greater", "little", "royal", "visit", "radio", "made", "of")

// germanArticles are German articles and determiners: a capitalised word
// after them is a common noun ("die Patientenakte").
var germanArticles = setOf("der", "die", "das", "den", "dem", "des", "ein", "eine", "einer", "eines",
	"einem", "einen", "kein", "keine", "keinen", "keinem", "keiner", "mein", "meine", "meinen", "meinem",
	"meiner", "sein", "seine", "seinen", "seinem", "seiner", "ihren", "ihrem", "ihrer", "ihres", "unseren",
	"unserem", "unserer", "euren", "eure",
	"ihr", "ihre", "unser", "unsere", "dies", "diese", "dieser", "dieses", "diesem", "diesen", "jede",
	"jeder", "jedes", "jedem", "jeden", "alle", "allen", "aller", "viele", "vielen", "mehrere",
	"einige", "manche", "welche", "solche", "zum", "zur", "im", "am", "ins", "vom", "beim", "beide",
	"beiden")

// germanNounEndings end German common nouns.
// germanAmounts are the capitalised nouns of German amounts: "4,3
// Millionen Euro", "zehn Prozent".
var germanAmounts = setOf("million", "millionen", "milliarde", "milliarden", "billion", "billionen", "euro",
	"dollar", "franken", "pfund", "prozent", "cent", "kilometer", "meter", "tonnen", "stunden", "minuten")

// germanRoleEndings end German role nouns, in both genders where they
// differ: "Bürgermeister", "Ministerpräsidentin", "Pressesprecher".
var germanRoleEndings = []string{"meister", "meisterin", "präsident", "präsidentin", "kanzler", "kanzlerin",
	"minister", "ministerin", "sprecher", "sprecherin", "chef", "chefin", "leiter", "leiterin", "trainer",
	"trainerin", "direktor", "direktorin", "vorsitzende", "vorsitzender", "senator", "senatorin", "landrat",
	"landrätin", "stadtrat", "stadträtin", "richter", "richterin", "professor", "professorin", "bischof",
	"bischöfin", "abgeordnete", "abgeordneter", "intendant", "intendantin", "dezernent", "dezernentin",
	"geschäftsführer", "geschäftsführerin", "kommissar", "kommissarin", "botschafter", "botschafterin"}

var germanNounEndings = []string{"ung", "ungen", "heit", "heiten", "keit", "keiten", "schaft",
	"schaften", "tion", "tionen", "tät", "täten", "ismus", "nis", "nisse", "tum", "ment", "chen"}

// trailingTitles end a run without being part of the name before them
// ("South Dakota Gov", "House of Representatives Speaker").
var trailingTitles = setOf("gov", "governor", "sen", "senator", "rep", "reps", "congressman",
	"congresswoman", "speaker", "spokesman", "spokeswoman", "spokesperson", "mayor", "lt", "gen",
	"col", "capt", "sgt", "atty", "supt", "hon", "dr", "mr", "mrs", "ms")

// dateWords end a run without being part of the name before them ("Argus
// Leader Monday"), though "Black Friday" keeps its day.
var dateWords = setOf("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday",
	"january", "february", "march", "april", "june", "july", "august", "september", "october",
	"november", "december")

// hyphenPrefixes make English compounds with any word ("Non-scary",
// "Anti-war", "Pro-democracy").
var hyphenPrefixes = setOf("non", "anti", "pro", "pre", "post", "mid", "co", "ex", "semi", "multi",
	"self", "neo", "pan", "sub", "super", "ultra", "over", "under", "re", "un", "all", "well")

// usStates are the states of the US, by the last word of their name.
var usStates = setOf("alabama", "alaska", "arizona", "arkansas", "california", "colorado",
	"connecticut", "delaware", "florida", "georgia", "hawaii", "idaho", "illinois", "indiana", "iowa",
	"kansas", "kentucky", "louisiana", "maine", "maryland", "massachusetts", "michigan", "minnesota",
	"mississippi", "missouri", "montana", "nebraska", "nevada", "hampshire", "jersey", "mexico", "york",
	"carolina", "dakota", "ohio", "oklahoma", "oregon", "pennsylvania", "island", "tennessee", "texas",
	"utah", "vermont", "virginia", "washington", "wisconsin", "wyoming")

// bodyWords are one-word names of institutions that a lost line break can
// glue to a country ("Congress Syria").
var bodyWords = setOf("congress", "parliament", "senate", "assembly", "government", "kremlin",
	"pentagon", "cabinet", "police", "army", "navy", "military")

// germanNotAdjectives are German function words and verbs that end like
// inflected adjectives.
var germanNotAdjectives = setOf("gegen", "zwischen", "wegen", "neben", "unter", "über", "hinter",
	"außer", "entgegen", "aber", "oder", "wieder", "sondern", "denn", "wenn", "dann", "immer", "sehr",
	"mehr", "weiter", "hier", "oben", "unten", "gestern", "heute", "ohne", "gerne", "gern", "bereits",
	"haben", "werden", "wurden", "sollen", "wollen", "können", "müssen", "dürfen", "sagen", "gehen",
	"kommen", "sehen", "geben", "nehmen", "stehen", "lassen", "machen", "bleiben", "sagen", "sehe",
	"habe", "werde", "könne", "müsse", "solle", "wolle", "sei", "seien", "meinen", "erklären",
	"betonen", "fordern", "kritisieren", "loben", "warnen", "trafen", "waren", "wären", "hätten",
	"jedoch", "nach", "etwa", "rund", "später", "früher", "laut", "eben", "nie", "wie", "sie",
	"ihnen", "ihre", "ihrer", "ihren", "ihrem", "unsere", "unserer", "deren", "dessen", "ebenso",
	"sowie", "innerhalb", "außerhalb", "oberhalb", "unterhalb", "diesseits", "jenseits", "wider",
	"sofern", "aller", "besser", "länger", "weniger", "minister", "ministerin")
