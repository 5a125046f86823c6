package extractive

import (
	"slices"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"
)

func TestSentences(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want []string
	}{
		{"plain", "One sentence here. Another one there! A third? Yes.",
			[]string{"One sentence here.", "Another one there!", "A third?", "Yes."}},
		{"captions run into the text", "Sister Gertrud was found in her bedroom An 86-year-old nun was attacked at the mission. The volcano erupted in Mexico The 12,400 feet high volcano is one of the most active. Students will spend a third of their budgets That's according to a survey from Visa.",
			[]string{"Sister Gertrud was found in her bedroom", "An 86-year-old nun was attacked at the mission.", "The volcano erupted in Mexico", "The 12,400 feet high volcano is one of the most active.", "Students will spend a third of their budgets", "That's according to a survey from Visa."}},
		{"abbreviations of other languages", "Nicht jedes Modell ist von Disruption bzw. Digital Darwinismus bedroht. Erwartet werden ca. 200 Besucher.",
			[]string{"Nicht jedes Modell ist von Disruption bzw. Digital Darwinismus bedroht.", "Erwartet werden ca. 200 Besucher."}},
		{"an initial P is not a page", "Officers stopped a car driven by Jonathan P. Blair, 29, on Monday. See p. 10 for more.",
			[]string{"Officers stopped a car driven by Jonathan P. Blair, 29, on Monday.", "See p. 10 for more."}},
		{"titles in capitals stay whole", "She starred in Gone With The Wind and then retired. He read Love In The Time of Cholera twice.",
			[]string{"She starred in Gone With The Wind and then retired.", "He read Love In The Time of Cholera twice."}},
		{"titles", "Mr. Smith met Mrs. Jones and Dr. Who. Gov. Newsom and Sen. Warren spoke. St. Louis won.",
			[]string{"Mr. Smith met Mrs. Jones and Dr. Who.", "Gov. Newsom and Sen. Warren spoke.", "St. Louis won."}},
		{"dotted acronym before a name", "The U.S. President spoke. Then he left.",
			[]string{"The U.S. President spoke.", "Then he left."}},
		{"dotted acronym at the end", "Troops returned to the U.S. The war was over.",
			[]string{"Troops returned to the U.S.", "The war was over."}},
		{"initials", "John F. Kennedy was shot in 1963. J.K. Rowling wrote books. Patrick M. Cronin agreed.",
			[]string{"John F. Kennedy was shot in 1963.", "J.K. Rowling wrote books.", "Patrick M. Cronin agreed."}},
		{"foreign opener after a word that is an abbreviation in English", "Sono caduti 400 millimetri di pioggia in dodici ore. Tuttavia, l'allerta è stata declassata.",
			[]string{"Sono caduti 400 millimetri di pioggia in dodici ore.", "Tuttavia, l'allerta è stata declassata."}},
		{"decimals and money", "Growth was 3.5 percent. It cost $4.2 billion.",
			[]string{"Growth was 3.5 percent.", "It cost $4.2 billion."}},
		{"numbers after No.", "He lives at No. 10 Downing Street. Jan. 5 was cold.",
			[]string{"He lives at No. 10 Downing Street.", "Jan. 5 was cold."}},
		{"times", "It starts at 9 a.m. local time. It ends at 5 p.m. The crowd left.",
			[]string{"It starts at 9 a.m. local time.", "It ends at 5 p.m.", "The crowd left."}},
		{"quote closes after the stop", `"We will win," he said. "It is certain." Then silence.`,
			[]string{`"We will win," he said.`, `"It is certain."`, "Then silence."}},
		{"question inside a quote", `"Is it over?" asked his father. No one knew.`,
			[]string{`"Is it over?" asked his father.`, "No one knew."}},
		{"ellipsis", "Depending on the wording ... it could be big. Wait... Nothing happened… Done.",
			[]string{"Depending on the wording ... it could be big.", "Wait...", "Nothing happened…", "Done."}},
		{"bullets", "Coverage:\n  • First point here. More.\n  • Second point: yes.",
			[]string{"Coverage:", "First point here.", "More.", "Second point: yes."}},
		{"inline bullet", "Intro line. • A bullet point.",
			[]string{"Intro line.", "• A bullet point."}},
		{"numbered list", "Steps:\n1. Tap the bar.\n2. Add it.",
			[]string{"Steps:", "Tap the bar.", "Add it."}},
		{"broken lines join", "Researchers found that four out of five\nchildren ate school lunches.\n\"School\nmeals can help,\" he said.",
			[]string{"Researchers found that four out of five children ate school lunches.", `"School meals can help," he said.`}},
		{"punctuation continues a line", "Australia spinner Nathan Lyon\n: \"We're still in it.\"",
			[]string{`Australia spinner Nathan Lyon : "We're still in it."`}},
		{"heading line", "What we know\nThe pact was signed on Wednesday.",
			[]string{"What we know", "The pact was signed on Wednesday."}},
		{"broken line before a capital", "The meeting at the American Geophysical Union (AGU)\nFall Meeting drew crowds.",
			[]string{"The meeting at the American Geophysical Union (AGU) Fall Meeting drew crowds."}},
		{"blank line ends a paragraph", "A paragraph without a stop\n\nAnother paragraph.",
			[]string{"A paragraph without a stop", "Another paragraph."}},
		{"caption run into text", "People can expect an income 13% higher than a colleague The cost of divorce can wreck retirement.",
			[]string{"People can expect an income 13% higher than a colleague", "The cost of divorce can wreck retirement."}},
		{"names with The continue", "He told The Associated Press that The Hague ruled.",
			[]string{"He told The Associated Press that The Hague ruled."}},
		{"lost space after a stop", "The film opens on 17 March 2017.It was announced in January. See bbc.co.uk for more.",
			[]string{"The film opens on 17 March 2017.", "It was announced in January.", "See bbc.co.uk for more."}},
		{"white space", "  Lots   of\tspace  here.   Next one.  ",
			[]string{"Lots of space here.", "Next one."}},
		{"no letters", "... !!! •", nil},
		{"empty", "", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Sentences(tt.in)
			if !slices.Equal(got, tt.want) {
				t.Errorf("Sentences(%q)\n got %q\nwant %q", tt.in, got, tt.want)
			}
		})
	}
}

