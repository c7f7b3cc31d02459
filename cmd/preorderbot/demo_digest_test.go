package main

import (
	"context"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/preorderbot/preorderbot/bot/slacktest"
	"github.com/preorderbot/preorderbot/diagnostics/hotwax/hotwaxtest"
)

// The demo's #preorder-digest: a sweep of the generated catalog posts a working digest there, its CSV in
// the thread, and a bulk button that fixes its SKUs in seconds.
func TestDemoDigestChannel(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithCancel(context.Background())
	d, err := startDemo(ctx, demoOptions{Addr: "127.0.0.1:0", Scenario: hotwaxtest.ScenarioCatalog, CatalogSKUs: 200,
		RunDelay: 200 * time.Millisecond, WatchPoll: 200 * time.Millisecond})
	require.NoError(t, err)
	t.Cleanup(func() {
		cancel()
		assert.NoError(t, d.Wait())
	})
	wait := func(what string, cond func() bool) {
		t.Helper()
		deadline := time.Now().Add(60 * time.Second)
		for !cond() {
			if time.Now().After(deadline) {
				for _, m := range d.Slack.Messages(demoDigestChannel) {
					t.Logf("digest channel: %.500s", m.Text)
				}
				for _, m := range d.Slack.Ephemeral(demoUser.ID) {
					t.Logf("ephemeral: %.500s", m.Text)
				}
				t.Fatalf("timed out waiting for %s", what)
			}
			time.Sleep(50 * time.Millisecond)
		}
	}
	wait("the bot connected", func() bool { return d.Slack.LiveConnections() > 0 })
	_, err = d.Slack.SlashCommand(demoUser.ID, demoDigestChannel, "/preorder sweep")
	require.NoError(t, err)
	var card slacktest.Message
	wait("the digest", func() bool {
		for _, m := range d.Slack.Messages(demoDigestChannel) {
			if m.ThreadTS == "" && strings.Contains(string(m.Blocks), "🧹 Pre-order sweep") {
				card = m
				return true
			}
		}
		return false
	})
	wait("the CSV in its thread", func() bool {
		for _, m := range d.Slack.Thread(demoDigestChannel, card.TS) {
			if len(m.Files) > 0 && strings.HasSuffix(m.Files[0].Name, ".csv") {
				return true
			}
		}
		return false
	})
	label := regexp.MustCompile(`Schedule association job for Acme UK — (\d+) SKUs`).FindStringSubmatch(string(card.Blocks))
	require.NotNil(t, label, "a bulk fix on the digest")
	_, err = d.Slack.ClickButton(demoUser.ID, demoDigestChannel, card.TS, label[0])
	require.NoError(t, err)
	// Linked now, the SKUs need a full catalog sync: they join that fix, which the digest offers next.
	sync := regexp.MustCompile(`Run full catalog sync for Acme UK — (\d+) SKUs`)
	var next []string
	wait("the association fix re-checked", func() bool {
		m, _ := d.Slack.Message(demoDigestChannel, card.TS)
		next = sync.FindStringSubmatch(string(m.Blocks))
		return strings.Contains(string(m.Blocks), "re-checked the "+label[1]+" SKUs") && next != nil
	})
	before := sync.FindStringSubmatch(string(card.Blocks))
	require.NotNil(t, before)
	assert.Equal(t, atoi(t, before[1])+atoi(t, label[1]), atoi(t, next[1]), "the linked SKUs joined the full sync")
	_, err = d.Slack.ClickButton(demoUser.ID, demoDigestChannel, card.TS, next[0])
	require.NoError(t, err)
	wait("every one of them fixed", func() bool {
		m, _ := d.Slack.Message(demoDigestChannel, card.TS)
		return strings.Contains(string(m.Blocks), "re-checked the "+next[1]+" SKUs") &&
			strings.Contains(string(m.Blocks), next[1]+" fixed, 0 still with a problem")
	})
}

func atoi(t *testing.T, s string) int {
	t.Helper()
	n, err := strconv.Atoi(s)
	require.NoError(t, err)
	return n
}
