package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"briefbot/briefs"
	"briefbot/briefs/llm/llmtest"
)

// llmCLI is the command line with SUMMARIZER=llm pointed at a fake
// OpenAI-compatible server on loopback.
func llmCLI(t *testing.T) (*cli, *llmtest.Server) {
	t.Helper()
	srv := llmtest.New(t)
	c := newCLI(t)
	c.env["SUMMARIZER"] = "llm"
	c.env["LLM_BASE_URL"] = srv.URL()
	c.env["LLM_MODEL"] = "test-model"
	c.env["LLM_API_KEY"] = "sk-secret-test-key"
	return c, srv
}

// A faithful model brief replaces the extractive one; one with an invented
// number is rejected and the extractive brief stays, saying why; the same
// text costs one call; the key shows nowhere.
func TestAddWithLanguageModel(t *testing.T) {
	c, srv := llmCLI(t)
	srv.AnswerWith(llmtest.Brief("Putin and Kim sign a pact",
		"Vladimir Putin and Kim Jong Un made a big deal of their newly cemented partnership on Wednesday.",
		"Neither side has released the text of the agreement.",
		"Putin said the agreement provides for mutual assistance in the event of aggression against one of the parties.",
		"The Russian leader is visiting North Korea for the first time in two decades."))
	var b briefs.Brief
	r := c.mustRun(readSample(t), "add", "--json", "--slug", "pact", "-")
	if err := json.Unmarshal([]byte(r.stdout), &b); err != nil {
		t.Fatalf("add --json: %v\n%s", err, r.stdout)
	}
	if b.Summarizer != "llm/test-model/p1 (checked against the article)" || !strings.Contains(b.Gist, "newly cemented partnership") {
		t.Fatalf("faithful model brief not kept: %q / %q\n%s", b.Summarizer, b.Gist, r.stderr)
	}
	if got := c.mustRun("", "brief", "pact"); !strings.Contains(got.stdout, "mutual assistance in the event of aggression against one of the parties.") {
		t.Errorf("the stored brief is not the model's:\n%s", got.stdout)
	}

	srv.AnswerWith(llmtest.Brief("Putin and Kim sign a pact",
		"Vladimir Putin and Kim Jong Un made a big deal of their newly cemented partnership on Wednesday.",
		"Neither side has released the text of the agreement.",
		"Putin is visiting North Korea for the first time in five decades.",
		"The pact was signed by 4,000 officials."))
	r = c.mustRun(readSample(t)+"\nA paragraph more.", "add", "--json", "--slug", "pact-two", "-")
	b = briefs.Brief{}
	if err := json.Unmarshal([]byte(r.stdout), &b); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(b.Summarizer, "rejected: number") || strings.Contains(b.Gist+strings.Join(b.Bullets, " "), "4,000") {
		t.Errorf("invented facts not rejected: %q\n%+v", b.Summarizer, b)
	}
	calls := len(srv.Requests())
	c.mustRun(readSample(t), "add", "--guild", "other", "-")
	if n := len(srv.Requests()); n != calls {
		t.Errorf("the same text cost %d more calls", n-calls)
	}
	for _, req := range srv.Requests() {
		if req.Header.Get("Authorization") != "Bearer sk-secret-test-key" {
			t.Errorf("request without the key: %q", req.Header.Get("Authorization"))
		}
	}
	if strings.Contains(r.stdout+r.stderr, "sk-secret") {
		t.Error("the API key was printed")
	}
}

// SUMMARIZER=llm without a model, or with a URL that is no http(s) URL,
// stops at start-up naming the variable.
func TestLanguageModelConfig(t *testing.T) {
	for _, tc := range []struct {
		env  map[string]string
		want string
	}{
		{map[string]string{"SUMMARIZER": "llm"}, "LLM_MODEL"},
		{map[string]string{"SUMMARIZER": "llm", "LLM_MODEL": "m", "LLM_BASE_URL": "ftp://x"}, "LLM_BASE_URL"},
		{map[string]string{"SUMMARIZER": "gpt"}, "SUMMARIZER"},
	} {
		c := newCLI(t)
		for k, v := range tc.env {
			c.env[k] = v
		}
		if r := c.run("", "list"); r.err == nil || !strings.Contains(r.err.Error(), tc.want) {
			t.Errorf("%v: %v; want an error naming %s", tc.env, r.err, tc.want)
		}
	}
}

