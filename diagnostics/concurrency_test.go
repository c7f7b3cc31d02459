package diagnostics

import (
	"context"
	"fmt"
	"runtime"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// waitGoroutines waits until the goroutine count is back to at most n and returns the last count.
func waitGoroutines(n int) int {
	deadline := time.Now().Add(2 * time.Second)
	for {
		got := runtime.NumGoroutine()
		if got <= n || time.Now().After(deadline) {
			return got
		}
		time.Sleep(5 * time.Millisecond)
	}
}

func TestRunDeadline(t *testing.T) {
	before := runtime.NumGoroutine()
	f := healthyWorld().oms()
	f.CategoryMembersFn = func(ctx context.Context, _ []string) ([]CategoryMember, error) {
		<-ctx.Done() // an OMS that never answers
		return nil, ctx.Err()
	}
	opts := testOptions()
	opts.Deadline = 50 * time.Millisecond
	reports, err := New(f, opts).Run(context.Background(), "STORE", []string{"SKU-1"})
	require.NoError(t, err)
	r := reports[0]
	assert.Equal(t, []Cause{CauseOMSUnavailable}, r.Causes)
	assert.Equal(t, statuses{P, U, P, P, U, P, P, P, P}, statusesOf(r))
	require.Len(t, r.Failures, 1)
	assert.Equal(t, callMembers, r.Failures[0].Call)
	assert.Equal(t, FailureUnreachable, r.Failures[0].Kind)
	assert.Contains(t, r.Failures[0].Message, "no answer before the deadline")
	assert.LessOrEqual(t, waitGoroutines(before), before, "no goroutine left behind")
}

func TestRunCallerCancel(t *testing.T) {
	before := runtime.NumGoroutine()
	ctx, cancel := context.WithCancel(context.Background())
	f := healthyWorld().oms()
	f.ProductsBySKUFn = func(ctx context.Context, _ string, _ []string) ([]CatalogProduct, error) {
		cancel()
		<-ctx.Done()
		return nil, ctx.Err()
	}
	reports, err := New(f, testOptions()).Run(ctx, "STORE", []string{"SKU-1"})
	require.NoError(t, err)
	assert.Equal(t, CauseOMSUnavailable, reports[0].Cause)
	assert.Equal(t, StatusUnknown, reports[0].Checks[0].Status)
	assert.LessOrEqual(t, waitGoroutines(before), before, "no goroutine left behind")
}

// TestRunInFlightBound holds every call until as many as the bound allows are in flight, so a chain that
// ignored the bound would be seen exceeding it.
func TestRunInFlightBound(t *testing.T) {
	for _, limit := range []int{1, 2, 6} {
		t.Run(fmt.Sprint(limit), func(t *testing.T) {
			var inFlight, peak atomic.Int64
			enter := func() func() {
				n := inFlight.Add(1)
				for {
					p := peak.Load()
					if n <= p || peak.CompareAndSwap(p, n) {
						break
					}
				}
				time.Sleep(2 * time.Millisecond) // overlap the calls; correctness does not depend on it
				return func() { inFlight.Add(-1) }
			}
			w := healthyWorld()
			inner := w.oms()
			f := &fakeOMS{
				ProductsBySKUFn: func(ctx context.Context, s string, skus []string) ([]CatalogProduct, error) {
					defer enter()()
					return inner.ProductsBySKU(ctx, s, skus)
				},
				ShopsFn: func(ctx context.Context, s string) ([]Shop, error) {
					defer enter()()
					return inner.Shops(ctx, s)
				},
				ShopLinksFn: func(ctx context.Context, ids []string) ([]ShopLink, error) {
					defer enter()()
					return inner.ShopLinks(ctx, ids)
				},
				PreorderCategoriesFn: func(ctx context.Context, s string) ([]Category, error) {
					defer enter()()
					return inner.PreorderCategories(ctx, s)
				},
				CategoryMembersFn: func(ctx context.Context, ids []string) ([]CategoryMember, error) {
					defer enter()()
					return inner.CategoryMembers(ctx, ids)
				},
				FindJobsFn: func(ctx context.Context, q JobQuery) ([]Job, error) {
					defer enter()()
					return inner.FindJobs(ctx, q)
				},
				ListingsFn: func(ctx context.Context, shop string, ids []VariantRef) ([]Listing, error) {
					defer enter()()
					return inner.Listings(ctx, shop, ids)
				},
			}
			opts := testOptions()
			opts.MaxInFlight = limit
			r := runOne(t, f, opts)
			assert.Equal(t, CauseHealthy, r.Cause)
			assert.LessOrEqual(t, peak.Load(), int64(limit))
		})
	}
}

// TestRunBatchesSKUs checks that store-wide facts are asked once and per-SKU facts in batches as few as
// fit a page: 50 variants and their parent are one membership request, not 50 ids and then 1.
func TestRunBatchesSKUs(t *testing.T) {
	for _, tc := range []struct {
		skus                     int
		links, members, omsCalls int
	}{
		{skus: 50, links: 1, members: 1, omsCalls: 11},
		{skus: 100, links: 2, members: 2, omsCalls: 13}, // 100 products and their virtual parent
	} {
		t.Run(fmt.Sprint(tc.skus), func(t *testing.T) {
			calls, omsCalls := runCounted(t, tc.skus)
			assert.Equal(t, map[string]int{"products": 1, "shops": 1, "jobs": 2, "categories": 1, "links": tc.links, "members": tc.members, "listings": 3}, calls)
			assert.Equal(t, tc.omsCalls, omsCalls)
		})
	}
}

// runCounted checks n healthy SKUs and counts the calls per OMS method.
func runCounted(t *testing.T, n int) (map[string]int, int) {
	w := healthyWorld()
	var skus []string
	for i := range n {
		p := w.products[0]
		p.ProductID, p.SKU = fmt.Sprintf("P%03d", i), fmt.Sprintf("SKU-%03d", i)
		w.products = append(w.products, p)
		skus = append(skus, p.SKU)
	}
	var mu sync.Mutex
	calls := map[string]int{}
	count := func(name string) { mu.Lock(); calls[name]++; mu.Unlock() }
	inner := w.oms()
	f := &fakeOMS{
		ProductsBySKUFn: func(ctx context.Context, s string, skus []string) ([]CatalogProduct, error) {
			count("products")
			return inner.ProductsBySKU(ctx, s, skus)
		},
		ShopsFn: func(ctx context.Context, s string) ([]Shop, error) { count("shops"); return inner.Shops(ctx, s) },
		ShopLinksFn: func(ctx context.Context, ids []string) ([]ShopLink, error) {
			count("links")
			assert.LessOrEqual(t, len(ids), linkBatch)
			return inner.ShopLinks(ctx, ids)
		},
		PreorderCategoriesFn: func(ctx context.Context, s string) ([]Category, error) {
			count("categories")
			return inner.PreorderCategories(ctx, s)
		},
		CategoryMembersFn: func(ctx context.Context, ids []string) ([]CategoryMember, error) {
			count("members")
			assert.LessOrEqual(t, len(ids), memberBatch)
			return inner.CategoryMembers(ctx, ids)
		},
		FindJobsFn: func(ctx context.Context, q JobQuery) ([]Job, error) {
			count("jobs")
			return inner.FindJobs(ctx, q)
		},
		ListingsFn: func(ctx context.Context, shop string, ids []VariantRef) ([]Listing, error) {
			count("listings")
			return inner.Listings(ctx, shop, ids)
		},
	}
	reports, err := New(f, testOptions()).Run(context.Background(), "STORE", skus)
	require.NoError(t, err)
	require.Len(t, reports, n)
	return calls, reports[0].OMSCalls
}
