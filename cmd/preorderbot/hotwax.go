package main

import (
	"cmp"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"slices"
	"strings"

	"github.com/preorderbot/preorderbot/diagnostics/hotwax"
	"github.com/preorderbot/preorderbot/diagnostics/hotwax/hotwaxtest"
	"github.com/preorderbot/preorderbot/internal/redact"
)

// newHotWaxClient builds the OMS client from the configuration; the subcommands and `serve` share it.
// rt wraps the HTTP transport (serve counts OMS health with it); nil uses the default transport.
// red takes secrets out of the OMS text errors quote; without it the client redacts its own credentials.
func newHotWaxClient(cfg HotWaxConfig, logger *slog.Logger, rt http.RoundTripper, red ...*redact.Redactor) (*hotwax.Client, error) {
	opts := hotwax.Options{
		BaseURL:  cfg.BaseURL,
		Token:    cfg.Token,
		Username: cfg.Username,
		Password: cfg.Password,
		Timeout:  cfg.Timeout,
		Logger:   logger,
	}
	if len(red) > 0 {
		opts.Redactor = red[0]
	}
	if rt != nil {
		opts.HTTPClient = &http.Client{Transport: rt}
	}
	c, err := hotwax.New(opts)
	if err != nil {
		return nil, fmt.Errorf("hotwax client: %w", err)
	}
	return c, nil
}

// connectOMS connects a one-shot subcommand (check, sweep, doctor) to the OMS: a simulated tenant started
// from sim when sim is set, else the tenant the environment configures, as serve reads it. The returned
// configuration carries the product store asked about (storeFlag, else the configured or demo store).
// closeOMS stops the simulated OMS; it does nothing for a real tenant.
func connectOMS(getenv func(string) string, sim *hotwaxtest.Options, storeFlag string) (client *hotwax.Client, cfg HotWaxConfig, closeOMS func(), err error) {
	closeOMS = func() {}
	if sim != nil {
		srv, err := hotwaxtest.NewServer(*sim)
		if err != nil {
			return nil, cfg, closeOMS, fmt.Errorf("start the simulated OMS: %w", err)
		}
		cfg = HotWaxConfig{BaseURL: srv.URL(), Token: srv.Token(), ProductStoreID: demoStoreID}
		closeOMS = srv.Close
	} else if cfg, err = loadHotWax(getenv); err != nil {
		return nil, cfg, closeOMS, err
	}
	cfg.ProductStoreID = cmp.Or(strings.TrimSpace(storeFlag), strings.TrimSpace(cfg.ProductStoreID))
	if cfg.ProductStoreID == "" {
		closeOMS()
		return nil, cfg, func() {}, errors.New("no product store: set HOTWAX_PRODUCT_STORE_ID or pass --store")
	}
	if client, err = newHotWaxClient(cfg, slog.New(slog.DiscardHandler), nil); err != nil {
		closeOMS()
		return nil, cfg, func() {}, err
	}
	return client, cfg, closeOMS, nil
}

// knownScenario refuses a --demo scenario the simulated OMS does not have, listing those it has.
func knownScenario(name string) error {
	if !slices.Contains(hotwaxtest.ScenarioNames(), name) {
		return fmt.Errorf("unknown scenario %q; scenarios: %s", name, strings.Join(hotwaxtest.ScenarioNames(), ", "))
	}
	return nil
}

// storeFlagError refuses a --store that cannot be a product store id before any request is sent.
func storeFlagError(s string) error {
	if s != "" && (strings.ContainsAny(s, " \t\n:/") || len(s) > 60) {
		return fmt.Errorf("--store %q is not a product store id (letters, digits, _ . or -)", s)
	}
	return nil
}
