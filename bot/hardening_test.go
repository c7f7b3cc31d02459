package bot_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/preorderbot/preorderbot/bot"
	"github.com/preorderbot/preorderbot/bot/blocks"
	"github.com/preorderbot/preorderbot/bot/slacktest"
	"github.com/preorderbot/preorderbot/diagnostics"
	"github.com/preorderbot/preorderbot/diagnostics/hotwax/hotwaxtest"
	"github.com/preorderbot/preorderbot/store"
)

func (e *env) current(card slacktest.Message) slacktest.Message {
	m, _ := e.slack.Message(card.Channel, card.TS)
	return m
}

func hasButton(m slacktest.Message, text string) bool {
	return strings.Contains(string(m.Blocks), `"text":"`+text+`"`)
}

// While a fix runs, no re-drawn card (a Re-check, another fix) offers it again.
func TestFixUnderWayIsNotOfferedAgain(t *testing.T) {
	t.Parallel()
	e := newEnv(t, "associated-after-sync", func(_ *botOptions, o *hotwaxtest.Options) { o.RunDelay = 5 * time.Second }) // outlasts a re-check on a loaded machine
	card, _ := e.check("HW-SCARF-GRN")
	e.click(operator, card, "Run full catalog sync for Acme CA")
	e.waitFor("the card to say it is watching", func() bool { return strings.Contains(string(e.current(card).Blocks), "watching job") })
	e.click(viewer, e.current(card), "🔄 Re-check")
	e.waitFor("the re-check", func() bool {
		// The audit is written just before the card's final edit: wait for both.
		return strings.Count(strings.Join(e.audit("HW-SCARF-GRN"), " "), "check=") >= 2 &&
			!strings.Contains(string(e.current(card).Blocks), "Checking SKU")
	})
	m := e.current(card)
	assert.False(t, hasButton(m, "Run full catalog sync for Acme CA"), "the fix under way stays hidden after a re-check")
	assert.Contains(t, string(m.Blocks), "watching job", "and the card still says it is under way")
	e.cardWithCause(card, diagnostics.CauseHealthy)
	assert.Equal(t, 1, e.oms.Counts()["scheduleService"])
}

// A write whose outcome is unknown is never offered again blindly: the card asks for a re-check first.
func TestUnknownOutcomeAsksForRecheck(t *testing.T) {
	t.Parallel()
	e := newEnv(t, "associated-after-sync")
	card, _ := e.check("HW-SCARF-GRN")
	e.oms.SetFaults(hotwaxtest.Faults{Endpoint: "scheduleService", Hang: true})
	e.click(operator, card, "Run full catalog sync for Acme CA")
	e.waitFor("the card to say the outcome is unknown", func() bool {
		return strings.Contains(string(e.current(card).Blocks), "Press Re-check before trying again")
	})
	assert.False(t, hasButton(e.current(card), "Run full catalog sync for Acme CA"), "no blind retry")
	assert.Contains(t, e.audit("HW-SCARF-GRN"), "remedy:run-job=unknown")

	// The re-check shows the state; the hung request did schedule nothing, so the fix is offered again.
	e.oms.SetFaults(hotwaxtest.Faults{})
	e.click(viewer, e.current(card), "🔄 Re-check")
	e.waitFor("the fix offered again after the re-check", func() bool { return hasButton(e.current(card), "Run full catalog sync for Acme CA") })
	assert.NotContains(t, string(e.current(card).Blocks), "Press Re-check before trying again")
}

// Two people escalating the same store, SKU and cause at once open one support thread.
func TestConcurrentEscalationsShareOneThread(t *testing.T) {
	t.Parallel()
	e := newEnv(t, "job-failing")
	first, _ := e.check("HW-GLOVE-L")
	second, _ := e.check("HW-GLOVE-L")
	e.click(viewer, first, "📨 Escalate to HotWax Support")
	e.click(operator, second, "📨 Escalate to HotWax Support")
	v1, v2 := e.openView(viewer), e.openView(operator)
	var wg sync.WaitGroup
	for _, s := range []struct {
		user string
		view slacktest.View
	}{{viewer, v1}, {operator, v2}} {
		wg.Go(func() {
			_, err := e.slack.SubmitView(context.Background(), s.user, s.view.ID, map[string]map[string]string{blocks.BlockEscalateNote: {blocks.ActionEscalateNote: "urgent"}})
			assert.NoError(t, err)
		})
	}
	wg.Wait()
	e.waitFor("both escalations audited", func() bool {
		return strings.Count(strings.Join(e.audit("HW-GLOVE-L"), " "), "escalate=thread") == 2
	})
	assert.Len(t, topLevel(e.slack, supportChannel), 1)
}

