package bot_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/preorderbot/preorderbot/bot/blocks"
	"github.com/preorderbot/preorderbot/bot/slacktest"
	"github.com/preorderbot/preorderbot/diagnostics"
	"github.com/preorderbot/preorderbot/diagnostics/hotwax/hotwaxtest"
)

// Every scenario of the simulated OMS, checked through Slack, ends on a card naming its cause.
func TestSlashCheckEveryScenario(t *testing.T) {
	t.Parallel()
	cases := []struct {
		scenario, sku string
		cause         diagnostics.Cause
	}{
		{"healthy", "HW-JACKET-M", diagnostics.CauseHealthy},
		{"association-job-not-scheduled", "HW-BOOT-42", diagnostics.CauseAssociationJobMissing},
		{"associated-after-sync", "HW-SCARF-GRN", diagnostics.CauseAssociatedAfterSync},
		{"presell-jobs-disabled", "HW-BEANIE-BLK", diagnostics.CausePresellJobsDisabled},
		{"job-failing", "HW-GLOVE-L", diagnostics.CauseJobFailing},
		{"needs-manual-link", "HW-SOCK-S", diagnostics.CauseNeedsManualLink},
		{"not-preorder", "HW-TEE-WHT", diagnostics.CauseNotPreorder},
		{"unknown-sku", "HW-NOPE-1", diagnostics.CauseUnknownSKU},
	}
	for _, tc := range cases {
		t.Run(tc.scenario, func(t *testing.T) {
			e := newEnv(t, tc.scenario, noProgressEdits)
			card, r := e.check(tc.sku)
			assert.Equal(t, tc.cause, r.Cause)
			assert.Equal(t, tc.sku+": "+blocks.CauseSentence(r), card.Text, "the card's verdict is the cause in words")
			assert.Equal(t, 1, card.Edits, "posted once with checks pending, then one final edit")
			e.waitFor("evidence in the card's thread", func() bool { return len(e.slack.Thread(opsChannel, card.TS)) > 1 })
			assert.Empty(t, e.slack.Timeouts(), "every envelope acked in time")
		})
	}
}

// A single-SKU check costs at most 4 Web API calls besides its thread replies.
func TestCheckSlackCallBudget(t *testing.T) {
	t.Parallel()
	e := newEnv(t, "association-job-not-scheduled")
	card, _ := e.check("HW-BOOT-42")
	threadPosts := len(e.slack.Thread(opsChannel, card.TS)) - 1 // Thread starts with the card itself
	calls := e.slack.Count("chat.postMessage") + e.slack.Count("chat.update") + e.slack.Count("chat.postEphemeral") +
		e.slack.Count("reactions.add") + e.slack.Count("chat.getPermalink")
	assert.LessOrEqual(t, calls-threadPosts, 4)
}

func TestMentionAnswersInThread(t *testing.T) {
	t.Parallel()
	e := newEnv(t, "healthy")
	_, err := e.slack.Mention(viewer, opsChannel, "<@"+slacktest.BotUserID+"> check HW-JACKET-M", "")
	require.NoError(t, err)
	var parent slacktest.Message
	e.waitFor("card in the mention's thread", func() bool {
		for _, m := range e.slack.Messages(opsChannel) {
			if m.User != slacktest.BotUserID {
				parent = m
				for _, ts := range m.Replies {
					if r, ok := e.slack.Message(opsChannel, ts); ok && strings.Contains(string(r.Blocks), `"preorder.recheck"`) {
						return true
					}
				}
			}
		}
		return false
	})
	reactions := e.slack.Reactions(opsChannel, parent.TS)
	require.NotEmpty(t, reactions)
	assert.Equal(t, "eyes", reactions[0].Name)
	for _, m := range e.slack.Messages(opsChannel) {
		assert.NotEqual(t, slacktest.BotUserID, m.User, "nothing posted at the channel's top level")
	}
}

