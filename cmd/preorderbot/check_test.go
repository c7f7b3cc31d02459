package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/preorderbot/preorderbot/diagnostics"
	"github.com/preorderbot/preorderbot/diagnostics/hotwax"
	"github.com/preorderbot/preorderbot/diagnostics/hotwax/hotwaxtest"
)

var (
	_ diagnostics.OMS    = (*hotwax.OMS)(nil)
	_ diagnostics.JobOMS = (*hotwax.OMS)(nil)
	_ checkOMS           = (*hotwax.OMS)(nil)
)

func runCheck(t *testing.T, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errOut bytes.Buffer
	code = runCheckCommand(context.Background(), args, os.Getenv, &out, &errOut)
	return code, out.String(), errOut.String()
}

// setHotWaxEnv points the configuration at a simulated OMS (or clears it with an empty URL).
func setHotWaxEnv(t *testing.T, url, token, store string) {
	t.Helper()
	for k, v := range map[string]string{
		"HOTWAX_BASE_URL": url, "HOTWAX_TOKEN": token, "HOTWAX_USERNAME": "", "HOTWAX_PASSWORD": "",
		"HOTWAX_PRODUCT_STORE_ID": store, "HOTWAX_PARENT_SHOP_ID": "", "HOTWAX_TIMEOUT": "2s",
	} {
		t.Setenv(k, v)
	}
}

func TestCheckDemoExitCodes(t *testing.T) {
	for _, sc := range hotwaxtest.Scenarios() {
		t.Run(sc.Name, func(t *testing.T) {
			code, stdout, stderr := runCheck(t, "--json", "--demo", sc.Name, sc.SKUs[0])
			var out checkOutput
			require.NoError(t, json.Unmarshal([]byte(stdout), &out), stderr)
			require.Len(t, out.Reports, 1)
			assert.Equal(t, diagnostics.Cause(sc.Cause), out.Reports[0].Cause)
			want := exitProblem
			if diagnostics.Cause(sc.Cause) == diagnostics.CauseHealthy {
				want = exitHealthy
			}
			assert.Equal(t, want, code)
			assert.Empty(t, stderr)
		})
	}
}

func TestCheckJSON(t *testing.T) {
	code, stdout, _ := runCheck(t, "--demo", "unknown-sku", "--json", "HW-NOPE-1")
	require.Equal(t, exitProblem, code)
	var doc map[string]any
	require.NoError(t, json.Unmarshal([]byte(stdout), &doc))
	assert.Equal(t, float64(7), doc["omsCalls"], "an unknown SKU needs only the store-wide requests and one for similar SKUs")
	require.Contains(t, doc, "elapsedMs")
	doc["elapsedMs"] = 0
	got, err := json.Marshal(doc)
	require.NoError(t, err)
	skip := func(id string) string {
		return `{"id":"` + id + `","status":"skip","summary":"SKU not found","evidence":[]}`
	}
	assert.JSONEq(t, `{"reports":[{"sku":"HW-NOPE-1","productStoreId":"STORE","product":null,"status":"fail",
		"cause":"unknown-sku","causes":["unknown-sku"],
		"checks":[{"id":"product","status":"fail","summary":"SKU HW-NOPE-1 is not a product of store STORE",
			"evidence":[{"label":"search","value":"no product document with this sku or internalName"}]},
			`+skip("preorder-category")+`,`+skip("shop-links")+`,`+skip("association-job")+`,`+skip("association-timing")+`,
			`+skip("presell-refresh-job")+`,`+skip("catalog-sync-job")+`,`+skip("job-failures")+`,`+skip("shop-listing")+`],
		"shops":[{"shopId":"10003","name":"Acme AU","role":"disconnected","linked":false},
			{"shopId":"10001","name":"Acme CA","role":"child","linked":false},
			{"shopId":"10002","name":"Acme UK","role":"child","linked":false},
			{"shopId":"10000","name":"Acme US","role":"parent","linked":false}],
		"remedies":[{"kind":"recheck","job":"","shopId":""},{"kind":"escalate","job":"","shopId":""}]}],
		"omsCalls":7,"elapsedMs":0}`, string(got))
}

