package store_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"math/rand"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"briefbot/briefs"
	"briefbot/briefs/stories"
	"briefbot/internal/testkit"
	"briefbot/store"
	"briefbot/store/storetest"
)

// BenchmarkStorageBytesPerArticle measures what an article costs in Redis:
// it adds 1,000 and 10,000 (and with STORAGE_BENCH_LARGE=1 100,000)
// articles of 2-4 KB, with their listings, index entries and story
// signatures as the bot writes them (briefs are cached when first read, so
// none yet), to a fresh guild, and reports the raw text bytes per
// article, the used_memory delta per article and their ratio (real Redis),
// a breakdown by key kind from MEMORY USAGE, and the snapshot (backup) bytes
// per article and, for the embedded store, its data file's bytes per article;
// then, with real Redis, the same once every article's brief is cached.
//
// used_memory is the whole server's: another client writing to the same
// Redis meanwhile skews the delta (the MEMORY USAGE total, of this
// benchmark's keys only, does not move with it).
//
// Texts are synthetic news prose drawn from a word list ("synthetic") and,
// when ../shared/evaldata/cnndm_frank.jsonl (beside the checkout) (or STORAGE_BENCH_TEXTS) is
// present, real CNN/DailyMail articles read from it at run time ("cnndm"),
// each repeated with a distinct first line so that every article is new.
// Run it with
//
//	REDIS_URL=redis://127.0.0.1:6379/9 go test ./store/ -run '^$' -bench StorageBytesPerArticle -benchtime 1x -timeout 60m -v
func BenchmarkStorageBytesPerArticle(b *testing.B) {
	if testing.Short() {
		b.Skip("not with -short")
	}
	sizes := []int{1_000, 10_000}
	if os.Getenv("STORAGE_BENCH_LARGE") == "1" {
		sizes = append(sizes, 100_000)
	}
	sources := []struct {
		name  string
		texts func(n int) []string
	}{{"synthetic", syntheticTexts}}
	if real := realTexts(b); len(real) > 0 {
		sources = append(sources, struct {
			name  string
			texts func(n int) []string
		}{"cnndm", func(n int) []string { return testkit.RepeatTexts(real, n) }})
	}
	for _, be := range backends() {
		b.Run(be.name, func(b *testing.B) {
			for _, src := range sources {
				b.Run(src.name, func(b *testing.B) {
					for _, n := range sizes {
						b.Run("n="+strconv.Itoa(n), func(b *testing.B) {
							storageBench(b, be.name, src.texts, n)
						})
					}
				})
			}
		})
	}
}

// storageResults keeps each sub-benchmark's figures, so that the testing
// package running it again with a larger b.N does not fill it again.
var storageResults sync.Map

