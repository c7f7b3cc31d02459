package hotwax

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"strings"
	"time"
)

// The calls below serve `preorderbot doctor`: they read a tenant the way the chain does but keep the answers
// raw, so the probe can say which fields the OMS really sends. None of them changes OMS state.

// RawDocs is one page of a find or a Solr query, its documents left undecoded.
type RawDocs struct {
	Count int                          // count (performFind) or numFound (Solr)
	Docs  []map[string]json.RawMessage // field name → JSON value, as the OMS sent it
}

type rawFindReply struct {
	omsStatus
	Count flexInt                      `json:"count"`
	Docs  []map[string]json.RawMessage `json:"docs"`
}

// RawFind is one performFind page: the entity, its conditions (performFind's inputFields grammar), the
// fields to return, the page size, and whether to keep only rows active now (fromDate/thruDate).
type RawFind struct {
	Entity   string
	Input    map[string]any
	Fields   []string
	ViewSize int
	ByDate   bool
}

// FindRaw runs one page of performFind. Zero rows (the OMS's "No record found") is an empty answer, not an
// error.
func (c *Client) FindRaw(ctx context.Context, q RawFind) (RawDocs, error) {
	body := map[string]any{
		"entityName":      q.Entity,
		"inputFields":     q.Input,
		"noConditionFind": "Y",
		"viewSize":        max(q.ViewSize, 1),
	}
	if len(q.Fields) > 0 {
		body["fieldList"] = q.Fields
	}
	if q.ByDate {
		body["filterByDate"] = "Y"
	}
	var r rawFindReply
	if err := c.do(ctx, request{call: "performFind " + q.Entity, path: "performFind", find: true, body: body}, &r); err != nil {
		return RawDocs{}, err
	}
	return RawDocs{Count: int(r.Count), Docs: r.Docs}, nil
}

type rawSolrReply struct {
	omsStatus
	Response struct {
		NumFound flexInt                      `json:"numFound"`
		Docs     []map[string]json.RawMessage `json:"docs"`
	} `json:"response"`
}

// SolrRaw runs one Solr query on core ("" is the product core) with filter, returning at most rows documents.
// A filter naming a field the core does not define fails with Solr's "undefined field" message (see
// IsUndefinedField).
func (c *Client) SolrRaw(ctx context.Context, core, filter string, rows int) (RawDocs, error) {
	body := map[string]any{
		"json": map[string]any{"params": map[string]any{"rows": rows, "start": 0}, "query": "*:*", "filter": filter},
	}
	call := "solr-query products"
	if core != "" {
		body["coreName"] = core
		call = "solr-query " + core
	}
	var r rawSolrReply
	if err := c.do(ctx, request{call: call, path: "solr-query", body: body}, &r); err != nil {
		return RawDocs{}, err
	}
	return RawDocs{Count: int(r.Response.NumFound), Docs: r.Response.Docs}, nil
}

// IsUndefinedField reports whether Solr refused a query because it names a field the core does not define.
func IsUndefinedField(err error) bool {
	var apiErr *APIError
	if !errors.As(err, &apiErr) {
		return false
	}
	for _, m := range apiErr.Messages {
		if strings.Contains(strings.ToLower(m), "undefined field") {
			return true
		}
	}
	return strings.Contains(strings.ToLower(apiErr.Excerpt), "undefined field")
}

// ProbeService posts an empty request to service/<name> and returns how the OMS answered: nil when it
// accepted the request, else the error. It is sent as a write (one attempt, never retried). An empty request
// cannot change anything for a service whose required parameters make up the row it would create: the OMS
// checks them before it runs the service and answers "The following required parameter is missing".
func (c *Client) ProbeService(ctx context.Context, name string) error {
	var r omsStatus
	return c.do(ctx, request{call: name, path: "service/" + name, body: map[string]any{}, write: true}, &r)
}

// Credential describes the credential the client uses, without the secret itself.
type Credential struct {
	Login   bool      // true: HOTWAX_USERNAME/PASSWORD and POST /login; false: a static token
	Expires time.Time // zero when the credential does not say
	JWT     bool      // for a static token: whether it is a JWT whose claims could be read
}

// Credential reports the kind of credential and when it expires. With a username and password it logs in
// (or reuses the current login) and reports the login's expirationTime; a static token's expiry is its JWT
// "exp" claim, read without verifying the signature (only the OMS can verify it).
func (c *Client) Credential(ctx context.Context) (Credential, error) {
	if !c.auth.canLogin() {
		exp, ok := jwtExpiry(c.auth.static)
		return Credential{Expires: exp, JWT: ok}, nil
	}
	if _, err := c.bearer(ctx); err != nil {
		return Credential{Login: true}, err
	}
	c.auth.mu.Lock()
	defer c.auth.mu.Unlock()
	return Credential{Login: true, Expires: c.auth.expires}, nil
}

// jwtExpiry reads the "exp" claim (seconds since the epoch) of a JWT. ok is false when the token is not a
// JWT or its payload cannot be read; a JWT without "exp" is ok with a zero time.
func jwtExpiry(token string) (time.Time, bool) {
	parts := strings.Split(token, ".")
	if len(parts) != 3 {
		return time.Time{}, false
	}
	payload, err := base64.RawURLEncoding.DecodeString(strings.TrimRight(parts[1], "="))
	if err != nil {
		return time.Time{}, false
	}
	var claims struct {
		Exp json.Number `json:"exp"`
	}
	if err := json.Unmarshal(payload, &claims); err != nil {
		return time.Time{}, false
	}
	if claims.Exp == "" {
		return time.Time{}, true
	}
	secs, err := claims.Exp.Float64()
	if err != nil {
		return time.Time{}, false
	}
	return time.Unix(int64(secs), 0).UTC(), true
}
