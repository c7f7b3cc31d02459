package diagnostics_test

import (
	"context"
	"encoding/json"
	"slices"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/preorderbot/preorderbot/diagnostics"
	"github.com/preorderbot/preorderbot/diagnostics/hotwax"
	"github.com/preorderbot/preorderbot/diagnostics/hotwax/hotwaxtest"
)

// failuresOf runs the chain for sku and returns its job-failures check.
func failuresOf(t *testing.T, client diagnostics.OMS, opts diagnostics.Options, sku string) (diagnostics.Report, diagnostics.Check) {
	t.Helper()
	reports, err := diagnostics.New(client, opts).Run(context.Background(), "STORE", []string{sku})
	require.NoError(t, err)
	for _, c := range reports[0].Checks {
		if c.ID == diagnostics.CheckJobFailures {
			return reports[0], c
		}
	}
	t.Fatal("no job-failures check")
	return diagnostics.Report{}, diagnostics.Check{}
}

func evidenceFor(t *testing.T, c diagnostics.Check, shopID string) diagnostics.Evidence {
	t.Helper()
	for _, e := range c.Evidence {
		if e.Shop == shopID {
			return e
		}
	}
	t.Fatalf("no evidence for shop %s in %+v", shopID, c.Evidence)
	return diagnostics.Evidence{}
}

func escalationOf(t *testing.T, rs []diagnostics.Remedy) diagnostics.Remedy {
	t.Helper()
	for _, r := range rs {
		if r.Kind == diagnostics.RemedyEscalate {
			return r
		}
	}
	t.Fatalf("no escalation in %+v", rs)
	return diagnostics.Remedy{}
}

