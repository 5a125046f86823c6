package discordtest

import (
	"encoding/json"
	"fmt"
	"io"
	"math"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/bwmarrin/discordgo"
)

// Discord's JSON error codes used by the fake.
const (
	codeUnknownWebhook     = 10015
	codeUnknownMessage     = 10008
	codeUnknownInteraction = 10062
	codeEmptyMessage       = 50006
	codeAlreadyAcked       = 40060
	codeMissingAccess      = 50001
	codeInvalidFormBody    = 50035
)

// interactionTokenTTL is how long an interaction token accepts webhook calls.
const interactionTokenTTL = 15 * time.Minute

// reply is what the fake answers to one request.
type reply struct {
	status int
	header http.Header
	body   []byte
	// hang: send nothing until the client gives up (a lost answer).
	hang bool
}

func jsonReply(status int, v any) reply {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err)
	}
	return reply{status: status, header: http.Header{"Content-Type": {"application/json"}}, body: b}
}

func errorReply(status, code int, message string) reply {
	return jsonReply(status, map[string]any{"message": message, "code": code})
}

func noContent() reply { return reply{status: http.StatusNoContent} }

func (s *Server) serveREST(w http.ResponseWriter, r *http.Request) {
	body, err := io.ReadAll(io.LimitReader(r.Body, 16<<20))
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	auth := r.Header.Get("Authorization")
	authorized := auth != "" && strings.TrimPrefix(auth, "Bot ") == s.cfg.token
	header := r.Header.Clone()
	if header.Get("Authorization") != "" {
		header.Set("Authorization", "[redacted]")
	}
	now := time.Now()

	s.mu.Lock()
	rep := s.answerLocked(r.Method, r.URL.Path, r.URL.Query().Get("wait") == "true", body, authorized, now)
	s.reqSeq++
	req := Request{
		Seq:        s.reqSeq,
		Method:     r.Method,
		Path:       r.URL.Path,
		Query:      r.URL.RawQuery,
		Header:     header,
		Authorized: authorized,
		Body:       body,
		Status:     rep.status,
		At:         now,
	}
	s.requests = append(s.requests, req)
	if req.OK() && r.Method == http.MethodPost && strings.HasSuffix(r.URL.Path, "/callback") {
		if id := pathSegments(r.URL.Path); len(id) == 4 {
			if _, seen := s.callbacks[id[1]]; !seen {
				s.callbacks[id[1]] = len(s.requests) - 1
			}
		}
	}
	s.notifyLocked()
	s.mu.Unlock()

	if rep.hang {
		select {
		case <-r.Context().Done():
		case <-s.quit:
		case <-time.After(time.Minute):
		}
		return
	}
	for k, v := range rep.header {
		w.Header()[k] = v
	}
	w.WriteHeader(rep.status)
	_, _ = w.Write(rep.body)
}

// pathSegments splits a path below /api/v9 into its segments.
func pathSegments(path string) []string {
	return strings.Split(strings.Trim(strings.TrimPrefix(path, APIPrefix), "/"), "/")
}

// answerLocked decides the reply: injected failures first, then the global
// rate limit, then the route. The caller holds s.mu.
func (s *Server) answerLocked(method, path string, wait bool, body []byte, authorized bool, now time.Time) reply {
	for i, f := range s.failures {
		if (f.method == "" || f.method == method) && strings.HasPrefix(path, f.prefix) {
			f.left--
			if f.left <= 0 {
				s.failures = append(s.failures[:i:i], s.failures[i+1:]...)
			}
			return failureReply(f.status, f.retryAfter, false, now)
		}
	}
	seg := pathSegments(path)
	for i, f := range s.losses {
		if f.method == method && strings.HasPrefix(path, f.prefix) {
			f.left--
			if f.left <= 0 {
				s.losses = append(s.losses[:i:i], s.losses[i+1:]...)
			}
			rep := s.routeLocked(method, seg, wait, body, authorized, now)
			if f.lose == LoseByHanging {
				return reply{status: rep.status, hang: true}
			}
			return errorReply(http.StatusBadGateway, 0, "502: Bad Gateway")
		}
	}
	if s.cfg.globalLimit > 0 && !s.interactionRoute(seg) {
		if now.Sub(s.window) >= time.Second {
			s.window, s.windowCount = now, 0
		}
		s.windowCount++
		if s.windowCount > s.cfg.globalLimit {
			return failureReply(http.StatusTooManyRequests, s.window.Add(time.Second).Sub(now), true, now)
		}
	}
	return s.routeLocked(method, seg, wait, body, authorized, now)
}