func TestCheckJSONStructure(t *testing.T) {
	code, stdout, _ := runCheck(t, "--json", "--demo", "association-job-not-scheduled", "HW-BOOT-42", "HW-JACKET-M")
	require.Equal(t, exitProblem, code, "one problem is enough for exit 1")
	var out checkOutput
	require.NoError(t, json.Unmarshal([]byte(stdout), &out))
	require.Len(t, out.Reports, 2)
	boot := out.Reports[0]
	assert.Equal(t, &checkProduct{ProductID: "20021", Name: "Trail Boot 42"}, boot.Product)
	assert.Equal(t, []checkRemedy{
		{Kind: "schedule-job", Job: "JOB_UPD_PROD_ASSOC", ShopID: "10001"}, {Kind: "run-job", Job: "JOB_UPD_PROD_ASSOC", ShopID: "10001"},
		{Kind: "schedule-job", Job: "JOB_UPD_PROD_ASSOC", ShopID: "10002"}, {Kind: "run-job", Job: "JOB_UPD_PROD_ASSOC", ShopID: "10002"},
		{Kind: "recheck"}, {Kind: "escalate"},
	}, boot.Remedies)
	assert.Equal(t, []checkShop{
		{ShopID: "10003", Name: "Acme AU", Role: "disconnected"}, {ShopID: "10001", Name: "Acme CA", Role: "child"},
		{ShopID: "10002", Name: "Acme UK", Role: "child"}, {ShopID: "10000", Name: "Acme US", Role: "parent", Linked: true},
	}, boot.Shops)
	var ids []diagnostics.CheckID
	for _, c := range boot.Checks {
		ids = append(ids, c.ID)
	}
	assert.Equal(t, diagnostics.CheckIDs, ids)
	assert.Equal(t, diagnostics.Cause("healthy"), out.Reports[1].Cause)
	assert.Equal(t, 11, out.OMSCalls, "two SKUs cost what one does")
}

func TestCheckText(t *testing.T) {
	code, stdout, stderr := runCheck(t, "HW-SOCK-S", "--demo", "needs-manual-link")
	require.Equal(t, exitProblem, code, stderr)
	lines := strings.Split(stdout, "\n")
	require.GreaterOrEqual(t, len(lines), 3)
	assert.Equal(t, "HW-SOCK-S  Merino Sock S (20077) · store STORE", lines[0])
	assert.Equal(t, "✗ needs-manual-link: the jobs are fine but the product is still not linked to a child shop: link it by hand", lines[1], "verdict first")
	for _, want := range []string{
		"  ✗ shop-links           not linked to Acme CA",
		"        Acme CA: not linked",
		"Shops (parent inferred: the only shop with a pending product import job (JOB_IMP_PROD_UPD))",
		"  SHOP   NAME     ROLE          LINKED  ASSOCIATION JOB       LAST SYNC          LISTING",
		"  10001  Acme CA  child         no      scheduled every hour  ",
		"  1. Link product to Acme CA [shop 10001, productId=20077]",
		"  2. Re-check",
		"  3. Escalate to HotWax Support",
		"10 OMS requests, ",
	} {
		assert.Contains(t, stdout, want)
	}
	assert.NotContains(t, stdout, "\x1b[", "no colour when stdout is not a terminal")
}

func TestCheckColour(t *testing.T) {
	p := palette{on: true}
	assert.Equal(t, "\x1b[32m✓\x1b[0m", p.status(diagnostics.StatusPass))
	assert.Equal(t, "✗", palette{}.status(diagnostics.StatusFail))
	var buf bytes.Buffer
	assert.False(t, useColour(&buf, os.Getenv))
}

