package diagnostics_test

import (
	"context"
	"net/http"
	"runtime"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/preorderbot/preorderbot/diagnostics"
	"github.com/preorderbot/preorderbot/diagnostics/hotwax"
	"github.com/preorderbot/preorderbot/diagnostics/hotwax/hotwaxtest"
)

// The client is what cmd wires in; the chain and the executor must accept it.
var (
	_ diagnostics.OMS    = (*hotwax.OMS)(nil)
	_ diagnostics.JobOMS = (*hotwax.OMS)(nil)
)

const (
	P = diagnostics.StatusPass
	W = diagnostics.StatusWarn
	F = diagnostics.StatusFail
	S = diagnostics.StatusSkip
	U = diagnostics.StatusUnknown
)

type remedyKey struct{ Kind, Job, Shop string }

func remedyKeys(rs []diagnostics.Remedy) []remedyKey {
	out := []remedyKey{}
	for _, r := range rs {
		out = append(out, remedyKey{r.Kind, r.Job, r.ShopID})
	}
	return out
}

func statusesOf(r diagnostics.Report) []diagnostics.Status {
	var out []diagnostics.Status
	for _, c := range r.Checks {
		out = append(out, c.Status)
	}
	return out
}

var (
	recheck  = remedyKey{diagnostics.RemedyRecheck, "", ""}
	escalate = remedyKey{diagnostics.RemedyEscalate, "", ""}
)

// defaultJobs are the job ids of the simulated OMS: a HotWax instance's defaults.
var defaultJobs = hotwax.DefaultJobs()

// simulated starts a simulated OMS and the chain's view of a client for it; transport lets tests close idle
// connections.
func simulated(t *testing.T, opts hotwaxtest.Options) (*hotwaxtest.Server, *hotwax.OMS, *http.Transport) {
	t.Helper()
	srv, c, tr := simulatedClient(t, opts)
	return srv, hotwax.NewOMS(c), tr
}

// simulatedClient starts a simulated OMS and a client for it.
func simulatedClient(t *testing.T, opts hotwaxtest.Options) (*hotwaxtest.Server, *hotwax.Client, *http.Transport) {
	t.Helper()
	srv := hotwaxtest.NewTestServer(t, opts)
	tr := &http.Transport{}
	t.Cleanup(tr.CloseIdleConnections)
	c, err := hotwax.New(hotwax.Options{BaseURL: srv.URL(), Token: srv.Token(), RetryWait: time.Millisecond, Timeout: 5 * time.Second, HTTPClient: &http.Client{Transport: tr}})
	require.NoError(t, err)
	return srv, c, tr
}

