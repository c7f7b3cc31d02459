package main

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/preorderbot/preorderbot/diagnostics"
	"github.com/preorderbot/preorderbot/diagnostics/hotwax"
	"github.com/preorderbot/preorderbot/diagnostics/hotwax/hotwaxtest"
)

// Exit codes of `check`, for scripts.
const (
	exitHealthy   = 0 // every SKU is healthy
	exitProblem   = 1 // a cause was found
	exitUncertain = 2 // could not check: bad arguments or configuration, the OMS unavailable, or incomplete
)

// demoStoreID is the product store of every simulated OMS scenario.
const demoStoreID = "STORE"

// runCheckCommand runs the diagnostic chain for SKUs and prints the verdict as text or JSON.
func runCheckCommand(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) int {
	fs := newFlagSet("check", "SKU [SKU …]", stderr)
	asJSON := fs.Bool("json", false, "print JSON for scripts instead of text")
	storeFlag := fs.String("store", "", "product store id (default $HOTWAX_PRODUCT_STORE_ID)")
	demo := fs.String("demo", "", "check against an in-process simulated OMS running this scenario: "+strings.Join(hotwaxtest.ScenarioNames(), ", "))
	skus, code, ok := parseInterspersed(fs, args)
	if !ok {
		return code
	}
	if err := validateSKUs(skus); err != nil {
		fmt.Fprintf(stderr, "preorderbot check: %v\n", err)
		fs.Usage()
		return exitUncertain
	}
	skus = unique(skus) // "check A B A" checks A once; order is kept
	if err := storeFlagError(*storeFlag); err != nil {
		fmt.Fprintf(stderr, "preorderbot check: %v\n", err)
		return exitUncertain
	}

	oms, storeID, dopts, closeOMS, err := checkTarget(getenv, *demo, *storeFlag)
	if err != nil {
		fmt.Fprintf(stderr, "preorderbot check: %v\n", err)
		return exitUncertain
	}
	defer closeOMS()

	dopts.Signatures.Prepare() // parsed on the other core while the chain waits for the OMS
	hotwax.PrepareDecoders()
	start := time.Now()
	catalog, _ := oms.(diagnostics.Catalog)
	reports, err := diagnostics.Suggesting{Runner: diagnostics.New(oms, dopts), Catalog: catalog}.Run(ctx, storeID, skus)
	if err != nil {
		fmt.Fprintf(stderr, "preorderbot check: %v\n", err)
		return exitUncertain
	}
	out := newCheckOutput(reports, int(oms.Calls()), time.Since(start))
	if *asJSON {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		if err := enc.Encode(out); err != nil {
			fmt.Fprintf(stderr, "preorderbot check: write output: %v\n", err)
			return exitUncertain
		}
		// The document holds the failures; stderr says them once more for a person watching a script.
		for _, f := range diagnostics.RunFailures(reports) {
			fmt.Fprintf(stderr, "preorderbot check: %s: %s%s\n", f.Call, f.Message, fixSuffix(f.Fix))
		}
	} else {
		// One write, not one per line: each write to a pipe wakes the reader on the other side.
		w := bufio.NewWriter(stdout)
		writeCheckText(w, reports, out, useColour(stdout, getenv))
		if err := w.Flush(); err != nil {
			fmt.Fprintf(stderr, "preorderbot check: write output: %v\n", err)
			return exitUncertain
		}
	}
	return checkExitCode(reports)
}

// parseInterspersed lets flags come before, between or after the SKUs ("check SKU --json");
// everything after "--" is a SKU.
func parseInterspersed(fs *flag.FlagSet, args []string) (skus []string, code int, ok bool) {
	for {
		if code, ok := parseFlags(fs, args); !ok {
			return nil, code, false
		}
		rest := fs.Args()
		if consumed := len(args) - len(rest); consumed > 0 && args[consumed-1] == "--" {
			return append(skus, rest...), 0, true
		}
		if len(rest) == 0 {
			return skus, 0, true
		}
		skus, args = append(skus, rest[0]), rest[1:]
	}
}

