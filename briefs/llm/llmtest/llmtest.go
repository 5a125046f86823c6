// Package llmtest is a fake OpenAI-compatible chat-completions server for
// tests. It speaks the wire format of the real servers (OpenAI, Ollama's
// /v1, llama.cpp's server, vLLM): a POST to /v1/chat/completions answered
// with choices[0].message.content, finish_reason and usage, and errors as
// {"error": {"message": ...}}. So a client that works against it works
// against them, and a test can script every answer a real server gives,
// including the ones that are hard to provoke (a rate limit, a hang, an
// answer cut at max tokens).
//
// It listens on 127.0.0.1 only and stops when the test ends; a request it
// holds is let go when the client gives up or the test ends, so nothing
// leaks.
package llmtest

import (
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// Request is a request the server received.
type Request struct {
	Method string
	Path   string      // e.g. /v1/chat/completions
	Query  string      // the raw query, "" when none
	Header http.Header // as sent, Authorization included
	Body   ChatRequest // decoded from Raw
	Raw    []byte      // the body as sent
}

// ChatRequest is the body of a chat-completions request. Optional fields are
// pointers, so that a test can tell "sent as 0" from "not sent".
type ChatRequest struct {
	Model          string          `json:"model"`
	Messages       []Message       `json:"messages"`
	Temperature    *float64        `json:"temperature,omitempty"`
	MaxTokens      *int            `json:"max_tokens,omitempty"`
	ResponseFormat *ResponseFormat `json:"response_format,omitempty"`
	Stream         bool            `json:"stream,omitempty"`
}

// Message is one message of a chat.
type Message struct {
	Role    string `json:"role"`
	Content string `json:"content"`
}

// ResponseFormat asks for JSON ({"type": "json_object"}).
type ResponseFormat struct {
	Type string `json:"type"`
}

// Text is the content of the messages of role, one after the other.
func (r Request) Text(role string) string {
	var parts []string
	for _, m := range r.Body.Messages {
		if m.Role == role {
			parts = append(parts, m.Content)
		}
	}
	return strings.Join(parts, "\n")
}

// Reply is what the server answers to one request. The zero value is an
// empty answer (status 200, content "", finish_reason "stop"); the helpers
// below make the usual ones.
type Reply struct {
	Status       int         // 0 means 200
	Header       http.Header // added to the answer (Retry-After, Location)
	Content      string      // choices[0].message.content
	FinishReason string      // "" means "stop"
	// Body, when set, is sent as it is instead of a chat completion (an
	// error document, a broken answer).
	Body string
	// Hold, when not nil, keeps the request waiting for a value on it (or
	// its closing) before the server answers; the request is let go early
	// when the client gives up or the test ends. A test that holds requests
	// controls how many are in flight, and Hang holds one for ever.
	Hold <-chan struct{}
	// hang marks a reply that never comes.
	hang bool
}

// Brief answers with a brief as JSON content, the way a model that follows
// the prompt does.
func Brief(headline, gist string, points ...string) Reply {
	b, err := json.Marshal(map[string]any{"headline": headline, "gist": gist, "points": points})
	if err != nil {
		panic(err)
	}
	return Reply{Content: string(b)}
}

// Content answers with content as it is (prose, fenced JSON, broken JSON).
func Content(content string) Reply { return Reply{Content: content} }

// Empty answers with an empty message.
func Empty() Reply { return Reply{} }

// Cut answers with content cut short because the answer reached max_tokens
// (finish_reason "length").
func Cut(content string) Reply { return Reply{Content: content, FinishReason: "length"} }

// Error answers with an HTTP status and an OpenAI-style error document.
func Error(status int, message string) Reply {
	b, err := json.Marshal(map[string]any{"error": map[string]any{
		"message": message, "type": errorType(status), "param": nil, "code": nil,
	}})
	if err != nil {
		panic(err)
	}
	return Reply{Status: status, Body: string(b)}
}

// RateLimited answers 429 with a Retry-After header (seconds or an HTTP
// date; "" sends none).
func RateLimited(retryAfter string) Reply {
	r := Error(http.StatusTooManyRequests, "Rate limit reached for requests. Please try again later.")
	if retryAfter != "" {
		r.Header = http.Header{"Retry-After": {retryAfter}}
	}
	return r
}

// Redirect answers 307 to location, which keeps the method and body.
func Redirect(location string) Reply {
	return Reply{Status: http.StatusTemporaryRedirect, Header: http.Header{"Location": {location}}}
}

// Hang never answers: the request waits until the client gives up (or the
// test ends).
func Hang() Reply { return Reply{hang: true} }

// Server is a fake chat-completions server.
type Server struct {
	srv     *httptest.Server
	closing chan struct{} // closed when the test ends, to let held requests go

	mu          sync.Mutex
	answer      func(Request) Reply
	requests    []Request
	inFlight    int
	maxInFlight int
}

// DefaultBrief is what the server answers until Answer says otherwise.
var DefaultBrief = Brief("Council approves new bridge",
	"The city council approved a new bridge over the river on Tuesday.",
	"The council voted 7 to 2 in favour of the bridge.",
	"Construction is to start next spring.",
	"The bridge will cost 40 million euros.")

// New starts a server on 127.0.0.1 that stops when t ends.
func New(t testing.TB) *Server {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatalf("llmtest: listen: %v", err)
	}
	s := &Server{closing: make(chan struct{})}
	s.srv = httptest.NewUnstartedServer(http.HandlerFunc(s.serve))
	s.srv.Listener.Close()
	s.srv.Listener = ln
	s.srv.Start()
	t.Cleanup(func() {
		close(s.closing)
		s.srv.Close()
	})
	return s
}

