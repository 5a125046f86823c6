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
	Image        string // absolute http(s) URL of the lead image, "" when none
	Text         string // paragraphs and list items as lines
}

// PageFetcher fetches and extracts a web page. Errors: EINVALID (bad or
// private link, not an article), ETOOLARGE, EUNAVAILABLE (site did not answer).
type PageFetcher func(ctx context.Context, rawURL string) (WebPage, error)

// ErrFetchBusy is the message of a fetch refused because every fetch slot of
// the process stayed taken (LimitFetches).
const ErrFetchBusy = "Too many links are being fetched right now; try again in a minute."

// LimitFetches lets at most n fetches through f run at once in the process,
// so that many links added together (from one server or many) cannot take
// the memory of many pages at a time. A fetch that finds no free slot within
// wait is refused with ETOOLARGE (ErrFetchBusy); one whose ctx ends while it
// waits with EUNAVAILABLE. n <= 0 or a nil f returns f unchanged.
func LimitFetches(f PageFetcher, n int, wait time.Duration) PageFetcher {
	if f == nil || n <= 0 {
		return f
	}
	slots := make(chan struct{}, n)
	return func(ctx context.Context, rawURL string) (WebPage, error) {
		select {
		case slots <- struct{}{}:
		default:
			t := time.NewTimer(wait)
			defer t.Stop()
			select {
			case slots <- struct{}{}:
			case <-t.C:
				return WebPage{}, Errorf(ETOOLARGE, "%s", ErrFetchBusy)
			case <-ctx.Done():
				return WebPage{}, fmt.Errorf("wait for a fetch slot: %w: %w", Errorf(EUNAVAILABLE, "The fetch was cancelled."), ctx.Err())
			}
		}
		defer func() { <-slots }()
		return f(ctx, rawURL)
	}
}

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
	if err := s.allowFetch(ctx, in.GuildID, in.UserID); err != nil {
		return AddResult{}, fmt.Errorf("add url: %w", err)
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
		ImageURL:    page.Image,
	})
}

// allowFetch counts one fetch against the member's limit. Errors: ETOOLARGE
// when over it.
func (s *Service) allowFetch(ctx context.Context, guildID, userID string) error {
	l := s.FetchLimit
	if l.Limiter == nil || l.Max <= 0 {
		return nil
	}
	ok, wait, err := l.Limiter.Allow(ctx, guildID, userID, "fetch", l.Max, l.Window)
	if err != nil {
		return err
	}
	if !ok {
		return Errorf(ETOOLARGE, "You have fetched %d links in the last %s; try again in %s.", l.Max, l.Window, wait.Round(time.Second))
	}
	return nil
}

// Refresh fetches an article's page again and rebuilds its brief, keeping
// its slug, so a story that was updated after it was added reads as it does
// now. Errors: ENOTFOUND, EINVALID (pasted, not added by link), those of the
// fetcher, ETOOLARGE (fetch limit), ECONFLICT.
func (s *Service) Refresh(ctx context.Context, guildID, userID, slug string) (Brief, error) {
	if s.Fetch == nil {
		return Brief{}, Errorf(EINVALID, "Fetching links is not available here.")
	}
	norm, err := NormalizeSlug(slug)
	if err != nil {
		return Brief{}, err
	}
	old, err := s.Store.ArticleBySlug(ctx, guildID, norm)
	if err != nil {
		return Brief{}, fmt.Errorf("refresh: %w", err)
	}
	if old.SourceURL == "" {
		return Brief{}, Errorf(EINVALID, "%q was pasted as text, not added by link, so there is nothing to fetch again. Remove it and add the new text instead.", old.Slug)
	}
	if err := s.allowFetch(ctx, guildID, userID); err != nil {
		return Brief{}, fmt.Errorf("refresh: %w", err)
	}
	page, err := s.Fetch(ctx, old.SourceURL)
	if err != nil {
		return Brief{}, fmt.Errorf("refresh %s: %w", old.SourceURL, err)
	}
	if err := s.checkText(page.Text); err != nil {
		return Brief{}, err
	}
	sum, err := s.Summarizer.Summarize(Document{Title: page.Title, Text: page.Text})
	if err != nil {
		return Brief{}, fmt.Errorf("refresh: %w", err)
	}
	a := old
	a.Title = Truncate(firstNonEmpty(page.Title, sum.Title), MaxTitleLen)
	a.Text, a.ContentHash = page.Text, ContentHash(page.Text)
	a.Site, a.Byline = firstNonEmpty(page.Site, old.Site), firstNonEmpty(page.Byline, sum.Byline)
	a.PublishedAt = firstTime(page.PublishedAt, sum.PublishedAt, old.PublishedAt)
	a.ImageURL = firstNonEmpty(ImageURL(page.Image), old.ImageURL)
	a.Lang = sum.Lang
	b := s.briefOf(a, sum)
	if _, err := s.Store.ReplaceArticle(ctx, AddRequest{
		Article:  a,
		Brief:    b,
		Terms:    IndexTerms(a.Slug, a.Title, b.Entities),
		BriefTTL: s.BriefTTL,
	}); err != nil {
		return Brief{}, fmt.Errorf("refresh: %w", err)
	}
	return b, nil
}
