package hotwax

import (
	"context"
	"errors"
	"net"
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestReadsRetryTransientFailures(t *testing.T) {
	tests := []struct {
		name      string
		statuses  []int // answers in order; 200 answers an empty find
		header    string
		wantErr   bool
		wantCalls int
		wantWaits []time.Duration // nil: jittered backoff, only counted
	}{
		{name: "500 then success", statuses: []int{500, 200}, wantCalls: 2},
		{name: "502, 503 then success", statuses: []int{502, 503, 200}, wantCalls: 3},
		{name: "three 500s exhaust the attempts", statuses: []int{500, 500, 500, 200}, wantErr: true, wantCalls: 3},
		{name: "429 honours Retry-After", statuses: []int{429, 200}, header: "1", wantCalls: 2,
			wantWaits: []time.Duration{time.Second}},
		{name: "Retry-After is capped", statuses: []int{429, 200}, header: "3600", wantCalls: 2,
			wantWaits: []time.Duration{maxRetryAfter}},
		{name: "400 is not retried", statuses: []int{400, 200}, wantErr: true, wantCalls: 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFakeOMS(t, func(w http.ResponseWriter, _ *http.Request, n int, _ string) {
				if tt.header != "" {
					w.Header().Set("Retry-After", tt.header)
				}
				respond(w, tt.statuses[n], `{"count":0,"docs":[]}`)
			})
			c := newTestClient(t, f)
			waits := recordSleeps(c)

			_, err := c.FindJobs(context.Background(), JobQuery{})
			if tt.wantErr {
				var apiErr *APIError
				require.ErrorAs(t, err, &apiErr)
				assert.Equal(t, tt.statuses[tt.wantCalls-1], apiErr.Status)
			} else {
				require.NoError(t, err)
			}
			assert.Len(t, f.requests(), tt.wantCalls)
			assert.Len(t, *waits, tt.wantCalls-1)
			if tt.wantWaits != nil {
				assert.Equal(t, tt.wantWaits, *waits)
			}
		})
	}
}

func TestBackoffIsJitteredAndGrows(t *testing.T) {
	c := &Client{retryWait: 100 * time.Millisecond}
	for attempt, base := range map[int]time.Duration{1: 100 * time.Millisecond, 2: 200 * time.Millisecond, 3: 400 * time.Millisecond} {
		for range 50 {
			d := c.backoff(attempt, http.Header{})
			assert.GreaterOrEqual(t, d, base/2)
			assert.LessOrEqual(t, d, base)
		}
	}
	d, ok := retryAfter(http.Header{"Retry-After": {time.Now().Add(time.Hour).UTC().Format(http.TimeFormat)}}, time.Now())
	assert.True(t, ok)
	assert.Greater(t, d, 59*time.Minute)
	_, ok = retryAfter(http.Header{"Retry-After": {"soon"}}, time.Now())
	assert.False(t, ok)
}

func TestWritesAreNeverRetried(t *testing.T) {
	tests := []struct {
		name        string
		status      int
		wantUnknown bool
	}{
		{"500 leaves the outcome unknown", 500, true},
		{"504 leaves the outcome unknown", 504, true},
		{"429 was refused: outcome known", 429, false},
		{"400 was refused: outcome known", 400, false},
	}
	writes := map[string]func(context.Context, *Client) error{
		"scheduleService": func(ctx context.Context, c *Client) error {
			_, err := c.ScheduleJob(ctx, ScheduleRequest{Frequency: "HOURLY",
				Draft: Job{JobName: "Sync", SystemJobEnumID: JobCatalogSync, ServiceName: "sync"}})
			return err
		},
		"createShopifyShopProduct": func(ctx context.Context, c *Client) error {
			return c.CreateShopLink(ctx, ShopLink{ShopID: "1", ProductID: "2", ShopifyProductID: "3"})
		},
	}
	for _, tt := range tests {
		for name, write := range writes {
			t.Run(tt.name+"/"+name, func(t *testing.T) {
				f := newFakeOMS(t, func(w http.ResponseWriter, _ *http.Request, _ int, _ string) {
					w.Header().Set("Retry-After", "0")
					respond(w, tt.status, `{"_ERROR_MESSAGE_":"boom"}`)
				})
				c := newTestClient(t, f)

				err := write(context.Background(), c)
				require.Error(t, err)
				assert.Len(t, f.requests(), 1)
				var apiErr *APIError
				require.ErrorAs(t, err, &apiErr)
				assert.Equal(t, tt.status, apiErr.Status)
				assert.Equal(t, []string{"boom"}, apiErr.Messages)
				assert.Equal(t, tt.wantUnknown, errors.Is(err, ErrOutcomeUnknown))
			})
		}
	}
}

