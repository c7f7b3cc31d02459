package diagnostics_test

import (
	"context"
	"io"
	"net/http"
	"runtime"
	"slices"
	"sort"
	"sync"
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
// simulated OMS runs in the same process and counts against it). It also reports how full the limiter
// kept the OMS: the mean number of requests in flight, and the share of the wall time with a slot idle
// and the share with fewer requests asked for than slots, waiting ones included: a slot idle while enough
// are asked for is CPU (the client decoding, the simulator answering), not the sweep's order of requests
// (-v logs both timelines of the last run).
func BenchmarkSweep2000SKUs(b *testing.B) {
	const skus, concurrency = 2000, 4
	srv := hotwaxtest.NewTestServer(b, hotwaxtest.Options{Scenario: hotwaxtest.ScenarioCatalog, CatalogSKUs: skus, Latency: benchLatency})
	flight := &inFlight{next: http.DefaultTransport}
	hc, err := hotwax.New(hotwax.Options{BaseURL: srv.URL(), Token: srv.Token(), HTTPClient: &http.Client{Transport: flight}})
	require.NoError(b, err)
	client := hotwax.NewOMS(hc)
	asked := &inFlight{}
	sweeper := diagnostics.NewSweeper(demand{SweepOMS: client, spans: asked}, diagnostics.NewLimiter(concurrency, 0), diagnostics.Options{Jobs: defaultJobs})
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
	var mean, idle, waiting float64
	cpuBefore := processCPU()
	for b.Loop() {
		flight.reset()
		asked.reset()
		start := time.Now()
		sum, err := sweeper.Run(ctx, "STORE", diagnostics.SweepOptions{}, func(diagnostics.SweepResult) {})
		took := time.Since(start)
		wall += took
		if err != nil || sum.SKUs < skus || len(sum.FailedBatches) > 0 {
			b.Fatalf("sweep: %v %+v", err, sum)
		}
		swept = sum.SKUs
		m, i := flight.occupancy(start, took, concurrency)
		_, w := asked.occupancy(start, took, concurrency)
		mean, idle, waiting = mean+m, idle+i, waiting+w
	}
	cpu := processCPU() - cpuBefore
	close(stop)
	<-sampled
	if testing.Verbose() {
		b.Logf("requests by source over %d runs: %v", b.N, srv.CountsBySource())
		b.Log("requests in flight, per 20 ms:\n" + flight.timeline(benchLatency))
		b.Log("requests asked for (in flight or waiting for a slot), per 20 ms:\n" + asked.timeline(benchLatency))
	}
	requests := float64(srv.Total()) / float64(b.N)
	b.ReportMetric(requests, "oms-req/op")
	b.ReportMetric(float64(skus)/50*6+10, "target-req")
	b.ReportMetric(float64(wall.Milliseconds())/float64(b.N), "wall-ms/op")
	b.ReportMetric(requests/concurrency*float64(benchLatency.Milliseconds())*1.5, "target-ms")
	b.ReportMetric(float64(peak.Load())/(1<<20), "peak-heap-MB")
	b.ReportMetric(float64(swept), "skus")
	b.ReportMetric(float64(cpu.Milliseconds())/float64(b.N), "cpu-ms/op")
	b.ReportMetric(mean/float64(b.N), "mean-in-flight")
	b.ReportMetric(100*idle/float64(b.N), "%wall-slot-idle")
	b.ReportMetric(100*waiting/float64(b.N), "%wall-too-few-asked")
}

// inFlight is an HTTP transport that notes when each request started and ended, to show how many requests
// were in flight over a run.
type inFlight struct {
	next http.RoundTripper
	mu   sync.Mutex
	// spans are the [start, end) of each request of the run, as offsets from the first.
	spans [][2]time.Time
}

func (t *inFlight) RoundTrip(r *http.Request) (*http.Response, error) {
	start := time.Now()
	resp, err := t.next.RoundTrip(r)
	if err == nil {
		resp.Body = &noteClose{ReadCloser: resp.Body, done: func() { t.note(start, time.Now()) }}
	} else {
		t.note(start, time.Now())
	}
	return resp, err
}

// span notes a request from now until the returned function is called.
func (t *inFlight) span() func() {
	start := time.Now()
	return func() { t.note(start, time.Now()) }
}

func (t *inFlight) note(start, end time.Time) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.spans = append(t.spans, [2]time.Time{start, end})
}

func (t *inFlight) reset() {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.spans = nil
}

