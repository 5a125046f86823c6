package briefs

import "time"

// Document is the input of a Summarizer: the raw text as a user pasted or a
// fetcher extracted it, and the title when one is already known.
type Document struct {
	Title string
	Text  string
	// Lang is the article's language when it is already known (ISO 639-1,
	// as a Summary gave it before), "" to detect it.
	Lang string
}

// Summary is what a Summarizer makes of a Document. It holds only what can be
// derived from the text; the Service adds ids, source and slug to make a Brief.
type Summary struct {
	Title       string    // the headline found in the text, or Document.Title, or the best short sentence
	Gist        string    // one sentence for a one-line reader
	Bullets     []string  // 3-5 key points in article order (fewer only when the article has fewer sentences)
	Entities    []string  // capitalised names, most mentioned first
	Byline      string    // "By ..." line when the text had one
	PublishedAt time.Time // a dateline such as "Posted Jun 19, 2024 9:13 AM CDT" when the text had one
	Words       int       // words of cleaned body text, for reading time
	Lang        string    // ISO 639-1 code of the article's language ("en", "de", "zh"), "" when unknown
	Slug        string    // one to three words people would type for the story ("putin-kim")
	SlugTopic   string    // a topic word to add when Slug is taken in the guild ("pact")
}

// Summarizer turns a Document into a Summary. Implementations must be
// deterministic: the same Document gives the same Summary.
type Summarizer interface {
	// Version names the summarizer and its version, e.g. "extractive/1".
	// Cached briefs made by another version are rebuilt.
	Version() string
	// Summarize returns EINVALID when the text has nothing to summarize
	// (empty, only boilerplate, no sentences).
	Summarize(doc Document) (Summary, error)
}
