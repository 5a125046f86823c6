package briefs

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"sort"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// Service is the newsroom desk: it turns added articles into briefs, keeps
// them in Storage and finds them again. Every adapter (command line, console,
// Discord) goes through it, so they all behave alike.
type Service struct {
	Store      Storage
	Summarizer Summarizer
	// BriefTTL is how long a brief stays cached once built at its first
	// read (BRIEF_CACHE_TTL).
	BriefTTL time.Duration
	// MaxArticleBytes bounds the text of one article (MAX_ARTICLE_BYTES).
	MaxArticleBytes int
	// MaxArticlesPerGuild bounds the articles one guild keeps
	// (MAX_ARTICLES_PER_GUILD): it keeps the newest, and adding more drops
	// the oldest first (AddRequest.MaxArticles). 0 means no limit.
	MaxArticlesPerGuild int
	// Now is the clock; nil means time.Now.
	Now func() time.Time
	// Fetch gets articles from links (AddURL); nil: links are not supported.
	Fetch PageFetcher
	// FetchLimit bounds the links one member may fetch.
	FetchLimit FetchLimit
	// ExtractPage reads the article out of HTML handed over as text (a
	// saved page, pasted markup), as Fetch does for a link; nil: HTML is
	// summarized as text.
	ExtractPage PageExtractor
	// MaxPageBytes bounds such HTML (FETCH_MAX_BYTES); the extracted text
	// is then bound by MaxArticleBytes. 0: no bound.
	MaxPageBytes int
	// Stories, when set, is the story check: an article reporting an event
	// that a recent article of the guild reported already joins its story.
	Stories StoryMatcher
	// StoryCandidates is how many of the guild's newest articles the check
	// compares a new one with; 0 is DefaultStoryCandidates.
	StoryCandidates int
	// Refiner, when set, replaces each extractive brief with a language
	// model's once that passes the grounding check (SUMMARIZER=llm).
	Refiner *Refiner
}

// BriefVersion is the version briefs are cached under: the summarizer's,
// and the language model's when briefs are refined, so that changing
// either builds briefs afresh.
func (s *Service) BriefVersion() string {
	if s.Refiner != nil {
		return s.Summarizer.Version() + "+" + s.Refiner.Writer.Version()
	}
	return s.Summarizer.Version()
}

// refineLater queues b for the language model when briefs are refined and
// b is still the plain extractive brief.
func (s *Service) refineLater(b Brief) {
	if s.Refiner != nil && b.Summarizer == s.Summarizer.Version() {
		s.Refiner.Later(b)
	}
}

// AddInput is an article as an admin hands it over.
type AddInput struct {
	GuildID     string
	UserID      string
	Text        string
	Title       string // optional: overrides the detected headline
	Slug        string // optional: normalised, and must then be free
	SourceURL   string // optional
	Site        string
	Byline      string
	PublishedAt time.Time
	ImageURL    string // optional: the lead image, kept only when an absolute http(s) URL
}

// AddResult says what Add did.
type AddResult struct {
	Brief   Brief
	Created bool // false: the same text or URL was there already and Brief is the existing one
	// SlugNote explains a slug that differs from the one asked for (normalised),
	// empty otherwise.
	SlugNote string
	// WriterNote says why no language model will rewrite the brief (the
	// server's calls for today are spent), empty otherwise.
	WriterNote string
	// StoryNote says that the article joined a story other outlets
	// reported (and is shown with them), empty otherwise.
	StoryNote string
	// StoryID is the story the article belongs to (its lead's id; the
	// article's own when it stands alone), for posting a story once.
	StoryID string
}

// Lookup is the answer to a query: a brief, or several candidates when the
// query matched more than one article.
type Lookup struct {
	Brief *Brief
	// Story is the story the brief stands for, when several outlets
	// reported it: Story.Others(Brief.ArticleID) are "also reported by".
	Story      *Story
	Candidates []Listing
}

