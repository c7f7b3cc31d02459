package main

import (
	"bytes"
	"context"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/preorderbot/preorderbot/bot/slacktest"
	"github.com/preorderbot/preorderbot/diagnostics/hotwax/hotwaxtest"
	"github.com/preorderbot/preorderbot/store"
)

// setEnv sets the variables for one test; t.Setenv restores them afterwards.
func setEnv(t *testing.T, env map[string]string) {
	for _, k := range []string{"SLACK_APP_TOKEN", "SLACK_BOT_TOKEN", "SLACK_API_URL", "HOTWAX_BASE_URL", "HOTWAX_TOKEN",
		"HOTWAX_USERNAME", "HOTWAX_PASSWORD", "HOTWAX_PRODUCT_STORE_ID", "HOTWAX_PARENT_SHOP_ID", "HOTWAX_TIMEOUT",
		"PREORDERBOT_DB_PATH", "PREORDERBOT_HTTP_ADDR", "PREORDERBOT_ADMIN_ADDR", "PREORDERBOT_LOG_LEVEL",
		"PREORDERBOT_OPERATORS", "PREORDERBOT_WORKERS", "HOTWAX_JOB_ASSOCIATION", "PREORDERBOT_SIGNATURES_FILE"} {
		t.Setenv(k, env[k]) // restores the variable after the test
		if env[k] == "" {
			require.NoError(t, os.Unsetenv(k))
		}
	}
}

func validEnv() map[string]string {
	return map[string]string{
		"SLACK_APP_TOKEN": "xapp-1-A1-secretapp", "SLACK_BOT_TOKEN": "xoxb-1-secretbot",
		"HOTWAX_BASE_URL": "acme-oms", "HOTWAX_TOKEN": "jwt-secret", "HOTWAX_PRODUCT_STORE_ID": "STORE",
		"HOTWAX_JOB_ASSOCIATION": "JOB_UPD_PROD_ASSOC",
	}
}

func TestConfigValidation(t *testing.T) {
	cases := []struct {
		name   string
		change map[string]string
		want   []string // each must appear in the error; empty: valid
	}{
		{"valid", nil, nil},
		{"bot token where the app token belongs", map[string]string{"SLACK_APP_TOKEN": "xoxb-1-secretbot"},
			[]string{"SLACK_APP_TOKEN holds a xoxb-… token", "starts with xapp-"}},
		{"app token where the bot token belongs", map[string]string{"SLACK_BOT_TOKEN": "xapp-1-secretapp"},
			[]string{"SLACK_BOT_TOKEN holds a xapp-… token"}},
		{"missing app token", map[string]string{"SLACK_APP_TOKEN": ""}, []string{"SLACK_APP_TOKEN is not set", "connections:write"}},
		{"not a token", map[string]string{"SLACK_BOT_TOKEN": "hunter2"}, []string{"SLACK_BOT_TOKEN does not look like a Slack token"}},
		{"no base url", map[string]string{"HOTWAX_BASE_URL": ""}, []string{"HOTWAX_BASE_URL is not set"}},
		{"no credentials", map[string]string{"HOTWAX_TOKEN": ""}, []string{"no HotWax credentials"}},
		{"both credentials", map[string]string{"HOTWAX_USERNAME": "ops", "HOTWAX_PASSWORD": "pw"}, []string{"not both"}},
		{"half a login", map[string]string{"HOTWAX_TOKEN": "", "HOTWAX_USERNAME": "ops"}, []string{"must be set together"}},
		{"no store", map[string]string{"HOTWAX_PRODUCT_STORE_ID": ""}, []string{"HOTWAX_PRODUCT_STORE_ID is not set"}},
		{"bad timeout", map[string]string{"HOTWAX_TIMEOUT": "soon"}, []string{"HOTWAX_TIMEOUT"}},
		{"bad log level", map[string]string{"PREORDERBOT_LOG_LEVEL": "loud"}, []string{"PREORDERBOT_LOG_LEVEL"}},
		{"empty job id", map[string]string{"HOTWAX_JOB_ASSOCIATION": " "}, []string{"HOTWAX_JOB_ASSOCIATION is set but empty"}},
		{"no workers", map[string]string{"PREORDERBOT_WORKERS": "0"}, []string{"PREORDERBOT_WORKERS must be at least 1"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			env := validEnv()
			for k, v := range tc.change {
				env[k] = v
			}
			setEnv(t, env)
			cfg, err := loadBot(os.Getenv)
			if len(tc.want) == 0 {
				require.NoError(t, err)
				assert.Equal(t, []string(nil), cfg.Operators, "default deny: no operators")
				assert.Equal(t, "./preorderbot.db", cfg.DBPath)
				return
			}
			require.Error(t, err)
			for _, w := range tc.want {
				assert.Contains(t, err.Error(), w)
			}
			for _, secret := range []string{"secretapp", "secretbot", "jwt-secret", "hunter2"} {
				assert.NotContains(t, err.Error(), secret, "errors never echo a token")
			}
		})
	}
}

