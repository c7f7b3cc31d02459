package main

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/preorderbot/preorderbot/store"
)

// Ids where names belong, odd operator entries, a clear-text webhook and an exposed admin listener are
// refused at start with the variable's name.
func TestConfigRefusesWrongKindsOfValue(t *testing.T) {
	const webhookSecret = "T000/B000/hooksecret"
	cases := []struct {
		name   string
		change map[string]string
		want   []string // each must appear in the error; empty: valid
	}{
		{"ids as the config takes them", map[string]string{"PREORDERBOT_SUPPORT_CHANNEL": "C0SUPPORT",
			"PREORDERBOT_OPERATORS": "U0ANA, W0BEN,", "PREORDERBOT_OPERATOR_GROUPS": "S0OPS",
			"PREORDERBOT_SUPPORT_WEBHOOK_URL": "https://hooks.example.com/" + webhookSecret}, nil},
		{"channel name", map[string]string{"PREORDERBOT_SUPPORT_CHANNEL": "#hotwax-support"},
			[]string{`PREORDERBOT_SUPPORT_CHANNEL="#hotwax-support" is not a channel id`, "Channel ID"}},
		{"user id as the support channel", map[string]string{"PREORDERBOT_SUPPORT_CHANNEL": "U0ANA"},
			[]string{"PREORDERBOT_SUPPORT_CHANNEL"}},
		{"operator names", map[string]string{"PREORDERBOT_OPERATORS": "U0ANA,@ben,<@U0CAT>"},
			[]string{"PREORDERBOT_OPERATORS", `"@ben"`, `"<@U0CAT>"`, "U… or W…"}},
		{"group id among operators", map[string]string{"PREORDERBOT_OPERATORS": "S0OPS"},
			[]string{"PREORDERBOT_OPERATORS", `"S0OPS"`}},
		{"user id among groups", map[string]string{"PREORDERBOT_OPERATOR_GROUPS": "U0ANA"},
			[]string{"PREORDERBOT_OPERATOR_GROUPS", `"U0ANA"`, "S…"}},
		{"group handle", map[string]string{"PREORDERBOT_OPERATOR_GROUPS": "@ops-team"},
			[]string{"PREORDERBOT_OPERATOR_GROUPS", `"@ops-team"`}},
		{"http webhook", map[string]string{"PREORDERBOT_SUPPORT_WEBHOOK_URL": "http://hooks.example.com/" + webhookSecret},
			[]string{"PREORDERBOT_SUPPORT_WEBHOOK_URL must be an https:// URL"}},
		{"webhook without a host", map[string]string{"PREORDERBOT_SUPPORT_WEBHOOK_URL": "hooks.example.com/" + webhookSecret},
			[]string{"PREORDERBOT_SUPPORT_WEBHOOK_URL"}},
		{"ftp webhook", map[string]string{"PREORDERBOT_SUPPORT_WEBHOOK_URL": "ftp://hooks.example.com/" + webhookSecret},
			[]string{"PREORDERBOT_SUPPORT_WEBHOOK_URL must be an https:// URL"}},
		{"http webhook on loopback", map[string]string{"PREORDERBOT_SUPPORT_WEBHOOK_URL": "http://127.0.0.1:9000/" + webhookSecret}, nil},
		{"http webhook on localhost", map[string]string{"PREORDERBOT_SUPPORT_WEBHOOK_URL": "http://localhost:9000/hook"}, nil},
		{"admin on every interface", map[string]string{"PREORDERBOT_ADMIN_ADDR": ":8081"},
			[]string{`PREORDERBOT_ADMIN_ADDR=":8081" listens beyond this host`, "PREORDERBOT_ADMIN_TOKEN"}},
		{"admin on a public address", map[string]string{"PREORDERBOT_ADMIN_ADDR": "0.0.0.0:8081"},
			[]string{"PREORDERBOT_ADMIN_ADDR", "PREORDERBOT_ADMIN_TOKEN"}},
		{"admin on every interface with a token", map[string]string{"PREORDERBOT_ADMIN_ADDR": ":8081",
			"PREORDERBOT_ADMIN_TOKEN": "admin-secret"}, nil},
		{"admin on ipv6 loopback", map[string]string{"PREORDERBOT_ADMIN_ADDR": "[::1]:8081"}, nil},
		{"admin off", map[string]string{"PREORDERBOT_ADMIN_ADDR": "off"}, nil},
		{"duration without a unit", map[string]string{"PREORDERBOT_WATCH_TIMEOUT": "90"},
			[]string{`PREORDERBOT_WATCH_TIMEOUT="90" is not a duration: a number and a unit, like 10s or 2m`}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			setEnv(t, validEnv())
			for _, k := range []string{"PREORDERBOT_SUPPORT_CHANNEL", "PREORDERBOT_OPERATORS", "PREORDERBOT_OPERATOR_GROUPS",
				"PREORDERBOT_SUPPORT_WEBHOOK_URL", "PREORDERBOT_ADMIN_ADDR", "PREORDERBOT_ADMIN_TOKEN", "PREORDERBOT_WATCH_TIMEOUT"} {
				if v, ok := tc.change[k]; ok {
					t.Setenv(k, v)
				}
			}
			cfg, err := loadBot(os.Getenv)
			if len(tc.want) == 0 {
				require.NoError(t, err)
				if tc.change["PREORDERBOT_ADMIN_ADDR"] == "off" {
					assert.Empty(t, cfg.AdminAddr, "off: no admin listener")
				}
				if tc.change["PREORDERBOT_OPERATORS"] != "" {
					assert.Equal(t, []string{"U0ANA", "W0BEN"}, cfg.Operators, "spaces and empty entries dropped")
				}
				return
			}
			require.Error(t, err)
			for _, w := range tc.want {
				assert.Contains(t, err.Error(), w)
			}
			assert.NotContains(t, err.Error(), "hooksecret", "the webhook URL is a secret")
		})
	}
}

