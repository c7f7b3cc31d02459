package main

import (
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/preorderbot/preorderbot/bot/slacktest"
	"github.com/preorderbot/preorderbot/diagnostics/hotwax/hotwaxtest"
)

// The demo's job-failing scenario shows a known failure with a fix the bot runs: Shopify throttled the UK
// sync, the card says so and offers to run it again first; running it lists the SKU in the UK.
func TestDemoRunsTheFixOfAKnownFailure(t *testing.T) {
	t.Parallel()
	d := startTestDemo(t, hotwaxtest.ScenarioJobFailing)
	const channel = "C0PREORDER"
	_, err := d.Slack.SlashCommand(demoUser.ID, channel, "/preorder check HW-MITTEN-S")
	require.NoError(t, err)

	card := waitForCard(t, d.Slack, channel, func(m slacktest.Message) bool {
		return strings.Contains(string(m.Blocks), "shopify-throttled")
	})
	require.Contains(t, string(card.Blocks), "*Fix:* press “Run Preorder Catalog Sync again for Acme UK”.")
	_, err = d.Slack.ClickButton(demoUser.ID, channel, card.TS, "Run Preorder Catalog Sync again for Acme UK")
	require.NoError(t, err)

	// The run succeeds: UK's failure is gone from the card, CA's (a missing scope) stays, to escalate.
	waitForCard(t, d.Slack, channel, func(m slacktest.Message) bool {
		body := string(m.Blocks)
		return m.TS == card.TS && !strings.Contains(body, "shopify-throttled") && strings.Contains(body, "shopify-access-scope")
	})
	var listed bool
	for _, l := range d.OMS.Listings(hotwaxtest.ShopUK) {
		for _, link := range d.OMS.Links("20056") {
			listed = listed || (link.ShopID == hotwaxtest.ShopUK && link.ShopifyProductID == l.VariantID)
		}
	}
	require.True(t, listed, "the UK sync listed HW-MITTEN-S")
}

func waitForCard(t *testing.T, s *slacktest.Server, channel string, ok func(slacktest.Message) bool) slacktest.Message {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) {
		for _, m := range s.Messages(channel) {
			if m.ThreadTS == "" && ok(m) {
				return m
			}
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Fatalf("no card in %s as expected; messages: %d", channel, len(s.Messages(channel)))
	return slacktest.Message{}
}
