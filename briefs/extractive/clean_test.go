package extractive

import (
	"slices"
	"strings"
	"testing"
	"time"
)

func TestCleanSample(t *testing.T) {
	doc := Clean(readSample(t))
	wantHeads := []string{
		"Russia's Deal With North Korea Is 'Ominously Ambiguous'",
		"They pledge assistance to each other in the event of 'aggression,' but details will be key",
		"New Pact Between Putin, Kim Is 'Ominously Ambiguous'",
	}
	if !slices.Equal(doc.Headlines, wantHeads) {
		t.Errorf("Headlines = %q\nwant %q", doc.Headlines, wantHeads)
	}
	if doc.Byline != "John Johnson, Newser Staff" {
		t.Errorf("Byline = %q", doc.Byline)
	}
	want := time.Date(2024, 6, 19, 9, 13, 0, 0, time.FixedZone("CDT", -5*3600))
	if !doc.PublishedAt.Equal(want) {
		t.Errorf("PublishedAt = %v, want %v", doc.PublishedAt, want)
	}
	if !strings.HasPrefix(doc.Body, "Vladimir Putin and Kim Jong Un made a big deal") {
		t.Errorf("Body starts %q", doc.Body[:min(80, len(doc.Body))])
	}
	for _, bad := range []string{"Get the news faster", "install", "Tap", "Home Screen", "More Vladimir Putin stories",
		"via AP", "Gavriil Grigorov", "Posted Jun"} {
		if strings.Contains(doc.Body, bad) {
			t.Errorf("Body still holds %q", bad)
		}
	}
	if !strings.HasSuffix(doc.Body, "as Putin beefs up his arsenal.") {
		t.Errorf("Body ends %q", doc.Body[max(0, len(doc.Body)-80):])
	}
}

