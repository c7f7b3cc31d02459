package diagnostics_test

import (
	"context"
	"net/http"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/preorderbot/preorderbot/diagnostics"
	"github.com/preorderbot/preorderbot/diagnostics/hotwax"
	"github.com/preorderbot/preorderbot/diagnostics/hotwax/hotwaxtest"
)

const sweepStore = "STORE"

// sweepAll runs a sweep and returns its results by SKU (product id for SKUs the index lacks).
func sweepAll(t *testing.T, oms diagnostics.SweepOMS, limiter *diagnostics.Limiter, opts diagnostics.SweepOptions) (diagnostics.SweepSummary, map[string]diagnostics.SweepResult) {
	t.Helper()
	got := map[string]diagnostics.SweepResult{}
	sum, err := diagnostics.NewSweeper(oms, limiter, diagnostics.Options{Jobs: defaultJobs}).Run(context.Background(), sweepStore, opts, func(r diagnostics.SweepResult) {
		key := r.SKU
		if key == "" {
			key = r.ProductID
		}
		_, dup := got[key]
		assert.False(t, dup, "%s reported twice", key)
		got[key] = r
	})
	require.NoError(t, err)
	return sum, got
}

func catalogServer(t *testing.T, skus int) (*hotwaxtest.Server, *hotwax.OMS) {
	srv, client, _ := simulated(t, hotwaxtest.Options{Scenario: hotwaxtest.ScenarioCatalog, Seed: 7, CatalogSKUs: skus})
	return srv, client
}

