package bot_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"briefbot/bot"
	"briefbot/briefs"
	"briefbot/briefs/extractive"
	"briefbot/briefs/stories"
)

// One event as five outlets wrote it within an hour, in their own words.
var fiveOutlets = []struct{ site, url, title, text string }{
	{"reuters.com", "https://www.reuters.com/world/ferry-fire", "Fire on Baltic ferry forces 300 passengers into lifeboats",
		"A fire broke out in the engine room of the ferry Nordlys on Tuesday morning, forcing about 300 passengers and crew into lifeboats in the Baltic Sea off the Swedish island of Gotland, the Swedish coast guard said. " +
			"Rescue helicopters and nearby ships picked up everyone on board, and nobody was seriously hurt, coast guard spokesman Lars Ekberg said. " +
			"The Nordlys was sailing from Visby to Nynashamn when the fire was reported at 7:40 a.m. " +
			"The cause of the fire was not yet known. The ferry operator, Gotlandsbolaget, said it had cancelled the day's other crossings."},
	{"bbc.co.uk", "https://www.bbc.co.uk/news/world-europe-ferry", "Gotland ferry fire: All 300 rescued from burning Nordlys",
		"All 300 people aboard the Nordlys ferry have been rescued after a fire started in its engine room off Gotland, Swedish officials say. " +
			"Passengers described smoke filling the decks before crew ordered them into lifeboats. " +
			"The Swedish coast guard sent helicopters and diverted ships in the Baltic Sea to help, spokesman Lars Ekberg told reporters. " +
			"The ferry had left Visby for Nynashamn early on Tuesday. Gotlandsbolaget, which runs the route, cancelled its remaining sailings."},
	{"apnews.com", "https://apnews.com/article/sweden-ferry-fire", "Swedish coast guard: 300 evacuated as fire hits ferry in Baltic",
		"STOCKHOLM (AP) — About 300 passengers and crew were evacuated on Tuesday when fire broke out aboard the ferry Nordlys near the Swedish island of Gotland, the coast guard said. " +
			"Spokesman Lars Ekberg said there were no serious injuries and that helicopters had lifted some passengers from lifeboats. " +
			"The fire started in the engine room shortly after the ferry left Visby for Nynashamn on the mainland. " +
			"Operator Gotlandsbolaget cancelled other crossings for the day. The cause is being investigated."},
	{"theguardian.com", "https://www.theguardian.com/world/ferry-fire-baltic", "Passengers take to lifeboats as fire engulfs ferry off Gotland",
		"Hundreds of passengers took to lifeboats in the Baltic Sea on Tuesday after fire broke out on the Nordlys, a ferry sailing from Visby on Gotland to Nynashamn, south of Stockholm. " +
			"The Swedish coast guard said all 300 people on board had been rescued by helicopters and passing ships. " +
			"\"It was frightening, the smoke came up through the stairs,\" one passenger told the Swedish broadcaster SVT. " +
			"Lars Ekberg, a coast guard spokesman, said the fire began in the engine room. The operator Gotlandsbolaget suspended its crossings. " +
			"Investigators from the Swedish Accident Investigation Authority are expected to board the ferry once it has been towed to port. " +
			"The Nordlys, built in 2003, carries up to 1,500 passengers in summer. It was the first fire on the route in more than a decade, the operator said."},
	{"aljazeera.com", "https://www.aljazeera.com/news/baltic-ferry-fire", "Sweden rescues 300 from burning ferry in Baltic Sea",
		"Swedish rescuers have evacuated about 300 people from a ferry that caught fire in the Baltic Sea near Gotland, the coast guard says. " +
			"The Nordlys ferry was travelling from Visby to Nynashamn on Tuesday when a fire was reported in its engine room. " +
			"Coast guard spokesman Lars Ekberg said helicopters and ships took part in the rescue and that there were no serious injuries. " +
			"Gotlandsbolaget, the operator, cancelled the rest of the day's crossings."},
}

// The same place and operator in another event; and another story
// altogether.
var notTheFerryFire = []struct{ site, url, title, text string }{
	{"reuters.com", "https://www.reuters.com/business/gotlandsbolaget-order", "Gotlandsbolaget orders two hydrogen-powered ferries",
		"Swedish ferry operator Gotlandsbolaget said on Tuesday it had ordered two hydrogen-powered ferries from a Chinese shipyard for its Visby routes, in a deal worth 3 billion crowns. " +
			"The ships are due from 2030, the company said, and will replace vessels built in the 1990s. " +
			"Chief executive Christer Bruzelius said the order was the largest in the company's history. " +
			"Shares in its parent company rose 4 percent in Stockholm."},
	{"bbc.co.uk", "https://www.bbc.co.uk/news/science-comet", "Astronomers spot comet heading for close pass of the Sun",
		"Astronomers in Chile have discovered a comet that will pass close to the Sun next spring and may be visible to the naked eye. " +
			"The comet, named C/2026 A1, was first seen in images from the Vera Rubin Observatory last week. " +
			"It is expected to be brightest in April, researchers said. Comets are notoriously hard to predict, they cautioned."},
}