// edges are the moments the number of requests in flight changes, in order, with the change.
func (t *inFlight) edges() []edge {
	t.mu.Lock()
	defer t.mu.Unlock()
	var es []edge
	for _, s := range t.spans {
		es = append(es, edge{s[0], +1}, edge{s[1], -1})
	}
	sort.Slice(es, func(i, j int) bool { return es[i].at.Before(es[j].at) })
	return es
}

type edge struct {
	at    time.Time
	delta int
}

// occupancy is the mean number of requests in flight over [start, start+wall), and the share of it with
// fewer than full in flight.
func (t *inFlight) occupancy(start time.Time, wall time.Duration, full int) (mean, idle float64) {
	var area, short time.Duration
	n, at := 0, start
	for _, e := range append(t.edges(), edge{start.Add(wall), 0}) {
		d := e.at.Sub(at)
		area += d * time.Duration(n)
		if n < full {
			short += d
		}
		n, at = n+e.delta, e.at
	}
	return float64(area) / float64(wall), float64(short) / float64(wall)
}

// timeline is the mean number in flight per step, one digit per step.
func (t *inFlight) timeline(step time.Duration) string {
	es := t.edges()
	if len(es) == 0 {
		return ""
	}
	var out []byte
	n, steps, at, area := 0, 0, es[0].at, time.Duration(0)
	end := es[0].at.Add(step)
	for _, e := range es {
		for !e.at.Before(end) {
			area += end.Sub(at) * time.Duration(n)
			if steps++; steps%50 == 0 {
				out = append(out, '\n')
			}
			out = append(out, byte('0'+min(9, int((area+step/2)/step))))
			at, area, end = end, 0, end.Add(step)
		}
		area += e.at.Sub(at) * time.Duration(n)
		n, at = n+e.delta, e.at
	}
	return string(slices.Clip(out))
}

// noteClose calls done once when the body is closed: the request is in flight until its answer is read.
type noteClose struct {
	io.ReadCloser
	once sync.Once
	done func()
}

func (c *noteClose) Close() error {
	err := c.ReadCloser.Close()
	c.once.Do(c.done)
	return err
}

// demand notes every call the sweep makes from when it asks, so waiting for a limiter slot counts. The
// sweep does not see the limiter through it and takes the default concurrency, the benchmark's.
type demand struct {
	diagnostics.SweepOMS
	spans *inFlight
}

func (d demand) ProductsBySKU(ctx context.Context, storeID string, skus []string) ([]diagnostics.CatalogProduct, error) {
	defer d.spans.span()()
	return d.SweepOMS.ProductsBySKU(ctx, storeID, skus)
}

func (d demand) Shops(ctx context.Context, storeID string) ([]diagnostics.Shop, error) {
	defer d.spans.span()()
	return d.SweepOMS.Shops(ctx, storeID)
}

func (d demand) ShopLinks(ctx context.Context, productIDs []string) ([]diagnostics.ShopLink, error) {
	defer d.spans.span()()
	return d.SweepOMS.ShopLinks(ctx, productIDs)
}

func (d demand) PreorderCategories(ctx context.Context, storeID string) ([]diagnostics.Category, error) {
	defer d.spans.span()()
	return d.SweepOMS.PreorderCategories(ctx, storeID)
}

func (d demand) CategoryMembers(ctx context.Context, productIDs []string) ([]diagnostics.CategoryMember, error) {
	defer d.spans.span()()
	return d.SweepOMS.CategoryMembers(ctx, productIDs)
}

func (d demand) FindJobs(ctx context.Context, q diagnostics.JobQuery) ([]diagnostics.Job, error) {
	defer d.spans.span()()
	return d.SweepOMS.FindJobs(ctx, q)
}

func (d demand) Listings(ctx context.Context, shopID string, variants []diagnostics.VariantRef) ([]diagnostics.Listing, error) {
	defer d.spans.span()()
	return d.SweepOMS.Listings(ctx, shopID, variants)
}

func (d demand) ProductStores(ctx context.Context) ([]diagnostics.ProductStore, error) {
	defer d.spans.span()()
	return d.SweepOMS.ProductStores(ctx)
}

func (d demand) CategoryMembersPage(ctx context.Context, categoryIDs []string, viewIndex, viewSize int) (diagnostics.MembersPage, error) {
	defer d.spans.span()()
	return d.SweepOMS.CategoryMembersPage(ctx, categoryIDs, viewIndex, viewSize)
}

func (d demand) SellableProducts(ctx context.Context, storeID string, productIDs []string, start, rows int) (diagnostics.ProductsPage, error) {
	defer d.spans.span()()
	return d.SweepOMS.SellableProducts(ctx, storeID, productIDs, start, rows)
}
