package diagnostics

import (
	"cmp"
	"context"
	"fmt"
	"strings"
	"time"
)

// JobOMS is what the Executor changes in HotWax: jobs scheduled or run from their drafts, and shop links.
// *hotwax.OMS satisfies it.
type JobOMS interface {
	Shops(ctx context.Context, storeID string) ([]Shop, error)
	FindJobs(ctx context.Context, q JobQuery) ([]Job, error)
	ScheduleJob(ctx context.Context, req ScheduleRequest) (ScheduleResult, error)
	ShopLinks(ctx context.Context, productIDs []string) ([]ShopLink, error)
	VariantLinks(ctx context.Context, shopID, variantID string) ([]ShopLink, error)
	CreateShopLink(ctx context.Context, link ShopLink) error
}

// Input is what a modal or button collected for a remedy; empty fields take the remedy's defaults.
type Input struct {
	Frequency       string    // TemporalExpression id, for schedule-job and enable-job
	FirstRun        time.Time // zero: the OMS decides
	Limit           string    // association job batch size
	ProductID       string    // link-product: the OMS product; default the remedy's params
	VariantID       string    // link-product: Shopify variant id in the shop
	InventoryItemID string    // link-product: Shopify inventory item id in the shop
	UserLogin       string    // recorded on the job as its creator
	TimeZone        string    // IANA zone for recurrence; default UTC
	// RanSince: for run-job, a run of the same job started at or after it makes this one redundant;
	// zero means within the last RecentRun.
	RanSince time.Time
}

// RecentRun is how long a run of a job makes a second run-now of it redundant: a second person pressing
// the same fix on another card a few minutes later is answered with the first run.
const RecentRun = 10 * time.Minute

// Outcome is what the OMS did, for the card and the audit log.
type Outcome struct {
	JobID   string `json:"jobId,omitempty"`
	Message string `json:"message,omitempty"` // the OMS's own words, e.g. its successMessage
	Summary string `json:"summary"`           // one line for people
	// NextRun is when the OMS will run the job it scheduled, from its own answer; the card states it once.
	NextRun time.Time `json:"nextRun,omitzero"`
	// Already is set when the OMS already showed the effect (a pending row, a recent run, the link), so
	// nothing was written.
	Already bool `json:"already,omitempty"`
}

// ValidationError is input the executor refused before calling the OMS; Field names the input.
type ValidationError struct {
	Field   string
	Message string
}

func (e *ValidationError) Error() string { return e.Field + ": " + e.Message }

func invalid(field, format string, args ...any) error {
	return &ValidationError{Field: field, Message: fmt.Sprintf(format, args...)}
}

// Executor performs remedies against the OMS. It validates first, so bad input changes nothing.
type Executor struct {
	oms  JobOMS
	opts Options
}

// NewExecutor returns an executor writing through oms; opts supplies the job ids.
func NewExecutor(oms JobOMS, opts Options) *Executor {
	return &Executor{oms: oms, opts: opts.withDefaults()}
}

// Execute performs r for the store. OMS errors come back wrapped (errors.Is finds
// ErrOutcomeUnknown when a write may or may not have happened); refused input is a *ValidationError.
func (e *Executor) Execute(ctx context.Context, storeID string, r Remedy, in Input) (Outcome, error) {
	if strings.TrimSpace(storeID) == "" {
		return Outcome{}, invalid("store", "no product store given")
	}
	if err := Validate(r, in, e.opts.Now()); err != nil {
		return Outcome{}, err
	}
	switch r.Kind {
	case RemedyScheduleJob, RemedyEnableJob:
		return e.schedule(ctx, storeID, r, in, false)
	case RemedyRunJob:
		return e.schedule(ctx, storeID, r, in, true)
	case RemedyLinkProduct:
		return e.link(ctx, storeID, r, in)
	case RemedyRecheck, RemedyEscalate:
		return Outcome{}, invalid("kind", "%s is done by the bot, not against the OMS", r.Kind)
	}
	return Outcome{}, invalid("kind", "unknown remedy kind %q", r.Kind)
}

