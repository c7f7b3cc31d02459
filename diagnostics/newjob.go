package diagnostics

import (
	"context"
	"time"
)

// clockSlack is how far the OMS's clock may run behind the bot's when a new job row is matched by its
// createdDate.
const clockSlack = time.Minute

// newJob finds the row a scheduleService request created: the job's row for the shop ("" for store-wide
// jobs) created at or after the request. A schedule makes a pending row with a frequency; a run-now copy
// makes a row without one, which may already have run by the time it is read. The newest match wins.
func (e *Executor) newJob(ctx context.Context, storeID, enum, shopID string, runNow bool, requested time.Time) (Job, bool, error) {
	statuses := []string{JobPending, JobQueued, JobRunning}
	if runNow {
		statuses = append(statuses, JobFinished, JobFailed, JobCrashed)
	}
	jobs, err := e.oms.FindJobs(ctx, JobQuery{
		Types: []string{enum}, Statuses: statuses, ShopID: shopID, OrderBy: "createdDate DESC", ViewSize: 20,
	})
	if err != nil {
		return Job{}, false, err
	}
	var best Job
	found := false
	for _, j := range jobs {
		switch {
		case j.Type != enum || j.Shop() != shopID:
		case jobStore(j) != "" && jobStore(j) != storeID:
		case j.Created.Before(requested.Add(-clockSlack)):
		case runNow && j.Frequency != "":
		case !runNow && !j.Scheduled():
		case !found || j.Created.After(best.Created):
			best, found = j, true
		}
	}
	return best, found, nil
}
