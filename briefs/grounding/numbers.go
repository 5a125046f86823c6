package grounding

import (
	"math"
	"strconv"
	"strings"
	"unicode/utf8"
)

// Numbers.
//
// A number is compared by its value, so that every way of writing it is the
// same number: "4,000", "4000", "4 000" and "four thousand"; "4.5m", "4.5
// million" and "4,500,000"; "$5" and "5 dollars" (the currency and the per
// cent sign are not part of the value); "three" and "3"; "1st" and
// "first". Month names are numbers of their own kind, so that "Sept." is
// September and is not 9. Which of "." and "," marks the decimals depends on
// the language: "4.000" is four thousand in German, "4,5" four and a half.

// number is a number found in a text.
type number struct {
	val    float64
	month  bool   // val is a month, 1-12
	text   string // as written, for the report
	tok    int    // index of its first token
	end    int    // index after its last token
	alt    float64
	hasAlt bool // the article's "6m" may be six metres: alt is 6 when val is 6e6
	loose  bool // "one", "first": as often a pronoun or a plain adjective as a count; checked in the whole article only
}

// same reports whether two numbers are one: equal values of the same kind.
func (n number) same(a number) bool {
	if n.month != a.month {
		return false
	}
	return sameValue(n.val, a.val) || a.hasAlt && sameValue(n.val, a.alt)
}

func sameValue(x, y float64) bool {
	return math.Abs(x-y) <= 1e-9*math.Max(1, math.Abs(y))
}

// multipliers scale the number before them: "4.5 million", "3 Mrd.", "2万".
var multipliers = map[string]float64{
	"thousand": 1e3, "thousands": 1e3, "million": 1e6, "millions": 1e6, "billion": 1e9, "billions": 1e9,
	"trillion": 1e12, "mn": 1e6, "bn": 1e9, "tn": 1e12, "k": 1e3, "m": 1e6,
	"tausend": 1e3, "millionen": 1e6, "mio": 1e6, "milliarde": 1e9, "milliarden": 1e9, "mrd": 1e9, "billionen": 1e12,
	"milliard": 1e9, "milliards": 1e9, "mille": 1e3,
	"mil": 1e3, "millon": 1e6, "millones": 1e6, "milhao": 1e6, "milhoes": 1e6, "bilhao": 1e9, "bilhoes": 1e9,
	"mila": 1e3, "milione": 1e6, "milioni": 1e6, "miliardo": 1e9, "miliardi": 1e9,
	"duizend": 1e3, "miljoen": 1e6, "miljard": 1e9,
	"тысяч": 1e3, "тысячи": 1e3, "тыс": 1e3, "миллион": 1e6, "миллиона": 1e6, "миллионов": 1e6, "млн": 1e6,
	"миллиард": 1e9, "миллиарда": 1e9, "миллиардов": 1e9, "млрд": 1e9,
}

// ambiguousMultipliers may be units as well: "6m" is six million or six
// metres, "5k" five thousand or a five-kilometre race.
var ambiguousMultipliers = map[string]bool{"m": true, "k": true}

// wideMultipliers are the Chinese and Japanese multipliers that follow the
// digits directly: "4.5万", "3億".
var wideMultipliers = map[rune]float64{'十': 10, '百': 100, '千': 1e3, '万': 1e4, '萬': 1e4, '亿': 1e8, '億': 1e8, '兆': 1e12}

