package llm

import (
	"encoding/json"
	"fmt"
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"

	"briefbot/briefs"
)

// Limits of a brief in an answer. An answer over them is refused rather
// than cut: a cut gist or point could say something the article does not.
const (
	maxHeadlineRunes = 256
	maxGistRunes     = 300
	maxPointRunes    = 300
	minPoints        = 3
	maxPoints        = 5
)

// parseCompletion returns the content of the first choice of a
// chat-completions answer, refusing an answer that is not one or that the
// model did not finish.
func (c *Client) parseCompletion(data []byte) (string, error) {
	var resp struct {
		Choices []struct {
			Message struct {
				Content *string `json:"content"`
				Refusal string  `json:"refusal"`
			} `json:"message"`
			FinishReason string `json:"finish_reason"`
		} `json:"choices"`
	}
	if err := json.Unmarshal(data, &resp); err != nil {
		return "", wrap(err, briefs.EINVALID, "The LLM server's answer is not a chat completion. Check the LLM base URL.")
	}
	if len(resp.Choices) == 0 {
		return "", noBrief(briefs.Errorf(briefs.EINVALID, "The LLM server's answer has no message."))
	}
	ch := resp.Choices[0]
	switch {
	case ch.Message.Refusal != "":
		return "", noBrief(wrap(fmt.Errorf("refusal %q", briefs.Truncate(ch.Message.Refusal, 200)), briefs.EINVALID, "The model refused to summarize the article."))
	case ch.FinishReason == "length":
		return "", noBrief(briefs.Errorf(briefs.EINVALID, "The LLM's answer was cut at max tokens (%d).", c.cfg.MaxTokens))
	case ch.FinishReason == "content_filter":
		return "", noBrief(briefs.Errorf(briefs.EINVALID, "The LLM provider's content filter stopped the answer."))
	case ch.Message.Content == nil || strings.TrimSpace(*ch.Message.Content) == "":
		return "", noBrief(briefs.Errorf(briefs.EINVALID, "The LLM gave an empty answer."))
	}
	return *ch.Message.Content, nil
}

// noBrief marks err as a failure of the model's answer itself, not of the
// set-up (briefs.ErrNoBrief).
func noBrief(err error) error { return fmt.Errorf("%w (%w)", err, briefs.ErrNoBrief) }

// brief is the JSON object the prompt asks for.
type brief struct {
	Headline string   `json:"headline"`
	Gist     string   `json:"gist"`
	Points   []string `json:"points"`
}

// parseBrief reads content as one JSON brief (surrounding white space and a
// ```json fence allowed, nothing else) and checks it. Strings are trimmed
// and their runs of white space made one space, since a brief is shown line
// by line; nothing else is changed: an answer that breaks a rule is refused
// with the rule, so the caller can fall back rather than show a repaired
// guess.
func parseBrief(content string) (brief, error) {
	s, ok := unfence(strings.TrimSpace(content))
	// The model's words stay out of the message, which users may read; the
	// cause, for the logs, quotes them.
	if !ok || !strings.HasPrefix(s, "{") {
		return brief{}, wrap(fmt.Errorf("answer %q", briefs.Truncate(content, 200)), briefs.EINVALID, "The LLM's answer is not one JSON object.")
	}
	var b brief
	if err := json.Unmarshal([]byte(s), &b); err != nil {
		return brief{}, wrap(fmt.Errorf("answer %q: %w", briefs.Truncate(content, 200), err), briefs.EINVALID, "The LLM's answer is not a brief in JSON.")
	}
	b.Headline, b.Gist = oneLine(b.Headline), oneLine(b.Gist)
	for i := range b.Points {
		b.Points[i] = oneLine(b.Points[i])
	}
	if err := b.check(); err != nil {
		return brief{}, err
	}
	return b, nil
}

// unfence removes a Markdown code fence (``` or ```json) around s, which
// models add even when asked for JSON only; ok is false for an opened fence
// that does not close at the end.
func unfence(s string) (string, bool) {
	if !strings.HasPrefix(s, "```") {
		return s, true
	}
	first, rest, found := strings.Cut(s, "\n")
	if lang := strings.TrimSpace(strings.TrimPrefix(first, "```")); !found || (lang != "" && !strings.EqualFold(lang, "json")) {
		return "", false
	}
	rest = strings.TrimSpace(rest)
	if !strings.HasSuffix(rest, "```") {
		return "", false
	}
	return strings.TrimSpace(strings.TrimSuffix(rest, "```")), true
}

