package main

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/preorderbot/preorderbot/diagnostics/hotwax/hotwaxtest"
)

// The demo on an older tenant's shopifyCore: the bot falls back to the underscore field names and the card
// gives the same verdict as on a current tenant, with one extra Solr request per shop.
func TestDemoOnTheUnderscoreListingGeneration(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	d, err := startDemo(ctx, demoOptions{Addr: "127.0.0.1:0", Scenario: hotwaxtest.ScenarioAssociatedAfterSync,
		ListingGeneration: hotwaxtest.GenerationUnderscore})
	require.NoError(t, err)
	t.Cleanup(func() {
		cancel()
		assert.NoError(t, d.Wait())
	})
	_, err = d.Slack.SlashCommand(demoUser.ID, "C0PREORDER", "check HW-SCARF-GRN")
	require.NoError(t, err)
	verdict := "The product was linked to Acme CA after the last pre-order sync to that shop"
	require.Eventually(t, func() bool {
		for _, m := range d.Slack.Messages("C0PREORDER") {
			if m.ThreadTS == "" && strings.Contains(string(m.Blocks), verdict) {
				return true
			}
		}
		return false
	}, 20*time.Second, 20*time.Millisecond, "the card gives the late-link verdict")
	// The product lookup and three listing queries; each shop whose first query started before another had
	// learnt the older names asks once more in them (one to three extra, as the queries happen to interleave).
	n := d.OMS.Counts()["solr-query"]
	assert.GreaterOrEqual(t, n, 1+3+1, "the current names are asked first")
	assert.LessOrEqual(t, n, 1+3+3, "at most one extra query per shop")
}

func TestDemoRefusesAnUnknownListingGeneration(t *testing.T) {
	var stdout, stderr strings.Builder
	code := runDemo(context.Background(), []string{"--listing-generation", "bulk"}, func(string) string { return "" }, &stdout, &stderr)
	assert.Equal(t, 2, code)
	assert.Contains(t, stderr.String(), `unknown listing generation "bulk"`)
}
