package main

import (
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// slashAdvice matches a slash command offered as advice.
var slashAdvice = regexp.MustCompile(`(^|[\s(])/(briefs|brief|article|digest)\b|in Discord`)

// Failures on the command line say what to run there, not which slash
// command to type in Discord; Discord (and the console) keep their advice.
func TestCLIErrorsGiveCLIAdvice(t *testing.T) {
	c := newCLI(t)
	c.env["FETCH_ALLOW_PRIVATE"] = "true"
	dir := t.TempDir()
	banner := filepath.Join(dir, "banner.html")
	if err := os.WriteFile(banner, []byte(`<!DOCTYPE html><html><body><div class="cookie-consent"><p>We use cookies to improve your experience. Accept all cookies?</p><button>Accept all</button></div><nav><a href="/">Home</a></nav></body></html>`), 0o600); err != nil {
		t.Fatal(err)
	}
	video := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "video/mp4")
		w.Write([]byte("\x00\x00\x00\x18ftypmp42"))
	}))
	defer video.Close()

	c.mustRun("", "add", sample)
	for _, tt := range []struct {
		name, stdin string
		args        []string
		want        string
	}{
		{"unknown brief", "", []string{"brief", "volcano"}, "List what there is with `briefbot list`."},
		{"page without an article", "", []string{"add", banner}, "too little article text to summarize (a login wall, a cookie banner or a page that needs JavaScript?). Save the article text to a file and run `briefbot add FILE`."},
		{"extract of it", "", []string{"extract", banner}, "Save the article text to a file and run `briefbot add FILE`."},
		{"binary", "\x00\x01\x02\xff\xfe binary", []string{"add", "--guild", "g2", "-"}, "(binary data or invalid UTF-8). Save the article text to a file and run `briefbot add FILE`."},
		{"link to a video", "", []string{"add", "--guild", "g2", "--url", video.URL + "/clip"}, "not a web page; save the article text to a file and run `briefbot add FILE`."},
	} {
		r := c.run(tt.stdin, tt.args...)
		if r.err == nil {
			t.Errorf("%s: no error", tt.name)
			continue
		}
		msg := userMessage(r.err)
		if !strings.Contains(msg, tt.want) {
			t.Errorf("%s: %q\nlacks %q", tt.name, msg, tt.want)
		}
		if slashAdvice.MatchString(msg) {
			t.Errorf("%s: Discord advice on the command line: %q", tt.name, msg)
		}
	}
	out := c.mustRun("/brief volcano\n", "console").stdout
	if !strings.Contains(out, "List what there is with /briefs.") {
		t.Errorf("the console lost its slash-command advice:\n%s", out)
	}
}