// Check refuses, before anything is claimed, what Execute would refuse without writing: the input (see
// Validate) and, for a link, a shop the store lacks or cannot reach and a variant that is another
// product's in that shop. It reads the OMS and never writes; Execute checks again before it writes.
func (e *Executor) Check(ctx context.Context, storeID string, r Remedy, in Input) error {
	if err := Validate(r, in, e.opts.Now()); err != nil || r.Kind != RemedyLinkProduct {
		return err
	}
	shop, err := e.shopOf(ctx, storeID, r.ShopID)
	if err != nil {
		return err
	}
	_, _, err = e.existingLink(ctx, shop, cmp.Or(in.ProductID, r.params[paramProductID]), in.VariantID)
	return err
}

// Done re-reads the OMS for r's change, as Execute does before it writes, and writes nothing: a pending
// row of the job for a schedule, a run started since in.RanSince for a run-now. It tells whether a write
// whose answer was lost (the process stopped while the OMS worked) happened.
func (e *Executor) Done(ctx context.Context, storeID string, r Remedy, in Input) (Outcome, bool, error) {
	where := ""
	if r.ShopName != "" {
		where = " for " + r.ShopName
	}
	name := e.opts.jobName(r.Job)
	switch r.Kind {
	case RemedyScheduleJob, RemedyEnableJob:
		jobs, err := e.oms.FindJobs(ctx, JobQuery{Types: []string{r.Job}, Statuses: []string{JobDraft, JobPending}, ViewSize: 100})
		if err != nil {
			return Outcome{}, false, fmt.Errorf("find %s jobs: %w", r.Job, err)
		}
		j, ok := pendingFor(jobs, storeID, r.Job, r.ShopID)
		if !ok {
			return Outcome{}, false, nil
		}
		return Outcome{JobID: j.JobID, Already: true, NextRun: j.RunTime,
			Summary: fmt.Sprintf("%s is scheduled%s (%s, job %s)", name, where, FrequencyName(j.Frequency), j.JobID)}, true, nil
	case RemedyRunJob:
		return e.recentRun(ctx, storeID, r, in, name+where)
	}
	return Outcome{}, false, invalid("kind", "only a job's schedule or run can be re-read, not %s", r.Kind)
}

// shopOf returns the shop when it belongs to the store and HotWax can reach it.
func (e *Executor) shopOf(ctx context.Context, storeID, shopID string) (Shop, error) {
	shops, err := e.oms.Shops(ctx, storeID)
	if err != nil {
		return Shop{}, fmt.Errorf("list shops of %s: %w", storeID, err)
	}
	for _, sh := range shops {
		if sh.ShopID == shopID {
			if sh.Disconnected {
				return sh, invalid("shop", "%s (%s) is disconnected from HotWax", sh.Name, shopID)
			}
			return sh, nil
		}
	}
	return Shop{}, invalid("shop", "shop %q is not a shop of store %s", shopID, storeID)
}