// Five outlets reporting one event within an hour give the channel one
// digest entry, with the other four listed; /brief of any of them shows
// the story's brief built from the most complete text (the Guardian's), and
// the operator's news two days later stays apart.
func TestFiveOutletsOneDigestEntry(t *testing.T) {
	r := newDigestRig(t, 1)
	ctx := context.Background()
	svc := &briefs.Service{Store: r.dbs[0], Summarizer: extractive.New(), Stories: stories.NewMatcher(), Now: r.clock.Now}
	s := r.scheduler("router", r.dbs[0], func(c *bot.SchedulerConfig) {
		c.Briefs, c.SummarizerVersion = svc, svc.BriefVersion()
	})
	router := bot.NewRouter(svc, nil)
	router.SetDigests(s)

	add := func(site, url, title, text string) briefs.AddResult {
		t.Helper()
		res, err := svc.Add(ctx, briefs.AddInput{GuildID: dgGuild, UserID: "u", Title: title, Text: text, SourceURL: url, Site: site})
		if err != nil || !res.Created {
			t.Fatalf("add %s: %v (created %v)", url, err, res.Created)
		}
		r.clock.Set(r.clock.Now().Add(10 * time.Minute))
		return res
	}
	var slugs []string
	for i, a := range fiveOutlets {
		slugs = append(slugs, add(a.site, a.url, a.title, a.text).Brief.Slug)
		if i == 1 {
			o := notTheFerryFire[1]
			add(o.site, o.url, o.title, o.text)
		}
	}
	// Two days on, the operator's news is another story.
	r.clock.Set(r.clock.Now().Add(48 * time.Hour))
	o := notTheFerryFire[0]
	add(o.site, o.url, o.title, o.text)

	router.Handle(ctx, digestCommand("now", map[string]any{"channel": "c1"}))
	posts := r.posts("c1")
	if len(posts) != 1 {
		t.Fatalf("%d digest posts, want 1", len(posts))
	}
	body := decodeDigestPost(t, posts[0])
	if len(body.Embeds) != 3 {
		t.Fatalf("digest entries: %q; want the ferry fire once, the ferry order and the comet", embedTitles(body))
	}
	fires := 0
	for _, e := range body.Embeds {
		if !strings.Contains(e.Title, "ferry") && !strings.Contains(e.Title, "Gotland") || strings.Contains(e.Title, "hydrogen") {
			if strings.Contains(e.Description, "Also reported by") {
				t.Errorf("%q lists other outlets: %q", e.Title, e.Description)
			}
			continue
		}
		fires++
		if e.Title != fiveOutlets[3].title {
			t.Errorf("the fire's entry is %q; want the most complete source's brief, %q", e.Title, fiveOutlets[3].title)
		}
		for i, a := range fiveOutlets {
			if i != 3 && !strings.Contains(e.Description, "["+a.site+"]("+a.url+")") {
				t.Errorf("entry does not list %s: %q", a.site, e.Description)
			}
		}
	}
	if fires != 1 {
		t.Fatalf("%d ferry fire entries in %q", fires, embedTitles(body))
	}

	// A sixth outlet joins the story (it was published the day of the
	// fire): no new digest entry.
	addAt := func(site, url, title, text string) {
		t.Helper()
		res, err := svc.Add(ctx, briefs.AddInput{GuildID: dgGuild, UserID: "u", Title: title, Text: text, SourceURL: url, Site: site,
			PublishedAt: time.Date(2025, 6, 2, 5, 0, 0, 0, time.UTC)})
		if err != nil || !res.Created {
			t.Fatalf("add %s: %v", url, err)
		}
	}
	addAt("dw.com", "https://www.dw.com/en/ferry-fire", "Ferry fire off Gotland: 300 people rescued",
		"About 300 people were rescued from the Nordlys ferry after fire broke out in its engine room near Gotland on Tuesday, the Swedish coast guard said. Spokesman Lars Ekberg said nobody was seriously hurt.")
	resp := router.Handle(ctx, digestCommand("now", map[string]any{"channel": "c1"}))
	if got := digestReply(resp); !strings.Contains(got, "Nothing new") {
		t.Errorf("after a sixth outlet: %q", got)
	}

	for _, slug := range []string{slugs[0], slugs[4]} {
		lk, err := svc.Brief(ctx, dgGuild, slug)
		if err != nil || lk.Brief == nil || lk.Story == nil {
			t.Fatalf("/brief %s: %+v, %v", slug, lk, err)
		}
		if lk.Brief.Title != fiveOutlets[3].title || len(lk.Story.Sources) != 6 {
			t.Errorf("/brief %s: %q with %d sources", slug, lk.Brief.Title, len(lk.Story.Sources))
		}
		e := bot.StoryEmbed(*lk.Brief, lk.Story)
		if f := e.Fields[len(e.Fields)-1]; f.Name != "Also reported by" || strings.Count(f.Value, "\n") != 4 || strings.Contains(f.Value, "theguardian") {
			t.Errorf("/brief %s field: %+v", slug, f)
		}
	}
}