func storageBench(b *testing.B, backend string, texts func(int) []string, n int) {
	if m, ok := storageResults.Load(b.Name()); ok {
		for unit, v := range m.(map[string]float64) {
			b.ReportMetric(v, unit)
		}
		return
	}
	metrics := map[string]float64{}
	report := func(v float64, unit string) {
		metrics[unit] = v
		b.ReportMetric(v, unit)
	}
	ctx := context.Background()
	url := os.Getenv("REDIS_URL")
	var db *store.DB
	var prefix, dataFile string
	if backend == "redis" {
		prefix = storetest.RandomPrefix()
		db = storetest.OpenRedis(b, url, prefix)
	} else {
		dataFile = filepath.Join(b.TempDir(), "data.json")
		db = storetest.OpenEmbedded(b, dataFile)
	}
	reqs := storageRequests(texts(n))
	var rawText int64
	for _, r := range reqs {
		rawText += int64(len(r.Article.Text))
	}
	var mem0 int64
	if backend == "redis" {
		mem0 = testkit.UsedMemory(b, url)
	}
	start := time.Now()
	// STORAGE_BENCH_WRITERS sets how many goroutines add (default 8).
	testkit.Parallel(b, len(reqs), testkit.EnvCount(b, "STORAGE_BENCH_WRITERS", 8), func(i int) error {
		return addCreated(ctx, db, reqs[i])
	})
	perArticle := func(v int64) float64 { return float64(v) / float64(n) }
	raw := perArticle(rawText)
	b.Logf("%s: added %d articles in %s; raw text %.0f B an article", b.Name(), n, time.Since(start).Round(time.Millisecond), raw)
	report(raw, "raw-B/article")

	if backend == "redis" {
		used := testkit.UsedMemory(b, url) - mem0
		report(perArticle(used), "used-B/article")
		report(float64(used)/float64(rawText), "used/raw")
		b.Logf("  used_memory delta %d B: %.0f B an article, %.2f× the raw text", used, perArticle(used), float64(used)/float64(rawText))
		memoryBreakdown(b, url, prefix, n, rawText)
	}

	var snap bytes.Buffer
	if _, err := db.Backup(ctx, &snap); err != nil {
		b.Fatal(err)
	}
	report(perArticle(int64(snap.Len())), "snapshot-B/article")
	b.Logf("  snapshot %d B: %.0f B an article, %.2f× the raw text", snap.Len(), perArticle(int64(snap.Len())), float64(snap.Len())/float64(rawText))
	snapshotBreakdown(b, snap.Bytes(), n)
	if dataFile != "" {
		if err := db.Flush(); err != nil {
			b.Fatal(err)
		}
		fi, err := os.Stat(dataFile)
		if err != nil {
			b.Fatal(err)
		}
		report(perArticle(fi.Size()), "file-B/article")
		report(float64(fi.Size())/float64(rawText), "file/raw")
		b.Logf("  data file %d B: %.0f B an article, %.2f× the raw text", fi.Size(), perArticle(fi.Size()), float64(fi.Size())/float64(rawText))
	}
	if backend == "redis" {
		// The bot caches a brief when it is first read (a digest, /brief)
		// for BRIEF_CACHE_TTL, a day by default: the most it holds is
		// every article's brief, when all were read within the day.
		for _, r := range reqs {
			br := r.Brief
			br.ArticleID, br.GuildID, br.Slug = r.Article.ID, r.Article.GuildID, r.Article.Slug
			if err := db.CacheBrief(ctx, br, r.BriefTTL); err != nil {
				b.Fatal(err)
			}
		}
		used := testkit.UsedMemory(b, url) - mem0
		report(perArticle(used), "allbriefs-used-B/article")
		report(float64(used)/float64(rawText), "allbriefs-used/raw")
		b.Logf("  with every article's brief cached (all read within BRIEF_CACHE_TTL): used_memory delta %d B: %.0f B an article, %.2f× the raw text",
			used, perArticle(used), float64(used)/float64(rawText))
		memoryBreakdown(b, url, prefix, n, rawText)
	}
	storageResults.Store(b.Name(), metrics)
}

// keyKind is the kind of a key relative to the prefix: "article", "brief",
// "term" for the per-article and per-term keys, the key's own name for a
// guild's index ("slugs", "listings", ...), else "other".
func keyKind(rel string) string {
	rest, ok := strings.CutPrefix(rel, "g:{")
	if !ok {
		return "other"
	}
	_, rest, ok = strings.Cut(rest, "}:")
	if !ok {
		return "other"
	}
	kind, _, _ := strings.Cut(rest, ":")
	return kind
}

// memoryBreakdown logs MEMORY USAGE by key kind under prefix: every key of
// a guild's indexes and terms, and a sample of the per-article keys scaled
// by their count.
func memoryBreakdown(b *testing.B, url, prefix string, n int, rawText int64) {
	opt, err := redis.ParseURL(url)
	if err != nil {
		b.Fatal(err)
	}
	c := redis.NewClient(opt)
	defer c.Close()
	ctx := context.Background()
	byKind := map[string][]string{}
	iter := c.Scan(ctx, 0, prefix+"*", 1000).Iterator()
	for iter.Next(ctx) {
		k := iter.Val()
		kind := keyKind(strings.TrimPrefix(k, prefix))
		byKind[kind] = append(byKind[kind], k)
	}
	if err := iter.Err(); err != nil {
		b.Fatal(err)
	}
	const sample = 500
	type row struct {
		kind      string
		keys      int
		bytes     float64
		encoding  string
		sampled   int
		exampleSz int64
	}
	var rows []row
	var total float64
	for kind, keys := range byKind {
		measured := keys
		if kind == "article" || kind == "brief" {
			measured = keys[:min(len(keys), sample)]
		}
		p := c.Pipeline()
		cmds := make([]*redis.IntCmd, len(measured))
		for i, k := range measured {
			cmds[i] = p.MemoryUsage(ctx, k, 0)
		}
		enc := p.ObjectEncoding(ctx, measured[0])
		if _, err := p.Exec(ctx); err != nil {
			b.Fatal(err)
		}
		var sum int64
		for _, cmd := range cmds {
			sum += cmd.Val()
		}
		bytes := float64(sum) * float64(len(keys)) / float64(len(measured))
		total += bytes
		rows = append(rows, row{kind, len(keys), bytes, enc.Val(), len(measured), cmds[0].Val()})
	}
	slices.SortFunc(rows, func(x, y row) int { return int(y.bytes - x.bytes) })
	b.Logf("  MEMORY USAGE by key kind (per article = total / %d articles):", n)
	for _, r := range rows {
		b.Logf("    %-10s %7d keys  %10.0f B  %7.0f B an article  %5.1f%%  (encoding of one: %s, %d B)",
			r.kind, r.keys, r.bytes, r.bytes/float64(n), 100*r.bytes/total, r.encoding, r.exampleSz)
	}
	b.Logf("    %-10s %7s       %10.0f B  %7.0f B an article  (%.2f× the raw text)", "total", "", total, total/float64(n), total/float64(rawText))
}