func TestBadCommandsAnswerPrivately(t *testing.T) {
	t.Parallel()
	var many string
	for i := range 51 {
		many += fmt.Sprintf("SKU-%d ", i)
	}
	cases := []struct{ text, want string }{
		{"frobnicate", "I don't know"},
		{"check", "Which SKU?"},
		{"check " + many, "at most 50"},
		{"check HW-1 store:bad!id", "is not a product store"},
		{"history", "exactly one SKU"},
		{"jobs HW-1", "Jobs takes no SKU"},
	}
	e := newEnv(t, "healthy")
	for i, tc := range cases {
		t.Run(tc.text[:min(len(tc.text), 20)], func(t *testing.T) {
			e.slash(viewer, tc.text)
			e.waitFor("ephemeral answer", func() bool { return len(e.slack.Ephemeral(viewer)) > i })
			got := e.slack.Ephemeral(viewer)[i]
			assert.Contains(t, got.Text, tc.want)
			assert.Contains(t, got.Text, "/preorder", "shows the right form")
		})
	}
	assert.Empty(t, botPosts(e.slack, opsChannel), "bad input changes nothing in the channel")
}

func TestHelpJobsHistory(t *testing.T) {
	t.Parallel()
	e := newEnv(t, "job-failing")
	e.check("HW-GLOVE-L")

	e.slash(viewer, "help")
	e.slash(viewer, "jobs")
	e.slash(viewer, "history HW-GLOVE-L")
	e.waitFor("three private answers", func() bool { return len(e.slack.Ephemeral(viewer)) >= 3 })
	texts := map[string]bool{}
	for _, m := range e.slack.Ephemeral(viewer) {
		texts[m.Text] = true
		body := string(m.Blocks)
		switch {
		case strings.Contains(m.Text, "commands"):
			assert.Contains(t, body, "/preorder check SKU")
		case strings.Contains(m.Text, "HW-GLOVE-L"):
			assert.Contains(t, body, "job is failing", "history shows the check's cause")
		default:
			assert.Contains(t, body, "Acme CA", "jobs lists each shop")
			assert.Contains(t, body, "missing a permission (access scope)", "jobs explains the last failure")
			assert.Contains(t, body, "`shopify-access-scope`", "jobs names the failure's signature")
		}
	}
	assert.Len(t, texts, 3)
}

// The OMS down: the card says so (never stuck at "checking") and offers a re-check.
func TestOMSDownGivesUnavailableCard(t *testing.T) {
	t.Parallel()
	e := newEnv(t, "healthy", func(_ *botOptions, o *hotwaxtest.Options) {
		o.Faults = hotwaxtest.Faults{ErrorRate: 1}
	})
	_, r := e.check("HW-JACKET-M")
	assert.Equal(t, diagnostics.CauseOMSUnavailable, r.Cause)
	assert.NotEmpty(t, r.Failures)
}

// Slack drops the socket mid-check; the card still completes and nothing is lost.
func TestDisconnectMidCheck(t *testing.T) {
	t.Parallel()
	e := newEnv(t, "association-job-not-scheduled", func(_ *botOptions, o *hotwaxtest.Options) {
		o.Latency = 150 * time.Millisecond
	})
	e.slash(viewer, "check HW-BOOT-42")
	e.waitFor("progress card", func() bool { return len(botPosts(e.slack, opsChannel)) == 1 })
	e.slack.Disconnect("refresh_requested")
	card := e.card(opsChannel, nil)
	assert.Equal(t, diagnostics.CauseAssociationJobMissing, e.report(card).Cause)
	e.waitFor("reconnected", e.bot.Ready)
	e.check("HW-JACKET-M") // and the new connection carries the next command
}

