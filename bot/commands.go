package bot

import (
	"github.com/bwmarrin/discordgo"
)

// adminPermission is what admin commands require: Manage Server. Discord hides
// the commands from other members (default_member_permissions) and the
// handlers check again, since a server can override the default.
const adminPermission = discordgo.PermissionManageGuild

// command is one entry of the command table: the definition Discord registers,
// the handler that answers it and, for options with autocomplete, the handler
// that suggests values.
type command struct {
	def          *discordgo.ApplicationCommand
	admin        bool
	handle       map[string]Handler // by subcommand name; "" for a command without subcommands
	autocomplete Handler
}

// commandTable is the one place that lists every slash command, with its
// options, permissions and handlers: what Discord registers and what the
// router dispatches cannot drift apart.
func (r *Router) commandTable() []command {
	adminPerms := int64(adminPermission)
	noDM := false
	return []command{
		{
			def: &discordgo.ApplicationCommand{
				Name:        "brief",
				Description: "Show the brief of a news article",
				Options: []*discordgo.ApplicationCommandOption{{
					Type:         discordgo.ApplicationCommandOptionString,
					Name:         "topic",
					Description:  "A slug such as putin-kim, or words of the headline",
					Required:     true,
					Autocomplete: true,
					MaxLength:    200,
				}},
				DMPermission: &noDM,
			},
			handle:       map[string]Handler{"": r.handleBrief},
			autocomplete: r.suggestBriefs,
		},
		{
			def: &discordgo.ApplicationCommand{
				Name:        "briefs",
				Description: "List recent briefs, or those matching a query",
				Options: []*discordgo.ApplicationCommandOption{{
					Type:        discordgo.ApplicationCommandOptionString,
					Name:        "query",
					Description: "Words to look for in slugs, headlines and names",
					MaxLength:   200,
				}},
				DMPermission: &noDM,
			},
			handle: map[string]Handler{"": r.handleBriefs},
		},
		{
			def: &discordgo.ApplicationCommand{
				Name:                     "article",
				Description:              "Add or remove articles (Manage Server)",
				DefaultMemberPermissions: &adminPerms,
				DMPermission:             &noDM,
				Options: []*discordgo.ApplicationCommandOption{
					{
						Type:        discordgo.ApplicationCommandOptionSubCommand,
						Name:        "add",
						Description: "Add an article by pasting its text (no options opens a form)",
						Options: []*discordgo.ApplicationCommandOption{
							{Type: discordgo.ApplicationCommandOptionString, Name: "url", Description: "Link to the article"},
							{Type: discordgo.ApplicationCommandOptionString, Name: "text", Description: "The article text", MaxLength: 6000},
							{Type: discordgo.ApplicationCommandOptionString, Name: "slug", Description: "Short name to find it by, e.g. putin-kim", MaxLength: 64},
							{Type: discordgo.ApplicationCommandOptionString, Name: "title", Description: "Headline, when the text has none", MaxLength: 256},
						},
					},
					{
						Type:        discordgo.ApplicationCommandOptionSubCommand,
						Name:        "refresh",
						Description: "Fetch an article's link again and rebuild its brief",
						Options:     []*discordgo.ApplicationCommandOption{articleSlugOption()},
					},
					{
						Type:        discordgo.ApplicationCommandOptionSubCommand,
						Name:        "separate",
						Description: "Take an article out of the story it was merged into: it becomes news of its own",
						Options:     []*discordgo.ApplicationCommandOption{articleSlugOption()},
					},
					{
						Type:        discordgo.ApplicationCommandOptionSubCommand,
						Name:        "remove",
						Description: "Remove an article and its brief",
						Options:     []*discordgo.ApplicationCommandOption{articleSlugOption()},
					},
				},
			},
			admin: true,
			handle: map[string]Handler{"add": r.handleArticleAdd, "refresh": r.handleArticleRefresh, "remove": r.handleArticleRemove,
				"separate": r.handleArticleSeparate},
			autocomplete: r.suggestBriefs,
		},
		{
			def: &discordgo.ApplicationCommand{
				Name:                     "digest",
				Description:              "Post digests of new briefs in a channel on a schedule (Manage Server)",
				DefaultMemberPermissions: &adminPerms,
				DMPermission:             &noDM,
				Options: []*discordgo.ApplicationCommandOption{
					{
						Type:        discordgo.ApplicationCommandOptionSubCommand,
						Name:        "schedule",
						Description: "Post a digest of new briefs on a cron schedule",
						Options: []*discordgo.ApplicationCommandOption{
							{Type: discordgo.ApplicationCommandOptionString, Name: "cron", Description: "When: 5 fields (minute hour day month weekday), e.g. 0 8 * * 1-5, or @daily", Required: true, MaxLength: 120},
							digestChannelOption(),
							{Type: discordgo.ApplicationCommandOptionString, Name: "timezone", Description: "IANA timezone, e.g. Europe/Berlin (default: the bot's)", MaxLength: 64},
							{Type: discordgo.ApplicationCommandOptionInteger, Name: "size", Description: "Most briefs per digest (1-10, default 5)", MinValue: &digestMinSize, MaxValue: digestMaxSize},
							{Type: discordgo.ApplicationCommandOptionBoolean, Name: "post_empty", Description: "Post \"nothing new\" when there is nothing (default: post nothing)"},
						},
					},
					{Type: discordgo.ApplicationCommandOptionSubCommand, Name: "off", Description: "Stop a channel's digests",
						Options: []*discordgo.ApplicationCommandOption{digestChannelOption()}},
					{Type: discordgo.ApplicationCommandOptionSubCommand, Name: "now", Description: "Post a digest now and move the channel's cursor",
						Options: []*discordgo.ApplicationCommandOption{digestChannelOption()}},
					{Type: discordgo.ApplicationCommandOptionSubCommand, Name: "list", Description: "List this server's digests with their next runs"},
				},
			},
			admin: true,
			handle: map[string]Handler{"schedule": r.handleDigestSchedule, "off": r.handleDigestOff,
				"now": r.handleDigestNow, "list": r.handleDigestList},
		},
		r.feedCommand(&adminPerms, &noDM),
	}
}

// articleSlugOption is the slug option of the /article subcommands that act
// on a stored article: required, autocompleted from slugs and headlines.
func articleSlugOption() *discordgo.ApplicationCommandOption {
	return &discordgo.ApplicationCommandOption{
		Type:         discordgo.ApplicationCommandOptionString,
		Name:         "slug",
		Description:  "The article's slug",
		Required:     true,
		Autocomplete: true,
	}
}