func TestAdminTokenGuardsTheBackup(t *testing.T) {
	db, err := store.Open(filepath.Join(t.TempDir(), "bot.db"), store.Options{})
	require.NoError(t, err)
	defer db.Close()
	o := &opsServer{db: db}
	guarded := httptest.NewServer(o.adminHandler("admin-secret"))
	defer guarded.Close()
	for name, header := range map[string]string{"none": "", "wrong": "Bearer admin-secreT",
		"prefix": "Bearer admin-secre", "not bearer": "admin-secret"} {
		req, _ := http.NewRequest(http.MethodGet, guarded.URL+"/backup", nil)
		if header != "" {
			req.Header.Set("Authorization", header)
		}
		resp, err := http.DefaultClient.Do(req)
		require.NoError(t, err)
		resp.Body.Close()
		assert.Equal(t, http.StatusUnauthorized, resp.StatusCode, name)
	}
	req, _ := http.NewRequest(http.MethodGet, guarded.URL+"/backup", nil)
	req.Header.Set("Authorization", "Bearer admin-secret")
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	resp.Body.Close()
	assert.Equal(t, http.StatusOK, resp.StatusCode)

	open := httptest.NewServer(o.adminHandler(""))
	defer open.Close()
	resp, err = http.Get(open.URL + "/backup")
	require.NoError(t, err)
	resp.Body.Close()
	assert.Equal(t, http.StatusOK, resp.StatusCode, "without a token the loopback listener stays open")
}

// The configuration is read through the getenv that run is given, never from the process environment:
// a variable only given to the seam counts, one only in the process environment does not.
func TestConfigReadsOnlyTheGetenvSeam(t *testing.T) {
	env := validEnv()
	env["PREORDERBOT_WORKERS"] = "3"
	env["HOTWAX_TIMEOUT"] = "7s"
	env["PREORDERBOT_OPERATORS"] = "U0ANA,W0BEN"
	env["HOTWAX_USERNAME"] = "" // empty reads as unset
	getenv := func(k string) string { return env[k] }
	t.Setenv("PREORDERBOT_DB_PATH", "/from/the/process/env.db")
	t.Setenv("PREORDERBOT_SUPPORT_CHANNEL", "C0PROCESS")
	t.Setenv("USERNAME", "shell-user") // envconfig's bare-tag fallback for HOTWAX_USERNAME
	t.Setenv("SLACK_BOT_TOKEN", "xoxb-from-process")

	cfg, err := loadBot(getenv)
	require.NoError(t, err)
	assert.Equal(t, 3, cfg.Workers)
	assert.Equal(t, 7*time.Second, cfg.HotWax.Timeout)
	assert.Equal(t, []string{"U0ANA", "W0BEN"}, cfg.Operators)
	assert.Equal(t, "xoxb-1-secretbot", cfg.Slack.BotToken, "the seam's value, not the process's")
	assert.Equal(t, "./preorderbot.db", cfg.DBPath, "a variable only in the process environment is not read")
	assert.Empty(t, cfg.SupportChannel)
	assert.Empty(t, cfg.HotWax.Username)
	assert.Equal(t, "JOB_REL_PREODR_CAT", cfg.HotWax.JobPresellRefresh, "defaults still apply")

	hw, err := loadHotWax(getenv)
	require.NoError(t, err)
	assert.Equal(t, "jwt-secret", hw.Token)

	_, err = loadBot(func(k string) string {
		if k == "PREORDERBOT_WORKERS" {
			return "many"
		}
		return env[k]
	})
	require.EqualError(t, err, `PREORDERBOT_WORKERS="many" is not a whole number, like 4`)
}

// serve reads its configuration through run's getenv: a process environment with a wrong token does not
// matter when the seam holds a valid configuration, and the seam's wrong token is refused.
func TestServeReadsTheSeam(t *testing.T) {
	env := validEnv()
	env["SLACK_APP_TOKEN"] = "xoxb-1-secretbot"
	t.Setenv("SLACK_APP_TOKEN", "xapp-1-A1-processapp")
	var stderr bytes.Buffer
	code := run(context.Background(), []string{"serve"}, func(k string) string { return env[k] }, io.Discard, &stderr)
	assert.Equal(t, 2, code)
	assert.Contains(t, stderr.String(), "SLACK_APP_TOKEN holds a xoxb-… token")
}