// interactionRoute reports whether a route is an interaction callback or an
// interaction webhook, which Discord exempts from the global limit.
func (s *Server) interactionRoute(seg []string) bool {
	return seg[0] == "interactions" || (seg[0] == "webhooks" && len(seg) > 1 && seg[1] == s.cfg.appID)
}

// failureReply is an injected error; a 429 looks like Discord's.
func failureReply(status int, retryAfter time.Duration, global bool, now time.Time) reply {
	if status != http.StatusTooManyRequests {
		text := http.StatusText(status)
		return errorReply(status, 0, fmt.Sprintf("%d: %s", status, text))
	}
	secs := retryAfter.Seconds()
	rep := jsonReply(status, map[string]any{"message": "You are being rate limited.", "retry_after": secs, "global": global, "code": 0})
	h := rep.header
	h.Set("Retry-After", strconv.Itoa(int(math.Ceil(secs))))
	if global {
		h.Set("X-RateLimit-Global", "true")
		h.Set("X-RateLimit-Scope", "global")
	} else {
		reset := float64(now.Add(retryAfter).UnixMilli()) / 1000
		h.Set("X-RateLimit-Limit", "1")
		h.Set("X-RateLimit-Remaining", "0")
		h.Set("X-RateLimit-Reset", strconv.FormatFloat(reset, 'f', 3, 64))
		h.Set("X-RateLimit-Reset-After", strconv.FormatFloat(secs, 'f', 3, 64))
		h.Set("X-RateLimit-Bucket", "fakebucket")
		h.Set("X-RateLimit-Scope", "user")
	}
	return rep
}

func unauthorized() reply { return errorReply(http.StatusUnauthorized, 0, "401: Unauthorized") }

func notFound() reply { return errorReply(http.StatusNotFound, 0, "404: Not Found") }

func (s *Server) routeLocked(method string, seg []string, wait bool, body []byte, authorized bool, now time.Time) reply {
	n := len(seg)
	switch {
	case n == 1 && seg[0] == "gateway" && method == http.MethodGet:
		return jsonReply(http.StatusOK, map[string]any{"url": s.gatewayURL})
	case n == 2 && seg[0] == "gateway" && seg[1] == "bot" && method == http.MethodGet:
		if !authorized {
			return unauthorized()
		}
		return jsonReply(http.StatusOK, map[string]any{
			"url": s.gatewayURL, "shards": s.cfg.shards,
			"session_start_limit": map[string]any{"total": 1000, "remaining": 1000, "reset_after": 0, "max_concurrency": 1},
		})
	case n == 2 && seg[0] == "users" && seg[1] == "@me" && method == http.MethodGet:
		if !authorized {
			return unauthorized()
		}
		return jsonReply(http.StatusOK, s.BotUser())
	case seg[0] == "applications" && (n == 3 && seg[2] == "commands" || n == 5 && seg[2] == "guilds" && seg[4] == "commands"):
		if !authorized {
			return unauthorized()
		}
		if seg[1] != s.cfg.appID {
			return errorReply(http.StatusForbidden, codeMissingAccess, "Missing Access")
		}
		guild := ""
		if n == 5 {
			guild = seg[3]
		}
		switch method {
		case http.MethodGet:
			return jsonReply(http.StatusOK, nonNil(s.commands[guild]))
		case http.MethodPut:
			return s.bulkOverwriteLocked(guild, body)
		}
	case n == 4 && seg[0] == "interactions" && seg[3] == "callback" && method == http.MethodPost:
		return s.callbackLocked(seg[1], seg[2], body, now)
	case seg[0] == "webhooks" && n >= 3:
		return s.webhookLocked(method, seg, wait, body, now)
	case n == 3 && seg[0] == "channels" && seg[2] == "messages" && method == http.MethodPost:
		if !authorized {
			return unauthorized()
		}
		if problem := messageProblem(body); problem != "" {
			return errorReply(http.StatusBadRequest, codeEmptyMessage, problem)
		}
		return s.createMessageLocked(seg[1], body, now)
	}
	return notFound()
}

