package fetch_test

import (
	"bytes"
	"compress/gzip"
	"context"
	"errors"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
	"unicode/utf8"

	"golang.org/x/text/encoding/charmap"

	"briefbot/briefs"
	"briefbot/briefs/fetch"
)

// article is a small but real-looking news page that extracts fine.
const article = `<!DOCTYPE html><html><head><meta charset="utf-8">
<title>Council approves new cycle lanes - Riverside Post</title></head><body>
<nav><a href="/">Home</a> <a href="/news">News</a></nav>
<article><h1>Council approves new cycle lanes</h1>
<p>The city council approved three new protected cycle lanes on Tuesday after a debate that lasted more than four hours.</p>
<p>The lanes will connect the railway station with the university campus and the hospital, and construction is due to start in the spring.</p>
<p>Opponents said the plan would remove too many parking spaces from the high street, while supporters pointed to a rise in cycling since the bridge reopened.</p>
</article><footer>© Riverside Post</footer></body></html>`

func serve(t *testing.T, h http.HandlerFunc) *httptest.Server {
	t.Helper()
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	return srv
}

func servePage(t *testing.T, contentType string, body []byte) *httptest.Server {
	return serve(t, func(w http.ResponseWriter, r *http.Request) {
		if contentType != "" {
			w.Header().Set("Content-Type", contentType)
		}
		w.Write(body)
	})
}

var local = fetch.Config{AllowPrivate: true, Timeout: 5 * time.Second}

func TestFetchArticle(t *testing.T) {
	var ua, accept atomic.Value
	srv := serve(t, func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/s/abc":
			http.Redirect(w, r, "/news/cycle-lanes?utm_source=newsletter&fbclid=XYZ#top", http.StatusMovedPermanently)
		case "/news/cycle-lanes":
			ua.Store(r.UserAgent())
			accept.Store(r.Header.Get("Accept"))
			w.Header().Set("Content-Type", "text/html; charset=utf-8")
			io.WriteString(w, article)
		default:
			http.NotFound(w, r)
		}
	})
	// No proxy, whatever the environment says: a proxy would do the
	// dialing where the private-address rule cannot see it.
	t.Setenv("HTTP_PROXY", "http://10.0.0.1:3128")
	t.Setenv("HTTPS_PROXY", "http://10.0.0.1:3128")
	f, log := newFetcher(t, local)
	page, err := fetchTimed(t, f, srv.URL+"/s/abc", slack)
	if err != nil {
		t.Fatal(err)
	}
	if want := srv.URL + "/news/cycle-lanes?utm_source=newsletter&fbclid=XYZ"; page.URL != want {
		t.Errorf("URL %q, want %q", page.URL, want)
	}
	if want := srv.URL + "/news/cycle-lanes"; page.CanonicalURL != want {
		t.Errorf("CanonicalURL %q, want %q", page.CanonicalURL, want)
	}
	if page.Title != "Council approves new cycle lanes" {
		t.Errorf("Title %q", page.Title)
	}
	if !strings.HasPrefix(page.Text, "The city council approved three new protected cycle lanes on Tuesday") {
		t.Errorf("Text starts %q", page.Text[:min(80, len(page.Text))])
	}
	if got, _ := ua.Load().(string); !strings.HasPrefix(got, "briefbot/") {
		t.Errorf("User-Agent %q does not name briefbot", got)
	}
	if got, _ := accept.Load().(string); !strings.Contains(got, "text/html") {
		t.Errorf("Accept %q", got)
	}
	for _, ap := range log.dialled() {
		if ap.Addr().String() != "127.0.0.1" {
			t.Errorf("dialled %s", ap)
		}
	}
}

func TestFetchUserAgentConfigurable(t *testing.T) {
	var got atomic.Value
	srv := serve(t, func(w http.ResponseWriter, r *http.Request) {
		got.Store(r.UserAgent())
		io.WriteString(w, article)
	})
	cfg := local
	cfg.UserAgent = "briefbot/1.0 (+https://example.org/briefbot; news brief bot)"
	f, _ := newFetcher(t, cfg)
	if _, err := f.Fetch(context.Background(), srv.URL); err != nil {
		t.Fatal(err)
	}
	if got.Load() != cfg.UserAgent {
		t.Errorf("User-Agent %q, want %q", got.Load(), cfg.UserAgent)
	}
}

