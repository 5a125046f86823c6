package bot

import (
	"errors"

	"briefbot/briefs"

	"github.com/bwmarrin/discordgo"
)

// message is a visible reply in the channel.
func message(d *discordgo.InteractionResponseData) *discordgo.InteractionResponse {
	return &discordgo.InteractionResponse{Type: discordgo.InteractionResponseChannelMessageWithSource, Data: d}
}

// ephemeral is a reply only its recipient sees: errors and admin confirmations.
func ephemeral(content string) *discordgo.InteractionResponse {
	return message(&discordgo.InteractionResponseData{Content: content, Flags: discordgo.MessageFlagsEphemeral})
}

// reply is the one place where a handler's error becomes what the member
// reads (errorResponse: an ephemeral message) and what the metrics count
// (the outcome, from the error's code). Failures of briefbot's own
// dependencies are logged as errors, the member's mistakes at debug level.
// A nil response without an error counts as an error: the transports then
// answer with internalErrorResponse.
func (r *Router) reply(i *discordgo.Interaction, resp *discordgo.InteractionResponse, err error) (*discordgo.InteractionResponse, string) {
	switch {
	case err == nil && resp == nil:
		return nil, OutcomeError
	case err == nil:
		return resp, OutcomeOK
	case errors.Is(err, errPanicked):
		// Logged, with its stack, where it was recovered.
		return errorResponse(err), OutcomePanic
	}
	switch briefs.ErrorCode(err) {
	case briefs.EINTERNAL, briefs.EUNAVAILABLE:
		r.log.Error("interaction failed", "interaction", i.ID, "err", err)
	default:
		r.log.Debug("interaction refused", "interaction", i.ID, "err", err)
	}
	if briefs.ErrorCode(err) == briefs.EFORBIDDEN {
		return errorResponse(err), OutcomeRefused
	}
	return errorResponse(err), OutcomeError
}

// errorResponse tells the person who sent the interaction what went wrong, in
// words meant for them; internals stay in the logs. A web site that failed
// (briefs.ErrSite) is named as such; any other dependency that did not answer
// is the store, whose own message would show addresses.
func errorResponse(err error) *discordgo.InteractionResponse {
	msg := briefs.ErrorMessage(err)
	if briefs.ErrorCode(err) == briefs.EUNAVAILABLE && !errors.Is(err, briefs.ErrSite) {
		msg = "The brief store is unavailable right now. Please try again shortly."
	}
	return ephemeral("⚠️ " + msg)
}

// choicesResponse answers an autocomplete.
func choicesResponse(ls []briefs.Listing) *discordgo.InteractionResponse {
	choices := make([]*discordgo.ApplicationCommandOptionChoice, 0, min(len(ls), maxChoices))
	for _, l := range ls {
		if len(choices) == maxChoices {
			break
		}
		choices = append(choices, &discordgo.ApplicationCommandOptionChoice{Name: briefs.Truncate(l.Title, maxChoiceName), Value: l.Slug})
	}
	return &discordgo.InteractionResponse{
		Type: discordgo.InteractionApplicationCommandAutocompleteResult,
		Data: &discordgo.InteractionResponseData{Choices: choices},
	}
}

// internalErrorMessage is what a member reads when a handler failed in a way
// we did not foresee (a panic).
const internalErrorMessage = "Something went wrong on our side. Please try again."

// errPanicked is the error of a handler that panicked.
var errPanicked = &briefs.Error{Code: briefs.EINTERNAL, Message: internalErrorMessage}

// internalErrorResponse answers an interaction whose handler failed without
// an answer (a panic, or no response at all).
func internalErrorResponse() *discordgo.InteractionResponse {
	return errorResponse(errPanicked)
}
