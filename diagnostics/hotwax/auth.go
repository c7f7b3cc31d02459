package hotwax

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"
)

// refreshMargin is how long before expirationTime a login token is replaced, so that no request is sent
// with a token about to expire in flight.
const refreshMargin = time.Minute

// auth holds the credential: a static token, or a login token cached until shortly before it expires.
type auth struct {
	static   string
	username string
	password string

	mu      sync.Mutex // guards token and expires
	token   string
	expires time.Time // zero: no expiry announced, keep until a 401

	// login admits one login at a time; later callers wait for it and reuse its token.
	// A channel rather than a mutex so that waiting respects the caller's ctx.
	login chan struct{}
}

func newAuth(token, username, password string) (*auth, error) {
	if token != "" {
		return &auth{static: token}, nil
	}
	if username == "" || password == "" {
		return nil, errors.New("hotwax options: set a token, or a username and a password")
	}
	return &auth{username: username, password: password, login: make(chan struct{}, 1)}, nil
}

// canLogin reports whether a rejected token can be replaced by logging in again.
func (a *auth) canLogin() bool { return a.static == "" }

// cached returns the login token while it is not within refreshMargin of its expiry.
func (a *auth) cached(now time.Time) (string, bool) {
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.token == "" || (!a.expires.IsZero() && !now.Before(a.expires.Add(-refreshMargin))) {
		return "", false
	}
	return a.token, true
}

// invalidate forgets token after the OMS rejected it, unless another caller already replaced it.
func (a *auth) invalidate(token string) {
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.token == token {
		a.token = ""
	}
}

func (a *auth) store(token string, expires time.Time) {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.token, a.expires = token, expires
}

// bearer returns the token to send, logging in first when there is none or it is about to expire.
// Concurrent callers share one login.
func (c *Client) bearer(ctx context.Context) (string, error) {
	a := c.auth
	if !a.canLogin() {
		return a.static, nil
	}
	if tok, ok := a.cached(time.Now()); ok {
		return tok, nil
	}
	select {
	case a.login <- struct{}{}:
	case <-ctx.Done():
		return "", fmt.Errorf("hotwax login: %w", ctx.Err())
	}
	defer func() { <-a.login }()
	if tok, ok := a.cached(time.Now()); ok {
		return tok, nil // another caller logged in while this one waited
	}
	if err := refused(ctx); err != nil {
		return "", err // another caller's login was refused while this one waited
	}
	tok, expires, err := c.logIn(ctx)
	if err != nil {
		noteRefusal(ctx, err)
		return "", err
	}
	a.store(tok, expires)
	return tok, nil
}

type loginReply struct {
	omsStatus
	Token          string `json:"token"`
	ExpirationTime msTime `json:"expirationTime"`
}

// logIn posts the credentials to /api/login. A rejection, whether a 401 or an OMS error message,
// matches ErrUnauthorized.
func (c *Client) logIn(ctx context.Context) (string, time.Time, error) {
	var r loginReply
	req := request{
		call:   "login",
		path:   "login",
		body:   map[string]string{"USERNAME": c.auth.username, "PASSWORD": c.auth.password},
		secret: true,
	}
	err := c.send(ctx, req, "", &r)
	var apiErr *APIError
	if errors.As(err, &apiErr) && apiErr.Status == 200 && len(apiErr.Messages) > 0 {
		return "", time.Time{}, fmt.Errorf("%w: %w", ErrUnauthorized, err)
	}
	if err != nil {
		return "", time.Time{}, err
	}
	if r.Token == "" {
		return "", time.Time{}, &APIError{Call: req.call, Status: 200, Reason: "answer has no token"}
	}
	return r.Token, r.ExpirationTime.time(), nil
}
