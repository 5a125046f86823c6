package llm

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"briefbot/briefs"
)

// promptVersion changes whenever the prompt or the rules an answer must
// follow change, so that briefs made under the old ones are rebuilt
// (Version).
const promptVersion = 1

// MaxArticleRunes bounds the article text sent. 24,000 characters (some
// 6,000 to 8,000 tokens) hold a long news story whole; the lead matters most
// in news, so a longer text loses only its tail. The server's context window
// must hold this, the prompt and the answer: Ollama's default window is
// smaller and drops the start of the prompt silently, so set its context
// length to 8,192 tokens or more.
const MaxArticleRunes = 24000

// maxTitleRunes bounds the title sent; a longer one is not a headline.
const maxTitleRunes = 500

const systemPrompt = `You turn news articles into briefs. Answer with JSON only: one JSON object of this form, with nothing before or after it:
{"headline": "...", "gist": "...", "points": ["...", "...", "..."]}

Rules:
- "headline": the story's headline, at most 15 words.
- "gist": one sentence of at most 300 characters that says what happened.
- "points": 3 to 5 key points in the article's order, each at most 300 characters, none repeating another.
- LANGUAGE
- Use only facts stated in the article. No opinions, no comments, nothing that is not in the text.
- Keep every number, date and name exactly as the article writes it in the sentence the fact comes from; quote only words the article quotes.
- Plain text only: no HTML, no Markdown, no @mentions.`

// Chat-completions request body, as OpenAI documents it; the other servers
// accept the same.
type chatRequest struct {
	Model          string         `json:"model"`
	Messages       []chatMessage  `json:"messages"`
	Temperature    float64        `json:"temperature"` // sent even at 0: the servers' default is higher
	MaxTokens      int            `json:"max_tokens"`
	ResponseFormat responseFormat `json:"response_format"`
	Stream         bool           `json:"stream"`
}

type chatMessage struct {
	Role    string `json:"role"`
	Content string `json:"content"`
}

// responseFormat {"type": "json_object"} makes the servers that know it
// constrain the answer to JSON; the others ignore it, and the prompt asks
// for JSON anyway.
type responseFormat struct {
	Type string `json:"type"`
}

// request is the chat-completions request for doc: temperature 0, so that
// the same article gives the same brief as nearly as the server allows.
func (c *Client) request(doc briefs.Document) chatRequest {
	lang := "Write in the language the article is written in."
	if code := langCode(doc.Lang); code != "" {
		lang = "Write in the article's language (" + code + ")."
	}
	var user strings.Builder
	if t := strings.Join(strings.Fields(doc.Title), " "); t != "" {
		user.WriteString("Title: " + briefs.Truncate(t, maxTitleRunes) + "\n\n")
	}
	user.WriteString("Text:\n" + cutText(strings.TrimSpace(doc.Text), MaxArticleRunes))
	return chatRequest{
		Model: c.cfg.Model,
		Messages: []chatMessage{
			{Role: "system", Content: strings.Replace(systemPrompt, "LANGUAGE", lang, 1)},
			{Role: "user", Content: user.String()},
		},
		Temperature:    0,
		MaxTokens:      c.cfg.MaxTokens,
		ResponseFormat: responseFormat{Type: "json_object"},
	}
}

// langCode is lang when it looks like a language code ("de", "pt-BR"), ""
// otherwise: it goes into the prompt, so nothing else may.
func langCode(lang string) string {
	lang = strings.TrimSpace(lang)
	if lang == "" || len(lang) > 10 {
		return ""
	}
	for _, r := range lang {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r == '-') {
			return ""
		}
	}
	return lang
}

// cutText shortens s to at most n runes, cutting after the last sentence
// (or paragraph) that fits, so that the model does not read half a
// sentence as a fact; it cuts at a word when no sentence ends in the second
// half of what fits.
func cutText(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)[:n]
	for i := len(r) - 1; i >= n/2; i-- {
		switch {
		case r[i] == '\n':
			return strings.TrimRightFunc(string(r[:i]), unicode.IsSpace)
		case isFullStop(r[i]):
			return string(r[:i+1])
		case isStop(r[i]) && i+1 < len(r) && unicode.IsSpace(r[i+1]):
			return string(r[:i+1])
		}
	}
	for i := len(r) - 1; i >= n/2; i-- {
		if unicode.IsSpace(r[i]) {
			return strings.TrimRightFunc(string(r[:i]), unicode.IsSpace)
		}
	}
	return string(r)
}

// isStop reports a sentence end of the scripts that put a space after it.
func isStop(r rune) bool { return r == '.' || r == '!' || r == '?' }

// isFullStop reports a sentence end that needs no space after it (Chinese,
// Japanese, Devanagari).
func isFullStop(r rune) bool {
	return r == '。' || r == '！' || r == '？' || r == '।'
}