// snapshotBreakdown logs the snapshot's bytes by key kind.
func snapshotBreakdown(b *testing.B, snap []byte, n int) {
	var h struct {
		Keys []json.RawMessage `json:"keys"`
	}
	if err := json.Unmarshal(snap, &h); err != nil {
		b.Fatal(err)
	}
	sizes := map[string]int{}
	for _, raw := range h.Keys {
		var e struct {
			Key      string `json:"key"`
			Encoding string `json:"encoding"`
		}
		if err := json.Unmarshal(raw, &e); err != nil {
			b.Fatal(err)
		}
		sizes[keyKind(e.Key)+map[bool]string{true: " (base64)"}[e.Encoding == "base64"]] += len(raw)
	}
	kinds := slices.Collect(func(yield func(string) bool) {
		for k := range sizes {
			if !yield(k) {
				return
			}
		}
	})
	slices.SortFunc(kinds, func(x, y string) int { return sizes[y] - sizes[x] })
	var parts []string
	for _, k := range kinds {
		parts = append(parts, fmt.Sprintf("%s %.0f", k, float64(sizes[k])/float64(n)))
	}
	b.Logf("  snapshot B an article by key kind: %s", strings.Join(parts, ", "))
}

// storageRequests are the AddRequests of texts as the bot makes them: a
// title and slug from the first words, a source URL, an extractive-like
// brief (gist and bullets are sentences of the text, entities its
// capitalised names) cached for a day, terms from slug, title and entities.
func storageRequests(texts []string) []briefs.AddRequest {
	sites := []string{"www.bbc.co.uk", "edition.cnn.com", "www.dailymail.co.uk", "www.reuters.com", "apnews.com", "www.theguardian.com"}
	reqs := make([]briefs.AddRequest, len(texts))
	now := time.Now().UTC()
	for i, text := range texts {
		sum := sha256.Sum256([]byte(text))
		h := hex.EncodeToString(sum[:])
		sentences := splitSentences(text)
		words := strings.Fields(sentences[0])
		title := strings.Join(words[:min(len(words), 10)], " ")
		title = strings.TrimRight(title, ".,;:!?'\"")
		slug := briefs.Slugify(strings.Join(words[:min(len(words), 5)], " "), briefs.MaxSlugLen)
		if slug == "" {
			slug = "article"
		}
		site := sites[i%len(sites)]
		entities := capitalised(text, 6)
		bullets := make([]string, 0, 4)
		for _, s := range sentences[1:min(len(sentences), 5)] {
			bullets = append(bullets, briefs.Truncate(s, briefs.MaxBulletLen))
		}
		for len(bullets) < briefs.MinBullets {
			bullets = append(bullets, "More to follow.")
		}
		// One article a minute up to now: a busy guild (1,440 a day), so
		// that the newest three days hold story signatures, as they would.
		at := now.Add(-time.Duration(len(texts)-i) * time.Minute)
		reqs[i] = briefs.AddRequest{
			Article: briefs.Article{
				ID:          h[:16],
				GuildID:     "g1",
				Slug:        slug,
				Title:       title,
				Text:        text,
				SourceURL:   fmt.Sprintf("https://%s/news/%s-%d", site, slug, 60000000+i),
				Site:        site,
				PublishedAt: at.Add(-time.Hour),
				Lang:        "en",
				ContentHash: h,
				AddedBy:     "123456789012345678",
				AddedAt:     at,
			},
			Brief: briefs.Brief{
				Title:          title,
				Gist:           briefs.Truncate(sentences[0], briefs.MaxGistLen),
				Bullets:        bullets,
				Site:           site,
				PublishedAt:    at.Add(-time.Hour),
				ReadingMinutes: max(1, len(strings.Fields(text))/230),
				Entities:       entities,
				Lang:           "en",
				Summarizer:     "extractive/3",
				CreatedAt:      at,
			},
			BriefTTL: 24 * time.Hour,
		}
		reqs[i].Terms = briefs.IndexTerms(slug, title, entities)
		reqs[i].DeferBrief = true // as the bot adds: briefed into the cache when first read
		// The story signature, kept while the story window lasts.
		reqs[i].Story = &briefs.StoryLink{
			Signature:    storyMatcher.Sign(reqs[i].Article, entities),
			SignatureTTL: max(storyMatcher.Window()-now.Sub(reqs[i].Article.PublishedAt), 0),
			Source:       briefs.SourceOf(reqs[i].Article),
		}
	}
	return reqs
}