// eval --summarizer llm scores the model's briefs as shown: a faithful one
// as written, a rejected one as the extractive brief, and says how many of
// each.
func TestEvalWithLanguageModel(t *testing.T) {
	c, srv := llmCLI(t)
	srv.Answer(func(req llmtest.Request) llmtest.Reply {
		if strings.Contains(string(req.Raw), "ferry") {
			return llmtest.Brief("Ferry line approved", "The harbour authority approved a new ferry line on Tuesday.",
				"The line will start in the spring.", "It will cost about 4 million euros.", "The council votes on the budget in January.")
		}
		return llmtest.Brief("Bridge closes", "The old bridge will close for 12 months of repairs.",
			"Repairs start in March.", "Traffic moves to the ring road.", "The city pays 7 million euros.")
	})
	data := filepath.Join(t.TempDir(), "dev.jsonl")
	lines := []string{
		`{"id":"a","article":"The harbour authority approved a new ferry line on Tuesday after months of talks with the city council. Officials said the line would start in the spring and cost about 4 million euros. Residents welcomed the decision at a public meeting on Tuesday evening. The council will vote on the final budget in January, the mayor's office said.","reference_summary":"A new ferry line was approved.\nIt starts in spring."}`,
		`{"id":"b","article":"The old bridge will close for six months of repairs, the city said on Monday. Repairs start in March and traffic will move to the ring road. The city pays 2 million euros for the work. Shops near the bridge fear losing customers during the closure.","reference_summary":"The old bridge closes for repairs.\nTraffic moves to the ring road."}`,
	}
	if err := os.WriteFile(data, []byte(strings.Join(lines, "\n")+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	r := c.mustRun("", "eval", "--summarizer", "llm", "--data", data)
	if !strings.Contains(r.stdout, "language model llm/test-model/p1: 1 kept, 1 rejected") || !strings.Contains(r.stdout, "ROUGE") {
		t.Errorf("eval --summarizer llm:\n%s\n%s", r.stdout, r.stderr)
	}
	if r := c.run("", "eval", "--summarizer", "gpt", "--data", data); r.err == nil {
		t.Error("an unknown --summarizer was accepted")
	}
}

// Every kind of invented fact in a model's answer is caught and the
// extractive brief stays, with the kind named; a good answer is kept; an
// answer that is no brief, a 429 and a provider that hangs leave the
// extractive brief.
func TestLanguageModelAnswers(t *testing.T) {
	gist := "Vladimir Putin and Kim Jong Un made a big deal of their newly cemented partnership on Wednesday."
	good := []string{
		"Neither side has released the text of the agreement.",
		"Putin said the agreement provides for mutual assistance in the event of aggression against one of the parties.",
		"The Russian leader is visiting North Korea for the first time in two decades.",
	}
	with := func(i int, point string) []string {
		ps := append([]string(nil), good...)
		ps[i] = point
		return ps
	}
	for _, tc := range []struct {
		name  string
		reply llmtest.Reply
		want  string // in the brief's summarizer field
	}{
		{"good", llmtest.Brief("Putin and Kim sign a pact", gist, good...), "(checked against the article)"},
		{"changed number", llmtest.Brief("Putin and Kim sign a pact", gist, with(2, "The Russian leader is visiting North Korea for the first time in three decades.")...), "rejected: number"},
		{"swapped name", llmtest.Brief("Putin and Kim sign a pact", gist, with(1, "Kim said the agreement provides for mutual assistance in the event of aggression against one of the parties.")...), "rejected: name"},
		{"added negation", llmtest.Brief("Putin and Kim sign a pact", gist, with(1, "Putin said the agreement does not provide for mutual assistance in the event of aggression against one of the parties.")...), "rejected: negation"},
		{"fabricated quote", llmtest.Brief("Putin and Kim sign a pact", gist, with(0, `Putin called the pact "a new era of brotherhood".`)...), "rejected: quote"},
		{"malformed JSON", llmtest.Content(`{"headline": "Putin and Kim", "gist": `), "rejected: no brief"},
		{"empty answer", llmtest.Empty(), "rejected: no brief"},
		{"rate limited", llmtest.RateLimited("30"), "extractive/"},
		{"hangs", llmtest.Hang(), "extractive/"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c, srv := llmCLI(t)
			c.env["LLM_TIMEOUT"] = "1s"
			srv.AnswerWith(tc.reply)
			r := c.mustRun(readSample(t), "add", "--json", "-")
			var b briefs.Brief
			if err := json.Unmarshal([]byte(r.stdout), &b); err != nil {
				t.Fatalf("%v\n%s", err, r.stdout)
			}
			if !strings.Contains(b.Summarizer, tc.want) {
				t.Errorf("summarizer %q; want %q", b.Summarizer, tc.want)
			}
			kept := strings.Contains(b.Summarizer, "checked")
			if kept != (tc.name == "good") || (kept && b.Gist != gist) || (!kept && b.Gist == gist) {
				t.Errorf("kept %v, gist %q", kept, b.Gist)
			}
		})
	}
}
