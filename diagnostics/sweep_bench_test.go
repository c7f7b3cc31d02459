package diagnostics_test

import (
	"context"
	"runtime"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/preorderbot/preorderbot/diagnostics"
	"github.com/preorderbot/preorderbot/diagnostics/hotwax"
	"github.com/preorderbot/preorderbot/diagnostics/hotwax/hotwaxtest"
)

// BenchmarkSweep2000SKUs sweeps the generated catalog of 2,000 SKUs at L = 20 ms with 4 requests in flight.
// Targets: requests ≤ 2000/50×6+10 = 250; wall time ≤ requests ÷ 4 × L × 1.5; peak heap < 50 MB (the
// simulated OMS runs in the same process and counts against it).
func BenchmarkSweep2000SKUs(b *testing.B) {
	const skus, concurrency = 2000, 4
	srv := hotwaxtest.NewTestServer(b, hotwaxtest.Options{Scenario: hotwaxtest.ScenarioCatalog, CatalogSKUs: skus, Latency: benchLatency})
	hc, err := hotwax.New(hotwax.Options{BaseURL: srv.URL(), Token: srv.Token()})
	require.NoError(b, err)
	client := hotwax.NewOMS(hc)
	sweeper := diagnostics.NewSweeper(diagnostics.Limit(client, diagnostics.NewLimiter(concurrency, 0)), diagnostics.Options{})
	ctx := context.Background()

	var peak atomic.Uint64
	stop := make(chan struct{})
	sampled := make(chan struct{})
	go func() {
		defer close(sampled)
		var ms runtime.MemStats
		t := time.NewTicker(5 * time.Millisecond)
		defer t.Stop()
		for {
			runtime.ReadMemStats(&ms)
			if ms.HeapInuse > peak.Load() {
				peak.Store(ms.HeapInuse)
			}
			select {
			case <-t.C:
			case <-stop:
				return
			}
		}
	}()
	srv.ResetCounts()
	var wall time.Duration
	var swept int
	for b.Loop() {
		start := time.Now()
		sum, err := sweeper.Run(ctx, "STORE", diagnostics.SweepOptions{}, func(diagnostics.SweepResult) {})
		wall += time.Since(start)
		if err != nil || sum.SKUs < skus || len(sum.FailedBatches) > 0 {
			b.Fatalf("sweep: %v %+v", err, sum)
		}
		swept = sum.SKUs
	}
	close(stop)
	<-sampled
	requests := float64(srv.Total()) / float64(b.N)
	b.ReportMetric(requests, "oms-req/op")
	b.ReportMetric(float64(skus)/50*6+10, "target-req")
	b.ReportMetric(float64(wall.Milliseconds())/float64(b.N), "wall-ms/op")
	b.ReportMetric(requests/concurrency*float64(benchLatency.Milliseconds())*1.5, "target-ms")
	b.ReportMetric(float64(peak.Load())/(1<<20), "peak-heap-MB")
	b.ReportMetric(float64(swept), "skus")
}
