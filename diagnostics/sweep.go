package diagnostics

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"golang.org/x/sync/errgroup"
)

// SweepOptions tune one sweep. The zero value sweeps everything with one retry per failed batch.
type SweepOptions struct {
	// MaxSKUs stops the sweep after that many SKUs; 0 is no limit.
	MaxSKUs int
	// Retries is how many times a batch the OMS failed on is asked again before it is reported unchecked
	// (default 1; negative is none).
	Retries int
	// Progress, when set, is called after each SKU, never concurrently.
	Progress func(SweepProgress)
}

// SweepProgress is how far a sweep got.
type SweepProgress struct {
	Done     int // SKUs with a result
	Expected int // SKUs the sweep expects so far (it grows while the catalog is listed)
	Problems int // SKUs whose cause is not healthy
	OMSCalls int
}

// SweepResult is one SKU of a sweep, compact: a sweep of the whole catalog keeps no full report.
type SweepResult struct {
	SKU            string    `json:"sku"`
	ProductID      string    `json:"productId"`
	Cause          Cause     `json:"cause"`
	Causes         []Cause   `json:"causes"`
	Failing        []CheckID `json:"failing"`        // the checks that failed
	ShopsNotListed []string  `json:"shopsNotListed"` // connected shops whose listing is not "Listed"
	// Remedies are the fixes the report offered (re-check and escalation left out), for bulk fixes; kept
	// only for SKUs with a problem, and never printed.
	Remedies []Remedy `json:"-"`
}

// Problem reports whether the SKU needs attention: anything but healthy, unreadable included.
func (r SweepResult) Problem() bool { return r.Cause.Problem() }

// FailedBatch is a batch the OMS kept failing on: its SKUs (or, when they could not even be listed, its
// products) were reported without being fully read.
type FailedBatch struct {
	Reason     string   `json:"reason"`
	SKUs       []string `json:"skus,omitempty"`
	ProductIDs []string `json:"productIds,omitempty"`
}

// SweepSummary is what a whole sweep found, by cause and by shop.
type SweepSummary struct {
	Store         string            `json:"store"`
	StartedAt     time.Time         `json:"startedAt"`
	Elapsed       Duration          `json:"elapsedMs"`
	OMSCalls      int               `json:"omsCalls"`
	SKUs          int               `json:"skus"`
	ByCause       map[Cause]int     `json:"byCause"`
	ByShop        map[string]int    `json:"byShop"` // shop id → SKUs with a problem not listed there
	FailedBatches []FailedBatch     `json:"failedBatches"`
	ShopNames     map[string]string `json:"-"` // shop id → name, for people
	// FailedRuns are the last failure of each pre-order job, from the job rows and history the sweep read
	// once for every SKU; empty when those could not be read.
	FailedRuns []FailedRun `json:"-"`
}

// Problems counts the SKUs whose cause is not healthy.
func (s SweepSummary) Problems() int { return s.SKUs - s.ByCause[CauseHealthy] }

// UnknownStoreError is a sweep of a product store the OMS does not have.
type UnknownStoreError struct {
	Store string
	Known []ProductStore
}

func (e *UnknownStoreError) Error() string {
	var names []string
	for _, s := range e.Known {
		names = append(names, s.ProductStoreID)
	}
	if len(names) == 0 {
		return fmt.Sprintf("product store %q not found, and the OMS lists no product store", e.Store)
	}
	return fmt.Sprintf("product store %q not found; the stores are: %s", e.Store, strings.Join(names, ", "))
}

// ErrNoPreorderCategory is a store whose catalog has neither a pre-order nor a backorder category.
var ErrNoPreorderCategory = errors.New("the store's catalog has no pre-order (PCCT_PREORDR) or backorder (PCCT_BACKORDER) category")

// Sizes of the sweep's requests.
const (
	memberPage    = 250 // ProductCategoryMember rows per performFind page
	expandChunk   = 100 // member products per product query
	expandPage    = 250 // product documents per solr-query page
	sweepBatchMax = linkBatch

	maxMemberPages = 10_000
)

