package bot

import (
	"context"
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"

	"briefbot/briefs"

	"github.com/bwmarrin/discordgo"
)

// Digests is what the /digest commands need; *Scheduler provides it.
type Digests interface {
	ScheduleDigest(ctx context.Context, s briefs.Schedule) (briefs.Schedule, []time.Time, error)
	RemoveDigest(ctx context.Context, guildID, channelID string) error
	ListDigests(ctx context.Context, guildID string) ([]DigestInfo, error)
	PostDigest(ctx context.Context, guildID, channelID, requestID string) (DigestEvent, error)
}

// SetDigests gives the router the digests behind /digest (a *Scheduler).
// Without it /digest answers that digests are not set up. Call it before
// the router serves.
func (r *Router) SetDigests(d Digests) { r.digests = d }

// Bounds of the size option of /digest schedule.
var (
	digestMinSize = float64(briefs.MinDigestSize)
	digestMaxSize = float64(briefs.MaxDigestSize)
)

// digestChannelOption is the channel option of /digest; without it the
// command applies to the channel it is used in.
func digestChannelOption() *discordgo.ApplicationCommandOption {
	return &discordgo.ApplicationCommandOption{
		Type: discordgo.ApplicationCommandOptionChannel, Name: "channel", Description: "The channel (default: this one)",
		ChannelTypes: []discordgo.ChannelType{discordgo.ChannelTypeGuildText, discordgo.ChannelTypeGuildNews},
	}
}

// digestTimeFormat shows a run time in the schedule's timezone.
const digestTimeFormat = "Mon 2 Jan 2006, 15:04 MST"

// errDigestsOff answers /digest on a bot that runs no scheduler.
var errDigestsOff = briefs.Errorf(briefs.EINVALID, "Digests are not set up on this bot.")

// digestChannel is the channel option, or the channel the command was used
// in.
func digestChannel(in *Interaction) (string, error) {
	if ch := strings.TrimSpace(in.String("channel")); ch != "" {
		ch = strings.TrimSuffix(strings.TrimPrefix(ch, "<#"), ">")
		if !in.channelInGuild(ch) {
			return "", briefs.Errorf(briefs.EINVALID, "That channel is not in this server; pick one of its channels.")
		}
		return ch, nil
	}
	if in.ChannelID != "" {
		return in.ChannelID, nil
	}
	return "", briefs.Errorf(briefs.EINVALID, "Name the channel, e.g. channel:#news.")
}

// cannotPost says why the bot cannot post in ch, where Discord told us: the
// app_permissions of the interaction cover the channel it was used in.
func cannotPost(in *Interaction, ch string) string {
	if ch != in.ChannelID || in.AppPermissions == 0 || in.AppPermissions&discordgo.PermissionAdministrator != 0 {
		return ""
	}
	need := map[int64]string{
		discordgo.PermissionViewChannel:  "View Channel",
		discordgo.PermissionSendMessages: "Send Messages",
		discordgo.PermissionEmbedLinks:   "Embed Links",
	}
	var missing []string
	for _, p := range []int64{discordgo.PermissionViewChannel, discordgo.PermissionSendMessages, discordgo.PermissionEmbedLinks} {
		if name, ok := need[p]; ok && in.AppPermissions&p == 0 {
			missing = append(missing, name)
		}
	}
	if len(missing) == 0 {
		return ""
	}
	return fmt.Sprintf("I cannot post in <#%s>: I lack the %s permission there. Grant it, or choose another channel.", ch, strings.Join(missing, " and "))
}

// optionValue returns the raw value of an option of the command or its
// subcommand.
func optionValue(in *Interaction, name string) (any, bool) {
	for _, o := range in.options() {
		if o.Name == name {
			return o.Value, true
		}
	}
	return nil, false
}

// optionInt reads an integer option: Discord sends a number, the console a
// string. 0 when absent. Errors: EINVALID.
func optionInt(in *Interaction, name string) (int, error) {
	v, ok := optionValue(in, name)
	if !ok {
		return 0, nil
	}
	switch v := v.(type) {
	case float64:
		if v == math.Trunc(v) && math.Abs(v) < 1e6 {
			return int(v), nil
		}
	case string:
		if n, err := strconv.Atoi(strings.TrimSpace(v)); err == nil {
			return n, nil
		}
	}
	return 0, briefs.Errorf(briefs.EINVALID, "%s must be a whole number.", name)
}

// optionBool reads a boolean option (a bool from Discord, a word from the
// console).
func optionBool(in *Interaction, name string) bool {
	v, _ := optionValue(in, name)
	switch v := v.(type) {
	case bool:
		return v
	case string:
		b, _ := strconv.ParseBool(strings.TrimSpace(v))
		return b
	}
	return false
}

// digestTarget is the channel a /digest subcommand acts on. Errors: digests
// are off here, the channel option is unusable, or (when posting) the bot
// may not post there.
func (r *Router) digestTarget(in *Interaction, posting bool) (string, error) {
	if r.digests == nil {
		return "", errDigestsOff
	}
	ch, err := digestChannel(in)
	if err != nil {
		return "", err
	}
	if why := cannotPost(in, ch); posting && why != "" {
		return "", briefs.Errorf(briefs.EINVALID, "%s", why)
	}
	return ch, nil
}