func (e *Executor) schedule(ctx context.Context, storeID string, r Remedy, in Input, runNow bool) (Outcome, error) {
	freq := cmp.Or(in.Frequency, r.Frequency, preorderFrequency)
	params := map[string]string{}
	for k, v := range r.params {
		params[k] = v
	}
	if in.Limit != "" {
		params[paramLimit] = in.Limit
	}
	var shop Shop
	if r.ShopID != "" {
		var err error
		if shop, err = e.shopOf(ctx, storeID, r.ShopID); err != nil {
			return Outcome{}, err
		}
	}
	jobs, err := e.oms.FindJobs(ctx, JobQuery{Types: []string{r.Job}, Statuses: []string{JobDraft, JobPending}, ViewSize: 100})
	if err != nil {
		return Outcome{}, fmt.Errorf("find %s drafts: %w", r.Job, err)
	}
	where := ""
	if shop.ShopID != "" {
		where = " for " + shop.Name
	}
	name := e.opts.jobName(r.Job)
	if !runNow {
		if j, ok := pendingFor(jobs, storeID, r.Job, r.ShopID); ok { // a second click must not schedule twice
			return Outcome{JobID: j.JobID, Already: true, NextRun: j.RunTime,
				Summary: fmt.Sprintf("%s is already scheduled%s (%s, job %s)", name, where, FrequencyName(j.Frequency), j.JobID)}, nil
		}
	} else if out, ok, err := e.recentRun(ctx, storeID, r, in, name+where); err != nil || ok {
		return out, err
	}
	draft, err := draftFor(jobs, r.Job, r.ShopID)
	if err != nil {
		return Outcome{}, err
	}
	req := ScheduleRequest{
		Draft: draft, Frequency: freq, FirstRun: in.FirstRun, Params: params, ProductStoreID: storeID,
		ShopID: r.ShopID, ShopifyConfigID: shop.ShopifyConfigID, TimeZone: cmp.Or(in.TimeZone, "UTC"),
		UserLogin: in.UserLogin, RunNow: runNow,
	}
	if runNow {
		req.Frequency = ""
	}
	requested := e.opts.Now()
	res, err := e.oms.ScheduleJob(ctx, req)
	if err != nil {
		return Outcome{}, fmt.Errorf("schedule %s%s: %w", r.Job, where, err)
	}
	// The reply carries no usable jobId; the Job Manager re-reads the job before it reports success
	// (hotwax-api §4.3), and so do we.
	j, found, err := e.newJob(ctx, storeID, r.Job, r.ShopID, runNow, requested)
	if runNow {
		if err != nil || !found { // it was started: failing now would invite a second run
			return Outcome{Message: res.SuccessMessage, Summary: fmt.Sprintf("%s started%s", name, where)}, nil
		}
		return Outcome{JobID: j.JobID, Message: res.SuccessMessage, Summary: fmt.Sprintf("%s started%s", name, where)}, nil
	}
	if err != nil {
		return Outcome{}, fmt.Errorf("confirm %s%s is scheduled: %w", r.Job, where, err)
	}
	if !found {
		return Outcome{Message: res.SuccessMessage}, fmt.Errorf("schedule %s%s: the OMS accepted it but shows no pending job", r.Job, where)
	}
	return Outcome{JobID: j.JobID, Message: res.SuccessMessage, NextRun: j.RunTime,
		Summary: fmt.Sprintf("%s scheduled%s, %s", name, where, FrequencyName(j.Frequency))}, nil
}

func pendingFor(jobs []Job, storeID, enum, shopID string) (Job, bool) {
	for _, j := range jobs {
		if j.Type == enum && j.Scheduled() && j.Shop() == shopID && (jobStore(j) == "" || jobStore(j) == storeID) {
			return j, true
		}
	}
	return Job{}, false
}

// draftFor picks the job's draft: the shop's own when there is one, else the shared one.
func draftFor(jobs []Job, enum, shopID string) (Job, error) {
	var drafts []Job
	for _, j := range jobs {
		if j.Type == enum && j.Status == JobDraft {
			drafts = append(drafts, j)
		}
	}
	if len(drafts) == 0 {
		return Job{}, invalid("job", "%s has no draft in the OMS to schedule from", enum)
	}
	best := drafts[0]
	for _, d := range drafts {
		if d.Shop() == shopID {
			best = d
			break
		}
		if d.Shop() == "" {
			best = d
		}
	}
	if best.ServiceName == "" || best.ServiceName == "_NA_" {
		return Job{}, invalid("job", "the %s draft has no service configured", enum)
	}
	if reason := best.RuntimeError(); reason != "" {
		return Job{}, &DraftError{EnumID: enum, JobID: best.JobID, Reason: reason}
	}
	return best, nil
}

func (e *Executor) link(ctx context.Context, storeID string, r Remedy, in Input) (Outcome, error) {
	productID := cmp.Or(in.ProductID, r.params[paramProductID])
	shop, err := e.shopOf(ctx, storeID, r.ShopID)
	if err != nil {
		return Outcome{}, err
	}
	if out, ok, err := e.existingLink(ctx, shop, productID, in.VariantID); err != nil || ok {
		return out, err
	}
	link := ShopLink{ShopID: shop.ShopID, ProductID: productID, VariantID: in.VariantID, InventoryItemID: in.InventoryItemID}
	if err := e.oms.CreateShopLink(ctx, link); err != nil {
		return Outcome{}, fmt.Errorf("link product %s to %s: %w", productID, shop.Name, err)
	}
	return Outcome{Summary: fmt.Sprintf("product %s linked to %s as variant %s", productID, shop.Name, in.VariantID)}, nil
}

