package fetch

import (
	"net/url"

	"briefbot/briefs"
)

// leadImage is the page's lead image (og:image or twitter:image, as
// readability reads them) resolved against the page URL: an absolute http(s)
// URL of at most briefs.MaxImageURLLen bytes, else "".
func leadImage(base *url.URL, ref string) string {
	return briefs.ImageURL(absoluteHTTP(base, ref))
}
