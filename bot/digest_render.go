package bot

import (
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"briefbot/briefs"

	"github.com/bwmarrin/discordgo"
)

// compactAbove is how many briefs still get an embed each; more share one
// compact embed.
const compactAbove = 5

// DigestMessage renders a digest: one embed per brief (title linked to the
// source, the gist) or, for more than five, one compact embed listing them;
// briefs that do not fit in Discord's limits are counted in the footer with
// those beyond the digest's size. at is the slot (zero for /digest now),
// shown in loc. The message never pings anyone.
func DigestMessage(d briefs.Digest, at time.Time, loc *time.Location) *discordgo.MessageSend {
	if loc == nil {
		loc = time.UTC
	}
	data := &discordgo.InteractionResponseData{}
	when := ""
	if !at.IsZero() {
		when = at.In(loc).Format(digestTimeFormat)
	}
	switch {
	case len(d.Items) == 0:
		data.Content = "📭 Nothing new since the last digest."
		if when != "" {
			data.Content = "📭 Nothing new since the last digest (" + when + ")."
		}
	case len(d.Items) <= compactAbove:
		data.Content = digestHeadline(d.Total)
		for _, it := range d.Items {
			e := &discordgo.MessageEmbed{Title: itemTitle(it), Description: itemGist(it)}
			if u := itemURL(it); u != "" {
				e.URL = u
			}
			data.Embeds = append(data.Embeds, e)
		}
		last := data.Embeds[len(data.Embeds)-1]
		last.Footer = &discordgo.MessageEmbedFooter{Text: digestFooter(d.Total-len(d.Items), when)}
	default:
		data.Content = digestHeadline(d.Total)
		e := &discordgo.MessageEmbed{Title: fmt.Sprintf("%d new %s", d.Total, plural(d.Total, "brief", "briefs"))}
		// Whole entries while they fit; the rest are counted.
		budget := maxEmbedTotal - utf8.RuneCountInString(e.Title) - utf8.RuneCountInString(digestFooter(d.Total, when)) - 16
		budget = min(budget, maxEmbedDesc)
		var desc strings.Builder
		shown := 0
		for _, it := range d.Items {
			entry := compactEntry(it)
			n := utf8.RuneCountInString(entry)
			if desc.Len() > 0 {
				n++
			}
			if utf8.RuneCountInString(desc.String())+n > budget {
				break
			}
			if desc.Len() > 0 {
				desc.WriteString("\n")
			}
			desc.WriteString(entry)
			shown++
		}
		e.Description = desc.String()
		e.Footer = &discordgo.MessageEmbedFooter{Text: digestFooter(d.Total-shown, when)}
		data.Embeds = []*discordgo.MessageEmbed{e}
	}
	fitMessage(data)
	embeds := data.Embeds
	if embeds == nil {
		embeds = []*discordgo.MessageEmbed{}
	}
	return &discordgo.MessageSend{
		Content:         data.Content,
		Embeds:          embeds,
		Components:      []discordgo.MessageComponent{},
		AllowedMentions: noMentionsAllowed(),
	}
}

func digestHeadline(total int) string {
	return fmt.Sprintf("📰 **Digest** — %d new %s", total, plural(total, "brief", "briefs"))
}

// digestFooter counts what the message does not show and dates the digest.
func digestFooter(rest int, when string) string {
	var parts []string
	if rest > 0 {
		parts = append(parts, fmt.Sprintf("+%d more new %s · /briefs lists them", rest, plural(rest, "brief", "briefs")))
	}
	if when != "" {
		parts = append(parts, "Digest of "+when)
	} else {
		parts = append(parts, "Digest")
	}
	return strings.Join(parts, " · ")
}

func itemTitle(it briefs.DigestItem) string {
	if it.Brief != nil && it.Brief.Title != "" {
		return it.Brief.Title
	}
	return it.Listing.Title
}

func itemURL(it briefs.DigestItem) string {
	if it.Brief != nil && isWebURL(it.Brief.SourceURL) && len(it.Brief.SourceURL) <= maxURLLength {
		return it.Brief.SourceURL
	}
	return ""
}

// itemGist is the gist with the command that shows the whole brief and,
// for a story, its other outlets.
func itemGist(it briefs.DigestItem) string {
	more := fmt.Sprintf("`/brief %s`", it.Listing.Slug)
	if also := itemAlso(it, maxAlsoLine); also != "" {
		more = also + "\n" + more
	}
	if it.Brief == nil || it.Brief.Gist == "" || SameSentence(itemTitle(it), it.Brief.Gist) {
		return more // a gist that only repeats the title is not printed twice
	}
	return it.Brief.Gist + "\n" + more
}

// maxAlsoLine bounds the "also reported by" line of a digest entry.
const maxAlsoLine = 300

// itemAlso is the "also reported by" line of a story's entry; "" for an
// article that stands alone.
func itemAlso(it briefs.DigestItem, limit int) string {
	if it.Story == nil {
		return ""
	}
	return alsoReportedBy(it.Story.Others(it.Listing.ArticleID), limit)
}

// compactEntry is one brief in the compact embed: the title in bold, linked
// when there is a source, then the gist.
func compactEntry(it briefs.DigestItem) string {
	title := "**" + escapeMarkdown(itemTitle(it)) + "**"
	if u := itemURL(it); u != "" {
		title = "**[" + escapeMarkdown(itemTitle(it)) + "](" + linkTarget(u) + ")**"
	}
	gist := fmt.Sprintf("`/brief %s`", it.Listing.Slug)
	if it.Brief != nil && it.Brief.Gist != "" && !SameSentence(itemTitle(it), it.Brief.Gist) {
		gist = it.Brief.Gist + " " + gist
	}
	if also := itemAlso(it, maxCompactAlso); also != "" {
		gist += "\n" + also
	}
	return title + "\n" + gist
}

// maxCompactAlso bounds "also reported by" in the compact digest, where
// ten entries share one embed.
const maxCompactAlso = 160

// escapeMarkdown keeps a title from opening links or formatting.
func escapeMarkdown(s string) string {
	return strings.NewReplacer(`\`, `\\`, "[", `\[`, "]", `\]`, "*", `\*`, "_", `\_`, "`", "\\`", "~", `\~`, "|", `\|`).Replace(s)
}

// linkTarget makes a URL safe inside a markdown link.
func linkTarget(u string) string {
	return strings.NewReplacer("(", "%28", ")", "%29", " ", "%20").Replace(u)
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}