// MaxCandidates bounds lists of candidates and search results (Discord's
// autocomplete takes 25 choices).
const MaxCandidates = 25

func (s *Service) now() time.Time {
	if s.Now != nil {
		return s.Now()
	}
	return time.Now()
}

// maxStoryTries bounds the story checks of one add: each is run again
// when another article came into the guild meanwhile (ErrStoryMoved).
const maxStoryTries = 4

// Add summarizes the article and stores it with its brief. Text that is an
// HTML document goes through ExtractPage first, like a fetched page. Errors:
// EINVALID (empty, binary, nothing to summarize, too little article text in
// a page, bad slug), ETOOLARGE (the text), ECONFLICT (slug taken),
// EUNAVAILABLE (store down). In a guild that holds MaxArticlesPerGuild
// articles already, a new one drops the oldest to make room.
func (s *Service) Add(ctx context.Context, in AddInput) (AddResult, error) {
	in, err := s.checkInput(in)
	if err != nil {
		return AddResult{}, err
	}
	slug, slugNote, err := askedSlug(in.Slug)
	if err != nil {
		return AddResult{}, err
	}
	exact := slug != ""

	sum, err := s.Summarizer.Summarize(Document{Title: in.Title, Text: in.Text})
	if err != nil {
		return AddResult{}, fmt.Errorf("add article: %w", err)
	}
	topic := ""
	if !exact {
		slug, topic = firstNonEmpty(sum.Slug, "article"), sum.SlugTopic
	}
	a := s.newArticle(in, sum, slug)
	b := s.briefOf(a, sum)
	story := s.newStoryLink(a, b)
	terms := IndexTerms(a.Slug, a.Title, b.Entities)
	var stored Article
	var created bool
	for try := 1; ; try++ {
		if err = s.checkStory(ctx, a.GuildID, story); err != nil {
			return AddResult{}, fmt.Errorf("add article: %w", err)
		}
		if story != nil && try == maxStoryTries {
			story.Seen = "" // a guild this busy gets the last check as it stands
		}
		stored, created, err = s.Store.AddArticle(ctx, AddRequest{
			Article:     a,
			Brief:       b,
			ExactSlug:   exact,
			SlugTopic:   topic,
			Terms:       terms,
			BriefTTL:    s.BriefTTL,
			DeferBrief:  true, // most articles are only ever read in a digest
			MaxArticles: s.MaxArticlesPerGuild,
			Story:       story,
		})
		if !errors.Is(err, ErrStoryMoved) {
			break
		}
	}
	if err != nil {
		return AddResult{}, fmt.Errorf("add article: %w", err)
	}
	res, err := s.addResult(ctx, a, b, stored, created, slugNote)
	switch {
	case err != nil || s.Stories == nil:
	case created && story.Join == "":
		res.StoryID = stored.ID // a story of its own: nothing to read back
	default:
		res.StoryID, res.StoryNote = s.storyOf(ctx, stored, created)
	}
	if err == nil {
		s.refineLater(res.Brief)
		if created && s.Refiner != nil {
			res.WriterNote = s.Refiner.BudgetNote(ctx, a.GuildID)
		}
	}
	return res, err
}

// checkInput extracts the article of an HTML document, refuses text no
// summarizer should see and canonicalises the source URL, so that the same
// link is found again whatever its tracking parameters.
func (s *Service) checkInput(in AddInput) (AddInput, error) {
	if s.ExtractPage != nil && LooksLikeHTML(in.Text) {
		var err error
		if in, err = s.fromPage(in); err != nil {
			return AddInput{}, err
		}
	}
	if err := s.checkText(in.Text); err != nil {
		return AddInput{}, err
	}
	if in.SourceURL != "" {
		canon, err := CanonicalURL(in.SourceURL)
		if err != nil {
			return AddInput{}, err
		}
		in.SourceURL = canon
	}
	return in, nil
}

