package diagnostics_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/preorderbot/preorderbot/diagnostics"
	"github.com/preorderbot/preorderbot/diagnostics/hotwax"
	"github.com/preorderbot/preorderbot/diagnostics/hotwax/hotwaxtest"
)

func check(t *testing.T, oms diagnostics.OMS, sku string) diagnostics.Report {
	t.Helper()
	reports, err := diagnostics.New(oms, diagnostics.Options{Jobs: defaultJobs}).Run(context.Background(), "STORE", []string{sku})
	require.NoError(t, err)
	return reports[0]
}

func remedyOf(t *testing.T, r diagnostics.Report, kind, shop string) diagnostics.Remedy {
	t.Helper()
	for _, rm := range r.Remedies {
		if rm.Kind == kind && rm.ShopID == shop {
			return rm
		}
	}
	require.Failf(t, "no such remedy", "%s for %q in %+v", kind, shop, r.Remedies)
	return diagnostics.Remedy{}
}

// execute performs a remedy and lets the simulated OMS run whatever it scheduled.
func execute(t *testing.T, srv *hotwaxtest.Server, ex *diagnostics.Executor, r diagnostics.Remedy, in diagnostics.Input) diagnostics.Outcome {
	t.Helper()
	out, err := ex.Execute(context.Background(), "STORE", r, in)
	require.NoError(t, err)
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	require.NoError(t, srv.WaitIdle(ctx))
	return out
}

func TestExecutorFixesEachCause(t *testing.T) {
	t.Run("schedule the association job, then a full sync for the late link", func(t *testing.T) {
		srv, client, _ := simulated(t, hotwaxtest.Options{Scenario: hotwaxtest.ScenarioAssociationJobNotScheduled, RunDelay: 10 * time.Millisecond})
		ex := diagnostics.NewExecutor(client, diagnostics.Options{Jobs: defaultJobs})
		r := check(t, client, "HW-BOOT-42")
		for _, shop := range []string{"10001", "10002"} {
			out := execute(t, srv, ex, remedyOf(t, r, diagnostics.RemedyScheduleJob, shop), diagnostics.Input{UserLogin: "ops"})
			assert.NotEmpty(t, out.JobID)
			assert.Contains(t, out.Summary, "association job scheduled for")
		}
		r = check(t, client, "HW-BOOT-42")
		assert.Equal(t, diagnostics.CheckShopLinks, r.Checks[2].ID)
		assert.Equal(t, diagnostics.StatusPass, r.Checks[2].Status, "the association job linked CA and UK")
		// The links are newer than the syncs that passed the member row: the guide's second cause.
		assert.Equal(t, []diagnostics.Cause{diagnostics.CauseAssociatedAfterSync}, r.Causes)
		for _, shop := range []string{"10001", "10002"} {
			execute(t, srv, ex, remedyOf(t, r, diagnostics.RemedyRunJob, shop), diagnostics.Input{})
		}
		assert.Equal(t, diagnostics.CauseHealthy, check(t, client, "HW-BOOT-42").Cause)
	})
	t.Run("full sync lists the late-linked product", func(t *testing.T) {
		srv, client, _ := simulated(t, hotwaxtest.Options{Scenario: hotwaxtest.ScenarioAssociatedAfterSync, RunDelay: 10 * time.Millisecond})
		ex := diagnostics.NewExecutor(client, diagnostics.Options{Jobs: defaultJobs})
		r := check(t, client, "HW-SCARF-GRN")
		out := execute(t, srv, ex, remedyOf(t, r, diagnostics.RemedyRunJob, "10001"), diagnostics.Input{})
		assert.Equal(t, "Preorder Catalog Sync started for Acme CA", out.Summary)
		assert.Equal(t, diagnostics.CauseHealthy, check(t, client, "HW-SCARF-GRN").Cause)
	})
	t.Run("manual link, then a full sync", func(t *testing.T) {
		srv, client, _ := simulated(t, hotwaxtest.Options{Scenario: hotwaxtest.ScenarioNeedsManualLink, RunDelay: 10 * time.Millisecond})
		ex := diagnostics.NewExecutor(client, diagnostics.Options{Jobs: defaultJobs})
		r := check(t, client, "HW-SOCK-S")
		out := execute(t, srv, ex, remedyOf(t, r, diagnostics.RemedyLinkProduct, "10001"),
			diagnostics.Input{VariantID: "45012000000077", InventoryItemID: "47020000000077"})
		assert.Equal(t, "product 20077 linked to Acme CA as variant 45012000000077", out.Summary)
		r = check(t, client, "HW-SOCK-S")
		assert.Equal(t, []diagnostics.Cause{diagnostics.CauseAssociatedAfterSync}, r.Causes, "linked after the syncs passed the member row")
		execute(t, srv, ex, remedyOf(t, r, diagnostics.RemedyRunJob, "10001"), diagnostics.Input{})
		assert.Equal(t, diagnostics.CauseHealthy, check(t, client, "HW-SOCK-S").Cause)
	})
	t.Run("enable the pre-order jobs", func(t *testing.T) {
		srv, client, _ := simulated(t, hotwaxtest.Options{Scenario: hotwaxtest.ScenarioPresellJobsDisabled, RunDelay: 10 * time.Millisecond})
		ex := diagnostics.NewExecutor(client, diagnostics.Options{Jobs: defaultJobs})
		r := check(t, client, "HW-BEANIE-BLK")
		for _, rm := range r.Remedies {
			if rm.Kind == diagnostics.RemedyEnableJob {
				out := execute(t, srv, ex, rm, diagnostics.Input{})
				assert.NotEmpty(t, out.JobID, rm.Label)
			}
		}
		r = check(t, client, "HW-BEANIE-BLK")
		assert.Equal(t, diagnostics.CauseHealthy, r.Cause, "checks: %+v", r.Checks)
	})
	t.Run("refresh the pre-sell catalog for a product that is not pre-order yet", func(t *testing.T) {
		srv, client, _ := simulated(t, hotwaxtest.Options{Scenario: hotwaxtest.ScenarioNotPreorder, RunDelay: 10 * time.Millisecond})
		ex := diagnostics.NewExecutor(client, diagnostics.Options{Jobs: defaultJobs})
		r := check(t, client, "HW-TEE-WHT")
		execute(t, srv, ex, remedyOf(t, r, diagnostics.RemedyEnableJob, ""), diagnostics.Input{})
		srv.Advance(15 * time.Minute) // the refresh adds it to the category; the next delta sync lists it
		srv.Advance(15 * time.Minute)
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		require.NoError(t, srv.WaitIdle(ctx))
		r = check(t, client, "HW-TEE-WHT")
		assert.Equal(t, diagnostics.CauseHealthy, r.Cause, "checks: %+v", r.Checks)
	})
}