// hang blocks a handler until the client gives up, so that tests end without waiting for the server.
func hang(w http.ResponseWriter, r *http.Request, _ int, _ string) {
	<-r.Context().Done()
}

func TestTimeouts(t *testing.T) {
	t.Run("a hung read fails with DeadlineExceeded after its attempts", func(t *testing.T) {
		f := newFakeOMS(t, hang)
		c := newTestClient(t, f, func(o *Options) { o.Timeout = 50 * time.Millisecond; o.MaxAttempts = 2 })
		_, err := c.Shops(context.Background(), "STORE")
		require.ErrorIs(t, err, context.DeadlineExceeded)
		assert.NotErrorIs(t, err, ErrOutcomeUnknown)
		assert.Len(t, f.requests(), 2)
	})
	t.Run("a hung write is sent once and its outcome is unknown", func(t *testing.T) {
		f := newFakeOMS(t, hang)
		c := newTestClient(t, f, func(o *Options) { o.Timeout = 50 * time.Millisecond })
		err := c.CreateShopLink(context.Background(), ShopLink{ShopID: "1", ProductID: "2", ShopifyProductID: "3"})
		require.ErrorIs(t, err, ErrOutcomeUnknown)
		assert.ErrorIs(t, err, context.DeadlineExceeded)
		assert.Len(t, f.requests(), 1)
	})
	t.Run("the caller's deadline stops the retries", func(t *testing.T) {
		f := newFakeOMS(t, hang)
		c := newTestClient(t, f, func(o *Options) { o.MaxAttempts = 10 })
		ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
		defer cancel()
		_, err := c.FindJobs(ctx, JobQuery{})
		require.ErrorIs(t, err, context.DeadlineExceeded)
		assert.Len(t, f.requests(), 1)
	})
	t.Run("a cancelled caller is not retried", func(t *testing.T) {
		f := newFakeOMS(t, func(w http.ResponseWriter, _ *http.Request, _ int, _ string) { respond(w, 500, `{}`) })
		c := newTestClient(t, f)
		ctx, cancel := context.WithCancel(context.Background())
		c.sleep = func(context.Context, time.Duration) error {
			cancel()
			return context.Canceled
		}
		_, err := c.FindJobs(ctx, JobQuery{})
		require.ErrorIs(t, err, context.Canceled)
		assert.Len(t, f.requests(), 1)
	})
}

func TestNetworkErrors(t *testing.T) {
	// A listener that is closed at once: connections are refused, so nothing is ever written.
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	addr := ln.Addr().String()
	require.NoError(t, ln.Close())

	c, err := New(Options{BaseURL: "http://" + addr, Token: testToken, RetryWait: time.Millisecond})
	require.NoError(t, err)

	_, err = c.FindJobs(context.Background(), JobQuery{})
	require.Error(t, err)
	assert.Equal(t, int64(DefaultMaxAttempts), c.Calls(), "reads retry network errors")

	err = c.CreateShopLink(context.Background(), ShopLink{ShopID: "1", ProductID: "2", ShopifyProductID: "3"})
	require.Error(t, err)
	assert.NotErrorIs(t, err, ErrOutcomeUnknown, "a refused connection never carried the write")
	assert.Equal(t, int64(DefaultMaxAttempts+1), c.Calls())

	t.Run("connection dropped after the write was sent", func(t *testing.T) {
		f := newFakeOMS(t, func(w http.ResponseWriter, _ *http.Request, _ int, _ string) {
			conn, _, err := w.(http.Hijacker).Hijack()
			if assert.NoError(t, err) {
				_ = conn.Close()
			}
		})
		c := newTestClient(t, f)
		err := c.CreateShopLink(context.Background(), ShopLink{ShopID: "1", ProductID: "2", ShopifyProductID: "3"})
		require.ErrorIs(t, err, ErrOutcomeUnknown)
		assert.Len(t, f.requests(), 1)

		_, err = c.FindJobs(context.Background(), JobQuery{})
		require.Error(t, err)
		assert.Len(t, f.requests(), 1+DefaultMaxAttempts)
	})
}
