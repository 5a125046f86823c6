// Command fakediscord runs the project's fake Discord (bot/discordtest) by
// hand, so that `briefbot run` can be tried end to end without a Discord
// account: point the bot at it with the printed settings, then type slash
// commands here as a server admin would in Discord. Replies, deferred edits
// and digest posts the bot sends are printed as text.
package main

import (
	"bufio"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
	"sync"
	"syscall"
	"time"

	"briefbot/bot"
	"briefbot/bot/discordtest"

	"github.com/bwmarrin/discordgo"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := run(ctx, os.Args[1:], os.Stdin, os.Stdout, os.Stderr)
	stop()
	if err != nil && err != flag.ErrHelp {
		fmt.Fprintln(os.Stderr, "fakediscord: "+err.Error())
		os.Exit(1)
	}
}

// channelID is the channel every typed command comes from.
const channelID = "1400000000000000001"

func run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("fakediscord", flag.ContinueOnError)
	fs.SetOutput(stderr)
	addr := fs.String("addr", "127.0.0.1:8099", "address to listen on (loopback only)")
	fs.Usage = func() {
		fmt.Fprint(stderr, "Usage: fakediscord [--addr 127.0.0.1:8099]\n\n"+
			"Runs a fake Discord. Start briefbot with the settings it prints, then type slash\n"+
			"commands (/brief putin-kim); prefix one with \"member \" to send it as a member\n"+
			"without Manage Server.\n\nFlags:\n")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return err
	}
	if !strings.HasPrefix(*addr, "127.") && !strings.HasPrefix(*addr, "[::1]") && !strings.HasPrefix(*addr, "localhost:") {
		return fmt.Errorf("--addr %s: the fake listens on loopback only", *addr)
	}
	rep := &reporter{w: stderr}
	defer rep.cleanup()
	fake, err := start(rep, *addr)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "Fake Discord listening. Start the bot with:\n\n  DISCORD_API_URL=%s DISCORD_TOKEN=%s DISCORD_GUILD_ID=%s briefbot run\n\n",
		fake.APIURL(), fake.Token(), fake.GuildID())
	fmt.Fprintln(stdout, "Waiting for the bot to connect and register its commands...")
	if err := fake.WaitFor(ctx, func() bool { return len(fake.Commands(fake.GuildID())) > 0 }); err != nil {
		return nil // interrupted before a bot came
	}
	names := []string{}
	for _, c := range fake.Commands(fake.GuildID()) {
		names = append(names, "/"+c.Name)
	}
	fmt.Fprintf(stdout, "Bot connected; commands: %s. Type one (Ctrl-D to quit).\n", strings.Join(names, " "))

	var out sync.Mutex
	say := func(format string, args ...any) {
		out.Lock()
		defer out.Unlock()
		fmt.Fprintf(stdout, format, args...)
	}
	go printChannelPosts(ctx, fake, say)

	lines := make(chan string)
	go func() {
		defer close(lines)
		sc := bufio.NewScanner(stdin)
		sc.Buffer(make([]byte, 64*1024), 1<<20)
		for sc.Scan() {
			select {
			case lines <- sc.Text():
			case <-ctx.Done():
				return
			}
		}
	}()
	for {
		var line string
		var ok bool
		select {
		case line, ok = <-lines:
			if !ok {
				return nil
			}
		case <-ctx.Done():
			return nil
		}
		if strings.TrimSpace(line) == "" {
			continue
		}
		if err := dispatch(ctx, fake, line, say); err != nil {
			say("⚠️ %v\n", err)
		}
	}
}

