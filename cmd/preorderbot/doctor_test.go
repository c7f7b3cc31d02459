package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/preorderbot/preorderbot/diagnostics/doctor"
	"github.com/preorderbot/preorderbot/diagnostics/hotwax"
	"github.com/preorderbot/preorderbot/diagnostics/hotwax/hotwaxtest"
)

var _ doctor.OMS = (*hotwax.Client)(nil)

func runDoctorCmd(t *testing.T, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errOut bytes.Buffer
	code = runDoctor(context.Background(), args, os.Getenv, &out, &errOut)
	return code, out.String(), errOut.String()
}

func TestDoctorExitCodesFromTheEnvironment(t *testing.T) {
	srv := hotwaxtest.NewTestServer(t, hotwaxtest.Options{Scenario: hotwaxtest.ScenarioHealthy})

	setHotWaxEnv(t, srv.URL(), srv.Token(), "STORE")
	t.Setenv("HOTWAX_PARENT_SHOP_ID", hotwaxtest.ShopUS)
	code, stdout, stderr := runDoctorCmd(t)
	assert.Equal(t, 0, code, stdout+stderr)
	assert.Contains(t, stdout, "All good")
	assert.NotContains(t, stdout, srv.Token())

	require.NoError(t, srv.SetScenario(hotwaxtest.ScenarioAssociationJobNotScheduled))
	code, stdout, _ = runDoctorCmd(t)
	assert.Equal(t, 1, code)
	assert.Contains(t, stdout, "⚠️ jobs")
	assert.Contains(t, stdout, "What to do:\n⚠️ jobs · Associate Products with Sub Catalog · Acme CA (10001): schedule")

	setHotWaxEnv(t, srv.URL(), "fake-jwt-wrong", "STORE")
	code, stdout, _ = runDoctorCmd(t)
	assert.Equal(t, 2, code)
	assert.Contains(t, stdout, "❌ credentials")
	assert.Contains(t, stdout, "set HOTWAX_TOKEN")
	assert.Contains(t, stdout, "the bot cannot work")
}

func TestDoctorConfigurationErrors(t *testing.T) {
	setHotWaxEnv(t, "", "", "")
	code, _, stderr := runDoctorCmd(t)
	assert.Equal(t, 2, code)
	assert.Contains(t, stderr, "HOTWAX_BASE_URL is not set")

	setHotWaxEnv(t, "http://127.0.0.1:1/api/", "t", "")
	code, _, stderr = runDoctorCmd(t)
	assert.Equal(t, 2, code)
	assert.Contains(t, stderr, "HOTWAX_PRODUCT_STORE_ID")

	code, _, stderr = runDoctorCmd(t, "--demo", "nope")
	assert.Equal(t, 2, code)
	assert.Contains(t, stderr, `unknown scenario "nope"`)
}

func TestDoctorJSON(t *testing.T) {
	code, stdout, stderr := runDoctorCmd(t, "--json", "--demo", hotwaxtest.ScenarioPresellJobsDisabled)
	assert.Equal(t, 1, code, stderr)
	var r doctor.Report
	require.NoError(t, json.Unmarshal([]byte(stdout), &r))
	assert.Equal(t, doctor.Warn, r.Status)
	assert.Equal(t, "STORE", r.ProductStoreID)
	assert.Equal(t, doctor.GenerationDotted, r.ListingGeneration)
	assert.Equal(t, doctor.Parent{ShopID: hotwaxtest.ShopUS, How: "configured"}, r.Parent)
	assert.Positive(t, r.OMSCalls)
	var problems []string
	for _, f := range r.Problems() {
		assert.NotEmpty(t, f.Fix, "every problem says what to do")
		problems = append(problems, f.Item)
	}
	assert.Contains(t, problems, "Auto Refresh Pre-sell Catalog · store STORE")

	var raw map[string]any
	require.NoError(t, json.Unmarshal([]byte(stdout), &raw))
	assert.Equal(t, "warn", raw["status"])
	assert.IsType(t, []any{}, raw["findings"])
}

func TestDoctorDemoTable(t *testing.T) {
	code, stdout, _ := runDoctorCmd(t, "--demo", hotwaxtest.ScenarioHealthy)
	assert.Equal(t, 0, code)
	lines := strings.Split(stdout, "\n")
	require.Greater(t, len(lines), 5)
	assert.True(t, strings.HasPrefix(lines[0], "preorderbot doctor · OMS http://127.0.0.1:"))
	assert.Contains(t, stdout, "✅ credentials  HOTWAX_TOKEN")
	assert.Contains(t, stdout, "the JWT expires on "+time.Now().AddDate(1, 0, 0).UTC().Format("2006-01-02"))
	assert.NotContains(t, stdout, "What to do")
}

func TestDoctorDemoOlderTenant(t *testing.T) {
	code, stdout, stderr := runDoctorCmd(t, "--json", "--demo", hotwaxtest.ScenarioHealthy, "--listing-generation", hotwaxtest.GenerationUnderscore)
	assert.Equal(t, 0, code, stderr)
	var r doctor.Report
	require.NoError(t, json.Unmarshal([]byte(stdout), &r))
	assert.Equal(t, doctor.GenerationUnderscore, r.ListingGeneration, "the strict simulated core refuses the dotted names")

	code, _, stderr = runDoctorCmd(t, "--demo", hotwaxtest.ScenarioHealthy, "--listing-generation", "flat")
	assert.Equal(t, 2, code)
	assert.Contains(t, stderr, `unknown listing generation "flat"`)
}
