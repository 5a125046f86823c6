//go:build linux

// Package e2e_test breaks briefbot on purpose and measures it under load:
// Redis stopping and dying under the bot, kill -9 of Redis during a burst of
// adds (AOF), SIGKILL of a bot in the middle of a digest or of a feed's poll,
// gateway drops, and thousands of interactions through the gateway. The bot
// runs as the real binary (built once, from ./cmd/briefbot) in a subprocess
// against the fake Discord of bot/discordtest and a redis-server started by
// the test; all traffic stays on 127.0.0.1.
//
//	go test ./e2e/                      # everything, about two minutes
//	go test -short ./e2e/               # skips the tests that wait for a cron slot or a lease
//	go test -run Load -v ./e2e/         # the load figures (p50/p99, RSS, bytes/article)
//	go test ./e2e/ -e2e.long            # also the long variants (several minutes)
//	go test -run '^$' -bench . ./e2e/   # the gateway load as a benchmark
//
// Linux only (it reads /proc and ties the children's lives to the test's).
// Tests that need redis-server skip with a message when it is not on PATH.
// With REDIS_URL set, the load tests use that Redis (under a random key
// prefix that they delete afterwards); the fault tests always start their own
// redis-server, since they stop and kill it.
package e2e_test

import (
	"bufio"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/bwmarrin/discordgo"
	"github.com/redis/go-redis/v9"

	"briefbot/bot/discordtest"
	"briefbot/briefs"
	"briefbot/briefs/extractive"
	"briefbot/internal/testkit"
	"briefbot/store"
	"briefbot/store/storetest"
)

var long = flag.Bool("e2e.long", false, "also run the long variants (several minutes each)")

// ---------------------------------------------------------------------------
// The briefbot binary

var (
	buildOnce sync.Once
	botBin    string
	buildErr  error
	buildDir  string
)

func TestMain(m *testing.M) {
	flag.Parse()
	code := m.Run()
	if buildDir != "" {
		os.RemoveAll(buildDir)
	}
	os.Exit(code)
}

// briefbotBinary builds ./cmd/briefbot once per test run (with the go on
// PATH) and returns its path.
func briefbotBinary(tb testing.TB) string {
	tb.Helper()
	buildOnce.Do(func() {
		goBin, err := exec.LookPath("go")
		if err != nil {
			buildErr = fmt.Errorf("go not on PATH: %w", err)
			return
		}
		buildDir, err = os.MkdirTemp("", "briefbot-e2e-bin-")
		if err != nil {
			buildErr = err
			return
		}
		botBin = filepath.Join(buildDir, "briefbot")
		cmd := exec.Command(goBin, "build", "-o", botBin, "./cmd/briefbot")
		cmd.Dir = ".." // the module root
		if out, err := cmd.CombinedOutput(); err != nil {
			buildErr = fmt.Errorf("go build ./cmd/briefbot: %v\n%s", err, out)
		}
	})
	if buildErr != nil {
		tb.Fatalf("cannot build briefbot: %v", buildErr)
	}
	return botBin
}

// ---------------------------------------------------------------------------
// redis-server processes

// redisServer is a redis-server process the test owns: it can be stopped
// (SIGSTOP), continued, killed and restarted on the same port and directory.
type redisServer struct {
	tb   testing.TB
	bin  string
	port int
	dir  string
	args []string

	mu   sync.Mutex
	cmd  *exec.Cmd
	done chan struct{}
	out  *testkit.LogBuffer
}

// redisConfig is the redis-server configuration: the persistence settings a
// test chooses.
type redisConfig struct {
	appendonly  bool
	appendfsync string // always, everysec, no
}

// startRedis starts redis-server on a free loopback port in a temporary
// directory, or skips the test when redis-server is not installed.
func startRedis(tb testing.TB, cfg redisConfig) *redisServer {
	tb.Helper()
	bin, err := exec.LookPath("redis-server")
	if err != nil {
		tb.Skip("redis-server is not on PATH; install Redis (e.g. apt-get install redis-server) to run this test")
	}
	r := &redisServer{tb: tb, bin: bin, port: freePort(tb), dir: tb.TempDir()}
	aof := "no"
	if cfg.appendonly {
		aof = "yes"
	}
	r.args = []string{
		"--port", strconv.Itoa(r.port), "--bind", "127.0.0.1", "--protected-mode", "no",
		"--dir", r.dir, "--daemonize", "no", "--save", "", "--appendonly", aof,
		"--logfile", "", "--loglevel", "warning",
	}
	if cfg.appendfsync != "" {
		r.args = append(r.args, "--appendfsync", cfg.appendfsync)
	}
	r.start()
	tb.Cleanup(func() { r.kill() })
	return r
}

