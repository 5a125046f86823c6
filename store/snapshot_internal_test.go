package store

import "testing"

func TestHashTag(t *testing.T) {
	for key, want := range map[string]string{
		"briefbot:g:{123}:slugs":     "123",
		"briefbot:g:{123}:term:{x}":  "123",
		"briefbot:digest:guilds":     "briefbot:digest:guilds",
		"briefbot:{}:x":              "briefbot:{}:x",
		"briefbot:{open":             "briefbot:{open",
		"p{a}:g:{123}:slugs":         "a",
		"briefbot:g:{123}:article:7": "123",
	} {
		if got := hashTag(key); got != want {
			t.Errorf("hashTag(%q) = %q, want %q", key, got, want)
		}
	}
}
