package fetch

import (
	"bytes"
	"mime"
	"strings"

	"briefbot/briefs"

	"golang.org/x/net/html"
	"golang.org/x/net/html/charset"
	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/unicode"
)

// metaScanBytes is how far into an HTML document a <meta charset> is looked
// for. The HTML standard says 1024 bytes; real pages put it later behind
// long <head>s, so we look further.
const metaScanBytes = 16 << 10

// decodeBody converts a page to valid UTF-8. The encoding comes from, in
// order: a byte-order mark, the charset parameter of the Content-Type header,
// a <meta charset> or <meta http-equiv="Content-Type"> in the first bytes of
// an HTML document, and a guess (UTF-8 when the bytes mostly are, else
// windows-1252, the web's default). Bytes that are invalid in the encoding
// become U+FFFD. It also returns the encoding's name.
func decodeBody(body []byte, contentType string, isHTML bool) (string, string) {
	enc, name := sniffEncoding(body, contentType, isHTML)
	if enc == nil {
		body = bytes.TrimPrefix(body, []byte("\xef\xbb\xbf"))
		return strings.ToValidUTF8(string(body), "\uFFFD"), "utf-8"
	}
	out, err := enc.NewDecoder().Bytes(body)
	if err != nil {
		// Decoders substitute U+FFFD rather than fail; be safe anyway.
		return strings.ToValidUTF8(string(body), "\uFFFD"), "utf-8"
	}
	return strings.ToValidUTF8(string(out), "\uFFFD"), name
}

// sniffEncoding finds the encoding of body; nil means UTF-8.
func sniffEncoding(body []byte, contentType string, isHTML bool) (encoding.Encoding, string) {
	switch {
	case bytes.HasPrefix(body, []byte("\xef\xbb\xbf")):
		return nil, "utf-8"
	case bytes.HasPrefix(body, []byte("\xfe\xff")):
		return unicode.UTF16(unicode.BigEndian, unicode.ExpectBOM), "utf-16be"
	case bytes.HasPrefix(body, []byte("\xff\xfe")):
		return unicode.UTF16(unicode.LittleEndian, unicode.ExpectBOM), "utf-16le"
	}
	if e, name := lookup(paramCharset(contentType)); name != "" {
		return e, name
	}
	if isHTML {
		head := body
		if len(head) > metaScanBytes {
			head = head[:metaScanBytes]
		}
		if e, name := lookup(metaCharset(head)); name != "" {
			if strings.HasPrefix(name, "utf-16") {
				// A document that can declare itself in ASCII is not UTF-16
				// (HTML standard: treat it as UTF-8).
				return nil, "utf-8"
			}
			return e, name
		}
	}
	if briefs.MostlyUTF8(body) {
		return nil, "utf-8"
	}
	e, name := lookup("windows-1252")
	return e, name
}

// lookup resolves a charset label; UTF-8 is returned as a nil encoding.
func lookup(label string) (encoding.Encoding, string) {
	label = strings.TrimSpace(label)
	if label == "" {
		return nil, ""
	}
	e, name := charset.Lookup(label)
	if e == nil {
		return nil, ""
	}
	if name == "utf-8" {
		return nil, name
	}
	return e, name
}

// metaCharset returns the charset label declared by a <meta> element in
// head, or "".
func metaCharset(head []byte) string {
	z := html.NewTokenizer(bytes.NewReader(head))
	for {
		switch z.Next() {
		case html.ErrorToken:
			return ""
		case html.StartTagToken, html.SelfClosingTagToken:
			name, hasAttr := z.TagName()
			if string(name) == "body" {
				return ""
			}
			if string(name) != "meta" {
				continue
			}
			var httpEquiv bool
			var content, cs string
			for hasAttr {
				var k, v []byte
				k, v, hasAttr = z.TagAttr()
				switch strings.ToLower(string(k)) {
				case "charset":
					cs = string(v)
				case "http-equiv":
					httpEquiv = strings.EqualFold(strings.TrimSpace(string(v)), "content-type")
				case "content":
					content = string(v)
				}
			}
			if cs != "" {
				return cs
			}
			if httpEquiv && content != "" {
				if label := paramCharset(content); label != "" {
					return label
				}
			}
		}
	}
}

// paramCharset returns the charset parameter of a Content-Type value, read
// leniently: servers send "text/html; charset=utf-8;" and worse.
func paramCharset(contentType string) string {
	if _, params, err := mime.ParseMediaType(contentType); err == nil {
		return params["charset"]
	}
	lower := strings.ToLower(contentType)
	i := strings.Index(lower, "charset=")
	if i < 0 {
		return ""
	}
	v := strings.TrimLeft(contentType[i+len("charset="):], " \t")
	if end := strings.IndexAny(v, "; \t"); end >= 0 {
		v = v[:end]
	}
	return strings.Trim(v, `"'`)
}

// mediaType returns the lower-case type/subtype of a Content-Type value.
func mediaType(contentType string) string {
	if mt, _, err := mime.ParseMediaType(contentType); err == nil {
		return mt
	}
	mt, _, _ := strings.Cut(contentType, ";")
	return strings.ToLower(strings.TrimSpace(mt))
}
