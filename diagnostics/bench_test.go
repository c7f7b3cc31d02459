package diagnostics_test

import (
	"context"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/preorderbot/preorderbot/diagnostics"
	"github.com/preorderbot/preorderbot/diagnostics/hotwax"
	"github.com/preorderbot/preorderbot/diagnostics/hotwax/hotwaxtest"
)

// benchLatency is L, the simulated OMS's round trip; the chain's cost is reported as a multiple of it.
const benchLatency = 20 * time.Millisecond

// benchChain runs the chain over HTTP against the simulated OMS at L. With facts set, the store-wide
// facts are kept between runs as serve keeps them.
func benchChain(b *testing.B, facts *diagnostics.StoreFacts, skus func(*hotwaxtest.Server) []string) {
	srv := hotwaxtest.NewTestServer(b, hotwaxtest.Options{Scenario: hotwaxtest.ScenarioHealthy, Latency: benchLatency})
	list := skus(srv)
	hc, err := hotwax.New(hotwax.Options{BaseURL: srv.URL(), Token: srv.Token()})
	require.NoError(b, err)
	client := hotwax.NewOMS(hc)
	chain := diagnostics.New(client, diagnostics.Options{Jobs: defaultJobs, StoreFacts: facts})
	ctx := context.Background()
	// One untimed run opens the connections, as a long-running bot has them open.
	_, err = chain.Run(ctx, "STORE", list)
	require.NoError(b, err)
	srv.ResetCounts()
	b.ResetTimer()
	cpu := processCPU()
	start := time.Now()
	for b.Loop() {
		reports, err := chain.Run(ctx, "STORE", list)
		require.NoError(b, err)
		for _, r := range reports {
			if r.Cause != diagnostics.CauseHealthy {
				b.Fatalf("%s: %s", r.SKU, r.Cause)
			}
		}
	}
	elapsed := time.Since(start)
	b.ReportMetric(float64(elapsed)/float64(b.N)/float64(benchLatency), "L/op")
	b.ReportMetric(float64(srv.Total())/float64(b.N), "oms-req/op")
	// CPU of the chain and the simulated OMS together: what the wall time pays beyond the round trips when
	// the two share the machine's cores, and the figure a busy machine does not distort.
	b.ReportMetric(float64(processCPU()-cpu)/float64(b.N)/float64(time.Millisecond), "cpu-ms/op")
}

// processCPU is the user and system CPU time the process has used.
func processCPU() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

func oneSKU(*hotwaxtest.Server) []string { return []string{hotwaxtest.ControlSKU} }

// fiftyKnownSKUs are 50 variants of one product: with their parent, 51 product ids.
func fiftyKnownSKUs(srv *hotwaxtest.Server) []string { return srv.AddHealthyFamily("HW-BENCH", 50) }

// BenchmarkCheckOneSKU is the cost of one check with nothing kept between runs, as the check command
// runs: targets ≤ 3 L of wall time and ≤ 12 OMS requests.
func BenchmarkCheckOneSKU(b *testing.B) { benchChain(b, nil, oneSKU) }

// BenchmarkCheckOneSKUWarm is a check in serve while the store-wide facts are fresh: two round trips.
func BenchmarkCheckOneSKUWarm(b *testing.B) {
	benchChain(b, diagnostics.NewStoreFacts(time.Hour), oneSKU)
}

// BenchmarkCheck50SKUs checks 50 known SKUs in one run over HTTP: store-wide facts once, per-SKU facts in
// batches sized so that the second round is one request per question, all at once; target ≤ 2.5 L.
func BenchmarkCheck50SKUs(b *testing.B) { benchChain(b, nil, fiftyKnownSKUs) }

// BenchmarkCheck50SKUsWarm is BenchmarkCheck50SKUs in serve while the store-wide facts are fresh.
func BenchmarkCheck50SKUsWarm(b *testing.B) {
	benchChain(b, diagnostics.NewStoreFacts(time.Hour), fiftyKnownSKUs)
}
