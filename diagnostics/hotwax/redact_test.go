package hotwax_test

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/preorderbot/preorderbot/diagnostics/hotwax"
	"github.com/preorderbot/preorderbot/diagnostics/hotwax/hotwaxtest"
	"github.com/preorderbot/preorderbot/internal/redact"
)

// omsText is everything an error shows of what the OMS said.
func omsText(err error) string {
	text := err.Error()
	var apiErr *hotwax.APIError
	if errors.As(err, &apiErr) {
		for _, m := range apiErr.Messages {
			text += "\n" + m
		}
		text += "\n" + apiErr.Excerpt + "\n" + apiErr.Reason
	}
	return text
}

// An OMS that echoes the request quotes the token, the login body and the session token: none of them
// leaves the client.
func TestEchoedSecretsAreRedacted(t *testing.T) {
	ctx := context.Background()
	t.Run("static token", func(t *testing.T) {
		srv := hotwaxtest.NewTestServer(t, hotwaxtest.Options{Token: "jwt-static-5ecret", Faults: hotwaxtest.Faults{Echo: true}})
		c := newSimClient(t, srv)
		_, err := c.Shops(ctx, "STORE")
		require.Error(t, err)
		assert.Contains(t, omsText(err), "Authorization: Bearer "+redact.Marker, "the echo is still shown")
		assert.NotContains(t, omsText(err), "jwt-static-5ecret")
	})
	t.Run("login body", func(t *testing.T) {
		srv := hotwaxtest.NewTestServer(t, hotwaxtest.Options{Username: "ops", Password: `pa"ss-5ecret`,
			Faults: hotwaxtest.Faults{Echo: true, Endpoint: "login"}})
		c := newSimClient(t, srv, func(o *hotwax.Options) { o.Token, o.Username, o.Password = "", "ops", `pa"ss-5ecret` })
		_, err := c.Shops(ctx, "STORE")
		require.ErrorIs(t, err, hotwax.ErrUnauthorized)
		assert.Contains(t, omsText(err), `"USERNAME":"ops"`)
		assert.NotContains(t, omsText(err), `pa"ss-5ecret`)
		assert.NotContains(t, omsText(err), `pa\"ss-5ecret`)
	})
	t.Run("session token", func(t *testing.T) {
		srv := hotwaxtest.NewTestServer(t, hotwaxtest.Options{Username: "ops", Password: "pass-5ecret",
			Faults: hotwaxtest.Faults{Echo: true, Endpoint: "performFind"}})
		c := newSimClient(t, srv, func(o *hotwax.Options) { o.Token, o.Username, o.Password = "", "ops", "pass-5ecret" })
		_, err := c.Shops(ctx, "STORE")
		require.Error(t, err)
		assert.Contains(t, omsText(err), "Authorization: Bearer "+redact.Marker)
		assert.NotRegexp(t, `Bearer [^\[]`, omsText(err), "the token the login returned is not shown either")
	})
	t.Run("error page excerpt and other secrets", func(t *testing.T) {
		oms := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.WriteHeader(http.StatusBadGateway)
			_, _ = w.Write([]byte("<html>proxy error for " + r.Header.Get("Authorization") + " xoxb-slack-5ecret</html>"))
		}))
		defer oms.Close()
		c, err := hotwax.New(hotwax.Options{BaseURL: oms.URL, Token: "jwt-static-5ecret", MaxAttempts: 1,
			Redactor: redact.New("jwt-static-5ecret", "xoxb-slack-5ecret")})
		require.NoError(t, err)
		_, err = c.Shops(ctx, "STORE")
		require.Error(t, err)
		assert.Contains(t, omsText(err), "proxy error for Bearer "+redact.Marker)
		assert.NotContains(t, omsText(err), "5ecret")
	})
}