var storyMatcher = stories.NewMatcher()

func splitSentences(text string) []string {
	var out []string
	for s := range strings.SplitAfterSeq(text, ". ") {
		if s = strings.TrimSpace(s); s != "" {
			out = append(out, s)
		}
	}
	if len(out) == 0 {
		out = []string{text}
	}
	return out
}

// capitalised is at most n distinct capitalised words of text, most
// frequent first: the entities an extractive summarizer would name.
func capitalised(text string, n int) []string {
	count := map[string]int{}
	var order []string
	words := strings.Fields(text)
	for i, w := range words {
		w = strings.Trim(w, ".,;:!?'\"‘’“”()")
		if i == 0 || len(w) < 3 || w[0] < 'A' || w[0] > 'Z' || strings.HasSuffix(words[i-1], ".") {
			continue
		}
		if count[w] == 0 {
			order = append(order, w)
		}
		count[w]++
	}
	slices.SortStableFunc(order, func(x, y string) int { return count[y] - count[x] })
	return order[:min(len(order), n)]
}

// realTexts reads the articles of the CNN/DailyMail evaluation file at run
// time, when it is there.
func realTexts(b *testing.B) []string {
	return testkit.CNNDMArticles(b, os.Getenv("STORAGE_BENCH_TEXTS"))
}

// syntheticTexts makes n news texts of 2-4 KB: sentences of 8-30 words
// drawn (Zipf-distributed, as in real text) from a vocabulary of common
// English and news words, with names, places, numbers and the odd quote.
func syntheticTexts(n int) []string {
	rng := rand.New(rand.NewSource(1))
	vocab := strings.Fields(newsVocabulary)
	zipf := rand.NewZipf(rng, 1.1, 2, uint64(len(vocab)-1))
	first := strings.Fields(firstNames)
	last := strings.Fields(lastNames)
	places := strings.Fields(placeNames)
	out := make([]string, n)
	for i := range out {
		target := 2000 + rng.Intn(2000)
		// An article is about a few people and places, named again and again.
		cast := []string{first[rng.Intn(len(first))] + " " + last[rng.Intn(len(last))],
			first[rng.Intn(len(first))] + " " + last[rng.Intn(len(last))]}
		where := []string{places[rng.Intn(len(places))], places[rng.Intn(len(places))]}
		var sb strings.Builder
		for sb.Len() < target {
			nw := 8 + rng.Intn(23)
			quote := rng.Intn(6) == 0
			if quote {
				sb.WriteString("'")
			}
			for w := range nw {
				var word string
				switch r := rng.Intn(40); {
				case r == 0:
					word = cast[rng.Intn(len(cast))]
				case r == 1:
					word = where[rng.Intn(len(where))]
				case r == 2:
					word = strconv.Itoa(rng.Intn(2000))
				default:
					word = vocab[zipf.Uint64()]
				}
				if w == 0 {
					word = strings.ToUpper(word[:1]) + word[1:]
				}
				sb.WriteString(word)
				switch {
				case w == nw-1:
				case rng.Intn(12) == 0:
					sb.WriteString(", ")
				default:
					sb.WriteString(" ")
				}
			}
			if quote {
				sb.WriteString(",' said " + cast[rng.Intn(len(cast))] + ". ")
			} else {
				sb.WriteString(". ")
			}
		}
		out[i] = strings.TrimSpace(sb.String())
	}
	return out
}