// A second submission of a modal whose button was already used is refused inside the modal.
func TestUsedButtonRefusedInTheModal(t *testing.T) {
	t.Parallel()
	e := newEnv(t, "job-failing")
	card, _ := e.check("HW-GLOVE-L")
	e.click(viewer, card, "📨 Escalate to HotWax Support")
	first := e.openView(viewer)
	e.click(operator, card, "📨 Escalate to HotWax Support")
	second := e.openView(operator)
	e.submit(viewer, first, map[string]map[string]string{blocks.BlockEscalateNote: {blocks.ActionEscalateNote: ""}})
	e.waitFor("the first escalation", func() bool { return len(topLevel(e.slack, supportChannel)) == 1 })
	ack := e.submit(operator, second, map[string]map[string]string{blocks.BlockEscalateNote: {blocks.ActionEscalateNote: ""}})
	assert.Contains(t, string(ack), `"response_action":"errors"`)
	assert.Contains(t, string(ack), "already did this")
}

// Text from people and from the OMS cannot ping a channel or forge a link.
func TestUserTextIsEscaped(t *testing.T) {
	e := newEnv(t, "job-failing")
	card, _ := e.check("HW-GLOVE-L")
	e.escalate(viewer, card, "<!channel> log in at <https://evil.example|HotWax login>")
	e.waitFor("the packet", func() bool { return len(topLevel(e.slack, supportChannel)) == 1 })
	first := topLevel(e.slack, supportChannel)[0]
	card2, _ := e.check("HW-GLOVE-L")
	e.escalate(operator, card2, "<!here> again")
	e.waitFor("the second note", func() bool { return len(e.slack.Thread(supportChannel, first.TS)) > 3 })
	e.waitFor("the second note posted", func() bool {
		for _, m := range e.slack.Thread(supportChannel, first.TS) {
			if strings.Contains(m.Text, "Escalated again") {
				return true
			}
		}
		return false
	})
	for _, m := range e.slack.Thread(supportChannel, first.TS) { // the summary and every reply
		body := unescape(m.Blocks) + m.Text
		assert.NotContains(t, body, "<!channel>")
		assert.NotContains(t, body, "<!here>")
		assert.NotContains(t, body, "<https://evil.example")
	}
}

// The support webhook's URL, which may carry a secret, never reaches the audit trail or a card.
func TestWebhookSecretNotDisclosed(t *testing.T) {
	t.Parallel()
	hook := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		http.Error(w, "down", http.StatusBadGateway)
	}))
	hook.Close() // connection refused: the error that would quote the URL
	e := newEnv(t, "job-failing", func(o *botOptions, _ *hotwaxtest.Options) {
		o.SupportWebhook = hook.URL + "/hooks?token=SECRET-TOKEN"
		o.WebhookRetry = time.Hour
	})
	card, _ := e.check("HW-GLOVE-L")
	e.escalate(viewer, card, "")
	e.waitFor("the escalation audited", func() bool { return strings.Contains(strings.Join(e.audit("HW-GLOVE-L"), " "), "escalate=thread") })
	recs, err := e.db.AuditBySKU(context.Background(), "HW-GLOVE-L")
	require.NoError(t, err)
	for _, r := range recs {
		assert.NotContains(t, r.Outcome+r.Detail+r.Request, "SECRET-TOKEN")
	}
	esc, err := e.db.Escalation(context.Background(), store.Fingerprint{ProductStoreID: storeID, SKU: "HW-GLOVE-L", Cause: "job-failing"})
	require.NoError(t, err)
	assert.True(t, esc.WebhookPending, "the ticket stays in the outbox")
	assert.NotContains(t, esc.LastError, "SECRET-TOKEN")
	assert.NotEmpty(t, esc.Packet)
	for _, m := range e.slack.Messages(opsChannel) {
		assert.NotContains(t, string(m.Blocks), "SECRET-TOKEN")
	}
}

// The shutdown deadline passing mid-check still leaves a final card, never "Checking…".
func TestShutdownDeadlineLeavesAFinalCard(t *testing.T) {
	t.Parallel()
	e := newEnv(t, "healthy", func(o *botOptions, h *hotwaxtest.Options) {
		h.Latency = 400 * time.Millisecond
		o.ShutdownTimeout = 50 * time.Millisecond
	})
	e.slash(viewer, "check HW-JACKET-M")
	e.waitFor("progress card", func() bool { return len(botPosts(e.slack, opsChannel)) == 1 })
	e.shutdown()
	card := botPosts(e.slack, opsChannel)[0]
	assert.Contains(t, string(card.Blocks), `"preorder.recheck"`, "a final card with Re-check, got %q", card.Text)
}

