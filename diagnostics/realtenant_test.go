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

// The simulated OMS answers as a real tenant does: shopifyCore fields as arrays, a strict schema, no jobId
// from scheduleService. These tests hold the chain and the executor to it.

func TestUnderscoreListingGenerationCostsOneRequestPerShopOnce(t *testing.T) {
	for _, gen := range []string{hotwaxtest.GenerationDotted, hotwaxtest.GenerationUnderscore} {
		t.Run(gen, func(t *testing.T) {
			srv, client, _ := simulatedClient(t, hotwaxtest.Options{Scenario: hotwaxtest.ScenarioAssociatedAfterSync, ListingGeneration: gen})
			chain := diagnostics.New(hotwax.NewOMS(client), diagnostics.Options{Jobs: defaultJobs})
			var totals, listingQueries []int
			for run := range 2 {
				srv.ResetCounts()
				reports, err := chain.Run(context.Background(), "STORE", []string{"HW-SCARF-GRN"})
				require.NoError(t, err)
				r := reports[0]
				assert.Equal(t, []diagnostics.Cause{diagnostics.CauseAssociatedAfterSync}, r.Causes, "run %d", run)
				assert.Empty(t, r.Failures)
				listing := r.Checks[len(r.Checks)-1]
				require.Equal(t, diagnostics.CheckShopListing, listing.ID)
				assert.Equal(t, diagnostics.StatusFail, listing.Status, "CA is not listed: %s", listing.Summary)
				assert.Equal(t, srv.Total(), r.OMSCalls, "run %d: the report counts every request: %v", run, srv.Counts())
				totals = append(totals, srv.Total())
				listingQueries = append(listingQueries, srv.CountsBySource()["solr-query shopifyCore"])
			}
			assert.LessOrEqual(t, totals[1], 12)
			extra := 0
			if gen == hotwaxtest.GenerationUnderscore {
				// The first queries of a client, one per shop and all at once, ask in the current names; each
				// learns from Solr's "undefined field" that this tenant indexes the older ones.
				extra = listingQueries[1]
				require.Positive(t, extra)
			}
			// A shop whose first query starts after another has learnt the names asks in them at once, so
			// the current names cost at most a request per shop, once per client, only where undefined.
			assert.LessOrEqual(t, totals[0], totals[1]+extra, "at most one extra request per shop")
			if extra > 0 {
				assert.Greater(t, totals[0], totals[1], "the first run pays for learning the names")
			} else {
				assert.Equal(t, totals[1], totals[0], "no extra request where the current names are indexed")
			}
			assert.Equal(t, gen, client.ListingGeneration())
		})
	}
}

func TestDraftWithRuntimeErrorIsRefusedWithTheOMSReason(t *testing.T) {
	srv, client, _ := simulated(t, hotwaxtest.Options{Scenario: hotwaxtest.ScenarioDraftWithoutConfiguration})
	r := check(t, client, "HW-PARKA-S")
	assert.Equal(t, []diagnostics.Cause{diagnostics.CauseAssociationJobMissing}, r.Causes)
	assert.Contains(t, remedyKeys(r.Remedies), escalate, "the card offers escalation")

	srv.ResetCounts()
	ex := diagnostics.NewExecutor(client, diagnostics.Options{Jobs: defaultJobs})
	for _, kind := range []string{diagnostics.RemedyScheduleJob, diagnostics.RemedyRunJob} {
		_, err := ex.Execute(context.Background(), "STORE", remedyOf(t, r, kind, "10001"), diagnostics.Input{})
		var de *diagnostics.DraftError
		require.ErrorAs(t, err, &de, kind)
		assert.Equal(t, hotwaxtest.DraftRuntimeError, de.Reason)
		reason, refused := diagnostics.OMSRefusal(err)
		assert.True(t, refused, "shown as the OMS refusing")
		assert.Equal(t, []string{hotwaxtest.DraftRuntimeError}, reason)
	}
	assert.Zero(t, srv.Counts()["scheduleService"], "nothing was written")
}

func TestExecutorFindsTheNewJobWithoutAJobIDInTheReply(t *testing.T) {
	srv, client, _ := simulated(t, hotwaxtest.Options{Scenario: hotwaxtest.ScenarioAssociationJobNotScheduled, RunDelay: time.Hour})
	ex := diagnostics.NewExecutor(client, diagnostics.Options{Jobs: defaultJobs, Now: srv.Now})
	r := check(t, client, "HW-BOOT-42")

	out, err := ex.Execute(context.Background(), "STORE", remedyOf(t, r, diagnostics.RemedyScheduleJob, "10001"), diagnostics.Input{})
	require.NoError(t, err)
	var pending hotwax.Job
	for _, j := range srv.Jobs() {
		if j.SystemJobEnumID == hotwax.JobAssociation && j.StatusID == hotwax.StatusPending && j.ShopID == "10001" {
			pending = j
		}
	}
	require.NotEmpty(t, pending.JobID)
	assert.Equal(t, pending.JobID, out.JobID, "the pending row found through findJobs")

	out, err = ex.Execute(context.Background(), "STORE", remedyOf(t, r, diagnostics.RemedyRunJob, "10002"), diagnostics.Input{})
	require.NoError(t, err)
	jobs := srv.Jobs()
	last := jobs[len(jobs)-1]
	assert.Equal(t, last.JobID, out.JobID, "the run-now copy, so the bot can watch it")
	assert.Empty(t, last.TempExprID)
	assert.Equal(t, "10002", last.ShopID)
}

func TestBadLoginNamesTheCredentials(t *testing.T) {
	srv := hotwaxtest.NewTestServer(t, hotwaxtest.Options{Username: "ops", Password: "secret"})
	hc, err := hotwax.New(hotwax.Options{BaseURL: srv.URL(), Username: "ops", Password: "wrong", RetryWait: time.Millisecond})
	require.NoError(t, err)
	client := hotwax.NewOMS(hc)
	_, err = client.Shops(context.Background(), "STORE")
	assert.ErrorIs(t, err, diagnostics.ErrUnauthorized, "a 200 with _ERROR_MESSAGE_ from login is refused credentials")
	assert.Contains(t, err.Error(), "The password was not correct")
}
