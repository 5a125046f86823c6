package briefs

// The names of the deployment settings that a message may point an admin
// to: a refusal that names the limit it hit tells the admin what to raise.
// cmd/briefbot reads each from the environment variable of that name, and
// uses these constants to do so, so that what a message names and what the
// deployment sets cannot drift apart. They are declared here, once, rather
// than in cmd/briefbot because the messages are built in the libraries,
// which cannot import a command.
const (
	SettingRedisURL             = "REDIS_URL"
	SettingDataFile             = "DATA_FILE"
	SettingMaxArticleBytes      = "MAX_ARTICLE_BYTES"
	SettingMaxArticlesPerGuild  = "MAX_ARTICLES_PER_GUILD"
	SettingMaxSchedulesPerGuild = "MAX_SCHEDULES_PER_GUILD"
	SettingMinDigestInterval    = "MIN_DIGEST_INTERVAL"
	SettingFetchTimeout         = "FETCH_TIMEOUT"
	SettingFetchMaxBytes        = "FETCH_MAX_BYTES"
	SettingLLMDailyCalls        = "LLM_DAILY_CALLS"

	// The Discord settings, which package bot's messages name.
	SettingDiscordToken     = "DISCORD_TOKEN"
	SettingDiscordPublicKey = "DISCORD_PUBLIC_KEY"
	SettingShardID          = "SHARD_ID"
	SettingShardCount       = "SHARD_COUNT"
	SettingDigestTimezone   = "DIGEST_TIMEZONE"
	SettingDigestGrace      = "DIGEST_GRACE"
)
