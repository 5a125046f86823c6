package main

import (
	"fmt"
	"strings"
	"testing"
)

// /next and /prev in the console press the buttons of the /briefs reply,
// through the router, as Discord users do.
func TestConsolePagesBriefs(t *testing.T) {
	c := newCLI(t)
	towns := []string{"Arlen", "Brisk", "Calder", "Dunmore", "Elsby", "Farrow", "Galton", "Hexham", "Ilford", "Jarrow", "Kelso", "Lydney"}
	lines := []string{"/next"}
	for i, town := range towns {
		lines = append(lines, fmt.Sprintf(`/article add slug:story-%02d text:"%s Opens New Library. The town of %s opened a new library on Monday. The mayor of %s said %d thousand books are on the shelves. Residents queued outside the doors."`, i, town, town, town, i+3))
	}
	lines = append(lines, "/briefs", "/prev", "/next", "/next", "/prev", "/brief story-01", "/next")
	out := c.mustRun(strings.Join(lines, "\n"), "console").stdout
	replies := strings.Split(out, "\n")
	for _, want := range []string{
		"⚠️ the last reply has no pages to turn",
		"Page 1 of 2 · 12 briefs",
		"(/next to turn pages)",
		"⚠️ This is the first page.",
		"Page 2 of 2 · 12 briefs",
		"(/prev to turn pages)",
		"⚠️ This is the last page.",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("console output lacks %q:\n%s", want, out)
		}
	}
	// In order: page 1, refusal of /prev, page 2, refusal of /next, page 1
	// again, the brief, and /next with nothing to page.
	var seen []string
	for _, l := range replies {
		for _, mark := range []string{"Page 1 of 2", "Page 2 of 2", "first page", "last page", "no pages to turn"} {
			if strings.Contains(l, mark) {
				seen = append(seen, mark)
			}
		}
	}
	want := []string{"no pages to turn", "Page 1 of 2", "first page", "Page 2 of 2", "last page", "Page 1 of 2", "no pages to turn"}
	if strings.Join(seen, "|") != strings.Join(want, "|") {
		t.Errorf("replies in order %q, want %q", seen, want)
	}
	page2 := out[strings.Index(out, "Page 1 of 2"):strings.Index(out, "Page 2 of 2")]
	if strings.Count(page2, "• ") != 2 {
		t.Errorf("page 2 should list the 2 oldest briefs:\n%s", page2)
	}
	if !strings.Contains(c.mustRun("/help\n", "console").stdout, "/next, /prev") {
		t.Error("/help does not mention /next and /prev")
	}
}
