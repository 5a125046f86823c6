//go:build linux

package e2e_test

import (
	"context"
	"testing"
	"time"

	"briefbot/bot/discordtest"
)

// The gateway misbehaves while `briefbot run` serves: op 7 RECONNECT, the
// socket closed without a close frame, op 9 INVALID SESSION (resumable and
// not). The bot resumes after op 7 and a drop, and answers the interaction
// dispatched while it was away (replayed on RESUME) within Discord's 3 s;
// after op 9 it resumes or identifies again. It keeps answering, answers
// every interaction exactly once, and the process stays up.
// bot/gateway_test.go covers the same in-process; this is the built binary.
//
// After op 9 with d=true discordgo identifies again rather than resuming
// (a resume would do as well), so an event sent in that gap is not replayed:
// the test dispatches only after the new READY there.
func TestGatewayDrops(t *testing.T) {
	r := startRedis(t, redisConfig{})
	prefix := newPrefix()
	fake := discordtest.New(t)
	g := fake.GuildID()
	seedArticle(t, newService(openStore(t, r.URL(), prefix)), g, "putin-kim", "")
	b := startBot(t, "bot", botEnv(t, fake, "", r.URL(), prefix))
	waitReady(t, b, fake, 0)
	mustBrief(t, b, fake, g, "putin-kim")

	faults := []struct {
		name     string
		do       func() error
		identify bool // the bot may IDENTIFY again instead of resuming: no replay
	}{
		{"op7-reconnect", fake.Reconnect, false},
		{"socket-dropped", fake.DropConnection, false},
		{"op9-resumable", func() error { return fake.InvalidSession(true) }, true},
		{"op9-not-resumable", func() error { return fake.InvalidSession(false) }, true},
	}
	for _, f := range faults {
		t.Run(f.name, func(t *testing.T) {
			ctx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
			defer cancel()
			ctx, stop := b.ctx(ctx)
			defer stop()
			before := fake.Stats()
			if err := f.do(); err != nil {
				t.Fatalf("%s: %v", f.name, err)
			}
			if !f.identify {
				// Dispatched while the bot is away: kept by the session and
				// replayed on RESUME; Discord's 3 s run from now.
				i := briefIn(g, "putin-kim")
				a, err := call(ctx, fake, i)
				if err != nil {
					t.Fatalf("the interaction sent during the gap was not answered: %v (stats %+v)", err, fake.Stats())
				}
				t.Logf("interaction sent during the gap answered after %s", a.latency.Round(time.Millisecond))
				if a.resp.Type != 4 || a.latency > 3*time.Second {
					t.Errorf("gap interaction: %s after %s", a.callback.Body, a.latency)
				}
			}
			err := fake.WaitStats(ctx, func(s discordtest.Stats) bool {
				if f.identify {
					return s.Readies > before.Readies || s.Resumes > before.Resumes
				}
				return s.Resumes > before.Resumes
			})
			if err != nil {
				t.Fatalf("no %s after %s: %v (before %+v, now %+v)", map[bool]string{true: "new READY", false: "RESUME"}[f.identify], f.name, err, before, fake.Stats())
			}
			after := fake.Stats()
			if !f.identify && after.Identifies != before.Identifies {
				t.Errorf("the bot identified again (%d -> %d) where a RESUME does", before.Identifies, after.Identifies)
			}
			for range 3 {
				mustBrief(t, b, fake, g, "putin-kim")
			}
			a, err := call(ctx, fake, discordtest.Autocomplete(g, "brief", "topic", "put"))
			if err != nil || a.resp.Data == nil || len(a.resp.Data.Choices) != 1 {
				t.Errorf("autocomplete after %s: %v %s", f.name, err, a.callback.Body)
			}
			t.Logf("stats after %s: connections %d, identifies %d, resumes %d", f.name, after.Connections, after.Identifies, after.Resumes)
		})
	}

	// Each interaction answered once: a second callback would be refused
	// (400, already acknowledged) and show here.
	for _, req := range fake.Requests() {
		if !req.OK() {
			t.Errorf("a request failed: %s", req.Route())
		}
	}
	if !b.alive() {
		t.Fatalf("the bot exited: %s", b.exitState())
	}
}
