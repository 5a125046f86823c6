// Package extractive is briefbot's summarizer: it builds a brief from
// sentences of the article itself, with no model and no network, so that
// briefs are deterministic and cheap enough to rebuild in bulk. Summarizer
// says how it chooses them and how well that scores.
package extractive

import (
	"strings"
	"unicode/utf8"

	"briefbot/briefs"
)

// Summarizer is the extractive summarizer that picks sentences of the article itself:
// no model, no network, deterministic, and fast enough to rebuild briefs in
// bulk (well under a millisecond per article on one core).
//
// News is written lead-first: the inverted pyramid puts who, what, when and
// where in the first sentences, which is why the Lead-3 baseline is so hard
// to beat on news. So the score of a sentence is mostly a position prior;
// centrality (LexRank over TF-IDF cosine similarity between sentences) only
// breaks near-ties, which on lead-heavy news is all it earns: measured on
// the CNN/DailyMail development articles, any weight that lets centrality
// overrule position loses ROUGE. What beats the plain lead is what the lead
// does wrong: sentences that cannot stand alone (an opening pronoun, an
// unattributed quote, a question, a label) are skipped, so the next sentence
// of the story moves up; redundant sentences (high cosine similarity with
// one already chosen) are skipped; and long sentences after the first are
// cut at a clause boundary, which keeps their main clause and drops the
// detail that highlights leave out. Bullets come out in article order.
//
// The gist is chosen differently: the sentence among the first few that is
// closest to the article as a whole (see gist).
//
// Measured with briefbot eval on shared/evaldata/cnndm_frank.jsonl (250
// articles, ROUGE-1/2/Lsum F1): bullets 41.96/19.45/38.15 against Lead-3
// 41.32/18.85/37.45 from LeadSentences on the same cleaned text; the gist
// 37.23/17.50/32.71 against Lead-1 29.65/11.26/25.44. On xsum_frank.jsonl
// (251 BBC articles, one-sentence references) the gist scores
// 18.07/2.48/13.11 against Lead-1 16.63/1.56/12.07. (extractive/3; the
// frame, photo-aside, caption-label and aside-cut rules below moved the
// bullets from 41.91/19.40/38.08.)
//
// A Summarizer is safe for concurrent use: per-call scratch space comes from
// a sync.Pool.
type Summarizer struct {
	p params
}

// params are the knobs of the scoring. They were tuned on the
// CNN/DailyMail development articles of shared/evaldata for ROUGE against
// human highlights, with the brief format as a hard constraint.
type params struct {
	bullets   int     // bullets to pick when the article has enough usable sentences
	leadLen   int     // the best-placed bullet is cut only beyond this many runes
	softLen   int     // other bullets longer than this (runes) are cut at a clause boundary
	cutFrom   int     // ... at the first boundary this many bytes or more into the sentence
	minWords  int     // shorter sentences are not bullet material
	maxWords  int     // longer ones are run-ons (captions glued to text), not bullet material
	decay     float64 // position prior: 1/(1+rank)^decay, rank among usable sentences
	central   float64 // weight of LexRank centrality (normalised to [0,1])
	quote     float64 // penalty for a sentence that opens with a quotation
	redundant float64 // cosine similarity above which a sentence repeats a chosen one
	graph     int     // sentences that take part in the similarity graph
	gistPool  int     // the gist is one of this many first sentences that report news
	gistLead  float64 // ... the first of them unless a later one is closer to the article by this much
	gistTitle float64 // ... plus this much times the share of the headline's words the first one uses
	gistWords float64 // sentences shorter than this many words count less in it
}

// NewExtractive returns the extractive summarizer with its tuned settings:
// three bullets (the count that scored best; a fourth sentence costs more
// precision than it adds recall), the first one whole, the others cut to
// about 120 characters at a clause boundary.
func New() *Summarizer {
	return &Summarizer{p: params{
		bullets:   3,
		leadLen:   briefs.MaxBulletLen,
		softLen:   120,
		cutFrom:   60,
		minWords:  6,
		maxWords:  120,
		decay:     1.0,
		central:   0.05,
		quote:     0.5,
		redundant: 0.4,
		graph:     40,
		gistPool:  5,
		gistLead:  0.05,
		gistTitle: 0.6,
		gistWords: 20,
	}}
}

// Version names the algorithm and its settings; bump it when the output
// changes so that cached briefs are rebuilt.
func (x *Summarizer) Version() string { return "extractive/4" }