func TestServeRefusesBadConfigWithExitCode2(t *testing.T) {
	env := validEnv()
	env["SLACK_APP_TOKEN"] = "xoxb-1-secretbot"
	setEnv(t, env)
	var stderr bytes.Buffer
	code := run(context.Background(), []string{"serve"}, os.Getenv, io.Discard, &stderr)
	assert.Equal(t, 2, code)
	assert.Contains(t, stderr.String(), "SLACK_APP_TOKEN")
	assert.NotContains(t, stderr.String(), "secretbot")
}

func TestServeRefusesABadSignaturesFile(t *testing.T) {
	env := validEnv()
	path := filepath.Join(t.TempDir(), "signatures.json")
	require.NoError(t, os.WriteFile(path, []byte(`[
  {"id": "erp-down", "match": [{"regexp": "ERP-(\\d+"}],
   "meaning": "The ERP is down.", "fix": {"kind": "steps", "steps": ["Wait."]}}
]`), 0o600))
	env["PREORDERBOT_SIGNATURES_FILE"] = path
	setEnv(t, env)
	var stderr bytes.Buffer
	code := run(context.Background(), []string{"serve"}, os.Getenv, io.Discard, &stderr)
	assert.Equal(t, 2, code)
	assert.Contains(t, stderr.String(), "PREORDERBOT_SIGNATURES_FILE: "+path+`:2: signature "erp-down": match 1: bad regexp`)
}

func TestLogValueRedactsSecrets(t *testing.T) {
	setEnv(t, validEnv())
	cfg, err := loadBot(os.Getenv)
	require.NoError(t, err)
	var buf bytes.Buffer
	logger := newJSONLogger(&buf)
	logger.Info("config", "config", cfg)
	for _, secret := range []string{"secretapp", "secretbot", "jwt-secret"} {
		assert.NotContains(t, buf.String(), secret)
	}
	assert.Contains(t, buf.String(), `"slack_bot_token_set":true`)
}

func freeAddr(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	addr := l.Addr().String()
	require.NoError(t, l.Close())
	return addr
}

