package bot

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"briefbot/briefs"

	"github.com/bwmarrin/discordgo"
)

// Custom ids of components and modals; the part before ':' routes them.
const (
	briefsPagePrefix = "briefs"
	articleModalID   = "article-add"
)

// handleBrief answers /brief topic: the brief as an embed with a link button,
// or the candidates when the topic matched several articles.
func (r *Router) handleBrief(ctx context.Context, in *Interaction) (*discordgo.InteractionResponse, error) {
	lookup, err := r.briefs.Brief(ctx, in.GuildID, in.String("topic"))
	if err != nil {
		return nil, err
	}
	if lookup.Brief == nil {
		lines := make([]string, 0, len(lookup.Candidates))
		for _, l := range lookup.Candidates {
			lines = append(lines, "• "+listingLine(l))
		}
		return message(&discordgo.InteractionResponseData{
			Flags: discordgo.MessageFlagsEphemeral,
			Embeds: []*discordgo.MessageEmbed{{
				Title:       fmt.Sprintf("%d briefs match %q", len(lookup.Candidates), in.String("topic")),
				Description: strings.Join(lines, "\n"),
				Footer:      &discordgo.MessageEmbedFooter{Text: "Ask again with one of the slugs, e.g. /brief " + lookup.Candidates[0].Slug},
			}},
		}), nil
	}
	return message(&discordgo.InteractionResponseData{
		Embeds:     []*discordgo.MessageEmbed{StoryEmbed(*lookup.Brief, lookup.Story)},
		Components: sourceButton(*lookup.Brief),
	}), nil
}

// suggestBriefs answers autocomplete for slugs: label the title, value the slug.
func (r *Router) suggestBriefs(ctx context.Context, in *Interaction) (*discordgo.InteractionResponse, error) {
	ls, err := r.briefs.Suggest(ctx, in.GuildID, in.Focused())
	if err != nil {
		// Autocomplete cannot show an error; an empty list is the honest answer.
		r.log.Warn("autocomplete failed", "interaction", in.ID, "err", err)
		return choicesResponse(nil), nil
	}
	return choicesResponse(ls), nil
}

// handleBriefs answers /briefs [query] with the first page of matches.
func (r *Router) handleBriefs(ctx context.Context, in *Interaction) (*discordgo.InteractionResponse, error) {
	data, err := r.listingsPage(ctx, in.GuildID, in.String("query"), 0)
	if err != nil {
		return nil, err
	}
	return message(data), nil
}

// handleBriefsPage answers a paging button of /briefs by replacing the list.
func (r *Router) handleBriefsPage(ctx context.Context, in *Interaction) (*discordgo.InteractionResponse, error) {
	// "briefs:<offset>:<query>"
	parts := strings.SplitN(in.MessageComponentData().CustomID, ":", 3)
	if len(parts) != 3 {
		return nil, briefs.Errorf(briefs.EINVALID, "This button has expired; run /briefs again.")
	}
	offset, err := strconv.Atoi(parts[1])
	if err != nil || offset < 0 {
		return nil, briefs.Errorf(briefs.EINVALID, "This button has expired; run /briefs again.")
	}
	data, err := r.listingsPage(ctx, in.GuildID, parts[2], offset)
	if err != nil {
		return nil, err
	}
	return &discordgo.InteractionResponse{Type: discordgo.InteractionResponseUpdateMessage, Data: data}, nil
}

// listingsPage renders one page of /briefs with Previous/Next buttons.
func (r *Router) listingsPage(ctx context.Context, guildID, query string, offset int) (*discordgo.InteractionResponseData, error) {
	ls, total, err := r.briefs.Search(ctx, guildID, query, offset, listingsPageSize)
	if err != nil {
		return nil, err
	}
	if total == 0 {
		if strings.TrimSpace(query) != "" {
			return &discordgo.InteractionResponseData{Content: fmt.Sprintf("No briefs match %q.", query), Flags: discordgo.MessageFlagsEphemeral}, nil
		}
		return &discordgo.InteractionResponseData{Content: "No briefs yet. An admin can add one with /article add.", Flags: discordgo.MessageFlagsEphemeral}, nil
	}
	lines := make([]string, 0, len(ls))
	for _, l := range ls {
		lines = append(lines, "• "+listingLine(l))
	}
	title := "Recent briefs"
	if strings.TrimSpace(query) != "" {
		title = fmt.Sprintf("Briefs matching %q", query)
	}
	page, pages := offset/listingsPageSize+1, (total+listingsPageSize-1)/listingsPageSize
	data := &discordgo.InteractionResponseData{
		Embeds: []*discordgo.MessageEmbed{{
			Title:       title,
			Description: strings.Join(lines, "\n"),
			Footer:      &discordgo.MessageEmbedFooter{Text: fmt.Sprintf("Page %d of %d · %d briefs · /brief <slug> shows one", page, pages, total)},
		}},
	}
	if pages > 1 {
		id := func(off int) string {
			return briefs.Truncate(fmt.Sprintf("%s:%d:%s", briefsPagePrefix, off, query), maxCustomID)
		}
		data.Components = []discordgo.MessageComponent{discordgo.ActionsRow{Components: []discordgo.MessageComponent{
			discordgo.Button{Style: discordgo.SecondaryButton, Label: "Previous", CustomID: id(max(offset-listingsPageSize, 0)), Disabled: offset == 0},
			discordgo.Button{Style: discordgo.SecondaryButton, Label: "Next", CustomID: id(offset + listingsPageSize), Disabled: page >= pages},
		}}}
	}
	return data, nil
}

