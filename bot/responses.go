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
		choices = append(choices, &discordgo.ApplicationCommandOptionChoice{Name: cut(l.Title, maxChoiceName), Value: l.Slug})
	}
	return &discordgo.InteractionResponse{
		Type: discordgo.InteractionApplicationCommandAutocompleteResult,
		Data: &discordgo.InteractionResponseData{Choices: choices},
	}
}

// internalErrorMessage is what a member reads when a handler failed in a way
// we did not foresee (a panic).
const internalErrorMessage = "Something went wrong on our side. Please try again."

// internalErrorResponse answers an interaction whose handler panicked.
func internalErrorResponse() *discordgo.InteractionResponse {
	return errorResponse(briefs.Errorf(briefs.EINTERNAL, internalErrorMessage))
}
