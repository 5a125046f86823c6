package bot

import (
	"github.com/bwmarrin/discordgo"
)

// Interaction wraps a discordgo interaction with the accessors handlers need.
type Interaction struct {
	*discordgo.Interaction
}

// UserID is the id of the member or user who sent the interaction.
func (in *Interaction) UserID() string {
	if in.Member != nil && in.Member.User != nil {
		return in.Member.User.ID
	}
	if in.User != nil {
		return in.User.ID
	}
	return ""
}

// CanManageServer reports whether the member holds Manage Server or
// Administrator in this channel, as Discord computed it for the interaction.
func (in *Interaction) CanManageServer() bool {
	if in.Member == nil {
		return false
	}
	p := in.Member.Permissions
	return p&discordgo.PermissionAdministrator != 0 || p&adminPermission != 0
}

// Subcommand is the name of the subcommand used, "" for none.
func (in *Interaction) Subcommand() string {
	for _, o := range in.ApplicationCommandData().Options {
		if o.Type == discordgo.ApplicationCommandOptionSubCommand {
			return o.Name
		}
	}
	return ""
}

// options returns the options of the command, or of its subcommand.
func (in *Interaction) options() []*discordgo.ApplicationCommandInteractionDataOption {
	opts := in.ApplicationCommandData().Options
	for _, o := range opts {
		if o.Type == discordgo.ApplicationCommandOptionSubCommand {
			return o.Options
		}
	}
	return opts
}

// String returns the value of a string option, "" when absent.
func (in *Interaction) String(name string) string {
	for _, o := range in.options() {
		if o.Name == name {
			if s, ok := o.Value.(string); ok {
				return s
			}
		}
	}
	return ""
}

// Focused returns the value of the option being typed in an autocomplete.
func (in *Interaction) Focused() string {
	for _, o := range in.options() {
		if o.Focused {
			if s, ok := o.Value.(string); ok {
				return s
			}
		}
	}
	return ""
}

// ModalValue returns the value of the text input with that custom id.
func (in *Interaction) ModalValue(id string) string {
	for _, row := range in.ModalSubmitData().Components {
		ar, ok := row.(*discordgo.ActionsRow)
		if !ok {
			continue
		}
		for _, c := range ar.Components {
			if ti, ok := c.(*discordgo.TextInput); ok && ti.CustomID == id {
				return ti.Value
			}
		}
	}
	return ""
}

// channelInGuild reports whether a channel named in an option belongs to
// the interaction's guild, as Discord resolved it for the interaction. An
// interaction that carries no resolved channels (the console, where the
// admin types an id) is trusted: only Discord can sign one that does.
func (in *Interaction) channelInGuild(ch string) bool {
	if in.Type != discordgo.InteractionApplicationCommand {
		return true
	}
	data := in.ApplicationCommandData()
	if data.Resolved == nil || len(data.Resolved.Channels) == 0 {
		return true
	}
	c, ok := data.Resolved.Channels[ch]
	return ok && (c.GuildID == "" || c.GuildID == in.GuildID)
}