// Summarize builds the summary of doc. Errors: briefs.EINVALID when the text is
// empty, not UTF-8 or binary, or has no sentences once boilerplate is gone.
func (x *Summarizer) Summarize(doc briefs.Document) (briefs.Summary, error) {
	if err := checkText(doc.Text); err != nil {
		return briefs.Summary{}, err
	}
	cd := Clean(doc.Text)
	sc := scratchPool.Get().(*scratch)
	defer sc.release()

	lang := doc.Lang
	if lang == "" {
		lang = DetectLanguage(cd.Body)
	}
	sc.lang = lexiconFor(lang)
	sc.sents = appendSentences(sc.sents[:0], cd.Body)
	if len(sc.sents) == 0 {
		if cd.Dropped > 0 || len(cd.Headlines) > 0 {
			return briefs.Summary{}, briefs.Errorf(briefs.EINVALID, "The text holds only headlines and page boilerplate (captions, app prompts, share buttons), no story to summarize.")
		}
		return briefs.Summary{}, briefs.Errorf(briefs.EINVALID, "The text has no sentences to summarize.")
	}
	// A line of its own without a full stop (a heading, a label, a list
	// item) is known by its text as written, before its dateline goes.
	unfinished := unfinishedLines(cd.Body)
	sc.labels = sc.labels[:0]
	for i, s := range sc.sents {
		sc.labels = append(sc.labels, unfinished[s])
		sc.sents[i] = stripLeadFurniture(s)
	}
	words := x.analyse(sc)
	given := squeezeSpaces(doc.Title)
	if given == "" && len(cd.Headlines) > 0 {
		given = cd.Headlines[0]
	}
	if given == "" && (headlineCase(sc.sents[0]) && sc.info[0].words <= 20 || pastedHeadline(sc)) {
		// Text pasted on one line: its headline is the first "sentence".
		given = strings.TrimRight(sc.sents[0], ".")
		cd.Headlines = append(cd.Headlines, given)
	}
	g := x.chooseGist(sc, headlineTerms(given))
	if g < 0 {
		g = x.fallbackGist(sc)
	}
	if g < 0 {
		return briefs.Summary{}, briefs.Errorf(briefs.EINVALID, "The text has no complete sentences that stand on their own to summarize.")
	}
	sum := briefs.Summary{
		Byline:      cd.Byline,
		PublishedAt: cd.PublishedAt,
		Words:       words,
		Gist:        x.point(&sc.info[g]),
	}
	sum.Bullets = x.pick(sc, g, points(words))
	sum.Title = x.title(doc.Title, cd.Headlines, sum.Gist)
	sum.Lang = lang
	// Names come from the story, not from a "Read also" link to another
	// story, a credit, a gallery label, a note or a data line (the cheap
	// tests of furnitureRule: this runs on every sentence).
	// A sentence that furniture() has cleared passed them all already.
	story := make([]string, 0, len(sc.sents))
	for i, s := range sc.sents {
		if sc.info[i].junk == 1 || !promoPrefix(s) && !creditLine(s) && !linkText(s) && !galleryLabel(s) && !notePrefix(s) && !dataLabel(s) {
			story = append(story, s)
		}
	}
	sum.Entities = entitiesOf(lang, cd.Headlines, story, MaxEntities)
	sum.Slug, sum.SlugTopic = slugParts(sum.Title, sum.Entities)
	return sum, nil
}

// pastedHeadline reports whether the first sentence of text pasted on one
// line is its headline in sentence case ("City council approves new bike
// lanes. The council voted 7-2 on Tuesday to add ..."): short, and the
// next sentence tells the same news at length, sharing at least two of its
// words.
func pastedHeadline(sc *scratch) bool {
	if len(sc.sents) < 3 || sc.info[0].words > 10 || sc.info[1].words < 2*sc.info[0].words || strings.ContainsAny(sc.sents[0], "?\"“”:") {
		return false
	}
	next := map[string]bool{}
	for _, t := range headlineTerms(sc.sents[1]) {
		next[t] = true
	}
	shared := 0
	for _, t := range headlineTerms(sc.sents[0]) {
		if next[t] {
			shared++
		}
	}
	return shared >= 2
}

// checkText rejects what cannot be an article before any work is done.
func checkText(text string) error {
	if strings.TrimSpace(text) == "" {
		return briefs.Errorf(briefs.EINVALID, "The article text is empty.")
	}
	if !utf8.ValidString(text) {
		return briefs.Errorf(briefs.EINVALID, "The text is not valid UTF-8 (binary data or another encoding); paste plain text.")
	}
	ctrl := 0
	for i := 0; i < len(text); i++ {
		c := text[i]
		if c == 0 {
			return briefs.Errorf(briefs.EINVALID, "The text holds binary data (NUL bytes); paste plain text.")
		}
		if c < 0x20 && c != '\n' && c != '\r' && c != '\t' {
			ctrl++
		}
	}
	if ctrl > 8 && ctrl*20 > len(text) {
		return briefs.Errorf(briefs.EINVALID, "The text looks like binary data (control characters); paste plain text.")
	}
	return nil
}
