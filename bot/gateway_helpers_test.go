package bot_test

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/bwmarrin/discordgo"

	"briefbot/bot"
	"briefbot/bot/discordtest"
	"briefbot/briefs"
	"briefbot/briefs/extractive"
	"briefbot/internal/testkit"
	"briefbot/store"
	"briefbot/store/storetest"
)

// e2eWait bounds every wait of the end-to-end tests.
const e2eWait = 15 * time.Second

// openGatewayStore opens the store as the bot runs it: on REDIS_URL under a
// random prefix, else embedded (storetest).
func openGatewayStore(tb testing.TB) *store.DB {
	tb.Helper()
	return storetest.Open(tb)
}

func randHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

func newService(tb testing.TB) *briefs.Service {
	return &briefs.Service{Store: openGatewayStore(tb), Summarizer: extractive.New(), BriefTTL: time.Hour, MaxArticleBytes: 1 << 20}
}

// botUnderTest is a Gateway running against a fake Discord.
type botUnderTest struct {
	fake   *discordtest.Server
	svc    *briefs.Service
	router *bot.Router
	gw     *bot.Gateway
	cancel context.CancelFunc
	done   chan error
	logs   *testkit.LogBuffer
}

type botSetup struct {
	wrap       func(bot.Briefs) bot.Briefs // wraps the real service (panics, delays)
	deferAfter time.Duration
	shutdown   time.Duration
	guildID    *string // nil: the fake's guild
	fakeOpts   []discordtest.Option
	observer   bot.Observer
	logs       *testkit.LogBuffer // nil: a new one
}

// startGateway starts a fake Discord and the Gateway over the real service and
// store, waits until the bot is ready, and stops both when the test ends.
// Every outgoing message body is checked for allowed_mentions at the end.
func startGateway(t testing.TB, setup botSetup) *botUnderTest {
	t.Helper()
	fake := discordtest.New(t, setup.fakeOpts...)
	svc := newService(t)
	var b bot.Briefs = svc
	if setup.wrap != nil {
		b = setup.wrap(svc)
	}
	logs := setup.logs
	if logs == nil {
		logs = &testkit.LogBuffer{}
	}
	log := slog.New(slog.NewTextHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	router := bot.NewRouter(b, log)
	guild := fake.GuildID()
	if setup.guildID != nil {
		guild = *setup.guildID
	}
	gw := &bot.Gateway{
		Token:           fake.Token(),
		APIURL:          fake.APIURL(),
		GuildID:         guild,
		Router:          router,
		Logger:          log,
		DeferAfter:      setup.deferAfter,
		ShutdownTimeout: setup.shutdown,
		Observer:        setup.observer,
	}
	ctx, cancel := context.WithCancel(context.Background())
	u := &botUnderTest{fake: fake, svc: svc, router: router, gw: gw, cancel: cancel, done: make(chan error, 1), logs: logs}
	go func() { u.done <- gw.Run(ctx) }()
	t.Cleanup(func() {
		if err := u.stop(); err != nil {
			t.Errorf("Run: %v", err)
		}
		if strings.Contains(logs.String(), fake.Token()) {
			t.Errorf("the bot token appears in the logs")
		}
		checkNoMentions(t, fake.Requests())
	})
	wctx, wcancel := context.WithTimeout(context.Background(), e2eWait)
	defer wcancel()
	if err := fake.WaitReady(wctx); err != nil {
		select {
		case err := <-u.done:
			u.done <- err
			t.Fatalf("Run ended: %v", err)
		default:
		}
		t.Fatal(err)
	}
	return u
}

// stop cancels Run and returns its result; it may be called more than once.
func (u *botUnderTest) stop() error {
	u.cancel()
	select {
	case err := <-u.done:
		u.done <- err
		return err
	case <-time.After(e2eWait):
		return errors.New("Run did not return after cancellation")
	}
}

func (u *botUnderTest) ctx(t testing.TB) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), e2eWait)
	t.Cleanup(cancel)
	return ctx
}