func TestCheckBadInput(t *testing.T) {
	many := []string{"--demo", "healthy"}
	for range diagnostics.MaxSKUs + 1 {
		many = append(many, "HW-JACKET-M")
	}
	tests := []struct {
		name string
		args []string
		want string
	}{
		{name: "no SKU", args: []string{"--demo", "healthy"}, want: "no SKU given"},
		{name: "blank SKU", args: []string{"--demo", "healthy", "HW-JACKET-M", "  "}, want: "SKU number 2 is empty"},
		{name: "empty SKU after --", args: []string{"--demo", "healthy", "--", ""}, want: "SKU number 1 is empty"},
		{name: "too many SKUs", args: many, want: "101 SKUs given; check at most 100 at a time"},
		{name: "unknown flag", args: []string{"--verbose", "HW-JACKET-M"}, want: "flag provided but not defined: -verbose"},
		{name: "unknown scenario", args: []string{"--demo", "sunny", "HW-JACKET-M"}, want: `unknown scenario "sunny"; scenarios: healthy, association-job-not-scheduled`},
		{name: "malformed store", args: []string{"--demo", "healthy", "--store", "a b", "HW-JACKET-M"}, want: `--store "a b" is not a product store id`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, stdout, stderr := runCheck(t, tt.args...)
			assert.Equal(t, exitUncertain, code)
			assert.Empty(t, stdout)
			assert.Contains(t, stderr, tt.want)
		})
	}
}

func TestCheckHelp(t *testing.T) {
	code, _, stderr := runCheck(t, "-h")
	assert.Equal(t, 0, code)
	assert.Contains(t, stderr, "Usage: preorderbot check [flags] SKU [SKU …]")
	assert.Contains(t, stderr, "-demo")
}

func TestCheckConfigured(t *testing.T) {
	srv := hotwaxtest.NewTestServer(t, hotwaxtest.Options{Scenario: hotwaxtest.ScenarioHealthy})
	t.Run("healthy store", func(t *testing.T) {
		setHotWaxEnv(t, srv.URL(), srv.Token(), "STORE")
		code, stdout, stderr := runCheck(t, "HW-JACKET-M", "HW-JACKET-L")
		assert.Equal(t, exitHealthy, code, stderr)
		assert.Contains(t, stdout, "✓ healthy: linked and listed in every connected shop")
		assert.NotContains(t, stdout+stderr, srv.Token())
	})
	t.Run("store from the flag", func(t *testing.T) {
		setHotWaxEnv(t, srv.URL(), srv.Token(), "")
		code, _, stderr := runCheck(t, "--store", "STORE", "HW-JACKET-M")
		assert.Equal(t, exitHealthy, code, stderr)
	})
	t.Run("no store", func(t *testing.T) {
		setHotWaxEnv(t, srv.URL(), srv.Token(), "")
		code, _, stderr := runCheck(t, "HW-JACKET-M")
		assert.Equal(t, exitUncertain, code)
		assert.Contains(t, stderr, "no product store: set HOTWAX_PRODUCT_STORE_ID or pass --store")
	})
	t.Run("no configuration", func(t *testing.T) {
		setHotWaxEnv(t, "", "", "STORE")
		code, _, stderr := runCheck(t, "HW-JACKET-M")
		assert.Equal(t, exitUncertain, code)
		assert.Contains(t, stderr, "HOTWAX_BASE_URL is not set")
	})
	t.Run("OMS rejects the token", func(t *testing.T) {
		setHotWaxEnv(t, srv.URL(), "not-the-token", "STORE")
		code, stdout, stderr := runCheck(t, "--json", "HW-JACKET-M")
		assert.Equal(t, exitUncertain, code)
		assert.Equal(t, 1, strings.Count(stderr, "\n"), "every call failed the same way: said once: %s", stderr)
		assert.Contains(t, stderr, "preorderbot check: product lookup (solr-query), ")
		assert.Contains(t, stderr, "the OMS refused the token")
		assert.Contains(t, stderr, "(fix: replace HOTWAX_TOKEN")
		assert.NotContains(t, stdout+stderr, "not-the-token")
		var out checkOutput
		require.NoError(t, json.Unmarshal([]byte(stdout), &out))
		assert.Equal(t, diagnostics.Cause("oms-unavailable"), out.Reports[0].Cause)
		require.Len(t, out.Reports[0].Failures, 1)
		assert.Equal(t, "credentials", out.Reports[0].Failures[0].Kind)
	})
}

