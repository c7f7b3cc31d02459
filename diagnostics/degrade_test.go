package diagnostics_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/preorderbot/preorderbot/diagnostics"
	"github.com/preorderbot/preorderbot/diagnostics/hotwax"
	"github.com/preorderbot/preorderbot/diagnostics/hotwax/hotwaxtest"
)

// A source that fails costs only the checks that read it; the verdict is ranked from the rest.
func TestDegradePerSource(t *testing.T) {
	listingsGarbled := hotwaxtest.Faults{Endpoint: "solr-query", Source: "shopifyCore", Malformed: true}
	tests := []struct {
		name     string
		scenario string
		sku      string
		faults   hotwaxtest.Faults
		causes   []diagnostics.Cause
		checks   []diagnostics.Status
		kind     diagnostics.FailureKind
		call     string
		unread   []diagnostics.CheckID
	}{
		{
			name: "listings garbled, a real cause still found", scenario: hotwaxtest.ScenarioAssociationJobNotScheduled, sku: "HW-BOOT-42",
			faults: listingsGarbled, causes: []diagnostics.Cause{"association-job-not-scheduled"},
			checks: []diagnostics.Status{P, P, F, F, S, P, P, P, U},
			kind:   diagnostics.FailureUnexpected, call: "listings (solr-query shopifyCore) for shop 10000", unread: []diagnostics.CheckID{diagnostics.CheckShopListing},
		},
		{
			name: "listings garbled on a healthy product: incomplete", scenario: hotwaxtest.ScenarioHealthy, sku: "HW-JACKET-M",
			faults: listingsGarbled, causes: []diagnostics.Cause{"incomplete"},
			checks: []diagnostics.Status{P, P, P, P, P, P, P, P, U},
			kind:   diagnostics.FailureUnexpected, call: "listings (solr-query shopifyCore) for shops 10000, 10001, 10002", unread: []diagnostics.CheckID{diagnostics.CheckShopListing},
		},
		{
			name: "shop links refused by the OMS", scenario: hotwaxtest.ScenarioPresellJobsDisabled, sku: "HW-BEANIE-BLK",
			faults: hotwaxtest.Faults{Endpoint: "performFind", Source: "ShopifyShopProduct", OMSError: "Entity ShopifyShopProduct is not readable"},
			causes: []diagnostics.Cause{"presell-jobs-disabled"},
			checks: []diagnostics.Status{P, P, U, U, U, F, F, P, U},
			kind:   diagnostics.FailureOMSError, call: "shop links (performFind ShopifyShopProduct)",
			unread: []diagnostics.CheckID{diagnostics.CheckShopLinks, diagnostics.CheckAssociationJob, diagnostics.CheckAssociationTime, diagnostics.CheckShopListing},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, client, _ := simulated(t, hotwaxtest.Options{Scenario: tt.scenario, Faults: tt.faults})
			reports, err := diagnostics.New(client, diagnostics.Options{Jobs: defaultJobs}).Run(context.Background(), "STORE", []string{tt.sku})
			require.NoError(t, err)
			r := reports[0]
			assert.Equal(t, tt.causes, r.Causes)
			assert.Equal(t, tt.checks, statusesOf(r), "checks: %+v", r.Checks)
			require.Len(t, r.Failures, 1, "%+v", r.Failures)
			assert.Equal(t, tt.kind, r.Failures[0].Kind)
			assert.Equal(t, tt.call, r.Failures[0].Call)
			assert.Equal(t, tt.unread, r.Failures[0].Checks)
		})
	}
}

// The OMS cannot be reached: oms-unavailable, said once, with what to check.
func TestNetworkDown(t *testing.T) {
	dead := httptest.NewServer(http.NotFoundHandler())
	addr := dead.URL
	dead.Close() // nothing listens there any more
	hc, err := hotwax.New(hotwax.Options{BaseURL: addr, Token: "t", RetryWait: time.Millisecond, Timeout: time.Second})
	require.NoError(t, err)
	client := hotwax.NewOMS(hc)
	reports, err := diagnostics.New(client, diagnostics.Options{Jobs: defaultJobs}).Run(context.Background(), "STORE", []string{"HW-JACKET-M"})
	require.NoError(t, err)
	r := reports[0]
	assert.Equal(t, []diagnostics.Cause{diagnostics.CauseOMSUnavailable}, r.Causes)
	require.Len(t, r.Failures, 1, "%+v", r.Failures)
	f := r.Failures[0]
	assert.Equal(t, diagnostics.FailureUnreachable, f.Kind)
	assert.Contains(t, f.Message, "cannot reach the OMS")
	assert.Contains(t, f.Message, "connection refused")
	assert.Contains(t, f.Fix, "HOTWAX_BASE_URL")
	assert.Contains(t, f.Call, "product lookup")
	assert.Contains(t, f.Call, "scheduled jobs (findJobs)")
}

// Refused credentials name the variable to fix.
func TestCredentialsRefused(t *testing.T) {
	t.Run("token", func(t *testing.T) {
		srv, client, _ := simulated(t, hotwaxtest.Options{Scenario: hotwaxtest.ScenarioHealthy, Faults: hotwaxtest.Faults{ExpireTokens: true}})
		reports, err := diagnostics.New(client, diagnostics.Options{Jobs: defaultJobs}).Run(context.Background(), "STORE", []string{"HW-JACKET-M"})
		require.NoError(t, err)
		r := reports[0]
		assert.Equal(t, []diagnostics.Cause{diagnostics.CauseOMSUnavailable}, r.Causes)
		require.Len(t, r.Failures, 1, "%+v", r.Failures)
		assert.Equal(t, diagnostics.FailureCredentials, r.Failures[0].Kind)
		assert.Contains(t, r.Failures[0].Fix, "HOTWAX_TOKEN")
		assert.NotContains(t, r.Failures[0].Fix, "HOTWAX_PASSWORD")
		assert.NotContains(t, r.Failures[0].Message, srv.Token())
	})
	t.Run("login", func(t *testing.T) {
		srv := hotwaxtest.NewTestServer(t, hotwaxtest.Options{Scenario: hotwaxtest.ScenarioHealthy, Username: "bot", Password: "right"})
		hc, err := hotwax.New(hotwax.Options{BaseURL: srv.URL(), Username: "bot", Password: "wrong-secret", RetryWait: time.Millisecond})
		require.NoError(t, err)
		client := hotwax.NewOMS(hc)
		reports, err := diagnostics.New(client, diagnostics.Options{Jobs: defaultJobs}).Run(context.Background(), "STORE", []string{"HW-JACKET-M"})
		require.NoError(t, err)
		r := reports[0]
		assert.Equal(t, []diagnostics.Cause{diagnostics.CauseOMSUnavailable}, r.Causes)
		require.Len(t, r.Failures, 1, "%+v", r.Failures)
		f := r.Failures[0]
		assert.Equal(t, diagnostics.FailureCredentials, f.Kind)
		assert.Contains(t, f.Fix, "HOTWAX_USERNAME")
		assert.Contains(t, f.Fix, "HOTWAX_PASSWORD")
		assert.Contains(t, f.Message, "The password was not correct")
		assert.NotContains(t, f.Message+f.Fix+f.Call, "wrong-secret")
	})
}