// nonceWindow is how long a nonce sent with enforce_nonce is remembered:
// Discord documents "a few minutes".
const nonceWindow = 5 * time.Minute

// createMessageLocked creates a channel message. As on Discord, a create
// whose nonce (at most 25 characters) was already used in the channel within
// the last few minutes, sent with enforce_nonce, creates nothing and
// returns the message the first one created.
func (s *Server) createMessageLocked(channelID string, body []byte, now time.Time) reply {
	var in struct {
		Nonce        json.RawMessage `json:"nonce"`
		EnforceNonce bool            `json:"enforce_nonce"`
	}
	_ = json.Unmarshal(body, &in)
	nonce := ""
	if len(in.Nonce) > 0 && string(in.Nonce) != "null" {
		var str string
		if json.Unmarshal(in.Nonce, &str) == nil {
			nonce = str
		} else {
			nonce = string(in.Nonce) // an integer nonce
		}
	}
	if len(nonce) > 25 {
		return errorReply(http.StatusBadRequest, codeInvalidFormBody, "Invalid Form Body: nonce: Must be 25 or fewer in length.")
	}
	if nonce != "" && in.EnforceNonce {
		for _, m := range s.channelMsgs[channelID] {
			if m.nonce == nonce && now.Sub(m.at) < nonceWindow {
				return jsonReply(http.StatusOK, withoutBody(m.msg))
			}
		}
	}
	msg := s.messageLocked(s.nextIDLocked(), channelID, body, "")
	if nonce != "" {
		msg["nonce"] = nonce
	}
	stored := map[string]any{"_body": append([]byte(nil), body...)}
	for k, v := range msg {
		stored[k] = v
	}
	s.channelMsgs[channelID] = append(s.channelMsgs[channelID], &channelMessage{msg: stored, nonce: nonce, at: now})
	return jsonReply(http.StatusOK, msg)
}

// withoutBody is a stored message as Discord returns it.
func withoutBody(m map[string]any) map[string]any {
	out := make(map[string]any, len(m))
	for k, v := range m {
		if k != "_body" {
			out[k] = v
		}
	}
	return out
}

func nonNil(cmds []*discordgo.ApplicationCommand) []*discordgo.ApplicationCommand {
	if cmds == nil {
		return []*discordgo.ApplicationCommand{}
	}
	return cmds
}

func (s *Server) nextIDLocked() string {
	s.nextID++
	return strconv.FormatInt(s.nextID, 10)
}

// messageLocked builds the message object Discord returns for a sent body.
func (s *Server) messageLocked(id, channelID string, body []byte, webhookID string) map[string]any {
	var in struct {
		Content string          `json:"content"`
		Embeds  json.RawMessage `json:"embeds"`
		Flags   int             `json:"flags"`
	}
	_ = json.Unmarshal(body, &in)
	msg := map[string]any{
		"id": id, "type": 0, "channel_id": channelID, "content": in.Content,
		"timestamp": time.Now().UTC().Format(time.RFC3339Nano), "author": s.BotUser(),
		"flags": in.Flags, "tts": false, "mention_everyone": false, "pinned": false,
		"mentions": []any{}, "mention_roles": []any{}, "attachments": []any{}, "embeds": []any{},
	}
	if len(in.Embeds) > 0 && string(in.Embeds) != "null" {
		msg["embeds"] = in.Embeds
	}
	if webhookID != "" {
		msg["webhook_id"] = webhookID
		msg["application_id"] = s.cfg.appID
	}
	return msg
}

