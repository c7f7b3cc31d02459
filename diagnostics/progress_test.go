package diagnostics

import (
	"context"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The product check is reported after the first round trip, while the other calls are still out.
func TestRunWithProgress(t *testing.T) {
	w := healthyWorld()
	oms := w.oms()
	release := make(chan struct{})
	jobs := oms.FindJobsFn
	oms.FindJobsFn = func(ctx context.Context, q JobQuery) ([]Job, error) {
		<-release // the job queries answer only after the product check was reported
		return jobs(ctx, q)
	}
	var mu sync.Mutex
	var seen []CheckID
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
	assert.Equal(t, []CheckID{CheckProduct}, seen, "the rest come with the report")
}
