package main

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/preorderbot/preorderbot/diagnostics"
	"github.com/preorderbot/preorderbot/diagnostics/hotwax/hotwaxtest"
)

func runSweepCLI(t *testing.T, env map[string]string, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errOut bytes.Buffer
	getenv := func(k string) string { // env over the process environment setHotWaxEnv set
		if v, ok := env[k]; ok {
			return v
		}
		return os.Getenv(k)
	}
	code = runSweep(context.Background(), args, getenv, &out, &errOut)
	return code, out.String(), errOut.String()
}

func TestSweepJSONAndCSV(t *testing.T) {
	csvPath := filepath.Join(t.TempDir(), "sweep.csv")
	code, stdout, stderr := runSweepCLI(t, nil, "--demo", "--demo-skus", "200", "--seed", "5", "--json", "--csv", csvPath)
	assert.Equal(t, exitSweepProblems, code, stderr)
	assert.Empty(t, stderr, "no progress when stderr is not a terminal")

	var doc map[string]json.RawMessage
	require.NoError(t, json.Unmarshal([]byte(stdout), &doc))
	for _, k := range []string{"store", "startedAt", "elapsedMs", "omsCalls", "skus", "byCause", "byShop", "failedBatches", "results"} {
		assert.Contains(t, doc, k)
	}
	var out sweepOutput
	require.NoError(t, json.Unmarshal([]byte(stdout), &out))
	assert.Equal(t, "STORE", out.Store)
	assert.Equal(t, 202, out.SKUs)
	assert.Len(t, out.Results, out.SKUs)
	assert.Positive(t, out.OMSCalls)
	var first map[string]json.RawMessage
	var raw struct {
		Results []map[string]json.RawMessage `json:"results"`
	}
	require.NoError(t, json.Unmarshal([]byte(stdout), &raw))
	first = raw.Results[0]
	assert.ElementsMatch(t, []string{"sku", "productId", "cause", "causes", "failing", "shopsNotListed"}, keys(first), "compact per SKU")

	f, err := os.Open(csvPath)
	require.NoError(t, err)
	defer f.Close()
	rows, err := csv.NewReader(f).ReadAll()
	require.NoError(t, err)
	assert.Equal(t, []string{"sku", "productId", "cause", "causes", "failing", "shopsNotListed"}, rows[0])
	assert.Len(t, rows, out.SKUs+1)
}

func keys(m map[string]json.RawMessage) []string {
	var ks []string
	for k := range m {
		ks = append(ks, k)
	}
	return ks
}

func TestSweepText(t *testing.T) {
	code, stdout, _ := runSweepCLI(t, nil, "--demo", "--demo-skus", "150", "--max-skus", "100")
	assert.Equal(t, exitSweepProblems, code)
	byCause := strings.Index(stdout, "By cause:")
	byShop := strings.Index(stdout, "By shop")
	list := strings.Index(stdout, "SKUs with a problem:")
	require.True(t, byCause > 0 && byShop > byCause && list > byShop, stdout)
	assert.Contains(t, stdout, "Acme UK (10002)")
	for _, line := range strings.Split(stdout[list:], "\n")[2:] {
		assert.NotContains(t, line, " healthy ", "only SKUs with a problem are listed")
	}
}

func TestSweepExitCleanOnAHealthyStore(t *testing.T) {
	srv := hotwaxtest.NewTestServer(t, hotwaxtest.Options{Scenario: hotwaxtest.ScenarioHealthy})
	setHotWaxEnv(t, srv.URL(), srv.Token(), "STORE")
	code, stdout, stderr := runSweepCLI(t, nil)
	assert.Equal(t, exitSweepClean, code, stderr)
	assert.Contains(t, stdout, "Swept 2 SKUs of STORE")
	assert.NotContains(t, stdout, "SKUs with a problem:")
}

func TestSweepBadInput(t *testing.T) {
	srv := hotwaxtest.NewTestServer(t, hotwaxtest.Options{Scenario: hotwaxtest.ScenarioHealthy})
	setHotWaxEnv(t, srv.URL(), srv.Token(), "STORE")
	cases := []struct {
		name string
		env  map[string]string
		args []string
		want string
	}{
		{"unknown store", nil, []string{"--store", "OUTLET"}, `product store "OUTLET" not found; the stores are: STORE`},
		{"hostile store", nil, []string{"--store", "a b:c"}, "is not a product store id"},
		{"argument", nil, []string{"SKU-1"}, "takes flags only"},
		{"negative max", nil, []string{"--max-skus", "-1"}, "--max-skus must not be negative"},
		{"concurrency", map[string]string{"PREORDERBOT_OMS_CONCURRENCY": "zero"}, nil, "PREORDERBOT_OMS_CONCURRENCY"},
		{"rps", map[string]string{"PREORDERBOT_OMS_RPS": "-3"}, nil, "PREORDERBOT_OMS_RPS"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			code, stdout, stderr := runSweepCLI(t, c.env, c.args...)
			assert.Equal(t, exitSweepFailed, code)
			assert.Empty(t, stdout)
			assert.Contains(t, stderr, c.want)
		})
	}
}

func TestSweepOMSDownExitsTwo(t *testing.T) {
	srv := hotwaxtest.NewTestServer(t, hotwaxtest.Options{Scenario: hotwaxtest.ScenarioHealthy})
	srv.SetFaults(hotwaxtest.Faults{ErrorRate: 1})
	setHotWaxEnv(t, srv.URL(), srv.Token(), "STORE")
	code, _, stderr := runSweepCLI(t, nil)
	assert.Equal(t, exitSweepFailed, code)
	assert.Contains(t, stderr, "pre-order categories")
}

func TestSweepCSVNeutralisesFormulas(t *testing.T) {
	var b bytes.Buffer
	require.NoError(t, diagnostics.WriteSweepCSV(&b, []diagnostics.SweepResult{{SKU: "=HYPERLINK(\"x\")", ProductID: "@1", Cause: "healthy"}}))
	assert.Contains(t, b.String(), `'=HYPERLINK`)
	assert.Contains(t, b.String(), `'@1`)
}