// URL is the redis:// URL of the server.
func (r *redisServer) URL() string { return fmt.Sprintf("redis://127.0.0.1:%d/0", r.port) }

func (r *redisServer) start() {
	r.tb.Helper()
	r.mu.Lock()
	cmd := exec.Command(r.bin, r.args...)
	cmd.SysProcAttr = dieWithTest()
	out := &testkit.LogBuffer{}
	cmd.Stdout, cmd.Stderr = out, out
	if err := cmd.Start(); err != nil {
		r.mu.Unlock()
		r.tb.Fatalf("start redis-server: %v", err)
	}
	done := make(chan struct{})
	go func() { _ = cmd.Wait(); close(done) }()
	r.cmd, r.done, r.out = cmd, done, out
	r.mu.Unlock()
	r.waitUp()
}

// waitUp polls PING until the server answers (it is an external process:
// polling with a deadline is the only signal there is).
func (r *redisServer) waitUp() {
	r.tb.Helper()
	c := redis.NewClient(&redis.Options{Addr: fmt.Sprintf("127.0.0.1:%d", r.port), MaxRetries: -1, DialTimeout: 200 * time.Millisecond})
	defer c.Close()
	deadline := time.Now().Add(15 * time.Second)
	for {
		ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
		err := c.Ping(ctx).Err()
		cancel()
		if err == nil {
			return
		}
		select {
		case <-r.done:
			r.tb.Fatalf("redis-server exited at start: %s", r.out.String())
		default:
		}
		if time.Now().After(deadline) {
			r.tb.Fatalf("redis-server does not answer on port %d after 15s: %v\n%s", r.port, err, r.out.String())
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// signal sends sig to the running server.
func (r *redisServer) signal(sig syscall.Signal) {
	r.tb.Helper()
	r.mu.Lock()
	defer r.mu.Unlock()
	if err := r.cmd.Process.Signal(sig); err != nil {
		r.tb.Fatalf("signal %v to redis-server: %v", sig, err)
	}
}

// kill sends SIGKILL and waits for the process to end.
func (r *redisServer) kill() {
	r.mu.Lock()
	cmd, done := r.cmd, r.done
	r.mu.Unlock()
	if cmd == nil {
		return
	}
	select {
	case <-done:
		return
	default:
	}
	_ = cmd.Process.Kill()
	<-done
}

// ---------------------------------------------------------------------------
// briefbot processes

// botProc is a `briefbot run` subprocess.
type botProc struct {
	tb   testing.TB
	name string
	env  []string

	mu   sync.Mutex
	cmd  *exec.Cmd
	done chan struct{}
	out  *testkit.LogBuffer
	runs int
}

// botEnv is the environment of a bot talking to fake (through apiURL when
// not empty) and Redis at redisURL under prefix.
func botEnv(tb testing.TB, fake *discordtest.Server, apiURL, redisURL, prefix string, extra ...string) []string {
	if apiURL == "" {
		apiURL = fake.APIURL()
	}
	home := tb.TempDir()
	return append([]string{
		"PATH=" + os.Getenv("PATH"),
		"HOME=" + home,
		"DISCORD_TOKEN=" + fake.Token(),
		"DISCORD_API_URL=" + apiURL,
		"DISCORD_GUILD_ID=" + fake.GuildID(),
		"REDIS_URL=" + redisURL,
		"REDIS_KEY_PREFIX=" + prefix,
		"DATA_FILE=" + filepath.Join(home, "unused.json"),
		"LOG_LEVEL=info",
		"MIN_DIGEST_INTERVAL=1m", // digests every minute keep the tests short
	}, extra...)
}

// startBot runs `briefbot run` with env; the process is killed when the
// test ends, and its log is printed when the test failed.
func startBot(tb testing.TB, name string, env []string) *botProc {
	tb.Helper()
	b := &botProc{tb: tb, name: name, env: env}
	b.start()
	tb.Cleanup(func() {
		b.kill()
		if tb.Failed() {
			tb.Logf("log of bot %s (last run):\n%s", b.name, tail(b.log(), 60))
		}
	})
	return b
}

func (b *botProc) start() {
	b.tb.Helper()
	cmd := exec.Command(briefbotBinary(b.tb), "run")
	cmd.SysProcAttr = dieWithTest()
	cmd.Env = b.env
	out := &testkit.LogBuffer{}
	cmd.Stdout, cmd.Stderr = out, out
	if err := cmd.Start(); err != nil {
		b.tb.Fatalf("start bot %s: %v", b.name, err)
	}
	done := make(chan struct{})
	go func() { _ = cmd.Wait(); close(done) }()
	b.mu.Lock()
	b.cmd, b.done, b.out = cmd, done, out
	b.runs++
	b.mu.Unlock()
}

// kill sends SIGKILL and waits for the process to end.
func (b *botProc) kill() {
	b.mu.Lock()
	cmd, done := b.cmd, b.done
	b.mu.Unlock()
	select {
	case <-done:
		return
	default:
	}
	_ = cmd.Process.Kill()
	<-done
}

// restart starts the bot again after a kill.
func (b *botProc) restart() {
	b.tb.Helper()
	b.kill()
	b.start()
}

// alive reports whether the process is still running.
func (b *botProc) alive() bool {
	b.mu.Lock()
	done := b.done
	b.mu.Unlock()
	select {
	case <-done:
		return false
	default:
		return true
	}
}

func (b *botProc) pid() int {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.cmd.Process.Pid
}

func (b *botProc) log() string {
	b.mu.Lock()
	out := b.out
	b.mu.Unlock()
	return out.String()
}

// exitState describes how the process ended, for messages.
func (b *botProc) exitState() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.cmd.ProcessState == nil {
		return "running"
	}
	return b.cmd.ProcessState.String()
}

// ctx returns a context that ends with parent or when the process exits, so
// that no wait outlives a crashed bot.
func (b *botProc) ctx(parent context.Context) (context.Context, context.CancelFunc) {
	ctx, cancel := context.WithCancel(parent)
	b.mu.Lock()
	done := b.done
	b.mu.Unlock()
	go func() {
		select {
		case <-done:
			cancel()
		case <-ctx.Done():
		}
	}()
	return ctx, cancel
}

// output is the log of the current run.
func (b *botProc) output() *testkit.LogBuffer {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.out
}

// rss reads VmRSS and VmHWM (peak) of the process, in KiB.
func (b *botProc) rss() (rssKiB, hwmKiB int) {
	f, err := os.Open(fmt.Sprintf("/proc/%d/status", b.pid()))
	if err != nil {
		b.tb.Logf("cannot read /proc: %v", err)
		return 0, 0
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		fields := strings.Fields(sc.Text())
		if len(fields) < 2 {
			continue
		}
		n, _ := strconv.Atoi(fields[1])
		switch fields[0] {
		case "VmRSS:":
			rssKiB = n
		case "VmHWM:":
			hwmKiB = n
		}
	}
	return rssKiB, hwmKiB
}

// waitReady waits until the fake has sent READY more than `before` times
// (the bot identified), with the process alive.
func waitReady(tb testing.TB, b *botProc, fake *discordtest.Server, before int) {
	tb.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	ctx, stop := b.ctx(ctx)
	defer stop()
	if err := fake.WaitStats(ctx, func(s discordtest.Stats) bool { return s.Readies > before }); err != nil {
		tb.Fatalf("bot %s never became ready (%s): %v\n%s", b.name, b.exitState(), err, tail(b.log(), 40))
	}
}

// ---------------------------------------------------------------------------
// Interactions

const memberID = discordtest.MemberID

func briefIn(guildID, topic string) *discordgo.Interaction {
	return discordtest.Slash(guildID, 0, "brief", discordtest.Opt("topic", topic))
}

// response is the part of an interaction response the tests read.
type response struct {
	Type int `json:"type"`
	Data *struct {
		Content string `json:"content"`
		Flags   int    `json:"flags"`
		Embeds  []struct {
			Title       string `json:"title"`
			Description string `json:"description"`
		} `json:"embeds"`
		Choices []struct {
			Name  string `json:"name"`
			Value any    `json:"value"`
		} `json:"choices"`
	} `json:"data"`
}

func (r response) ephemeral() bool { return r.Data != nil && r.Data.Flags&64 != 0 }

func (r response) String() string {
	b, _ := json.Marshal(r)
	return string(b)
}

// answer is an interaction's initial response as the fake received it.
type answer struct {
	req      discordgo.Interaction
	callback discordtest.Request
	resp     response
	latency  time.Duration // from Dispatch to the callback's arrival
}

// call dispatches i and waits (within ctx) for its accepted initial
// response.
func call(ctx context.Context, fake *discordtest.Server, i *discordgo.Interaction) (answer, error) {
	t0 := time.Now()
	fake.Dispatch(i)
	req, err := fake.WaitCallback(ctx, i.ID)
	if err != nil {
		return answer{}, err
	}
	a := answer{req: *i, callback: req, latency: req.At.Sub(t0)}
	if err := json.Unmarshal(req.Body, &a.resp); err != nil {
		return a, fmt.Errorf("decode callback %s: %w", req.Body, err)
	}
	return a, nil
}

// mustBrief dispatches /brief topic and fails the test unless the answer is
// the public brief embed within Discord's 3 s.
func mustBrief(tb testing.TB, b *botProc, fake *discordtest.Server, guildID, topic string) answer {
	tb.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	ctx, stop := b.ctx(ctx)
	defer stop()
	a, err := call(ctx, fake, briefIn(guildID, topic))
	if err != nil {
		tb.Fatalf("/brief %s: %v (bot %s)\n%s", topic, err, b.exitState(), tail(b.log(), 30))
	}
	if a.resp.Type != 4 || a.resp.Data == nil || len(a.resp.Data.Embeds) != 1 || a.resp.ephemeral() {
		tb.Fatalf("/brief %s answered %s", topic, a.callback.Body)
	}
	if a.latency > 3*time.Second {
		tb.Fatalf("/brief %s answered after %s", topic, a.latency)
	}
	return a
}

// ---------------------------------------------------------------------------
// Data

// sampleText is examples/putin-kim.txt.
func sampleText(tb testing.TB) string {
	tb.Helper()
	return testkit.SampleArticle(tb)
}

// newPrefix is a key prefix no other run uses.
func newPrefix() string { return storetest.RandomPrefix() }

// openStore opens the store package on url under prefix (closed at the end
// of the test).
func openStore(tb testing.TB, url, prefix string) *store.DB {
	tb.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	db, err := store.Open(ctx, store.Config{URL: url, Prefix: prefix})
	if err != nil {
		tb.Fatalf("open store: %v", err)
	}
	tb.Cleanup(func() { db.Close() })
	return db
}

// newService is the newsroom over db, as `briefbot run` wires it (same
// summarizer, so the briefs it caches are the ones the bot serves).
func newService(db *store.DB) *briefs.Service {
	return &briefs.Service{Store: db, Summarizer: extractive.New(), BriefTTL: 24 * time.Hour, MaxArticleBytes: 1 << 20}
}

// seedArticle adds the sample article under slug in guild.
func seedArticle(tb testing.TB, svc *briefs.Service, guildID, slug, extra string) briefs.Brief {
	tb.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	res, err := svc.Add(ctx, briefs.AddInput{GuildID: guildID, UserID: memberID, Text: sampleText(tb) + extra, Slug: slug})
	if err != nil {
		tb.Fatalf("seed article %s: %v", slug, err)
	}
	return res.Brief
}

// ---------------------------------------------------------------------------
// Small things

// dieWithTest makes a child process receive SIGKILL when the test binary
// dies (a timeout's panic skips the cleanups), so that no redis-server or
// bot outlives the run.
func dieWithTest() *syscall.SysProcAttr {
	return &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
}

func freePort(tb testing.TB) int {
	tb.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		tb.Fatal(err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

// tail returns the last n lines of s.
func tail(s string, n int) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, "\n")
}
