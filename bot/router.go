package bot

import (
	"context"
	"fmt"
	"log/slog"
	"runtime/debug"
	"strings"

	"briefbot/briefs"

	"github.com/bwmarrin/discordgo"
)

// Briefs is what the bot needs of the newsroom; *briefs.Service provides it.
type Briefs interface {
	Add(ctx context.Context, in briefs.AddInput) (briefs.AddResult, error)
	AddURL(ctx context.Context, in briefs.AddURLInput) (briefs.AddResult, error)
	Refresh(ctx context.Context, guildID, userID, slug string) (briefs.Brief, error)
	Brief(ctx context.Context, guildID, query string) (briefs.Lookup, error)
	Search(ctx context.Context, guildID, query string, offset, limit int) ([]briefs.Listing, int, error)
	Suggest(ctx context.Context, guildID, partial string) ([]briefs.Listing, error)
	Remove(ctx context.Context, guildID, slug string) (briefs.Article, error)
	Separate(ctx context.Context, guildID, slug string) (briefs.Article, error)
}

// Handler answers one interaction with the response to send, or with the
// error the member should read instead (a *briefs.Error, whose code also
// classifies the answer for the metrics; see reply). It never talks to the
// transport itself.
type Handler func(ctx context.Context, in *Interaction) (*discordgo.InteractionResponse, error)

// Router dispatches interactions to the handlers of the command table.
type Router struct {
	briefs   Briefs
	log      *slog.Logger
	commands map[string]command
	order    []string
	// components routes button and modal ids by their prefix (before ':').
	components map[string]Handler
	// digests serves /digest; nil until SetDigests (digest_commands.go).
	digests Digests
	// feeds serves /feed; nil until SetFeeds (feed_commands.go).
	feeds Feeds
}

// NewRouter builds the router over a Briefs service.
func NewRouter(b Briefs, log *slog.Logger) *Router {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	r := &Router{briefs: b, log: log, commands: map[string]command{}}
	for _, c := range r.commandTable() {
		r.commands[c.def.Name] = c
		r.order = append(r.order, c.def.Name)
	}
	r.components = map[string]Handler{
		briefsPagePrefix: r.handleBriefsPage,
		articleModalID:   r.handleArticleModal,
	}
	return r
}

// ApplicationCommands returns the definitions to register with Discord, in
// the order of the command table.
func (r *Router) ApplicationCommands() []*discordgo.ApplicationCommand {
	defs := make([]*discordgo.ApplicationCommand, 0, len(r.order))
	for _, name := range r.order {
		defs = append(defs, r.commands[name].def)
	}
	return defs
}

// Handle answers an interaction with the response to send: the handler's,
// or the message that tells the member what went wrong. It switches on the
// interaction type before touching type-specific data (discordgo panics on
// a mismatch), recovers from a panic in any handler, and makes sure no
// response can ping anyone.
func (r *Router) Handle(ctx context.Context, i *discordgo.Interaction) *discordgo.InteractionResponse {
	resp, _ := r.answer(ctx, i)
	return resp
}

// answer is Handle with the outcome of the interaction, for the metrics.
func (r *Router) answer(ctx context.Context, i *discordgo.Interaction) (*discordgo.InteractionResponse, string) {
	resp, err := r.dispatch(ctx, i)
	resp, outcome := r.reply(i, resp, err)
	noMentions(resp)
	if resp != nil {
		fitMessage(resp.Data)
	}
	return resp, outcome
}

// dispatch runs the handler of the interaction; a panic in it becomes
// errPanicked.
func (r *Router) dispatch(ctx context.Context, i *discordgo.Interaction) (resp *discordgo.InteractionResponse, err error) {
	defer func() {
		if p := recover(); p != nil {
			r.log.Error("panic in interaction handler", "interaction", i.ID, "panic", fmt.Sprint(p), "stack", string(debug.Stack()))
			resp, err = nil, errPanicked
		}
	}()
	in := &Interaction{Interaction: i}
	switch i.Type {
	case discordgo.InteractionPing:
		return &discordgo.InteractionResponse{Type: discordgo.InteractionResponsePong}, nil
	case discordgo.InteractionApplicationCommand:
		return r.route(ctx, in, false)
	case discordgo.InteractionApplicationCommandAutocomplete:
		return r.route(ctx, in, true)
	case discordgo.InteractionMessageComponent:
		return r.routeComponent(ctx, in, i.MessageComponentData().CustomID)
	case discordgo.InteractionModalSubmit:
		return r.routeComponent(ctx, in, i.ModalSubmitData().CustomID)
	}
	return nil, briefs.Errorf(briefs.EINVALID, "This kind of interaction is not supported.")
}

func (r *Router) route(ctx context.Context, in *Interaction, autocomplete bool) (*discordgo.InteractionResponse, error) {
	data := in.ApplicationCommandData()
	c, ok := r.commands[data.Name]
	if !ok {
		return nil, briefs.Errorf(briefs.ENOTFOUND, "Unknown command /%s.", data.Name)
	}
	if in.GuildID == "" {
		return nil, briefs.Errorf(briefs.EINVALID, "briefbot works inside a server; briefs belong to the server they were added in.")
	}
	if autocomplete {
		if c.autocomplete == nil {
			return choicesResponse(nil), nil
		}
		return c.autocomplete(ctx, in)
	}
	if c.admin && !in.CanManageServer() {
		return nil, briefs.Errorf(briefs.EFORBIDDEN, "%s to use /%s.", needManageServer, data.Name)
	}
	h, ok := c.handle[in.Subcommand()]
	if !ok {
		return nil, briefs.Errorf(briefs.ENOTFOUND, "Unknown command /%s %s.", data.Name, in.Subcommand())
	}
	return h(ctx, in)
}

func (r *Router) routeComponent(ctx context.Context, in *Interaction, customID string) (*discordgo.InteractionResponse, error) {
	prefix, _, _ := strings.Cut(customID, ":")
	h, ok := r.components[prefix]
	if !ok {
		return nil, briefs.Errorf(briefs.EINVALID, "This button or form has expired.")
	}
	if in.GuildID == "" {
		return nil, briefs.Errorf(briefs.EINVALID, "briefbot works inside a server.")
	}
	return h(ctx, in)
}

// needManageServer opens every refusal of an admin command (EFORBIDDEN).
const needManageServer = "You need the Manage Server permission"

// noMentionsAllowed is the allowed_mentions every message carries: an empty
// parse list. The zero value would encode as null, which lets Discord parse
// @everyone, so the list must be non-nil.
func noMentionsAllowed() *discordgo.MessageAllowedMentions {
	return &discordgo.MessageAllowedMentions{Parse: []discordgo.AllowedMentionType{}}
}

// noMentions sets empty allowed_mentions on a response that carries a message.
func noMentions(resp *discordgo.InteractionResponse) {
	if resp == nil {
		return
	}
	switch resp.Type {
	case discordgo.InteractionResponseChannelMessageWithSource, discordgo.InteractionResponseUpdateMessage,
		discordgo.InteractionResponseDeferredChannelMessageWithSource, discordgo.InteractionResponseDeferredMessageUpdate:
		if resp.Data == nil {
			resp.Data = &discordgo.InteractionResponseData{}
		}
		resp.Data.AllowedMentions = noMentionsAllowed()
	}
}