// recentRun re-reads the OMS before a run-now: a run of the same job, shop and parameters that is waiting,
// running, or finished after starting since in.RanSince (default the last RecentRun) makes this one
// redundant. With in.RanSince set, a run that began before it does not count, even while it runs.
func (e *Executor) recentRun(ctx context.Context, storeID string, r Remedy, in Input, what string) (Outcome, bool, error) {
	since := in.RanSince
	if since.IsZero() {
		since = e.opts.Now().Add(-RecentRun)
	}
	runs, err := e.oms.FindJobs(ctx, JobQuery{
		Types:    []string{r.Job},
		Statuses: []string{JobPending, JobQueued, JobRunning, JobFinished},
		OrderBy:  "runTime DESC", ViewSize: 100,
	})
	if err != nil {
		return Outcome{}, false, fmt.Errorf("find recent runs of %s: %w", r.Job, err)
	}
	for _, j := range runs {
		if j.Type != r.Job || j.Frequency != "" || j.Shop() != r.ShopID || (jobStore(j) != "" && jobStore(j) != storeID) {
			continue // a recurring job's own runs are not this fix
		}
		if !sameParams(j.Params, r.params) {
			continue
		}
		started := cmp.Or(j.Started, j.RunTime, j.Created)
		switch fresh := !started.Before(since); j.Status {
		case JobRunning:
			if !fresh && !in.RanSince.IsZero() {
				continue // it began before the change it is asked to carry
			}
		case JobFinished:
			if !fresh {
				continue
			}
		}
		state := map[string]string{JobFinished: "finished", JobRunning: "running"}[j.Status]
		return Outcome{JobID: j.JobID, Already: true, Summary: fmt.Sprintf("%s already %s (job %s, started %s)",
			what, cmp.Or(state, "waiting to run"), j.JobID, fmtTime(started))}, true, nil
	}
	return Outcome{}, false, nil
}

func sameParams(runtime, params map[string]string) bool {
	for k, v := range params {
		if runtime[k] != v {
			return false
		}
	}
	return true
}

// existingLink re-reads the OMS's ShopifyShopProduct rows before a link is written: the same link is
// already done; the product linked to the shop under another variant, or the variant taken by another
// product, is refused, since (shop, variant id) is the row's key (hotwax-api §5.4, §5.6).
func (e *Executor) existingLink(ctx context.Context, shop Shop, productID, variantID string) (Outcome, bool, error) {
	links, err := e.oms.ShopLinks(ctx, []string{productID})
	if err != nil {
		return Outcome{}, false, fmt.Errorf("read the links of product %s: %w", productID, err)
	}
	for _, l := range links {
		if l.ShopID != shop.ShopID || l.ProductID != productID {
			continue
		}
		if l.VariantID == variantID {
			return Outcome{Already: true, Summary: fmt.Sprintf("product %s is already linked to %s as variant %s", productID, shop.Name, variantID)}, true, nil
		}
		return Outcome{}, false, invalid("variantId", "product %s is already linked to %s as variant %s; change that link in the OMS if it is wrong", productID, shop.Name, l.VariantID)
	}
	taken, err := e.oms.VariantLinks(ctx, shop.ShopID, variantID)
	if err != nil {
		return Outcome{}, false, fmt.Errorf("read the links of variant %s in %s: %w", variantID, shop.Name, err)
	}
	for _, l := range taken {
		if l.VariantID == variantID && l.ProductID != productID {
			return Outcome{}, false, invalid("variantId", "variant %s of %s already belongs to product %s", variantID, shop.Name, l.ProductID)
		}
	}
	return Outcome{}, false, nil
}
