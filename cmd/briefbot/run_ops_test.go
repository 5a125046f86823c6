package main

import (
	"context"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"briefbot/bot"
	"briefbot/bot/discordtest"
	"briefbot/metrics"
	"briefbot/store"
	"briefbot/store/storetest"

	"github.com/bwmarrin/discordgo"
)

// freeAddr returns a loopback address with a port that was free a moment ago.
func freeAddr(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().String()
}

// `briefbot run` with INTERACTIONS_ADDR and METRICS_ADDR: interactions
// arrive over HTTP, signed, and are answered by the same router; /metrics
// counts them and /healthz reports Redis and the gateway.
func TestRunServesHTTPInteractionsAndMetrics(t *testing.T) {
	fake := discordtest.New(t)
	c := newCLI(t)
	c.mustRun("", "add", "--guild", fake.GuildID(), "--slug", "putin-kim", sample)
	iaddr, maddr := freeAddr(t), freeAddr(t)
	c.env["DISCORD_PUBLIC_KEY"] = fake.PublicKey()
	c.env["INTERACTIONS_ADDR"] = iaddr
	c.env["METRICS_ADDR"] = maddr
	c.env["LOG_LEVEL"] = "debug"
	bot := startBot(t, c, fake)
	wait := bot.wait

	// Over the gateway first: an answer means the gateway is connected.
	_, gi, _ := bot.brief("putin-kim")

	hi := discordtest.Slash(fake.GuildID(), 0, "brief", discordtest.Opt("topic", "putin-kim"))
	d, err := fake.Deliver(wait, "http://"+iaddr+"/interactions", hi)
	if err != nil {
		t.Fatal(err)
	}
	var resp discordgo.InteractionResponse
	if d.Status != http.StatusOK || !d.Accepted || json.Unmarshal(d.Body, &resp) != nil || len(resp.Data.Embeds) != 1 {
		t.Fatalf("HTTP answer %d %s (%s)", d.Status, d.Body, d.Problem)
	}

	get := func(path string) (int, string) {
		t.Helper()
		r, err := http.Get("http://" + maddr + path)
		if err != nil {
			t.Fatal(err)
		}
		defer r.Body.Close()
		b, _ := io.ReadAll(r.Body)
		return r.StatusCode, string(b)
	}
	if code, body := get("/healthz"); code != http.StatusOK {
		t.Errorf("/healthz %d %s", code, body)
	}
	// The counters move just after each answer is sent, so the page is read
	// until it shows both interactions (bounded by the test's deadline).
	wants := []string{
		`briefbot_interactions_total{command="brief",kind="command",outcome="ok"} 2`,
		`briefbot_gateway_connected 1`,
		// Added articles are briefed into the cache at their first
		// lookup: the first /brief misses, the second hits.
		`briefbot_brief_cache_total{result="hit"} 1`,
		`briefbot_brief_cache_total{result="miss"} 1`,
		"briefbot_redis_commands_total",
	}
	var missing []string
	for {
		_, page := get("/metrics")
		missing = missing[:0]
		for _, want := range wants {
			if !strings.Contains(page, want) {
				missing = append(missing, want)
			}
		}
		if len(missing) == 0 || wait.Err() != nil {
			break
		}
		select {
		case <-wait.Done():
		case <-time.After(20 * time.Millisecond):
		}
	}
	for _, m := range missing {
		t.Errorf("/metrics lacks %s", m)
	}

	bot.stop()
	logs := bot.stderr.String()
	if strings.Contains(logs, fake.Token()) || strings.Contains(logs, gi.Token) || strings.Contains(logs, hi.Token) {
		t.Error("a token appears in the logs")
	}
}

func TestShardConfig(t *testing.T) {
	for _, c := range []struct {
		id, count string
		wantID    int
		wantCount int
		bad       string
	}{
		{"", "", 0, 1, ""},
		{"1", "2", 1, 2, ""},
		{"3", "auto", 3, bot.ShardCountAuto, ""},
		{"2", "2", 0, 0, "SHARD_ID"},
		{"", "0", 0, 0, "SHARD_COUNT"},
		{"x", "", 0, 0, "SHARD_ID"},
	} {
		env := map[string]string{"SHARD_ID": c.id, "SHARD_COUNT": c.count}
		cfg, err := loadConfig(func(k string) string { return env[k] })
		if c.bad != "" {
			if err == nil || !strings.Contains(err.Error(), c.bad) {
				t.Errorf("%q/%q: err = %v, want one naming %s", c.id, c.count, err, c.bad)
			}
			continue
		}
		if err != nil || cfg.ShardID != c.wantID || cfg.ShardCount != c.wantCount {
			t.Errorf("%q/%q: %d/%d, %v", c.id, c.count, cfg.ShardID, cfg.ShardCount, err)
		}
	}
}

// /healthz turns 503 with the reason while the embedded store cannot write
// its data file, and green again once a save succeeds.
func TestHealthReportsFailedSaves(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "data")
	if err := os.Mkdir(dir, 0o700); err != nil {
		t.Fatal(err)
	}
	db := storetest.OpenEmbedded(t, filepath.Join(dir, "data.json"))
	h := metrics.New().Handler(healthCheck(db, func() bool { return true }))
	get := func() (int, string) {
		w := httptest.NewRecorder()
		h.ServeHTTP(w, httptest.NewRequest("GET", "/healthz", nil))
		return w.Code, w.Body.String()
	}
	if code, body := get(); code != http.StatusOK {
		t.Fatalf("healthy store: %d %s", code, body)
	}
	if err := os.RemoveAll(dir); err != nil {
		t.Fatal(err)
	}
	if _, err := db.Restore(context.Background(), strings.NewReader(`{"format":"briefbot-snapshot","version":1,"prefix":"x:","keys":[
{"key":"k","type":"string","ttl_ms":0,"value":"v"}]}`), store.RestoreOptions{}); err != nil {
		t.Fatal(err)
	}
	_ = db.Flush()
	if code, body := get(); code != http.StatusServiceUnavailable || !strings.Contains(body, "cannot write data file") {
		t.Errorf("failing saves: %d %s", code, body)
	}
	if err := os.Mkdir(dir, 0o700); err != nil {
		t.Fatal(err)
	}
	if err := db.Flush(); err != nil {
		t.Fatal(err)
	}
	if code, body := get(); code != http.StatusOK {
		t.Errorf("after a good save: %d %s", code, body)
	}
}
