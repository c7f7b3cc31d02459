package diagnostics

import (
	"context"
	"fmt"
	"sync/atomic"
	"testing"
	"time"
)

// slowOMS adds a round trip of latency to every call of a world, and counts the calls.
func slowOMS(w *world, latency time.Duration, calls *atomic.Int64) *fakeOMS {
	inner := w.oms()
	wait := func(ctx context.Context) error {
		calls.Add(1)
		t := time.NewTimer(latency)
		defer t.Stop()
		select {
		case <-t.C:
			return nil
		case <-ctx.Done():
			return ctx.Err()
		}
	}
	return &fakeOMS{
		ProductsBySKUFn: func(ctx context.Context, s string, skus []string) ([]CatalogProduct, error) {
			if err := wait(ctx); err != nil {
				return nil, err
			}
			return inner.ProductsBySKU(ctx, s, skus)
		},
		ShopsFn: func(ctx context.Context, s string) ([]Shop, error) {
			if err := wait(ctx); err != nil {
				return nil, err
			}
			return inner.Shops(ctx, s)
		},
		ShopLinksFn: func(ctx context.Context, ids []string) ([]ShopLink, error) {
			if err := wait(ctx); err != nil {
				return nil, err
			}
			return inner.ShopLinks(ctx, ids)
		},
		PreorderCategoriesFn: func(ctx context.Context, s string) ([]Category, error) {
			if err := wait(ctx); err != nil { // two requests, one after the other
				return nil, err
			}
			if err := wait(ctx); err != nil {
				return nil, err
			}
			return inner.PreorderCategories(ctx, s)
		},
		CategoryMembersFn: func(ctx context.Context, ids []string) ([]CategoryMember, error) {
			if err := wait(ctx); err != nil {
				return nil, err
			}
			return inner.CategoryMembers(ctx, ids)
		},
		FindJobsFn: func(ctx context.Context, q JobQuery) ([]Job, error) {
			if err := wait(ctx); err != nil {
				return nil, err
			}
			return inner.FindJobs(ctx, q)
		},
		ListingsFn: func(ctx context.Context, shop string, ids []VariantRef) ([]Listing, error) {
			if err := wait(ctx); err != nil {
				return nil, err
			}
			return inner.Listings(ctx, shop, ids)
		},
	}
}

// BenchmarkRun50KnownSKUs checks 50 SKUs that all exist and are linked to every shop, with L = 20 ms per
// request: the links are known only from ShopLinks here (no search-index shortcut), so the critical path
// is product → links → listings.
func BenchmarkRun50KnownSKUs(b *testing.B) {
	const latency = 20 * time.Millisecond
	w := healthyWorld()
	base := w.links
	var skus []string
	for i := range 50 {
		p := w.products[0]
		p.ProductID, p.SKU = fmt.Sprintf("P%02d", i), fmt.Sprintf("SKU-%02d", i)
		w.products = append(w.products, p)
		skus = append(skus, p.SKU)
		for _, l := range base {
			l.ProductID = p.ProductID
			w.links = append(w.links, l)
		}
	}
	var calls atomic.Int64
	chain := New(slowOMS(w, latency, &calls), testOptions())
	b.ResetTimer()
	start := time.Now()
	for b.Loop() {
		reports, err := chain.Run(context.Background(), "STORE", skus)
		if err != nil || len(reports) != 50 {
			b.Fatalf("run: %v", err)
		}
	}
	b.ReportMetric(float64(time.Since(start))/float64(b.N)/float64(latency), "L/op")
	b.ReportMetric(float64(calls.Load())/float64(b.N), "oms-req/op")
}