func TestJobFailuresCarrySignatures(t *testing.T) {
	srv, client, _ := simulated(t, hotwaxtest.Options{Scenario: hotwaxtest.ScenarioJobFailing})

	t.Run("a passing failure offers running the job again first", func(t *testing.T) {
		r, c := failuresOf(t, client, diagnostics.Options{Jobs: defaultJobs}, "HW-MITTEN-S")
		uk := evidenceFor(t, c, hotwaxtest.ShopUK)
		require.NotNil(t, uk.Signature)
		assert.Equal(t, "shopify-throttled", uk.Signature.ID)
		assert.Equal(t, diagnostics.Remedy{Kind: diagnostics.RemedyRunJob, Job: hotwax.JobCatalogSync, ShopID: hotwaxtest.ShopUK,
			ShopName: "Acme UK", Label: "Run Preorder Catalog Sync again for Acme UK"}, r.Remedies[0])
		ca := evidenceFor(t, c, hotwaxtest.ShopCA)
		require.NotNil(t, ca.Signature)
		assert.Equal(t, "shopify-access-scope", ca.Signature.ID)
	})

	t.Run("a deleted variant of this SKU offers a relink", func(t *testing.T) {
		var ukVariant string
		for _, l := range srv.Links("20056") {
			if l.ShopID == hotwaxtest.ShopUK {
				ukVariant = l.ShopifyProductID
			}
		}
		require.NotEmpty(t, ukVariant)
		srv.FailJob(hotwax.JobCatalogSync, hotwaxtest.ShopUK, `Error while pushing preorder catalog to Shopify for shop 10002: userErrors `+
			`[{"field":["variants","0","id"],"message":"Product variant does not exist","code":"PRODUCT_VARIANT_DOES_NOT_EXIST","variantId":"`+ukVariant+`"}]`)
		srv.Advance(15 * time.Minute)
		_, c := failuresOf(t, client, diagnostics.Options{Jobs: defaultJobs}, "HW-MITTEN-S")
		uk := evidenceFor(t, c, hotwaxtest.ShopUK)
		require.NotNil(t, uk.Signature)
		assert.Equal(t, "shopify-variant-deleted", uk.Signature.ID)
		keys := remedyKeys(c.Remedies)
		relink := slices.Index(keys, remedyKey{diagnostics.RemedyLinkProduct, "", hotwaxtest.ShopUK})
		require.GreaterOrEqual(t, relink, 0, "relink offered: %v", keys)
		assert.Less(t, relink, slices.Index(keys, remedyKey{diagnostics.RemedyRunJob, hotwax.JobCatalogSync, hotwaxtest.ShopUK}),
			"the relink comes before running the sync again")

		// Another product's deleted variant is not this SKU's fix: the UK failure of the control SKU is
		// ignored (it is listed there), and for HW-GLOVE-L no relink is offered.
		_, c = failuresOf(t, client, diagnostics.Options{Jobs: defaultJobs}, "HW-GLOVE-L")
		assert.NotContains(t, remedyKeys(c.Remedies), remedyKey{diagnostics.RemedyLinkProduct, "", hotwaxtest.ShopUK})
	})

	t.Run("an unknown failure is null in JSON and escalated first", func(t *testing.T) {
		srv.FailJob(hotwax.JobCatalogSync, hotwaxtest.ShopUK, "NullPointerException at line 42")
		srv.Advance(15 * time.Minute)
		r, c := failuresOf(t, client, diagnostics.Options{Jobs: defaultJobs}, "HW-MITTEN-S")
		uk := evidenceFor(t, c, hotwaxtest.ShopUK)
		require.NotNil(t, uk.Signature)
		assert.False(t, uk.Signature.Known())
		esc := escalationOf(t, c.Remedies)
		assert.Contains(t, esc.Note(), "not a known failure: NullPointerException at line 42")
		assert.Contains(t, esc.Note(), "lacks an access scope", "one escalation carries both failures' notes")

		js, err := json.Marshal(r)
		require.NoError(t, err)
		var doc struct {
			Checks []struct {
				ID       string           `json:"id"`
				Evidence []map[string]any `json:"evidence"`
			} `json:"checks"`
		}
		require.NoError(t, json.Unmarshal(js, &doc))
		sigs := map[string]any{}
		for _, ch := range doc.Checks {
			for _, e := range ch.Evidence {
				sig, has := e["signature"]
				if ch.ID != string(diagnostics.CheckJobFailures) {
					assert.False(t, has, "only failed runs carry a signature")
					continue
				}
				require.True(t, has, "every failed run carries a signature, null or not")
				sigs[e["shopId"].(string)] = sig
			}
		}
		assert.Nil(t, sigs[hotwaxtest.ShopUK])
		assert.Equal(t, "shopify-access-scope", sigs[hotwaxtest.ShopCA].(map[string]any)["id"])
		assert.Equal(t, map[string]any{"kind": "escalate", "note": diagnostics.DefaultSignatures().All()[1].Fix.Note},
			sigs[hotwaxtest.ShopCA].(map[string]any)["fix"])
	})

	t.Run("an operator's entry explains what the built-ins do not", func(t *testing.T) {
		sigs, err := diagnostics.LoadSignatures(writeFile(t, `[{"id": "npe", "match": [{"contains": "NullPointerException"}],
  "meaning": "The sync crashed on a bug.", "transient": false, "fix": {"kind": "escalate", "note": "The sync crashes with an NPE."}}]`))
		require.NoError(t, err)
		_, c := failuresOf(t, client, diagnostics.Options{Jobs: defaultJobs, Signatures: sigs}, "HW-MITTEN-S")
		uk := evidenceFor(t, c, hotwaxtest.ShopUK)
		require.NotNil(t, uk.Signature)
		assert.Equal(t, "npe", uk.Signature.ID)
		assert.Contains(t, escalationOf(t, c.Remedies).Note(), "The sync crashes with an NPE.")
	})

	t.Run("the jobs report explains the last failure", func(t *testing.T) {
		rep, err := diagnostics.New(client, diagnostics.Options{Jobs: defaultJobs}).JobHealth(context.Background(), "STORE")
		require.NoError(t, err)
		explained := map[string]string{}
		for _, j := range rep.Jobs {
			if j.Job == hotwax.JobCatalogSync && j.Signature != nil {
				explained[j.ShopID] = diagnostics.SignatureLabel(*j.Signature)
			}
		}
		assert.Equal(t, map[string]string{hotwaxtest.ShopCA: "shopify-access-scope", hotwaxtest.ShopUK: diagnostics.UnknownSignature}, explained)
	})
}
