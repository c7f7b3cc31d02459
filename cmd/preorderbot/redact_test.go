package main

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/preorderbot/preorderbot/bot/slacktest"
	"github.com/preorderbot/preorderbot/diagnostics/hotwax/hotwaxtest"
	"github.com/preorderbot/preorderbot/store"
)

// An OMS that echoes the Authorization header or the login body puts neither the token nor the password
// on a card, in a thread, in the logs or in the audit trail, and neither do the bot's other secrets.
func TestEchoingOMSLeaksNoSecret(t *testing.T) {
	for name, login := range map[string]bool{"token": false, "login": true} {
		t.Run(name, func(t *testing.T) {
			sl := slacktest.NewTestServer(t, slacktest.Options{})
			omsOpts := hotwaxtest.Options{Scenario: "healthy", Token: "jwt-5ecret-static"}
			if login {
				omsOpts.Username, omsOpts.Password = "ops", `pass"5ecret`
			}
			oms := hotwaxtest.NewTestServer(t, omsOpts)
			httpAddr := freeAddr(t)
			dbPath := filepath.Join(t.TempDir(), "bot.db")
			env := map[string]string{
				"SLACK_APP_TOKEN": sl.AppToken(), "SLACK_BOT_TOKEN": sl.BotToken(), "SLACK_API_URL": sl.APIURL(),
				"HOTWAX_BASE_URL": oms.URL(), "HOTWAX_TOKEN": oms.Token(), "HOTWAX_PRODUCT_STORE_ID": "STORE",
				"PREORDERBOT_DB_PATH": dbPath, "PREORDERBOT_HTTP_ADDR": httpAddr, "PREORDERBOT_ADMIN_ADDR": "",
				"HOTWAX_JOB_ASSOCIATION": "JOB_UPD_PROD_ASSOC", "PREORDERBOT_LOG_LEVEL": "debug",
			}
			if login {
				env["HOTWAX_TOKEN"], env["HOTWAX_USERNAME"], env["HOTWAX_PASSWORD"] = "", "ops", `pass"5ecret`
			}
			setEnv(t, env)
			secrets := []string{sl.BotToken(), sl.AppToken(), "jwt-5ecret-static", `pass"5ecret`, `pass\"5ecret`}

			ctx, cancel := context.WithCancel(context.Background())
			var logs bytes.Buffer
			done := make(chan int, 1)
			go func() {
				done <- run(ctx, []string{"serve"}, os.Getenv, &syncWriter{w: &logs}, io.Discard)
			}()
			waitHTTP(t, "http://"+httpAddr+"/readyz", http.StatusOK)

			// From now on every answer quotes the request: the header, and for a login its body.
			oms.SetFaults(hotwaxtest.Faults{Echo: true, ExpireTokens: login})
			_, err := sl.SlashCommand("U0BEN", "C0PREORDER", "/preorder check HW-JACKET-M")
			require.NoError(t, err)
			_, err = sl.SlashCommand("U0BEN", "C0PREORDER", "/preorder jobs")
			require.NoError(t, err)
			var shown []string
			waitUntil(t, "a final card that quotes the OMS and the jobs answer", func() bool {
				shown = shown[:0]
				final := false
				for _, top := range sl.Messages("C0PREORDER") {
					for _, m := range sl.Thread("C0PREORDER", top.TS) {
						shown = append(shown, m.Text+string(m.Blocks))
						final = final || strings.Contains(string(m.Blocks), "Could not process request")
					}
				}
				eph := sl.Ephemeral("U0BEN")
				for _, m := range eph {
					shown = append(shown, m.Text+string(m.Blocks))
				}
				return final && len(eph) > 0
			})
			readyz := getAny(t, "http://"+httpAddr+"/readyz")

			cancel()
			select {
			case <-done:
			case <-time.After(15 * time.Second):
				t.Fatal("serve did not stop")
			}
			db, err := store.Open(dbPath, store.Options{ReadOnly: true})
			require.NoError(t, err)
			recs, err := db.AuditBySKU(context.Background(), "HW-JACKET-M")
			require.NoError(t, err)
			require.NoError(t, db.Close())
			require.NotEmpty(t, recs)

			everything := strings.Join(shown, "\n") + logs.String() + readyz
			for _, r := range recs {
				everything += r.Outcome + r.Detail + r.Request
			}
			assert.Contains(t, everything, "[REDACTED]", "the echo reached the card, redacted")
			for _, s := range secrets {
				assert.NotContains(t, everything, s)
			}
			assert.NotRegexp(t, `Bearer [^\[]`, everything, "no bearer token, the session's included")
		})
	}
}

// getAny returns a URL's body whatever its status.
func getAny(t *testing.T, url string) string {
	t.Helper()
	resp, err := http.Get(url)
	require.NoError(t, err)
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	return string(body)
}
