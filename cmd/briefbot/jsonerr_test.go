package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// goTypeName matches what leaked before: qualified Go types and the
// standard library's "Go value"/"Go struct field" wording.
var goTypeName = regexp.MustCompile(`\b(main|store|evaluate)\.\w+|Go (value|struct field)|summarizeInput|snapshotHeader`)

func TestPlainGoTypes(t *testing.T) {
	for in, want := range map[string]string{
		"line 1: json: cannot unmarshal array into Go value of type evaluate.row":                  "line 1: an array where an object was expected",
		"json: cannot unmarshal number into Go struct field row.article of type string":            `"article" must be a string, not a number`,
		"json: cannot unmarshal number -5 into Go struct field snapEntry.keys.ttl_ms of type bool": `"keys.ttl_ms" must be true or false, not a number`,
		"bad JSON at byte 1: array where store.snapshotHeader was expected":                        "bad JSON at byte 1: an array where an object was expected",
		`"keys": bad JSON at byte 1: number where []store.snapEntry was expected`:                  `"keys": bad JSON at byte 1: a number where an array was expected`,
		"bad JSON at byte 11: number where string was expected":                                    "bad JSON at byte 11: number where string was expected",
		"see example.com for details":                                                              "see example.com for details",
	} {
		if got := plainGoTypes(in); got != want {
			t.Errorf("plainGoTypes(%q)\n got %q\nwant %q", in, got, want)
		}
	}
}

// summarize numbers lines as they are in the file, blank ones included, and
// says what JSON was wanted without naming Go types.
func TestSummarizeLineNumbersAndJSONErrors(t *testing.T) {
	c := newCLI(t)
	in := "\n\n[1]\n\n" + `{"id":"n","article":5}` + "\n   \n" + `{"id":"t","title":["x"],"article":"Some text."}` + "\nnot json\n"
	r := c.mustRun(in, "summarize")
	lines := strings.Split(strings.TrimSpace(r.stdout), "\n")
	if len(lines) != 4 {
		t.Fatalf("want 4 output lines, got %d:\n%s", len(lines), r.stdout)
	}
	for i, want := range []struct {
		line int
		msg  string
	}{
		{3, "line 3 is not a JSON object: an array where an object was expected"},
		{5, `line 5: "article" must be a string, not a number`},
		{7, `line 7: "title" must be a string, not an array`},
		{8, "line 8 is not a JSON object: invalid character"},
	} {
		var o summarizeOutput
		if err := json.Unmarshal([]byte(lines[i]), &o); err != nil {
			t.Fatal(err)
		}
		if o.Line != want.line || !strings.HasPrefix(o.Error, want.msg) || goTypeName.MatchString(o.Error) {
			t.Errorf("output %d: line %d, error %q; want line %d, %q", i+1, o.Line, o.Error, want.line, want.msg)
		}
	}
}

// restore and eval report malformed JSON without Go type names.
func TestJSONErrorsNameNoGoTypes(t *testing.T) {
	c := newCLI(t)
	for _, snap := range []string{"[1]", `{"format":"briefbot-snapshot","version":1,"keys":5}`, `{"format":"briefbot-snapshot","version":1,"keys":[1]}`} {
		r := c.run(snap, "restore")
		if r.err == nil || goTypeName.MatchString(userMessage(r.err)) || !strings.Contains(userMessage(r.err), "was expected") {
			t.Errorf("restore %s: %v", snap, userMessage(r.err))
		}
	}
	data := filepath.Join(t.TempDir(), "bad.jsonl")
	for _, row := range []string{"[1]", `{"id":1,"article":5}`} {
		if err := os.WriteFile(data, []byte(row+"\n"), 0o600); err != nil {
			t.Fatal(err)
		}
		r := c.run("", "eval", "--data", data)
		if r.err == nil || goTypeName.MatchString(userMessage(r.err)) || !strings.Contains(userMessage(r.err), "line 1") {
			t.Errorf("eval of %s: %v", row, userMessage(r.err))
		}
	}
}
