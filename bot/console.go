package bot

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"strings"

	"briefbot/briefs"

	"github.com/bwmarrin/discordgo"
)

// Console is a transport for people at a terminal: it reads slash commands as
// a user types them in Discord ("/brief putin-kim", `/article add text:"..."
// slug:x`), runs them through the same Router, and prints the replies as text.
// The console user is the server's operator, so admin commands are allowed.
type Console struct {
	Router    *Router
	GuildID   string
	ChannelID string // the channel commands come from ("/digest schedule" without channel: uses it)
	UserID    string
	// Prompt is printed before each line; empty for non-interactive input.
	Prompt string
	// AfterCommand, when set, runs after each command (to save data).
	AfterCommand func()

	// buttons are those of the last reply (Previous and Next of /briefs):
	// /prev and /next press them, as a Discord user would.
	buttons []discordgo.Button
}

// pageCommands are the console's stand-ins for the paging buttons of a
// reply, by the buttons' labels.
var pageCommands = []struct{ command, label, none string }{
	{"/prev", "Previous", "This is the first page."},
	{"/next", "Next", "This is the last page."},
}

// Run serves lines from in until EOF, "/quit" or ctx is done.
func (c *Console) Run(ctx context.Context, in io.Reader, out io.Writer) error {
	sc := bufio.NewScanner(in)
	sc.Buffer(make([]byte, 64*1024), 8<<20)
	seq := 0
	for {
		if c.Prompt != "" {
			fmt.Fprint(out, c.Prompt)
		}
		if !sc.Scan() {
			return sc.Err()
		}
		if ctx.Err() != nil {
			return nil
		}
		line := strings.TrimSpace(sc.Text())
		switch line {
		case "":
			continue
		case "/quit", "/exit":
			return nil
		case "/help", "help":
			fmt.Fprintln(out, c.help())
			continue
		}
		seq++
		i, err := c.press(line, seq)
		if i == nil && err == nil {
			i, err = c.parse(line, seq)
		}
		if err != nil {
			fmt.Fprintln(out, "⚠️ "+err.Error())
			continue
		}
		resp := c.Router.Handle(ctx, i)
		if resp.Type == discordgo.InteractionResponseModal {
			resp = c.Router.Handle(ctx, c.fillModal(resp.Data, seq, sc, out))
		}
		fmt.Fprintln(out, ResponseText(resp)+c.keepButtons(resp))
		if c.AfterCommand != nil {
			c.AfterCommand()
		}
	}
}

func (c *Console) help() string {
	var b strings.Builder
	b.WriteString("Commands (as in Discord; options as name:value, quote values with spaces):\n")
	for _, def := range c.Router.ApplicationCommands() {
		subs := false
		for _, o := range def.Options {
			if o.Type == discordgo.ApplicationCommandOptionSubCommand {
				subs = true
				fmt.Fprintf(&b, "  /%s %s%s — %s\n", def.Name, o.Name, optionsUsage(o.Options), o.Description)
			}
		}
		if !subs {
			fmt.Fprintf(&b, "  /%s%s — %s\n", def.Name, optionsUsage(def.Options), def.Description)
		}
	}
	b.WriteString("  /next, /prev — turn the pages of the last reply, e.g. of /briefs\n")
	b.WriteString("  /quit — leave")
	return b.String()
}

// press turns /next or /prev into the click on the matching button of the
// last reply, so that the router pages exactly as for Discord's buttons.
// Other lines give nil and no error.
func (c *Console) press(line string, seq int) (*discordgo.Interaction, error) {
	word := strings.Fields(line)[0]
	if word == "/previous" {
		word = "/prev"
	}
	for _, p := range pageCommands {
		if word != p.command {
			continue
		}
		for _, b := range c.buttons {
			if b.Label != p.label {
				continue
			}
			if b.Disabled {
				return nil, fmt.Errorf("%s", p.none)
			}
			return c.interaction(discordgo.InteractionMessageComponent, seq, discordgo.MessageComponentInteractionData{
				CustomID: b.CustomID, ComponentType: discordgo.ButtonComponent,
			}), nil
		}
		return nil, fmt.Errorf("the last reply has no pages to turn; /next and /prev page a list such as /briefs")
	}
	return nil, nil
}

