package diagnostics_test

import (
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/preorderbot/preorderbot/diagnostics"
)

// Remedies stored as JSON in actions written before callers stopped reading parameters by their OMS names
// must still answer in domain words.
func TestStoredRemedyAnswersInDomainWords(t *testing.T) {
	for _, tc := range []struct {
		name, stored string
		fullSync     bool
		limit, note  string
		settings     []string
	}{
		{
			name:     "full sync through includeAll",
			stored:   `{"kind":"run-job","job":"JOB_PREORDER_CAT_SYC","shopId":"10002","shopName":"Acme UK","params":{"includeAll":"Y"},"label":"Run full catalog sync for Acme UK"}`,
			fullSync: true, settings: []string{"includeAll=Y"},
		},
		{
			name:     "full sync through a bulk push job",
			stored:   `{"kind":"run-job","job":"JOB_FULL_PUSH","shopId":"10002","shopName":"Acme UK","label":"Run full catalog sync for Acme UK"}`,
			fullSync: true,
		},
		{
			name:   "delta sync",
			stored: `{"kind":"run-job","job":"JOB_PREORDER_CAT_SYC","shopId":"10002","shopName":"Acme UK","label":"Run Preorder Catalog Sync now for Acme UK"}`,
		},
		{
			name:   "schedule with a limit",
			stored: `{"kind":"schedule-job","job":"JOB_UPD_PROD_ASSOC","shopId":"10001","shopName":"Acme CA","frequency":"HOURLY","params":{"limit":"100"},"label":"Schedule association job for Acme CA"}`,
			limit:  "100", settings: []string{"limit=100"},
		},
		{
			name:   "escalation",
			stored: `{"kind":"escalate","params":{"note":"Grant the scope."},"label":"Escalate to HotWax Support"}`,
			note:   "Grant the scope.", settings: []string{"note=Grant the scope."},
		},
		{
			name:     "several settings in a stable order",
			stored:   `{"kind":"run-job","job":"J","params":{"z":"1","a":"2","m":"3"},"label":"Run J now"}`,
			settings: []string{"a=2", "m=3", "z=1"},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var r diagnostics.Remedy
			require.NoError(t, json.Unmarshal([]byte(tc.stored), &r))
			assert.Equal(t, tc.fullSync, r.FullSync())
			assert.Equal(t, tc.limit, r.Limit())
			assert.Equal(t, tc.note, r.Note())
			assert.Equal(t, tc.settings, r.Settings())

			again, err := json.Marshal(r)
			require.NoError(t, err)
			assert.JSONEq(t, tc.stored, string(again), "a stored remedy must round-trip unchanged")
		})
	}
}

// The follow-up of a manual link is a full sync, whichever job does it.
func TestFollowUpOfLinkIsFullSync(t *testing.T) {
	for _, push := range []string{"", "JOB_FULL_PUSH"} {
		opts := diagnostics.Options{}
		opts.Jobs.CatalogSync, opts.Jobs.FullRepush = "JOB_PREORDER_CAT_SYC", push
		e := diagnostics.NewExecutor(nil, opts)
		r, ok := e.FollowUp(diagnostics.Remedy{Kind: diagnostics.RemedyLinkProduct, ShopID: "10002", ShopName: "Acme UK"})
		require.True(t, ok)
		assert.True(t, r.FullSync(), "full push job %q", push)
	}
}