// handleDigestSchedule answers /digest schedule: it stores the schedule and
// shows the next three runs in its timezone.
func (r *Router) handleDigestSchedule(ctx context.Context, in *Interaction) (*discordgo.InteractionResponse, error) {
	ch, err := r.digestTarget(in, true)
	if err != nil {
		return nil, err
	}
	size, err := optionInt(in, "size")
	if err != nil {
		return nil, err
	}
	s, next, err := r.digests.ScheduleDigest(ctx, briefs.Schedule{
		GuildID:   in.GuildID,
		ChannelID: ch,
		Cron:      in.String("cron"),
		Timezone:  strings.TrimSpace(in.String("timezone")),
		Size:      size,
		PostEmpty: optionBool(in, "post_empty"),
		CreatedBy: in.UserID(),
	})
	if err != nil {
		return nil, err
	}
	var b strings.Builder
	fmt.Fprintf(&b, "Digest scheduled for <#%s>: `%s` in %s, up to %d %s.", ch, s.Cron, s.Timezone, s.Size, plural(s.Size, "brief", "briefs"))
	if s.PostEmpty {
		b.WriteString(" When nothing is new it says so.")
	} else {
		b.WriteString(" When nothing is new it posts nothing.")
	}
	b.WriteString("\nNext runs:")
	loc, _ := briefs.LoadTimezone(s.Timezone)
	for _, t := range next {
		b.WriteString("\n• " + t.In(loc).Format(digestTimeFormat))
	}
	return ephemeral(b.String()), nil
}

// handleDigestOff answers /digest off.
func (r *Router) handleDigestOff(ctx context.Context, in *Interaction) (*discordgo.InteractionResponse, error) {
	ch, err := r.digestTarget(in, false)
	if err != nil {
		return nil, err
	}
	if err := r.digests.RemoveDigest(ctx, in.GuildID, ch); err != nil {
		if briefs.ErrorCode(err) == briefs.ENOTFOUND {
			return nil, briefs.Errorf(briefs.ENOTFOUND, "No digest is scheduled for <#%s>.", ch)
		}
		return nil, err
	}
	return ephemeral(fmt.Sprintf("Digest for <#%s> removed.", ch)), nil
}

// handleDigestNow answers /digest now: a digest posted at once.
func (r *Router) handleDigestNow(ctx context.Context, in *Interaction) (*discordgo.InteractionResponse, error) {
	ch, err := r.digestTarget(in, true)
	if err != nil {
		return nil, err
	}
	ev, err := r.digests.PostDigest(ctx, in.GuildID, ch, in.ID)
	if err != nil {
		return nil, err
	}
	switch ev.Kind {
	case EventPosted:
		msg := fmt.Sprintf("Posted a digest of %d %s to <#%s>.", ev.Count, plural(ev.Count, "brief", "briefs"), ch)
		if ev.Total > ev.Count {
			msg += fmt.Sprintf(" %d more are counted in its footer.", ev.Total-ev.Count)
		}
		return ephemeral(msg), nil
	case EventEmpty:
		return ephemeral(fmt.Sprintf("Nothing new for <#%s> since its last digest; nothing was posted.", ch)), nil
	case EventPaused:
		return nil, briefs.Errorf(briefs.EINVALID, "I cannot post in <#%s> (%s). Its digest schedule, if any, is paused; fix the channel's permissions, then run /digest schedule again.", ch, ev.Detail)
	case EventDone:
		return ephemeral(fmt.Sprintf("That digest was posted to <#%s> already.", ch)), nil
	case EventBusy:
		return ephemeral(fmt.Sprintf("A digest for <#%s> is being posted right now.", ch)), nil
	}
	return nil, briefs.Errorf(briefs.EINTERNAL, "The digest was not posted (%s).", ev.Kind)
}

// handleDigestList answers /digest list with every schedule of the guild.
func (r *Router) handleDigestList(ctx context.Context, in *Interaction) (*discordgo.InteractionResponse, error) {
	if r.digests == nil {
		return nil, errDigestsOff
	}
	list, err := r.digests.ListDigests(ctx, in.GuildID)
	if err != nil {
		return nil, err
	}
	if len(list) == 0 {
		return ephemeral("No digests are scheduled in this server. Add one with /digest schedule cron:\"0 8 * * *\"."), nil
	}
	lines := make([]string, 0, len(list))
	for _, d := range list {
		s := d.Schedule
		line := fmt.Sprintf("• <#%s> — `%s` in %s, up to %d %s", s.ChannelID, s.Cron, s.Timezone, s.Size, plural(s.Size, "brief", "briefs"))
		switch {
		case s.Paused:
			line += fmt.Sprintf(" — ⏸ paused: %s. /digest schedule resumes it.", s.PausedReason)
		case d.Next.IsZero():
			line += " — no next run"
		default:
			loc, _ := briefs.LoadTimezone(s.Timezone)
			line += " — next " + d.Next.In(loc).Format(digestTimeFormat)
		}
		lines = append(lines, line)
	}
	return message(&discordgo.InteractionResponseData{
		Flags: discordgo.MessageFlagsEphemeral,
		Embeds: []*discordgo.MessageEmbed{{
			Title:       fmt.Sprintf("Digests in this server (%d)", len(list)),
			Description: strings.Join(lines, "\n"),
		}},
	}), nil
}
