package main

import (
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"slices"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/schollz/progressbar/v3"

	"github.com/preorderbot/preorderbot/diagnostics"
	"github.com/preorderbot/preorderbot/diagnostics/hotwax"
	"github.com/preorderbot/preorderbot/diagnostics/hotwax/hotwaxtest"
)

// Exit codes of `sweep`.
const (
	exitSweepClean    = 0 // every SKU is healthy
	exitSweepProblems = 1 // some SKU has a problem or could not be read
	exitSweepFailed   = 2 // could not sweep: bad arguments or configuration, unknown store, catalog unreadable
)

// sweepOutput is the --json document.
type sweepOutput struct {
	diagnostics.SweepSummary
	Results []diagnostics.SweepResult `json:"results"`
}

// runSweep checks every pre-order and backorder SKU of a store and prints a summary and the SKUs with a problem.
func runSweep(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) int {
	fs := newFlagSet("sweep", "", stderr)
	asJSON := fs.Bool("json", false, "print JSON for scripts instead of text")
	csvPath := fs.String("csv", "", "also write every SKU's result to this CSV file")
	storeFlag := fs.String("store", "", "product store id (default $HOTWAX_PRODUCT_STORE_ID)")
	maxSKUs := fs.Int("max-skus", 0, "stop after this many SKUs (0: all)")
	demo := fs.Bool("demo", false, "sweep an in-process simulated OMS holding a generated catalog")
	seed := fs.Int64("seed", hotwaxtest.DefaultCatalogSeed, "with --demo: the generated catalog's seed")
	demoSKUs := fs.Int("demo-skus", hotwaxtest.DefaultCatalogSKUs, "with --demo: how many SKUs the generated catalog holds")
	if code, ok := parseFlags(fs, args); !ok {
		return code
	}
	fail := func(format string, a ...any) int {
		fmt.Fprintf(stderr, "preorderbot sweep: "+format+"\n", a...)
		return exitSweepFailed
	}
	if fs.NArg() > 0 {
		return fail("unexpected argument %q (the sweep takes flags only)", fs.Arg(0))
	}
	if *maxSKUs < 0 {
		return fail("--max-skus must not be negative")
	}
	limiter, err := sweepLimiter(getenv)
	if err != nil {
		return fail("%v", err)
	}
	oms, storeID, dopts, closeOMS, err := sweepTarget(getenv, *demo, *seed, *demoSKUs, *storeFlag)
	if err != nil {
		return fail("%v", err)
	}
	defer closeOMS()

	progress := newSweepProgress(stderr, getenv)
	var results []diagnostics.SweepResult
	sum, err := diagnostics.NewSweeper(oms, limiter, dopts).Run(ctx, storeID,
		diagnostics.SweepOptions{MaxSKUs: *maxSKUs, Progress: progress.update},
		func(r diagnostics.SweepResult) { results = append(results, r) })
	progress.finish()
	if err != nil {
		return fail("%v", err)
	}
	slices.SortFunc(results, func(a, b diagnostics.SweepResult) int {
		return cmp.Or(cmp.Compare(a.SKU, b.SKU), cmp.Compare(a.ProductID, b.ProductID))
	})
	if *csvPath != "" {
		if err := writeSweepCSVFile(*csvPath, results); err != nil {
			return fail("%v", err)
		}
	}
	if results == nil {
		results = []diagnostics.SweepResult{}
	}
	if *asJSON {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		if err := enc.Encode(sweepOutput{SweepSummary: sum, Results: results}); err != nil {
			return fail("write output: %v", err)
		}
	} else {
		writeSweepText(stdout, sum, results)
	}
	if sum.Problems() > 0 {
		return exitSweepProblems
	}
	return exitSweepClean
}

// sweepLimiter reads the OMS protection: PREORDERBOT_OMS_CONCURRENCY (default 4) and PREORDERBOT_OMS_RPS.
func sweepLimiter(getenv func(string) string) (*diagnostics.Limiter, error) {
	concurrency := diagnostics.DefaultSweepConcurrency
	if v := strings.TrimSpace(getenv("PREORDERBOT_OMS_CONCURRENCY")); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > 64 {
			return nil, fmt.Errorf("PREORDERBOT_OMS_CONCURRENCY=%q: want a whole number from 1 to 64", v)
		}
		concurrency = n
	}
	var rps float64
	if v := strings.TrimSpace(getenv("PREORDERBOT_OMS_RPS")); v != "" {
		f, err := strconv.ParseFloat(v, 64)
		if err != nil || f <= 0 || f > 10_000 {
			return nil, fmt.Errorf("PREORDERBOT_OMS_RPS=%q: want requests per second, more than 0", v)
		}
		rps = f
	}
	return diagnostics.NewLimiter(concurrency, rps), nil
}