// numberWords are the numbers written as words, cardinal and ordinal, by
// language. Words that are also articles ("un", "ein", "uno") are left out.
var numberWords = map[string]map[string]float64{
	"en": words(`one 1 two 2 three 3 four 4 five 5 six 6 seven 7 eight 8 nine 9 ten 10 eleven 11 twelve 12
		thirteen 13 fourteen 14 fifteen 15 sixteen 16 seventeen 17 eighteen 18 nineteen 19 twenty 20 thirty 30
		forty 40 fifty 50 sixty 60 seventy 70 eighty 80 ninety 90 hundred 100 dozen 12
		first 1 third 3 fourth 4 fifth 5 sixth 6 seventh 7 eighth 8 ninth 9 tenth 10 eleventh 11 twelfth 12`),
	"de": words(`zwei 2 drei 3 vier 4 fünf 5 sechs 6 sieben 7 acht 8 neun 9 zehn 10 elf 11 zwölf 12 zwanzig 20
		dreißig 30 vierzig 40 fünfzig 50 hundert 100 erste 1 ersten 1 erster 1 zweite 2 zweiten 2 dritte 3 dritten 3`),
	"fr": words(`deux 2 trois 3 quatre 4 cinq 5 six 6 sept 7 huit 8 neuf 9 dix 10 onze 11 douze 12 vingt 20
		trente 30 quarante 40 cinquante 50 cent 100 premier 1 premiere 1 deuxieme 2 troisieme 3`),
	"es": words(`dos 2 tres 3 cuatro 4 cinco 5 seis 6 siete 7 ocho 8 nueve 9 diez 10 once 11 doce 12 veinte 20
		treinta 30 cuarenta 40 cincuenta 50 cien 100 primero 1 primera 1 segundo 2 segunda 2 tercero 3 tercera 3`),
	"pt": words(`dois 2 duas 2 tres 3 quatro 4 cinco 5 seis 6 sete 7 oito 8 nove 9 dez 10 onze 11 doze 12 vinte 20
		trinta 30 quarenta 40 cinquenta 50 cem 100 primeiro 1 primeira 1 terceiro 3 terceira 3`),
	"it": words(`due 2 tre 3 quattro 4 cinque 5 sei 6 sette 7 otto 8 nove 9 dieci 10 undici 11 dodici 12 venti 20
		trenta 30 quaranta 40 cinquanta 50 cento 100 primo 1 prima 1 secondo 2 seconda 2 terzo 3 terza 3`),
	"nl": words(`twee 2 drie 3 vier 4 vijf 5 zes 6 zeven 7 acht 8 negen 9 tien 10 elf 11 twaalf 12 twintig 20
		dertig 30 veertig 40 vijftig 50 honderd 100 eerste 1 tweede 2 derde 3`),
	"ru": words(`два 2 две 2 три 3 четыре 4 пять 5 шесть 6 семь 7 восемь 8 девять 9 десять 10`),
}

// months are the month names and abbreviations, by language. English ones
// count only when capitalised ("May", not "may"), see monthAt.
var months = map[string]map[string]float64{
	"en": words(`january 1 jan 1 february 2 feb 2 march 3 mar 3 april 4 apr 4 may 5 june 6 jun 6 july 7 jul 7
		august 8 aug 8 september 9 sep 9 sept 9 october 10 oct 10 november 11 nov 11 december 12 dec 12`),
	"de": words(`januar 1 jan 1 februar 2 feb 2 marz 3 april 4 apr 4 mai 5 juni 6 juli 7 august 8 aug 8
		september 9 sept 9 oktober 10 okt 10 november 11 nov 11 dezember 12 dez 12`),
	"fr": words(`janvier 1 fevrier 2 mars 3 avril 4 mai 5 juin 6 juillet 7 aout 8 septembre 9 octobre 10 novembre 11 decembre 12`),
	"es": words(`enero 1 febrero 2 marzo 3 abril 4 mayo 5 junio 6 julio 7 agosto 8 septiembre 9 setiembre 9 octubre 10 noviembre 11 diciembre 12`),
	"pt": words(`janeiro 1 fevereiro 2 marco 3 abril 4 maio 5 junho 6 julho 7 agosto 8 setembro 9 outubro 10 novembro 11 dezembro 12`),
	"it": words(`gennaio 1 febbraio 2 marzo 3 aprile 4 maggio 5 giugno 6 luglio 7 agosto 8 settembre 9 ottobre 10 novembre 11 dicembre 12`),
	"nl": words(`januari 1 februari 2 maart 3 april 4 mei 5 juni 6 juli 7 augustus 8 september 9 oktober 10 november 11 december 12`),
}

