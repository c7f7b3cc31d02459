package hotwax

import (
	"bytes"
	"context"
	"encoding/json"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// syncBuffer is a log sink safe for the client's concurrent writes.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

func TestDebugLogShowsRequestsButNoSecrets(t *testing.T) {
	const loginToken = "eyJhbGciOiJIUzI1NiJ9.login-token-secret"
	f := newFakeOMS(t, func(w http.ResponseWriter, r *http.Request, n int, _ string) {
		switch {
		case r.URL.Path == "/api/login":
			respond(w, 200, `{"token":"`+loginToken+`","expirationTime":`+
				strconvMillis(time.Now().Add(time.Hour))+`}`)
		case n == 1:
			respond(w, 401, `{"_ERROR_MESSAGE_":"expired"}`)
		case r.URL.Path == "/api/findJobs":
			respond(w, 500, `{"_ERROR_MESSAGE_":"down"}`)
		default:
			respond(w, 200, `{"count":0,"docs":[]}`)
		}
	})
	var logs syncBuffer
	logger := slog.New(slog.NewJSONHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	c := newTestClient(t, f, func(o *Options) {
		o.Token, o.Username, o.Password = "", "bot", testPassword
		o.Logger = logger
	})
	ctx := context.Background()
	_, err := c.ShopLinks(ctx, []string{"P1"}) // login, 401, login, 200
	require.NoError(t, err)
	_, err = c.FindJobs(ctx, JobQuery{}) // 500 ×3
	require.Error(t, err)

	out := logs.String()
	for _, secret := range []string{loginToken, "login-token-secret", testPassword, "Bearer"} {
		assert.NotContains(t, out, secret)
	}

	var first map[string]any
	line, _, _ := strings.Cut(out, "\n")
	require.NoError(t, json.Unmarshal([]byte(line), &first))
	assert.Equal(t, "oms request", first["msg"])
	assert.Equal(t, "POST", first["method"])
	assert.Equal(t, "/api/login", first["path"])
	assert.Equal(t, float64(200), first["status"])
	assert.Equal(t, "login", first["call"])
	assert.Contains(t, first, "duration")
	assert.Contains(t, out, `"path":"/api/performFind"`)
	assert.Contains(t, out, `"status":401`)
	assert.Contains(t, out, `"msg":"oms request will be retried"`)
	assert.Equal(t, 3, strings.Count(out, `"path":"/api/findJobs"`))
}

func TestStaticTokenNeverLogged(t *testing.T) {
	f := newFakeOMS(t, func(w http.ResponseWriter, _ *http.Request, _ int, _ string) {
		respond(w, 403, `{"_ERROR_MESSAGE_":"no permission"}`)
	})
	var logs syncBuffer
	c := newTestClient(t, f, func(o *Options) {
		o.Logger = slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	})
	_, err := c.FindJobs(context.Background(), JobQuery{})
	require.ErrorIs(t, err, ErrForbidden)
	assert.NotContains(t, err.Error(), testToken)
	assert.NotContains(t, logs.String(), testToken)
	assert.Contains(t, logs.String(), "status=403")
}

func strconvMillis(t time.Time) string {
	b, _ := json.Marshal(t.UnixMilli())
	return string(b)
}