func TestFetchPlainText(t *testing.T) {
	text := "Storm closes mountain pass\r\n\r\nThe mountain pass was closed on Sunday after heavy snow. " +
		"Police asked drivers to use the valley road until the ploughs have cleared the summit, which may take two days.\r\n" +
		"\r\nThe pass carries most of the freight between the two valleys in winter, and hauliers said the closure would delay deliveries to shops in the upper villages.\r\n"
	srv := servePage(t, "text/plain; charset=utf-8", []byte(text))
	f, _ := newFetcher(t, local)
	page, err := fetchTimed(t, f, srv.URL+"/story.txt", slack)
	if err != nil {
		t.Fatal(err)
	}
	want := "Storm closes mountain pass\n\nThe mountain pass was closed on Sunday after heavy snow."
	if !strings.HasPrefix(page.Text, want) || strings.Contains(page.Text, "\r") {
		t.Errorf("Text %q", page.Text)
	}
	if page.Title != "" {
		t.Errorf("Title %q, want none for text/plain (the summarizer finds the headline)", page.Title)
	}
}

func TestFetchConcurrent(t *testing.T) {
	srv := servePage(t, "text/html", []byte(article))
	f, _ := newFetcher(t, local)
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			if _, err := f.Fetch(context.Background(), srv.URL); err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()
}

func TestFetchRefusesBadLinks(t *testing.T) {
	f, log := newFetcher(t, fetch.Config{Timeout: testTimeout})
	for _, tc := range []struct{ link, want string }{
		{"", "empty"},
		{"   ", "empty"},
		{"not a url", "should start with https://"},
		{"example.com/news/story", "should start with https://"},
		{"//example.com/news", "should start with https://"},
		{"http://", "no host name"},
		{"https:///path/only", "no host name"},
		{"http:example.com", "no host name"},
		{"http://[::1", "not a valid link"},
		{"http://exa mple.com/", "not a valid link"},
		{"http://example.com:99999/", "invalid port"},
		{"http://example.com:0/", "invalid port"},
		{"ftp://example.com/pub/file.txt", "not ftp:"},
		{"file:///etc/passwd", "not file:"},
		{"javascript:alert(document.cookie)", "not javascript:"},
		{"data:text/html,<p>hi</p>", "not data:"},
		{"gopher://example.com/", "not gopher:"},
		{"http://user:secret@example.com/story", "user name or password"},
		{"https://admin@example.com/", "user name or password"},
		{"https://example.com/" + strings.Repeat("a", 3000), "longer than 2048"},
	} {
		t.Run(tc.link, func(t *testing.T) {
			_, err := fetchTimed(t, f, tc.link, slack)
			wantError(t, err, briefs.EINVALID, tc.want)
		})
	}
	if d := log.dialled(); len(d) != 0 {
		t.Errorf("dialled %v", d)
	}
}