// Sweeper checks every SKU of a store's pre-order and backorder categories.
type Sweeper struct {
	chain   *Chain
	oms     SweepOMS
	limiter *Limiter
}

// NewSweeper returns a sweeper reading from oms with at most what limiter allows in flight, to protect
// the OMS; a nil limiter leaves its requests unbounded. Interactive checks on the same oms never wait
// for it: the limit travels in the sweep's context.
func NewSweeper(oms SweepOMS, limiter *Limiter, opts Options) *Sweeper {
	return &Sweeper{chain: New(oms, opts), oms: oms, limiter: limiter}
}

// sweep is the state of one run.
type sweep struct {
	*Sweeper
	storeID string
	opts    SweepOptions
	made    atomic.Int64 // HTTP requests the client reported
	asked   atomic.Int64 // OMS calls, for OMS implementations that report none
	wide    *facts       // store-wide facts, read-only once fetched
	members map[string][]CategoryMember

	mu       sync.Mutex
	summary  SweepSummary
	emit     func(SweepResult)
	expected int
}

// Run sweeps the store and calls emit with each SKU's result as soon as its batch is checked, never
// concurrently. The error is for a sweep that could not start: an unknown store, no pre-order category, or
// an OMS that could not list the catalog. Batches the OMS fails on later are retried, then reported in
// FailedBatches with their SKUs, whose causes say what could not be read (never healthy).
func (s *Sweeper) Run(ctx context.Context, storeID string, opts SweepOptions, emit func(SweepResult)) (SweepSummary, error) {
	storeID = strings.TrimSpace(storeID)
	if storeID == "" {
		return SweepSummary{}, errors.New("no product store given")
	}
	if opts.Retries == 0 {
		opts.Retries = 1
	}
	opts.Retries = max(opts.Retries, 0)
	sw := &sweep{Sweeper: s, storeID: storeID, opts: opts, emit: emit}
	sw.summary = SweepSummary{Store: storeID, StartedAt: s.chain.opts.Now(), ByCause: map[Cause]int{}, ByShop: map[string]int{},
		FailedBatches: []FailedBatch{}, ShopNames: map[string]string{}}
	began := time.Now()
	ctx, cancel := context.WithCancel(CountRequests(ctx, &sw.made))
	defer cancel()
	if s.limiter != nil {
		ctx = context.WithValue(ctx, limiterKey{}, s.limiter)
	}

	if err := sw.fetchStoreWide(ctx); err != nil {
		return sw.finish(began), err
	}
	ids, err := sw.listMembers(ctx)
	if err != nil {
		return sw.finish(began), err
	}
	sw.check(ctx, ids)
	return sw.finish(began), ctx.Err()
}

func (sw *sweep) finish(began time.Time) SweepSummary {
	sw.mu.Lock()
	defer sw.mu.Unlock()
	sw.summary.Elapsed = Duration(time.Since(began))
	sw.summary.OMSCalls = sw.calls()
	return sw.summary
}

func (sw *sweep) calls() int {
	if n := sw.made.Load(); n > 0 {
		return int(n)
	}
	return int(sw.asked.Load())
}

// retry asks until the OMS answers or the retries are spent, and returns the last answer and error.
func retry[T any](ctx context.Context, sw *sweep, ask func(ctx context.Context) (T, error)) (T, error) {
	var v T
	err := again(ctx, sw, func(ctx context.Context) error {
		var err error
		v, err = ask(ctx)
		return err
	})
	return v, err
}

// again asks until the OMS answers or the retries are spent, and returns the last error.
func again(ctx context.Context, sw *sweep, ask func(ctx context.Context) error) error {
	var err error
	for attempt := 0; attempt <= sw.opts.Retries; attempt++ {
		sw.asked.Add(1)
		if err = ask(ctx); err == nil || ctx.Err() != nil {
			return err
		}
	}
	return err
}

