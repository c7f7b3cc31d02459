package main

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/preorderbot/preorderbot/diagnostics/doctor"
	"github.com/preorderbot/preorderbot/diagnostics/hotwax"
	"github.com/preorderbot/preorderbot/diagnostics/hotwax/hotwaxtest"
)

// defaultDoctorTimeout bounds one probe: about fifteen OMS requests, each with its own HOTWAX_TIMEOUT.
const defaultDoctorTimeout = 90 * time.Second

// runDoctor probes the configured tenant read-only and prints what the bot needs fixed.
func runDoctor(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) int {
	fs := newFlagSet("doctor", "", stderr)
	asJSON := fs.Bool("json", false, "print JSON for scripts instead of the table")
	storeFlag := fs.String("store", "", "product store id (default $HOTWAX_PRODUCT_STORE_ID)")
	demo := fs.String("demo", "", "probe an in-process simulated OMS running this scenario: "+strings.Join(hotwaxtest.ScenarioNames(), ", "))
	generation := fs.String("listing-generation", hotwaxtest.GenerationDotted, "with --demo: "+listingGenerationUsage)
	timeout := duration(fs, "timeout", defaultDoctorTimeout, "give up on the OMS after this long")
	if code, ok := parseFlags(fs, args); !ok {
		return code
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "preorderbot doctor: unexpected arguments: %s\n", strings.Join(fs.Args(), " "))
		return exitUncertain
	}
	if err := checkGeneration(*generation); err != nil {
		fmt.Fprintf(stderr, "preorderbot doctor: %v\n", err)
		return exitUncertain
	}
	client, opts, closeOMS, err := doctorTarget(getenv, *demo, *generation, *storeFlag)
	if err != nil {
		fmt.Fprintf(stderr, "preorderbot doctor: %v\n", err)
		return exitUncertain
	}
	defer closeOMS()

	cctx, cancel := context.WithTimeout(ctx, *timeout)
	defer cancel()
	rep := doctor.Run(cctx, client, opts)
	if *asJSON {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		if err := enc.Encode(rep); err != nil {
			fmt.Fprintf(stderr, "preorderbot doctor: write output: %v\n", err)
			return exitUncertain
		}
	} else {
		writeDoctorText(stdout, rep)
	}
	return rep.ExitCode()
}

// doctorTarget is the OMS and settings to probe: the simulated demo tenant, or the environment's, as serve
// reads it.
func doctorTarget(getenv func(string) string, demo, generation, storeFlag string) (*hotwax.Client, doctor.Options, func(), error) {
	var sim *hotwaxtest.Options
	if demo != "" {
		if err := knownScenario(demo); err != nil {
			return nil, doctor.Options{}, func() {}, err
		}
		sim = &hotwaxtest.Options{Scenario: demo, Token: demoToken(time.Now()), ListingGeneration: generation}
	}
	client, cfg, closeOMS, err := connectOMS(getenv, sim, storeFlag)
	if err != nil {
		return nil, doctor.Options{}, closeOMS, err
	}
	if sim != nil {
		// The demo tenant is configured the way its README section shows: parent shop and job ids set.
		cfg.ParentShopID = hotwaxtest.ShopUS
		cfg.JobAssociation, cfg.JobPresellRefresh, cfg.JobCatalogSync = hotwax.JobAssociation, hotwax.JobPresellRefresh, hotwax.JobCatalogSync
	}
	return client, cfg.doctorOptions(), closeOMS, nil
}

func (c HotWaxConfig) doctorOptions() doctor.Options {
	return doctor.Options{ProductStoreID: strings.TrimSpace(c.ProductStoreID), ParentShopID: c.ParentShopID, Jobs: c.jobs()}
}

// demoToken is a JWT-shaped token for the simulated OMS, valid for a year, so the demo shows a token's expiry
// the way a real integration token does. Its signature is random: only the simulated OMS accepts it.
func demoToken(now time.Time) string {
	enc := base64.RawURLEncoding
	sig := make([]byte, 32)
	_, _ = rand.Read(sig)
	header := enc.EncodeToString([]byte(`{"alg":"HS256","typ":"JWT"}`))
	payload := enc.EncodeToString([]byte(fmt.Sprintf(`{"sub":"preorderbot-demo","iat":%d,"exp":%d}`, now.Unix(), now.AddDate(1, 0, 0).Unix())))
	return header + "." + payload + "." + enc.EncodeToString([]byte(hex.EncodeToString(sig)))
}

// writeDoctorText prints the findings as a table, then one line per problem saying what to do.
func writeDoctorText(w io.Writer, r doctor.Report) {
	fmt.Fprintf(w, "preorderbot doctor · OMS %s · store %s\n\n", r.OMS, r.ProductStoreID)
	var table bytes.Buffer
	tw := tabwriter.NewWriter(&table, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "AREA\tITEM\tDETAIL")
	for _, f := range r.Findings {
		fmt.Fprintf(tw, "%s\t%s\t%s\n", f.Area, f.Item, f.Detail)
	}
	_ = tw.Flush()
	// The marks are two columns wide on a terminal but not to tabwriter, so they go in front of its lines.
	lines := strings.Split(strings.TrimSuffix(table.String(), "\n"), "\n")
	for i, line := range lines {
		mark := "  "
		if i > 0 {
			mark = r.Findings[i-1].Status.Mark()
		}
		fmt.Fprintf(w, "%s %s\n", mark, strings.TrimRight(line, " "))
	}
	if problems := r.Problems(); len(problems) > 0 {
		fmt.Fprintln(w, "\nWhat to do:")
		for _, f := range problems {
			fmt.Fprintf(w, "%s %s · %s: %s\n", f.Status.Mark(), f.Area, f.Item, f.Fix)
		}
	}
	fmt.Fprintf(w, "\n%s\n", doctorVerdict(r))
	fmt.Fprintf(w, "%d OMS requests, %d ms\n", r.OMSCalls, r.ElapsedMs)
}

// doctorVerdict is the report in one sentence.
func doctorVerdict(r doctor.Report) string {
	fails, warns := r.Count(doctor.Fail), r.Count(doctor.Warn)
	switch {
	case fails > 0:
		return fmt.Sprintf("%s: the bot cannot work until %s fixed (%s).", plural(fails, "problem"), isAre(fails), plural(warns, "warning"))
	case warns > 0:
		return plural(warns, "warning") + ": the bot works, but some checks or fixes will be unknown or unavailable."
	}
	return "All good: the bot can read everything it needs."
}

func plural(n int, word string) string {
	if n == 1 {
		return "1 " + word
	}
	return fmt.Sprintf("%d %ss", n, word)
}

func isAre(n int) string {
	if n == 1 {
		return "it is"
	}
	return "they are"
}