// keepButtons remembers the buttons of a reply for /next and /prev, and
// returns the line that says which of them can be typed (empty if none).
func (c *Console) keepButtons(resp *discordgo.InteractionResponse) string {
	c.buttons = nil
	if resp == nil || resp.Data == nil {
		return ""
	}
	for _, row := range resp.Data.Components {
		var comps []discordgo.MessageComponent
		switch r := row.(type) {
		case discordgo.ActionsRow:
			comps = r.Components
		case *discordgo.ActionsRow:
			comps = r.Components
		}
		for _, comp := range comps {
			switch b := comp.(type) {
			case discordgo.Button:
				c.buttons = append(c.buttons, b)
			case *discordgo.Button:
				c.buttons = append(c.buttons, *b)
			}
		}
	}
	var can []string
	for _, p := range pageCommands {
		for _, b := range c.buttons {
			if b.Label == p.label && !b.Disabled {
				can = append(can, p.command)
			}
		}
	}
	if len(can) == 0 {
		return ""
	}
	return "\n(" + strings.Join(can, " · ") + " to turn pages)"
}

func optionsUsage(opts []*discordgo.ApplicationCommandOption) string {
	var b strings.Builder
	for _, o := range opts {
		if o.Required {
			fmt.Fprintf(&b, " %s:<%s>", o.Name, o.Name)
		} else {
			fmt.Fprintf(&b, " [%s:<%s>]", o.Name, o.Name)
		}
	}
	return b.String()
}

// parse turns a typed command into the interaction Discord would send.
func (c *Console) parse(line string, seq int) (*discordgo.Interaction, error) {
	data, err := ParseCommand(c.Router.ApplicationCommands(), line)
	if err != nil {
		return nil, err
	}
	return c.interaction(discordgo.InteractionApplicationCommand, seq, data), nil
}

// ParseCommand turns a slash command as a user types it ("/brief putin-kim",
// `/article add text:"..." slug:x`) into the data Discord would send for it,
// checked against the command definitions. Words without "name:" fill the
// first string option ("/brief putin kim").
func ParseCommand(defs []*discordgo.ApplicationCommand, line string) (discordgo.ApplicationCommandInteractionData, error) {
	var none discordgo.ApplicationCommandInteractionData
	line = strings.TrimSpace(line)
	if !strings.HasPrefix(line, "/") {
		return none, fmt.Errorf("commands start with /, e.g. /brief putin-kim (try /help)")
	}
	words, err := splitWords(line[1:])
	if err != nil {
		return none, err
	}
	if len(words) == 0 {
		return none, fmt.Errorf("type a command after /, e.g. /brief putin-kim")
	}
	var def *discordgo.ApplicationCommand
	for _, d := range defs {
		if d.Name == words[0] {
			def = d
		}
	}
	if def == nil {
		return none, fmt.Errorf("unknown command /%s (try /help)", words[0])
	}
	words = words[1:]
	data := discordgo.ApplicationCommandInteractionData{ID: def.ID, Name: def.Name, CommandType: discordgo.ChatApplicationCommand}
	if data.ID == "" {
		data.ID = "console-" + def.Name
	}
	optDefs, target := def.Options, &data.Options
	if len(optDefs) > 0 && optDefs[0].Type == discordgo.ApplicationCommandOptionSubCommand {
		if len(words) == 0 {
			return none, fmt.Errorf("/%s needs a subcommand: %s", def.Name, subcommandNames(optDefs))
		}
		var sub *discordgo.ApplicationCommandOption
		for _, o := range optDefs {
			if o.Name == words[0] {
				sub = o
			}
		}
		if sub == nil {
			return none, fmt.Errorf("/%s has no subcommand %q: %s", def.Name, words[0], subcommandNames(optDefs))
		}
		opt := &discordgo.ApplicationCommandInteractionDataOption{Name: sub.Name, Type: discordgo.ApplicationCommandOptionSubCommand}
		data.Options = []*discordgo.ApplicationCommandInteractionDataOption{opt}
		optDefs, target, words = sub.Options, &opt.Options, words[1:]
	}
	values := map[string]string{}
	var loose []string
	for _, w := range words {
		name, value, ok := strings.Cut(w, ":")
		if ok && optionDef(optDefs, name) != nil {
			values[name] = value
		} else {
			loose = append(loose, w)
		}
	}
	if len(loose) > 0 {
		var first *discordgo.ApplicationCommandOption
		for _, o := range optDefs {
			if o.Type == discordgo.ApplicationCommandOptionString {
				first = o
				break
			}
		}
		if first == nil || values[first.Name] != "" {
			return none, fmt.Errorf("did not understand %q (options are name:value)", strings.Join(loose, " "))
		}
		values[first.Name] = strings.Join(loose, " ")
	}
	for _, o := range optDefs {
		v, ok := values[o.Name]
		if !ok {
			if o.Required {
				return none, fmt.Errorf("/%s needs %s:<%s>", def.Name, o.Name, o.Name)
			}
			continue
		}
		*target = append(*target, &discordgo.ApplicationCommandInteractionDataOption{Name: o.Name, Type: o.Type, Value: v})
	}
	return data, nil
}

