package extractive

import (
	"strings"
	"testing"
	"unicode/utf8"

	"briefbot/briefs"
)

const zhArticle = `国家统计局周一公布的数据显示，今年第三季度国内生产总值同比增长4.9%，略高于市场此前的预期。

分析人士认为，消费和服务业的回暖是推动经济增长的主要动力，其中餐饮和旅游收入增长明显。国家统计局发言人在新闻发布会上表示：“经济恢复向好的态势没有改变，但外部环境依然复杂严峻。”

房地产市场仍然低迷，前三季度全国新建商品住宅销售面积同比下降了7.5%，房地产开发投资也继续减少。多家研究机构预计，全年经济增长目标有望实现，但明年仍需要更多政策支持。

与此同时，工业生产保持稳定增长，高技术制造业增加值同比增长11.2%。新能源汽车、太阳能电池等产品的产量大幅增加，成为工业增长的新亮点。专家提醒，出口需求减弱和地方债务问题仍是明年经济面临的主要风险。`

const jaArticle = `政府は22日、来年度の予算案を閣議決定した。一般会計の総額は過去最大の112兆円となり、防衛費や社会保障費の増加が目立つ。

防衛費は今年度より1兆円以上多い7兆9000億円となり、反撃能力の整備に向けた長射程ミサイルの取得費などを盛り込んだ。社会保障費も高齢化の影響で37兆円を超えた。

財務相は記者会見で「財政健全化の目標は維持する」と述べた。一方、新たに発行する国債は約35兆円に上り、歳入の3割以上を借金に頼る状況が続く。

野党は「歳出の膨張に歯止めがかからない」と批判している。予算案は来年1月に召集される通常国会に提出され、年度内の成立を目指す。専門家からは、歳出の見直しを求める声も上がっている。`

func TestSummarizeCJK(t *testing.T) {
	// candidate (candidate.go) rejects every Chinese and Japanese sentence:
	// it wants an upper-case or digit first rune and a lower-case letter
	// somewhere. With both checks skipped for wordless(s), this test
	// passes.
	for name, text := range map[string]string{"zh": zhArticle, "ja": jaArticle} {
		t.Run(name, func(t *testing.T) {
			if utf8.RuneCountInString(text) < 300 {
				t.Fatalf("article of %d characters", utf8.RuneCountInString(text))
			}
			if got := DetectLanguage(text); got != name {
				t.Errorf("DetectLanguage = %q", got)
			}
			sum, err := New().Summarize(briefs.Document{Text: text})
			if err != nil {
				t.Fatalf("Summarize: %v", err)
			}
			if len(sum.Bullets) == 0 {
				t.Fatal("no bullets")
			}
			for _, b := range append(sum.Bullets, sum.Gist, sum.Title) {
				if strings.HasSuffix(b, ".") || strings.Contains(b, "。.") {
					t.Errorf("ASCII full stop after Chinese or Japanese text: %q", b)
				}
				if !strings.Contains(text, strings.TrimSuffix(b, "…")) && !strings.HasSuffix(b, "…") {
					t.Logf("not a piece of the article: %q", b)
				}
			}
			t.Logf("%+v", sum)
		})
	}
}

// TestSentencesCJKArticles checks the part of the pipeline this package's
// language code owns: the articles split into their sentences, each with
// its own terminator and no ASCII full stop.
func TestSentencesCJKArticles(t *testing.T) {
	for name, tt := range map[string]struct {
		text string
		n    int
	}{"zh": {zhArticle, 8}, "ja": {jaArticle, 9}} {
		got := Sentences(Clean(tt.text).Body)
		if len(got) != tt.n {
			t.Errorf("%s: %d sentences, want %d: %q", name, len(got), tt.n, got)
		}
		for _, s := range got {
			last, _ := utf8.DecodeLastRuneInString(s)
			if last != '。' && last != '」' && last != '"' {
				t.Errorf("%s: sentence %q does not end with its terminator", name, s)
			}
			if !wordless(s) || textLen(s) < 6 {
				t.Errorf("%s: wordless(%q) = %v, textLen %d", name, s, wordless(s), textLen(s))
			}
		}
	}
}