// TestFetchRefusesPrivateAddresses: with FETCH_ALLOW_PRIVATE off, links to
// special-purpose addresses are refused at dial time, by IP literal or by a
// name that resolves there, without connecting.
func TestFetchRefusesPrivateAddresses(t *testing.T) {
	var hits atomic.Int32
	srv := serve(t, func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		io.WriteString(w, article)
	})
	port := srv.Listener.Addr().(*net.TCPAddr).Port
	dns := fakeDNS{
		"loopback.example": addrs("127.0.0.1"),
		"intranet.example": addrs("10.0.0.1"),
		"metadata.example": addrs("169.254.169.254"),
		"v6loop.example":   addrs("::1"),
		"mapped.example":   addrs("::ffff:10.0.0.1"),
		"cgnat.example":    addrs("100.64.12.1"),
		"mixed.example":    addrs("10.1.2.3", "192.168.0.10", "fd12::1"),
	}
	f, log := newFetcher(t, fetch.Config{Timeout: testTimeout, Resolver: dns})
	links := []string{
		fmt.Sprintf("http://127.0.0.1:%d/", port), // a live server: must not be reached
		fmt.Sprintf("http://127.0.0.2:%d/", port),
		fmt.Sprintf("http://[::1]:%d/", port),
		fmt.Sprintf("http://[::ffff:127.0.0.1]:%d/", port),
		fmt.Sprintf("http://0.0.0.0:%d/", port),
		"http://10.0.0.1/",
		"http://172.16.5.4/",
		"http://192.168.1.1/admin",
		"http://169.254.169.254/latest/meta-data/",
		"http://100.64.0.1/",
		"http://198.18.0.1/",
		"http://192.0.2.10/",
		"http://224.0.0.1/",
		"http://255.255.255.255/",
		"http://[fe80::1]/",
		"http://[fc00::1]/",
		"http://[fd00:ec2::254]/",
		"http://[64:ff9b::a00:1]/", // NAT64 of 10.0.0.1
		"http://[2001:db8::1]/",
		fmt.Sprintf("http://loopback.example:%d/", port),
		"http://intranet.example/",
		"http://metadata.example/latest/meta-data/iam/",
		fmt.Sprintf("http://v6loop.example:%d/", port),
		"http://mapped.example/",
		"http://cgnat.example/",
		"https://mixed.example/",
	}
	for _, link := range links {
		t.Run(link, func(t *testing.T) {
			_, err := fetchTimed(t, f, link, testTimeout+slack)
			wantError(t, err, briefs.EINVALID, "private or local network address", "only public web sites")
			if msg := briefs.ErrorMessage(err); strings.Contains(msg, "10.0.0.1") && !strings.Contains(link, "10.0.0.1") {
				t.Errorf("message %q shows a resolved internal address", msg)
			}
		})
	}
	if d := log.dialled(); len(d) != 0 {
		t.Errorf("connections let through: %v", d)
	}
	if n := hits.Load(); n != 0 {
		t.Errorf("the local server got %d requests", n)
	}
}

// TestFetchRefusesRedirectToPrivate: a public site (played by 127.0.0.1,
// allowed by the test hook) redirects to private addresses; each hop is
// refused at dial time and nothing reaches the target.
func TestFetchRefusesRedirectToPrivate(t *testing.T) {
	// A listener on 127.0.0.2 (Linux routes all of 127/8 to lo): any
	// connection to it would be in its accept queue.
	var trap net.Listener
	trapPort := 9 // discard: nothing listens there
	if ln, err := net.Listen("tcp", "127.0.0.2:0"); err == nil {
		trap = ln
		t.Cleanup(func() { ln.Close() })
		trapPort = ln.Addr().(*net.TCPAddr).Port
	}
	var origin string
	srv := serve(t, func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/article" {
			io.WriteString(w, article)
			return
		}
		http.Redirect(w, r, r.URL.Query().Get("to"), http.StatusFound)
	})
	port := srv.Listener.Addr().(*net.TCPAddr).Port
	origin = fmt.Sprintf("http://news.example:%d", port)
	dns := fakeDNS{
		"news.example":     addrs("127.0.0.1"),
		"intranet.example": addrs("10.0.0.1"),
		"rebind.example":   addrs("169.254.169.254"),
	}
	f, log := newFetcher(t, fetch.Config{Timeout: testTimeout, Resolver: dns}, "127.0.0.1/32")

	// Control: a redirect within the public site is followed.
	page, err := fetchTimed(t, f, origin+"/go?to=/article", slack)
	if err != nil {
		t.Fatalf("control fetch: %v", err)
	}
	if page.URL != origin+"/article" {
		t.Errorf("URL %q", page.URL)
	}

	for _, target := range []string{
		fmt.Sprintf("http://127.0.0.2:%d/", trapPort),
		"http://10.0.0.1/admin",
		"http://169.254.169.254/latest/meta-data/",
		"http://intranet.example/wiki",
		"http://rebind.example/",
		fmt.Sprintf("http://[::1]:%d/", port),
	} {
		t.Run(target, func(t *testing.T) {
			before := len(log.dialled())
			_, err := fetchTimed(t, f, origin+"/go?to="+target, testTimeout+slack)
			wantError(t, err, briefs.EINVALID, "private or local network address")
			for _, ap := range log.dialled()[before:] {
				if ap.Addr().String() != "127.0.0.1" || int(ap.Port()) != port {
					t.Errorf("connected to %s", ap)
				}
			}
		})
	}
	if trap != nil {
		trap.(*net.TCPListener).SetDeadline(time.Now())
		if c, err := trap.Accept(); err == nil {
			c.Close()
			t.Error("a connection reached 127.0.0.2")
		}
	}
}

