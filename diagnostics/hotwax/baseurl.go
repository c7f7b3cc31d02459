package hotwax

import (
	"errors"
	"fmt"
	"net/url"
	"regexp"
	"strings"
	"sync"
)

// hostPattern accepts an instance name ("acme-uat") or a host name with an optional port ("acme.example.com:8443").
var hostPattern = sync.OnceValue(func() *regexp.Regexp {
	return regexp.MustCompile(`^[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?)*(:[0-9]{1,5})?$`)
})

// NormalizeBaseURL turns what an operator types into the OMS API base URL, the way HotWax's own apps do it:
// an instance name "acme-uat" becomes "https://acme-uat.hotwax.io/api/", and a full http(s) URL gets "/api/"
// appended unless its path already ends in /api. The result always ends in a slash.
func NormalizeBaseURL(s string) (string, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return "", errors.New("hotwax base url is empty")
	}
	if !strings.Contains(s, "://") {
		if !hostPattern().MatchString(s) {
			return "", fmt.Errorf("hotwax base url %q is neither an instance name nor an http(s) url", s)
		}
		if !strings.Contains(s, ".") && !strings.Contains(s, ":") {
			s += ".hotwax.io"
		}
		return "https://" + s + "/api/", nil
	}

	u, err := url.Parse(s)
	if err != nil {
		return "", fmt.Errorf("parse hotwax base url: %w", err)
	}
	if u.Scheme != "http" && u.Scheme != "https" {
		return "", fmt.Errorf("hotwax base url %q: scheme must be http or https", s)
	}
	if u.Host == "" || !hostPattern().MatchString(u.Host) {
		return "", fmt.Errorf("hotwax base url %q has no valid host", s)
	}
	if u.User != nil || u.RawQuery != "" || u.Fragment != "" {
		return "", fmt.Errorf("hotwax base url %q must not carry credentials, a query or a fragment", u.Redacted())
	}
	path := strings.TrimRight(u.Path, "/")
	if !strings.HasSuffix(path, "/api") {
		path += "/api"
	}
	u.Path = path + "/"
	u.RawPath = ""
	return u.String(), nil
}
