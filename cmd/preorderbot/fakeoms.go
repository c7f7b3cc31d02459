package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/preorderbot/preorderbot/diagnostics/hotwax/hotwaxtest"
)

// runFakeOMS serves the simulated HotWax OMS until ctx ends, so the CLI, the bot or a browser can be pointed at
// a known scenario. It prints the base URL, the token and the scenario's SKUs as environment lines.
func runFakeOMS(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("fake-oms", flag.ContinueOnError)
	fs.SetOutput(stderr)
	scenario := fs.String("scenario", hotwaxtest.ScenarioHealthy, "scenario to serve (see the list below)")
	addr := fs.String("addr", "127.0.0.1:0", "listen address; port 0 picks a free port")
	latency := duration(fs, "latency", 0, "latency added to every request, e.g. 50ms")
	runDelay := duration(fs, "run-delay", 2*time.Second, "delay before a run-now or due job executes")
	token := fs.String("token", "", "bearer token to accept (default: a random one)")
	username := fs.String("username", "", "enable POST /api/login with this user name")
	password := fs.String("password", "", "password for -username")
	generation := fs.String("listing-generation", hotwaxtest.GenerationDotted, listingGenerationUsage)
	seed := fs.Int64("seed", hotwaxtest.DefaultCatalogSeed, "with --scenario catalog: the generated catalog's seed (the same seed, the same catalog)")
	catalogSKUs := fs.Int("catalog-skus", hotwaxtest.DefaultCatalogSKUs, "with --scenario catalog: how many SKUs the generated catalog holds")
	fs.Usage = func() {
		fmt.Fprintf(stderr, "Usage: preorderbot fake-oms [flags]\n\n"+
			"Serves a simulated HotWax OMS (performFind, findJobs, solr-query, scheduleService, …) on loopback.\n\nFlags:\n")
		fs.PrintDefaults()
		fmt.Fprintf(stderr, "\nScenarios:\n")
		for _, sc := range append(hotwaxtest.Scenarios(), hotwaxtest.CatalogScenario(*seed, *catalogSKUs)) {
			fmt.Fprintf(stderr, "  %-30s %s (SKUs: %s)\n", sc.Name, sc.Title, strings.Join(sc.SKUs, ", "))
		}
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "fake-oms: unexpected arguments: %s\n", strings.Join(fs.Args(), " "))
		return 2
	}
	if *catalogSKUs < 1 || *catalogSKUs > 200_000 {
		fmt.Fprintf(stderr, "fake-oms: --catalog-skus %d: want 1 to 200000\n", *catalogSKUs)
		return 2
	}
	sc, ok := findScenario(*scenario)
	if *scenario == hotwaxtest.ScenarioCatalog {
		sc, ok = hotwaxtest.CatalogScenario(*seed, *catalogSKUs), true
	}
	if !ok {
		fmt.Fprintf(stderr, "fake-oms: unknown scenario %q; known scenarios: %s\n",
			*scenario, strings.Join(hotwaxtest.ScenarioNames(), ", "))
		return 2
	}
	if err := checkGeneration(*generation); err != nil {
		fmt.Fprintf(stderr, "fake-oms: %v\n", err)
		return 2
	}
	srv, err := hotwaxtest.NewServer(hotwaxtest.Options{
		Scenario: sc.Name, Addr: *addr, Latency: *latency, RunDelay: *runDelay,
		Token: *token, Username: *username, Password: *password, ListingGeneration: *generation,
		Seed: *seed, CatalogSKUs: *catalogSKUs,
	})
	if err != nil {
		fmt.Fprintf(stderr, "fake-oms: %v\n", err)
		return 1
	}
	defer srv.Close()
	fmt.Fprintf(stdout, "# simulated HotWax OMS, scenario %s: %s; shopifyCore generation %s\n", sc.Name, sc.Title, *generation)
	fmt.Fprintf(stdout, "HOTWAX_BASE_URL=%s\n", srv.URL())
	if *username != "" { // the variables a login needs, not a token: the bot must take the login path
		fmt.Fprintf(stdout, "HOTWAX_USERNAME=%s\n", *username)
		fmt.Fprintf(stdout, "# HOTWAX_PASSWORD: the --password given (not printed)\n")
	} else {
		fmt.Fprintf(stdout, "HOTWAX_TOKEN=%s\n", srv.Token())
	}
	fmt.Fprintf(stdout, "HOTWAX_PRODUCT_STORE_ID=STORE\n")
	fmt.Fprintf(stdout, "HOTWAX_PARENT_SHOP_ID=%s\n", hotwaxtest.ShopUS)
	fmt.Fprintf(stdout, "# SKUs: %s\n", strings.Join(sc.SKUs, " "))
	if sc.Name == hotwaxtest.ScenarioCatalog {
		fmt.Fprintf(stdout, "# %s; sweep it with: preorderbot sweep, or /preorder sweep\n", sc.Description)
	}
	<-ctx.Done()
	return 0
}

// listingGenerationUsage documents the -listing-generation flag of fake-oms and demo.
const listingGenerationUsage = "shopifyCore field names the simulated tenant indexes: " + hotwaxtest.GenerationDotted +
	" (data.productVariantUpdate.productVariant.*) or " + hotwaxtest.GenerationUnderscore +
	" (data_productVariantUpdate_productVariant_*, older tenants; the bot falls back to it once)"

func checkGeneration(g string) error {
	if g != hotwaxtest.GenerationDotted && g != hotwaxtest.GenerationUnderscore {
		return fmt.Errorf("unknown listing generation %q; use %s or %s", g, hotwaxtest.GenerationDotted, hotwaxtest.GenerationUnderscore)
	}
	return nil
}

func findScenario(name string) (hotwaxtest.Scenario, bool) {
	for _, sc := range hotwaxtest.Scenarios() {
		if sc.Name == name {
			return sc, true
		}
	}
	return hotwaxtest.Scenario{}, false
}