// fillModal stands in for the form Discord would open: paragraph fields are
// read from the input up to a line with a single ".", short fields keep the
// values the command filled in.
func (c *Console) fillModal(modal *discordgo.InteractionResponseData, seq int, sc *bufio.Scanner, out io.Writer) *discordgo.Interaction {
	var rows []discordgo.MessageComponent
	for _, row := range modal.Components {
		ar, ok := row.(discordgo.ActionsRow)
		if !ok {
			continue
		}
		for _, comp := range ar.Components {
			ti, ok := comp.(discordgo.TextInput)
			if !ok {
				continue
			}
			value := ti.Value
			if ti.Style == discordgo.TextInputParagraph {
				fmt.Fprintf(out, "%s: paste it, then a line with a single \".\":\n", ti.Label)
				var text strings.Builder
				for sc.Scan() && sc.Text() != "." {
					text.WriteString(sc.Text())
					text.WriteByte('\n')
				}
				value = text.String()
			}
			rows = append(rows, &discordgo.ActionsRow{Components: []discordgo.MessageComponent{&discordgo.TextInput{CustomID: ti.CustomID, Value: value}}})
		}
	}
	return c.interaction(discordgo.InteractionModalSubmit, seq, discordgo.ModalSubmitInteractionData{CustomID: modal.CustomID, Components: rows})
}

func (c *Console) interaction(t discordgo.InteractionType, seq int, data discordgo.InteractionData) *discordgo.Interaction {
	return &discordgo.Interaction{
		ID:        fmt.Sprintf("console-%d", seq),
		Type:      t,
		Data:      data,
		GuildID:   c.GuildID,
		ChannelID: c.ChannelID,
		Member: &discordgo.Member{
			User:        &discordgo.User{ID: c.UserID, Username: "console"},
			Permissions: discordgo.PermissionAdministrator | discordgo.PermissionManageGuild,
		},
	}
}

func optionDef(defs []*discordgo.ApplicationCommandOption, name string) *discordgo.ApplicationCommandOption {
	for _, o := range defs {
		if o.Name == name {
			return o
		}
	}
	return nil
}

func subcommandNames(defs []*discordgo.ApplicationCommandOption) string {
	names := make([]string, 0, len(defs))
	for _, o := range defs {
		names = append(names, o.Name)
	}
	return strings.Join(names, ", ")
}

// splitWords splits a command line on spaces, keeping "quoted parts" (double
// or single quotes, also after name:) together.
func splitWords(s string) ([]string, error) {
	var words []string
	var cur strings.Builder
	inWord := false
	var quote rune
	for _, r := range s {
		switch {
		case quote != 0:
			if r == quote {
				quote = 0
			} else {
				cur.WriteRune(r)
			}
		case r == '"' || r == '“' || r == '”':
			quote, inWord = '"', true
			if r == '“' {
				quote = '”'
			}
		case r == ' ' || r == '\t':
			if inWord {
				words = append(words, cur.String())
				cur.Reset()
				inWord = false
			}
		default:
			cur.WriteRune(r)
			inWord = true
		}
	}
	if quote != 0 {
		return nil, fmt.Errorf("a quote is not closed")
	}
	if inWord {
		words = append(words, cur.String())
	}
	return words, nil
}

// BriefText renders a brief as text, the way the console shows it.
func BriefText(b briefs.Brief) string {
	resp := message(&discordgo.InteractionResponseData{Embeds: []*discordgo.MessageEmbed{BriefEmbed(b)}})
	fitMessage(resp.Data)
	return ResponseText(resp)
}

// ResponseText renders a response as plain text for a terminal.
func ResponseText(resp *discordgo.InteractionResponse) string {
	if resp == nil || resp.Data == nil {
		return ""
	}
	d := resp.Data
	var b strings.Builder
	if d.Content != "" {
		b.WriteString(d.Content)
		b.WriteByte('\n')
	}
	for _, e := range d.Embeds {
		if e.Title != "" {
			b.WriteString("# " + e.Title + "\n")
		}
		if e.Author != nil && e.Author.Name != "" {
			b.WriteString(e.Author.Name + "\n")
		}
		if e.URL != "" {
			b.WriteString(e.URL + "\n")
		}
		if e.Description != "" {
			b.WriteString(e.Description + "\n")
		}
		for _, f := range e.Fields {
			b.WriteString(f.Name + ": " + f.Value + "\n")
		}
		if e.Footer != nil {
			b.WriteString("— " + e.Footer.Text + "\n")
		}
	}
	for _, ch := range d.Choices {
		fmt.Fprintf(&b, "%v — %s\n", ch.Value, ch.Name)
	}
	return strings.TrimRight(b.String(), "\n")
}
