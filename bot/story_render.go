package bot

import (
	"fmt"
	"strings"
	"unicode/utf8"

	"briefbot/briefs"

	"github.com/bwmarrin/discordgo"
)

// alsoReportedName heads the embed field that lists a story's other
// sources.
const alsoReportedName = "Also reported by"

// StoryEmbed renders the brief of a story: BriefEmbed, and the story's
// other sources when several outlets reported it.
func StoryEmbed(b briefs.Brief, st *briefs.Story) *discordgo.MessageEmbed {
	e := BriefEmbed(b)
	if v := sourceLines(st.Others(b.ArticleID), maxFieldValue); v != "" {
		e.Fields = append(e.Fields, &discordgo.MessageEmbedField{Name: alsoReportedName, Value: v})
	}
	return e
}

// sourceLines lists sources one a line, "• [outlet](link) · <time>", the
// time in Discord's own markup so each reader sees it in their zone; as
// many as fit in limit characters, then how many more.
func sourceLines(srcs []briefs.Source, limit int) string {
	var b strings.Builder
	for i, s := range srcs {
		line := "• " + sourceLink(s)
		if !s.At.IsZero() {
			line += fmt.Sprintf(" · <t:%d:R>", s.At.Unix())
		}
		more := ""
		if rest := len(srcs) - i - 1; rest > 0 {
			more = fmt.Sprintf("\n… and %d more", rest)
		}
		if utf8.RuneCountInString(b.String())+1+utf8.RuneCountInString(line)+utf8.RuneCountInString(more) > limit {
			if b.Len() > 0 {
				fmt.Fprintf(&b, "\n… and %d more", len(srcs)-i)
			}
			break
		}
		if b.Len() > 0 {
			b.WriteString("\n")
		}
		b.WriteString(line)
	}
	return b.String()
}

// alsoReportedBy is the one-line form for digests: "Also reported by
// outlet, outlet and 2 more", outlets linked while the links fit in limit
// characters, then named, then counted.
func alsoReportedBy(srcs []briefs.Source, limit int) string {
	if len(srcs) == 0 {
		return ""
	}
	const head = "Also reported by "
	var names []string
	n := utf8.RuneCountInString(head)
	for i, s := range srcs {
		tail := ""
		if rest := len(srcs) - i - 1; rest > 0 {
			tail = fmt.Sprintf(" and %d more", rest)
		}
		fits := func(name string) bool {
			return n+utf8.RuneCountInString(name)+2+utf8.RuneCountInString(tail) <= limit
		}
		name := sourceLink(s)
		if !fits(name) {
			name = outletName(s)
		}
		if !fits(name) {
			if len(names) == 0 {
				return fmt.Sprintf("Also reported by %d other %s", len(srcs), plural(len(srcs), "outlet", "outlets"))
			}
			return head + strings.Join(names, ", ") + fmt.Sprintf(" and %d more", len(srcs)-i)
		}
		names = append(names, name)
		n += utf8.RuneCountInString(name) + 2
	}
	return head + strings.Join(names, ", ")
}

// sourceLink names a source by its outlet, linked when it has a web link.
func sourceLink(s briefs.Source) string {
	name := outletName(s)
	if isWebURL(s.URL) && len(s.URL) <= maxURLLength {
		return "[" + name + "](" + linkTarget(s.URL) + ")"
	}
	return name
}

// outletName is the source's outlet as markdown text, at most 60 characters.
func outletName(s briefs.Source) string {
	return escapeMarkdown(briefs.Truncate(strings.Join(strings.Fields(s.Outlet()), " "), 60))
}
