package hotwax

import (
	"context"
	"net/http"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Under StopOnRefusal, a refused login is asked once: callers waiting for it and callers after it get the
// same refusal without a request.
func TestStopOnRefusalAsksARefusedLoginOnce(t *testing.T) {
	f := newFakeOMS(t, func(w http.ResponseWriter, _ *http.Request, _ int, _ string) {
		respond(w, 200, `{"_ERROR_MESSAGE_":"The password was not correct"}`)
	})
	c := newTestClient(t, f, func(opts *Options) { opts.Token, opts.Username, opts.Password = "", "bot", testPassword })
	ctx := StopOnRefusal(context.Background())

	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			_, err := c.FindJobs(ctx, JobQuery{EnumIDs: []string{JobAssociation}})
			assert.ErrorIs(t, err, ErrUnauthorized)
		})
	}
	wg.Wait()
	_, err := c.ShopLinks(ctx, []string{"P1"})
	require.ErrorIs(t, err, ErrUnauthorized)
	assert.Len(t, f.requests(), 1, "one login, nothing after it")
}

// Under StopOnRefusal, a static token the OMS refuses is not sent again.
func TestStopOnRefusalSendsARefusedTokenOnce(t *testing.T) {
	f := newFakeOMS(t, func(w http.ResponseWriter, _ *http.Request, _ int, _ string) {
		respond(w, 401, `{"_ERROR_MESSAGE_":"Token expired"}`)
	})
	c := newTestClient(t, f)
	ctx := StopOnRefusal(context.Background())
	_, err := c.FindJobs(ctx, JobQuery{})
	require.ErrorIs(t, err, ErrUnauthorized)
	_, err = c.ShopLinks(ctx, []string{"P1"})
	require.ErrorIs(t, err, ErrUnauthorized)
	assert.Len(t, f.requests(), 1)
}

// Without StopOnRefusal (a long-lived process), a refused login is tried again on the next call, so the
// client recovers once the OMS accepts the credentials again.
func TestRefusedLoginRecoversWhenTheCredentialsAreFixed(t *testing.T) {
	var accept atomic.Bool
	f := newFakeOMS(t, func(w http.ResponseWriter, r *http.Request, _ int, _ string) {
		switch {
		case r.URL.Path == "/api/login" && !accept.Load():
			respond(w, 200, `{"_ERROR_MESSAGE_":"The password was not correct"}`)
		case r.URL.Path == "/api/login":
			respond(w, 200, `{"token":"tok-1"}`)
		default:
			respond(w, 200, `{"docs":[],"count":0}`)
		}
	})
	c := newTestClient(t, f, func(opts *Options) { opts.Token, opts.Username, opts.Password = "", "bot", testPassword })

	// One run is refused; a later run, after the password is fixed on the OMS, logs in and reads.
	_, err := c.ShopLinks(StopOnRefusal(context.Background()), []string{"P1"})
	require.ErrorIs(t, err, ErrUnauthorized)
	_, err = c.ShopLinks(context.Background(), []string{"P1"})
	require.ErrorIs(t, err, ErrUnauthorized)
	accept.Store(true)
	_, err = c.ShopLinks(context.Background(), []string{"P1"})
	require.NoError(t, err)
	assert.Equal(t, 3, f.count("/api/login"))
}