func TestScenarios(t *testing.T) {
	tests := []struct {
		scenario string
		sku      string
		causes   []diagnostics.Cause
		checks   []diagnostics.Status
		remedies []remedyKey
	}{
		{
			scenario: hotwaxtest.ScenarioHealthy, sku: "HW-JACKET-M",
			causes: []diagnostics.Cause{"healthy"}, checks: []diagnostics.Status{P, P, P, P, P, P, P, P, P}, remedies: []remedyKey{},
		},
		{
			scenario: hotwaxtest.ScenarioAssociationJobNotScheduled, sku: "HW-BOOT-42",
			causes: []diagnostics.Cause{"association-job-not-scheduled"}, checks: []diagnostics.Status{P, P, F, F, S, P, P, P, F},
			remedies: []remedyKey{
				{"schedule-job", hotwax.JobAssociation, "10001"}, {"run-job", hotwax.JobAssociation, "10001"},
				{"schedule-job", hotwax.JobAssociation, "10002"}, {"run-job", hotwax.JobAssociation, "10002"}, recheck, escalate,
			},
		},
		{
			scenario: hotwaxtest.ScenarioAssociatedAfterSync, sku: "HW-SCARF-GRN",
			causes: []diagnostics.Cause{"associated-after-sync"}, checks: []diagnostics.Status{P, P, P, P, F, P, P, P, F},
			remedies: []remedyKey{{"run-job", hotwax.JobCatalogSync, "10001"}, recheck, escalate},
		},
		{
			scenario: hotwaxtest.ScenarioPresellJobsDisabled, sku: "HW-BEANIE-BLK",
			causes: []diagnostics.Cause{"presell-jobs-disabled"}, checks: []diagnostics.Status{P, P, P, P, P, F, F, P, W},
			remedies: []remedyKey{
				{"enable-job", hotwax.JobPresellRefresh, ""}, {"enable-job", hotwax.JobCatalogSync, "10001"},
				{"enable-job", hotwax.JobCatalogSync, "10002"}, {"enable-job", hotwax.JobCatalogSync, "10000"}, recheck, escalate,
			},
		},
		{
			scenario: hotwaxtest.ScenarioJobFailing, sku: "HW-GLOVE-L",
			causes: []diagnostics.Cause{"job-failing"}, checks: []diagnostics.Status{P, P, P, P, P, P, P, F, F},
			remedies: []remedyKey{{"run-job", hotwax.JobCatalogSync, "10001"}, recheck, escalate},
		},
		{
			// UK's failure passes by itself, so running it again comes first; CA's needs escalating.
			scenario: hotwaxtest.ScenarioJobFailing, sku: "HW-MITTEN-S",
			causes: []diagnostics.Cause{"job-failing"}, checks: []diagnostics.Status{P, P, P, P, P, P, P, F, F},
			remedies: []remedyKey{{"run-job", hotwax.JobCatalogSync, "10002"}, {"run-job", hotwax.JobCatalogSync, "10001"}, recheck, escalate},
		},
		{
			scenario: hotwaxtest.ScenarioNeedsManualLink, sku: "HW-SOCK-S",
			causes: []diagnostics.Cause{"needs-manual-link"}, checks: []diagnostics.Status{P, P, F, P, P, P, P, P, F},
			remedies: []remedyKey{{"link-product", "", "10001"}, recheck, escalate},
		},
		{
			scenario: hotwaxtest.ScenarioNotPreorder, sku: "HW-TEE-WHT",
			causes: []diagnostics.Cause{"not-preorder", "presell-jobs-disabled"}, checks: []diagnostics.Status{P, F, P, P, S, F, P, P, W},
			remedies: []remedyKey{{"enable-job", hotwax.JobPresellRefresh, ""}, {"run-job", hotwax.JobPresellRefresh, ""}, recheck, escalate},
		},
		{
			scenario: hotwaxtest.ScenarioUnknownSKU, sku: "HW-NOPE-1",
			causes: []diagnostics.Cause{"unknown-sku"}, checks: []diagnostics.Status{F, S, S, S, S, S, S, S, S},
			remedies: []remedyKey{recheck, escalate},
		},
	}
	for _, tt := range tests {
		t.Run(tt.scenario, func(t *testing.T) {
			_, client, _ := simulated(t, hotwaxtest.Options{Scenario: tt.scenario})
			reports, err := diagnostics.New(client, diagnostics.Options{Jobs: defaultJobs}).Run(context.Background(), "STORE", []string{tt.sku, hotwaxtest.ControlSKU})
			require.NoError(t, err)
			require.Len(t, reports, 2)
			r := reports[0]
			assert.Equal(t, tt.sku, r.SKU)
			assert.Equal(t, tt.causes, r.Causes)
			assert.Equal(t, tt.checks, statusesOf(r), "checks: %+v", r.Checks)
			assert.Equal(t, tt.remedies, remedyKeys(r.Remedies))
			assert.Empty(t, r.Failures)
			assert.LessOrEqual(t, r.OMSCalls, 12)
			assert.Equal(t, r.OMSCalls, int(client.Calls()), "the chain's count is the client's")
		})
	}
}

func TestScenarioEvidence(t *testing.T) {
	t.Run("job failing quotes the OMS message and explains it", func(t *testing.T) {
		_, client, _ := simulated(t, hotwaxtest.Options{Scenario: hotwaxtest.ScenarioJobFailing})
		reports, err := diagnostics.New(client, diagnostics.Options{Jobs: defaultJobs}).Run(context.Background(), "STORE", []string{"HW-GLOVE-L"})
		require.NoError(t, err)
		failures := reports[0].Checks[7]
		require.Equal(t, diagnostics.CheckJobFailures, failures.ID)
		require.Len(t, failures.Evidence, 2, "CA fails; UK fails too, but the SKU is listed there")
		ca, uk := failures.Evidence[0], failures.Evidence[1]
		assert.Equal(t, "SERVICE_FAILED: "+hotwaxtest.CatalogSyncFailure, ca.Value)
		assert.Equal(t, "10001", ca.Shop)
		assert.NotEmpty(t, ca.JobID)
		require.NotNil(t, ca.Signature)
		assert.Equal(t, "shopify-access-scope", ca.Signature.ID)
		assert.Equal(t, diagnostics.FixEscalate, ca.Signature.Fix.Kind)
		assert.Equal(t, "10002", uk.Shop)
		require.NotNil(t, uk.Signature)
		assert.Equal(t, "shopify-throttled", uk.Signature.ID, "the newest UK run decides")
		assert.True(t, uk.Signature.Transient)
		esc := reports[0].Remedies[len(reports[0].Remedies)-1]
		require.Equal(t, diagnostics.RemedyEscalate, esc.Kind)
		assert.Contains(t, esc.Note(), "access scope", "the escalation is prefilled with the signature's note")
	})
	t.Run("late link offers a full sync", func(t *testing.T) {
		_, client, _ := simulated(t, hotwaxtest.Options{Scenario: hotwaxtest.ScenarioAssociatedAfterSync})
		reports, err := diagnostics.New(client, diagnostics.Options{Jobs: defaultJobs}).Run(context.Background(), "STORE", []string{"HW-SCARF-GRN"})
		require.NoError(t, err)
		assert.Equal(t, diagnostics.WithParams(diagnostics.Remedy{Kind: "run-job", Job: hotwax.JobCatalogSync, ShopID: "10001", ShopName: "Acme CA",
			Label: "Run full catalog sync for Acme CA"}, map[string]string{"includeAll": "Y"}), reports[0].Remedies[0])
	})
}