func words(s string) map[string]float64 {
	f := strings.Fields(s)
	m := make(map[string]float64, len(f)/2)
	for i := 0; i+1 < len(f); i += 2 {
		v, _ := strconv.ParseFloat(f[i+1], 64)
		m[f[i]] = v
	}
	return m
}

// decimalComma reports whether lang writes "4,5" for four and a half.
func decimalComma(lang string) bool {
	switch lang {
	case "", "en", "zh", "ja", "ko", "th", "he":
		return false
	}
	return true
}

// numbersIn finds the numbers of a token list.
func numbersIn(toks []token, lang string) []number {
	var out []number
	nw := numberWords[lang]
	if lang == "" {
		nw = numberWords["en"]
	}
	for i := 0; i < len(toks); i++ {
		t := toks[i]
		if t.wide {
			continue
		}
		if t.digit {
			n, ok := parseDigits(toks, i, lang)
			if ok {
				out = append(out, n)
				i = n.end - 1
			}
			continue
		}
		if m, ok := monthAt(toks, i, lang); ok {
			out = append(out, number{val: m, month: true, text: t.raw, tok: i, end: i + 1})
			continue
		}
		v, ok := nw[t.word]
		if !ok {
			continue
		}
		end := i + 1
		// "twenty-five", "twenty five"
		if v >= 20 && v < 100 && end < len(toks) {
			if u, ok := nw[toks[end].word]; ok && u < 10 && u == math.Trunc(u) && !isOrdinalWord(toks[end].word) {
				v += u
				end++
			}
		}
		loose := end == i+1 && (t.word == "one" || t.word == "first")
		v, end = scale(toks, end, v, lang)
		loose = loose && end == i+1
		out = append(out, number{val: v, text: spanText(toks, i, end), tok: i, end: end, loose: loose})
		i = end - 1
	}
	return out
}

func isOrdinalWord(w string) bool {
	return strings.HasSuffix(w, "th") || w == "first" || w == "third"
}

// parseDigits reads the number that starts with the digits of toks[i]:
// "4,000", "4 000", "4.5m", "21st", "1990s", "4.5 million", "2万".
func parseDigits(toks []token, i int, lang string) (number, bool) {
	raw := toks[i].word
	k := 0
	for k < len(raw) && (isDigit(rune(raw[k])) || raw[k] == '.' || raw[k] == ',') {
		k++
	}
	digits, suffix := raw[:k], raw[k:]
	end := i + 1
	// "4 000": groups of three digits after a space.
	if suffix == "" && len(digits) <= 3 && !strings.ContainsAny(digits, ".,") {
		for end < len(toks) && toks[end].joined && len(toks[end].word) == 3 && allDigits(toks[end].word) {
			digits += toks[end].word
			end++
		}
	}
	v, ok := parseValue(digits, lang)
	if !ok {
		return number{}, false
	}
	n := number{val: v, tok: i}
	switch {
	case suffix == "":
	case multipliers[suffix] != 0:
		if ambiguousMultipliers[suffix] {
			n.alt, n.hasAlt = v, true
		}
		n.val = v * multipliers[suffix]
	default:
		// Ordinals ("21st", "2e", "1er"), decades ("1990s"), units ("6km",
		// "9pm"), Chinese and Japanese counters: the value is the digits'.
		if r, _ := utf8.DecodeRuneInString(suffix); wideMultipliers[r] != 0 {
			n.val = v * wideMultipliers[r]
		}
	}
	if suffix == "" {
		// A multiplier word, or a Chinese one glued to the digits.
		if end < len(toks) && toks[end].wide {
			if r, _ := utf8.DecodeRuneInString(toks[end].raw); wideMultipliers[r] != 0 && toks[end].joined {
				n.val = v * wideMultipliers[r]
			}
		} else {
			n.val, end = scale(toks, end, v, lang)
			if end == i+1 && end < len(toks) && ambiguousMultipliers[toks[end].word] {
				n.alt, n.hasAlt = v, true
			}
		}
	}
	n.end = end
	n.text = spanText(toks, i, end)
	return n, true
}

