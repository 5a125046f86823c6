package main

import (
	"fmt"
	"log/slog"
	"net/url"
	"strconv"
	"strings"
	"time"

	"briefbot/bot"
	"briefbot/briefs"
	"briefbot/briefs/fetch"
	"briefbot/briefs/llm"
	"briefbot/store"
)

// Config is every setting, parsed and validated once at start-up.
// .env.example documents each variable. A default that a package applies
// itself (when its Config leaves a field zero) is that package's exported
// constant, so the two cannot disagree; the others are stated here only.
type Config struct {
	DiscordToken     string
	DiscordAPIURL    string
	DiscordGuildID   string
	DiscordPublicKey string
	InteractionsAddr string
	// ShardID and ShardCount (SHARD_ID, SHARD_COUNT): the gateway shard this
	// process serves; ShardCount is bot.ShardCountAuto for "auto".
	ShardID    int
	ShardCount int

	RedisURL  string
	DataFile  string
	KeyPrefix string

	BriefCacheTTL   time.Duration
	MaxArticleBytes int64

	FetchTimeout      time.Duration
	FetchMaxBytes     int64
	FetchAllowPrivate bool

	DigestTimezone *time.Location
	DigestGrace    time.Duration
	MetricsAddr    string

	LogLevel  slog.Level
	LogFormat string

	// Caps that keep one guild's size or activity from slowing another's
	// answers (README, Limits).
	MaxArticlesPerGuild  int           // MAX_ARTICLES_PER_GUILD
	MaxSchedulesPerGuild int           // MAX_SCHEDULES_PER_GUILD
	MinDigestInterval    time.Duration // MIN_DIGEST_INTERVAL: the shortest time between two runs of a schedule
	FetchConcurrency     int           // FETCH_CONCURRENCY: link fetches at once in the process

	// ArticleRetention (ARTICLE_RETENTION): articles added longer ago are
	// removed by the running bot; 0 keeps them.
	ArticleRetention time.Duration

	// Summarizer (SUMMARIZER): "extractive", or "llm" to have a language
	// model rewrite each brief, checked against the article.
	Summarizer string
	LLM        LLMConfig
}

// LLMConfig is the language model's settings (LLM_*), used when SUMMARIZER
// is llm.
type LLMConfig struct {
	// The client's settings: LLM_BASE_URL (an OpenAI-compatible API, e.g.
	// https://api.openai.com/v1), LLM_MODEL, LLM_API_KEY (never logged),
	// LLM_TIMEOUT, LLM_MAX_TOKENS, LLM_CONCURRENCY (requests in flight).
	llm.Config
	DailyCalls int // LLM_DAILY_CALLS: model calls per server per day
}

// String leaves the API key out, so that the settings can be printed.
func (c LLMConfig) String() string {
	key := "unset"
	if c.APIKey != "" {
		key = "set"
	}
	return fmt.Sprintf("{%s %s key:%s timeout:%s max_tokens:%d concurrency:%d daily_calls:%d}", c.BaseURL, c.Model, key, c.Timeout, c.MaxTokens, c.Concurrency, c.DailyCalls)
}

