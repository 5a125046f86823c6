package bot_test

import (
	"context"
	"fmt"
	"sort"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/bwmarrin/discordgo"

	"briefbot/bot"
	"briefbot/bot/discordtest"
)

// BenchmarkInteractionLatency measures, from INTERACTION_CREATE leaving the
// fake Discord to the initial response arriving back at it, /brief (a cache
// hit in the store: real Redis with REDIS_URL, else the embedded server) and
// autocomplete, at concurrency 1 and 16, through bot.Gateway ("bot") and,
// beside it, through a minimal discordgo bot that answers the same
// interaction with a response held in memory ("floor": discordgo plus the
// fake on this machine). Each op is one interaction; run 1,000 with
//
//	go test -run '^$' -bench InteractionLatency -benchtime 1000x ./bot/
//
// It reports p50-ms, p99-ms and interactions/s.
func BenchmarkInteractionLatency(b *testing.B) {
	u := startGateway(b, botSetup{})
	g := u.fake.GuildID()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	u.call(b, discordtest.Subcommand(g, manageGuild, "article", "add", discordtest.Opt("text", sampleText(b)), discordtest.Opt("slug", "putin-kim")))
	u.call(b, discordtest.Slash(g, 0, "brief", discordtest.Opt("topic", "putin-kim"))) // warm

	kinds := []struct {
		name string
		make func() *discordgo.Interaction
	}{
		{"brief", func() *discordgo.Interaction {
			return discordtest.Slash(g, 0, "brief", discordtest.Opt("topic", "putin-kim"))
		}},
		{"autocomplete", func() *discordgo.Interaction { return discordtest.Autocomplete(g, "brief", "topic", "put") }},
	}
	// The floor answers each kind with what the router answers, computed once.
	answers := map[string]*discordgo.InteractionResponse{}
	for _, k := range kinds {
		i := k.make()
		answers[k.name] = u.router.Handle(ctx, i)
		if k.name == "brief" && len(answers[k.name].Data.Embeds) != 1 {
			b.Fatalf("/brief does not hit: %+v", answers[k.name].Data)
		}
		if k.name == "autocomplete" && len(answers[k.name].Data.Choices) != 1 {
			b.Fatalf("autocomplete offers nothing: %+v", answers[k.name].Data)
		}
	}
	floor := startFloorBot(b, answers)

	for _, k := range kinds {
		for _, conc := range []int{1, 16} {
			b.Run(fmt.Sprintf("%s/c%d/bot", k.name, conc), func(b *testing.B) {
				measureLatency(b, u.fake, conc, k.make)
			})
			b.Run(fmt.Sprintf("%s/c%d/floor", k.name, conc), func(b *testing.B) {
				measureLatency(b, floor, conc, func() *discordgo.Interaction {
					i := k.make()
					i.Data = discordgo.ApplicationCommandInteractionData{Name: k.name, Options: i.ApplicationCommandData().Options}
					return i
				})
			})
		}
	}
}

// startFloorBot runs the simplest discordgo bot against its own fake: every
// interaction is answered with the response held for its command name.
func startFloorBot(b *testing.B, answers map[string]*discordgo.InteractionResponse) *discordtest.Server {
	b.Helper()
	fake := discordtest.New(b)
	client, err := bot.NewHTTPClient(fake.APIURL(), 10*time.Second)
	if err != nil {
		b.Fatal(err)
	}
	s, err := discordgo.New("Bot " + fake.Token())
	if err != nil {
		b.Fatal(err)
	}
	s.Client = client
	s.Identify.Intents = discordgo.IntentsNone
	s.LogLevel = -1
	s.AddHandler(func(s *discordgo.Session, ic *discordgo.InteractionCreate) {
		if err := s.InteractionRespond(ic.Interaction, answers[ic.ApplicationCommandData().Name]); err != nil {
			b.Error(err)
		}
	})
	if err := s.Open(); err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { s.Close() })
	return fake
}

// measureLatency dispatches b.N interactions from conc workers, each waiting
// for its callback before the next, and reports the latency percentiles.
func measureLatency(b *testing.B, fake *discordtest.Server, conc int, newInteraction func() *discordgo.Interaction) {
	fake.ResetRequests()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	defer cancel()
	lat := make([]time.Duration, b.N)
	var next atomic.Int64
	var wg sync.WaitGroup
	b.ResetTimer()
	start := time.Now()
	for range conc {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				n := int(next.Add(1)) - 1
				if n >= b.N {
					return
				}
				i := newInteraction()
				t0 := time.Now()
				fake.Dispatch(i)
				req, err := fake.WaitCallback(ctx, i.ID)
				if err != nil {
					b.Error(err)
					return
				}
				if !req.OK() {
					b.Errorf("callback answered %d: %s", req.Status, req.Body)
				}
				lat[n] = req.At.Sub(t0)
			}
		}()
	}
	wg.Wait()
	elapsed := time.Since(start)
	b.StopTimer()
	sort.Slice(lat, func(i, j int) bool { return lat[i] < lat[j] })
	pct := func(p float64) float64 {
		return float64(lat[min(len(lat)-1, int(p*float64(len(lat))))].Microseconds()) / 1000
	}
	b.ReportMetric(pct(0.50), "p50-ms")
	b.ReportMetric(pct(0.99), "p99-ms")
	b.ReportMetric(float64(b.N)/elapsed.Seconds(), "interactions/s")
	fake.ResetRequests()
}
