package briefs

import (
	"context"
	"fmt"
	"time"
	"unicode/utf8"
)

// StoryMatcher is the story check: it reduces an article to a signature
// and tells which recent article, if any, reports the same event.
// Implemented by package stories.
type StoryMatcher interface {
	// Sign returns the signature of the article (entities: the names its
	// brief found).
	Sign(a Article, entities []string) []byte
	// Match returns the candidate reporting the same event as the article
	// signed sig, the most similar one, or ok == false.
	Match(sig []byte, candidates []StoryCandidate) (c StoryCandidate, ok bool)
	// Window is how long an article can still be matched: two articles
	// further apart are never one story.
	Window() time.Duration
}

// DefaultStoryCandidates is how many of a guild's newest articles a new
// one is compared with: it bounds the story check's cost however big the
// guild, and covers a busy guild's last few days of news.
const DefaultStoryCandidates = 300

// newStoryLink is what a new article keeps so that later ones can join
// its story: its signature and source entry. Nil when the service has no
// story check.
func (s *Service) newStoryLink(a Article, b Brief) *StoryLink {
	if s.Stories == nil {
		return nil
	}
	link := &StoryLink{Signature: s.Stories.Sign(a, b.Entities), Source: SourceOf(a)}
	// Kept while a later article could match it: until the window has
	// passed since the article came out (an old story added now is never
	// matched by today's news).
	link.SignatureTTL = min(s.Stories.Window()-s.now().Sub(link.Source.At), s.Stories.Window())
	return link
}

// checkStory runs the story check for the article of link (nil: none):
// which story it joins among the guild's newest articles. It is run again
// when the add finds the check stale (ErrStoryMoved).
func (s *Service) checkStory(ctx context.Context, guildID string, link *StoryLink) error {
	if link == nil {
		return nil
	}
	link.Join, link.LeadSource = "", Source{}
	n := s.StoryCandidates
	if n == 0 {
		n = DefaultStoryCandidates
	}
	pool, err := s.Store.StoryCandidates(ctx, guildID, n)
	if err != nil {
		return fmt.Errorf("story check: %w", err)
	}
	link.Seen = pool.Seen
	c, ok := s.Stories.Match(link.Signature, pool.Candidates)
	if !ok || c.LeadSlug == "" { // no match, or its lead is gone: a story of its own
		return nil
	}
	lead, err := s.Store.ArticleBySlug(ctx, guildID, c.LeadSlug)
	if ErrorCode(err) == ENOTFOUND {
		return nil
	} else if err != nil {
		return fmt.Errorf("story check: %w", err)
	}
	link.Join, link.LeadSource = lead.ID, SourceOf(lead)
	return nil
}

// Separate takes an article that the story check merged into another's
// story by mistake out of it: it becomes a story of its own, posted by the
// next digests, and the rest of the story stays together. Errors: EINVALID
// (bad slug, or the article is in no story), ENOTFOUND.
func (s *Service) Separate(ctx context.Context, guildID, slug string) (Article, error) {
	norm, err := NormalizeSlug(slug)
	if err != nil {
		return Article{}, err
	}
	return s.Store.SeparateArticle(ctx, guildID, norm)
}

// SourceOf is the article's entry in a story.
func SourceOf(a Article) Source {
	return Source{ArticleID: a.ID, Slug: a.Slug, Site: a.Site, URL: a.SourceURL,
		At: firstTime(a.PublishedAt, a.AddedAt), Length: utf8.RuneCountInString(a.Text)}
}

// lookupSlug answers with the brief of the article with that slug or,
// when it belongs to a story, with the brief of the story's best source and
// the story. The story is read first, so that a source's own brief is not
// built only to be set aside. Errors: ENOTFOUND.
func (s *Service) lookupSlug(ctx context.Context, guildID, slug string) (Lookup, error) {
	st, ok, err := s.Store.StoryOfSlug(ctx, guildID, slug)
	if err != nil {
		return Lookup{}, fmt.Errorf("find story: %w", err)
	}
	if !ok {
		b, err := s.briefFor(ctx, guildID, slug)
		if err != nil {
			return Lookup{}, err
		}
		return Lookup{Brief: &b}, nil
	}
	for _, src := range st.Sources {
		if src.ArticleID == st.Best && src.Slug != slug {
			if b, err := s.briefFor(ctx, guildID, src.Slug); err == nil {
				return Lookup{Brief: &b, Story: &st}, nil
			}
			break // gone meanwhile: the asked brief stands
		}
	}
	b, err := s.briefFor(ctx, guildID, slug)
	if err != nil {
		return Lookup{}, err
	}
	return Lookup{Brief: &b, Story: &st}, nil
}

// storyOf is the story a stored article belongs to (its own id when it
// stands alone, or when the store cannot say) and, for an article just
// added to another's story, a note that tells the admin which.
func (s *Service) storyOf(ctx context.Context, a Article, created bool) (id, note string) {
	st, ok, err := s.Store.StoryOf(ctx, a.GuildID, a.ID)
	if err != nil || !ok || len(st.Sources) == 0 {
		return a.ID, ""
	}
	if created && st.Sources[0].ArticleID != a.ID {
		note = fmt.Sprintf("It reports the same event as `%s` (%d sources): digests and /brief show them as one story.",
			st.Sources[0].Slug, len(st.Sources))
	}
	return st.ID, note
}