func TestExecutorScheduleTwice(t *testing.T) {
	srv, client, _ := simulated(t, hotwaxtest.Options{Scenario: hotwaxtest.ScenarioAssociationJobNotScheduled, RunDelay: time.Hour})
	ex := diagnostics.NewExecutor(client, diagnostics.Options{Jobs: defaultJobs})
	r := check(t, client, "HW-BOOT-42")
	rm := remedyOf(t, r, diagnostics.RemedyScheduleJob, "10001")
	first, err := ex.Execute(context.Background(), "STORE", rm, diagnostics.Input{})
	require.NoError(t, err)
	jobs := len(srv.Jobs())
	second, err := ex.Execute(context.Background(), "STORE", rm, diagnostics.Input{})
	require.NoError(t, err)
	assert.Equal(t, first.JobID, second.JobID)
	assert.Contains(t, second.Summary, "already scheduled")
	assert.Len(t, srv.Jobs(), jobs, "nothing scheduled the second time")
}

// A run-now is re-read before it is written: a second one for the same job, shop and parameters while the
// first waits, runs, or finished a few minutes ago writes nothing; one asked for after a later change does.
func TestExecutorRunNowTwice(t *testing.T) {
	srv, client, _ := simulated(t, hotwaxtest.Options{Scenario: hotwaxtest.ScenarioAssociatedAfterSync, RunDelay: 10 * time.Millisecond})
	ex := diagnostics.NewExecutor(client, diagnostics.Options{Jobs: defaultJobs})
	r := check(t, client, "HW-SCARF-GRN")
	rm := remedyOf(t, r, diagnostics.RemedyRunJob, "10001")
	first := execute(t, srv, ex, rm, diagnostics.Input{})
	require.False(t, first.Already)
	second := execute(t, srv, ex, rm, diagnostics.Input{})
	assert.True(t, second.Already)
	assert.Equal(t, first.JobID, second.JobID)
	assert.Contains(t, second.Summary, "already finished")
	assert.Equal(t, 1, srv.Counts()["scheduleService"], "the second run-now wrote nothing")

	third := execute(t, srv, ex, rm, diagnostics.Input{RanSince: time.Now().Add(time.Second)})
	assert.False(t, third.Already, "a run started before the change asked for does not count")
	assert.Equal(t, 2, srv.Counts()["scheduleService"])
}