func TestSentencesInvalidUTF8(t *testing.T) {
	got := Sentences("Bad \xff\xfe bytes here. Fine.")
	if len(got) != 2 {
		t.Fatalf("got %q", got)
	}
	for _, s := range got {
		if !utf8.ValidString(s) {
			t.Errorf("invalid UTF-8 in %q", s)
		}
	}
}

func TestLeadSentences(t *testing.T) {
	text := "Big News Headline Here\nBy Jane Doe\n\nLONDON (Reuters) - The first sentence is here. The second follows. A third one. A fourth.\n\nGet the news faster.\nTap to install our app."
	got := LeadSentences(text, 3)
	want := []string{"The first sentence is here.", "The second follows.", "A third one."}
	if !slices.Equal(got, want) {
		t.Errorf("LeadSentences = %q, want %q", got, want)
	}
	if got := LeadSentences(text, 0); got != nil {
		t.Errorf("LeadSentences(n=0) = %q", got)
	}
	if got := LeadSentences("Only one sentence.", 3); len(got) != 1 {
		t.Errorf("LeadSentences of one sentence = %q", got)
	}
}

func FuzzSentences(f *testing.F) {
	for _, s := range []string{
		"Mr. Smith went to Washington. He said \"hi.\" Then left...",
		"Line one\nline two\n\n• bullet\n1. item",
		"U.S. troops. J.K. Rowling. 3.5 percent. No. 10.",
		"a colleague The cost of it. 2017.It was",
		"\xff\xfe\x00 broken",
		"\"\"\". . . ( ) [ ] …",
		"第一句。第二句！「引用。」と言った。\n改行された\n文章。",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		valid := strings.ToValidUTF8(in, "\uFFFD")
		// Lines of Chinese or Japanese text are joined without a space.
		glued := strings.Join(strings.FieldsFunc(valid, unicode.IsSpace), "")
		for _, s := range Sentences(in) {
			if s == "" || strings.TrimSpace(s) != s {
				t.Fatalf("empty or untrimmed sentence %q", s)
			}
			if !utf8.ValidString(s) {
				t.Fatalf("invalid UTF-8 in %q", s)
			}
			// Sentences only trim, join lines and drop list markers: every
			// word of a sentence is a piece of the input.
			for _, w := range strings.Fields(s) {
				if !strings.Contains(valid, w) && !strings.Contains(glued, w) {
					t.Fatalf("word %q of sentence %q is not in the input", w, s)
				}
			}
		}
	})
}