// /article separate takes a wrongly merged report out of its story (admins
// only), and says so; an article in no story is told apart clearly.
func TestArticleSeparate(t *testing.T) {
	r := newDigestRig(t, 1)
	ctx := context.Background()
	svc := &briefs.Service{Store: r.dbs[0], Summarizer: extractive.New(), Stories: stories.NewMatcher(), Now: r.clock.Now}
	router := bot.NewRouter(svc, nil)
	var slugs []string
	for _, a := range fiveOutlets[:2] {
		res, err := svc.Add(ctx, briefs.AddInput{GuildID: dgGuild, Title: a.title, Text: a.text, SourceURL: a.url, Site: a.site})
		if err != nil {
			t.Fatal(err)
		}
		slugs = append(slugs, res.Brief.Slug)
	}
	separate := func(perms int64, slug string) string {
		t.Helper()
		i := command("article", "separate", perms, map[string]string{"slug": slug})
		i.GuildID = dgGuild
		resp := router.Handle(ctx, i)
		wantEphemeralNoPing(t, resp)
		return resp.Data.Content
	}
	if got := separate(0, slugs[1]); !strings.Contains(got, "Manage Server") {
		t.Errorf("a member separating: %q", got)
	}
	if got := separate(admin, slugs[1]); !strings.Contains(got, "is a story of its own now") {
		t.Errorf("separate: %q", got)
	}
	if got := separate(admin, slugs[1]); !strings.Contains(got, "not part of a story") {
		t.Errorf("separate again: %q", got)
	}
	if lk, err := svc.Brief(ctx, dgGuild, slugs[0]); err != nil || lk.Story != nil {
		t.Errorf("the first report is still in a story: %+v, %v", lk.Story, err)
	}
}

// Stories of many outlets with long links and names stay within Discord's
// limits, in a digest of five (an embed each), of ten (one compact embed)
// and in /brief's field; the other outlets are counted when they do not fit.
func TestStoryRenderWithinLimits(t *testing.T) {
	story := func(lead string) *briefs.Story {
		st := &briefs.Story{ID: lead, Best: lead}
		for i := range briefs.MaxStorySources {
			id := fmt.Sprintf("%s-%02d", lead, i)
			if i == 0 {
				id = lead
			}
			st.Sources = append(st.Sources, briefs.Source{ArticleID: id, Slug: id,
				Site: strings.Repeat("very-long-outlet-name-", 4) + fmt.Sprint(i),
				URL:  "https://news.example/" + strings.Repeat("path/", 90) + fmt.Sprint(i), At: time.Unix(1_700_000_000, 0)})
		}
		return st
	}
	for _, n := range []int{5, 10} {
		d := briefs.Digest{Total: n}
		for i := range n {
			it := digestItem(fmt.Sprintf("story-%d", i), strings.Repeat("A long gist sentence. ", 13), "https://news.example/a")
			it.Listing.ArticleID = it.Listing.Slug
			it.Story = story(it.Listing.Slug)
			d.Items = append(d.Items, it)
		}
		m := bot.DigestMessage(d, time.Time{}, time.UTC)
		total := 0
		for _, e := range m.Embeds {
			if utf8.RuneCountInString(e.Description) > 4096 {
				t.Errorf("%d stories: a description of %d characters", n, utf8.RuneCountInString(e.Description))
			}
			total += embedChars(e)
		}
		if total > 6000 {
			t.Errorf("%d stories: %d characters in the embeds", n, total)
		}
		if !strings.Contains(m.Embeds[0].Description, "Also reported by") || !strings.Contains(m.Embeds[0].Description, "more") {
			t.Errorf("%d stories: the first entry does not list and count the other outlets: %q", n, m.Embeds[0].Description)
		}
	}
	b := briefs.Brief{ArticleID: "lead", Title: "T", Gist: "G.", Bullets: []string{"a", "b", "c"}}
	e := bot.StoryEmbed(b, story("lead"))
	f := e.Fields[len(e.Fields)-1]
	if f.Name != "Also reported by" || utf8.RuneCountInString(f.Value) > 1024 || !strings.Contains(f.Value, "… and ") {
		t.Errorf("/brief field: %d characters: %q", utf8.RuneCountInString(f.Value), f.Value)
	}
}
