package fetch

import (
	"net/url"
	"testing"
)

func TestCleanTitle(t *testing.T) {
	for _, tc := range []struct {
		title, host, site, want string
	}{
		{"Migrants cross the border in record numbers - Breitbart", "www.breitbart.com", "", "Migrants cross the border in record numbers"},
		{"New guidelines for measuring digital audiences | IAB", "www.iab.com", "", "New guidelines for measuring digital audiences"},
		{"美国宣布新的芯片出口管制措施_科技_腾讯网", "new.qq.com", "", "美国宣布新的芯片出口管制措施"},
		{"Opinion | Republicans Are Following Trump to Nowhere", "www.nytimes.com", "", "Republicans Are Following Trump to Nowhere"},
		{"Disney+ glitches blamed on heavy demand - Los Angeles Times", "www.latimes.com", "Los Angeles Times", "Disney+ glitches blamed on heavy demand"},
		{"New York man pleads guilty to threatening to kill Omar | TheHill", "thehill.com", "", "New York man pleads guilty to threatening to kill Omar"},
		{"Nadal keeps Spain alive against Russia in Davis Cup Finals - Sportsnet.ca", "www.sportsnet.ca", "", "Nadal keeps Spain alive against Russia in Davis Cup Finals"},
		{"Column: Merger bodes ill for future of local news - Los Angeles Times", "www.latimes.com", "Los Angeles Times", "Merger bodes ill for future of local news"},
		{"BREAKING: Senate adjourns after two members die - The Paradigm", "www.theparadigmng.com", "The Paradigm", "Senate adjourns after two members die"},
		{"About bugs – Vortex Cannon Entertainment", "vortexcannon.org", "", "About bugs"},
		{"Classificação NASCAR | Autoracing | F1 | Indy | MotoGP", "www.autoracing.com.br", "Autoracing | F1 | Indy | MotoGP", "Classificação NASCAR"},
		{"Why the markets fell so sharply on Tuesday afternoon | Jane Doe", "www.example.com", "", "Why the markets fell so sharply on Tuesday afternoon"},
		{"Black Friday per nostalgici: le occasioni da non perdere - Remember 80/90 - Memorabilia anni 80/90", "www.remember8090.it", "Remember 80/90 - Memorabilia anni 80/90", "Black Friday per nostalgici: le occasioni da non perdere"},
		{"Storm floods the coast road overnight - BBC News", "www.bbc.co.uk", "", "Storm floods the coast road overnight"},
		{"Senate passes the spending bill - CNN Politics", "edition.cnn.com", "", "Senate passes the spending bill"},
		// Headlines with a dash or a colon of their own stay whole.
		{"Hong Kong chaos: China deploys troops and warns SURRENDER is only option", "www.express.co.uk", "Express.co.uk", "Hong Kong chaos: China deploys troops and warns SURRENDER is only option"},
		{"Star Wars Jedi: Fallen Order review – shoots for the moon, lands among the stars", "www.vg247.com", "VG247", "Star Wars Jedi: Fallen Order review – shoots for the moon, lands among the stars"},
		{"The Guardian view on Hong Kong: a city on the brink", "www.theguardian.com", "the Guardian", "The Guardian view on Hong Kong: a city on the brink"},
		{"Trump - Kim summit collapses in Hanoi", "www.example.com", "", "Trump - Kim summit collapses in Hanoi"},
		{"Markets rally - but for how long?", "www.example.com", "", "Markets rally - but for how long?"},
		{"Biden's plan: a closer look at the numbers", "www.example.com", "", "Biden's plan: a closer look at the numbers"},
	} {
		u, _ := url.Parse("https://" + tc.host + "/a/story")
		if got := cleanTitle(tc.title, newSiteNames(u, tc.site)); got != tc.want {
			t.Errorf("cleanTitle(%q)\n got %q\nwant %q", tc.title, got, tc.want)
		}
	}
}

func TestReaderTitle(t *testing.T) {
	for _, tc := range []struct {
		name     string
		host     string
		m        titleMeta
		fallback string
		want     string
	}{
		{
			name: "generic site title gives way to the page's headline",
			host: "news.yahoo.com",
			m: titleMeta{title: "Yahoo News - Latest News & Headlines", og: "Yahoo News - Latest News & Headlines",
				headlines: []string{"Storm knocks out power to thousands across the valley"}},
			want: "Storm knocks out power to thousands across the valley",
		},
		{
			name: "title equal to the site name",
			host: "www.dailyplanet.example",
			m:    titleMeta{title: "The Daily Planet", site: "The Daily Planet", headlines: []string{"The Daily Planet", "Mayor opens new bridge over the river"}},
			want: "Mayor opens new bridge over the river",
		},
		{
			name: "the headline two sources agree on",
			host: "www.harborgazette.example",
			m: titleMeta{title: "Ferries to stop for two days | Harbor Gazette", og: "Night-shift talks collapse as ferry crews vote",
				twitter: "Night-shift talks collapse as ferry crews vote", site: "Harbor Gazette",
				headlines: []string{"Ferries to stop for two days"}},
			want: "Ferries to stop for two days",
		},
		{
			name: "metadata that agree when the h1 is a logo",
			host: "entermedia.example",
			m:    titleMeta{title: "Two stars fall out in public - Entermedia", og: "Two stars fall out in public", headlines: []string{"엔터 미디어"}},
			want: "Two stars fall out in public",
		},
		{
			name: "a cut og:title gives way to the full one",
			host: "www.thesun.co.uk",
			m: titleMeta{og: "Hunter diagnosed with bubonic plague after eating a rabbit making him third local to contract",
				title:     "Hunter diagnosed with bubonic plague after eating a rabbit making him third local to contract medieval disease",
				headlines: []string{"Hunter diagnosed with bubonic plague after eating a rabbit making him third local to contract medieval disease"}},
			want: "Hunter diagnosed with bubonic plague after eating a rabbit making him third local to contract medieval disease",
		},
		{
			name: "a title that is the site's name only, with an application name that is the headline",
			host: "www.msn.com",
			m: titleMeta{title: "The man whose duvet nearly killed him", og: "The man whose duvet nearly killed him", site: "MSN",
				appName: "The man whose duvet nearly killed him"},
			want: "The man whose duvet nearly killed him",
		},
		{
			name: "a short title no headline agrees with, on a page that names no site",
			host: "pasted.invalid",
			m:    titleMeta{title: "Valley News", headlines: []string{"Old river bridge reopens after two years of repairs"}},
			want: "Old river bridge reopens after two years of repairs",
		},
		{
			name: "a real headline that differs from the h1 stays",
			host: "www.wired.example",
			m: titleMeta{og: "Chasing Instagram Analytics, My Friend Became a Grocery Store", twitter: "Chasing Instagram Analytics, My Friend Became a Grocery Store",
				headlines: []string{"Why My Friend Became a Grocery Store on Instagram"}},
			want: "Chasing Instagram Analytics, My Friend Became a Grocery Store",
		},
		{
			name:     "nothing but readability's title",
			host:     "www.example.com",
			fallback: "Council approves the new budget - Example",
			want:     "Council approves the new budget",
		},
	} {
		u, _ := url.Parse("https://" + tc.host + "/a/story")
		if got := readerTitle(tc.m, tc.fallback, u, tc.m.site); got != tc.want {
			t.Errorf("%s:\n got %q\nwant %q", tc.name, got, tc.want)
		}
	}
}