// A restart finishes what the previous process left half-done, however old the conversation.
func TestRestartReconciles(t *testing.T) {
	t.Parallel()
	e := newEnv(t, "associated-after-sync")
	card, _ := e.check("HW-SCARF-GRN")
	e.shutdown()
	ctx := context.Background()
	conv, err := e.db.ConversationByCard(ctx, card.Channel, card.TS)
	require.NoError(t, err)
	// As if the process died mid-check on a card opened two days ago, while a fix on it was between its
	// OMS write and its watch.
	_, err = e.db.UpdateConversation(ctx, conv.ID, func(c *store.Conversation) error {
		c.Status = store.StatusChecking
		c.CreatedAt = time.Now().Add(-48 * time.Hour)
		c.InFlight = []store.InFlight{{Keys: []string{"run-job/JOB_PREORDER_CAT_SYC/10001"}, Line: "⏳ Run full catalog sync", By: operator, At: time.Now(), Until: "watch"}}
		return nil
	})
	require.NoError(t, err)
	edits := e.current(card).Edits

	e.start()
	e.waitFor("the interrupted check finished and the interrupted fix marked unknown", func() bool {
		c, err := e.db.Conversation(ctx, conv.ID)
		return err == nil && c.Status != store.StatusChecking && len(c.InFlight) == 1 && c.InFlight[0].Until == "recheck" &&
			c.InFlight[0].Interrupted && e.current(card).Edits > edits
	})
	e.waitFor("the card to ask for a re-check", func() bool { return strings.Contains(string(e.current(card).Blocks), "The bot restarted") })
	assert.False(t, hasButton(e.current(card), "Run full catalog sync for Acme CA"), "no blind retry after a restart")
	e.click(viewer, e.current(card), "🔄 Re-check")
	e.waitFor("the fix offered again after the re-check", func() bool { return hasButton(e.current(card), "Run full catalog sync for Acme CA") })
}

// An escalation claimed just before a crash is sent by the next start.
func TestInterruptedEscalationIsSent(t *testing.T) {
	t.Parallel()
	e := newEnv(t, "job-failing")
	card, _ := e.check("HW-GLOVE-L")
	e.shutdown()
	ctx := context.Background()
	conv, err := e.db.ConversationByCard(ctx, card.Channel, card.TS)
	require.NoError(t, err)
	_, err = e.db.UpdateConversation(ctx, conv.ID, func(c *store.Conversation) error {
		c.Escalating = &store.EscalationIntent{SKU: "HW-GLOVE-L", By: viewer, Note: "sent before the crash", At: time.Now()}
		return nil
	})
	require.NoError(t, err)

	e.start()
	e.waitFor("the support thread", func() bool { return len(topLevel(e.slack, supportChannel)) == 1 })
	e.waitFor("the intent cleared", func() bool {
		c, err := e.db.Conversation(ctx, conv.ID)
		return err == nil && c.Escalating == nil && c.EscalationThread != nil
	})
	assert.Contains(t, unescape(topLevel(e.slack, supportChannel)[0].Blocks), "sent before the crash")
}

// Past the drain deadline, queued requests stay in the journal for the next start instead of vanishing.
func TestQueuedRequestsSurviveTheDrainDeadline(t *testing.T) {
	t.Parallel()
	e := newEnv(t, "healthy", func(o *botOptions, h *hotwaxtest.Options) {
		o.Workers = 1
		o.ShutdownTimeout = 100 * time.Millisecond
		h.Latency = 300 * time.Millisecond
	})
	for range 4 {
		e.slash(viewer, "check HW-JACKET-M")
	}
	e.waitFor("the first card", func() bool { return len(botPosts(e.slack, opsChannel)) >= 1 })
	e.shutdown()
	pending, err := e.journal.PendingRequests(context.Background())
	require.NoError(t, err)
	assert.NotEmpty(t, pending, "what was acknowledged but not started is still journaled")

	e.opts.ShutdownTimeout = 5 * time.Second
	e.start()
	e.waitFor("every command answered after the restart", func() bool {
		done := 0
		for _, m := range botPosts(e.slack, opsChannel) {
			if strings.Contains(string(m.Blocks), `"preorder.recheck"`) {
				done++
			}
		}
		return done == 4
	})
}

