package diagnostics

import (
	"context"
	"iter"
	"sync"
)

// check expands the member products to their sellable SKUs and checks them in batches: one producer lists
// the SKUs, workers check the batches. A batch waits for its links before it asks for the listings the
// index did not point at, so each worker has a request in flight only part of the time: twice as many
// workers as the OMS may answer at once keep every slot of the limiter busy, and the producer lists ahead
// of them so that no worker waits for a batch.
func (sw *sweep) check(ctx context.Context, memberIDs []string) {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	workers := 2 * sw.concurrency()
	batches := make(chan []CatalogProduct, 2*workers)
	go func() {
		defer close(batches)
		sw.expand(ctx, memberIDs, batches)
	}()
	var wg sync.WaitGroup
	for range workers {
		wg.Go(func() {
			for b := range batches {
				sw.checkBatch(ctx, b)
			}
		})
	}
	wg.Wait()
}

// expand turns member products into batches of sellable products: the product itself, or a virtual
// product's variants. A chunk is released only once every page of it was read, so a failure leaves no SKU
// half-listed; its products are reported unchecked. Members the index does not hold are unknown SKUs.
// Several chunks are read at once, ahead of the workers, and used in their order.
func (sw *sweep) expand(ctx context.Context, memberIDs []string, out chan<- []CatalogProduct) {
	var pending []CatalogProduct
	sent := 0
	send := func(b []CatalogProduct) bool {
		select {
		case out <- b:
			return true
		case <-ctx.Done():
			return false
		}
	}
	limit := sw.opts.MaxSKUs
	for x := range sw.expansions(ctx, memberIDs) {
		chunk, products, err := x.chunk, x.products, x.err
		if ctx.Err() != nil {
			return
		}
		if err != nil {
			sw.unlisted(chunk, err)
			continue
		}
		covered := map[string]bool{}
		for _, p := range products {
			covered[p.ProductID], covered[p.VirtualID] = true, true
		}
		for _, id := range chunk {
			if !covered[id] {
				sw.record(SweepResult{ProductID: id, Cause: CauseUnknownSKU, Causes: []Cause{CauseUnknownSKU}, Failing: []CheckID{CheckProduct}, ShopsNotListed: []string{}})
			}
		}
		sw.mu.Lock()
		sw.expected += len(products)
		sw.mu.Unlock()
		for _, p := range products {
			if limit > 0 && sent >= limit {
				break
			}
			pending = append(pending, p)
			sent++
			if len(pending) == sweepBatchMax {
				if !send(pending) {
					return
				}
				pending = nil
			}
		}
		if limit > 0 && sent >= limit {
			break
		}
	}
	if len(pending) > 0 {
		send(pending)
	}
}

// expansion is the sellable products of a chunk of members, or why they could not be read.
type expansion struct {
	chunk    []string
	products []CatalogProduct
	err      error
}

// expansions reads the chunks of members, as many at once as the sweep may have requests in flight (no
// more than a MaxSKUs sweep needs), and yields them in order. Reads under way when the caller stops are
// cancelled and waited for.
func (sw *sweep) expansions(ctx context.Context, memberIDs []string) iter.Seq[expansion] {
	return func(yield func(expansion) bool) {
		ctx, cancel := context.WithCancel(ctx)
		var wg sync.WaitGroup
		defer wg.Wait()
		defer cancel()
		ahead := sw.concurrency()
		if sw.opts.MaxSKUs > 0 {
			ahead = min(ahead, (sw.opts.MaxSKUs+expandChunk-1)/expandChunk)
		}
		reads := make(chan chan expansion, ahead-1)
		wg.Go(func() {
			defer close(reads)
			for _, chunk := range chunks(memberIDs, expandChunk) {
				read := make(chan expansion, 1)
				select {
				case reads <- read:
				case <-ctx.Done():
					return
				}
				wg.Go(func() {
					products, err := sw.expandChunk(ctx, chunk)
					read <- expansion{chunk: chunk, products: products, err: err}
				})
			}
		})
		for read := range reads {
			if !yield(<-read) {
				return
			}
		}
	}
}

// expandChunk reads every page of the sellable products of a chunk of members.
func (sw *sweep) expandChunk(ctx context.Context, chunk []string) ([]CatalogProduct, error) {
	var out []CatalogProduct
	for start := 0; ; start += expandPage {
		p, err := retry(ctx, sw, func(ctx context.Context) (ProductsPage, error) {
			return sw.oms.SellableProducts(ctx, sw.storeID, chunk, start, expandPage)
		})
		if err != nil {
			return nil, err
		}
		out = append(out, p.Products...)
		if start+expandPage >= p.Total {
			return out, nil
		}
	}
}

// unlisted reports member products whose SKUs could not be listed: nothing about them was read.
func (sw *sweep) unlisted(productIDs []string, err error) {
	f := Classify(callProducts, err)
	cause := unreadCause([]Failure{f})
	sw.mu.Lock()
	sw.summary.FailedBatches = append(sw.summary.FailedBatches, FailedBatch{Reason: f.Message, ProductIDs: productIDs})
	sw.mu.Unlock()
	for _, id := range productIDs {
		sw.record(SweepResult{ProductID: id, Cause: cause, Causes: []Cause{cause}, Failing: []CheckID{}, ShopsNotListed: []string{}})
	}
}

