package diagnostics

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"
)

// MaxSKUs bounds one run, so a pasted list cannot turn into an unbounded OMS query.
const MaxSKUs = 100

// Chain runs the guide's checks for SKUs of a product store.
type Chain struct {
	oms  OMS
	opts Options
}

// New returns a chain reading from oms.
func New(oms OMS, opts Options) *Chain {
	return &Chain{oms: oms, opts: opts.withDefaults()}
}

// Run checks every SKU in one pass over the OMS: store-wide facts are fetched once, per-SKU facts in
// batches, so 50 SKUs cost about as many requests as one. It returns one report per SKU, in order.
// The error is only for bad input. A read the OMS does not answer usably leaves only the checks that need it
// unknown (Report.Failures says why, once per call); the cause is ranked from the rest, and is incomplete or
// oms-unavailable only when the rest found nothing.
func (c *Chain) Run(ctx context.Context, storeID string, skus []string) ([]Report, error) {
	return c.RunWithProgress(ctx, storeID, skus, nil)
}

// RunWithProgress is Run that also reports the product check of each SKU after the first round trip,
// while the other calls are still out; the other checks all become known at the end, with the reports.
func (c *Chain) RunWithProgress(ctx context.Context, storeID string, skus []string, progress func(sku string, ch Check)) ([]Report, error) {
	storeID = strings.TrimSpace(storeID)
	if storeID == "" {
		return nil, errors.New("no product store given")
	}
	if len(skus) == 0 {
		return nil, errors.New("no SKU given")
	}
	if len(skus) > MaxSKUs {
		return nil, fmt.Errorf("%d SKUs given, at most %d per check", len(skus), MaxSKUs)
	}
	clean := make([]string, 0, len(skus))
	for _, s := range skus {
		s = strings.TrimSpace(s)
		if s == "" {
			return nil, errors.New("empty SKU given")
		}
		clean = append(clean, s)
	}

	start := c.opts.Now()
	began := time.Now()
	ctx, cancel := context.WithTimeout(ctx, c.opts.Deadline)
	defer cancel()
	distinct := uniq(clean)
	var onProducts func(*facts)
	if progress != nil {
		onProducts = func(f *facts) {
			for _, sku := range distinct {
				s := &subject{opts: c.opts, storeID: storeID, sku: sku, f: f}
				if f.products.ok() {
					s.product = findProduct(f.products.val, sku)
				}
				progress(sku, s.checkProduct())
			}
		}
	}
	f := c.fetch(ctx, storeID, distinct, onProducts)
	elapsed := Duration(time.Since(began))

	reports := make([]Report, 0, len(clean))
	for _, sku := range clean {
		r := c.evaluate(storeID, sku, f, start)
		r.Elapsed = elapsed
		r.OMSCalls = int(f.calls.Load())
		reports = append(reports, r)
	}
	return reports, nil
}

func uniq(ss []string) []string {
	seen := map[string]bool{}
	var out []string
	for _, s := range ss {
		if !seen[s] {
			seen[s] = true
			out = append(out, s)
		}
	}
	return out
}
