package diagnostics

import (
	"context"
	"errors"
	"time"
)

// JobStatus is the health of one pre-order related job for one shop, or store-wide when ShopID is empty.
type JobStatus struct {
	Job           string    `json:"job"` // systemJobEnumId
	ShopID        string    `json:"shopId,omitempty"`
	JobID         string    `json:"jobId,omitempty"` // the scheduled (pending) job
	Enabled       bool      `json:"enabled"`
	Frequency     string    `json:"frequency,omitempty"`
	NextRun       time.Time `json:"nextRun,omitzero"`
	LastRun       time.Time `json:"lastRun,omitzero"`
	LastFailure   time.Time `json:"lastFailure,omitzero"`
	LastError     string    `json:"lastError,omitempty"`
	LastFailureID string    `json:"lastFailureId,omitempty"` // the run that failed last
	// Signature explains the last failure; null when no signature matches it, absent with no failure.
	Signature *SignatureRef `json:"signature,omitempty"`
}

// JobsReport answers "/preorder jobs": the store's shops and the state of each pre-order job per shop.
type JobsReport struct {
	ProductStoreID string      `json:"productStoreId"`
	Shops          []ShopFacts `json:"shops"`
	Jobs           []JobStatus `json:"jobs"`
}

// JobHealth reads the pre-order jobs of a store in three concurrent calls (shops, drafts and pending
// jobs, run history) and says per shop whether each job is enabled, how often, and how it last ran.
func (c *Chain) JobHealth(ctx context.Context, storeID string) (JobsReport, error) {
	ctx, cancel := context.WithTimeout(ctx, c.opts.Deadline)
	defer cancel()
	f := &facts{}
	g := newGroup(ctx, c.opts.MaxInFlight)
	jobs := c.opts.Jobs
	g.Go(func(ctx context.Context) {
		v, err := c.oms.Shops(ctx, storeID)
		f.shops = result[[]Shop]{val: v, err: err}
	}, func(err error) { f.shops.err = err })
	g.Go(func(ctx context.Context) {
		v, err := c.oms.FindJobs(ctx, JobQuery{
			Types:    nonEmpty(jobs.Association, jobs.PresellRefresh, jobs.CatalogSync, jobs.ImportNew, jobs.ImportUpdates),
			Statuses: []string{JobDraft, JobPending}, ViewSize: 200,
		})
		f.jobs = result[[]Job]{val: v, err: err}
	}, func(err error) { f.jobs.err = err })
	g.Go(func(ctx context.Context) {
		v, err := c.oms.FindJobs(ctx, JobQuery{
			Types:          nonEmpty(jobs.Association, jobs.PresellRefresh, jobs.CatalogSync),
			Statuses:       []string{JobFinished, JobFailed, JobCrashed},
			ProductStoreID: storeID, OrderBy: "runTime DESC", ViewSize: 100,
		})
		f.history = result[[]Job]{val: v, err: err}
	}, func(err error) { f.history.err = err })
	g.Wait()
	if err := errors.Join(f.shops.err, f.jobs.err, f.history.err); err != nil {
		return JobsReport{}, err
	}
	return c.jobsReport(storeID, f), nil
}

// jobsReport is the store's job health from its shops, job rows and run history, however they were read.
func (c *Chain) jobsReport(storeID string, f *facts) JobsReport {
	jobs := c.opts.Jobs
	s := newSubject(c.opts, storeID, "", f)
	rep := JobsReport{ProductStoreID: storeID}
	for _, sh := range f.shops.val {
		role := RoleChild
		switch {
		case sh.Disconnected:
			role = RoleDisconnected
		case sh.ShopID == s.parentID:
			role = RoleParent
		}
		rep.Shops = append(rep.Shops, ShopFacts{ShopID: sh.ShopID, Name: sh.Name, Role: role, ShopifyConfigID: sh.ShopifyConfigID})
	}
	status := func(enum, shopID string) JobStatus {
		st := JobStatus{Job: enum, ShopID: shopID}
		for _, j := range f.jobs.val {
			if j.Type == enum && j.Scheduled() && (j.Shop() == shopID || j.Shop() == "") {
				st.Enabled, st.JobID, st.Frequency, st.NextRun = true, j.JobID, j.Frequency, j.RunTime
				break
			}
		}
		for _, run := range f.history.val {
			if run.Type != enum || (shopID != "" && run.Shop() != "" && run.Shop() != shopID) {
				continue
			}
			switch run.Status {
			case JobFinished:
				if st.LastRun.IsZero() {
					st.LastRun = run.EndTime()
				}
			default:
				if st.LastFailure.IsZero() {
					sig := c.opts.signatureOf(run)
					st.LastFailure, st.LastError, st.Signature, st.LastFailureID = run.EndTime(), failedOf(run).Text(), &sig, run.JobID
				}
			}
		}
		return st
	}
	rep.Jobs = append(rep.Jobs, status(jobs.PresellRefresh, ""))
	for _, sh := range rep.Shops {
		if sh.Role == RoleDisconnected {
			continue
		}
		if sh.Role == RoleChild {
			rep.Jobs = append(rep.Jobs, status(jobs.Association, sh.ShopID))
		}
		rep.Jobs = append(rep.Jobs, status(jobs.CatalogSync, sh.ShopID))
	}
	return rep
}