// messageProblem says why a message body would be refused, "" when fine.
func messageProblem(body []byte) string {
	var m struct {
		Content    string            `json:"content"`
		Embeds     []json.RawMessage `json:"embeds"`
		Components []json.RawMessage `json:"components"`
	}
	if err := json.Unmarshal(body, &m); err != nil {
		return "Invalid Form Body: " + err.Error()
	}
	if m.Content == "" && len(m.Embeds) == 0 && len(m.Components) == 0 {
		return "Cannot send an empty message"
	}
	if len([]rune(m.Content)) > 2000 {
		return "Invalid Form Body: content: Must be 2000 or fewer in length."
	}
	if len(m.Embeds) > 10 {
		return "Invalid Form Body: embeds: Must be 10 or fewer in length."
	}
	return ""
}

// validResponses lists the response types Discord accepts per interaction type.
var validResponses = map[discordgo.InteractionType][]discordgo.InteractionResponseType{
	discordgo.InteractionPing: {discordgo.InteractionResponsePong},
	discordgo.InteractionApplicationCommand: {discordgo.InteractionResponseChannelMessageWithSource,
		discordgo.InteractionResponseDeferredChannelMessageWithSource, discordgo.InteractionResponseModal},
	discordgo.InteractionMessageComponent: {discordgo.InteractionResponseChannelMessageWithSource,
		discordgo.InteractionResponseDeferredChannelMessageWithSource, discordgo.InteractionResponseDeferredMessageUpdate,
		discordgo.InteractionResponseUpdateMessage, discordgo.InteractionResponseModal},
	discordgo.InteractionApplicationCommandAutocomplete: {discordgo.InteractionApplicationCommandAutocompleteResult},
	discordgo.InteractionModalSubmit: {discordgo.InteractionResponseChannelMessageWithSource,
		discordgo.InteractionResponseDeferredChannelMessageWithSource, discordgo.InteractionResponseDeferredMessageUpdate,
		discordgo.InteractionResponseUpdateMessage},
}

func (s *Server) callbackLocked(id, token string, body []byte, now time.Time) reply {
	st := s.interactions[id]
	if st == nil || st.token != token {
		return errorReply(http.StatusNotFound, codeUnknownInteraction, "Unknown interaction")
	}
	if d := s.cfg.callbackDeadline; d > 0 && now.Sub(st.created) > d {
		return errorReply(http.StatusNotFound, codeUnknownInteraction, "Unknown interaction")
	}
	if st.responded {
		return errorReply(http.StatusBadRequest, codeAlreadyAcked, "Interaction has already been acknowledged.")
	}
	return s.acceptResponseLocked(st, body)
}

