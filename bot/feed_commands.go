package bot

import (
	"cmp"
	"context"
	"fmt"
	"strings"

	"briefbot/briefs"

	"github.com/bwmarrin/discordgo"
)

// Feeds is what /feed needs; *briefs.Feeds provides it.
type Feeds interface {
	Subscribe(ctx context.Context, in briefs.FeedInput) (briefs.PollResult, error)
	List(ctx context.Context, guildID string) ([]briefs.FeedSub, error)
	Unsubscribe(ctx context.Context, guildID, url string) error
	SetPaused(ctx context.Context, guildID, url string, paused bool) (briefs.FeedSub, error)
}

// SetFeeds lets the router answer /feed.
func (r *Router) SetFeeds(f Feeds) { r.feeds = f }

// errFeedsOff answers /feed on a bot that follows no feeds.
var errFeedsOff = briefs.Errorf(briefs.EINVALID, "Feeds are not set up on this bot.")

// Bounds of the backfill option of /feed add.
var (
	feedMinBackfill = 0.0
	feedMaxBackfill = float64(briefs.MaxFeedBackfill)
)

// feedCommand is the /feed entry of the command table.
func (r *Router) feedCommand(adminPerms *int64, noDM *bool) command {
	feedURL := func(desc string) *discordgo.ApplicationCommandOption {
		return &discordgo.ApplicationCommandOption{Type: discordgo.ApplicationCommandOptionString, Name: "url", Description: desc, Required: true, MaxLength: 2048}
	}
	return command{
		def: &discordgo.ApplicationCommand{
			Name:                     "feed",
			Description:              "Follow news feeds: their new stories become briefs (Manage Server)",
			DefaultMemberPermissions: adminPerms,
			DMPermission:             noDM,
			Options: []*discordgo.ApplicationCommandOption{
				{Type: discordgo.ApplicationCommandOptionSubCommand, Name: "add", Description: "Follow a feed (RSS, Atom, JSON Feed) or the feed a site announces",
					Options: []*discordgo.ApplicationCommandOption{
						feedURL("The feed's address, or the site's"),
						{Type: discordgo.ApplicationCommandOptionChannel, Name: "channel", Description: "Channel whose digest its briefs join (default: this one)",
							ChannelTypes: []discordgo.ChannelType{discordgo.ChannelTypeGuildText, discordgo.ChannelTypeGuildNews}},
						{Type: discordgo.ApplicationCommandOptionInteger, Name: "backfill", Description: "Existing stories to brief now (0-10, default 3)",
							MinValue: &feedMinBackfill, MaxValue: feedMaxBackfill},
						{Type: discordgo.ApplicationCommandOptionBoolean, Name: "post_each", Description: "Also post each new brief to the channel as it arrives (default: digests only)"},
					}},
				{Type: discordgo.ApplicationCommandOptionSubCommand, Name: "list", Description: "The feeds this server follows, with their status"},
				{Type: discordgo.ApplicationCommandOptionSubCommand, Name: "remove", Description: "Stop following a feed (its briefs stay)",
					Options: []*discordgo.ApplicationCommandOption{feedURL("The feed's address, as /feed list shows it")}},
				{Type: discordgo.ApplicationCommandOptionSubCommand, Name: "pause", Description: "Stop polling a feed for now",
					Options: []*discordgo.ApplicationCommandOption{feedURL("The feed's address, as /feed list shows it")}},
				{Type: discordgo.ApplicationCommandOptionSubCommand, Name: "resume", Description: "Poll a paused feed again",
					Options: []*discordgo.ApplicationCommandOption{feedURL("The feed's address, as /feed list shows it")}},
			},
		},
		admin: true,
		handle: map[string]Handler{"add": r.handleFeedAdd, "list": r.handleFeedList, "remove": r.handleFeedRemove,
			"pause": r.handleFeedPause(true), "resume": r.handleFeedPause(false)},
	}
}