// scale applies the multiplier words after a number ("4.5 million", "mil
// millones"): it returns the value and the index after the words.
func scale(toks []token, end int, v float64, lang string) (float64, int) {
	for end < len(toks) && toks[end].joined {
		m := multipliers[toks[end].word]
		if m == 0 {
			break
		}
		if toks[end].word == "m" && lang != "en" && lang != "" {
			break
		}
		v *= m
		end++
	}
	return v, end
}

func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return s != ""
}

// parseValue reads digits with "." and "," in them as the language writes
// numbers. A separator followed by groups of exactly three digits separates
// thousands; the other one marks the decimals.
func parseValue(s, lang string) (float64, bool) {
	s = strings.TrimRight(s, ".,")
	thousands, decimal := byte(','), byte('.')
	if decimalComma(lang) {
		thousands, decimal = '.', ','
	}
	hasT := strings.IndexByte(s, thousands) >= 0
	hasD := strings.IndexByte(s, decimal) >= 0
	switch {
	case hasT && !hasD && !groupsOfThree(s, thousands):
		// "4.5" in German text, "4,5" in English: a decimal mark after all.
		thousands, decimal = decimal, thousands
	case !hasT && hasD && strings.Count(s, string(decimal)) > 1 && groupsOfThree(s, decimal):
		// "1.000.000" in English text.
		thousands, decimal = decimal, thousands
	}
	s = strings.ReplaceAll(s, string(thousands), "")
	s = strings.Replace(s, string(decimal), ".", 1)
	v, err := strconv.ParseFloat(s, 64)
	return v, err == nil
}

// groupsOfThree reports whether every sep in s is followed by exactly three
// digits.
func groupsOfThree(s string, sep byte) bool {
	parts := strings.Split(s, string(sep))
	for _, p := range parts[1:] {
		if len(p) != 3 {
			return false
		}
	}
	return true
}

// monthAt reports whether toks[i] names a month. English month names are
// taken only capitalised, and "May", "Mar" also only next to a number or not
// opening a sentence, so that the verbs "may" and "march" are not months.
func monthAt(toks []token, i int, lang string) (float64, bool) {
	if lang == "" {
		lang = "en"
	}
	t := toks[i]
	m, ok := months[lang][t.word]
	if !ok && lang != "en" {
		m, ok = months["en"][t.word] // English dates in other languages' text are rare but harmless
		if ok && !t.cap {
			return 0, false
		}
	}
	if !ok {
		return 0, false
	}
	if lang == "en" {
		if !t.cap {
			return 0, false
		}
		if t.word == "may" || t.word == "mar" {
			nextNum := i+1 < len(toks) && toks[i+1].digit
			prevNum := i > 0 && toks[i-1].digit
			if t.first && !nextNum && !prevNum {
				return 0, false
			}
		}
	}
	return m, true
}

// spanText returns the text of toks[i:end] joined by spaces.
func spanText(toks []token, i, end int) string {
	var b strings.Builder
	for k := i; k < end; k++ {
		if k > i {
			b.WriteByte(' ')
		}
		b.WriteString(toks[k].raw)
	}
	return b.String()
}

// hasNumber reports whether the article has number n of u where the point
// comes from: in a sentence that holds much of the point, or in a sentence
// with the words next to the number in the point ("seven-year stint" in a
// point that is mostly about something else). A small number is in most
// articles somewhere; a changed one is rarely where the point comes from.
func (a *article) hasNumber(u unit, n number, al alignment, p *params) bool {
	context := map[string]bool{}
	from, to := u.pos[n.tok]-p.numContext, u.pos[n.end-1]+p.numContext
	for _, k := range u.keys {
		if k.pos >= from && k.pos <= to {
			context[k.k] = true
		}
	}
	for _, m := range a.nums {
		if !n.same(m.n) {
			continue
		}
		if n.loose || al.near(m.sent, p.numRatio) {
			return true
		}
		shared := map[string]bool{}
		for _, k := range a.sents[m.sent].keys {
			if context[k.k] {
				shared[k.k] = true
			}
		}
		if len(context) > 0 && len(shared) >= min(p.numShared, len(context)) {
			return true
		}
	}
	return false
}