func TestClean(t *testing.T) {
	tests := []struct {
		name     string
		in       string
		body     string
		heads    []string
		byline   string
		dateline string
	}{
		{name: "cnn dateline", in: "(CNN)They may not be aliens, but we may be close.",
			body: "They may not be aliens, but we may be close.", dateline: "(CNN)"},
		{name: "reuters dateline", in: "LONDON (Reuters) - Prices rose on Monday.",
			body: "Prices rose on Monday.", dateline: "LONDON (Reuters)"},
		{name: "place dateline", in: "New Delhi, India (CNN)As the earth shook, tremors were felt.",
			body: "As the earth shook, tremors were felt.", dateline: "New Delhi, India (CNN)"},
		{name: "agency in lower case", in: "FREIBURG (dpa) – Der Gemeinderat hat am Dienstag die Altstadt gesperrt.",
			body: "Der Gemeinderat hat am Dienstag die Altstadt gesperrt.", dateline: "FREIBURG (dpa)"},
		{name: "date after the place", in: "VALENCIA, 12 nov. (EFE) — El Ayuntamiento aprobó este martes un plan.",
			body: "El Ayuntamiento aprobó este martes un plan.", dateline: "VALENCIA, 12 nov. (EFE)"},
		{name: "chinese dateline", in: "本报杭州7月18日电 受台风外围云系影响，杭州市出现今年以来最强降雨。",
			body: "受台风外围云系影响，杭州市出现今年以来最强降雨。", dateline: "本报杭州7月18日电"},
		{name: "chinese headline", in: "杭州遭遇强降雨 三万余人紧急转移\n\n受台风外围云系影响，杭州市出现今年以来最强降雨。",
			body: "受台风外围云系影响，杭州市出现今年以来最强降雨。", heads: []string{"杭州遭遇强降雨 三万余人紧急转移"}},
		{name: "credit and its caption", in: "Der Rat sperrt die Altstadt für Autos am Dienstag.\n\nFoto: dpa/Patrick Seeger\nBlick auf den Münsterplatz, auf dem künftig nur Lieferverkehr erlaubt ist.\n\nLieferwagen dürfen morgens fahren.",
			body: "Der Rat sperrt die Altstadt für Autos am Dienstag.\n\nLieferwagen dürfen morgens fahren."},
		{name: "credit over paragraphs without blank lines", in: "The council voted on Monday to close the old town.\nPhoto: AP\nShops said the plan would hurt trade in the old town.\nThe mayor disagreed.",
			body: "The council voted on Monday to close the old town.\nShops said the plan would hurt trade in the old town.\nThe mayor disagreed."},
		{name: "credit before a paragraph", in: "Le conseil a voté jeudi le rachat du site.\n\nPhoto : AFP\n\nLe site abritait une tannerie.",
			body: "Le conseil a voté jeudi le rachat du site.\n\nLe site abritait une tannerie."},
		{name: "not a dateline", in: "Apple (AAPL) Shares rose today.",
			body: "Apple (AAPL) Shares rose today."},
		{name: "scroll down for video", in: "First sentence here. Scroll down for video Second sentence here.",
			body: "First sentence here. Second sentence here."},
		{name: "bbc share widget", in: "Share this withEmailFacebookMessengerTwitterPinterestWhatsAppLinkedinCopy\nthis linkResearchers found a thing.",
			body: "Researchers found a thing."},
		{name: "share widget line", in: "Share this with Email Facebook Messenger Twitter Copy this link\nThe story starts here.",
			body: "The story starts here."},
		{name: "photo credit caption", in: "The leaders met on Wednesday.\nPutin walks after a ceremony in Pyongyang. (Gavriil Grigorov, Sputnik, Kremlin Pool Photo via AP)\nThey signed a pact.",
			body: "The leaders met on Wednesday.\nThey signed a pact."},
		{name: "getty caption", in: "Story text here.\nThe scene on Monday. Photograph: Getty Images\nMore story text.",
			body: "Story text here.\nMore story text."},
		{name: "more stories", in: "The story ends here.\n(More Vladimir Putin stories.)",
			body: "The story ends here."},
		{name: "app prompt block", in: "The story ends here.\nGet the news faster.\nTap to install our app.\nInstall the Newser News app\nin two easy steps:\n1. Tap in your navigation bar.\n2. Tap to Add to Home Screen.",
			body: "The story ends here."},
		{name: "short paragraph after an app prompt", in: "Get the news faster.\nTap to install our app.\nThe mayor resigned on Monday.\nShe gave no reason.",
			body: "The mayor resigned on Monday.\nShe gave no reason."},
		{name: "prose that starts like a widget", in: "Recommended daily intake is five grams.\nComments from the minister followed.\nRead more",
			body: "Recommended daily intake is five grams.\nComments from the minister followed."},
		{name: "headline and byline", in: "Big Headline Here\nBy Jane Doe, Staff Writer\nThe story starts. It goes on.",
			body: "The story starts. It goes on.", heads: []string{"Big Headline Here"}, byline: "Jane Doe, Staff Writer"},
		{name: "no headline in a broken first line", in: "The biologist turned the effort\ninto a race. He won.",
			body: "The biologist turned the effort\ninto a race. He won."},
		{name: "paragraphs", in: "First paragraph.\n\n\n\nSecond paragraph.",
			body: "First paragraph.\n\nSecond paragraph."},
		{name: "quotes and spaces", in: "\u201cHello,\u201d she said\u00a0\u2014  it\u2019s   fine.\r\nNext\tline.",
			body: "\"Hello,\" she said \u2014 it's fine.\nNext line."},
		{name: "mojibake", in: "It costs Â£72,000 and thatâ€™s a lot.",
			body: "It costs £72,000 and that's a lot."},
		{name: "invalid bytes and controls", in: "Bad \xff\x01bytes\u200b here.",
			body: "Bad bytes here."},
		{name: "daily mail header", in: "By . Daily Mail Reporter . PUBLISHED: . 10:26 EST, 3 May 2013 . | . UPDATED: . 10:27 EST, 3 May 2013 . The story starts here.",
			body: "The story starts here."},
		{name: "only boilerplate", in: "Get the news faster.\nTap to install our app.\n(More Putin stories.)",
			body: ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			doc := Clean(tt.in)
			if doc.Body != tt.body {
				t.Errorf("Body = %q, want %q", doc.Body, tt.body)
			}
			if !slices.Equal(doc.Headlines, tt.heads) {
				t.Errorf("Headlines = %q, want %q", doc.Headlines, tt.heads)
			}
			if doc.Byline != tt.byline {
				t.Errorf("Byline = %q, want %q", doc.Byline, tt.byline)
			}
			if doc.Dateline != tt.dateline {
				t.Errorf("Dateline = %q, want %q", doc.Dateline, tt.dateline)
			}
		})
	}
}