// acceptResponseLocked checks an initial response to an interaction as
// Discord does and, when it is valid, records the interaction as answered;
// the caller holds s.mu.
func (s *Server) acceptResponseLocked(st *interactionState, body []byte) reply {
	var resp struct {
		Type discordgo.InteractionResponseType `json:"type"`
		Data *struct {
			Content    string             `json:"content"`
			Embeds     []json.RawMessage  `json:"embeds"`
			Components []json.RawMessage  `json:"components"`
			Choices    *[]json.RawMessage `json:"choices"`
			CustomID   string             `json:"custom_id"`
			Title      string             `json:"title"`
		} `json:"data"`
	}
	if err := json.Unmarshal(body, &resp); err != nil {
		return errorReply(http.StatusBadRequest, codeInvalidFormBody, "Invalid Form Body: "+err.Error())
	}
	ok := false
	for _, t := range validResponses[st.typ] {
		ok = ok || t == resp.Type
	}
	if !ok {
		return errorReply(http.StatusBadRequest, codeInvalidFormBody, fmt.Sprintf("Invalid Form Body: type: response type %d is not valid for interaction type %d", resp.Type, st.typ))
	}
	switch resp.Type {
	case discordgo.InteractionResponseChannelMessageWithSource:
		if resp.Data == nil {
			return errorReply(http.StatusBadRequest, codeEmptyMessage, "Cannot send an empty message")
		}
		raw, _ := json.Marshal(resp.Data)
		if p := messageProblem(raw); p != "" {
			return errorReply(http.StatusBadRequest, codeEmptyMessage, p)
		}
	case discordgo.InteractionApplicationCommandAutocompleteResult:
		// discordgo omits an empty choices list (omitempty); accepted.
		if resp.Data == nil || resp.Data.Choices != nil && len(*resp.Data.Choices) > 25 {
			return errorReply(http.StatusBadRequest, codeInvalidFormBody, "Invalid Form Body: data.choices: at most 25 choices")
		}
	case discordgo.InteractionResponseModal:
		if resp.Data == nil || resp.Data.CustomID == "" || resp.Data.Title == "" || len(resp.Data.Components) == 0 {
			return errorReply(http.StatusBadRequest, codeInvalidFormBody, "Invalid Form Body: a modal needs custom_id, title and components")
		}
	}
	st.responded, st.respType = true, resp.Type
	if st.originalID == "" {
		st.originalID = s.nextIDLocked()
	}
	return noContent()
}

func (s *Server) webhookLocked(method string, seg []string, wait bool, body []byte, now time.Time) reply {
	st := s.tokens[seg[2]]
	if seg[1] != s.cfg.appID || st == nil || now.Sub(st.created) > interactionTokenTTL {
		return errorReply(http.StatusNotFound, codeUnknownWebhook, "Unknown Webhook")
	}
	hasMessage := st.responded && st.respType != discordgo.InteractionResponseModal &&
		st.respType != discordgo.InteractionApplicationCommandAutocompleteResult
	switch {
	case len(seg) == 3 && method == http.MethodPost: // follow-up
		if !hasMessage {
			return errorReply(http.StatusNotFound, codeUnknownWebhook, "Unknown Webhook")
		}
		if p := messageProblem(body); p != "" {
			return errorReply(http.StatusBadRequest, codeEmptyMessage, p)
		}
		msg := s.messageLocked(s.nextIDLocked(), st.channelID, body, s.cfg.appID)
		if !wait {
			return noContent()
		}
		return jsonReply(http.StatusOK, msg)
	case len(seg) == 5 && seg[3] == "messages":
		if !hasMessage || (seg[4] != "@original" && seg[4] != st.originalID) {
			return errorReply(http.StatusNotFound, codeUnknownMessage, "Unknown Message")
		}
		switch method {
		case http.MethodGet:
			return jsonReply(http.StatusOK, s.messageLocked(st.originalID, st.channelID, nil, s.cfg.appID))
		case http.MethodPatch:
			var probe map[string]json.RawMessage
			if err := json.Unmarshal(body, &probe); err != nil {
				return errorReply(http.StatusBadRequest, codeInvalidFormBody, "Invalid Form Body: "+err.Error())
			}
			return jsonReply(http.StatusOK, s.messageLocked(st.originalID, st.channelID, body, s.cfg.appID))
		case http.MethodDelete:
			return noContent()
		}
	}
	return notFound()
}

var commandName = regexp.MustCompile(`^[-_\p{Ll}\p{Lo}\p{N}]{1,32}$`)