func TestSentencesCJK(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want []string
	}{
		{"chinese news",
			"国家统计局周一公布的数据显示，今年第三季度国内生产总值同比增长4.9%，略高于市场预期。分析人士认为，消费和服务业的回暖是经济增长的主要动力。但房地产市场仍然低迷，新建商品住宅销售面积下降了19.8%。国家统计局发言人表示：“经济恢复向好的态势没有改变。”他同时提醒，外部环境依然复杂严峻！明年的增长目标会是多少？市场普遍预计在5%左右。",
			[]string{
				"国家统计局周一公布的数据显示，今年第三季度国内生产总值同比增长4.9%，略高于市场预期。",
				"分析人士认为，消费和服务业的回暖是经济增长的主要动力。",
				"但房地产市场仍然低迷，新建商品住宅销售面积下降了19.8%。",
				"国家统计局发言人表示：“经济恢复向好的态势没有改变。”",
				"他同时提醒，外部环境依然复杂严峻！",
				"明年的增长目标会是多少？",
				"市场普遍预计在5%左右。",
			}},
		{"japanese news with quotes",
			"政府は22日、来年度の予算案を閣議決定した。一般会計の総額は過去最大の112兆円となり、防衛費やGDP比2%の目標に向けた支出が目立つ。財務相は記者会見で「財政健全化の目標は維持する」と述べた。「国民の理解を得たい。」首相はこう語った。野党は「歳出の膨張に歯止めがかからない」と批判している。審議は1月の通常国会で始まる。",
			[]string{
				"政府は22日、来年度の予算案を閣議決定した。",
				"一般会計の総額は過去最大の112兆円となり、防衛費やGDP比2%の目標に向けた支出が目立つ。",
				"財務相は記者会見で「財政健全化の目標は維持する」と述べた。",
				"「国民の理解を得たい。」",
				"首相はこう語った。",
				"野党は「歳出の膨張に歯止めがかからない」と批判している。",
				"審議は1月の通常国会で始まる。",
			}},
		{"a quote that goes on",
			"首相は「責任を感じている。」と述べた。辞任は否定した。",
			[]string{"首相は「責任を感じている。」と述べた。", "辞任は否定した。"}},
		{"full-width marks and nested quotes",
			"『本当か？』と彼は聞いた。答えはなかった！！その後、会議は中断された。",
			[]string{"『本当か？』と彼は聞いた。", "答えはなかった！！", "その後、会議は中断された。"}},
		{"spaces between sentences",
			"台风已经登陆。 当地停课一天。",
			[]string{"台风已经登陆。", "当地停课一天。"}},
		{"paragraph broken over lines",
			"东京奥运会组委会周五表示，\n比赛将如期举行。\n门票不会退还。",
			[]string{"东京奥运会组委会周五表示，比赛将如期举行。", "门票不会退还。"}},
		{"heading line",
			"经济数据\n国家统计局周一公布了最新数据。",
			[]string{"经济数据", "国家统计局周一公布了最新数据。"}},
		{"long line without punctuation goes on",
			"国家统计局周一公布的数据显示今年第三季度国内生产总值同比增长略高于市场此前的预期而消费\n和服务业的回暖是主要动力。",
			[]string{"国家统计局周一公布的数据显示今年第三季度国内生产总值同比增长略高于市场此前的预期而消费和服务业的回暖是主要动力。"}},
		{"paragraphs",
			"第一段的内容到此结束。\n\n第二段从这里开始。",
			[]string{"第一段的内容到此结束。", "第二段从这里开始。"}},
		{"mixed with English",
			"苹果公司发布了新款iPhone。The shares rose 3.5% in New York. 分析师对此表示乐观。",
			[]string{"苹果公司发布了新款iPhone。", "The shares rose 3.5% in New York.", "分析师对此表示乐观。"}},
		{"no terminator", "北京时间今晚八点", []string{"北京时间今晚八点"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Sentences(tt.in)
			if !slices.Equal(got, tt.want) {
				t.Errorf("Sentences(%q)\n got %q\nwant %q", tt.in, got, tt.want)
			}
			for _, s := range got {
				if wordless(s) && strings.HasSuffix(s, ".") {
					t.Errorf("a CJK sentence ends in an ASCII full stop: %q", s)
				}
			}
		})
	}
}

func TestWordlessAndTextLen(t *testing.T) {
	tests := []struct {
		s        string
		wordless bool
		n        int
	}{
		{"The central bank raised rates on Wednesday.", false, 7},
		{"It's a 3.5% rise, the U.S. said.", false, 9},
		{"Die Europäische Zentralbank erhöht den Leitzins.", false, 6},
		{"国家统计局周一公布了数据。", true, 6},              // 12 Han characters
		{"日本銀行は19日、金融緩和策を維持すると発表した。", true, 12}, // 22 kana and kanji, and "19"
		{"苹果公司发布了新款iPhone。", true, 6},           // 9 Han and "iPhone"
		{"ข่าวด่วนวันนี้", true, 7},
		{"서울시는 대중교통 요금을 인상한다.", false, 4},
		{"", false, 0},
		{"「」。", false, 0},
	}
	for _, tt := range tests {
		if got := wordless(tt.s); got != tt.wordless {
			t.Errorf("wordless(%q) = %v, want %v", tt.s, got, tt.wordless)
		}
		if got := textLen(tt.s); got != tt.n {
			t.Errorf("textLen(%q) = %d, want %d", tt.s, got, tt.n)
		}
	}
}

func TestEndsTerminalCJK(t *testing.T) {
	for s, want := range map[string]bool{
		"台风已经登陆。": true, "真的吗？": true, "太好了！": true, "「維持する。」": true,
		"他说：“我们会继续努力。”": true, "北京时间今晚八点": false, "数据显示，": false,
		"He said.": true, "He said": false, `"Go."`: true,
	} {
		if got := endsTerminal(s); got != want {
			t.Errorf("endsTerminal(%q) = %v, want %v", s, got, want)
		}
	}
}