// handleFeedAdd answers /feed add: it follows the feed and lists the
// stories the backfill briefed.
func (r *Router) handleFeedAdd(ctx context.Context, in *Interaction) (*discordgo.InteractionResponse, error) {
	if r.feeds == nil {
		return nil, errFeedsOff
	}
	ch, err := digestChannel(in)
	if err != nil {
		return nil, err
	}
	backfill := -1 // the default
	if _, ok := optionValue(in, "backfill"); ok {
		if backfill, err = optionInt(in, "backfill"); err != nil {
			return nil, err
		}
		if backfill < 0 {
			return nil, briefs.Errorf(briefs.EINVALID, "backfill must be 0 to %d.", briefs.MaxFeedBackfill)
		}
	}
	res, err := r.feeds.Subscribe(ctx, briefs.FeedInput{GuildID: in.GuildID, UserID: in.UserID(), URL: in.String("url"), ChannelID: ch, Backfill: backfill,
		PostEach: optionBool(in, "post_each")})
	if err != nil {
		return nil, err
	}
	var b strings.Builder
	fmt.Fprintf(&b, "Following **%s** (%s) for <#%s>, polled every %s.", briefs.Truncate(cmp.Or(res.Feed.Title, "untitled"), 100), res.Feed.URL, ch, res.Feed.Interval)
	if res.Feed.PostEach {
		b.WriteString(" Each new brief is posted there as it arrives, once, and joins the digests too.")
	}
	if len(res.Added) == 0 {
		b.WriteString(" New stories will become briefs as they appear; the ones already in the feed are not posted.")
	} else {
		fmt.Fprintf(&b, "\nBriefed now (%d):", len(res.Added))
		for _, br := range res.Added {
			fmt.Fprintf(&b, "\n• `%s` %s", br.Slug, briefs.Truncate(br.Title, 120))
		}
	}
	for _, s := range res.Skipped {
		fmt.Fprintf(&b, "\n– skipped %s", briefs.Truncate(s, 200))
	}
	return ephemeral(briefs.Truncate(b.String(), maxContent)), nil
}

// handleFeedList answers /feed list.
func (r *Router) handleFeedList(ctx context.Context, in *Interaction) (*discordgo.InteractionResponse, error) {
	if r.feeds == nil {
		return nil, errFeedsOff
	}
	subs, err := r.feeds.List(ctx, in.GuildID)
	if err != nil {
		return nil, err
	}
	if len(subs) == 0 {
		return ephemeral("This server follows no feeds. Follow one with /feed add url:https://example.com/feed.xml."), nil
	}
	lines := make([]string, 0, len(subs))
	for _, s := range subs {
		line := fmt.Sprintf("• **%s** %s — every %s, %d %s", briefs.Truncate(cmp.Or(s.Title, "untitled"), 80), s.URL, s.Interval, s.Ingested, plural(s.Ingested, "story", "stories"))
		if s.PostEach && s.ChannelID != "" {
			line += fmt.Sprintf(", each posted to <#%s>", s.ChannelID)
		}
		switch {
		case s.Paused:
			line += fmt.Sprintf(" — ⏸ %s. /feed resume polls it again.", briefs.Truncate(s.PauseReason, 200))
		case s.LastError != "":
			line += fmt.Sprintf(" — last poll failed (%d in a row): %s; next try <t:%d:R>", s.Failures, briefs.Truncate(s.LastError, 150), s.NextPoll.Unix())
		case !s.NextPoll.IsZero():
			line += fmt.Sprintf(" — next poll <t:%d:R>", s.NextPoll.Unix())
		}
		if !s.LastOK.IsZero() {
			line += fmt.Sprintf(", last read <t:%d:R>", s.LastOK.Unix())
		}
		lines = append(lines, line)
	}
	return message(&discordgo.InteractionResponseData{
		Flags: discordgo.MessageFlagsEphemeral,
		Embeds: []*discordgo.MessageEmbed{{
			Title:       fmt.Sprintf("Feeds this server follows (%d)", len(subs)),
			Description: briefs.Truncate(strings.Join(lines, "\n"), maxEmbedDesc),
		}},
	}), nil
}

// handleFeedRemove answers /feed remove.
func (r *Router) handleFeedRemove(ctx context.Context, in *Interaction) (*discordgo.InteractionResponse, error) {
	if r.feeds == nil {
		return nil, errFeedsOff
	}
	url := strings.TrimSpace(in.String("url"))
	if err := r.feeds.Unsubscribe(ctx, in.GuildID, url); err != nil {
		return nil, err
	}
	return ephemeral(fmt.Sprintf("No longer following %s. Its briefs stay.", url)), nil
}

// handleFeedPause answers /feed pause (paused) and /feed resume.
func (r *Router) handleFeedPause(paused bool) Handler {
	return func(ctx context.Context, in *Interaction) (*discordgo.InteractionResponse, error) {
		if r.feeds == nil {
			return nil, errFeedsOff
		}
		s, err := r.feeds.SetPaused(ctx, in.GuildID, in.String("url"), paused)
		if err != nil {
			return nil, err
		}
		if paused {
			return ephemeral(fmt.Sprintf("Paused %s. /feed resume polls it again.", s.URL)), nil
		}
		return ephemeral(fmt.Sprintf("Resumed %s: it is polled at the next round.", s.URL)), nil
	}
}