func validateSKUs(skus []string) error {
	switch {
	case len(skus) == 0:
		return errors.New("no SKU given")
	case len(skus) > diagnostics.MaxSKUs:
		return fmt.Errorf("%d SKUs given; check at most %d at a time", len(skus), diagnostics.MaxSKUs)
	}
	for i, s := range skus {
		if strings.TrimSpace(s) == "" {
			return fmt.Errorf("SKU number %d is empty", i+1)
		}
	}
	return nil
}

// checkOMS is the OMS as `check` uses it: the chain's reads and the request counter.
type checkOMS interface {
	diagnostics.OMS
	Calls() int64
}

// checkTarget picks the OMS: the simulated one for --demo, else the configured one.
func checkTarget(getenv func(string) string, demo, storeFlag string) (checkOMS, string, diagnostics.Options, func(), error) {
	noop := func() {}
	sigs, err := loadSignatures(getenv("PREORDERBOT_SIGNATURES_FILE"))
	if err != nil {
		return nil, "", diagnostics.Options{}, noop, err
	}
	var sim *hotwaxtest.Options
	if demo != "" {
		if err := knownScenario(demo); err != nil {
			return nil, "", diagnostics.Options{}, noop, err
		}
		sim = &hotwaxtest.Options{Scenario: demo}
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

// checkExitCode is 2 when some SKU could not be checked (the OMS unavailable, or checks left unknown
// without a cause), 1 when a cause was found, 0 when every SKU is healthy.
func checkExitCode(reports []diagnostics.Report) int {
	code := exitHealthy
	for _, r := range reports {
		switch {
		case r.Cause.Uncertain():
			code = exitUncertain
		case r.Cause.Problem() && code == exitHealthy:
			code = exitProblem
		}
	}
	return code
}

func fixSuffix(fix string) string {
	if fix == "" {
		return ""
	}
	return " (fix: " + fix + ")"
}

// checkOutput is the --json document: a stable subset of the reports for scripts and other tools.
type checkOutput struct {
	Reports   []checkReport `json:"reports"`
	OMSCalls  int           `json:"omsCalls"`
	ElapsedMs int64         `json:"elapsedMs"`
}

type checkReport struct {
	SKU            string              `json:"sku"`
	ProductStoreID string              `json:"productStoreId"`
	Product        *checkProduct       `json:"product"`
	Status         string              `json:"status"`
	Cause          diagnostics.Cause   `json:"cause"`
	Causes         []diagnostics.Cause `json:"causes"`
	Checks         []checkCheck        `json:"checks"`
	Shops          []checkShop         `json:"shops"`
	Remedies       []checkRemedy       `json:"remedies"`
	SimilarSKUs    []string            `json:"similarSkus,omitempty"`
	Failures       []checkFailure      `json:"failures,omitempty"`
}

type checkProduct struct {
	ProductID string `json:"productId"`
	Name      string `json:"name"`
}

type checkCheck struct {
	ID       diagnostics.CheckID `json:"id"`
	Status   string              `json:"status"`
	Summary  string              `json:"summary"`
	Evidence []checkEvidence     `json:"evidence"`
}

type checkEvidence struct {
	Label  string    `json:"label"`
	Value  string    `json:"value"`
	ShopID string    `json:"shopId,omitempty"`
	JobID  string    `json:"jobId,omitempty"`
	At     time.Time `json:"at,omitzero"`
	// Signature explains a failed run of the job-failures check; null when it is not a known failure.
	Signature *diagnostics.SignatureRef `json:"signature,omitempty"`
}

type checkShop struct {
	ShopID string `json:"shopId"`
	Name   string `json:"name"`
	Role   string `json:"role"`
	Linked bool   `json:"linked"`
}

type checkRemedy struct {
	Kind   string `json:"kind"`
	Job    string `json:"job"`
	ShopID string `json:"shopId"`
}

type checkFailure struct {
	Kind    string                `json:"kind"`
	Call    string                `json:"call"`
	Message string                `json:"message"`
	Fix     string                `json:"fix,omitempty"`
	Checks  []diagnostics.CheckID `json:"checks,omitempty"`
}

func newCheckOutput(reports []diagnostics.Report, calls int, elapsed time.Duration) checkOutput {
	out := checkOutput{Reports: []checkReport{}, OMSCalls: calls, ElapsedMs: elapsed.Milliseconds()}
	for _, r := range reports {
		cr := checkReport{
			SKU: r.SKU, ProductStoreID: r.ProductStoreID, Status: string(r.Status), Cause: r.Cause,
			Causes: r.Causes, Checks: []checkCheck{}, Shops: []checkShop{}, Remedies: []checkRemedy{}, SimilarSKUs: r.SimilarSKUs,
		}
		if r.Product != nil {
			cr.Product = &checkProduct{ProductID: r.Product.ProductID, Name: r.Product.Name}
		}
		for _, c := range r.Checks {
			cc := checkCheck{ID: c.ID, Status: string(c.Status), Summary: c.Summary, Evidence: []checkEvidence{}}
			for _, e := range c.Evidence {
				cc.Evidence = append(cc.Evidence, checkEvidence{Label: e.Label, Value: e.Value, ShopID: e.Shop, JobID: e.JobID, At: e.At, Signature: e.Signature})
			}
			cr.Checks = append(cr.Checks, cc)
		}
		for _, s := range r.Shops {
			cr.Shops = append(cr.Shops, checkShop{ShopID: s.ShopID, Name: s.Name, Role: s.Role, Linked: s.Linked})
		}
		for _, rm := range r.Remedies {
			cr.Remedies = append(cr.Remedies, checkRemedy{Kind: rm.Kind, Job: rm.Job, ShopID: rm.ShopID})
		}
		for _, f := range r.Failures {
			cr.Failures = append(cr.Failures, checkFailure{Kind: string(f.Kind), Call: f.Call, Message: f.Message, Fix: f.Fix, Checks: f.Checks})
		}
		out.Reports = append(out.Reports, cr)
	}
	return out
}

// palette colours statuses on a terminal; the zero palette prints plain text.
type palette struct{ on bool }

func (p palette) status(s diagnostics.Status) string {
	mark, colour := "?", "33"
	switch s {
	case diagnostics.StatusPass:
		mark, colour = "✓", "32"
	case diagnostics.StatusWarn:
		mark, colour = "!", "33"
	case diagnostics.StatusFail:
		mark, colour = "✗", "31"
	case diagnostics.StatusSkip:
		mark, colour = "-", "90"
	case diagnostics.StatusUnknown:
		mark, colour = "?", "35"
	}
	return p.paint(colour, mark)
}

func (p palette) paint(colour, s string) string {
	if !p.on {
		return s
	}
	return "\x1b[" + colour + "m" + s + "\x1b[0m"
}

func (p palette) bold(s string) string { return p.paint("1", s) }

// useColour is true only for a terminal, and never with NO_COLOR set (no-color.org).
func useColour(w io.Writer, getenv func(string) string) bool {
	f, ok := w.(*os.File)
	if !ok || getenv("NO_COLOR") != "" || getenv("TERM") == "dumb" {
		return false
	}
	fi, err := f.Stat()
	return err == nil && fi.Mode()&os.ModeCharDevice != 0
}

// writeCheckText prints what an operator needs at a glance: the verdict first, then the checks with their
// evidence, the per-shop matrix and the remedies.
func writeCheckText(w io.Writer, reports []diagnostics.Report, out checkOutput, colour bool) {
	p := palette{on: colour}
	for i, r := range reports {
		if i > 0 {
			fmt.Fprintln(w)
		}
		product := "unknown product"
		if r.Product != nil {
			product = fmt.Sprintf("%s (%s)", r.Product.Name, r.Product.ProductID)
		}
		fmt.Fprintf(w, "%s  %s · store %s\n", p.bold(r.SKU), product, r.ProductStoreID)
		fmt.Fprintf(w, "%s %s: %s\n", p.status(r.VerdictStatus()), p.bold(string(r.Cause)), r.Cause.Guide())
		for _, c := range r.Causes {
			if c != r.Cause {
				fmt.Fprintf(w, "  also %s: %s\n", c, c.Guide())
			}
		}

		fmt.Fprintln(w, "\nChecks")
		for _, c := range r.Checks {
			fmt.Fprintf(w, "  %s %-20s %s\n", p.status(c.Status), c.ID, c.Summary)
			for _, e := range c.Evidence {
				line := e.Label + ": " + e.Value
				if e.JobID != "" && !strings.Contains(e.Value, e.JobID) {
					line += " (job " + e.JobID + ")"
				}
				fmt.Fprintf(w, "        %s\n", line)
				if e.Signature != nil {
					fmt.Fprintf(w, "          → %s\n", explainRun(*e.Signature))
				}
			}
		}

		if len(r.Shops) > 0 {
			fmt.Fprintf(w, "\nShops (parent %s)\n", r.ParentSource)
			tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
			fmt.Fprintln(tw, "  SHOP\tNAME\tROLE\tLINKED\tASSOCIATION JOB\tLAST SYNC\tLISTING")
			for _, s := range r.Shops {
				fmt.Fprintf(tw, "  %s\t%s\t%s\t%s\t%s\t%s\t%s\n", s.ShopID, s.Name, s.Role, yesNo(s.Linked),
					dash(s.AssociationJob), dash(shortTime(s.LastSync)), dash(s.Listing))
			}
			_ = tw.Flush()
		}

		if r.Cause == diagnostics.CauseUnknownSKU {
			if len(r.SimilarSKUs) > 0 {
				fmt.Fprintf(w, "\nDid you mean %s? SKUs are case-sensitive.\n", strings.Join(r.SimilarSKUs, ", "))
			} else {
				fmt.Fprintln(w, "\nNo SKU of the store looks like it. SKUs are case-sensitive.")
			}
		}
		if len(r.Remedies) > 0 {
			fmt.Fprintln(w, "\nRemedies")
			for n, rm := range r.Remedies {
				fmt.Fprintf(w, "  %d. %s%s\n", n+1, rm.Label, remedyDetail(rm))
			}
		}
	}
	if fs := diagnostics.RunFailures(reports); len(fs) > 0 {
		fmt.Fprintln(w, "\nCould not read (each failed call once)")
		for _, f := range fs {
			fmt.Fprintf(w, "  %s %s: %s\n", p.status(diagnostics.StatusUnknown), p.bold(f.Call), f.Message)
			if f.Fix != "" {
				fmt.Fprintf(w, "        fix: %s\n", f.Fix)
			}
			if len(f.Checks) > 0 {
				fmt.Fprintf(w, "        left unknown: %s\n", join(f.Checks, ", "))
			}
		}
	}
	fmt.Fprintf(w, "\n%d OMS requests, %d ms\n", out.OMSCalls, out.ElapsedMs)
}

// remedyDetail names the job and settings a remedy would use, for operators who act in the Job Manager.
func remedyDetail(rm diagnostics.Remedy) string {
	var parts []string
	if rm.Job != "" {
		parts = append(parts, rm.Job)
	}
	if rm.ShopID != "" {
		parts = append(parts, "shop "+rm.ShopID)
	}
	if rm.Frequency != "" {
		parts = append(parts, rm.Frequency)
	}
	parts = append(parts, rm.Settings()...)
	if len(parts) == 0 {
		return ""
	}
	return " [" + strings.Join(parts, ", ") + "]"
}

func yesNo(b bool) string {
	if b {
		return "yes"
	}
	return "no"
}

func dash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

func shortTime(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format("2006-01-02 15:04Z")
}

// join joins ids such as causes and checks.
func join[T ~string](ids []T, sep string) string {
	s := make([]string, len(ids))
	for i, id := range ids {
		s[i] = string(id)
	}
	return strings.Join(s, sep)
}

// unique drops repeated SKUs, keeping the first of each.
func unique(skus []string) []string {
	seen := make(map[string]bool, len(skus))
	out := skus[:0:0]
	for _, s := range skus {
		if !seen[s] {
			seen[s] = true
			out = append(out, s)
		}
	}
	return out
}

// explainRun says what a failed run means and its fix, or that it is not a known failure.
func explainRun(sig diagnostics.SignatureRef) string {
	if !sig.Known() {
		return "not a known failure: escalate to HotWax Support"
	}
	fix := "escalate to HotWax Support"
	switch sig.Fix.Kind {
	case diagnostics.FixRemedy:
		fix = "run the job again"
		if sig.Fix.Remedy == diagnostics.RemedyLinkProduct {
			fix = "relink the product in that shop to its current Shopify variant"
		}
	case diagnostics.FixSteps:
		fix = strings.Join(sig.Fix.Steps, " ")
	}
	return sig.ID + ": " + sig.Meaning + " Fix: " + fix
}
