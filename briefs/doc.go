// Package briefs is the domain of briefbot: articles an admin adds to a
// Discord server (a guild), the briefs (title, gist, bullets) a Summarizer
// makes of them, and the digest schedules that post new briefs to a
// channel.
//
// Service is the one entry point for articles and briefs that every
// adapter uses (the Discord bot, the console and the command line), so
// they all behave alike; digests are run by package bot's scheduler over
// the store. Service reaches the
// outside only through interfaces it declares: Storage (implemented by
// package store), Summarizer (package briefs/extractive) and PageFetcher
// (package briefs/fetch, wired in cmd/briefbot). Failures are *Error
// values with a code (EINVALID, ENOTFOUND, ...) and a message written for
// the person who caused them, so each adapter can show it as it is.
//
// The subpackages hold what the domain needs but should not depend on:
// extractive (the summarizer), fetch (SSRF-safe download and extraction
// of a link), cronspec (digest schedules' cron expressions), rouge and
// evaluate (measuring summaries).
package briefs