// Done re-reads the OMS and writes nothing: no sign of a schedule or a run before it is written, the
// pending row or the run since the press after; a run from before the press does not count.
func TestExecutorDoneReadsAndNeverWrites(t *testing.T) {
	srv, client, _ := simulated(t, hotwaxtest.Options{Scenario: hotwaxtest.ScenarioAssociationJobNotScheduled, RunDelay: time.Hour})
	ex := diagnostics.NewExecutor(client, diagnostics.Options{Jobs: defaultJobs})
	rm := remedyOf(t, check(t, client, "HW-BOOT-42"), diagnostics.RemedyScheduleJob, "10001")
	_, found, err := ex.Done(context.Background(), "STORE", rm, diagnostics.Input{})
	require.NoError(t, err)
	assert.False(t, found)
	written, err := ex.Execute(context.Background(), "STORE", rm, diagnostics.Input{})
	require.NoError(t, err)
	out, found, err := ex.Done(context.Background(), "STORE", rm, diagnostics.Input{})
	require.NoError(t, err)
	assert.True(t, found)
	assert.Equal(t, written.JobID, out.JobID)
	assert.Equal(t, 1, srv.Counts()["scheduleService"], "Done wrote nothing")

	srv, client, _ = simulated(t, hotwaxtest.Options{Scenario: hotwaxtest.ScenarioAssociatedAfterSync, RunDelay: 10 * time.Millisecond})
	ex = diagnostics.NewExecutor(client, diagnostics.Options{Jobs: defaultJobs})
	run := remedyOf(t, check(t, client, "HW-SCARF-GRN"), diagnostics.RemedyRunJob, "10001")
	pressed := time.Now()
	_, found, err = ex.Done(context.Background(), "STORE", run, diagnostics.Input{RanSince: pressed})
	require.NoError(t, err)
	assert.False(t, found)
	started := execute(t, srv, ex, run, diagnostics.Input{})
	out, found, err = ex.Done(context.Background(), "STORE", run, diagnostics.Input{RanSince: pressed})
	require.NoError(t, err)
	assert.True(t, found)
	assert.Equal(t, started.JobID, out.JobID)
	_, found, err = ex.Done(context.Background(), "STORE", run, diagnostics.Input{RanSince: time.Now().Add(time.Second)})
	require.NoError(t, err)
	assert.False(t, found, "a run from before the press is not its write")
	assert.Equal(t, 1, srv.Counts()["scheduleService"])
}

