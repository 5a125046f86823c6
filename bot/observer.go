package bot

import (
	"strings"
	"time"

	"github.com/bwmarrin/discordgo"
)

// Observer is told what the transports do, for metrics; *metrics.Metrics
// implements it. Its methods must be quick and safe for concurrent use.
type Observer interface {
	// InteractionServed is called once per interaction, when its answer is
	// complete. kind is one of the Kind* constants; command is the command
	// name, or the component's or form's route ("briefs", "article-add"),
	// "unknown" for one the router does not know; outcome is one of the
	// Outcome* constants. initial is the time to the initial response
	// (Discord's deadline is 3 s; 0 when none was sent), total the time
	// until the answer was complete (the edit of a deferred answer
	// included).
	InteractionServed(kind, command, outcome string, initial, total time.Duration)
	// InteractionDeferred is called when an interaction is deferred (type 5
	// or 6) because its handler was slow.
	InteractionDeferred(kind, command string)
	// GatewayReconnected is called each time the gateway connection is
	// re-established (resumed or re-identified) after it was lost.
	GatewayReconnected()
}

// Interaction kinds, as Observer reports them.
const (
	KindCommand      = "command"
	KindAutocomplete = "autocomplete"
	KindComponent    = "component"
	KindModal        = "modal"
	KindPing         = "ping"
)

// Outcomes of an interaction, as Observer reports them.
const (
	// OutcomeOK: answered (an autocomplete whose search failed included:
	// it answers with no choices).
	OutcomeOK = "ok"
	// OutcomeError: answered with an error message (not found, invalid
	// input, store unavailable, ...).
	OutcomeError = "error"
	// OutcomeRefused: the member lacks the permission an admin command
	// needs.
	OutcomeRefused = "refused"
	// OutcomePanic: a handler panicked; the member was told something went
	// wrong.
	OutcomePanic = "panic"
	// OutcomeUndelivered: the answer could not be sent to Discord (a
	// missed deadline, a REST failure).
	OutcomeUndelivered = "undelivered"
)

// labels names an interaction for the metrics: its kind, and its command
// (or component or form route) when the router knows it, else "unknown", so
// that the label values stay few whatever arrives.
func (r *Router) labels(i *discordgo.Interaction) (kind, command string) {
	command = "unknown"
	switch i.Type {
	case discordgo.InteractionApplicationCommand, discordgo.InteractionApplicationCommandAutocomplete:
		kind = KindCommand
		if i.Type == discordgo.InteractionApplicationCommandAutocomplete {
			kind = KindAutocomplete
		}
		if data, ok := i.Data.(discordgo.ApplicationCommandInteractionData); ok {
			if _, known := r.commands[data.Name]; known {
				command = data.Name
			}
		}
	case discordgo.InteractionMessageComponent, discordgo.InteractionModalSubmit:
		var customID string
		switch data := i.Data.(type) {
		case discordgo.MessageComponentInteractionData:
			kind, customID = KindComponent, data.CustomID
		case discordgo.ModalSubmitInteractionData:
			kind, customID = KindModal, data.CustomID
		default:
			kind = KindComponent
			if i.Type == discordgo.InteractionModalSubmit {
				kind = KindModal
			}
		}
		prefix, _, _ := strings.Cut(customID, ":")
		if _, known := r.components[prefix]; known {
			command = prefix
		}
	case discordgo.InteractionPing:
		kind, command = KindPing, "ping"
	default:
		kind = "other"
	}
	return kind, command
}
