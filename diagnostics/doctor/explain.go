package doctor

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/preorderbot/preorderbot/diagnostics"
	"github.com/preorderbot/preorderbot/diagnostics/hotwax"
)

func isAuth(err error) bool { return errors.Is(err, hotwax.ErrUnauthorized) }

// isUnreachable is a call that got no answer from the OMS: network errors, timeouts, gateway error pages.
func isUnreachable(err error) bool {
	return diagnostics.Classify("", err).Kind == diagnostics.FailureUnreachable && !errors.Is(err, context.Canceled)
}

// failure turns a failed call into a warning that says what happened, in the words the cards use
// (diagnostics.Classify), and what to do here. Callers raise it to Fail where the bot cannot work without
// the answer.
func (p *probe) failure(area, item, what string, err error) Finding {
	c := diagnostics.Classify(what, err)
	f := Finding{Area: area, Item: item, Status: Warn, Detail: "could not " + what + ": " + c.Message, Fix: c.Fix}
	var apiErr *hotwax.APIError
	errors.As(err, &apiErr)
	switch {
	case isAuth(err) && p.cred.Login:
		f.Fix = "set HOTWAX_USERNAME and HOTWAX_PASSWORD to an OMS user that can log in (not an SSO-only user)"
	case isAuth(err):
		f.Fix = "create a new JWT (OMS → Settings → Create JWT Token) and set HOTWAX_TOKEN"
	case errors.Is(err, hotwax.ErrForbidden):
		f.Fix = "give the OMS user behind the credentials read access to " + item
	case c.Kind == diagnostics.FailureUnreachable:
		f.Fix = "check HOTWAX_BASE_URL (" + p.oms.BaseURL() + ") and that this host can reach it; raise HOTWAX_TIMEOUT for a slow OMS"
	case apiErr != nil && apiErr.Status == http.StatusNotFound:
		f.Fix = "check HOTWAX_BASE_URL (" + p.oms.BaseURL() + "): it must name the OMS instance (acme-oms) or its …/api/ URL"
	case c.Kind == diagnostics.FailureUnexpected:
		f.Fix = "check HOTWAX_BASE_URL (" + p.oms.BaseURL() + ") points at the OMS API, not a web page or proxy"
	case f.Fix == "":
		f.Fix = "give the OMS user behind the credentials read access to " + item + ", or ask HotWax Support about the message"
	}
	return f
}

// short is an error on one line, at most 200 characters; the client never puts secrets in errors.
func short(err error) string {
	s := strings.Join(strings.Fields(err.Error()), " ")
	if r := []rune(s); len(r) > 200 {
		s = string(r[:199]) + "…"
	}
	return s
}

// text is a Solr or entity value as text, by the client's decoding rule (schemaless Solr cores send every
// field as an array).
func text(raw json.RawMessage) string { return hotwax.FieldText(raw) }

// missing lists the fields that no document carries with a value.
func missing(docs []map[string]json.RawMessage, fields ...string) []string {
	var out []string
	for _, f := range fields {
		found := false
		for _, d := range docs {
			if text(d[f]) != "" {
				found = true
				break
			}
		}
		if !found {
			out = append(out, f)
		}
	}
	return out
}

func fmtTime(t time.Time) string { return t.UTC().Format("2006-01-02 15:04 UTC") }

func days(d time.Duration) string {
	n := int(d.Hours() / 24)
	switch {
	case n >= 2:
		return strconv.Itoa(n) + " days"
	case d >= time.Hour:
		return fmt.Sprintf("%d hours", int(d.Hours()))
	}
	return fmt.Sprintf("%d minutes", int(d.Minutes()))
}