// handleArticleAdd answers /article add. With neither url nor text it opens a
// form to paste the text into.
func (r *Router) handleArticleAdd(ctx context.Context, in *Interaction) (*discordgo.InteractionResponse, error) {
	text, url := in.String("text"), in.String("url")
	if strings.TrimSpace(text) == "" && strings.TrimSpace(url) == "" {
		return articleModal(in.String("slug"), in.String("title")), nil
	}
	if strings.TrimSpace(text) == "" {
		res, err := r.briefs.AddURL(ctx, briefs.AddURLInput{GuildID: in.GuildID, UserID: in.UserID(), URL: url, Slug: in.String("slug"), Title: in.String("title")})
		return r.added(in, res, err)
	}
	return r.addArticle(ctx, in, briefs.AddInput{Text: text, SourceURL: url, Slug: in.String("slug"), Title: in.String("title")})
}

// handleArticleModal takes the pasted text of the /article add form.
func (r *Router) handleArticleModal(ctx context.Context, in *Interaction) (*discordgo.InteractionResponse, error) {
	if !in.CanManageServer() {
		return nil, briefs.Errorf(briefs.EFORBIDDEN, "%s to add articles.", needManageServer)
	}
	return r.addArticle(ctx, in, briefs.AddInput{
		Text:  in.ModalValue("text"),
		Slug:  in.ModalValue("slug"),
		Title: in.ModalValue("title"),
	})
}

func (r *Router) addArticle(ctx context.Context, in *Interaction, add briefs.AddInput) (*discordgo.InteractionResponse, error) {
	add.GuildID, add.UserID = in.GuildID, in.UserID()
	res, err := r.briefs.Add(ctx, add)
	return r.added(in, res, err)
}

// added confirms an add to the admin who made it.
func (r *Router) added(in *Interaction, res briefs.AddResult, err error) (*discordgo.InteractionResponse, error) {
	if err != nil {
		return nil, err
	}
	note := fmt.Sprintf("Added `%s`. Anyone can now ask /brief %s.", res.Brief.Slug, res.Brief.Slug)
	if !res.Created {
		note = fmt.Sprintf("This article is already here as `%s`; nothing was added.", res.Brief.Slug)
	}
	if res.SlugNote != "" {
		note += " " + res.SlugNote
	}
	if res.WriterNote != "" {
		note += " " + res.WriterNote
	}
	if res.StoryNote != "" {
		note += " " + res.StoryNote
	}
	return message(&discordgo.InteractionResponseData{
		Content: note,
		Flags:   discordgo.MessageFlagsEphemeral,
		Embeds:  []*discordgo.MessageEmbed{BriefEmbed(res.Brief)},
	}), nil
}

// articleModal is the form for pasting an article.
func articleModal(slug, title string) *discordgo.InteractionResponse {
	return &discordgo.InteractionResponse{
		Type: discordgo.InteractionResponseModal,
		Data: &discordgo.InteractionResponseData{
			CustomID: articleModalID,
			Title:    "Add an article",
			Components: []discordgo.MessageComponent{
				discordgo.ActionsRow{Components: []discordgo.MessageComponent{discordgo.TextInput{
					CustomID: "text", Label: "Article text", Style: discordgo.TextInputParagraph,
					Required: true, MinLength: 1, MaxLength: 4000, Placeholder: "Paste the headline and the article here",
				}}},
				discordgo.ActionsRow{Components: []discordgo.MessageComponent{discordgo.TextInput{
					CustomID: "title", Label: "Headline (optional)", Style: discordgo.TextInputShort, MaxLength: 256, Value: title,
				}}},
				discordgo.ActionsRow{Components: []discordgo.MessageComponent{discordgo.TextInput{
					CustomID: "slug", Label: "Slug (optional), e.g. putin-kim", Style: discordgo.TextInputShort, MaxLength: 64, Value: slug,
				}}},
			},
		},
	}
}

// handleArticleRefresh answers /article refresh slug: the page is fetched
// again and the brief rebuilt under the same slug.
func (r *Router) handleArticleRefresh(ctx context.Context, in *Interaction) (*discordgo.InteractionResponse, error) {
	b, err := r.briefs.Refresh(ctx, in.GuildID, in.UserID(), in.String("slug"))
	if err != nil {
		return nil, err
	}
	return message(&discordgo.InteractionResponseData{
		Content: fmt.Sprintf("Refreshed `%s` from its link.", b.Slug),
		Flags:   discordgo.MessageFlagsEphemeral,
		Embeds:  []*discordgo.MessageEmbed{BriefEmbed(b)},
	}), nil
}

// handleArticleSeparate answers /article separate slug.
func (r *Router) handleArticleSeparate(ctx context.Context, in *Interaction) (*discordgo.InteractionResponse, error) {
	a, err := r.briefs.Separate(ctx, in.GuildID, in.String("slug"))
	if err != nil {
		return nil, err
	}
	return ephemeral(fmt.Sprintf("`%s` (%s) is a story of its own now, with its own brief; the next digests post it.", a.Slug, a.Title)), nil
}

// handleArticleRemove answers /article remove slug.
func (r *Router) handleArticleRemove(ctx context.Context, in *Interaction) (*discordgo.InteractionResponse, error) {
	a, err := r.briefs.Remove(ctx, in.GuildID, in.String("slug"))
	if err != nil {
		return nil, err
	}
	return ephemeral(fmt.Sprintf("Removed `%s` (%s).", a.Slug, a.Title)), nil
}