// TestSweepFindsEveryCause sweeps the generated catalog and compares each SKU with the cause it was built
// for, and a sample with what an interactive check of the same SKU says.
func TestSweepFindsEveryCause(t *testing.T) {
	srv, client := catalogServer(t, 400)
	want := srv.CatalogCauses()
	require.Len(t, want, 400)

	sum, got := sweepAll(t, client, diagnostics.NewLimiter(4, 0), diagnostics.SweepOptions{})

	assert.Equal(t, len(want)+2, sum.SKUs, "the generated SKUs and the two control variants")
	assert.NotContains(t, got, hotwaxtest.CatalogExpiredSKU, "membership ended")
	assert.NotContains(t, got, hotwaxtest.CatalogFutureSKU, "membership not started")
	assert.Equal(t, diagnostics.CauseHealthy, got[hotwaxtest.ControlSKU].Cause)
	seen := map[diagnostics.Cause]int{}
	for sku, scenario := range want {
		cause := diagnostics.Cause(scenario)
		key := sku
		if scenario == hotwaxtest.ScenarioUnknownSKU {
			key, _ = srv.ProductID(sku)
		}
		r, ok := got[key]
		if !assert.True(t, ok, "%s (%s) not swept", sku, cause) {
			continue
		}
		assert.Equal(t, cause, r.Cause, "%s", sku)
		seen[cause]++
	}
	for _, cause := range []diagnostics.Cause{diagnostics.CauseHealthy, diagnostics.CauseAssociationJobMissing, diagnostics.CauseAssociatedAfterSync,
		diagnostics.CauseJobFailing, diagnostics.CauseNeedsManualLink, diagnostics.CauseUnexplained, diagnostics.CauseUnknownSKU} {
		assert.Positive(t, seen[cause], "no %s in the catalog", cause)
		assert.Equal(t, seen[cause]+boolInt(cause == diagnostics.CauseHealthy)*2, sum.ByCause[cause], cause)
	}
	assert.Empty(t, sum.FailedBatches)
	assert.Positive(t, sum.ByShop[hotwaxtest.ShopUK])
	assert.Equal(t, "Acme UK", sum.ShopNames[hotwaxtest.ShopUK])

	var sample []string
	for sku, r := range got {
		if r.SKU != "" && len(sample) < 40 {
			sample = append(sample, sku)
		}
	}
	reports, err := diagnostics.New(client, diagnostics.Options{Jobs: defaultJobs}).Run(context.Background(), sweepStore, sample)
	require.NoError(t, err)
	for _, rep := range reports {
		r := got[rep.SKU]
		assert.Equal(t, rep.Cause, r.Cause, "sweep and check disagree on %s", rep.SKU)
		assert.Equal(t, rep.Causes, r.Causes, rep.SKU)
	}
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

// TestSweepRequestBudget holds the sweep to about six OMS requests per 50 SKUs.
func TestSweepRequestBudget(t *testing.T) {
	srv, client := catalogServer(t, 500)
	srv.ResetCounts()
	sum, _ := sweepAll(t, client, diagnostics.NewLimiter(4, 0), diagnostics.SweepOptions{})
	budget := sum.SKUs/50*6 + 10
	assert.LessOrEqual(t, srv.Total(), budget, "requests %v", srv.Counts())
	assert.Equal(t, srv.Total(), sum.OMSCalls)
}

func TestSweepMaxSKUs(t *testing.T) {
	_, client := catalogServer(t, 400)
	sum, got := sweepAll(t, client, nil, diagnostics.SweepOptions{MaxSKUs: 120})
	assert.LessOrEqual(t, len(got), 120+10, "unknown SKUs of the listed chunks may add a few")
	assert.GreaterOrEqual(t, len(got), 120)
	assert.Equal(t, len(got), sum.SKUs)
}

// flakyLinks fails the links read of chosen batches: fail decides per call from the batch's first product
// and how many times that batch was asked.
type flakyLinks struct {
	diagnostics.SweepOMS
	mu    sync.Mutex
	calls map[string]int
	fail  func(first string, call int) bool
}

func (f *flakyLinks) ShopLinks(ctx context.Context, ids []string) ([]diagnostics.ShopLink, error) {
	f.mu.Lock()
	f.calls[ids[0]]++
	n := f.calls[ids[0]]
	f.mu.Unlock()
	if f.fail(ids[0], n) {
		return nil, &diagnostics.OMSError{Call: "performFind ShopifyShopProduct", Status: 500, Reason: "HTTP 500 Internal Server Error"}
	}
	return f.SweepOMS.ShopLinks(ctx, ids)
}

// TestSweepRetriesAFailedBatch: a batch that fails once is asked again and comes out right.
func TestSweepRetriesAFailedBatch(t *testing.T) {
	srv, client := catalogServer(t, 300)
	oms := &flakyLinks{SweepOMS: client, calls: map[string]int{}, fail: func(_ string, n int) bool { return n == 1 }}
	sum, got := sweepAll(t, oms, nil, diagnostics.SweepOptions{})
	assert.Empty(t, sum.FailedBatches)
	for sku, cause := range srv.CatalogCauses() {
		if cause != hotwaxtest.ScenarioUnknownSKU {
			assert.Equal(t, diagnostics.Cause(cause), got[sku].Cause, sku)
		}
	}
}

// TestSweepOMSFailingMidSweep: batches the OMS keeps failing on are reported with their SKUs and the
// reason, none of their SKUs is healthy, and the rest of the sweep is right.
func TestSweepOMSFailingMidSweep(t *testing.T) {
	srv, client := catalogServer(t, 300)
	var batches atomic.Int64
	failing := sync.Map{}
	oms := &flakyLinks{SweepOMS: client, calls: map[string]int{}, fail: func(first string, n int) bool {
		if n == 1 && batches.Add(1) > 2 {
			failing.Store(first, true)
		}
		_, bad := failing.Load(first)
		return bad
	}}
	sum, got := sweepAll(t, oms, nil, diagnostics.SweepOptions{})
	require.NotEmpty(t, sum.FailedBatches)
	unchecked := 0
	for _, fb := range sum.FailedBatches {
		assert.Contains(t, fb.Reason, "500")
		for _, sku := range fb.SKUs {
			unchecked++
			assert.NotEqual(t, diagnostics.CauseHealthy, got[sku].Cause, "%s could not be read yet is healthy", sku)
		}
	}
	assert.Positive(t, unchecked)
	right := 0
	for sku, cause := range srv.CatalogCauses() {
		if r, ok := got[sku]; ok && !slices.ContainsFunc(sum.FailedBatches, func(fb diagnostics.FailedBatch) bool { return slices.Contains(fb.SKUs, sku) }) {
			assert.Equal(t, diagnostics.Cause(cause), r.Cause, sku)
			right++
		}
	}
	assert.Positive(t, right, "the batches before the failure count")
}

func TestSweepUnknownStore(t *testing.T) {
	_, client := catalogServer(t, 10)
	_, err := diagnostics.NewSweeper(client, nil, diagnostics.Options{Jobs: defaultJobs}).Run(context.Background(), "NOPE", diagnostics.SweepOptions{}, nil)
	var unknown *diagnostics.UnknownStoreError
	require.ErrorAs(t, err, &unknown)
	assert.Equal(t, `product store "NOPE" not found; the stores are: STORE`, err.Error())
}

type noCategories struct{ diagnostics.SweepOMS }

func (noCategories) PreorderCategories(context.Context, string) ([]diagnostics.Category, error) {
	return []diagnostics.Category{}, nil
}

func TestSweepStoreWithoutPreorderCategory(t *testing.T) {
	_, client := catalogServer(t, 10)
	_, err := diagnostics.NewSweeper(noCategories{client}, nil, diagnostics.Options{Jobs: defaultJobs}).Run(context.Background(), sweepStore, diagnostics.SweepOptions{}, nil)
	require.ErrorIs(t, err, diagnostics.ErrNoPreorderCategory)
}

// TestSweepOMSDown: an OMS that cannot be reached at all stops the sweep before it lists anything.
func TestSweepOMSDown(t *testing.T) {
	srv, client := catalogServer(t, 10)
	srv.SetFaults(hotwaxtest.Faults{ErrorRate: 1})
	var emitted int
	_, err := diagnostics.NewSweeper(client, nil, diagnostics.Options{Jobs: defaultJobs}).Run(context.Background(), sweepStore, diagnostics.SweepOptions{}, func(diagnostics.SweepResult) { emitted++ })
	require.Error(t, err)
	assert.Contains(t, err.Error(), "pre-order categories")
	assert.Zero(t, emitted)
}

// holdingTransport holds every HTTP exchange until released and records the most in flight.
type holdingTransport struct {
	base           http.RoundTripper
	inFlight, most atomic.Int64
	release        chan struct{}
}

func (h *holdingTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	n := h.inFlight.Add(1)
	defer h.inFlight.Add(-1)
	for {
		m := h.most.Load()
		if n <= m || h.most.CompareAndSwap(m, n) {
			break
		}
	}
	select {
	case <-h.release:
	case <-r.Context().Done():
		return nil, r.Context().Err()
	}
	return h.base.RoundTrip(r)
}

// TestSweepConcurrencyAndInteractiveCheck: the sweep never has more HTTP exchanges than its limit in
// flight, and an interactive check runs to the end while the sweep holds every slot.
func TestSweepConcurrencyAndInteractiveCheck(t *testing.T) {
	srv, client := catalogServer(t, 300)
	tr := &http.Transport{}
	t.Cleanup(tr.CloseIdleConnections)
	slow := &holdingTransport{base: tr, release: make(chan struct{})}
	held, err := hotwax.New(hotwax.Options{BaseURL: srv.URL(), Token: srv.Token(), Timeout: time.Minute, HTTPClient: &http.Client{Transport: slow}})
	require.NoError(t, err)
	done := make(chan diagnostics.SweepSummary)
	go func() {
		sum, err := diagnostics.NewSweeper(hotwax.NewOMS(held), diagnostics.NewLimiter(3, 0), diagnostics.Options{Jobs: defaultJobs}).
			Run(context.Background(), sweepStore, diagnostics.SweepOptions{}, nil)
		assert.NoError(t, err)
		done <- sum
	}()
	require.Eventually(t, func() bool { return slow.inFlight.Load() == 3 }, 10*time.Second, time.Millisecond)

	reports, err := diagnostics.New(client, diagnostics.Options{Jobs: defaultJobs}).Run(context.Background(), sweepStore, []string{hotwaxtest.ControlSKU})
	require.NoError(t, err)
	assert.Equal(t, diagnostics.CauseHealthy, reports[0].Cause)

	stop := make(chan struct{})
	defer close(stop)
	go func() {
		for {
			select {
			case slow.release <- struct{}{}:
			case <-stop:
				return
			}
		}
	}()
	sum := <-done
	assert.Equal(t, int64(3), slow.most.Load(), "at most the limit in flight, and the limit used")
	assert.Greater(t, sum.SKUs, 300)
}