// bulkOverwriteLocked replaces the commands of a guild (or the global ones)
// after checking them as Discord does, keeping the ids of commands whose
// names survive.
func (s *Server) bulkOverwriteLocked(guild string, body []byte) reply {
	var cmds []*discordgo.ApplicationCommand
	if err := json.Unmarshal(body, &cmds); err != nil {
		return errorReply(http.StatusBadRequest, codeInvalidFormBody, "Invalid Form Body: "+err.Error())
	}
	if len(cmds) > 100 {
		return errorReply(http.StatusBadRequest, codeInvalidFormBody, "Invalid Form Body: at most 100 commands")
	}
	seen := map[string]bool{}
	for i, c := range cmds {
		if c == nil {
			return errorReply(http.StatusBadRequest, codeInvalidFormBody, fmt.Sprintf("Invalid Form Body: %d: null command", i))
		}
		if seen[c.Name] {
			return errorReply(http.StatusBadRequest, codeInvalidFormBody, fmt.Sprintf("Invalid Form Body: %d.name: duplicate command name %q", i, c.Name))
		}
		seen[c.Name] = true
		chat := c.Type == 0 || c.Type == discordgo.ChatApplicationCommand
		if p := checkCommand(c.Name, c.Description, chat, c.Options, 0); p != "" {
			return errorReply(http.StatusBadRequest, codeInvalidFormBody, fmt.Sprintf("Invalid Form Body: %d: %s", i, p))
		}
	}
	old := map[string]string{}
	for _, c := range s.commands[guild] {
		old[c.Name] = c.ID
	}
	for _, c := range cmds {
		c.ID = old[c.Name]
		if c.ID == "" {
			c.ID = s.nextIDLocked()
		}
		c.ApplicationID, c.GuildID, c.Version = s.cfg.appID, guild, s.nextIDLocked()
		if c.Type == 0 {
			c.Type = discordgo.ChatApplicationCommand
		}
	}
	s.commands[guild] = cmds
	return jsonReply(http.StatusOK, nonNil(cmds))
}

// checkCommand checks a command's or option's name, description and options.
func checkCommand(name, desc string, chat bool, opts []*discordgo.ApplicationCommandOption, depth int) string {
	if !commandName.MatchString(name) {
		return fmt.Sprintf("name %q: must be 1-32 lowercase letters, digits, - or _", name)
	}
	if chat && (len([]rune(desc)) < 1 || len([]rune(desc)) > 100) {
		return fmt.Sprintf("%s.description: must be 1 to 100 characters", name)
	}
	if len(opts) > 25 {
		return fmt.Sprintf("%s.options: at most 25", name)
	}
	optional := false
	seen := map[string]bool{}
	for _, o := range opts {
		if o == nil {
			return name + ".options: null option"
		}
		if seen[o.Name] {
			return fmt.Sprintf("%s.options: duplicate option %q", name, o.Name)
		}
		seen[o.Name] = true
		sub := o.Type == discordgo.ApplicationCommandOptionSubCommand || o.Type == discordgo.ApplicationCommandOptionSubCommandGroup
		if sub && depth >= 2 {
			return fmt.Sprintf("%s.%s: subcommands nest too deep", name, o.Name)
		}
		if !sub {
			if o.Required && optional {
				return fmt.Sprintf("%s.%s: required options must come before optional ones", name, o.Name)
			}
			optional = optional || !o.Required
		}
		if o.Autocomplete && len(o.Choices) > 0 {
			return fmt.Sprintf("%s.%s: autocomplete and choices are exclusive", name, o.Name)
		}
		if len(o.Choices) > 25 {
			return fmt.Sprintf("%s.%s.choices: at most 25", name, o.Name)
		}
		if o.MaxLength > 6000 {
			return fmt.Sprintf("%s.%s.max_length: at most 6000", name, o.Name)
		}
		if p := checkCommand(o.Name, o.Description, true, o.Options, depth+1); p != "" {
			return name + "." + p
		}
	}
	return ""
}
