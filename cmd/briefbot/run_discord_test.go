package main

import (
	"bytes"
	"context"
	"encoding/json"
	"strings"
	"sync"
	"testing"
	"time"

	"briefbot/bot/discordtest"

	"github.com/bwmarrin/discordgo"
)

// syncBuffer is a bytes.Buffer safe for the logger and the test to share.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// `briefbot run` against the fake Discord: registers the command table in
// the configured guild, answers /brief from the store the command line
// filled, and stops cleanly when interrupted, without logging the token.
func TestRunServesDiscord(t *testing.T) {
	fake := discordtest.New(t)
	c := newCLI(t)
	c.mustRun("", "add", "--guild", fake.GuildID(), "--slug", "putin-kim", sample)
	c.env["DISCORD_TOKEN"] = fake.Token()
	c.env["DISCORD_API_URL"] = fake.APIURL()
	c.env["DISCORD_GUILD_ID"] = fake.GuildID()

	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var stderr syncBuffer
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, []string{"briefbot", "run"}, func(k string) string { return c.env[k] }, strings.NewReader(""), &bytes.Buffer{}, &stderr)
	}()
	wait, stop := context.WithTimeout(ctx, 15*time.Second)
	defer stop()
	if err := fake.WaitFor(wait, func() bool { return len(fake.Commands(fake.GuildID())) > 0 }); err != nil {
		t.Fatalf("commands never registered: %v\n%s", err, stderr.String())
	}
	names := map[string]bool{}
	for _, cmd := range fake.Commands(fake.GuildID()) {
		names[cmd.Name] = true
	}
	for _, want := range []string{"brief", "briefs", "article"} {
		if !names[want] {
			t.Errorf("/%s not registered (got %v)", want, names)
		}
	}

	i := &discordgo.Interaction{
		Type:    discordgo.InteractionApplicationCommand,
		GuildID: fake.GuildID(),
		Member:  &discordgo.Member{User: &discordgo.User{ID: "7"}},
		Data: discordgo.ApplicationCommandInteractionData{Name: "brief", Options: []*discordgo.ApplicationCommandInteractionDataOption{
			{Name: "topic", Type: discordgo.ApplicationCommandOptionString, Value: "putin-kim"},
		}},
	}
	fake.Dispatch(i)
	req, err := fake.WaitCallback(wait, i.ID)
	if err != nil {
		t.Fatalf("no answer to /brief: %v\n%s", err, stderr.String())
	}
	var resp discordgo.InteractionResponse
	if err := json.Unmarshal(req.Body, &resp); err != nil {
		t.Fatal(err)
	}
	if resp.Type != discordgo.InteractionResponseChannelMessageWithSource || len(resp.Data.Embeds) != 1 ||
		resp.Data.Embeds[0].Title != "Russia's Deal With North Korea Is 'Ominously Ambiguous'" {
		t.Fatalf("/brief answer: %s", req.Body)
	}

	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("run returned %v after interrupt", err)
		}
	case <-time.After(15 * time.Second):
		t.Fatal("run did not stop after interrupt")
	}
	if strings.Contains(stderr.String(), fake.Token()) {
		t.Error("the bot token appears in the logs")
	}
}

func TestRunWithoutTokenIsClear(t *testing.T) {
	r := newCLI(t).run("", "run")
	if r.err == nil || !strings.Contains(userMessage(r.err), "DISCORD_TOKEN") {
		t.Fatalf("err = %v", r.err)
	}
}
