package bot

// The sweep's results as the store keeps them: written in batches off the sweep's path, read back for
// new, resolved and the trend.

import (
	"cmp"
	"context"
	"slices"
	"sync"
	"time"

	"github.com/preorderbot/preorderbot/bot/blocks"
	"github.com/preorderbot/preorderbot/diagnostics"
	"github.com/preorderbot/preorderbot/store"
)

// accumulator gathers a sweep's results as they arrive: it stores them (with what the previous sweep
// said of each SKU, for new and resolved) in batches off the sweep's path, and keeps the problems.
type accumulator struct {
	b       *Bot
	store   string
	started time.Time

	mu      sync.Mutex
	d       digest
	pending []diagnostics.SweepResult
	results []diagnostics.SweepResult // the SKUs with a problem, for the CSV and the fixes
	fixes   map[string]*bulkFix

	batches chan []diagnostics.SweepResult
	writer  sync.WaitGroup
}

// sweepWriteBatch is how many results one store transaction takes.
const sweepWriteBatch = 250

func newAccumulator(b *Bot, storeID string, started time.Time) *accumulator {
	a := &accumulator{b: b, store: storeID, started: started, batches: make(chan []diagnostics.SweepResult, 4), fixes: map[string]*bulkFix{}}
	a.d = digest{Store: storeID, StartedAt: started, ByCause: map[diagnostics.Cause]int{}, Problems: map[diagnostics.Cause][]string{}}
	if runs, err := b.opts.Store.SweepRuns(context.Background(), storeID, started.Add(-store.SweepRetention)); err == nil {
		for _, r := range runs {
			if r.StartedAt.Before(started) {
				a.d.Previous = r.StartedAt
			}
		}
	}
	a.writer.Go(func() {
		for batch := range a.batches {
			a.write(batch)
		}
	})
	return a
}

// add takes one result; the sweep calls it never concurrently.
func (a *accumulator) add(r diagnostics.SweepResult) {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.d.SKUs++
	a.d.ByCause[r.Cause]++
	if r.Problem() {
		a.results = append(a.results, r)
		a.d.Problems[r.Cause] = append(a.d.Problems[r.Cause], label(r))
		for _, m := range bulkRemedies(r) {
			key := m.Effect(a.store)
			f := a.fixes[key]
			if f == nil {
				f = &bulkFix{Effect: key, Remedy: m, Cause: r.Cause}
				a.fixes[key] = f
			}
			f.SKUs = append(f.SKUs, r.SKU)
		}
	}
	a.pending = append(a.pending, r)
	if len(a.pending) >= sweepWriteBatch {
		a.batches <- a.pending
		a.pending = nil
	}
}

// write compares a batch with each SKU's previous sweep and stores it.
func (a *accumulator) write(batch []diagnostics.SweepResult) {
	ctx := context.Background()
	var recs []store.SweepSKU
	var added, resolved []string
	for _, r := range batch {
		if r.SKU == "" {
			continue
		}
		if !a.d.Previous.IsZero() {
			prev, err := a.b.opts.Store.SweepHistory(ctx, a.store, r.SKU, 1)
			was := len(prev) > 0 && prev[0].At.Equal(a.d.Previous)
			switch {
			case err != nil:
			case r.Problem() && (!was || diagnostics.Cause(prev[0].Cause) == diagnostics.CauseHealthy):
				added = append(added, r.SKU)
			case !r.Problem() && was && diagnostics.Cause(prev[0].Cause) != diagnostics.CauseHealthy:
				resolved = append(resolved, r.SKU)
			}
		}
		recs = append(recs, store.SweepSKU{SKU: r.SKU, Cause: string(r.Cause), Failing: ids(r.Failing)})
	}
	if err := a.b.opts.Store.PutSweepResults(ctx, a.store, a.started, recs); err != nil {
		a.b.log.Error("could not store sweep results", "store", a.store, "error", err)
	}
	a.mu.Lock()
	a.d.New = append(a.d.New, added...)
	a.d.Resolved = append(a.d.Resolved, resolved...)
	a.mu.Unlock()
}