// dispatch sends one typed command to the bot and prints what it answers.
func dispatch(ctx context.Context, fake *discordtest.Server, line string, say func(string, ...any)) error {
	perms := int64(discordgo.PermissionManageGuild)
	if rest, ok := strings.CutPrefix(strings.TrimSpace(line), "member "); ok {
		line, perms = rest, 0
	}
	data, err := bot.ParseCommand(fake.Commands(fake.GuildID()), line)
	if err != nil {
		return err
	}
	i := &discordgo.Interaction{
		Type:      discordgo.InteractionApplicationCommand,
		GuildID:   fake.GuildID(),
		ChannelID: channelID,
		Member:    &discordgo.Member{User: &discordgo.User{ID: "1500000000000000001", Username: "you"}, Permissions: perms},
		Data:      data,
	}
	fake.Dispatch(i)
	wait, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	req, err := fake.WaitCallback(wait, i.ID)
	if err != nil {
		return fmt.Errorf("the bot did not answer: %w", err)
	}
	var resp discordgo.InteractionResponse
	if err := json.Unmarshal(req.Body, &resp); err != nil {
		return fmt.Errorf("the bot answered with a body that is not JSON: %s", req.Body)
	}
	if resp.Type != discordgo.InteractionResponseDeferredChannelMessageWithSource {
		say("%s\n", render(&resp))
		return nil
	}
	say("(bot is thinking...)\n")
	edit, err := fake.WaitRequest(wait, func(r discordtest.Request) bool {
		return r.Method != "GET" && strings.Contains(r.Path, "/webhooks/") && strings.Contains(r.Path, i.Token)
	})
	if err != nil {
		return fmt.Errorf("the bot deferred but never finished: %w", err)
	}
	var data2 discordgo.InteractionResponseData
	_ = json.Unmarshal(edit.Body, &data2)
	say("%s\n", render(&discordgo.InteractionResponse{Data: &data2}))
	return nil
}

// printChannelPosts prints the messages the bot posts to channels (digests).
func printChannelPosts(ctx context.Context, fake *discordtest.Server, say func(string, ...any)) {
	last := 0
	for {
		req, err := fake.WaitRequest(ctx, func(r discordtest.Request) bool {
			return r.Seq > last && r.Method == "POST" && strings.HasPrefix(r.Route(), "/channels/")
		})
		if err != nil {
			return
		}
		last = req.Seq
		var msg discordgo.MessageSend
		_ = json.Unmarshal(req.Body, &msg)
		say("\n[posted to %s]\n%s\n", req.Route(), render(&discordgo.InteractionResponse{Data: &discordgo.InteractionResponseData{Content: msg.Content, Embeds: msg.Embeds}}))
	}
}

func render(resp *discordgo.InteractionResponse) string {
	text := bot.ResponseText(resp)
	if resp.Data != nil && resp.Data.Flags&discordgo.MessageFlagsEphemeral != 0 {
		text = "(only you can see this) " + text
	}
	return text
}

// start starts the fake; a failure it reports through Fatalf comes back as
// an error.
func start(rep *reporter, addr string) (fake *discordtest.Server, err error) {
	defer func() {
		if p := recover(); p != nil {
			if rep.fatal == nil {
				panic(p)
			}
			err = rep.fatal
		}
	}()
	return discordtest.New(rep, discordtest.WithAddr(addr)), nil
}

// reporter stands in for testing.TB when the fake runs by hand.
type reporter struct {
	w        io.Writer
	mu       sync.Mutex
	cleanups []func()
	fatal    error
}

func (r *reporter) Helper() {}
func (r *reporter) Errorf(format string, args ...any) {
	fmt.Fprintf(r.w, "fakediscord: "+format+"\n", args...)
}
func (r *reporter) Fatalf(format string, args ...any) {
	r.mu.Lock()
	if r.fatal == nil {
		r.fatal = fmt.Errorf(format, args...)
	}
	err := r.fatal
	r.mu.Unlock()
	panic(err)
}
func (r *reporter) Cleanup(f func()) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.cleanups = append(r.cleanups, f)
}
func (r *reporter) cleanup() {
	r.mu.Lock()
	fs := r.cleanups
	r.mu.Unlock()
	for i := len(fs) - 1; i >= 0; i-- {
		fs[i]()
	}
}
