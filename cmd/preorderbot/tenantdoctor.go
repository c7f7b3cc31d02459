package main

import (
	"context"
	"log/slog"
	"sync"
	"time"

	"github.com/preorderbot/preorderbot/diagnostics/doctor"
)

const (
	// serveDoctorTimeout bounds one probe run by serve or Slack: the start never waits on it, and a hung OMS
	// ends in a report that says so.
	serveDoctorTimeout = 60 * time.Second
	// doctorRecheck is how often serve probes the tenant again while it can work, so /readyz follows fixes
	// made in the OMS; doctorRetry is the shorter wait while it cannot.
	doctorRecheck = time.Hour
	doctorRetry   = 5 * time.Minute
)

// tenantDoctor runs the doctor for serve: at start and then periodically, and on demand for /preorder doctor.
// /readyz shows the latest report's problems.
type tenantDoctor struct {
	oms     doctor.OMS
	opts    doctor.Options
	timeout time.Duration
	log     *slog.Logger

	mu   sync.Mutex
	last *doctor.Report
}

func newTenantDoctor(oms doctor.OMS, opts doctor.Options, logger *slog.Logger) *tenantDoctor {
	return &tenantDoctor{oms: oms, opts: opts, timeout: serveDoctorTimeout, log: logger}
}

// Run probes the tenant once, remembers and logs the report. A run cut short because ctx ended (shutdown)
// is neither remembered nor logged: its failures would be about the shutdown, not the tenant.
func (d *tenantDoctor) Run(ctx context.Context) doctor.Report {
	rctx, cancel := context.WithTimeout(ctx, d.timeout)
	defer cancel()
	r := doctor.Run(rctx, d.oms, d.opts)
	if ctx.Err() != nil {
		return r
	}
	d.mu.Lock()
	d.last = &r
	d.mu.Unlock()
	d.logReport(r)
	return r
}

// loop runs the doctor now and again until ctx ends; it never fails the process.
func (d *tenantDoctor) loop(ctx context.Context) error {
	for {
		r := d.Run(ctx)
		wait := doctorRecheck
		if r.Status == doctor.Fail {
			wait = doctorRetry
		}
		t := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			t.Stop()
			return nil
		case <-t.C:
		}
	}
}

// latest is the last complete report, if any.
func (d *tenantDoctor) latest() (doctor.Report, bool) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.last == nil {
		return doctor.Report{}, false
	}
	return *d.last, true
}

// logReport writes one summary line and one line per problem, with what to do.
func (d *tenantDoctor) logReport(r doctor.Report) {
	level := slog.LevelInfo
	switch r.Status {
	case doctor.Warn:
		level = slog.LevelWarn
	case doctor.Fail:
		level = slog.LevelError
	}
	d.log.Log(context.Background(), level, "doctor: "+doctorVerdict(r),
		"status", r.Status, "oms", r.OMS, "product_store_id", r.ProductStoreID,
		"listing_generation", r.ListingGeneration, "parent_shop", r.Parent.ShopID, "parent_chosen", r.Parent.How,
		"warnings", r.Count(doctor.Warn), "failures", r.Count(doctor.Fail), "oms_calls", r.OMSCalls, "elapsed_ms", r.ElapsedMs)
	for _, f := range r.Problems() {
		l := slog.LevelWarn
		if f.Status == doctor.Fail {
			l = slog.LevelError
		}
		d.log.Log(context.Background(), l, "doctor problem", "area", f.Area, "item", f.Item, "detail", f.Detail, "fix", f.Fix)
	}
}

// problemText is one problem as /readyz lists it.
func problemText(f doctor.Finding) string {
	return "doctor: " + f.Area + " · " + f.Item + ": " + f.Detail + " → " + f.Fix
}
