package main

import (
	"bytes"
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"briefbot/bot/discordtest"
	"briefbot/internal/testkit"

	"github.com/bwmarrin/discordgo"
)

// runningBot is `briefbot run` started in-process against a fake Discord.
type runningBot struct {
	t      *testing.T
	fake   *discordtest.Server
	stderr testkit.LogBuffer
	cancel context.CancelFunc
	done   chan error
	// wait bounds every wait on the bot.
	wait context.Context
}

// startBot points c at fake (token, API URL, guild), runs `briefbot run`,
// and returns once the commands are registered. The bot is interrupted when
// the test ends, if stop was not called.
func startBot(t *testing.T, c *cli, fake *discordtest.Server) *runningBot {
	t.Helper()
	c.env["DISCORD_TOKEN"] = fake.Token()
	c.env["DISCORD_API_URL"] = fake.APIURL()
	c.env["DISCORD_GUILD_ID"] = fake.GuildID()
	ctx, cancel := context.WithCancel(context.Background())
	b := &runningBot{t: t, fake: fake, cancel: cancel, done: make(chan error, 1)}
	go func() {
		b.done <- run(ctx, []string{"briefbot", "run"}, func(k string) string { return c.env[k] }, strings.NewReader(""), &bytes.Buffer{}, &b.stderr)
	}()
	wait, stopWait := context.WithTimeout(ctx, 15*time.Second)
	b.wait = wait
	t.Cleanup(func() { stopWait(); b.stop() })
	if err := fake.WaitFor(wait, func() bool { return len(fake.Commands(fake.GuildID())) > 0 }); err != nil {
		t.Fatalf("commands never registered: %v\n%s", err, b.stderr.String())
	}
	return b
}

// stop interrupts the bot, as SIGINT would, and fails the test unless run
// returns nil within 15 seconds. A second call does nothing.
func (b *runningBot) stop() {
	b.t.Helper()
	if b.done == nil {
		return
	}
	b.cancel()
	select {
	case err := <-b.done:
		if err != nil {
			b.t.Fatalf("run returned %v after interrupt", err)
		}
	case <-time.After(15 * time.Second):
		b.t.Fatal("run did not stop after interrupt")
	}
	b.done = nil
}

// brief sends /brief topic over the gateway and returns the callback body.
func (b *runningBot) brief(topic string) (discordgo.InteractionResponse, *discordgo.Interaction, []byte) {
	b.t.Helper()
	i := discordtest.Slash(b.fake.GuildID(), 0, "brief", discordtest.Opt("topic", topic))
	b.fake.Dispatch(i)
	req, err := b.fake.WaitCallback(b.wait, i.ID)
	if err != nil {
		b.t.Fatalf("no answer to /brief: %v\n%s", err, b.stderr.String())
	}
	var resp discordgo.InteractionResponse
	if err := json.Unmarshal(req.Body, &resp); err != nil {
		b.t.Fatal(err)
	}
	return resp, i, req.Body
}

// `briefbot run` against the fake Discord: registers the command table in
// the configured guild, answers /brief from the store the command line
// filled, and stops cleanly when interrupted, without logging the token.
func TestRunServesDiscord(t *testing.T) {
	fake := discordtest.New(t)
	c := newCLI(t)
	c.mustRun("", "add", "--guild", fake.GuildID(), "--slug", "putin-kim", sample)
	bot := startBot(t, c, fake)
	names := map[string]bool{}
	for _, cmd := range fake.Commands(fake.GuildID()) {
		names[cmd.Name] = true
	}
	for _, want := range []string{"brief", "briefs", "article"} {
		if !names[want] {
			t.Errorf("/%s not registered (got %v)", want, names)
		}
	}

	resp, _, body := bot.brief("putin-kim")
	if resp.Type != discordgo.InteractionResponseChannelMessageWithSource || len(resp.Data.Embeds) != 1 ||
		resp.Data.Embeds[0].Title != "Russia's Deal With North Korea Is 'Ominously Ambiguous'" {
		t.Fatalf("/brief answer: %s", body)
	}

	bot.stop()
	if strings.Contains(bot.stderr.String(), fake.Token()) {
		t.Error("the bot token appears in the logs")
	}
}

func TestRunWithoutTokenIsClear(t *testing.T) {
	r := newCLI(t).run("", "run")
	if r.err == nil || !strings.Contains(userMessage(r.err), "DISCORD_TOKEN") {
		t.Fatalf("err = %v", r.err)
	}
}