// askedSlug normalises the slug an admin asked for ("" when none), with a
// note for the admin when normalising changed it.
func askedSlug(asked string) (slug, note string, err error) {
	if strings.TrimSpace(asked) == "" {
		return "", "", nil
	}
	norm, err := NormalizeSlug(asked)
	if err != nil {
		return "", "", err
	}
	if norm != asked {
		note = fmt.Sprintf("Slug %q was normalised to %q.", asked, norm)
	}
	return norm, note, nil
}

// newArticle is the article to store: what the admin handed over first,
// what the summarizer found in the text otherwise.
func (s *Service) newArticle(in AddInput, sum Summary, slug string) Article {
	hash := ContentHash(in.Text)
	a := Article{
		ID:          hash[:16],
		GuildID:     in.GuildID,
		Slug:        slug,
		Title:       Truncate(firstNonEmpty(strings.TrimSpace(in.Title), sum.Title), MaxTitleLen),
		Text:        in.Text,
		SourceURL:   in.SourceURL,
		Site:        in.Site,
		Byline:      firstNonEmpty(in.Byline, sum.Byline),
		PublishedAt: in.PublishedAt,
		ImageURL:    ImageURL(in.ImageURL),
		Lang:        sum.Lang,
		ContentHash: hash,
		AddedBy:     in.UserID,
		AddedAt:     s.now().UTC(),
	}
	if a.PublishedAt.IsZero() {
		a.PublishedAt = sum.PublishedAt
	}
	return a
}

// addResult says what Add did. The stored article may differ from ours: a
// unique slug suffix, or an earlier article with the same text or URL. Its
// brief is the one to show, and a note on the slug asked for only matters
// when the article is new.
func (s *Service) addResult(ctx context.Context, a Article, b Brief, stored Article, created bool, slugNote string) (AddResult, error) {
	res := AddResult{Created: created}
	if created {
		res.SlugNote = slugNote
	}
	if created {
		// The store may have given it another slug (a topic word, -2);
		// the brief is the one just made, not one to read back.
		b.Slug = stored.Slug
		res.Brief = b
		return res, nil
	}
	var err error
	res.Brief, err = s.briefFor(ctx, stored.GuildID, stored.Slug)
	if err != nil {
		return AddResult{}, fmt.Errorf("add article: %w", err)
	}
	return res, nil
}

// checkText refuses text no summarizer should see.
func (s *Service) checkText(text string) error {
	if s.MaxArticleBytes > 0 && len(text) > s.MaxArticleBytes {
		return Errorf(ETOOLARGE, "The article is %s; the limit is %s (%s).", FormatBytes(int64(len(text))), FormatBytes(int64(s.MaxArticleBytes)), SettingMaxArticleBytes)
	}
	if strings.TrimSpace(text) == "" {
		return Errorf(EINVALID, "The article text is empty.")
	}
	if !utf8.ValidString(text) || strings.ContainsRune(text, 0) {
		return Errorf(EINVALID, "The article is not text (binary data or invalid UTF-8). Paste the article text instead.")
	}
	return nil
}

// Brief answers a query: an exact slug first, else every term of the query
// against slug, title and entities. Errors: EINVALID (empty query), ENOTFOUND.
func (s *Service) Brief(ctx context.Context, guildID, query string) (Lookup, error) {
	terms := Terms(query)
	if len(terms) == 0 {
		return Lookup{}, Errorf(EINVALID, "Tell me what to look for: a slug such as putin-kim, or a few words of the headline.")
	}
	if slug, err := NormalizeSlug(query); err == nil {
		lk, err := s.lookupSlug(ctx, guildID, slug)
		if err == nil {
			return lk, nil
		} else if ErrorCode(err) != ENOTFOUND {
			return Lookup{}, err
		}
	}
	found, err := s.Store.FindByTerms(ctx, guildID, terms, MaxCandidates)
	if err != nil {
		return Lookup{}, fmt.Errorf("find brief: %w", err)
	}
	switch len(found) {
	case 0:
		return Lookup{}, Errorf(ENOTFOUND, "No brief matches %q. List what there is with /briefs.", strings.TrimSpace(query))
	case 1:
		return s.lookupSlug(ctx, guildID, found[0].Slug)
	}
	rankCandidates(found, terms)
	return Lookup{Candidates: found}, nil
}