// fetchStoreWide reads what every SKU shares once, the chain's store-wide questions, each asked again when
// it fails: shops, jobs, job history, categories.
func (sw *sweep) fetchStoreWide(ctx context.Context) error {
	f := &facts{listings: map[string]result[[]Listing]{}, known: &knownFailures{}}
	var wg sync.WaitGroup
	for _, q := range sw.chain.storeWide(f, sw.storeID) {
		wg.Go(func() { _ = again(ctx, sw, q.ask) })
	}
	wg.Wait()
	sw.wide = f
	for _, sh := range f.shops.val {
		sw.summary.ShopNames[sh.ShopID] = sh.Name
	}
	if errors.Join(f.shops.err, f.jobs.err, f.history.err) == nil {
		sw.summary.FailedRuns = sw.chain.jobsReport(sw.storeID, f).FailedRuns()
	}
	if err := f.categories.err; err != nil {
		if errors.Is(err, ErrEmptyAnswer) {
			// Every store has an active catalog: none at all is most often a store that does not exist.
			if stores, serr := retry(ctx, sw, func(ctx context.Context) ([]ProductStore, error) { return sw.oms.ProductStores(ctx) }); serr == nil &&
				!slices.ContainsFunc(stores, func(s ProductStore) bool { return s.ProductStoreID == sw.storeID }) {
				return &UnknownStoreError{Store: sw.storeID, Known: stores}
			}
		}
		return fmt.Errorf("read the pre-order categories of %s: %w", sw.storeID, err)
	}
	if len(f.categories.val) == 0 {
		return fmt.Errorf("product store %s: %w", sw.storeID, ErrNoPreorderCategory)
	}
	return nil
}

// listMembers pages through the current members of the categories and returns their product ids, in the
// order the OMS lists them. A product in both categories is listed once. The first page tells how many
// there are; the others are read at once, as many in flight as the sweep may have.
func (sw *sweep) listMembers(ctx context.Context) ([]string, error) {
	var cats []string
	for _, c := range sw.wide.categories.val {
		cats = append(cats, c.CategoryID)
	}
	read := func(ctx context.Context, page int) ([]CategoryMember, int, error) {
		p, err := retry(ctx, sw, func(ctx context.Context) (MembersPage, error) {
			return sw.oms.CategoryMembersPage(ctx, cats, page, memberPage)
		})
		if err != nil {
			return nil, 0, fmt.Errorf("list the pre-order products of %s (page %d): %w", sw.storeID, page+1, err)
		}
		return p.Members, p.Total, nil
	}
	first, total, err := read(ctx, 0)
	if err != nil {
		return nil, err
	}
	count := 1
	if len(first) == memberPage {
		count = max(1, (total+memberPage-1)/memberPage)
	}
	if count > maxMemberPages {
		return nil, fmt.Errorf("list the pre-order products of %s: more than %d pages", sw.storeID, maxMemberPages)
	}
	pages := make([][]CategoryMember, count)
	pages[0] = first
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(sw.concurrency())
	for page := 1; page < count; page++ {
		g.Go(func() error {
			var err error
			pages[page], _, err = read(gctx, page)
			return err
		})
	}
	if err := g.Wait(); err != nil {
		return nil, err
	}

	now := sw.chain.opts.Now()
	sw.members = map[string][]CategoryMember{}
	var ids []string
	for _, page := range pages {
		for _, m := range page {
			if m.FromDate.After(now) || (!m.ThruDate.IsZero() && !m.ThruDate.After(now)) {
				continue // filterByDate already drops these; a lagging clock must not bring them back
			}
			if _, seen := sw.members[m.ProductID]; !seen {
				ids = append(ids, m.ProductID)
			}
			sw.members[m.ProductID] = append(sw.members[m.ProductID], m)
		}
	}
	return ids, nil
}

// concurrency is how many OMS requests the sweep may have in flight.
func (sw *sweep) concurrency() int {
	if sw.limiter != nil {
		return sw.limiter.Concurrency()
	}
	return DefaultSweepConcurrency
}
