package extractive

import (
	"os"
	"regexp"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"

	"briefbot/briefs"
)

// langArticles are the articles of testdata/lang, one per supported language
// other than English, each with the dateline that opens its lead ("" when
// it has none).
var langArticles = []struct{ lang, dateline string }{
	{"de", "FREIBURG (dpa) –"},
	{"fr", "LYON —"},
	{"es", "VALENCIA, 12 nov. (EFE) —"},
	{"pt", "GUIMARÃES —"},
	{"it", "CHIAVARI (GENOVA) —"},
	{"nl", "ARNHEM (ANP) –"},
	{"cs", "BRNO –"},
	{"zh", "本报杭州7月18日电"},
	{"ja", ""},
}

func summarizeLangArticle(t *testing.T, lang string) (*Summarizer, briefs.Summary, string) {
	t.Helper()
	b, err := os.ReadFile("testdata/lang/" + lang + ".txt")
	if err != nil {
		t.Fatal(err)
	}
	x := New()
	sum, err := x.Summarize(briefs.Document{Text: string(b)})
	if err != nil {
		t.Fatal(err)
	}
	return x, sum, string(b)
}

func TestSummarizeLangGolden(t *testing.T) {
	for _, s := range langArticles {
		t.Run(s.lang, func(t *testing.T) {
			x, sum, _ := summarizeLangArticle(t, s.lang)
			checkGolden(t, "testdata/lang/"+s.lang+".golden.json", x, sum)
		})
	}
}

// langFurniture is page furniture of the sample articles that no brief may
// hold: photo credits, captions and "read also" lines.
var langFurniture = []string{
	"Foto", "Photo :", "Lesen Sie auch", "Lire aussi", "Lea también", "Leia também", "Leggi anche",
	"Lees ook", "Čtěte také", "延伸阅读", "图片来源", "関連記事", "写真", "（写真", "共同）",
	"dpa/", "Seeger", "EFE/", "Bruque", "ANSA/", "Zennaro", "Blick auf den Münsterplatz",
	"anciens bâtiments", "Vecinos del barrio", "durante a apresentação", "vigili del fuoco al lavoro",
	"ligt al jaren braak", "konečná autobusů", "消防救援人员在临安区", "値上げを発表する",
}

var slugPattern = regexp.MustCompile(`^[a-z0-9]+(-[a-z0-9]+)*$`)

// TestSummarizeLangReader asserts what a reader of each language must get,
// whatever the golden files say.
func TestSummarizeLangReader(t *testing.T) {
	for _, s := range langArticles {
		t.Run(s.lang, func(t *testing.T) {
			_, sum, text := summarizeLangArticle(t, s.lang)
			text = squeezeSpaces(text)
			cjk := s.lang == "zh" || s.lang == "ja"
			if sum.Lang != s.lang {
				t.Errorf("Lang = %q, want %q", sum.Lang, s.lang)
			}
			if sum.Gist == "" {
				t.Fatal("no gist")
			}
			if s.dateline != "" && strings.HasPrefix(sum.Gist, s.dateline) {
				t.Errorf("gist opens with the dateline: %q", sum.Gist)
			}
			if Dangles(s.lang, sum.Gist) {
				t.Errorf("gist dangles: %q", sum.Gist)
			}
			if n := len(sum.Bullets); n < briefs.MinBullets || n > briefs.MaxBullets {
				t.Errorf("%d bullets: %q", n, sum.Bullets)
			}
			seen := map[string]bool{sum.Gist: true}
			for _, b := range sum.Bullets {
				if seen[b] || strings.Contains(sum.Gist, strings.TrimRight(b, ".。")) {
					t.Errorf("bullet repeats the gist or another bullet: %q", b)
				}
				seen[b] = true
				if !inArticle(text, b) {
					t.Errorf("bullet is not a sentence of the article: %q", b)
				}
				for _, f := range langFurniture {
					if strings.Contains(b, f) {
						t.Errorf("bullet holds furniture %q: %q", f, b)
					}
				}
				if Dangles(s.lang, b) {
					t.Errorf("bullet dangles: %q", b)
				}
				if cjk && (strings.HasSuffix(b, ".") || strings.Contains(b, "。.")) {
					t.Errorf("CJK bullet ends with an ASCII period: %q", b)
				}
			}
			for _, f := range langFurniture {
				if strings.Contains(sum.Gist, f) {
					t.Errorf("gist holds furniture %q: %q", f, sum.Gist)
				}
			}
			if slug := sum.Slug; !slugPattern.MatchString(slug) {
				t.Errorf("slug %q", slug)
			}
			if !slugPattern.MatchString(sum.Slug) {
				t.Errorf("Slug %q", sum.Slug)
			}
		})
	}
}

// inArticle reports whether bullet b is a sentence of text, or a cut of one:
// its words up to the final stop occur in text, perhaps after a leading
// connective that was dropped (and the next word capitalised), and for
// Chinese and Japanese perhaps with a 。 added at the end.
func inArticle(text, b string) bool {
	core := strings.TrimRight(b, ".。")
	if core == "" {
		return false
	}
	if strings.Contains(text, core) {
		return true
	}
	r, n := utf8.DecodeRuneInString(core)
	lower := string(unicode.ToLower(r)) + core[n:]
	return strings.Contains(text, lower)
}