// serve, as the binary runs it, against a simulated Slack and OMS: a check through Slack, the ops
// endpoints, the online backup, and a clean stop that closes the store.
func TestServeEndToEnd(t *testing.T) {
	sl := slacktest.NewTestServer(t, slacktest.Options{})
	oms := hotwaxtest.NewTestServer(t, hotwaxtest.Options{Scenario: "healthy"})
	httpAddr, adminAddr := freeAddr(t), freeAddr(t)
	dbPath := filepath.Join(t.TempDir(), "bot.db")
	setEnv(t, map[string]string{
		"SLACK_APP_TOKEN": sl.AppToken(), "SLACK_BOT_TOKEN": sl.BotToken(), "SLACK_API_URL": sl.APIURL(),
		"HOTWAX_BASE_URL": oms.URL(), "HOTWAX_TOKEN": oms.Token(), "HOTWAX_PRODUCT_STORE_ID": "STORE",
		"PREORDERBOT_DB_PATH": dbPath, "PREORDERBOT_HTTP_ADDR": httpAddr, "PREORDERBOT_ADMIN_ADDR": adminAddr,
		"HOTWAX_JOB_ASSOCIATION": "JOB_UPD_PROD_ASSOC",
	})
	ctx, cancel := context.WithCancel(context.Background())
	var logs bytes.Buffer
	done := make(chan int, 1)
	go func() {
		done <- run(ctx, []string{"serve"}, os.Getenv, &syncWriter{w: &logs}, io.Discard)
	}()

	waitHTTP(t, "http://"+httpAddr+"/readyz", http.StatusOK)
	_, err := sl.SlashCommand("U0BEN", "C0PREORDER", "/preorder check HW-JACKET-M")
	require.NoError(t, err)
	waitUntil(t, "final card", func() bool {
		for _, m := range sl.Messages("C0PREORDER") {
			if m.ThreadTS == "" && strings.HasPrefix(m.Text, "HW-JACKET-M:") {
				return true
			}
		}
		return false
	})

	waitUntil(t, "check counted in metrics", func() bool {
		return strings.Contains(get(t, "http://"+httpAddr+"/metrics"), `preorderbot_checks_total{cause="healthy"} 1`)
	})
	metrics := get(t, "http://"+httpAddr+"/metrics")
	assert.Contains(t, metrics, `preorderbot_oms_request_duration_seconds_count{endpoint="findJobs"}`)
	assert.Contains(t, metrics, `preorderbot_slack_api_calls_total{method="chat.postMessage"}`)
	assert.Contains(t, metrics, "preorderbot_ack_handoff_seconds_count 1")
	assert.Equal(t, "ok\n", get(t, "http://"+httpAddr+"/healthz"))

	backup := get(t, "http://"+adminAddr+"/backup")
	backupPath := filepath.Join(t.TempDir(), "copy.db")
	require.NoError(t, writeFile(backupPath, backup))
	copyDB, err := store.Open(backupPath, store.Options{ReadOnly: true})
	require.NoError(t, err, "the online backup is a usable database")
	require.NoError(t, copyDB.Close())

	var out bytes.Buffer
	assert.Equal(t, 0, run(ctx, []string{"healthcheck", "--url", "http://" + httpAddr + "/healthz"}, os.Getenv, &out, io.Discard))

	cancel()
	select {
	case code := <-done:
		assert.Equal(t, 0, code)
	case <-time.After(15 * time.Second):
		t.Fatal("serve did not stop")
	}
	db, err := store.Open(dbPath, store.Options{})
	require.NoError(t, err, "serve closed the store on its way out")
	require.NoError(t, db.Close())
	for _, secret := range []string{sl.BotToken(), sl.AppToken(), oms.Token()} {
		assert.NotContains(t, logs.String(), secret, "logs never hold a token")
	}
}

func TestServeExitsOnRevokedToken(t *testing.T) {
	sl := slacktest.NewTestServer(t, slacktest.Options{})
	oms := hotwaxtest.NewTestServer(t, hotwaxtest.Options{})
	sl.Revoke(sl.BotToken(), "token_revoked")
	setEnv(t, map[string]string{
		"SLACK_APP_TOKEN": sl.AppToken(), "SLACK_BOT_TOKEN": sl.BotToken(), "SLACK_API_URL": sl.APIURL(),
		"HOTWAX_BASE_URL": oms.URL(), "HOTWAX_TOKEN": oms.Token(), "HOTWAX_PRODUCT_STORE_ID": "STORE",
		"PREORDERBOT_DB_PATH": filepath.Join(t.TempDir(), "bot.db"), "PREORDERBOT_HTTP_ADDR": freeAddr(t),
		"PREORDERBOT_ADMIN_ADDR": freeAddr(t), "HOTWAX_JOB_ASSOCIATION": "JOB_UPD_PROD_ASSOC",
	})
	var stderr bytes.Buffer
	code := run(context.Background(), []string{"serve"}, os.Getenv, io.Discard, &stderr)
	assert.Equal(t, 1, code)
	assert.Contains(t, stderr.String(), "slack rejected the tokens")
	assert.Contains(t, stderr.String(), "token_revoked")
}