func TestExecutorValidation(t *testing.T) {
	schedule := diagnostics.WithParams(diagnostics.Remedy{Kind: diagnostics.RemedyScheduleJob, Job: hotwax.JobAssociation, ShopID: "10001", Frequency: "HOURLY"}, map[string]string{"limit": "100"})
	link := diagnostics.WithParams(diagnostics.Remedy{Kind: diagnostics.RemedyLinkProduct, ShopID: "10001"}, map[string]string{"productId": "20077"})
	goodLink := diagnostics.Input{VariantID: "45012000000077", InventoryItemID: "47020000000077"}
	with := func(r diagnostics.Remedy, change func(r *diagnostics.Remedy)) diagnostics.Remedy {
		change(&r)
		return r
	}
	tests := []struct {
		name  string
		r     diagnostics.Remedy
		in    diagnostics.Input
		field string
	}{
		{name: "foreign shop", r: with(schedule, func(r *diagnostics.Remedy) { r.ShopID = "99999" }), field: "shop"},
		{name: "disconnected shop", r: with(schedule, func(r *diagnostics.Remedy) { r.ShopID = "10003" }), field: "shop"},
		{name: "unknown frequency", r: schedule, in: diagnostics.Input{Frequency: "EVERY_2_MIN"}, field: "frequency"},
		{name: "limit not a number", r: schedule, in: diagnostics.Input{Limit: "ten"}, field: "limit"},
		{name: "limit with a sign", r: schedule, in: diagnostics.Input{Limit: "+5"}, field: "limit"},
		{name: "limit zero", r: schedule, in: diagnostics.Input{Limit: "0"}, field: "limit"},
		{name: "first run more than a year away", r: schedule, in: diagnostics.Input{FirstRun: time.Now().AddDate(1, 0, 1)}, field: "firstRun"},
		{name: "first run in the past", r: schedule, in: diagnostics.Input{FirstRun: time.Now().Add(-time.Hour)}, field: "firstRun"},
		{name: "zero Shopify ids", r: link, in: diagnostics.Input{VariantID: "0", InventoryItemID: "0"}, field: "variantId"},
		{name: "variant id beyond int64", r: link, in: diagnostics.Input{VariantID: "9223372036854775808", InventoryItemID: "1"}, field: "variantId"},
		{name: "variant of another product", r: link, in: diagnostics.Input{VariantID: "45012000000011", InventoryItemID: "47020000000077"}, field: "variantId"},
		{name: "job without a draft", r: with(schedule, func(r *diagnostics.Remedy) { r.Job = "JOB_NOPE" }), field: "job"},
		{name: "variant id not numeric", r: link, in: diagnostics.Input{VariantID: "gid://shopify/ProductVariant/1", InventoryItemID: "1"}, field: "variantId"},
		{name: "inventory item id not numeric", r: link, in: diagnostics.Input{VariantID: "1", InventoryItemID: "12a"}, field: "inventoryItemId"},
		{name: "link to a foreign shop", r: with(link, func(r *diagnostics.Remedy) { r.ShopID = "99999" }), in: goodLink, field: "shop"},
		{name: "link without product", r: with(link, func(r *diagnostics.Remedy) { *r = diagnostics.WithParams(*r, nil) }), in: goodLink, field: "productId"},
		{name: "recheck is not an OMS action", r: diagnostics.Remedy{Kind: diagnostics.RemedyRecheck}, field: "kind"},
		{name: "unknown kind", r: diagnostics.Remedy{Kind: "reboot"}, field: "kind"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv, client, _ := simulated(t, hotwaxtest.Options{Scenario: hotwaxtest.ScenarioNeedsManualLink, RunDelay: time.Hour})
			jobs, links := srv.Jobs(), srv.Links("20077")
			srv.ResetCounts()
			_, err := diagnostics.NewExecutor(client, diagnostics.Options{Jobs: defaultJobs}).Execute(context.Background(), "STORE", tt.r, tt.in)
			var verr *diagnostics.ValidationError
			require.ErrorAs(t, err, &verr)
			assert.Equal(t, tt.field, verr.Field)
			assert.ErrorAs(t, err, new(*diagnostics.ValidationError))
			assert.Equal(t, jobs, srv.Jobs(), "no job changed")
			assert.Equal(t, links, srv.Links("20077"), "no link changed")
			assert.Zero(t, srv.Counts()["scheduleService"]+srv.Counts()["service/createShopifyShopProduct"], "no write was sent")
		})
	}
}