func TestFetchRedirectLimit(t *testing.T) {
	srv := serve(t, func(w http.ResponseWriter, r *http.Request) {
		switch {
		case r.URL.Path == "/loop/a":
			http.Redirect(w, r, "/loop/b", http.StatusFound)
		case r.URL.Path == "/loop/b":
			http.Redirect(w, r, "/loop/a", http.StatusMovedPermanently)
		case strings.HasPrefix(r.URL.Path, "/hop/"):
			var n int
			fmt.Sscanf(r.URL.Path, "/hop/%d", &n)
			if n == 0 {
				io.WriteString(w, article)
				return
			}
			http.Redirect(w, r, fmt.Sprintf("/hop/%d", n-1), http.StatusTemporaryRedirect)
		case r.URL.Path == "/to-ftp":
			http.Redirect(w, r, "ftp://example.com/file", http.StatusFound)
		case r.URL.Path == "/to-userinfo":
			http.Redirect(w, r, "http://user:pw@127.0.0.1/", http.StatusFound)
		}
	})
	f, _ := newFetcher(t, local)
	t.Run("loop", func(t *testing.T) {
		_, err := fetchTimed(t, f, srv.URL+"/loop/a", slack)
		wantError(t, err, briefs.EINVALID, "redirects more than 5 times")
	})
	t.Run("five redirects are followed", func(t *testing.T) {
		page, err := fetchTimed(t, f, srv.URL+"/hop/5", slack)
		if err != nil {
			t.Fatal(err)
		}
		if page.URL != srv.URL+"/hop/0" {
			t.Errorf("URL %q", page.URL)
		}
	})
	t.Run("six are not", func(t *testing.T) {
		_, err := fetchTimed(t, f, srv.URL+"/hop/6", slack)
		wantError(t, err, briefs.EINVALID, "redirects more than 5 times")
	})
	t.Run("to ftp", func(t *testing.T) {
		_, err := fetchTimed(t, f, srv.URL+"/to-ftp", slack)
		wantError(t, err, briefs.EINVALID, "redirects to a ftp: link")
	})
	t.Run("to userinfo", func(t *testing.T) {
		_, err := fetchTimed(t, f, srv.URL+"/to-userinfo", slack)
		wantError(t, err, briefs.EINVALID, "user name or password")
	})
}

// rawServer accepts TCP connections and hands each to fn; it stops them all
// when the test ends.
func rawServer(t *testing.T, fn func(c net.Conn, stop <-chan struct{})) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	stop := make(chan struct{})
	var wg sync.WaitGroup
	t.Cleanup(func() {
		close(stop)
		ln.Close()
		wg.Wait()
	})
	wg.Go(func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			wg.Go(func() {
				defer c.Close()
				fn(c, stop)
			})
		}
	})
	return "http://" + ln.Addr().String()
}

// trickle writes s one byte per tick until stop, then blocks until stop.
func trickle(c net.Conn, s string, tick time.Duration, stop <-chan struct{}) {
	tk := time.NewTicker(tick)
	defer tk.Stop()
	for i := 0; ; i++ {
		select {
		case <-stop:
			return
		case <-tk.C:
			if i < len(s) {
				if _, err := c.Write([]byte{s[i]}); err != nil {
					return
				}
			} else if _, err := c.Write([]byte(" ")); err != nil {
				return
			}
		}
	}
}

