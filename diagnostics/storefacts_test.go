package diagnostics_test

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/preorderbot/preorderbot/diagnostics"
	"github.com/preorderbot/preorderbot/diagnostics/hotwax"
	"github.com/preorderbot/preorderbot/diagnostics/hotwax/hotwaxtest"
)

// perSKU are the requests a check makes for its SKUs: the product lookup, the links, the memberships and
// a listing query per shop the product is listed in.
var perSKU = map[string]int{
	"solr-query enterpriseSearch":       1,
	"performFind ShopifyShopProduct":    1,
	"performFind ProductCategoryMember": 1,
	"solr-query shopifyCore":            3,
}

func TestStoreFactsWarmCheckAsksOnlyForItsSKUs(t *testing.T) {
	srv := hotwaxtest.NewTestServer(t, hotwaxtest.Options{Scenario: hotwaxtest.ScenarioAssociatedAfterSync})
	hc, err := hotwax.New(hotwax.Options{BaseURL: srv.URL(), Token: srv.Token()})
	require.NoError(t, err)
	client := hotwax.NewOMS(hc)
	facts := diagnostics.NewStoreFacts(time.Hour)
	chain := diagnostics.New(client, diagnostics.Options{Jobs: defaultJobs, StoreFacts: facts})
	ctx := context.Background()
	check := func() (diagnostics.Report, map[string]int) {
		t.Helper()
		srv.ResetCounts()
		reports, err := chain.Run(ctx, "STORE", []string{"HW-SCARF-GRN"})
		require.NoError(t, err)
		return reports[0], srv.CountsBySource()
	}

	cold, counts := check()
	assert.Equal(t, diagnostics.CauseAssociatedAfterSync, cold.Cause)
	assert.Greater(t, counts["findJobs"], 0, "a cold check asks for the jobs")

	warm, counts := check()
	assert.Equal(t, perSKU, counts, "a warm check asks only for its SKU")
	assert.Equal(t, cold.Cause, warm.Cause)
	assert.Equal(t, len(cold.Checks), len(warm.Checks))
	for i := range cold.Checks {
		assert.Equal(t, cold.Checks[i].Status, warm.Checks[i].Status, cold.Checks[i].ID)
	}

	// The bot's own write: the fix runs the CA sync in full. Until the cache is dropped the check still
	// reads the old job rows; after Drop it asks again and sees the run.
	facts.Drop()
	_, counts = check()
	assert.Equal(t, 2, counts["findJobs"], "after Drop the check asks for the jobs again")
	assert.Equal(t, 1, counts["performFind ShopifyShopAndConfig"])
}

func TestStoreFactsExpireAndKeepNoFailure(t *testing.T) {
	srv := hotwaxtest.NewTestServer(t, hotwaxtest.Options{Scenario: hotwaxtest.ScenarioHealthy})
	hc, err := hotwax.New(hotwax.Options{BaseURL: srv.URL(), Token: srv.Token()})
	require.NoError(t, err)
	client := hotwax.NewOMS(hc)
	chain := diagnostics.New(client, diagnostics.Options{Jobs: defaultJobs, StoreFacts: diagnostics.NewStoreFacts(50 * time.Millisecond)})
	ctx := context.Background()

	// A failed store-wide answer is not kept: the next check asks again.
	srv.SetFaults(hotwaxtest.Faults{Endpoint: "findJobs", OMSError: "Error in service findJobs"})
	_, err = chain.Run(ctx, "STORE", []string{hotwaxtest.ControlSKU})
	require.NoError(t, err)
	srv.SetFaults(hotwaxtest.Faults{})
	srv.ResetCounts()
	r, err := chain.Run(ctx, "STORE", []string{hotwaxtest.ControlSKU})
	require.NoError(t, err)
	assert.Equal(t, diagnostics.CauseHealthy, r[0].Cause)
	assert.Equal(t, 2, srv.CountsBySource()["findJobs"], "failed answers are not kept")

	// Past the TTL the facts are asked for again.
	time.Sleep(60 * time.Millisecond)
	srv.ResetCounts()
	_, err = chain.Run(ctx, "STORE", []string{hotwaxtest.ControlSKU})
	require.NoError(t, err)
	assert.Equal(t, 2, srv.CountsBySource()["findJobs"], "expired facts are asked for again")
}