// A 429 storm on chat.update: Retry-After is honoured and the card still ends final.
func TestRateLimitStorm(t *testing.T) {
	t.Parallel()
	e := newEnv(t, "healthy", noProgressEdits)
	e.slack.RateLimitStorm("chat.update", 1500*time.Millisecond, time.Second)
	card, r := e.check("HW-JACKET-M")
	assert.Equal(t, diagnostics.CauseHealthy, r.Cause)
	assert.Positive(t, e.slack.RateLimited("chat.update"))
	assert.Equal(t, 1, card.Edits)
}

func TestSeveralSKUsGiveOneMatrix(t *testing.T) {
	t.Parallel()
	e := newEnv(t, "needs-manual-link")
	e.slash(viewer, "check HW-JACKET-M HW-SOCK-S HW-NOPE-1")
	m := e.card(opsChannel, nil)
	body := string(m.Blocks)
	for _, sku := range []string{"HW-JACKET-M", "HW-SOCK-S", "HW-NOPE-1"} {
		assert.Contains(t, body, sku)
	}
	assert.Len(t, botPosts(e.slack, opsChannel), 1)
}

func botPosts(s *slacktest.Server, channel string) []slacktest.Message {
	var out []slacktest.Message
	for _, m := range s.Messages(channel) {
		if m.User == slacktest.BotUserID && m.ThreadTS == "" && !m.Ephemeral {
			out = append(out, m)
		}
	}
	return out
}

// Slack re-sends a mention whose ack it did not see, at once or much later; the bot answers it once,
// and the request leaves the journal, so a restart does not answer it again.
func TestRedeliveredMentionHandledOnce(t *testing.T) {
	t.Parallel()
	e := newEnv(t, "healthy", func(o *botOptions, _ *hotwaxtest.Options) { o.Workers = 1 }) // FIFO handling
	id, err := e.slack.Mention(viewer, opsChannel, "<@"+slacktest.BotUserID+"> check HW-JACKET-M", "")
	require.NoError(t, err)
	_, err = e.slack.Redeliver(id)
	require.NoError(t, err)
	e.slash(viewer, "help") // handled after both deliveries by the single worker
	e.waitFor("help answered", func() bool { return len(e.slack.Ephemeral(viewer)) == 1 })
	_, err = e.slack.Redeliver(id) // long after the first was handled
	require.NoError(t, err)
	e.slash(viewer, "help")
	e.waitFor("help answered again", func() bool { return len(e.slack.Ephemeral(viewer)) == 2 })

	cards := 0
	for _, m := range e.slack.Messages(opsChannel) {
		for _, ts := range m.Replies {
			if r, ok := e.slack.Message(opsChannel, ts); ok && r.User == slacktest.BotUserID && strings.Contains(string(r.Blocks), `"preorder.recheck"`) {
				cards++
			}
		}
	}
	assert.Equal(t, 1, cards, "one card for one mention")
	e.waitFor("the journal settled", func() bool {
		p, err := e.journal.PendingRequests(context.Background())
		return err == nil && len(p) == 0
	})
}

// With a slow OMS the card fills in: the product check shows done while the rest are still pending,
// then the final edit.
func TestCardFillsInAsChecksFinish(t *testing.T) {
	t.Parallel()
	e := newEnv(t, "healthy", func(o *botOptions, h *hotwaxtest.Options) {
		h.Latency = 600 * time.Millisecond
		o.EditInterval = 300 * time.Millisecond
	})
	card, _ := e.check("HW-JACKET-M")
	updates := e.slack.Calls("chat.update")
	require.Equal(t, 2, len(updates), "one progress edit, then the final one")
	progress := string(updates[0].BlocksJSON)
	assert.Contains(t, progress, "✅ *Product*", "the product check is done")
	assert.Contains(t, progress, "⏳", "the other checks are still pending")
	assert.Equal(t, 2, card.Edits)
}

// noProgressEdits makes the card's edits deterministic on a loaded machine: only the final one.
func noProgressEdits(o *botOptions, _ *hotwaxtest.Options) { o.EditInterval = time.Hour }
