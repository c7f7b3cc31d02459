package hotwax

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const testToken = "test-token-5ecret"

// seen is one request the fake OMS received.
type seen struct {
	Path string
	Auth string
	Body string
}

// fakeOMS is an httptest server that records requests and answers with a test's handler.
type fakeOMS struct {
	srv *httptest.Server

	mu   sync.Mutex
	reqs []seen
}

// newFakeOMS serves /api/* with handle, which gets the request number (from 0) and the body.
func newFakeOMS(t *testing.T, handle func(w http.ResponseWriter, r *http.Request, n int, body string)) *fakeOMS {
	t.Helper()
	f := &fakeOMS{}
	f.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, err := io.ReadAll(r.Body)
		assert.NoError(t, err)
		f.mu.Lock()
		n := len(f.reqs)
		f.reqs = append(f.reqs, seen{Path: r.URL.Path, Auth: r.Header.Get("Authorization"), Body: string(b)})
		f.mu.Unlock()
		assert.Equal(t, http.MethodPost, r.Method)
		handle(w, r, n, string(b))
	}))
	t.Cleanup(f.srv.Close)
	return f
}

func (f *fakeOMS) requests() []seen {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]seen(nil), f.reqs...)
}

func (f *fakeOMS) count(path string) int {
	n := 0
	for _, r := range f.requests() {
		if r.Path == path {
			n++
		}
	}
	return n
}

// respond writes a JSON (or deliberately broken) body with a status.
func respond(w http.ResponseWriter, status int, body string) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_, _ = io.WriteString(w, body)
}

// newTestClient builds a client for the fake with a static token and fast retries.
func newTestClient(t *testing.T, f *fakeOMS, edit ...func(*Options)) *Client {
	t.Helper()
	opts := Options{BaseURL: f.srv.URL, Token: testToken, RetryWait: time.Millisecond, Timeout: 2 * time.Second}
	for _, e := range edit {
		e(&opts)
	}
	c, err := New(opts)
	require.NoError(t, err)
	return c
}

// recordSleeps makes the client's backoff instant and returns the waits it asked for.
func recordSleeps(c *Client) *[]time.Duration {
	var mu sync.Mutex
	waits := &[]time.Duration{}
	c.sleep = func(ctx context.Context, d time.Duration) error {
		mu.Lock()
		defer mu.Unlock()
		*waits = append(*waits, d)
		return ctx.Err()
	}
	return waits
}