// syncWriter lets the test read what serve logs from another goroutine.
type syncWriter struct {
	mu sync.Mutex
	w  io.Writer
}

func (s *syncWriter) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.w.Write(p)
}

func waitUntil(t *testing.T, what string, cond func() bool) {
	t.Helper()
	waitWithin(t, what, 20*time.Second, cond)
}

// waitWithin polls cond until it holds, failing the test after d.
func waitWithin(t *testing.T, what string, d time.Duration, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(d)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out after %s waiting for %s", d, what)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func waitHTTP(t *testing.T, url string, status int) {
	t.Helper()
	var last string
	deadline := time.Now().Add(20 * time.Second)
	for {
		resp, err := http.Get(url)
		if err == nil {
			body, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if resp.StatusCode == status {
				return
			}
			last = resp.Status + " " + string(body)
		} else {
			last = err.Error()
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s never answered %d; last: %s", url, status, last)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func get(t *testing.T, url string) string {
	t.Helper()
	resp, err := http.Get(url)
	require.NoError(t, err)
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	require.Equal(t, http.StatusOK, resp.StatusCode, "%s: %s", url, body)
	return string(body)
}

func writeFile(path, content string) error { return os.WriteFile(path, []byte(content), 0o600) }

// A Slack outage at start is not a token problem: serve keeps trying, /readyz says why it is not ready,
// and it becomes ready once Slack answers.
func TestServeWaitsOutSlackOutageAtStart(t *testing.T) {
	t.Parallel()
	sl := slacktest.NewTestServer(t, slacktest.Options{})
	oms := hotwaxtest.NewTestServer(t, hotwaxtest.Options{})
	sl.FailHTTPNext("auth.test", 503, 3)
	httpAddr := freeAddr(t)
	env := map[string]string{
		"SLACK_APP_TOKEN": sl.AppToken(), "SLACK_BOT_TOKEN": sl.BotToken(), "SLACK_API_URL": sl.APIURL(),
		"HOTWAX_BASE_URL": oms.URL(), "HOTWAX_TOKEN": oms.Token(), "HOTWAX_PRODUCT_STORE_ID": "STORE",
		"PREORDERBOT_DB_PATH": filepath.Join(t.TempDir(), "bot.db"), "PREORDERBOT_HTTP_ADDR": httpAddr,
		"PREORDERBOT_ADMIN_ADDR": freeAddr(t), "HOTWAX_JOB_ASSOCIATION": "JOB_UPD_PROD_ASSOC",
	}
	getenv := func(k string) string { return env[k] }
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan int, 1)
	go func() { done <- run(ctx, []string{"serve"}, getenv, io.Discard, io.Discard) }()
	waitUntil(t, "the outage on /readyz", func() bool {
		resp, err := http.Get("http://" + httpAddr + "/readyz")
		if err != nil {
			return false
		}
		defer resp.Body.Close()
		body, _ := io.ReadAll(resp.Body)
		return resp.StatusCode == http.StatusServiceUnavailable && strings.Contains(string(body), "auth.test")
	})
	waitHTTP(t, "http://"+httpAddr+"/readyz", http.StatusOK)
	cancel()
	select {
	case code := <-done:
		assert.Equal(t, 0, code)
	case <-time.After(15 * time.Second):
		t.Fatal("serve did not stop")
	}
}
