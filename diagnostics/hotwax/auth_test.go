package hotwax

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const testPassword = "hunter2-Pa55word"

// loginOMS answers /api/login with numbered tokens ("tok-1", "tok-2", …) valid for validity, and every other
// path with an empty find, or 401 when the token is in rejected.
type loginOMS struct {
	*fakeOMS
	logins   atomic.Int64
	validity time.Duration
	delay    time.Duration // holds each login open so that concurrent callers overlap with it
	rejected sync.Map      // token → true
}

func newLoginOMS(t *testing.T, validity time.Duration) *loginOMS {
	t.Helper()
	o := &loginOMS{validity: validity}
	o.fakeOMS = newFakeOMS(t, func(w http.ResponseWriter, r *http.Request, _ int, body string) {
		if r.URL.Path == "/api/login" {
			assert.Empty(t, r.Header.Get("Authorization"))
			assert.JSONEq(t, `{"USERNAME":"bot","PASSWORD":"`+testPassword+`"}`, body)
			n := o.logins.Add(1)
			time.Sleep(o.delay)
			exp := time.Now().Add(o.validity).UnixMilli()
			respond(w, 200, fmt.Sprintf(`{"token":"tok-%d","expirationTime":%d}`, n, exp))
			return
		}
		token := strings.TrimPrefix(r.Header.Get("Authorization"), "Bearer ")
		if _, bad := o.rejected.Load(token); bad {
			respond(w, 401, `{"_ERROR_MESSAGE_":"Token is not valid"}`)
			return
		}
		respond(w, 200, `{"count":0,"docs":[]}`)
	})
	return o
}

func newLoginClient(t *testing.T, o *loginOMS) *Client {
	t.Helper()
	return newTestClient(t, o.fakeOMS, func(opts *Options) {
		opts.Token, opts.Username, opts.Password = "", "bot", testPassword
	})
}

// authHeaders lists the Authorization headers sent outside /api/login.
func authHeaders(f *fakeOMS) []string {
	var out []string
	for _, r := range f.requests() {
		if r.Path != "/api/login" {
			out = append(out, r.Auth)
		}
	}
	return out
}

func TestLoginTokenIsCachedUntilShortlyBeforeExpiry(t *testing.T) {
	tests := []struct {
		name       string
		validity   time.Duration
		wantLogins int64
		wantAuth   []string
	}{
		{"valid for an hour: one login", time.Hour, 1, []string{"Bearer tok-1", "Bearer tok-1"}},
		{"expires within the refresh margin: login again", 30 * time.Second, 2, []string{"Bearer tok-1", "Bearer tok-2"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			o := newLoginOMS(t, tt.validity)
			c := newLoginClient(t, o)
			for range 2 {
				_, err := c.ShopLinks(context.Background(), []string{"P1"})
				require.NoError(t, err)
			}
			assert.Equal(t, tt.wantLogins, o.logins.Load())
			assert.Equal(t, tt.wantAuth, authHeaders(o.fakeOMS))
			assert.Equal(t, 2+tt.wantLogins, c.Calls(), "logins count as OMS calls")
		})
	}
}

func TestReloginOnceOn401(t *testing.T) {
	o := newLoginOMS(t, time.Hour)
	c := newLoginClient(t, o)
	ctx := context.Background()
	_, err := c.ShopLinks(ctx, []string{"P1"})
	require.NoError(t, err)

	o.rejected.Store("tok-1", true) // the OMS revoked the session
	_, err = c.ShopLinks(ctx, []string{"P1"})
	require.NoError(t, err)
	assert.Equal(t, int64(2), o.logins.Load())
	assert.Equal(t, []string{"Bearer tok-1", "Bearer tok-1", "Bearer tok-2"}, authHeaders(o.fakeOMS))

	o.rejected.Store("tok-2", true)
	o.rejected.Store("tok-3", true) // the fresh token is refused too: give up after one re-login
	_, err = c.ShopLinks(ctx, []string{"P1"})
	require.ErrorIs(t, err, ErrUnauthorized)
	assert.Equal(t, int64(3), o.logins.Load())
}

func TestReloginAfter401RepeatsAWrite(t *testing.T) {
	o := newLoginOMS(t, time.Hour)
	c := newLoginClient(t, o)
	_, err := c.ShopLinks(context.Background(), []string{"P1"})
	require.NoError(t, err)
	o.rejected.Store("tok-1", true)

	require.NoError(t, c.CreateShopLink(context.Background(), ShopLink{ShopID: "1", ProductID: "2", ShopifyProductID: "3"}))
	assert.Equal(t, 2, o.count("/api/service/createShopifyShopProduct"), "a 401 means the OMS did not act: repeat once")
}