// checkBatch reads the links and listings of a batch, retrying the batch when a read fails, and records
// each SKU's result.
func (sw *sweep) checkBatch(ctx context.Context, batch []CatalogProduct) {
	var f *facts
	for attempt := 0; attempt <= sw.opts.Retries; attempt++ {
		f = sw.fetchBatch(ctx, batch)
		if f.batchErr() == nil || ctx.Err() != nil {
			break
		}
	}
	var skus []string
	now := sw.chain.opts.Now()
	for _, p := range batch {
		sku := skuOf(p)
		skus = append(skus, sku)
		sw.record(compact(sw.chain.evaluate(sw.storeID, sku, f, now), p.ProductID))
	}
	if err := f.batchErr(); err != nil && ctx.Err() == nil {
		sw.mu.Lock()
		sw.summary.FailedBatches = append(sw.summary.FailedBatches, FailedBatch{Reason: err.Error(), SKUs: skus})
		sw.mu.Unlock()
	}
}

// skuOf is the identifier people know the product by: the SKU, else the internal name, else the id.
func skuOf(p CatalogProduct) string {
	for _, s := range []string{p.SKU, p.InternalName, p.ProductID} {
		if s != "" {
			return s
		}
	}
	return ""
}

// fetchBatch builds the facts of one batch: the store-wide facts, the members already listed, and the
// batch's own links and listings.
func (sw *sweep) fetchBatch(ctx context.Context, batch []CatalogProduct) *facts {
	w := sw.wide
	f := &facts{
		products: result[[]CatalogProduct]{val: batch},
		shops:    w.shops, jobs: w.jobs, history: w.history, categories: w.categories, known: w.known,
		listings: map[string]result[[]Listing]{},
	}
	for _, id := range memberIDs(batch) {
		f.members.val = append(f.members.val, sw.members[id]...)
	}
	connected := map[string]bool{}
	for _, sh := range w.shops.val {
		connected[sh.ShopID] = !sh.Disconnected
	}
	listings := func(shopID string, variants []VariantRef, wg *sync.WaitGroup) {
		if w.shops.ok() && !connected[shopID] {
			return // the checks read no listing of a disconnected shop
		}
		wg.Go(func() {
			sw.asked.Add(1)
			v, err := sw.oms.Listings(ctx, shopID, variants)
			f.setListings(shopID, v, err)
		})
	}
	var wg sync.WaitGroup
	asked := indexedVariants(batch)
	for shopID, variants := range asked {
		listings(shopID, variants, &wg)
	}
	sw.asked.Add(1)
	links, err := sw.oms.ShopLinks(ctx, productIDsOf(batch))
	f.links = result[[]ShopLink]{val: links, err: err}
	if err == nil {
		for shopID, variants := range variantsByShop(links) {
			if missing := unasked(variants, asked[shopID]); len(missing) > 0 {
				listings(shopID, missing, &wg)
			}
		}
	}
	wg.Wait()
	return f
}

// batchErr is the first read of a batch that failed.
func (f *facts) batchErr() error {
	if f.links.err != nil {
		return f.links.err
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	for _, l := range f.listings {
		if l.err != nil {
			return l.err
		}
	}
	return nil
}

// Compact keeps what a sweep needs of a report: a re-check of some of a sweep's SKUs reads like the sweep.
func Compact(r Report, productID string) SweepResult { return compact(r, productID) }

// compact keeps what a sweep needs of a report.
func compact(r Report, productID string) SweepResult {
	res := SweepResult{SKU: r.SKU, ProductID: productID, Cause: r.Cause, Causes: r.Causes, Failing: []CheckID{}, ShopsNotListed: []string{}}
	for _, c := range r.Checks {
		if c.Status == StatusFail {
			res.Failing = append(res.Failing, c.ID)
		}
	}
	for _, sh := range r.Shops {
		if sh.Role != RoleDisconnected && sh.Listing != "" && sh.Listing != listingListed {
			res.ShopsNotListed = append(res.ShopsNotListed, sh.ShopID)
		}
	}
	if res.Problem() {
		for _, m := range r.Remedies {
			if m.Kind != RemedyRecheck && m.Kind != RemedyEscalate {
				res.Remedies = append(res.Remedies, m)
			}
		}
	}
	return res
}

// record counts a result into the summary and hands it to the caller.
func (sw *sweep) record(r SweepResult) {
	sw.mu.Lock()
	defer sw.mu.Unlock()
	s := &sw.summary
	s.SKUs++
	s.ByCause[r.Cause]++
	if r.Problem() {
		for _, shop := range r.ShopsNotListed {
			s.ByShop[shop]++
		}
	}
	if sw.emit != nil {
		sw.emit(r)
	}
	if sw.opts.Progress != nil {
		sw.opts.Progress(SweepProgress{Done: s.SKUs, Expected: max(sw.expected, s.SKUs), Problems: s.Problems(), OMSCalls: sw.calls()})
	}
}
