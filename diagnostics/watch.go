package diagnostics

import (
	"context"
	"time"
)

// JobRun is a finished run of a watched job.
type JobRun struct {
	JobID    string    `json:"jobId"`
	StatusID string    `json:"statusId"`
	Result   string    `json:"result,omitempty"` // jobResult: the error text of a failed run
	Finished time.Time `json:"finished"`
}

// Failed reports whether the run did not finish successfully.
func (r JobRun) Failed() bool { return r.StatusID != JobFinished }

// Watcher finds the run of a job the bot scheduled or started, so it can re-check once the job ran.
type Watcher struct {
	oms interface {
		FindJobs(ctx context.Context, q JobQuery) ([]Job, error)
	}
}

// NewWatcher returns a watcher reading job history through oms.
func NewWatcher(oms interface {
	FindJobs(ctx context.Context, q JobQuery) ([]Job, error)
}) *Watcher {
	return &Watcher{oms: oms}
}

// RunOf returns the newest ended run of jobID (a run-now job itself, or a run whose parent is the
// scheduled job) that started at or after since. done is false while no such run has ended.
func (w *Watcher) RunOf(ctx context.Context, storeID, enumID, shopID, jobID string, since time.Time) (JobRun, bool, error) {
	runs, err := w.oms.FindJobs(ctx, JobQuery{
		Types:    []string{enumID},
		Statuses: []string{JobFinished, JobFailed, JobCrashed, JobCancelled},
		ShopID:   shopID,
		OrderBy:  "runTime DESC",
		ViewSize: 20,
	})
	if err != nil {
		return JobRun{}, false, err
	}
	for _, r := range runs {
		if r.JobID != jobID && r.ParentJobID != jobID {
			continue
		}
		end := r.EndTime()
		if !end.IsZero() && end.Before(since.Add(-time.Second)) {
			continue
		}
		return JobRun{JobID: r.JobID, StatusID: r.Status, Result: r.Result, Finished: end}, true, nil
	}
	return JobRun{}, false, nil
}
