package main

import (
	"fmt"
	"log/slog"
	"net/http"

	"github.com/preorderbot/preorderbot/diagnostics/hotwax"
	"github.com/preorderbot/preorderbot/internal/redact"
)

// newHotWaxClient builds the OMS client from the configuration; `check` and `serve` share it.
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
