package main

import (
	"os"
	"slices"
	"strings"
	"testing"
)

// Secrets and local data stay out of git and out of the Docker build
// context.
func TestIgnoreFiles(t *testing.T) {
	for file, want := range map[string][]string{
		"../../.gitignore":    {".env", "briefbot-data.json", "*.test"},
		"../../.dockerignore": {".git", ".env", "briefbot-data.json*", "*.test", "**/*.tmp", "tmp/"},
	} {
		b, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		lines := strings.Split(string(b), "\n")
		for _, p := range want {
			if !slices.Contains(lines, p) {
				t.Errorf("%s lacks %q", file, p)
			}
		}
	}
}