func TestExecutorOMSErrors(t *testing.T) {
	t.Run("an existing link is not written again", func(t *testing.T) {
		srv, client, _ := simulated(t, hotwaxtest.Options{Scenario: hotwaxtest.ScenarioHealthy})
		r := diagnostics.WithParams(diagnostics.Remedy{Kind: diagnostics.RemedyLinkProduct, ShopID: "10001"}, map[string]string{"productId": "20011"})
		existing := check(t, client, "HW-JACKET-M").Shops[1]
		require.Equal(t, "10001", existing.ShopID)
		out, err := diagnostics.NewExecutor(client, diagnostics.Options{Jobs: defaultJobs}).Execute(context.Background(), "STORE", r,
			diagnostics.Input{VariantID: existing.VariantID, InventoryItemID: "47000000000001"})
		require.NoError(t, err)
		assert.True(t, out.Already)
		assert.Contains(t, out.Summary, "already linked to Acme CA")
		assert.Zero(t, srv.Counts()["service/createShopifyShopProduct"])
	})
	t.Run("the OMS's refusal of a link comes back wrapped", func(t *testing.T) {
		_, client, _ := simulated(t, hotwaxtest.Options{Scenario: hotwaxtest.ScenarioNeedsManualLink})
		r := diagnostics.WithParams(diagnostics.Remedy{Kind: diagnostics.RemedyLinkProduct, ShopID: "10001"}, map[string]string{"productId": "29999"})
		_, err := diagnostics.NewExecutor(client, diagnostics.Options{Jobs: defaultJobs}).Execute(context.Background(), "STORE", r,
			diagnostics.Input{VariantID: "45012000000099", InventoryItemID: "47020000000099"})
		require.Error(t, err)
		assert.NotErrorAs(t, err, new(*diagnostics.ValidationError))
		var apiErr *diagnostics.OMSError
		assert.ErrorAs(t, err, &apiErr)
		assert.Contains(t, err.Error(), "link product 29999 to Acme CA")
	})
	t.Run("a write that may have happened keeps ErrOutcomeUnknown", func(t *testing.T) {
		srv, client, _ := simulated(t, hotwaxtest.Options{Scenario: hotwaxtest.ScenarioNeedsManualLink})
		srv.SetFaults(hotwaxtest.Faults{Endpoint: "service/createShopifyShopProduct", ErrorRate: 1})
		r := diagnostics.WithParams(diagnostics.Remedy{Kind: diagnostics.RemedyLinkProduct, ShopID: "10001"}, map[string]string{"productId": "20077"})
		_, err := diagnostics.NewExecutor(client, diagnostics.Options{Jobs: defaultJobs}).Execute(context.Background(), "STORE", r,
			diagnostics.Input{VariantID: "45012000000077", InventoryItemID: "47020000000077"})
		require.Error(t, err)
		assert.True(t, errors.Is(err, diagnostics.ErrOutcomeUnknown))
	})
}

func TestShopifyID(t *testing.T) {
	for s, want := range map[string]bool{
		"44596467138724": true, "9223372036854775807": true,
		"0": false, "007": false, "+5": false, "9223372036854775808": false, "18446744073709551615": false,
		"": false, "123456789012345678901": false, "gid://shopify/ProductVariant/1": false, "12 34": false, "-1": false,
	} {
		assert.Equal(t, want, diagnostics.ShopifyID(s), s)
	}
}

// Check refuses before anything is claimed what Execute would refuse, and writes nothing.
func TestExecutorCheck(t *testing.T) {
	srv, client, _ := simulated(t, hotwaxtest.Options{Scenario: hotwaxtest.ScenarioNeedsManualLink})
	ex := diagnostics.NewExecutor(client, diagnostics.Options{Jobs: defaultJobs})
	link := diagnostics.WithParams(diagnostics.Remedy{Kind: diagnostics.RemedyLinkProduct, ShopID: "10001"}, map[string]string{"productId": "20077"})
	var verr *diagnostics.ValidationError
	err := ex.Check(context.Background(), "STORE", link, diagnostics.Input{VariantID: "45012000000011", InventoryItemID: "47020000000077"})
	require.ErrorAs(t, err, &verr)
	assert.Equal(t, "variantId", verr.Field)
	assert.Contains(t, verr.Message, "already belongs to product 20011")
	assert.NoError(t, ex.Check(context.Background(), "STORE", link, diagnostics.Input{VariantID: "45012000000077", InventoryItemID: "47020000000077"}))
	schedule := diagnostics.Remedy{Kind: diagnostics.RemedyScheduleJob, Job: hotwax.JobAssociation, ShopID: "10001", Frequency: "HOURLY"}
	require.ErrorAs(t, ex.Check(context.Background(), "STORE", schedule, diagnostics.Input{Limit: "+5"}), &verr)
	assert.Equal(t, "limit", verr.Field)
	assert.Zero(t, srv.Counts()["service/createShopifyShopProduct"]+srv.Counts()["scheduleService"])
}