// rankCandidates orders matches so that the likeliest comes first: all terms
// in the slug beats all terms in the title beats entity-only matches; ties
// keep the store's newest-first order.
func rankCandidates(ls []Listing, terms []string) {
	rank := func(l Listing) int {
		switch {
		case containsAll(Terms(l.Slug), terms):
			return 0
		case containsAll(Terms(l.Title), terms):
			return 1
		}
		return 2
	}
	sort.SliceStable(ls, func(i, j int) bool { return rank(ls[i]) < rank(ls[j]) })
}

func containsAll(have, want []string) bool {
	for _, w := range want {
		found := false
		for _, h := range have {
			if h == w {
				found = true
				break
			}
		}
		if !found {
			return false
		}
	}
	return true
}

// briefFor returns the brief of the article with that slug: from the cache
// when the current summarizer built it (one round trip), else rebuilt from the
// article and cached again. Errors: ENOTFOUND.
func (s *Service) briefFor(ctx context.Context, guildID, slug string) (Brief, error) {
	b, ok, err := s.Store.CachedBrief(ctx, guildID, slug, s.BriefVersion())
	if err != nil {
		return Brief{}, fmt.Errorf("cached brief: %w", err)
	} else if ok {
		s.refineLater(b)
		return b, nil
	}
	a, err := s.Store.ArticleBySlug(ctx, guildID, slug)
	if err != nil {
		return Brief{}, err
	}
	sum, err := s.Summarizer.Summarize(Document{Title: a.Title, Text: a.Text, Lang: a.Lang})
	if err != nil {
		return Brief{}, fmt.Errorf("rebuild brief of %s: %w", a.Slug, err)
	}
	b = s.briefOf(a, sum)
	if err := s.Store.CacheBrief(ctx, b, s.BriefTTL); err != nil {
		return Brief{}, fmt.Errorf("cache brief: %w", err)
	}
	s.refineLater(b)
	return b, nil
}

// briefOf puts an article and its summary together.
func (s *Service) briefOf(a Article, sum Summary) Brief {
	return Brief{
		ArticleID:      a.ID,
		GuildID:        a.GuildID,
		Slug:           a.Slug,
		Title:          Truncate(firstNonEmpty(a.Title, sum.Title), MaxTitleLen),
		Gist:           sum.Gist,
		Bullets:        sum.Bullets,
		SourceURL:      a.SourceURL,
		Site:           a.Site,
		Byline:         firstNonEmpty(a.Byline, sum.Byline),
		PublishedAt:    firstTime(a.PublishedAt, sum.PublishedAt),
		ImageURL:       a.ImageURL,
		ReadingMinutes: ReadingMinutes(sum.Words),
		Entities:       sum.Entities,
		Lang:           firstNonEmpty(sum.Lang, a.Lang),
		Summarizer:     s.Summarizer.Version(),
		Version:        s.refinedVersion(),
		CreatedAt:      s.now().UTC(),
	}
}

// refinedVersion is the Version of a brief: "" (the summarizer's) unless
// briefs are refined.
func (s *Service) refinedVersion() string {
	if s.Refiner == nil {
		return ""
	}
	return s.BriefVersion()
}