func (b brief) check() error {
	bad := func(format string, args ...any) error {
		return briefs.Errorf(briefs.EINVALID, "The LLM's brief is not usable: "+format+".", args...)
	}
	switch n := utf8.RuneCountInString(b.Headline); {
	case n == 0:
		return bad("it has no headline")
	case n > maxHeadlineRunes:
		return bad("the headline is longer than %d characters", maxHeadlineRunes)
	}
	switch n := utf8.RuneCountInString(b.Gist); {
	case n == 0:
		return bad("it has no gist")
	case n > maxGistRunes:
		return bad("the gist is longer than %d characters", maxGistRunes)
	case moreThanOneSentence(b.Gist):
		return bad("the gist is more than one sentence")
	}
	if n := len(b.Points); n < minPoints || n > maxPoints {
		return bad("it has %d points, not %d to %d", n, minPoints, maxPoints)
	}
	seen := make(map[string]bool, len(b.Points))
	for i, p := range b.Points {
		switch n := utf8.RuneCountInString(p); {
		case n == 0:
			return bad("point %d is empty", i+1)
		case n > maxPointRunes:
			return bad("point %d is longer than %d characters", i+1, maxPointRunes)
		case seen[strings.ToLower(p)]:
			return bad("point %d repeats another", i+1)
		}
		seen[strings.ToLower(p)] = true
	}
	for _, s := range append([]string{b.Headline, b.Gist}, b.Points...) {
		if why := markup(s); why != "" {
			return bad("it contains %s", why)
		}
	}
	return nil
}

var (
	// htmlTag is an opening, closing or self-closing tag, or the start of a
	// comment; "a < b", "<3" and "<name@example.com>" are not.
	htmlTag = regexp.MustCompile(`</?[A-Za-z][A-Za-z0-9-]*(\s[^<>]*)?/?>|<!--`)
	// discordMention is Discord's mention syntax: a user, a role, a channel.
	discordMention = regexp.MustCompile(`<(@[!&]?|#)[0-9]+>`)
	// massMention pings everyone in a channel.
	massMention = regexp.MustCompile(`(?i)@(everyone|here)\b`)
)

// markup names the markup in s that a brief must not carry ("" when none):
// a brief is posted to Discord as text, where a tag is noise and a mention
// pings people.
func markup(s string) string {
	switch {
	case massMention.MatchString(s):
		return "an @everyone or @here mention"
	case discordMention.MatchString(s):
		return "a Discord mention"
	case htmlTag.MatchString(s):
		return "an HTML tag"
	}
	return ""
}

// oneLine trims s and makes each run of white space one space.
func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }

// moreThanOneSentence reports whether s goes on after a sentence end: a
// '.', '!' or '?' followed by a space and a capital letter, or a CJK full
// stop followed by anything. It is lenient where it cannot tell: a dot after
// an abbreviation ("Dr.", "U.S."), a number (the German ordinal "3.
// Oktober") or a short capitalised word does not end a sentence, and
// scripts without capitals are judged by their own full stops only.
func moreThanOneSentence(s string) bool {
	r := []rune(s)
	for i := 0; i < len(r)-1; i++ {
		if isFullStop(r[i]) {
			if rest := strings.TrimFunc(string(r[i+1:]), isClosing); rest != "" {
				return true
			}
			continue
		}
		if !isStop(r[i]) {
			continue
		}
		j := i + 1
		for j < len(r) && isClosing(r[j]) {
			j++
		}
		if j >= len(r) || !unicode.IsSpace(r[j]) {
			continue
		}
		for j < len(r) && (unicode.IsSpace(r[j]) || isOpening(r[j])) {
			j++
		}
		if j >= len(r) || !unicode.IsUpper(r[j]) {
			continue
		}
		if r[i] == '.' && abbreviation(r[:i]) {
			continue
		}
		return true
	}
	return false
}

// abbreviation reports whether the word that ends text reads as an
// abbreviation or a number rather than the last word of a sentence.
func abbreviation(text []rune) bool {
	start := len(text)
	for start > 0 && !unicode.IsSpace(text[start-1]) {
		start--
	}
	w := strings.TrimLeftFunc(string(text[start:]), isOpening)
	if w == "" || strings.Contains(w, ".") {
		return true
	}
	digits := strings.IndexFunc(w, func(r rune) bool { return !unicode.IsDigit(r) }) < 0
	first, _ := utf8.DecodeRuneInString(w)
	return digits || (unicode.IsUpper(first) && utf8.RuneCountInString(w) <= 3)
}

func isClosing(r rune) bool { return strings.ContainsRune(`"')]»”’」』`, r) }
func isOpening(r rune) bool { return strings.ContainsRune(`"'([«“‘「『`, r) }
