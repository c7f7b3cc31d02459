package diagnostics

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestExecutorRefusesDraftWithoutService(t *testing.T) {
	for _, service := range []string{"_NA_", ""} {
		t.Run(service, func(t *testing.T) {
			w := healthyWorld()
			w.jobs[0].ServiceName = service // the association draft
			f := w.oms()
			f.ScheduleJobFn = func(context.Context, ScheduleRequest) (ScheduleResult, error) {
				t.Error("a draft without a service must not be scheduled")
				return ScheduleResult{}, nil
			}
			w.dropJob("J1")
			r := Remedy{Kind: RemedyScheduleJob, Job: testJobs.Association, ShopID: "10001", Frequency: "HOURLY"}
			_, err := NewExecutor(f, testOptions()).Execute(context.Background(), "STORE", r, Input{})
			var verr *ValidationError
			require.ErrorAs(t, err, &verr)
			assert.Equal(t, "job", verr.Field)
		})
	}
}

func TestExecutorScheduleRequest(t *testing.T) {
	w := healthyWorld()
	w.dropJob("J1")
	f := w.oms()
	var got ScheduleRequest
	f.ScheduleJobFn = func(_ context.Context, req ScheduleRequest) (ScheduleResult, error) {
		got = req
		w.jobs = append(w.jobs, Job{JobID: "NEW", Type: testJobs.Association, Status: JobPending,
			Frequency: req.Frequency, ShopID: req.ShopID, ProductStoreID: "STORE", RunTime: testNow, Created: testNow})
		return ScheduleResult{SuccessMessage: "Service scheduled successfully"}, nil
	}
	r := Remedy{Kind: RemedyScheduleJob, Job: testJobs.Association, ShopID: "10001", Frequency: "HOURLY", params: map[string]string{"limit": "100"}}
	out, err := NewExecutor(f, testOptions()).Execute(context.Background(), "STORE", r, Input{Frequency: "EVERY_6_HOUR", Limit: "250", UserLogin: "ops", FirstRun: testNow})
	require.NoError(t, err)
	assert.Equal(t, Outcome{JobID: "NEW", Message: "Service scheduled successfully", NextRun: testNow,
		Summary: "association job scheduled for Acme CA, every 6 hours"}, out)
	assert.Equal(t, ScheduleRequest{
		Draft: w.jobs[0], Frequency: "EVERY_6_HOUR", FirstRun: testNow, Params: map[string]string{"limit": "250"},
		ProductStoreID: "STORE", ShopID: "10001", ShopifyConfigID: "CFG_10001", TimeZone: "UTC", UserLogin: "ops",
	}, got, "the modal's answers override the remedy's defaults; the shop's config travels with it")
}

// A run already under way answers a second run-now, unless it began before the change the run must carry
// (the full sync after a manual link).
func TestExecutorRunNowAndARunningCopy(t *testing.T) {
	w := healthyWorld()
	w.jobs = append(w.jobs, Job{JobID: "RUN1", Type: testJobs.CatalogSync, Status: JobRunning,
		ShopID: "10001", ProductStoreID: "STORE", Started: testNow.Add(-20 * time.Minute), Params: map[string]string{"includeAll": "Y"}})
	writes := 0
	f := w.oms()
	f.ScheduleJobFn = func(context.Context, ScheduleRequest) (ScheduleResult, error) {
		writes++
		return ScheduleResult{}, nil
	}
	r := Remedy{Kind: RemedyRunJob, Job: testJobs.CatalogSync, ShopID: "10001", params: map[string]string{"includeAll": "Y"}}
	ex := NewExecutor(f, testOptions())

	out, err := ex.Execute(context.Background(), "STORE", r, Input{})
	require.NoError(t, err)
	assert.True(t, out.Already)
	assert.Equal(t, "RUN1", out.JobID)
	assert.Zero(t, writes)

	_, err = ex.Execute(context.Background(), "STORE", r, Input{RanSince: testNow})
	require.NoError(t, err)
	assert.Equal(t, 1, writes, "a run begun before the link cannot push it")

	w.jobs[len(w.jobs)-1].Params = nil // a delta run does not do a full sync's work
	_, err = ex.Execute(context.Background(), "STORE", r, Input{})
	require.NoError(t, err)
	assert.Equal(t, 2, writes, "a run without the fix's parameters is not the fix")
}