// loadConfig reads the environment through getenv. An invalid value is an
// error that names the variable and says what it wants. Variables that the
// libraries' messages name are read by the briefs.Setting... constants, so
// that a message names the variable the admin sets.
func loadConfig(getenv func(string) string) (Config, error) {
	p := envParser{getenv: getenv}
	c := Config{
		DiscordToken:      p.str(briefs.SettingDiscordToken, ""),
		DiscordAPIURL:     p.url("DISCORD_API_URL", bot.DefaultAPIURL),
		DiscordGuildID:    p.str("DISCORD_GUILD_ID", ""),
		DiscordPublicKey:  p.str(briefs.SettingDiscordPublicKey, ""),
		InteractionsAddr:  p.str("INTERACTIONS_ADDR", ""),
		RedisURL:          p.redisURL(briefs.SettingRedisURL),
		DataFile:          p.str(briefs.SettingDataFile, store.DefaultDataFile),
		KeyPrefix:         p.str("REDIS_KEY_PREFIX", store.DefaultPrefix),
		BriefCacheTTL:     p.duration("BRIEF_CACHE_TTL", 24*time.Hour),
		MaxArticleBytes:   p.bytes(briefs.SettingMaxArticleBytes, 1<<20),
		FetchTimeout:      p.duration(briefs.SettingFetchTimeout, fetch.DefaultTimeout),
		FetchMaxBytes:     p.bytes(briefs.SettingFetchMaxBytes, fetch.DefaultMaxBytes),
		FetchAllowPrivate: p.boolean("FETCH_ALLOW_PRIVATE", false),
		DigestTimezone:    p.location(briefs.SettingDigestTimezone, bot.DefaultTimezone),
		DigestGrace:       p.duration(briefs.SettingDigestGrace, bot.DefaultDigestGrace),
		MetricsAddr:       p.str("METRICS_ADDR", ""),
		LogLevel:          p.level("LOG_LEVEL", slog.LevelInfo),
		LogFormat:         p.oneOf("LOG_FORMAT", "text", "text", "json"),
	}
	c.ShardID, c.ShardCount = p.shards(briefs.SettingShardID, briefs.SettingShardCount)
	c.MaxArticlesPerGuild = p.count(briefs.SettingMaxArticlesPerGuild, 10000)
	c.MaxSchedulesPerGuild = p.count(briefs.SettingMaxSchedulesPerGuild, 25)
	c.MinDigestInterval = p.duration(briefs.SettingMinDigestInterval, 15*time.Minute)
	c.FetchConcurrency = p.count("FETCH_CONCURRENCY", 8)
	c.ArticleRetention = p.durationOrNever("ARTICLE_RETENTION", 720*time.Hour)
	c.Summarizer = p.oneOf("SUMMARIZER", "extractive", "extractive", "llm")
	c.LLM = LLMConfig{
		Config: llm.Config{
			Model:       p.str("LLM_MODEL", ""),
			APIKey:      p.str("LLM_API_KEY", ""),
			Timeout:     p.duration("LLM_TIMEOUT", llm.DefaultTimeout),
			MaxTokens:   p.count("LLM_MAX_TOKENS", llm.DefaultMaxTokens),
			Concurrency: p.count("LLM_CONCURRENCY", llm.DefaultConcurrency),
		},
		DailyCalls: p.count(briefs.SettingLLMDailyCalls, 200),
	}
	if c.Summarizer == "llm" {
		c.LLM.BaseURL = p.url("LLM_BASE_URL", "https://api.openai.com/v1")
		if c.LLM.Model == "" {
			p.fail("LLM_MODEL", "", "a model name such as gpt-4o-mini or llama3.1 when SUMMARIZER=llm")
		} else if _, err := llm.New(c.LLM.Config); err != nil {
			p.err = firstErr(p.err, fmt.Errorf("invalid LLM_BASE_URL: %s", briefs.ErrorMessage(err)))
		}
	}
	if c.KeyPrefix == "" {
		p.fail("REDIS_KEY_PREFIX", "", "a non-empty prefix such as "+store.DefaultPrefix)
	}
	if (c.DiscordPublicKey == "") != (c.InteractionsAddr == "") {
		p.fail("INTERACTIONS_ADDR", c.InteractionsAddr, "to be set together with DISCORD_PUBLIC_KEY (both or neither)")
	}
	return c, p.err
}

// envParser collects the first invalid variable while reading all of them.
type envParser struct {
	getenv func(string) string
	err    error
}

func (p *envParser) fail(name, value, want string) {
	if p.err == nil {
		p.err = fmt.Errorf("invalid %s %q: want %s", name, value, want)
	}
}

func (p *envParser) str(name, def string) string {
	if v := strings.TrimSpace(p.getenv(name)); v != "" {
		return v
	}
	return def
}

func (p *envParser) url(name, def string) string {
	v := p.str(name, def)
	u, err := url.Parse(v)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		p.fail(name, v, "an http(s) URL such as "+def)
		return def
	}
	return strings.TrimRight(v, "/")
}

// redisURL checks the form of REDIS_URL without echoing a password.
func (p *envParser) redisURL(name string) string {
	v := p.str(name, "")
	if v == "" {
		return ""
	}
	u, err := url.Parse(v)
	if err != nil || (u.Scheme != "redis" && u.Scheme != "rediss" && u.Scheme != "unix") {
		p.err = firstErr(p.err, fmt.Errorf("invalid %s: want redis://[user:password@]host:port[/db] or rediss://[user:password@]host:port[/db]", name))
		return ""
	}
	return v
}