// sweepTarget picks the OMS: a simulated generated catalog for --demo, else the configured tenant.
func sweepTarget(getenv func(string) string, demo bool, seed int64, skus int, storeFlag string) (diagnostics.SweepOMS, string, diagnostics.Options, func(), error) {
	noop := func() {}
	if err := storeFlagError(storeFlag); err != nil {
		return nil, "", diagnostics.Options{}, noop, err
	}
	sigs, err := loadSignatures(getenv("PREORDERBOT_SIGNATURES_FILE"))
	if err != nil {
		return nil, "", diagnostics.Options{}, noop, err
	}
	var sim *hotwaxtest.Options
	if demo {
		if skus < 1 || skus > 200_000 {
			return nil, "", diagnostics.Options{}, noop, fmt.Errorf("--demo-skus %d: want 1 to 200000", skus)
		}
		sim = &hotwaxtest.Options{Scenario: hotwaxtest.ScenarioCatalog, Seed: seed, CatalogSKUs: skus}
	}
	client, cfg, closeOMS, err := connectOMS(getenv, sim, storeFlag)
	if err != nil {
		return nil, "", diagnostics.Options{}, noop, err
	}
	opts := diagnostics.Options{Signatures: sigs, Jobs: hotwax.DefaultJobs()}
	if sim == nil {
		opts.ParentShopID, opts.Jobs = cfg.ParentShopID, cfg.jobs()
	}
	return hotwax.NewOMS(client), cfg.ProductStoreID, opts, closeOMS, nil
}

// sweepProgress draws SKUs done, problems, OMS requests and the ETA on stderr when it is a terminal.
type sweepProgress struct {
	bar *progressbar.ProgressBar
}

func newSweepProgress(stderr io.Writer, getenv func(string) string) *sweepProgress {
	if !isTerminal(stderr) || getenv("TERM") == "dumb" {
		return &sweepProgress{}
	}
	return &sweepProgress{bar: progressbar.NewOptions(-1,
		progressbar.OptionSetWriter(stderr),
		progressbar.OptionSetDescription("sweeping"),
		progressbar.OptionShowCount(),
		progressbar.OptionSetPredictTime(true),
		progressbar.OptionThrottle(100*time.Millisecond),
		progressbar.OptionClearOnFinish(),
	)}
}

func (p *sweepProgress) update(s diagnostics.SweepProgress) {
	if p.bar == nil {
		return
	}
	if int64(s.Expected) != p.bar.GetMax64() {
		p.bar.ChangeMax(s.Expected)
	}
	p.bar.Describe(fmt.Sprintf("%d problems, %d OMS requests", s.Problems, s.OMSCalls))
	_ = p.bar.Set(s.Done)
}

func (p *sweepProgress) finish() {
	if p.bar != nil {
		_ = p.bar.Finish()
	}
}

func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	fi, err := f.Stat()
	return err == nil && fi.Mode()&os.ModeCharDevice != 0
}

// writeSweepText prints the summary by cause and by shop, the batches that could not be read, then the SKUs
// with a problem.
func writeSweepText(w io.Writer, sum diagnostics.SweepSummary, results []diagnostics.SweepResult) {
	fmt.Fprintf(w, "Swept %d SKUs of %s in %s with %d OMS requests: %d with a problem.\n",
		sum.SKUs, sum.Store, time.Duration(sum.Elapsed).Round(time.Millisecond), sum.OMSCalls, sum.Problems())
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "\nBy cause:")
	for _, c := range sortedCounts(sum.ByCause) {
		fmt.Fprintf(tw, "  %s\t%d\n", c.key, c.n)
	}
	if len(sum.ByShop) > 0 {
		fmt.Fprintln(tw, "\nBy shop (SKUs with a problem not listed there):")
		for _, c := range sortedCounts(sum.ByShop) {
			fmt.Fprintf(tw, "  %s\t%d\n", shopLabel(sum.ShopNames, c.key), c.n)
		}
	}
	_ = tw.Flush()
	if len(sum.FailedBatches) > 0 {
		fmt.Fprintf(w, "\nCould not be read (%d batches, after a retry):\n", len(sum.FailedBatches))
		for _, fb := range sum.FailedBatches {
			n, what := len(fb.SKUs), "SKUs"
			if n == 0 {
				n, what = len(fb.ProductIDs), "products"
			}
			fmt.Fprintf(w, "  %d %s: %s\n", n, what, fb.Reason)
		}
	}
	if sum.Problems() == 0 {
		return
	}
	fmt.Fprintln(w, "\nSKUs with a problem:")
	tw = tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "  SKU\tPRODUCT\tCAUSE\tFAILING CHECKS\tNOT LISTED IN")
	for _, r := range results {
		if !r.Problem() {
			continue
		}
		var shops []string
		for _, id := range r.ShopsNotListed {
			shops = append(shops, shopLabel(sum.ShopNames, id))
		}
		fmt.Fprintf(tw, "  %s\t%s\t%s\t%s\t%s\n", cmp.Or(r.SKU, "(not in the search index)"), r.ProductID, r.Cause,
			dash(join(r.Failing, ", ")), dash(strings.Join(shops, ", ")))
	}
	_ = tw.Flush()
}

func shopLabel(names map[string]string, id string) string {
	if n := names[id]; n != "" {
		return n + " (" + id + ")"
	}
	return id
}

type count struct {
	key string
	n   int
}

// sortedCounts orders counts largest first, then by name.
func sortedCounts[K ~string](m map[K]int) []count {
	out := make([]count, 0, len(m))
	for k, n := range m {
		out = append(out, count{string(k), n})
	}
	slices.SortFunc(out, func(a, b count) int { return cmp.Or(cmp.Compare(b.n, a.n), cmp.Compare(a.key, b.key)) })
	return out
}

func writeSweepCSVFile(path string, results []diagnostics.SweepResult) error {
	f, err := os.Create(path)
	if err != nil {
		return fmt.Errorf("create the CSV file: %w", err)
	}
	if err := diagnostics.WriteSweepCSV(f, results); err != nil {
		_ = f.Close()
		return fmt.Errorf("write %s: %w", path, err)
	}
	return f.Close()
}
