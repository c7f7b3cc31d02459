// Package doctor probes a HotWax tenant the way the diagnostic chain reads it, without changing anything,
// and says what is missing for the chain to give right answers: the credentials, each entity and Solr core
// the chain reads, the job drafts and schedules, the frequencies, the configured ids, the parent shop and
// the manual-link service. It is for the first hour of an installation and for "why is every card unknown".
package doctor

import (
	"context"
	"time"

	"github.com/preorderbot/preorderbot/diagnostics"
	"github.com/preorderbot/preorderbot/diagnostics/hotwax"
)

// Status grades one finding, and a report by its worst finding.
type Status string

// Statuses, from good to bad.
const (
	OK   Status = "ok"   // as the chain needs it
	Warn Status = "warn" // the bot works, but some checks or fixes will be unknown or unavailable
	Fail Status = "fail" // the bot cannot work until this is fixed
)

func (s Status) rank() int {
	switch s {
	case Fail:
		return 2
	case Warn:
		return 1
	}
	return 0
}

// Mark is the status as the table shows it.
func (s Status) Mark() string {
	switch s {
	case Fail:
		return "❌"
	case Warn:
		return "⚠️"
	}
	return "✅"
}

// Areas of findings, in report order.
const (
	AreaCredentials = "credentials"
	AreaEntity      = "entity"
	AreaSolr        = "solr"
	AreaJobs        = "jobs"
	AreaFrequencies = "frequencies"
	AreaConfig      = "config"
	AreaParent      = "parent shop"
	AreaService     = "service"
)

// Finding is one thing the probe looked at: what, how it stands, and for a problem one line on what to do.
type Finding struct {
	Area   string `json:"area"`
	Item   string `json:"item"`
	Status Status `json:"status"`
	Detail string `json:"detail"`
	Fix    string `json:"fix,omitempty"`
}

// Parent is the parent shop the chain will use and how it is chosen.
type Parent struct {
	ShopID string `json:"shopId,omitempty"`
	How    string `json:"how"`
}

// Report is the probe's answer. Its JSON form is what `preorderbot doctor --json` prints.
type Report struct {
	Status         Status    `json:"status"`
	OMS            string    `json:"oms"`
	ProductStoreID string    `json:"productStoreId"`
	At             time.Time `json:"at"`
	// ListingGeneration is the field-name generation shopifyCore answers: "dotted", "underscore", or empty
	// when neither could be read.
	ListingGeneration string    `json:"listingGeneration,omitempty"`
	Parent            Parent    `json:"parentShop"`
	Findings          []Finding `json:"findings"`
	OMSCalls          int64     `json:"omsCalls"`
	ElapsedMs         int64     `json:"elapsedMs"`
}

// ExitCode is 0 when all is good, 1 with warnings, 2 when the bot cannot work.
func (r Report) ExitCode() int { return r.Status.rank() }

// Problems are the warnings and failures, in report order.
func (r Report) Problems() []Finding {
	var out []Finding
	for _, f := range r.Findings {
		if f.Status != OK {
			out = append(out, f)
		}
	}
	return out
}

// Count returns how many findings have status s.
func (r Report) Count(s Status) int {
	n := 0
	for _, f := range r.Findings {
		if f.Status == s {
			n++
		}
	}
	return n
}

func (r *Report) add(f Finding) {
	r.Findings = append(r.Findings, f)
	if f.Status.rank() > r.Status.rank() {
		r.Status = f.Status
	}
}

// OMS is what the probe reads; *hotwax.Client satisfies it.
type OMS interface {
	BaseURL() string
	Calls() int64
	Credential(ctx context.Context) (hotwax.Credential, error)
	FindRaw(ctx context.Context, q hotwax.RawFind) (hotwax.RawDocs, error)
	SolrRaw(ctx context.Context, core, filter string, rows int) (hotwax.RawDocs, error)
	FindJobs(ctx context.Context, q hotwax.JobQuery) ([]hotwax.Job, error)
	Frequencies(ctx context.Context) ([]hotwax.Frequency, error)
	ProbeService(ctx context.Context, name string) error
}

// Options are the settings the bot runs with; the probe checks them against the tenant.
type Options struct {
	ProductStoreID string
	ParentShopID   string           // empty: inferred, as the chain does
	Jobs           diagnostics.Jobs // empty fields take hotwax.DefaultJobs
	// ExpiryWarning is how long before a token expires the probe starts warning (default 14 days).
	ExpiryWarning time.Duration
	Now           func() time.Time // default time.Now
}

const defaultExpiryWarning = 14 * 24 * time.Hour

// Run probes the tenant and returns the report. It never writes: the one service call it makes is refused
// by the OMS for missing parameters before the service runs. When the credentials are refused or the OMS
// cannot be reached it stops there, since every other answer would say the same.
func Run(ctx context.Context, oms OMS, opts Options) Report {
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.ExpiryWarning <= 0 {
		opts.ExpiryWarning = defaultExpiryWarning
	}
	opts.Jobs = withDefaultJobs(opts.Jobs)
	start := time.Now()
	calls := oms.Calls()
	p := &probe{oms: oms, opts: opts, r: Report{Status: OK, OMS: oms.BaseURL(), ProductStoreID: opts.ProductStoreID, At: opts.Now()}}
	p.run(ctx)
	p.r.OMSCalls = oms.Calls() - calls
	p.r.ElapsedMs = time.Since(start).Milliseconds()
	return p.r
}

func withDefaultJobs(j diagnostics.Jobs) diagnostics.Jobs {
	d := hotwax.DefaultJobs()
	for _, f := range []struct {
		v   *string
		def string
	}{
		{&j.Association, d.Association}, {&j.PresellRefresh, d.PresellRefresh}, {&j.CatalogSync, d.CatalogSync},
		{&j.ImportNew, d.ImportNew}, {&j.ImportUpdates, d.ImportUpdates},
	} {
		if *f.v == "" {
			*f.v = f.def
		}
	}
	return j
}
