package diagnostics

import (
	"cmp"
	"context"
	"slices"
	"sync"
	"sync/atomic"
	"time"
)

// Names of the OMS calls a run makes, as reported in Report.Failures.
const (
	callProducts   = "product lookup (solr-query)"
	callShops      = "shops (performFind ShopifyShopAndConfig)"
	callJobs       = "scheduled jobs (findJobs)"
	callHistory    = "job history (findJobs)"
	callCategories = "pre-order categories (performFind ProdCatalogCategory)"
	callMembers    = "category members (performFind ProductCategoryMember)"
	callLinks      = "shop links (performFind ShopifyShopProduct)"
	callListings   = "listings (solr-query shopifyCore)"
)

// result is the answer to one OMS question; err is set when it could not be answered.
type result[T any] struct {
	val T
	err error
}

func (r result[T]) ok() bool { return r.err == nil }

// facts is everything one run fetched: store-wide facts once, per-SKU facts in batches.
// Each field is written by one goroutine and read only after the fetch group has finished,
// except listings, which several goroutines fill under mu.
type facts struct {
	products   result[[]CatalogProduct]
	shops      result[[]Shop]
	jobs       result[[]Job] // drafts and pending rows
	history    result[[]Job] // finished, failed and crashed runs, newest first
	categories result[[]Category]
	members    result[[]CategoryMember]
	links      result[[]ShopLink]

	mu       sync.Mutex
	listings map[string]result[[]Listing] // by shop id

	known *knownFailures // shared by the batches of a sweep; nil in a check, which judges its runs once

	calls atomic.Int64

	runsOnce sync.Once
	runs     jobRuns // history by job and shop, made on first use once the history is read
}

// jobRuns is the history grouped by job type and shop, each group in history order, and the groups in the
// order their first run appears: every SKU of a run asks for the last runs of each, and walking the whole
// history per question made the verdicts a tenth of a sweep's CPU.
type jobRuns struct {
	keys []runKey
	of   map[runKey][]Job
}

type runKey struct{ job, shop string }

// jobRuns groups the history once; it must not be called before the history is read.
func (f *facts) jobRuns() *jobRuns {
	f.runsOnce.Do(func() {
		f.runs.of = map[runKey][]Job{}
		for _, j := range f.history.val {
			k := runKey{j.Type, j.Shop()}
			if _, seen := f.runs.of[k]; !seen {
				f.runs.keys = append(f.runs.keys, k)
			}
			f.runs.of[k] = append(f.runs.of[k], j)
		}
	})
	return &f.runs
}

func (f *facts) setListings(shopID string, ls []Listing, err error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	old, seen := f.listings[shopID]
	if seen && old.err == nil && err == nil {
		old.val = append(old.val, ls...)
		f.listings[shopID] = old
		return
	}
	if seen && old.err != nil {
		return // a failed call for the shop makes its listing unknown whatever else answered
	}
	f.listings[shopID] = result[[]Listing]{val: ls, err: err}
}

// group runs OMS calls concurrently with at most limit in flight, and never outlives the caller's Wait.
type group struct {
	ctx context.Context
	sem chan struct{}
	wg  sync.WaitGroup
}

func newGroup(ctx context.Context, limit int) *group {
	return &group{ctx: ctx, sem: make(chan struct{}, limit)}
}

// Go runs fn once a slot is free; when ctx ends first, fn is not run and done gets ctx's error.
func (g *group) Go(fn func(ctx context.Context), done func(err error)) {
	g.wg.Add(1)
	go func() {
		defer g.wg.Done()
		select {
		case g.sem <- struct{}{}:
		case <-g.ctx.Done():
			done(g.ctx.Err())
			return
		}
		defer func() { <-g.sem }()
		fn(g.ctx)
	}()
}

func (g *group) Wait() { g.wg.Wait() }