func TestFetchTimeouts(t *testing.T) {
	silent := rawServer(t, func(c net.Conn, stop <-chan struct{}) {
		<-stop // accepts, reads nothing, never answers
	})
	headerTrickle := rawServer(t, func(c net.Conn, stop <-chan struct{}) {
		trickle(c, "HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n", 50*time.Millisecond, stop)
	})
	stop := make(chan struct{}) // closed before the servers close (cleanups run last-in first-out)
	bodyTrickle := serve(t, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html")
		w.WriteHeader(http.StatusOK)
		io.WriteString(w, "<html><body><p>")
		w.(http.Flusher).Flush()
		tk := time.NewTicker(time.Second) // a byte a second
		defer tk.Stop()
		for {
			select {
			case <-r.Context().Done():
				return
			case <-stop:
				return
			case <-tk.C:
				io.WriteString(w, "x")
				w.(http.Flusher).Flush()
			}
		}
	})
	fastTrickle := serve(t, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html")
		w.WriteHeader(http.StatusOK)
		tk := time.NewTicker(20 * time.Millisecond) // always busy, never done
		defer tk.Stop()
		for {
			select {
			case <-r.Context().Done():
				return
			case <-stop:
				return
			case <-tk.C:
				io.WriteString(w, "<p>x</p>")
				w.(http.Flusher).Flush()
			}
		}
	})
	t.Cleanup(func() { close(stop) })

	f, _ := newFetcher(t, fetch.Config{AllowPrivate: true, Timeout: testTimeout})
	for name, link := range map[string]string{
		"never answers":         silent,
		"trickles headers":      headerTrickle,
		"trickles a byte a sec": bodyTrickle.URL,
		"trickles forever":      fastTrickle.URL,
	} {
		t.Run(name, func(t *testing.T) {
			_, err := fetchTimed(t, f, link, testTimeout+slack)
			wantError(t, err, briefs.EUNAVAILABLE, "The site did not answer in time (FETCH_TIMEOUT, 300ms)")
		})
	}
}

func TestFetchCancelled(t *testing.T) {
	started := make(chan struct{})
	srv := rawServer(t, func(c net.Conn, stop <-chan struct{}) {
		close(started)
		<-stop
	})
	f, _ := newFetcher(t, local)
	ctx, cancel := context.WithCancel(context.Background())
	go func() { <-started; cancel() }()
	_, err := f.Fetch(ctx, srv)
	wantError(t, err, briefs.EUNAVAILABLE, "cancelled")
	if !errors.Is(err, context.Canceled) {
		t.Errorf("error chain %v does not hold context.Canceled", err)
	}
}

func TestFetchTooLarge(t *testing.T) {
	const size = 20 << 20
	chunk := bytes.Repeat([]byte("<p>Lorem ipsum dolor sit amet.</p>\n"), 1000)
	var written atomic.Int64
	stream := serve(t, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html")
		if r.URL.Query().Has("length") {
			w.Header().Set("Content-Length", fmt.Sprint(size))
		}
		for n := 0; n < size; {
			k, err := w.Write(chunk[:min(len(chunk), size-n)])
			written.Add(int64(k))
			if err != nil {
				return
			}
			n += k
		}
	})
	f, _ := newFetcher(t, fetch.Config{AllowPrivate: true, Timeout: 5 * time.Second})
	for _, q := range []string{"", "?length"} {
		t.Run("20MiB"+q, func(t *testing.T) {
			_, err := fetchTimed(t, f, stream.URL+"/big"+q, 5*time.Second)
			wantError(t, err, briefs.ETOOLARGE, "over 5 MiB", "FETCH_MAX_BYTES")
		})
	}
	t.Run("gzip bomb is bounded after decompression", func(t *testing.T) {
		var buf bytes.Buffer
		zw := gzip.NewWriter(&buf)
		for range 6 {
			zw.Write(bytes.Repeat([]byte("a"), 1<<20))
		}
		zw.Close()
		srv := serve(t, func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "text/plain")
			w.Header().Set("Content-Encoding", "gzip")
			w.Write(buf.Bytes())
		})
		_, err := fetchTimed(t, f, srv.URL, 5*time.Second)
		wantError(t, err, briefs.ETOOLARGE, "over 5 MiB")
	})
}

