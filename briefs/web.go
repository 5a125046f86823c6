package briefs

import (
	"context"
	"fmt"
	"strings"
	"time"
)

// WebPage is an article as a fetcher extracted it from a web page.
type WebPage struct {
	URL          string // where the page was finally fetched from
	CanonicalURL string // the page's own canonical link, tracking parameters removed
	Title        string
	Byline       string
	Site         string
	PublishedAt  time.Time
	Text         string // paragraphs and list items as lines
}

// PageFetcher fetches and extracts a web page. Errors: EINVALID (bad or
// private link, not an article), ETOOLARGE, EUNAVAILABLE (site did not answer).
type PageFetcher func(ctx context.Context, rawURL string) (WebPage, error)

// RateLimiter counts uses of an action per user.
type RateLimiter interface {
	// Allow counts one use and reports whether it is within limit per window;
	// when not, retryAfter says when the window ends.
	Allow(ctx context.Context, guildID, userID, action string, limit int, window time.Duration) (ok bool, retryAfter time.Duration, err error)
}

// FetchLimit bounds how many links one member may make the bot fetch: enough
// for an admin's busy news hour, too few to turn the bot into a crawler.
type FetchLimit struct {
	Limiter RateLimiter
	Max     int           // fetches per Window; 0 = no limit
	Window  time.Duration // e.g. one hour
}

// AddURLInput is a link as an admin hands it over.
type AddURLInput struct {
	GuildID string
	UserID  string
	URL     string
	Slug    string // optional
	Title   string // optional: overrides the page's headline
}

// AddURL fetches the page, extracts the article and adds it like Add. The
// canonical URL is the dedup key, so a story added twice, even through
// another tracking link, returns the existing brief. Errors: those of Add,
// of the fetcher, and ETOOLARGE when the member fetched too much lately.
func (s *Service) AddURL(ctx context.Context, in AddURLInput) (AddResult, error) {
	if s.Fetch == nil {
		return AddResult{}, Errorf(EINVALID, "Adding by link is not available here; paste the article text instead.")
	}
	canon, err := CanonicalURL(strings.Trim(strings.TrimSpace(in.URL), "<>"))
	if err != nil {
		return AddResult{}, err
	}
	if l := s.FetchLimit; l.Limiter != nil && l.Max > 0 {
		ok, wait, err := l.Limiter.Allow(ctx, in.GuildID, in.UserID, "fetch", l.Max, l.Window)
		if err != nil {
			return AddResult{}, fmt.Errorf("add url: %w", err)
		}
		if !ok {
			return AddResult{}, Errorf(ETOOLARGE, "You have added %d links in the last %s; try again in %s.", l.Max, l.Window, wait.Round(time.Second))
		}
	}
	page, err := s.Fetch(ctx, canon)
	if err != nil {
		return AddResult{}, fmt.Errorf("add url %s: %w", canon, err)
	}
	source := page.CanonicalURL
	if source == "" {
		source = canon
	}
	return s.Add(ctx, AddInput{
		GuildID:     in.GuildID,
		UserID:      in.UserID,
		Text:        page.Text,
		Title:       firstNonEmpty(strings.TrimSpace(in.Title), page.Title),
		Slug:        in.Slug,
		SourceURL:   source,
		Site:        page.Site,
		Byline:      page.Byline,
		PublishedAt: page.PublishedAt,
	})
}