// close stores what is pending and waits for the writer.
func (a *accumulator) close() {
	a.mu.Lock()
	if len(a.pending) > 0 {
		a.batches <- a.pending
		a.pending = nil
	}
	a.mu.Unlock()
	close(a.batches)
	a.writer.Wait()
}

// finish completes the digest with the sweep's summary and the 7-day trend.
func (a *accumulator) finish(ctx context.Context, sum diagnostics.SweepSummary) digest {
	a.mu.Lock()
	defer a.mu.Unlock()
	d := a.d
	d.FinishedAt, d.OMSCalls, d.Elapsed = a.b.now(), sum.OMSCalls, time.Duration(sum.Elapsed)
	d.Progress = diagnostics.SweepProgress{Done: sum.SKUs, Expected: sum.SKUs, Problems: sum.Problems(), OMSCalls: sum.OMSCalls}
	for _, fb := range sum.FailedBatches {
		n := len(fb.SKUs) + len(fb.ProductIDs)
		d.Unchecked = append(d.Unchecked, blocks.Unchecked{Reason: fb.Reason, SKUs: n})
	}
	for _, f := range a.fixes {
		d.Fixes = append(d.Fixes, *f)
	}
	slices.SortFunc(d.Fixes, func(x, y bulkFix) int {
		return cmp.Or(cmp.Compare(len(y.SKUs), len(x.SKUs)), cmp.Compare(x.Effect, y.Effect))
	})
	slices.Sort(d.New)
	slices.Sort(d.Resolved)
	d.Trend = a.b.trend(ctx, a.store, a.started, sum.ByCause)
	return d
}

// trendDays is how many days the digest's trend covers.
const trendDays = 7

// trend is, per cause, the count of the last sweep of each of the last seven days (UTC), today's being
// this sweep; -1 marks a day without a sweep.
func (b *Bot) trend(ctx context.Context, storeID string, started time.Time, now map[diagnostics.Cause]int) map[diagnostics.Cause][]int {
	today := started.UTC().Truncate(24 * time.Hour)
	first := today.Add(-(trendDays - 1) * 24 * time.Hour)
	runs, err := b.opts.Store.SweepRuns(ctx, storeID, first)
	if err != nil {
		b.log.Warn("could not read past sweeps", "error", err)
	}
	last := make([]map[diagnostics.Cause]int, trendDays)
	for _, r := range runs {
		if r.StartedAt.Equal(started) {
			continue
		}
		if day := int(r.StartedAt.UTC().Sub(first) / (24 * time.Hour)); day >= 0 && day < trendDays {
			last[day] = causeCounts(r.ByCause)
		}
	}
	last[trendDays-1] = now
	out := map[diagnostics.Cause][]int{}
	for _, m := range last {
		for c := range m {
			out[c] = nil
		}
	}
	for c := range out {
		row := make([]int, trendDays)
		for i, m := range last {
			row[i] = -1
			if m != nil {
				row[i] = m[c]
			}
		}
		out[c] = row
	}
	return out
}

// ids are check ids as the store keeps them.
func ids(checks []diagnostics.CheckID) []string {
	out := make([]string, len(checks))
	for i, c := range checks {
		out[i] = string(c)
	}
	return out
}

// causeCounts reads a stored sweep run's counts.
func causeCounts(m map[string]int) map[diagnostics.Cause]int {
	out := make(map[diagnostics.Cause]int, len(m))
	for c, n := range m {
		out[diagnostics.Cause(c)] = n
	}
	return out
}

// storedCounts are the counts as the store keeps them.
func storedCounts(m map[diagnostics.Cause]int) map[string]int {
	out := make(map[string]int, len(m))
	for c, n := range m {
		out[string(c)] = n
	}
	return out
}