// Search lists articles: the newest when query is empty, else those matching
// every term. total counts all articles of the guild for an empty query and
// the matches otherwise.
func (s *Service) Search(ctx context.Context, guildID, query string, offset, limit int) (ls []Listing, total int, err error) {
	terms := Terms(query)
	if len(terms) == 0 {
		ls, total, err = s.Store.Recent(ctx, guildID, offset, limit)
		if err != nil {
			return nil, 0, fmt.Errorf("recent briefs: %w", err)
		}
		return ls, total, nil
	}
	found, err := s.Store.FindByTerms(ctx, guildID, terms, MaxCandidates)
	if err != nil {
		return nil, 0, fmt.Errorf("search briefs: %w", err)
	}
	rankCandidates(found, terms)
	total = len(found)
	if offset >= len(found) {
		return nil, total, nil
	}
	found = found[offset:]
	if limit > 0 && len(found) > limit {
		found = found[:limit]
	}
	return found, total, nil
}

// Suggest completes what a user is typing: slugs starting with the input
// first, then articles matching its words, the last one as a prefix while it
// is still being typed ("put" finds Putin), at most MaxCandidates, in one
// store round trip.
func (s *Service) Suggest(ctx context.Context, guildID, partial string) ([]Listing, error) {
	out, err := s.Store.Suggest(ctx, guildID, ParseSuggestQuery(partial), MaxCandidates)
	if err != nil {
		return nil, fmt.Errorf("suggest: %w", err)
	}
	return out, nil
}

// ParseSuggestQuery splits what a member is typing into the words already
// complete and the one still being typed ("putin ki" -> terms "putin",
// prefix "ki"); input that ends in a space or a hyphen has no word in
// progress.
func ParseSuggestQuery(partial string) SuggestQuery {
	terms := Terms(partial)
	q := SuggestQuery{SlugPrefix: strings.Join(terms, "-")}
	trimmed := strings.TrimRightFunc(partial, unicode.IsSpace)
	if len(terms) > 0 && trimmed == partial && !strings.HasSuffix(partial, "-") {
		q.Terms, q.TermPrefix = terms[:len(terms)-1], terms[len(terms)-1]
	} else {
		q.Terms = terms
	}
	return q
}

// Remove deletes the article with that slug and its brief. Errors: ENOTFOUND.
func (s *Service) Remove(ctx context.Context, guildID, slug string) (Article, error) {
	norm, err := NormalizeSlug(slug)
	if err != nil {
		return Article{}, err
	}
	a, err := s.Store.RemoveArticle(ctx, guildID, norm)
	if err != nil {
		return Article{}, fmt.Errorf("remove article: %w", err)
	}
	return a, nil
}

// ContentHash is the dedup key of pasted text: sha256 of the text with
// whitespace runs folded, so re-pasting the same article with other line
// breaks still finds the first copy.
func ContentHash(text string) string {
	sum := sha256.Sum256([]byte(strings.Join(strings.Fields(text), " ")))
	return hex.EncodeToString(sum[:])
}

// ReadingMinutes estimates reading time at 230 words a minute, at least one.
func ReadingMinutes(words int) int {
	m := (words + 229) / 230
	if m < 1 {
		m = 1
	}
	return m
}

// FormatBytes prints a size the way people read it: "1 MiB", "512 KiB", "37 B".
func FormatBytes(n int64) string {
	switch {
	case n >= 1<<20 && n%(1<<20) == 0:
		return fmt.Sprintf("%d MiB", n>>20)
	case n >= 1<<20:
		return fmt.Sprintf("%.1f MiB", float64(n)/(1<<20))
	case n >= 1<<10 && n%(1<<10) == 0:
		return fmt.Sprintf("%d KiB", n>>10)
	case n >= 1<<10:
		return fmt.Sprintf("%.1f KiB", float64(n)/(1<<10))
	}
	return fmt.Sprintf("%d B", n)
}

func firstNonEmpty(ss ...string) string {
	for _, s := range ss {
		if s != "" {
			return s
		}
	}
	return ""
}

func firstTime(ts ...time.Time) time.Time {
	for _, t := range ts {
		if !t.IsZero() {
			return t
		}
	}
	return time.Time{}
}