// URL is the base URL of the API, ending in /v1, as a client is configured
// with it (http://127.0.0.1:port/v1).
func (s *Server) URL() string { return s.srv.URL + "/v1" }

// Answer sets how the server answers from now on: f is called once per
// request, as it arrives, from the server's goroutine.
func (s *Server) Answer(f func(req Request) Reply) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.answer = f
}

// AnswerWith answers every request with r.
func (s *Server) AnswerWith(r Reply) { s.Answer(func(Request) Reply { return r }) }

// Requests returns the requests received so far, in order of arrival.
func (s *Server) Requests() []Request {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Request(nil), s.requests...)
}

// MaxInFlight is the largest number of requests the server had received
// and not yet answered at once. A request the client gave up on counts until
// the server notices the client went away.
func (s *Server) MaxInFlight() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.maxInFlight
}

func (s *Server) serve(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	s.inFlight++
	s.maxInFlight = max(s.maxInFlight, s.inFlight)
	s.mu.Unlock()
	answered := false
	defer func() {
		if !answered {
			s.done()
		}
	}()

	raw, err := io.ReadAll(io.LimitReader(r.Body, 8<<20))
	if err != nil {
		return // the client went away
	}
	req := Request{Method: r.Method, Path: r.URL.Path, Query: r.URL.RawQuery, Header: r.Header.Clone(), Raw: raw}
	// Like the real servers, refuse what is not a chat-completions request
	// before any scripted answer.
	var refusal *Reply
	switch {
	case r.URL.Path != "/v1/chat/completions":
		e := Error(http.StatusNotFound, fmt.Sprintf("Invalid URL (%s %s)", r.Method, r.URL.Path))
		refusal = &e
	case r.Method != http.MethodPost:
		e := Error(http.StatusMethodNotAllowed, "Only POST is allowed.")
		refusal = &e
	case !strings.HasPrefix(r.Header.Get("Content-Type"), "application/json"):
		e := Error(http.StatusBadRequest, "The body must be JSON (Content-Type: application/json).")
		refusal = &e
	default:
		if err := json.Unmarshal(raw, &req.Body); err != nil {
			e := Error(http.StatusBadRequest, "We could not parse the JSON body of your request: "+err.Error())
			refusal = &e
		} else if req.Body.Model == "" || len(req.Body.Messages) == 0 {
			e := Error(http.StatusBadRequest, "model and messages are required.")
			refusal = &e
		}
	}

	s.mu.Lock()
	s.requests = append(s.requests, req)
	answer := s.answer
	s.mu.Unlock()

	var reply Reply
	switch {
	case refusal != nil:
		reply = *refusal
	case answer != nil:
		reply = answer(req)
	default:
		reply = DefaultBrief
	}

	if reply.hang || reply.Hold != nil {
		select {
		case <-reply.Hold: // nil for Hang: never ready
		case <-r.Context().Done():
			return
		case <-s.closing:
			return
		}
	}
	// The request stops counting as in flight before its answer is sent, so
	// that a client that sends its next request on reading this answer is
	// not counted twice.
	answered = true
	s.done()
	s.write(w, req, reply)
}

// done marks one request answered or abandoned, once.
func (s *Server) done() {
	s.mu.Lock()
	s.inFlight--
	s.mu.Unlock()
}

func (s *Server) write(w http.ResponseWriter, req Request, reply Reply) {
	for k, vs := range reply.Header {
		for _, v := range vs {
			w.Header().Add(k, v)
		}
	}
	status := reply.Status
	if status == 0 {
		status = http.StatusOK
	}
	body := reply.Body
	if body == "" && status >= 200 && status <= 299 {
		body = completion(req, reply)
	}
	if w.Header().Get("Content-Type") == "" {
		w.Header().Set("Content-Type", "application/json")
	}
	w.Header().Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(status)
	io.WriteString(w, body)
}

// completion is a chat.completion document as OpenAI sends it.
func completion(req Request, reply Reply) string {
	finish := reply.FinishReason
	if finish == "" {
		finish = "stop"
	}
	prompt := 0
	for _, m := range req.Body.Messages {
		prompt += tokens(m.Content)
	}
	done := tokens(reply.Content)
	b, err := json.Marshal(map[string]any{
		"id":      "chatcmpl-llmtest",
		"object":  "chat.completion",
		"created": time.Now().Unix(),
		"model":   req.Body.Model,
		"choices": []any{map[string]any{
			"index":         0,
			"message":       map[string]any{"role": "assistant", "content": reply.Content},
			"logprobs":      nil,
			"finish_reason": finish,
		}},
		"usage": map[string]any{"prompt_tokens": prompt, "completion_tokens": done, "total_tokens": prompt + done},
	})
	if err != nil {
		panic(err)
	}
	return string(b)
}

// tokens is a rough token count (about four bytes a token), enough for a
// plausible usage block.
func tokens(s string) int { return (len(s) + 3) / 4 }

// errorType is the "type" OpenAI gives an error of status.
func errorType(status int) string {
	switch {
	case status == http.StatusUnauthorized || status == http.StatusForbidden:
		return "authentication_error"
	case status == http.StatusTooManyRequests:
		return "rate_limit_error"
	case status >= 500:
		return "server_error"
	}
	return "invalid_request_error"
}
