package main

import (
	"bufio"
	"context"
	"io"
	"regexp"
	"strings"
	"testing"
	"time"

	"briefbot/bot"
	"briefbot/briefs"
	"briefbot/briefs/extractive"
	"briefbot/internal/testkit"
	"briefbot/store/storetest"
)

// By hand: the fake prints how to start the bot, a real Gateway connects,
// and typed commands come back as the bot's replies.
func TestTypedCommandsReachTheBot(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	stdinR, stdinW := io.Pipe()
	stdoutR, stdoutW := io.Pipe()
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, []string{"--addr", "127.0.0.1:0"}, stdinR, stdoutW, io.Discard)
		stdoutW.Close()
	}()
	lines := bufio.NewScanner(stdoutR)
	next := func(want *regexp.Regexp) []string {
		t.Helper()
		for lines.Scan() {
			if m := want.FindStringSubmatch(lines.Text()); m != nil {
				return m
			}
		}
		t.Fatalf("output ended before a line matching %s", want)
		return nil
	}
	m := next(regexp.MustCompile(`DISCORD_API_URL=(\S+) DISCORD_TOKEN=(\S+) DISCORD_GUILD_ID=(\S+) briefbot run`))
	apiURL, token, guild := m[1], m[2], m[3]

	svc := &briefs.Service{Store: storetest.Open(t), Summarizer: extractive.New()}
	if _, err := svc.Add(ctx, briefs.AddInput{GuildID: guild, Text: testkit.SampleArticle(t), Slug: "putin-kim"}); err != nil {
		t.Fatal(err)
	}
	g := &bot.Gateway{Token: token, APIURL: apiURL, GuildID: guild, Router: bot.NewRouter(svc, nil)}
	botCtx, stopBot := context.WithCancel(ctx)
	botDone := make(chan error, 1)
	go func() { botDone <- g.Run(botCtx) }()
	defer func() { stopBot(); <-botDone }()

	next(regexp.MustCompile(`^Bot connected; commands: /brief /briefs /article`))
	io.WriteString(stdinW, "/brief putin-kim\n")
	next(regexp.MustCompile(`^# Russia's Deal With North Korea Is 'Ominously Ambiguous'$`))
	io.WriteString(stdinW, "member /article remove slug:putin-kim\n")
	refusal := next(regexp.MustCompile(`^\(only you can see this\) (.*)$`))
	if !strings.Contains(refusal[1], "Manage Server") {
		t.Errorf("member refusal: %q", refusal[1])
	}
	stdinW.Close()
	if err := <-done; err != nil {
		t.Fatalf("fakediscord: %v", err)
	}
}

func TestRefusesNonLoopbackAddress(t *testing.T) {
	err := run(context.Background(), []string{"--addr", "0.0.0.0:8099"}, strings.NewReader(""), io.Discard, io.Discard)
	if err == nil || !strings.Contains(err.Error(), "loopback") {
		t.Fatalf("err = %v", err)
	}
}