// newsVocabulary is common English in rough order of frequency, then words
// of the news.
const newsVocabulary = `the of and to a in that is was he for it with as his on be at by had are but from or have an they which
one you were her all she there would their we him been has when who will more no if out so said what up its about into than
them can only other new some could time these two may then do first any my now such like our over man me even most made after
also did many before must through back years where much your way well down should because each just those people how too
little state good very make world still own see men work long get here between both life being under never day same another
know while last might us great old year off come since against go came right used take three states himself few house use
during without again place around however home small found thought went say part once general high upon school every don't
does got united left number course war until always away something fact though water less public put think almost hand enough
far took head yet government system better set told nothing night end why called didn't eyes find going look asked later
point knew city next program business give group toward young days let room president side social given present several order
national second possible rather per face among form important often things looked early white case john become large big need
four within felt children along saw best church ever least power development light thing seemed family interest want members
mind country area others done turned although open god service certain kind problem began different door thus help sense
means whole matter perhaps itself york times law human line above name example action company hands local show whether five
history gave today either act feet across taken past quite anything seen having death experience body word half really week
police minister officials court report minister election campaign party vote voters leader council spokesman statement
announced according investigation hospital injured killed attack military troops forces security crisis economy market shares
prices inflation rates bank billion million percent growth trade deal talks agreement sanctions energy oil gas climate
emissions storm flooding weather season club manager players match goal league championship fans coach injury transfer
contract stadium football striker defender victory defeat final tournament record health patients doctors nurses treatment
virus vaccine study researchers scientists university students teachers parents funding budget tax spending plans policy
reform protest protesters demonstrators arrested charged trial judge jury prison sentence lawyer evidence victim suspect
shooting crash accident fire firefighters rescue emergency residents community village town region border refugees migrants
immigration officials authorities agency department ministry spokeswoman sources online social media internet technology
company chief executive firm customers sales profits jobs workers strike union wages housing rent mortgage property families
airport flight passengers airline train railway road traffic drivers car vehicle hospital ambulance care service services
children's women's men's season's country's government's`

const firstNames = `James Mary John Patricia Robert Jennifer Michael Linda David Elizabeth William Barbara Richard Susan Joseph Jessica
Thomas Sarah Charles Karen Daniel Nancy Matthew Lisa Anthony Betty Mark Margaret Steven Sandra Paul Ashley Andrew Emily Joshua
Donna Kenneth Michelle Kevin Carol Brian Amanda George Melissa Edward Deborah Ronald Stephanie Timothy Rebecca Jason Laura
Gary Helen Ryan Sharon Jacob Cynthia Nicholas Kathleen Eric Amy Jonathan Angela Stephen Shirley Larry Anna Justin Ruth Scott
Brenda Frank Pamela Brandon Nicole Raymond Katherine Gregory Samantha Benjamin Christine Samuel Emma Patrick Catherine`

const lastNames = `Smith Johnson Williams Brown Jones Garcia Miller Davis Rodriguez Martinez Hernandez Lopez Gonzalez Wilson Anderson
Thomas Taylor Moore Jackson Martin Lee Perez Thompson White Harris Sanchez Clark Ramirez Lewis Robinson Walker Young Allen King
Wright Scott Torres Nguyen Hill Flores Green Adams Nelson Baker Hall Rivera Campbell Mitchell Carter Roberts Locke Johnston
Mann Cameron Merkel Putin Obama Clinton Bush Blair Brown Miliband Farage Sturgeon Salmond Rooney Mourinho Wenger Ferguson`

const placeNames = `London Washington Paris Berlin Moscow Beijing Tokyo Sydney Manchester Liverpool Glasgow Edinburgh Cardiff Belfast
Birmingham Leeds Bristol Dublin Brussels Madrid Rome Athens Cairo Baghdad Damascus Kabul Tehran Jerusalem Gaza Kiev Donetsk
Ankara Istanbul Delhi Mumbai Lagos Nairobi Johannesburg Toronto Ottawa Chicago Boston Texas California Florida Ohio Virginia
Georgia Carolina Arizona Nevada Scotland Wales England Ireland France Germany Russia Ukraine China Japan Syria Iraq Iran Israel`