// One source failing: the CLI says it once, labelled with its call, and exits 2 when no cause was found.
func TestCheckDegraded(t *testing.T) {
	garbled := hotwaxtest.Faults{Endpoint: "solr-query", Source: "shopifyCore", Malformed: true}
	t.Run("incomplete, failure said once for two SKUs", func(t *testing.T) {
		srv := hotwaxtest.NewTestServer(t, hotwaxtest.Options{Scenario: hotwaxtest.ScenarioHealthy, Faults: garbled})
		setHotWaxEnv(t, srv.URL(), srv.Token(), "STORE")
		code, stdout, stderr := runCheck(t, "HW-JACKET-M", "HW-JACKET-L")
		assert.Equal(t, exitUncertain, code, stderr)
		assert.Empty(t, stderr)
		assert.Equal(t, 2, strings.Count(stdout, "? incomplete: some checks could not run"), stdout)
		assert.Equal(t, 1, strings.Count(stdout, "listings (solr-query shopifyCore) for shops 10000, 10001, 10002: "), stdout)
		assert.Equal(t, 1, strings.Count(stdout, "left unknown: shop-listing"), stdout)
		assert.Equal(t, 1, strings.Count(stdout, "Could not read"), stdout)
	})
	t.Run("a cause found from the rest", func(t *testing.T) {
		srv := hotwaxtest.NewTestServer(t, hotwaxtest.Options{Scenario: hotwaxtest.ScenarioAssociationJobNotScheduled, Faults: garbled})
		setHotWaxEnv(t, srv.URL(), srv.Token(), "STORE")
		code, stdout, stderr := runCheck(t, "--json", "HW-BOOT-42")
		assert.Equal(t, exitProblem, code, stderr)
		var out checkOutput
		require.NoError(t, json.Unmarshal([]byte(stdout), &out))
		assert.Equal(t, diagnostics.Cause("association-job-not-scheduled"), out.Reports[0].Cause)
		require.Len(t, out.Reports[0].Failures, 1)
		f := out.Reports[0].Failures[0]
		assert.Equal(t, "unexpected-answer", f.Kind)
		assert.Equal(t, []diagnostics.CheckID{diagnostics.CheckShopListing}, f.Checks)
		assert.Equal(t, "preorderbot check: "+f.Call+": "+f.Message+" (fix: "+f.Fix+")\n", stderr, "said once, with its call")
	})
	t.Run("network down", func(t *testing.T) {
		srv := hotwaxtest.NewTestServer(t, hotwaxtest.Options{Scenario: hotwaxtest.ScenarioHealthy})
		url := srv.URL()
		srv.Close()
		setHotWaxEnv(t, url, "any-token", "STORE")
		code, stdout, stderr := runCheck(t, "HW-JACKET-M")
		assert.Equal(t, exitUncertain, code, stderr)
		assert.Contains(t, stdout, "? oms-unavailable: the OMS could not be reached")
		assert.Equal(t, 1, strings.Count(stdout, "cannot reach the OMS"), stdout)
		assert.Contains(t, stdout, "fix: check HOTWAX_BASE_URL")
	})
}

func TestCheckRepeatedSKUsCheckedOnce(t *testing.T) {
	code, stdout, _ := runCheck(t, "--demo", "healthy", "--json", "HW-JACKET-M", "HW-JACKET-L", "HW-JACKET-M")
	assert.Equal(t, 0, code)
	var out struct {
		Reports []struct {
			SKU string `json:"sku"`
		} `json:"reports"`
	}
	require.NoError(t, json.Unmarshal([]byte(stdout), &out))
	require.Len(t, out.Reports, 2)
	assert.Equal(t, "HW-JACKET-M", out.Reports[0].SKU)
	assert.Equal(t, "HW-JACKET-L", out.Reports[1].SKU)
}

