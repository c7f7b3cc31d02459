package main

import (
	"os/exec"
	"testing"
	"time"

	"github.com/preorderbot/preorderbot/diagnostics/hotwax/hotwaxtest"
)

// BenchmarkCheckProcessOneSKU runs `preorderbot check SKU` as a whole process (start, configuration, first
// connection, the chain, output) against a simulated OMS answering each request after L = 20 ms; the
// target is 2.5 L.
func BenchmarkCheckProcessOneSKU(b *testing.B) {
	const latency = 20 * time.Millisecond
	bin := buildBinary(b)
	oms := hotwaxtest.NewTestServer(b, hotwaxtest.Options{Scenario: hotwaxtest.ScenarioHealthy, Latency: latency})
	env := []string{"HOTWAX_BASE_URL=" + oms.URL(), "HOTWAX_TOKEN=" + oms.Token(), "HOTWAX_PRODUCT_STORE_ID=STORE",
		"HOTWAX_PARENT_SHOP_ID=" + hotwaxtest.ShopUS}
	run := func() {
		cmd := exec.Command(bin, "check", hotwaxtest.ControlSKU)
		cmd.Env = env
		if out, err := cmd.CombinedOutput(); err != nil {
			b.Fatalf("check: %v\n%s", err, out)
		}
	}
	run() // the binary's pages in the page cache, as for an operator's second command
	b.ResetTimer()
	start := time.Now()
	for b.Loop() {
		run()
	}
	b.ReportMetric(float64(time.Since(start))/float64(b.N)/float64(latency), "L/op")
}