// fetch asks the OMS everything the checks need. The product lookup is the only serial step: the
// store-wide questions start with it, and the per-product ones start as soon as it answers.
// Listings start from the product's goodIdentifications (the search index knows the shop variant ids)
// and are completed after the authoritative links arrive, for any shop variant the index did not know.
//
// Once the OMS refuses the credentials, the reads not yet sent fail with that refusal without asking.
//
// onProducts, when set, runs as soon as the product lookup has answered, in the goroutine that wrote
// f.products; it may read f.products and nothing else.
func (c *Chain) fetch(ctx context.Context, storeID string, skus []string, onProducts func(*facts)) *facts {
	f := &facts{listings: map[string]result[[]Listing]{}}
	g := newGroup(StopOnRefusal(ctx), c.opts.MaxInFlight)

	// run runs ask in the group and counts its OMS requests: those the HotWax client reports making
	// (retries, a login and a one-time probe included), else weight; fail records an error when the
	// deadline passed before a slot was free.
	run := func(weight int64, ask func(ctx context.Context), fail func(err error)) {
		g.Go(func(ctx context.Context) {
			var made atomic.Int64
			ask(CountRequests(ctx, &made))
			f.calls.Add(cmp.Or(made.Load(), weight))
		}, fail)
	}

	productsDone := make(chan struct{})
	run(1, func(ctx context.Context) {
		defer close(productsDone)
		ps, err := c.oms.ProductsBySKU(ctx, storeID, skus)
		f.products = result[[]CatalogProduct]{val: ps, err: err}
		if onProducts != nil {
			onProducts(f)
		}
	}, func(err error) {
		f.products.err = err
		close(productsDone)
	})
	cached, fresh, refresh, gen, askedAt := c.storeFactsFor(storeID)
	if fresh {
		cached.fill(f)
		if refresh {
			go c.refresh(storeID, gen)
		}
	} else {
		c.askStoreWide(f, run, storeID)
	}

	// The lookup always ends: the OMS honours ctx, and a call that never got a slot fails at once.
	<-productsDone
	if !f.products.ok() || len(f.products.val) == 0 {
		g.Wait()
		return f
	}

	// Listings the index already points at, per shop; the rest once the links are known.
	var listMu sync.Mutex
	asked := map[string][]VariantRef{} // shop id → variants whose listings were asked for
	for shopID, variants := range indexedVariants(f.products.val) {
		asked[shopID] = variants
		c.fetchListings(f, run, shopID, variants)
	}

	var linkMu sync.Mutex
	for _, batch := range chunks(productIDsOf(f.products.val), linkBatch) {
		run(1, func(ctx context.Context) {
			v, err := c.oms.ShopLinks(ctx, batch)
			linkMu.Lock()
			mergeResult(&f.links, v, err)
			linkMu.Unlock()
			if err != nil {
				return
			}
			listMu.Lock()
			defer listMu.Unlock()
			for shopID, variants := range variantsByShop(v) {
				if missing := unasked(variants, asked[shopID]); len(missing) > 0 {
					asked[shopID] = append(asked[shopID], missing...)
					c.fetchListings(f, run, shopID, missing)
				}
			}
		}, func(err error) {
			linkMu.Lock()
			defer linkMu.Unlock()
			mergeResult(&f.links, nil, err)
		})
	}
	var memberMu sync.Mutex
	for _, batch := range chunks(memberIDs(f.products.val), memberBatch) {
		run(1, func(ctx context.Context) {
			v, err := c.oms.CategoryMembers(ctx, batch)
			memberMu.Lock()
			defer memberMu.Unlock()
			mergeResult(&f.members, v, err)
		}, func(err error) {
			memberMu.Lock()
			defer memberMu.Unlock()
			mergeResult(&f.members, nil, err)
		})
	}
	g.Wait()
	if !fresh && c.opts.StoreFacts != nil {
		c.opts.StoreFacts.put(storeID, gen, askedAt, f)
	}
	return f
}

// storeFactsFor returns the cached store-wide facts when there are fresh ones.
func (c *Chain) storeFactsFor(storeID string) (sf storeFacts, fresh, refresh bool, gen uint64, at time.Time) {
	if c.opts.StoreFacts == nil {
		return storeFacts{}, false, false, 0, time.Time{}
	}
	return c.opts.StoreFacts.get(storeID)
}

// question is one OMS question: ask writes its answer into the facts and returns its error, for a caller
// that asks again; fail records why it was never asked; weight is how many OMS requests it makes.
type question struct {
	weight int64
	ask    func(ctx context.Context) error
	fail   func(err error)
}

// storeWide are the questions whose answers do not depend on the SKUs, each writing its fact of f.
func (c *Chain) storeWide(f *facts, storeID string) []question {
	return []question{
		{1, func(ctx context.Context) error {
			v, err := c.oms.Shops(ctx, storeID)
			f.shops = result[[]Shop]{val: v, err: err}
			return err
		}, func(err error) { f.shops.err = err }},
		{1, func(ctx context.Context) error {
			v, err := c.oms.FindJobs(ctx, c.pendingQuery())
			if err == nil && !hasDraft(v) {
				err = EmptyAnswer("findJobs", "no draft of the pre-order jobs")
			}
			f.jobs = result[[]Job]{val: v, err: err}
			return err
		}, func(err error) { f.jobs.err = err }},
		{1, func(ctx context.Context) error {
			v, err := c.oms.FindJobs(ctx, c.historyQuery(storeID))
			f.history = result[[]Job]{val: v, err: err}
			return err
		}, func(err error) { f.history.err = err }},
		{2, func(ctx context.Context) error { // two performFinds: the store's catalog, then its categories
			v, err := c.oms.PreorderCategories(ctx, storeID)
			f.categories = result[[]Category]{val: v, err: err}
			return err
		}, func(err error) { f.categories.err = err }},
	}
}

