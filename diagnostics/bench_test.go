package diagnostics_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/preorderbot/preorderbot/diagnostics"
	"github.com/preorderbot/preorderbot/diagnostics/hotwax"
	"github.com/preorderbot/preorderbot/diagnostics/hotwax/hotwaxtest"
)

// benchLatency is L, the simulated OMS's round trip; the chain's cost is reported as a multiple of it.
const benchLatency = 20 * time.Millisecond

func benchChain(b *testing.B, skus []string) {
	srv := hotwaxtest.NewTestServer(b, hotwaxtest.Options{Scenario: hotwaxtest.ScenarioHealthy, Latency: benchLatency})
	client, err := hotwax.New(hotwax.Options{BaseURL: srv.URL(), Token: srv.Token()})
	require.NoError(b, err)
	chain := diagnostics.New(client, diagnostics.Options{})
	ctx := context.Background()
	// One untimed run opens the connections, as a long-running bot has them open.
	_, err = chain.Run(ctx, "STORE", skus)
	require.NoError(b, err)
	srv.ResetCounts()
	b.ResetTimer()
	start := time.Now()
	for b.Loop() {
		reports, err := chain.Run(ctx, "STORE", skus)
		if err != nil || reports[0].Cause != diagnostics.CauseHealthy {
			b.Fatalf("run: %v %+v", err, reports)
		}
	}
	elapsed := time.Since(start)
	b.ReportMetric(float64(elapsed)/float64(b.N)/float64(benchLatency), "L/op")
	b.ReportMetric(float64(srv.Total())/float64(b.N), "oms-req/op")
}

// BenchmarkCheckOneSKU is the cost of one check: targets ≤ 3 L of wall time and ≤ 12 OMS requests.
func BenchmarkCheckOneSKU(b *testing.B) {
	benchChain(b, []string{hotwaxtest.ControlSKU})
}

// BenchmarkCheck50SKUs checks 50 SKUs in one run (the store's two products and 48 it does not have):
// store-wide facts once, per-SKU facts in batches, so it costs about what one SKU does.
func BenchmarkCheck50SKUs(b *testing.B) {
	skus := []string{hotwaxtest.ControlSKU, "HW-JACKET-L"}
	for i := range 48 {
		skus = append(skus, fmt.Sprintf("HW-BENCH-%02d", i))
	}
	benchChain(b, skus)
}
