package discordtest

import "github.com/bwmarrin/discordgo"

// MemberID is the user the interaction builders send as.
const MemberID = "700000000000000007"

// Opt is a command option with value v: a string, a bool, or a float64 for
// an integer (JSON numbers decode as float64, as they do from Discord).
func Opt(name string, v any) *discordgo.ApplicationCommandInteractionDataOption {
	o := &discordgo.ApplicationCommandInteractionDataOption{Name: name, Value: v}
	switch v.(type) {
	case bool:
		o.Type = discordgo.ApplicationCommandOptionBoolean
	case float64:
		o.Type = discordgo.ApplicationCommandOptionInteger
	default:
		o.Type = discordgo.ApplicationCommandOptionString
	}
	return o
}

// Slash is the interaction Discord sends when MemberID, holding perms in
// guildID, runs the slash command name with opts. Dispatch fills in its id
// and token.
func Slash(guildID string, perms int64, name string, opts ...*discordgo.ApplicationCommandInteractionDataOption) *discordgo.Interaction {
	return &discordgo.Interaction{
		Type:    discordgo.InteractionApplicationCommand,
		GuildID: guildID,
		Data:    discordgo.ApplicationCommandInteractionData{ID: "9", Name: name, CommandType: discordgo.ChatApplicationCommand, Options: opts},
		Member:  &discordgo.Member{User: &discordgo.User{ID: MemberID, Username: "member"}, Permissions: perms},
	}
}

// Subcommand is Slash for "/name sub" with opts.
func Subcommand(guildID string, perms int64, name, sub string, opts ...*discordgo.ApplicationCommandInteractionDataOption) *discordgo.Interaction {
	return Slash(guildID, perms, name, &discordgo.ApplicationCommandInteractionDataOption{
		Name: sub, Type: discordgo.ApplicationCommandOptionSubCommand, Options: opts,
	})
}

// Autocomplete is the interaction Discord sends while MemberID types partial
// into option of the command name.
func Autocomplete(guildID, name, option, partial string) *discordgo.Interaction {
	o := Opt(option, partial)
	o.Focused = true
	i := Slash(guildID, 0, name, o)
	i.Type = discordgo.InteractionApplicationCommandAutocomplete
	return i
}