// askStoreWide asks the store-wide questions through run: they start with the product lookup, so they
// cost no round trip of their own.
func (c *Chain) askStoreWide(f *facts, run func(int64, func(context.Context), func(error)), storeID string) {
	for _, q := range c.storeWide(f, storeID) {
		run(q.weight, func(ctx context.Context) { _ = q.ask(ctx) }, q.fail)
	}
}

func (c *Chain) fetchListings(f *facts, run func(int64, func(context.Context), func(error)), shopID string, variants []VariantRef) {
	run(1, func(ctx context.Context) {
		v, err := c.oms.Listings(ctx, shopID, variants)
		f.setListings(shopID, v, err)
	}, func(err error) { f.setListings(shopID, nil, err) })
}

// pendingQuery asks for the drafts and scheduled rows of every job the chain reasons about. It is not
// limited to the store: drafts often carry no store, and rows of other stores are filtered by jobStore.
func (c *Chain) pendingQuery() JobQuery {
	j := c.opts.Jobs
	return JobQuery{
		Types:    nonEmpty(j.Association, j.PresellRefresh, j.CatalogSync, j.ImportNew, j.ImportUpdates, j.FullRepush),
		Statuses: []string{JobDraft, JobPending},
		ViewSize: 200,
	}
}

// hasDraft reports whether the answer holds a draft. Every job exists as a draft in the OMS, so an answer
// without any ({}, {"docs":null}, "No record found") could not be read: taken as evidence, it would report
// every job as unscheduled and offer to schedule drafts that cannot be found.
func hasDraft(jobs []Job) bool {
	return slices.ContainsFunc(jobs, func(j Job) bool { return j.Status == JobDraft })
}

// historyQuery asks for the store's recent finished and failed runs of the pre-order jobs, newest first.
func (c *Chain) historyQuery(storeID string) JobQuery {
	j := c.opts.Jobs
	return JobQuery{
		Types:          nonEmpty(j.Association, j.PresellRefresh, j.CatalogSync, j.FullRepush),
		Statuses:       []string{JobFinished, JobFailed, JobCrashed},
		ProductStoreID: storeID,
		OrderBy:        "runTime DESC",
		ViewSize:       100,
	}
}

// mergeResult folds one batch into r; any failed batch makes the whole fact unknown.
func mergeResult[T any](r *result[[]T], v []T, err error) {
	if err != nil {
		if r.err == nil {
			r.err = err
		}
		return
	}
	r.val = append(r.val, v...)
}

// productIDsOf is the product ids whose shop links matter: the resolved SKUs themselves.
func productIDsOf(ps []CatalogProduct) []string {
	var ids []string
	for _, p := range ps {
		if !slices.Contains(ids, p.ProductID) {
			ids = append(ids, p.ProductID)
		}
	}
	return ids
}

// memberIDs adds the virtual parents: category membership may sit on the virtual product.
func memberIDs(ps []CatalogProduct) []string {
	ids := productIDsOf(ps)
	for _, p := range ps {
		if p.VirtualID != "" && !slices.Contains(ids, p.VirtualID) {
			ids = append(ids, p.VirtualID)
		}
	}
	return ids
}

// indexedVariants are the variants the index says each shop has linked (hotwax-api §5.4).
func indexedVariants(ps []CatalogProduct) map[string][]VariantRef {
	out := map[string][]VariantRef{}
	for _, p := range ps {
		for _, l := range p.IndexedLinks {
			out[l.ShopID] = append(out[l.ShopID], VariantRef{VariantID: l.VariantID, ProductID: p.ProductID})
		}
	}
	return out
}

func variantsByShop(links []ShopLink) map[string][]VariantRef {
	out := map[string][]VariantRef{}
	for _, l := range links {
		out[l.ShopID] = append(out[l.ShopID], VariantRef{VariantID: l.VariantID, ProductID: l.ProductID})
	}
	return out
}

// chunks splits ids into as few batches of at most n as possible, of even sizes: 101 ids make batches
// of 51 and 50, not 100 and 1.
func chunks(ids []string, n int) [][]string {
	if len(ids) == 0 {
		return nil
	}
	count := (len(ids) + n - 1) / n
	size := (len(ids) + count - 1) / count
	var out [][]string
	for len(ids) > size {
		out = append(out, ids[:size])
		ids = ids[size:]
	}
	return append(out, ids)
}

func nonEmpty(vs ...string) []string {
	var out []string
	for _, v := range vs {
		if v != "" && !slices.Contains(out, v) {
			out = append(out, v)
		}
	}
	return out
}

// unasked are the linked variants whose listings were not asked for with the ones the index pointed at.
func unasked(linked, asked []VariantRef) []VariantRef {
	var out []VariantRef
	for _, ref := range linked {
		if !slices.Contains(asked, ref) {
			out = append(out, ref)
		}
	}
	return out
}
