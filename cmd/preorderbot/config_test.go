package main

import (
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"testing"

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
		{"admin off", map[string]string{"PREORDERBOT_ADMIN_ADDR": ""}, nil},
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
			cfg, err := loadBot()
			if len(tc.want) == 0 {
				require.NoError(t, err)
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
