package diagnostics

import (
	"context"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Facts past half their TTL are used and refreshed in the background; past the TTL they are asked for by
// the check itself.
func TestStoreFactsRefreshInTheBackground(t *testing.T) {
	w := healthyWorld()
	inner := w.oms()
	var shopCalls atomic.Int64
	f := &fakeOMS{
		ProductsBySKUFn: inner.ProductsBySKU,
		ShopsFn: func(ctx context.Context, s string) ([]Shop, error) {
			shopCalls.Add(1)
			return inner.Shops(ctx, s)
		},
		ShopLinksFn:          inner.ShopLinks,
		PreorderCategoriesFn: inner.PreorderCategories,
		CategoryMembersFn:    inner.CategoryMembers,
		FindJobsFn:           inner.FindJobs,
		ListingsFn:           inner.Listings,
	}
	var mu sync.Mutex
	now := time.Date(2026, 12, 3, 9, 0, 0, 0, time.UTC)
	facts := NewStoreFacts(time.Minute)
	facts.now = func() time.Time { mu.Lock(); defer mu.Unlock(); return now }
	advance := func(d time.Duration) { mu.Lock(); defer mu.Unlock(); now = now.Add(d) }
	opts := testOptions()
	opts.StoreFacts = facts
	chain := New(f, opts)
	run := func() {
		t.Helper()
		_, err := chain.Run(context.Background(), "STORE", []string{w.products[0].SKU})
		require.NoError(t, err)
	}

	run()
	require.EqualValues(t, 1, shopCalls.Load())
	advance(20 * time.Second)
	run()
	assert.EqualValues(t, 1, shopCalls.Load(), "fresh facts are used as they are")

	advance(20 * time.Second) // 40 s old: used, and refreshed in the background
	run()
	require.Eventually(t, func() bool {
		facts.mu.Lock()
		defer facts.mu.Unlock()
		return facts.byStore["STORE"].at.Equal(now) && !facts.refreshing["STORE"]
	}, 5*time.Second, time.Millisecond, "refreshed")
	assert.EqualValues(t, 2, shopCalls.Load())

	advance(61 * time.Second) // past the TTL: the check asks itself
	run()
	assert.EqualValues(t, 3, shopCalls.Load())
}