// Shutdown returns soon after its deadline even when an OMS write hangs; what it leaves is recorded.
func TestShutdownIsBoundedDuringAHungWrite(t *testing.T) {
	t.Parallel()
	e := newEnv(t, "associated-after-sync", func(o *botOptions, _ *hotwaxtest.Options) { o.ShutdownTimeout = 100 * time.Millisecond })
	card, _ := e.check("HW-SCARF-GRN")
	e.oms.SetFaults(hotwaxtest.Faults{Endpoint: "scheduleService", Hang: true})
	e.click(operator, card, "Run full catalog sync for Acme CA")
	e.waitFor("the fix under way", func() bool { return strings.Contains(string(e.current(card).Blocks), "started by") })
	start := time.Now()
	e.shutdown()
	assert.Less(t, time.Since(start), 9*time.Second, "the drain deadline and its grace bound the shutdown")
}

// Slack rejecting the tokens ends Run even with background work (a support webhook) configured.
func TestRevokedTokenEndsRunWithWebhook(t *testing.T) {
	t.Parallel()
	e := newEnv(t, "healthy", func(o *botOptions, _ *hotwaxtest.Options) { o.SupportWebhook = "http://127.0.0.1:1/hook" })
	e.shutdown()
	e.slack.Revoke(e.slack.AppToken(), "token_revoked")
	b, err := bot.New(e.opts)
	require.NoError(t, err)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	err = b.Run(ctx)
	assert.ErrorIs(t, err, bot.ErrSlackAuth)
	assert.NoError(t, ctx.Err(), "Run returned on its own, not at the deadline")
}

// A request acknowledged just before a crash is in the journal; the next start handles it.
func TestJournaledRequestReplayedAfterRestart(t *testing.T) {
	t.Parallel()
	e := newEnv(t, "healthy")
	e.shutdown()
	ctx := context.Background()
	// What the bot journals for "/preorder check HW-JACKET-M" between the ack and the handler.
	payload := `{"Kind":1,"EnvelopeID":"env-crash","DedupeKey":"env-crash","Received":"` + time.Now().UTC().Format(time.RFC3339Nano) +
		`","User":"` + viewer + `","Channel":"` + opsChannel + `","Text":"check HW-JACKET-M"}`
	_, err := e.journal.JournalRequests(ctx, []store.JournaledRequest{{ID: "env-crash", At: time.Now(), Payload: []byte(payload)}}, nil)
	require.NoError(t, err)

	e.start()
	card := e.card(opsChannel, nil)
	assert.True(t, strings.HasPrefix(card.Text, "HW-JACKET-M: "))
	e.waitFor("the journal emptied", func() bool {
		p, err := e.journal.PendingRequests(ctx)
		return err == nil && len(p) == 0
	})
}

// Every acknowledged request passes through the journal and leaves it once handled.
func TestJournalEmptiesAfterHandling(t *testing.T) {
	t.Parallel()
	e := newEnv(t, "healthy")
	e.check("HW-JACKET-M")
	e.slash(viewer, "help")
	e.waitFor("help answered", func() bool { return len(e.slack.Ephemeral(viewer)) == 1 })
	e.waitFor("the journal emptied", func() bool {
		p, err := e.journal.PendingRequests(context.Background())
		return err == nil && len(p) == 0
	})
}

// A redelivery of a mention already handled (Slack retries events whose ack it missed) is not
// journaled, so a restart does not answer it again.
func TestRedeliveryOfHandledRequestIsNotReplayed(t *testing.T) {
	t.Parallel()
	e := newEnv(t, "healthy")
	id, err := e.slack.Mention(viewer, opsChannel, "<@"+slacktest.BotUserID+"> check HW-JACKET-M", "")
	require.NoError(t, err)
	cards := func() int {
		n := 0
		for _, m := range e.slack.Messages(opsChannel) {
			for _, ts := range m.Replies {
				if r, ok := e.slack.Message(opsChannel, ts); ok && r.User == slacktest.BotUserID && strings.Contains(string(r.Blocks), `"preorder.recheck"`) {
					n++
				}
			}
		}
		return n
	}
	e.waitFor("the card", func() bool { return cards() == 1 })
	again, err := e.slack.Redeliver(id)
	require.NoError(t, err)
	e.waitFor("the redelivery acked", func() bool { _, ok := e.slack.AckFor(again); return ok })
	e.shutdown()
	e.start()
	e.slash(viewer, "help")
	e.waitFor("help answered after the restart", func() bool { return len(e.slack.Ephemeral(viewer)) == 1 })
	assert.Equal(t, 1, cards(), "one card")
	e.waitFor("the journal empty", func() bool {
		pending, err := e.journal.PendingRequests(context.Background())
		return err == nil && len(pending) == 0
	})
}