func (p *envParser) duration(name string, def time.Duration) time.Duration {
	v := p.str(name, "")
	if v == "" {
		return def
	}
	d, err := time.ParseDuration(v)
	if err != nil || d <= 0 {
		p.fail(name, v, "a positive duration such as "+def.String())
		return def
	}
	return d
}

// durationOrNever is duration where 0 means "never" (the feature is off).
func (p *envParser) durationOrNever(name string, def time.Duration) time.Duration {
	v := p.str(name, "")
	if v == "0" {
		return 0
	}
	if v == "" {
		return def
	}
	d, err := time.ParseDuration(v)
	if err != nil || d < 0 {
		p.fail(name, v, "a duration such as 720h, or 0 for never")
		return def
	}
	return d
}

func (p *envParser) bytes(name string, def int64) int64 {
	v := p.str(name, "")
	if v == "" {
		return def
	}
	n, err := parseBytes(v)
	if err != nil || n <= 0 {
		p.fail(name, v, "a positive size such as 512KiB, 1MiB or 1048576")
		return def
	}
	return n
}

// count reads a whole number of 1 or more.
func (p *envParser) count(name string, def int) int {
	v := p.str(name, "")
	if v == "" {
		return def
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 1 {
		p.fail(name, v, "a whole number of 1 or more, such as "+strconv.Itoa(def))
		return def
	}
	return n
}

func (p *envParser) boolean(name string, def bool) bool {
	v := p.str(name, "")
	if v == "" {
		return def
	}
	b, err := strconv.ParseBool(v)
	if err != nil {
		p.fail(name, v, "true or false")
		return def
	}
	return b
}

func (p *envParser) location(name, def string) *time.Location {
	v := p.str(name, def)
	loc, err := time.LoadLocation(v)
	if err != nil {
		p.fail(name, v, "an IANA time zone such as UTC or Europe/Berlin")
		return time.UTC
	}
	return loc
}

func (p *envParser) level(name string, def slog.Level) slog.Level {
	v := p.str(name, "")
	if v == "" {
		return def
	}
	var l slog.Level
	if err := l.UnmarshalText([]byte(v)); err != nil {
		p.fail(name, v, "debug, info, warn or error")
		return def
	}
	return l
}

func (p *envParser) oneOf(name, def string, allowed ...string) string {
	v := strings.ToLower(p.str(name, def))
	for _, a := range allowed {
		if v == a {
			return v
		}
	}
	p.fail(name, v, strings.Join(allowed, " or "))
	return def
}

// parseBytes reads "1MiB", "512KiB", "5MB", "1k" or a plain byte count.
func parseBytes(s string) (int64, error) {
	s = strings.TrimSpace(s)
	i := strings.IndexFunc(s, func(r rune) bool { return (r < '0' || r > '9') && r != '.' })
	num, unit := s, ""
	if i >= 0 {
		num, unit = s[:i], strings.ToLower(strings.TrimSpace(s[i:]))
	}
	f, err := strconv.ParseFloat(num, 64)
	if err != nil {
		return 0, err
	}
	mult := map[string]float64{
		"": 1, "b": 1,
		"k": 1 << 10, "kb": 1e3, "kib": 1 << 10,
		"m": 1 << 20, "mb": 1e6, "mib": 1 << 20,
		"g": 1 << 30, "gb": 1e9, "gib": 1 << 30,
	}[unit]
	if mult == 0 {
		return 0, fmt.Errorf("unknown unit %q", unit)
	}
	return int64(f * mult), nil
}

func firstErr(errs ...error) error {
	for _, e := range errs {
		if e != nil {
			return e
		}
	}
	return nil
}

// shards reads SHARD_COUNT (a count of 1 or more, or "auto"; default 1) and
// SHARD_ID (0 to SHARD_COUNT-1; default 0).
func (p *envParser) shards(idName, countName string) (id, count int) {
	count = 1
	if v := strings.ToLower(p.str(countName, "1")); v == "auto" {
		count = bot.ShardCountAuto
	} else if n, err := strconv.Atoi(v); err != nil || n < 1 {
		p.fail(countName, v, "a shard count of 1 or more, or auto")
	} else {
		count = n
	}
	if v := p.str(idName, ""); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 0 || (count != bot.ShardCountAuto && n >= count) {
			p.fail(idName, v, "a shard id from 0 to SHARD_COUNT-1")
			return 0, count
		}
		id = n
	}
	return id, count
}
