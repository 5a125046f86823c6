package briefs

import (
	"strings"
	"testing"
)

func TestCanonicalURL(t *testing.T) {
	tests := []struct{ in, want, code string }{
		{"https://Example.com/news/story?utm_source=tw&utm_medium=social&id=7#comments", "https://example.com/news/story?id=7", ""},
		{"HTTP://example.com:80", "http://example.com/", ""},
		{"https://example.com:443/a?b=2&a=1&fbclid=xyz&gclid=1", "https://example.com/a?a=1&b=2", ""},
		{"https://example.com:8443/a", "https://example.com:8443/a", ""},
		{"https://[::1]:8080/x", "https://[::1]:8080/x", ""},
		{"  https://example.com/a  ", "https://example.com/a", ""},
		{"ftp://example.com/file", "", EINVALID},
		{"javascript:alert(1)", "", EINVALID},
		{"file:///etc/passwd", "", EINVALID},
		{"https://user:pw@example.com/", "", EINVALID},
		{"example.com/no-scheme", "", EINVALID},
		{"http://%zz", "", EINVALID},
		{"", "", EINVALID},
	}
	for _, tt := range tests {
		got, err := CanonicalURL(tt.in)
		if code := ErrorCode(err); code != tt.code {
			t.Errorf("CanonicalURL(%q) error %v, want code %q", tt.in, err, tt.code)
			continue
		}
		if got != tt.want {
			t.Errorf("CanonicalURL(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestTermsFoldCaseAccentsAndPossessives(t *testing.T) {
	got := Terms("Putin-KIM  Zürich's “deal” putin")
	want := []string{"putin", "kim", "zurich", "deal"}
	if len(got) != len(want) {
		t.Fatalf("Terms = %q, want %q", got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("Terms = %q, want %q", got, want)
		}
	}
}

func TestImageURL(t *testing.T) {
	long := "https://img.example/" + strings.Repeat("a", MaxImageURLLen)
	for in, want := range map[string]string{
		"https://img.example/a.jpg":       "https://img.example/a.jpg",
		" http://img.example/a.jpg?w=600": "http://img.example/a.jpg?w=600",
		"/a.jpg":                          "",
		"//img.example/a.jpg":             "",
		"javascript:alert(1)":             "",
		"data:image/png;base64,AAAA":      "",
		"https://user:pw@img.example/a":   "",
		"https://img.example/a b.jpg":     "",
		long:                              "",
	} {
		if got := ImageURL(in); got != want {
			t.Errorf("ImageURL(%.40q) = %q, want %q", in, got, want)
		}
	}
}