// settled waits until the goroutine count is back to at most n; it reports the last count.
func settled(n int) int {
	deadline := time.Now().Add(3 * time.Second)
	for {
		got := runtime.NumGoroutine()
		if got <= n || time.Now().After(deadline) {
			return got
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func TestFaults(t *testing.T) {
	tests := []struct {
		name   string
		faults hotwaxtest.Faults
		cause  diagnostics.Cause
		kind   diagnostics.FailureKind
		reason string
		checks []diagnostics.Status
	}{
		{name: "500s", faults: hotwaxtest.Faults{ErrorRate: 1}, cause: "oms-unavailable", kind: diagnostics.FailureUnreachable, reason: "HTTP 500",
			checks: []diagnostics.Status{U, U, U, U, U, U, U, U, U}},
		{name: "hang", faults: hotwaxtest.Faults{Hang: true}, cause: "oms-unavailable", kind: diagnostics.FailureUnreachable, reason: "deadline",
			checks: []diagnostics.Status{U, U, U, U, U, U, U, U, U}},
		{name: "malformed JSON", faults: hotwaxtest.Faults{Malformed: true}, cause: "incomplete", kind: diagnostics.FailureUnexpected, reason: "JSON",
			checks: []diagnostics.Status{U, U, U, U, U, U, U, U, U}},
		{name: "OMS error message", faults: hotwaxtest.Faults{OMSError: "Entity ShopifyShopProduct is not readable"}, cause: "incomplete",
			kind: diagnostics.FailureOMSError, reason: "not readable", checks: []diagnostics.Status{U, U, U, U, U, U, U, U, U}},
		{name: "expired token", faults: hotwaxtest.Faults{ExpireTokens: true}, cause: "oms-unavailable", kind: diagnostics.FailureCredentials,
			reason: "token expired", checks: []diagnostics.Status{U, U, U, U, U, U, U, U, U}},
		{name: "one endpoint hangs", faults: hotwaxtest.Faults{Hang: true, Endpoint: "findJobs"}, cause: "oms-unavailable",
			kind: diagnostics.FailureUnreachable, reason: "deadline", checks: []diagnostics.Status{P, P, P, U, U, U, U, U, P}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before := runtime.NumGoroutine()
			srv, client, tr := simulated(t, hotwaxtest.Options{Scenario: hotwaxtest.ScenarioHealthy})
			srv.SetFaults(tt.faults)
			deadline := 300 * time.Millisecond
			start := time.Now()
			reports, err := diagnostics.New(client, diagnostics.Options{Jobs: defaultJobs, Deadline: deadline}).Run(context.Background(), "STORE", []string{"HW-JACKET-M"})
			took := time.Since(start)
			require.NoError(t, err)
			r := reports[0]
			assert.Equal(t, []diagnostics.Cause{tt.cause}, r.Causes)
			assert.Equal(t, diagnostics.StatusUnknown, r.Status)
			require.Len(t, r.Failures, 1, "every call failed the same way, so it is said once: %+v", r.Failures)
			assert.Equal(t, tt.kind, r.Failures[0].Kind)
			assert.Contains(t, r.Failures[0].Message, tt.reason)
			assert.NotContains(t, r.Failures[0].Message, srv.Token())
			assert.Equal(t, tt.checks, statusesOf(r), "checks: %+v", r.Checks)
			assert.Less(t, took, deadline+2*time.Second, "the run ends at its deadline, not at the client's timeout")
			// The simulated OMS holds hanging requests until it closes; the chain's own goroutines must
			// all be gone once it has.
			tr.CloseIdleConnections()
			srv.Close()
			if !assert.LessOrEqual(t, settled(before), before, "no goroutine left behind") {
				buf := make([]byte, 1<<20)
				t.Log(string(buf[:runtime.Stack(buf, true)]))
			}
		})
	}
}