func TestCleanDates(t *testing.T) {
	tests := []struct {
		in   string
		want time.Time
	}{
		{"Posted Jun 19, 2024 9:13 AM CDT", time.Date(2024, 6, 19, 14, 13, 0, 0, time.UTC)},
		{"PUBLISHED: 12:29 EST, 5 May 2014 | UPDATED: 13:30 EST, 5 May 2014", time.Date(2014, 5, 5, 17, 29, 0, 0, time.UTC)},
		{"Updated 1234 GMT (2034 HKT) April 5, 2015", time.Date(2015, 4, 5, 0, 0, 0, 0, time.UTC)},
		{"18 March 2014", time.Date(2014, 3, 18, 0, 0, 0, 0, time.UTC)},
		{"Published: 2024-06-19T09:13:00Z", time.Date(2024, 6, 19, 9, 13, 0, 0, time.UTC)},
	}
	for _, tt := range tests {
		doc := Clean(tt.in + "\nThe story starts here. It goes on.")
		if !doc.PublishedAt.Equal(tt.want) {
			t.Errorf("Clean(%q).PublishedAt = %v, want %v", tt.in, doc.PublishedAt, tt.want)
		}
		if doc.Body != "The story starts here. It goes on." {
			t.Errorf("Clean(%q).Body = %q", tt.in, doc.Body)
		}
	}
}

func TestCleanHTML(t *testing.T) {
	in := `<!DOCTYPE html><html><head><title>Site | Headline</title><style>p{color:red}</style>
<script>var x = "<p>not text</p>";</script></head><body>
<nav><a href="/">Home</a> <a href="/news">News</a></nav>
<article><h1>Russia&#39;s Deal With North Korea</h1>
<p class="byline">By John Johnson</p>
<figure><img src="x.jpg"><figcaption>Putin and Kim (AP Photo)</figcaption></figure>
<p>Vladimir Putin and Kim Jong Un signed a pact on <b>Wednesday</b> &amp; called it a &quot;breakthrough.&quot;</p>
<ul><li>Neither side has released the text.</li><li>Details are crucial.</li></ul>
<!-- a comment -->
</article><footer>© 2024 Newser</footer></body></html>`
	doc := Clean(in)
	if !doc.HTML {
		t.Error("HTML not detected")
	}
	if len(doc.Headlines) == 0 || doc.Headlines[0] != "Russia's Deal With North Korea" {
		t.Errorf("Headlines = %q", doc.Headlines)
	}
	if doc.Byline != "John Johnson" {
		t.Errorf("Byline = %q", doc.Byline)
	}
	want := "Vladimir Putin and Kim Jong Un signed a pact on Wednesday & called it a \"breakthrough.\"\n\n• Neither side has released the text.\n• Details are crucial."
	if doc.Body != want {
		t.Errorf("Body = %q\nwant %q", doc.Body, want)
	}
	for _, bad := range []string{"<", ">", "color:red", "not text", "Home", "AP Photo", "comment", "©"} {
		if strings.Contains(doc.Body, bad) {
			t.Errorf("Body holds %q", bad)
		}
	}
	if Clean("If a < b and c > d, then the claim holds.").HTML {
		t.Error("prose with < and > taken for HTML")
	}
}