func TestFetchRefusesNonPages(t *testing.T) {
	pdf := []byte("%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog >>\nendobj\n")
	png := []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89")
	jpeg := []byte("\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00")
	f, _ := newFetcher(t, local)
	for _, tc := range []struct {
		name, contentType string
		body              []byte
		want              string
	}{
		{"pdf", "application/pdf", pdf, "is a PDF, not a web page; paste the text instead"},
		{"pdf as octet-stream", "application/octet-stream", pdf, "not a web page"},
		{"pdf labelled html", "text/html", pdf, "is a PDF, not a web page"},
		{"pdf unlabelled", "", pdf, "is a PDF, not a web page"},
		{"png", "image/png", png, "is an image (image/png), not a web page"},
		{"jpeg unlabelled", "", jpeg, "is an image (image/jpeg)"},
		{"png labelled html", "text/html; charset=utf-8", png, "is an image (image/png)"},
		{"json", "application/json", []byte(`{"a":1}`), "application/json, not a web page"},
		{"feed", "application/rss+xml", []byte(`<rss></rss>`), "a news feed"},
		{"binary labelled text", "text/plain", []byte("\x00\x01\x02\x03binary\x00\x00"), "binary data"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv := serve(t, func(w http.ResponseWriter, r *http.Request) {
				w.Header()["Content-Type"] = nil // no sniffing by the server
				if tc.contentType != "" {
					w.Header().Set("Content-Type", tc.contentType)
				}
				w.Write(tc.body)
			})
			_, err := fetchTimed(t, f, srv.URL+"/file", slack)
			wantError(t, err, briefs.EINVALID, tc.want)
		})
	}
}

func TestFetchStatus(t *testing.T) {
	f, _ := newFetcher(t, local)
	for _, tc := range []struct {
		status int
		code   string
		want   []string
	}{
		{404, briefs.EINVALID, []string{"404 Not Found", "no page at that link"}},
		{410, briefs.EINVALID, []string{"410 Gone"}},
		{500, briefs.EUNAVAILABLE, []string{"500 Internal Server Error", "try again later"}},
		{503, briefs.EUNAVAILABLE, []string{"503 Service Unavailable"}},
		{403, briefs.EINVALID, []string{"403 Forbidden", "/article add text:"}},
		{429, briefs.EUNAVAILABLE, []string{"429 Too Many Requests"}},
	} {
		t.Run(fmt.Sprint(tc.status), func(t *testing.T) {
			srv := serve(t, func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Content-Type", "text/html")
				w.WriteHeader(tc.status)
				io.WriteString(w, article) // an error page with text is still an error
			})
			_, err := fetchTimed(t, f, srv.URL+"/missing", slack)
			wantError(t, err, tc.code, tc.want...)
		})
	}
}

func TestFetchClosedPort(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	f, _ := newFetcher(t, fetch.Config{AllowPrivate: true, Timeout: testTimeout})
	_, err = fetchTimed(t, f, "http://"+addr+"/", testTimeout+slack)
	wantError(t, err, briefs.EUNAVAILABLE, "refused the connection")
}

func TestFetchBadCertificate(t *testing.T) {
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, article)
	}))
	srv.Config.ErrorLog = log.New(io.Discard, "", 0) // the handshake failure is the point
	srv.StartTLS()
	t.Cleanup(srv.Close)
	f, _ := newFetcher(t, fetch.Config{AllowPrivate: true, Timeout: testTimeout})
	_, err := fetchTimed(t, f, srv.URL, testTimeout+slack)
	wantError(t, err, briefs.EUNAVAILABLE, "invalid HTTPS certificate")
}

func TestFetchUnknownHost(t *testing.T) {
	f, log := newFetcher(t, fetch.Config{Timeout: testTimeout, Resolver: fakeDNS{}})
	_, err := fetchTimed(t, f, "https://no-such-site.example/news", testTimeout+slack)
	wantError(t, err, briefs.EINVALID, "no-such-site.example does not exist")
	if d := log.dialled(); len(d) != 0 {
		t.Errorf("dialled %v", d)
	}
}

