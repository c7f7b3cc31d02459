package bot_test

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/preorderbot/preorderbot/bot/slacktest"
	"github.com/preorderbot/preorderbot/store"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Whoever pressed a used button is told who used it, and "you" when it was them.
func TestUsedButtonSaysYou(t *testing.T) {
	t.Parallel()
	e := newEnv(t, "associated-after-sync")
	card, _ := e.check("HW-SCARF-GRN")
	id := buttonValue(t, card, "Run full catalog sync for Acme CA")
	_, _, err := e.db.ClaimActionOn(context.Background(), id, operator, time.Now(), nil,
		func(*store.Conversation) error { return nil })
	require.NoError(t, err)

	e.click(operator, card, "Run full catalog sync for Acme CA")
	e.waitFor("the refusal", func() bool { return len(e.slack.Ephemeral(operator)) > 0 })
	text := e.slack.Ephemeral(operator)[0].Text
	assert.True(t, strings.HasPrefix(text, "You already used this button"), text)
	assert.NotContains(t, text, "<@"+operator+">")
	assert.Zero(t, e.oms.Counts()["scheduleService"])
}

// History links the support thread (never "C…/17…") and shows a run that failed as failed.
func TestHistoryLinksThreadAndShowsFailedRuns(t *testing.T) {
	t.Parallel()
	e := newEnv(t, "job-failing")
	card, _ := e.check("HW-GLOVE-L")
	e.click(operator, card, "Run Preorder Catalog Sync again for Acme CA")
	e.waitFor("the run's end in the audit", func() bool {
		return slices.ContainsFunc(e.audit("HW-GLOVE-L"), func(s string) bool { return strings.Contains(s, "job-run") })
	})
	// The run's re-check redraws the card; escalate from the version it ends on.
	e.settled(card)
	card = e.card(opsChannel, func(m slacktest.Message) bool {
		return m.TS == card.TS && strings.Contains(string(m.Blocks), "Still failing")
	})
	e.escalate(operator, card, "please look")
	e.waitFor("the escalation in the audit", func() bool {
		return slices.ContainsFunc(e.audit("HW-GLOVE-L"), func(s string) bool { return strings.HasPrefix(s, "escalate=") })
	})

	e.slash(viewer, "history HW-GLOVE-L")
	e.waitFor("history", func() bool { return len(e.slack.Ephemeral(viewer)) > 0 })
	body := string(e.slack.Ephemeral(viewer)[0].Blocks)
	assert.Contains(t, body, "|support thread\\u003e", "the escalation links its thread")
	assert.NotContains(t, body, "thread "+supportChannel)
	assert.Regexp(t, `❌ Job run \S+ failed`, body, "the failed run reads as failed")
	assert.NotContains(t, body, "→ ok")
}

// An escalated card says so once, with the thread's link.
func TestEscalatedCardHasOneEscalationLine(t *testing.T) {
	t.Parallel()
	e := newEnv(t, "job-failing")
	card, _ := e.check("HW-GLOVE-L")
	e.escalate(operator, card, "please look")
	m := e.card(opsChannel, func(m slacktest.Message) bool {
		return m.TS == card.TS && strings.Contains(string(m.Blocks), "support thread")
	})
	assert.Equal(t, 1, strings.Count(string(m.Blocks), "Escalated to HotWax Support"), string(m.Blocks))
	assert.Contains(t, string(m.Blocks), "|support thread\\u003e")
}

// A SKU typed in the wrong case is a typo, not a sync problem: the card suggests the store's SKU, lists
// no shop as "not linked" and offers no escalation.
func TestUnknownSKUSuggestsClosest(t *testing.T) {
	e := newEnv(t, "needs-manual-link")
	card, r := e.check("HW-SOCK-s")
	require.Equal(t, "unknown-sku", string(r.Cause))
	assert.Equal(t, "HW-SOCK-S", r.SimilarSKUs[0], "the same SKU in upper case comes first")
	body := string(card.Blocks)
	assert.Contains(t, body, "*Did you mean* `HW-SOCK-S`")
	assert.Contains(t, body, "case-sensitive")
	assert.NotContains(t, body, "not linked")
	assert.NotContains(t, body, "Escalate")
}

// A store: that does not exist is refused privately, naming the stores that do; nothing runs.
func TestUnknownStoreIsRefused(t *testing.T) {
	e := newEnv(t, "healthy")
	e.slash(viewer, "check HW-JACKET-M store:XYZ")
	e.slash(viewer, "jobs store:XYZ")
	e.waitFor("two answers", func() bool { return len(e.slack.Ephemeral(viewer)) >= 2 })
	for _, m := range e.slack.Ephemeral(viewer) {
		assert.Contains(t, m.Text, "There is no product store `XYZ` in HotWax")
		assert.Contains(t, m.Text, "`STORE` (Acme)")
		assert.NotContains(t, m.Text, "✅")
	}
	assert.Empty(t, botPosts(e.slack, opsChannel), "no card for a store that does not exist")
	assert.Zero(t, e.oms.Counts()["solr-query"], "no check ran")
}