func TestCheckJSONExplainsFailedRuns(t *testing.T) {
	code, stdout, stderr := runCheck(t, "--json", "--demo", "job-failing", "HW-MITTEN-S")
	require.Equal(t, exitProblem, code, stderr)
	var doc struct {
		Reports []struct {
			Checks []struct {
				ID       string           `json:"id"`
				Evidence []map[string]any `json:"evidence"`
			} `json:"checks"`
		} `json:"reports"`
	}
	require.NoError(t, json.Unmarshal([]byte(stdout), &doc))
	sigs := map[string]any{}
	for _, c := range doc.Reports[0].Checks {
		for _, e := range c.Evidence {
			sig, has := e["signature"]
			assert.Equal(t, c.ID == string(diagnostics.CheckJobFailures), has, "%s evidence %v", c.ID, e)
			if has {
				sigs[e["shopId"].(string)] = sig
			}
		}
	}
	require.Len(t, sigs, 2)
	uk := sigs["10002"].(map[string]any)
	assert.Equal(t, "shopify-throttled", uk["id"])
	assert.Equal(t, true, uk["transient"])
	assert.NotEmpty(t, uk["meaning"])
	assert.Equal(t, map[string]any{"kind": "remedy", "remedy": "run-job", "note": uk["fix"].(map[string]any)["note"]}, uk["fix"])
	assert.Equal(t, "shopify-access-scope", sigs["10001"].(map[string]any)["id"])
}

func TestCheckRefusesABadSignaturesFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "signatures.json")
	require.NoError(t, os.WriteFile(path, []byte("[\n  {\"id\": \"erp-down\", \"match\": [{\"contains\": \"ERP\"}],\n   \"meaning\": \"\", \"fix\": {\"kind\": \"steps\", \"steps\": [\"Wait.\"]}}\n]"), 0o600))
	t.Setenv("PREORDERBOT_SIGNATURES_FILE", path)
	code, stdout, stderr := runCheck(t, "--demo", "job-failing", "HW-GLOVE-L")
	assert.Equal(t, exitUncertain, code)
	assert.Empty(t, stdout)
	assert.Contains(t, stderr, "PREORDERBOT_SIGNATURES_FILE: "+path+`:3: signature "erp-down": meaning is empty`)
}

func TestCheckTextExplainsFailedRuns(t *testing.T) {
	code, stdout, stderr := runCheck(t, "--demo", "job-failing", "HW-MITTEN-S")
	require.Equal(t, exitProblem, code, stderr)
	assert.Contains(t, stdout, "→ shopify-throttled: Shopify refused the calls because the app made too many at once; this passes by itself. Fix: run the job again")
	assert.Contains(t, stdout, "→ shopify-access-scope: HotWax's Shopify app is missing a permission")
}

// A wrong password is one failure, printed once, naming the variables to fix, and costs one login.
func TestCheckWrongPasswordSaysItOnce(t *testing.T) {
	srv := hotwaxtest.NewTestServer(t, hotwaxtest.Options{Scenario: hotwaxtest.ScenarioHealthy, Username: "integration", Password: "right"})
	setHotWaxEnv(t, srv.URL(), "", "STORE")
	t.Setenv("HOTWAX_USERNAME", "integration")
	t.Setenv("HOTWAX_PASSWORD", "wrong-pass")
	code, stdout, stderr := runCheck(t, "HW-JACKET-M")
	assert.Equal(t, exitUncertain, code, stderr)
	out := stdout + stderr
	assert.Equal(t, 1, strings.Count(out, "the OMS refused the login"), out)
	assert.Equal(t, 1, strings.Count(out, "check HOTWAX_USERNAME and HOTWAX_PASSWORD"), out)
	assert.NotContains(t, out, "wrong-pass")
	assert.Equal(t, map[string]int{"login": 1}, srv.Counts(), "a refused login stops the run: no read is attempted after it")
}