func TestFetchCharsets(t *testing.T) {
	f, _ := newFetcher(t, local)
	t.Run("windows-1252 declared in a meta tag", func(t *testing.T) {
		body, err := os.ReadFile("testdata/courrier-vallee-cp1252.html")
		if err != nil {
			t.Fatal(err)
		}
		srv := servePage(t, "text/html", body) // no charset in the header
		page, err := fetchTimed(t, f, srv.URL, slack)
		if err != nil {
			t.Fatal(err)
		}
		for _, want := range []string{"Café owners protest new terrace fees", "€18 per square metre", "“For a small café", "Place de l’Église"} {
			if !strings.Contains(page.Title+"\n"+page.Text, want) {
				t.Errorf("missing %q in %q", want, page.Text)
			}
		}
	})
	t.Run("iso-8859-1 in the header", func(t *testing.T) {
		html := strings.Replace(article, "The city council", "The city council of Zürich", 1)
		body, _ := charmap.ISO8859_1.NewEncoder().String(html)
		srv := servePage(t, "text/html; charset=ISO-8859-1", []byte(body))
		page, err := fetchTimed(t, f, srv.URL, slack)
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(page.Text, "The city council of Zürich") {
			t.Errorf("Text %q", page.Text)
		}
	})
	t.Run("invalid UTF-8", func(t *testing.T) {
		html := strings.Replace(article, "on Tuesday", "on \xff\xfe Tuesday \xc3", 1)
		srv := servePage(t, "text/html; charset=utf-8", []byte(html))
		page, err := fetchTimed(t, f, srv.URL, slack)
		if err != nil {
			t.Fatal(err)
		}
		if !utf8.ValidString(page.Text) || !strings.Contains(page.Text, "\uFFFD") || strings.ContainsRune(page.Text, 0) {
			t.Errorf("Text %q: want valid UTF-8 with U+FFFD", page.Text)
		}
		if !strings.Contains(page.Text, "Tuesday") {
			t.Errorf("Text %q lost the words around the bad bytes", page.Text)
		}
	})
}

// TestFetchNoArticle: pages with no story are refused with the paste hint.
func TestFetchNoArticle(t *testing.T) {
	loginWall := `<!DOCTYPE html><html><head><title>Subscribe to keep reading | Daily Ledger</title>
<meta property="og:title" content="Markets rally as rate cut hopes grow"></head><body>
<header><a href="/">Daily Ledger</a><nav><a href="/markets">Markets</a></nav></header>
<main><h1>Markets rally as rate cut hopes grow</h1>
<p class="teaser">Shares rose sharply on Wednesday.</p>
<div class="paywall"><h2>Subscribe to keep reading</h2><p>Already a subscriber? Sign in.</p>
<form action="/login" method="post"><label>Email <input name="email"></label>
<label>Password <input type="password" name="password"></label><button>Sign in</button></form>
<a href="/subscribe">See subscription options</a></div></main>
<footer>© Daily Ledger</footer></body></html>`
	jsShell := `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>NewsApp</title>
<link rel="preload" href="/static/js/main.8f2c1.js" as="script"></head>
<body><noscript>You need to enable JavaScript to run this app.</noscript><div id="root"></div>
<script src="/static/js/main.8f2c1.js"></script></body></html>`
	f, _ := newFetcher(t, local)
	for name, body := range map[string]string{
		"login wall":      loginWall,
		"javascript only": jsShell,
		"empty":           "",
		"blank text":      "   \n\n  ",
	} {
		t.Run(name, func(t *testing.T) {
			ct := "text/html; charset=utf-8"
			if name == "blank text" {
				ct = "text/plain"
			}
			srv := servePage(t, ct, []byte(body))
			_, err := fetchTimed(t, f, srv.URL+"/story", slack)
			wantError(t, err, briefs.EINVALID, "too little article text", "/article add text:", "briefbot add FILE")
		})
	}
}
