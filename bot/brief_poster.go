package bot

import (
	"context"
	"fmt"
	"time"

	"briefbot/briefs"

	"github.com/bwmarrin/discordgo"
)

// briefPostWindow bounds the tries of one brief posted as it arrives: long
// enough to wait out a 429 or two, and well within the few minutes in which
// Discord answers a repeated nonce with the message it stored first.
const briefPostWindow = 90 * time.Second

// fixedWindow is a post window that ends at a fixed time, or with ctx.
type fixedWindow struct {
	ctx   context.Context
	until time.Time
}

func (w fixedWindow) bound(d time.Duration) (context.Context, context.CancelFunc) {
	end := time.Now().Add(d)
	if w.until.Before(end) {
		end = w.until
	}
	return context.WithDeadline(w.ctx, end)
}

func (w fixedWindow) deadline() time.Time { return w.until }

// PostBrief posts one brief to a channel on its own, as a feed that posts
// each new brief as it arrives wants. It is paced with the digests and sent
// with a nonce made from the guild, channel and article, so that however
// often it is called for the same brief and channel (a retry, another
// instance taking the feed over) Discord keeps one message; mentions are
// off. Errors: EFORBIDDEN when Discord refuses the channel (the bot may not
// post there, or it is gone), EUNAVAILABLE when the post's outcome is
// unknown or Discord did not take it (try again later).
func (s *Scheduler) PostBrief(ctx context.Context, channelID, feedTitle string, b briefs.Brief) error {
	msg := &discordgo.MessageSend{
		Embeds:          []*discordgo.MessageEmbed{BriefEmbed(b)},
		Components:      sourceButton(b),
		AllowedMentions: noMentionsAllowed(),
	}
	if feedTitle != "" {
		msg.Content = "New from **" + escapeMarkdown(briefs.Truncate(feedTitle, 100)) + "**"
	}
	nonce := digestNonce(b.GuildID, channelID, "brief:"+b.ArticleID)
	// A request already sent finishes even when the poll stops (as a
	// digest's does): cut, its outcome would be unknown and a later poll
	// could post the brief again after Discord forgot the nonce. The waits
	// between tries still end with ctx.
	window := fixedWindow{ctx: context.WithoutCancel(ctx), until: time.Now().Add(briefPostWindow)}
	_, err := s.post(ctx, window, channelID, nonce, msg)
	if err == nil {
		return nil
	}
	if reason, ok := refused(err); ok {
		return briefs.Errorf(briefs.EFORBIDDEN, "the brief could not be posted to the channel: %s", reason)
	}
	return fmt.Errorf("%w: %w", briefs.Errorf(briefs.EUNAVAILABLE, "Discord did not take the brief's post (%s)", briefs.Truncate(err.Error(), 200)), err)
}
