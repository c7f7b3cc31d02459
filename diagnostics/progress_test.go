package diagnostics

import (
	"context"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/preorderbot/preorderbot/diagnostics/hotwax"
)

// The product check is reported after the first round trip, while the other calls are still out.
func TestRunWithProgress(t *testing.T) {
	w := healthyWorld()
	oms := w.oms()
	release := make(chan struct{})
	jobs := oms.FindJobsFn
	oms.FindJobsFn = func(ctx context.Context, q hotwax.JobQuery) ([]hotwax.Job, error) {
		<-release // the job queries answer only after the product check was reported
		return jobs(ctx, q)
	}
	var mu sync.Mutex
	var seen []string
	progress := func(sku string, ch Check) {
		mu.Lock()
		defer mu.Unlock()
		if len(seen) == 0 {
			assert.Equal(t, CheckProduct, ch.ID, "the product check comes first")
			assert.Equal(t, StatusPass, ch.Status)
			close(release)
		}
		seen = append(seen, ch.ID)
	}
	reports, err := New(oms, testOptions()).RunWithProgress(context.Background(), "STORE", []string{"SKU-1"}, progress)
	require.NoError(t, err)
	require.Len(t, reports, 1)
	assert.Equal(t, CauseHealthy, reports[0].Cause)
	assert.Equal(t, []string{CheckProduct}, seen, "the rest come with the report")
}

func TestShopifyID(t *testing.T) {
	for s, want := range map[string]bool{
		"44596467138724": true, "0": true, "18446744073709551615": true,
		"": false, "123456789012345678901": false, "gid://shopify/ProductVariant/1": false, "12 34": false, "-1": false,
	} {
		assert.Equal(t, want, ShopifyID(s), s)
	}
}