// call dispatches an interaction and returns the accepted callback.
func (u *botUnderTest) call(t testing.TB, i *discordgo.Interaction) (discordtest.Request, callbackBody) {
	t.Helper()
	u.fake.Dispatch(i)
	req, err := u.fake.WaitCallback(u.ctx(t), i.ID)
	if err != nil {
		t.Fatal(err)
	}
	var cb callbackBody
	if err := json.Unmarshal(req.Body, &cb); err != nil {
		t.Fatalf("callback body %s: %v", req.Body, err)
	}
	return req, cb
}

// callbackBody decodes an interaction response as it went over the wire.
type callbackBody struct {
	Type discordgo.InteractionResponseType `json:"type"`
	Data struct {
		Content string                    `json:"content"`
		Flags   discordgo.MessageFlags    `json:"flags"`
		Embeds  []*discordgo.MessageEmbed `json:"embeds"`
		Choices []struct {
			Name  string `json:"name"`
			Value string `json:"value"`
		} `json:"choices"`
		AllowedMentions *wireMentions `json:"allowed_mentions"`
	} `json:"data"`
}

type wireMentions struct {
	Parse       *[]string `json:"parse"`
	Roles       []string  `json:"roles"`
	Users       []string  `json:"users"`
	RepliedUser bool      `json:"replied_user"`
}

// mentionsNone reports whether allowed_mentions allows nothing: "parse" is an
// empty list (null would let Discord parse everything), no roles, no users.
func (m *wireMentions) mentionsNone() bool {
	return m != nil && m.Parse != nil && len(*m.Parse) == 0 && len(m.Roles) == 0 && len(m.Users) == 0 && !m.RepliedUser
}

// checkNoMentions fails the test when a recorded request that carries a
// message (an interaction response of a message type, an edit of @original,
// a follow-up, a channel message) lacks allowed_mentions {"parse":[]}.
// discordgo encodes it as {"parse":[],"replied_user":false}.
func checkNoMentions(t testing.TB, reqs []discordtest.Request) {
	t.Helper()
	for _, p := range mentionProblems(reqs) {
		t.Error(p)
	}
}

func mentionProblems(reqs []discordtest.Request) []string {
	var problems []string
	for _, r := range reqs {
		seg := strings.Split(strings.Trim(r.Route(), "/"), "/")
		var am *wireMentions
		switch {
		case r.Method == http.MethodPost && seg[0] == "interactions":
			var cb callbackBody
			if err := json.Unmarshal(r.Body, &cb); err != nil {
				problems = append(problems, fmt.Sprintf("%s: %v", r, err))
				continue
			}
			switch cb.Type {
			case discordgo.InteractionApplicationCommandAutocompleteResult, discordgo.InteractionResponseModal, discordgo.InteractionResponsePong:
				continue // no message
			}
			am = cb.Data.AllowedMentions
		case (r.Method == http.MethodPost || r.Method == http.MethodPatch) && (seg[0] == "webhooks" || seg[0] == "channels"):
			var msg struct {
				AllowedMentions *wireMentions `json:"allowed_mentions"`
			}
			if err := json.Unmarshal(r.Body, &msg); err != nil {
				problems = append(problems, fmt.Sprintf("%s: %v", r, err))
				continue
			}
			am = msg.AllowedMentions
		default:
			continue
		}
		if !am.mentionsNone() {
			problems = append(problems, fmt.Sprintf("outgoing message without allowed_mentions {\"parse\":[]}: %s %s %s", r.Method, r.Path, r.Body))
		}
	}
	return problems
}

// Interactions as Discord sends them.

const (
	manageGuild = discordgo.PermissionManageGuild
)

// sampleText is examples/putin-kim.txt on one line, as pasted into text:.
func sampleText(t testing.TB) string {
	t.Helper()
	return strings.Join(strings.Fields(testkit.SampleArticle(t)), " ")
}