func TestConcurrentCallersShareOneLogin(t *testing.T) {
	o := newLoginOMS(t, time.Hour)
	o.delay = 20 * time.Millisecond
	c := newLoginClient(t, o)

	var wg sync.WaitGroup
	for range 16 {
		wg.Go(func() {
			_, err := c.FindJobs(context.Background(), JobQuery{EnumIDs: []string{JobAssociation}})
			assert.NoError(t, err)
		})
	}
	wg.Wait()
	assert.Equal(t, int64(1), o.logins.Load())

	o.rejected.Store("tok-1", true)
	for range 16 {
		wg.Go(func() {
			_, err := c.FindJobs(context.Background(), JobQuery{EnumIDs: []string{JobAssociation}})
			assert.NoError(t, err)
		})
	}
	wg.Wait()
	assert.Equal(t, int64(2), o.logins.Load(), "callers rejected together re-login once")
}

func TestStaticToken401IsUnauthorizedWithoutLogin(t *testing.T) {
	f := newFakeOMS(t, func(w http.ResponseWriter, _ *http.Request, _ int, _ string) {
		respond(w, 401, `{"_ERROR_MESSAGE_":"Token expired"}`)
	})
	c := newTestClient(t, f)
	_, err := c.FindJobs(context.Background(), JobQuery{})
	require.ErrorIs(t, err, ErrUnauthorized)
	assert.Equal(t, 0, f.count("/api/login"))
	assert.Equal(t, 1, f.count("/api/findJobs"))
}

func TestLoginFailures(t *testing.T) {
	tests := []struct {
		name     string
		status   int
		body     string
		wantIs   error
		attempts int
	}{
		{"wrong password as an OMS message", 200, `{"_ERROR_MESSAGE_":"The password was not correct"}`, ErrUnauthorized, 1},
		{"401", 401, `{}`, ErrUnauthorized, 1},
		{"no token in the answer", 200, `{"expirationTime":1}`, nil, 1},
		{"truncated answer never quotes the token", 200, `{"token":"eyJhbGciOiJIUzI1NiJ9.secret-part`, nil, 1},
		{"5xx is retried like a read", 503, `{"token":"eyJhbGciOiJIUzI1NiJ9.secret-part"}`, nil, 3},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFakeOMS(t, func(w http.ResponseWriter, r *http.Request, _ int, _ string) {
				if !assert.Equal(t, "/api/login", r.URL.Path) {
					return
				}
				respond(w, tt.status, tt.body)
			})
			c := newTestClient(t, f, func(opts *Options) { opts.Token, opts.Username, opts.Password = "", "bot", testPassword })
			_, err := c.ShopLinks(context.Background(), []string{"P1"})
			require.Error(t, err)
			if tt.wantIs != nil {
				assert.ErrorIs(t, err, tt.wantIs)
			} else {
				assert.NotErrorIs(t, err, ErrUnauthorized)
			}
			assert.NotContains(t, err.Error(), "secret-part")
			assert.NotContains(t, err.Error(), testPassword)
			assert.Equal(t, tt.attempts, f.count("/api/login"))
			assert.Equal(t, 0, f.count("/api/performFind"))
		})
	}
}

func TestNewNeedsCredentials(t *testing.T) {
	tests := []struct {
		name string
		opts Options
	}{
		{"nothing", Options{BaseURL: "acme"}},
		{"user without password", Options{BaseURL: "acme", Username: "bot"}},
		{"bad base url", Options{BaseURL: "not a url", Token: "t"}},
		{"negative timeout", Options{BaseURL: "acme", Token: "t", Timeout: -time.Second}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := New(tt.opts)
			assert.Error(t, err)
		})
	}
	c, err := New(Options{BaseURL: "acme-uat", Username: "bot", Password: "pw"})
	require.NoError(t, err)
	assert.Equal(t, "https://acme-uat.hotwax.io/api/", c.BaseURL())
	assert.Equal(t, DefaultTimeout, c.timeout)
	assert.Equal(t, DefaultMaxAttempts, c.maxAttempts)
	assert.Equal(t, DefaultRetryWait, c.retryWait)
}
