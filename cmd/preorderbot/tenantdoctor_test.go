package main

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/preorderbot/preorderbot/bot/slacktest"
	"github.com/preorderbot/preorderbot/diagnostics/hotwax"
	"github.com/preorderbot/preorderbot/diagnostics/hotwax/hotwaxtest"
	"github.com/preorderbot/preorderbot/internal/metricset"
	"github.com/preorderbot/preorderbot/store"
)

type readyBody struct {
	Ready    bool     `json:"ready"`
	Problems []string `json:"problems"`
	Warnings []string `json:"warnings"`
}

func readyz(t *testing.T, o *opsServer) (int, readyBody) {
	t.Helper()
	rec := httptest.NewRecorder()
	o.handler().ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/readyz", nil))
	var body readyBody
	require.NoError(t, json.Unmarshal(rec.Body.Bytes(), &body))
	return rec.Code, body
}

// The doctor's failures make the bot unready and its warnings are listed without doing so.
func TestReadyzListsDoctorProblems(t *testing.T) {
	db, err := store.Open(filepath.Join(t.TempDir(), "ops.db"), store.Options{})
	require.NoError(t, err)
	t.Cleanup(func() { _ = db.Close() })
	srv := hotwaxtest.NewTestServer(t, hotwaxtest.Options{Scenario: hotwaxtest.ScenarioAssociationJobNotScheduled})

	doctorFor := func(token, parent string) *tenantDoctor {
		cfg := HotWaxConfig{BaseURL: srv.URL(), Token: token, ProductStoreID: "STORE", ParentShopID: parent, Timeout: 2 * time.Second}
		c, err := newHotWaxClient(cfg, slog.New(slog.DiscardHandler), nil)
		require.NoError(t, err)
		return newTenantDoctor(c, cfg.doctorOptions(), slog.New(slog.DiscardHandler))
	}
	ops := func(d *tenantDoctor) *opsServer {
		return &opsServer{ready: func() bool { return true }, db: db, oms: newOMSMetrics(metricset.New()), doctor: d, metrics: metricset.New()}
	}

	d := doctorFor(srv.Token(), hotwaxtest.ShopUS)
	code, body := readyz(t, ops(d))
	assert.Equal(t, http.StatusOK, code, "ready before the first doctor run")
	assert.Empty(t, body.Warnings)

	d.Run(context.Background())
	code, body = readyz(t, ops(d))
	assert.Equal(t, http.StatusOK, code, "warnings leave the bot ready")
	assert.True(t, body.Ready)
	assert.Empty(t, body.Problems)
	require.Len(t, body.Warnings, 2)
	assert.Contains(t, body.Warnings[0], "doctor: jobs · Associate Products with Sub Catalog · Acme CA (10001): not scheduled → schedule")

	d = doctorFor(srv.Token(), "99999")
	d.Run(context.Background())
	code, body = readyz(t, ops(d))
	assert.Equal(t, http.StatusServiceUnavailable, code)
	assert.False(t, body.Ready)
	require.Len(t, body.Problems, 1)
	assert.Contains(t, body.Problems[0], "doctor: parent shop · HOTWAX_PARENT_SHOP_ID: configured 99999")
	assert.Len(t, body.Warnings, 3, "with a wrong parent every connected shop is a child")

	d = doctorFor("fake-jwt-revoked", "")
	d.Run(context.Background())
	code, body = readyz(t, ops(d))
	assert.Equal(t, http.StatusServiceUnavailable, code)
	assert.Contains(t, body.Problems[0], "doctor: credentials · HOTWAX_TOKEN")
	assert.Contains(t, body.Problems[0], "set HOTWAX_TOKEN")
	assert.NotContains(t, strings.Join(body.Problems, " "), "fake-jwt-revoked")
}

// A run cut short by shutdown is not remembered: its failures would be about the shutdown.
func TestDoctorRunCancelledIsNotRemembered(t *testing.T) {
	srv := hotwaxtest.NewTestServer(t, hotwaxtest.Options{})
	c, err := hotwax.New(hotwax.Options{BaseURL: srv.URL(), Token: srv.Token()})
	require.NoError(t, err)
	var logs bytes.Buffer
	d := newTenantDoctor(c, HotWaxConfig{ProductStoreID: "STORE"}.doctorOptions(), slog.New(slog.NewJSONHandler(&logs, nil)))
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	d.Run(ctx)
	_, ok := d.latest()
	assert.False(t, ok)
	assert.Empty(t, logs.String())
}

// serve runs the doctor at start without waiting for it, logs what it found, and /readyz reports it.
func TestServeRunsTheDoctorAtStart(t *testing.T) {
	sl := slacktest.NewTestServer(t, slacktest.Options{})
	oms := hotwaxtest.NewTestServer(t, hotwaxtest.Options{Scenario: hotwaxtest.ScenarioAssociationJobNotScheduled})
	httpAddr := freeAddr(t)
	setEnv(t, map[string]string{
		"SLACK_APP_TOKEN": sl.AppToken(), "SLACK_BOT_TOKEN": sl.BotToken(), "SLACK_API_URL": sl.APIURL(),
		"HOTWAX_BASE_URL": oms.URL(), "HOTWAX_TOKEN": oms.Token(), "HOTWAX_PRODUCT_STORE_ID": "STORE",
		"HOTWAX_PARENT_SHOP_ID": "99999",
		"PREORDERBOT_DB_PATH":   filepath.Join(t.TempDir(), "bot.db"), "PREORDERBOT_HTTP_ADDR": httpAddr, "PREORDERBOT_ADMIN_ADDR": freeAddr(t),
	})
	ctx, cancel := context.WithCancel(context.Background())
	var buf bytes.Buffer
	logs := &syncWriter{w: &buf}
	logged := func() string {
		logs.mu.Lock()
		defer logs.mu.Unlock()
		return buf.String()
	}
	done := make(chan int, 1)
	go func() {
		done <- run(ctx, []string{"serve"}, os.Getenv, logs, io.Discard)
	}()
	t.Cleanup(func() {
		cancel()
		<-done
	})

	var body string
	waitUntil(t, "doctor on /readyz", func() bool {
		resp, err := http.Get("http://" + httpAddr + "/readyz")
		if err != nil {
			return false
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		body = string(b)
		return resp.StatusCode == http.StatusServiceUnavailable && strings.Contains(body, "doctor:")
	})
	assert.Contains(t, body, "doctor: parent shop · HOTWAX_PARENT_SHOP_ID: configured 99999, which is not a shop of store STORE")
	assert.Contains(t, body, `"doctor: jobs · Associate Products with Sub Catalog · Acme CA (10001): not scheduled`)
	waitUntil(t, "doctor logged", func() bool { return strings.Count(logged(), `"msg":"doctor problem"`) == 4 })
	log := logged()
	assert.Contains(t, log, `"msg":"doctor: 1 problem: the bot cannot work until it is fixed (3 warnings)."`)
	assert.Contains(t, log, `"fix":"set HOTWAX_PARENT_SHOP_ID to one of: Acme US (10000)`)
	assert.NotContains(t, log, oms.Token())
}
