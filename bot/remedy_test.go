package bot_test

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/preorderbot/preorderbot/bot/blocks"
	"github.com/preorderbot/preorderbot/bot/slacktest"
	"github.com/preorderbot/preorderbot/diagnostics"
	"github.com/preorderbot/preorderbot/diagnostics/hotwax/hotwaxtest"
	"github.com/preorderbot/preorderbot/store"
)

// click presses a button on a card as user and returns the envelope id.
func (e *env) click(user string, card slacktest.Message, text string) string {
	e.t.Helper()
	id, err := e.slack.ClickButton(user, card.Channel, card.TS, text)
	require.NoError(e.t, err, "button %q on the card", text)
	return id
}

// fixedCard waits until the card's stored report has the cause.
func (e *env) cardWithCause(card slacktest.Message, cause diagnostics.Cause) (slacktest.Message, diagnostics.Report) {
	e.t.Helper()
	var r diagnostics.Report
	var m slacktest.Message
	e.waitFor("card "+card.TS+" to show "+string(cause), func() bool {
		conv, err := e.db.ConversationByCard(context.Background(), card.Channel, card.TS)
		if err != nil || len(conv.LastReport) == 0 {
			return false
		}
		var rs []diagnostics.Report
		if json.Unmarshal(conv.LastReport, &rs) != nil || rs[0].Cause != cause {
			return false
		}
		m, _ = e.slack.Message(card.Channel, card.TS)
		r = rs[0]
		return strings.HasPrefix(m.Text, r.SKU+": "+blocks.CauseSentence(r)[:10])
	})
	return m, r
}

// settled waits until the card's conversation has no fix under way and its last re-check is done.
func (e *env) settled(card slacktest.Message) {
	e.t.Helper()
	e.waitFor("the card to settle", func() bool {
		conv, err := e.db.ConversationByCard(context.Background(), card.Channel, card.TS)
		return err == nil && len(conv.InFlight) == 0 && (conv.Status == store.StatusDone || conv.Status == store.StatusFixed)
	})
}

// openView waits for user's newest modal.
func (e *env) openView(user string) slacktest.View {
	e.t.Helper()
	var v slacktest.View
	e.waitFor("a modal for "+user, func() bool {
		vs := e.slack.OpenViews(user)
		if len(vs) == 0 {
			return false
		}
		v = vs[len(vs)-1]
		return true
	})
	return v
}

func (e *env) submit(user string, v slacktest.View, values map[string]map[string]string) json.RawMessage {
	e.t.Helper()
	ack, err := e.slack.SubmitView(context.Background(), user, v.ID, values)
	require.NoError(e.t, err)
	return ack
}

// groupsReread waits until the bot has read the operator group again since now: two more calls to
// usergroups.users.list, the first of which was answered before the second was sent.
func (e *env) groupsReread() {
	e.t.Helper()
	n := e.slack.Count("usergroups.users.list")
	e.waitFor("the operator group read again", func() bool { return e.slack.Count("usergroups.users.list") >= n+2 })
}

func (e *env) audit(sku string) []string {
	e.t.Helper()
	recs, err := e.db.AuditBySKU(context.Background(), sku)
	require.NoError(e.t, err)
	var out []string
	for _, r := range recs {
		out = append(out, r.Action+"="+r.Outcome)
	}
	return out
}

// Pressing the offered fix changes the OMS as HotWax would, the watched job runs, the re-check passes and
// the card ends fixed, with every step audited.
func TestFixesEndFixed(t *testing.T) {
	t.Parallel()
	t.Run("associated-after-sync: full sync", func(t *testing.T) {
		e := newEnv(t, "associated-after-sync")
		card, _ := e.check("HW-SCARF-GRN")
		e.click(operator, card, "Run full catalog sync for Acme CA")
		card, r := e.cardWithCause(card, diagnostics.CauseHealthy)
		assert.NotEmpty(t, e.oms.Listings(hotwaxtest.ShopCA))
		assert.Contains(t, string(card.Blocks), "Fixed")
		assert.Equal(t, diagnostics.StatusPass, r.Status)
		assert.Subset(t, e.audit("HW-SCARF-GRN"), []string{"check=associated-after-sync", "claim:run-job=", "remedy:run-job=ok", "check=healthy"})
		e.waitFor("the thread to say what changed", func() bool {
			for _, m := range e.slack.Thread(opsChannel, card.TS) {
				if strings.Contains(m.Text, "What changed") && strings.Contains(m.Text, "Fixed") {
					return true
				}
			}
			return false
		})
	})
	t.Run("needs-manual-link: link modal with inline errors", func(t *testing.T) {
		e := newEnv(t, "needs-manual-link")
		card, _ := e.check("HW-SOCK-S")
		e.click(operator, card, "Link product to Acme CA")
		v := e.openView(operator)
		ack := e.submit(operator, v, map[string]map[string]string{
			blocks.BlockLinkShop:          {blocks.ActionLinkShop: hotwaxtest.ShopCA},
			blocks.BlockLinkVariant:       {blocks.ActionLinkVariant: "gid://shopify/ProductVariant/1"},
			blocks.BlockLinkInventoryItem: {blocks.ActionLinkInventoryItem: "47020000000077"},
		})
		assert.Contains(t, string(ack), `"response_action":"errors"`)
		assert.Contains(t, string(ack), blocks.BlockLinkVariant)
		assert.Zero(t, e.oms.Counts()["service/createShopifyShopProduct"], "bad input changes nothing")

		e.submit(operator, v, map[string]map[string]string{
			blocks.BlockLinkShop:          {blocks.ActionLinkShop: hotwaxtest.ShopCA},
			blocks.BlockLinkVariant:       {blocks.ActionLinkVariant: "45012000000077"},
			blocks.BlockLinkInventoryItem: {blocks.ActionLinkInventoryItem: "47020000000077"},
		})
		e.cardWithCause(card, diagnostics.CauseHealthy)
		assert.Equal(t, 1, e.oms.Counts()["service/createShopifyShopProduct"])
		// The sync that follows the link is the chain's own full sync, in its words.
		e.waitFor("the thread to name the full sync after the link", func() bool {
			for _, m := range e.slack.Thread(opsChannel, card.TS) {
				if strings.Contains(m.Text, "Run full catalog sync for Acme CA") {
					return true
				}
			}
			return false
		})
	})
	t.Run("job-failing: run again once the cause is fixed", func(t *testing.T) {
		e := newEnv(t, "job-failing")
		card, _ := e.check("HW-GLOVE-L")
		e.oms.FixJob("JOB_PREORDER_CAT_SYC", hotwaxtest.ShopCA)
		e.click(operator, card, "Run Preorder Catalog Sync again for Acme CA")
		e.cardWithCause(card, diagnostics.CauseHealthy)
	})
	t.Run("association-job-not-scheduled: schedule modal", func(t *testing.T) {
		e := newEnv(t, "association-job-not-scheduled")
		card, _ := e.check("HW-BOOT-42")
		e.click(operator, card, "Schedule association job for Acme CA")
		v := e.openView(operator)
		e.submit(operator, v, map[string]map[string]string{
			blocks.BlockScheduleFrequency: {blocks.ActionScheduleFrequency: "HOURLY"},
			blocks.BlockScheduleFirstRun:  {blocks.ActionScheduleFirstRun: fmt.Sprint(time.Now().Unix())},
			blocks.BlockScheduleLimit:     {blocks.ActionScheduleLimit: "50"},
		})
		// The association job links CA; the report moves on to the next cause in the guide's order.
		pid, ok := e.oms.ProductID("HW-BOOT-42")
		require.True(t, ok)
		e.waitFor("CA linked in the OMS", func() bool { return len(e.oms.Links(pid)) == 2 })
		e.waitFor("the card to show CA linked after the watched run", func() bool {
			_, r := e.cardWithCause(card, diagnostics.CauseAssociationJobMissing) // UK still has none
			for _, s := range r.Shops {
				if s.ShopID == hotwaxtest.ShopCA {
					return s.Linked
				}
			}
			return false
		})
		pending := 0
		for _, j := range e.oms.Jobs() {
			if j.SystemJobEnumID == "JOB_UPD_PROD_ASSOC" && j.StatusID == "SERVICE_PENDING" && j.Shop() == hotwaxtest.ShopCA {
				pending++
				assert.Equal(t, "HOURLY", j.TempExprID)
				assert.Equal(t, "50", j.RuntimeData["limit"])
			}
		}
		assert.Equal(t, 1, pending)
	})
}

func TestRemediesAreForOperators(t *testing.T) {
	t.Parallel()
	e := newEnv(t, "associated-after-sync", func(o *botOptions, _ *hotwaxtest.Options) {
		o.OperatorGroups = []string{"S0OPS"}
		o.GroupRefresh = 20 * time.Millisecond
	})
	e.slack.SetUserGroup("S0OPS", nil)
	e.groupsReread()
	card, _ := e.check("HW-SCARF-GRN")

	e.click(viewer, card, "Run full catalog sync for Acme CA")
	e.waitFor("refusal", func() bool { return len(e.slack.Ephemeral(viewer)) > 0 })
	refusal := e.slack.Ephemeral(viewer)[0].Text
	assert.Contains(t, refusal, "PREORDERBOT_OPERATORS")
	assert.Contains(t, refusal, "PREORDERBOT_OPERATOR_GROUPS")
	assert.Zero(t, e.oms.Counts()["scheduleService"], "a refusal changes nothing")
	assert.Contains(t, e.audit("HW-SCARF-GRN"), "refused:run-job=not an operator")

	// Joining the operator group takes effect on the same card, without a restart, within the refresh.
	e.slack.SetUserGroup("S0OPS", []string{viewer})
	e.groupsReread()
	e.click(viewer, card, "Run full catalog sync for Acme CA")
	e.cardWithCause(card, diagnostics.CauseHealthy)
	assert.Equal(t, 1, e.oms.Counts()["scheduleService"])
}

// groupOperatorCard is a bot whose only operator is a member of the operator group S0OPS, its members
// read again every 20 ms, and a card that offers a manual link.
func groupOperatorCard(t *testing.T) (*env, slacktest.Message) {
	t.Helper()
	e := newEnv(t, "needs-manual-link", func(o *botOptions, _ *hotwaxtest.Options) {
		o.Operators = nil
		o.OperatorGroups = []string{"S0OPS"}
		o.GroupRefresh = 20 * time.Millisecond
	})
	e.slack.SetUserGroup("S0OPS", []string{operator})
	e.groupsReread()
	card, _ := e.check("HW-SOCK-S")
	return e, card
}

func TestModalSubmitIsAuthorisedAgain(t *testing.T) {
	t.Parallel()
	e, card := groupOperatorCard(t)
	e.click(operator, card, "Link product to Acme CA")
	v := e.openView(operator)
	e.slack.SetUserGroup("S0OPS", nil) // removed while the modal is open
	e.groupsReread()
	e.submit(operator, v, map[string]map[string]string{
		blocks.BlockLinkShop:          {blocks.ActionLinkShop: hotwaxtest.ShopCA},
		blocks.BlockLinkVariant:       {blocks.ActionLinkVariant: "45012000000077"},
		blocks.BlockLinkInventoryItem: {blocks.ActionLinkInventoryItem: "47020000000077"},
	})
	e.waitFor("refusal", func() bool { return len(e.slack.Ephemeral(operator)) > 0 })
	assert.Contains(t, e.slack.Ephemeral(operator)[0].Text, "PREORDERBOT_OPERATORS")
	assert.Zero(t, e.oms.Counts()["service/createShopifyShopProduct"])
}

// Double clicks, two operators at once and redelivered envelopes make one OMS write.
func TestOneClickOneWrite(t *testing.T) {
	t.Parallel()
	e := newEnv(t, "associated-after-sync", func(o *botOptions, _ *hotwaxtest.Options) {
		o.Operators = []string{operator, viewer}
	})
	card, _ := e.check("HW-SCARF-GRN")
	var wg sync.WaitGroup
	var envelopes []string
	var mu sync.Mutex
	for _, u := range []string{operator, operator, viewer} {
		wg.Go(func() {
			id, err := e.slack.ClickButton(u, card.Channel, card.TS, "Run full catalog sync for Acme CA")
			assert.NoError(t, err)
			mu.Lock()
			envelopes = append(envelopes, id)
			mu.Unlock()
		})
	}
	wg.Wait()
	_, err := e.slack.Redeliver(envelopes[0])
	require.NoError(t, err)
	e.cardWithCause(card, diagnostics.CauseHealthy)
	e.waitFor("the losers told", func() bool {
		return len(e.slack.Ephemeral(operator))+len(e.slack.Ephemeral(viewer)) >= 2
	})
	assert.Equal(t, 1, e.oms.Counts()["scheduleService"], "one click, one OMS write")
	for _, m := range append(e.slack.Ephemeral(operator), e.slack.Ephemeral(viewer)...) {
		refused := strings.Contains(m.Text, "already used this button") || strings.Contains(m.Text, "earlier version of this card") ||
			strings.Contains(m.Text, "still under way")
		assert.True(t, refused, "each other click is refused with the reason: %q", m.Text)
	}
}

func TestExpiredAndTamperedButtons(t *testing.T) {
	t.Parallel()
	t.Run("expired", func(t *testing.T) {
		e := newEnv(t, "associated-after-sync", func(o *botOptions, _ *hotwaxtest.Options) { o.ActionTTL = time.Millisecond })
		card, _ := e.check("HW-SCARF-GRN")
		e.click(operator, card, "Run full catalog sync for Acme CA")
		e.waitFor("answer", func() bool { return len(e.slack.Ephemeral(operator)) > 0 })
		assert.Contains(t, e.slack.Ephemeral(operator)[0].Text, "expired")
		assert.Zero(t, e.oms.Counts()["scheduleService"])
	})
	t.Run("tampered", func(t *testing.T) {
		e := newEnv(t, "associated-after-sync")
		card, _ := e.check("HW-SCARF-GRN")
		_, err := e.slack.ClickButtonWithValue(operator, card.Channel, card.TS, "Run full catalog sync for Acme CA", "aaaaaaaaaaaaaaaaaaaaaaaaaa")
		require.NoError(t, err)
		e.waitFor("answer", func() bool { return len(e.slack.Ephemeral(operator)) > 0 })
		assert.Contains(t, e.slack.Ephemeral(operator)[0].Text, "unknown")
		assert.Zero(t, e.oms.Counts()["scheduleService"])
	})
	t.Run("from another card", func(t *testing.T) {
		e := newEnv(t, "associated-after-sync")
		first, _ := e.check("HW-SCARF-GRN")
		second, _ := e.check("HW-SCARF-GRN")
		var value string
		var blocksJSON []map[string]any
		require.NoError(t, json.Unmarshal(first.Blocks, &blocksJSON))
		for _, b := range blocksJSON {
			els, _ := b["elements"].([]any)
			for _, el := range els {
				m := el.(map[string]any)
				if txt, _ := m["text"].(map[string]any); txt != nil && txt["text"] == "Run full catalog sync for Acme CA" {
					value = m["value"].(string)
				}
			}
		}
		require.NotEmpty(t, value)
		_, err := e.slack.ClickButtonWithValue(operator, second.Channel, second.TS, "Run full catalog sync for Acme CA", value)
		require.NoError(t, err)
		e.waitFor("answer", func() bool { return len(e.slack.Ephemeral(operator)) > 0 })
		assert.Contains(t, e.slack.Ephemeral(operator)[0].Text, "does not belong to this card")
		assert.Zero(t, e.oms.Counts()["scheduleService"])
	})
}

// A restart mid-watch: the watch is stored, resumes on start, and the card completes.
func TestWatchSurvivesRestart(t *testing.T) {
	t.Parallel()
	e := newEnv(t, "associated-after-sync", func(_ *botOptions, o *hotwaxtest.Options) { o.RunDelay = 1500 * time.Millisecond })
	card, _ := e.check("HW-SCARF-GRN")
	e.click(operator, card, "Run full catalog sync for Acme CA")
	e.waitFor("a stored watch", func() bool {
		ws, err := e.db.Watches(context.Background())
		return err == nil && len(ws) == 1
	})
	e.shutdown()
	ws, err := e.db.Watches(context.Background())
	require.NoError(t, err)
	require.Len(t, ws, 1, "the watch outlives the process")

	e.start()
	e.cardWithCause(card, diagnostics.CauseHealthy)
	e.waitFor("watch removed", func() bool {
		ws, err := e.db.Watches(context.Background())
		return err == nil && len(ws) == 0
	})
	e.waitFor("the conversation marked fixed", func() bool {
		conv, err := e.db.ConversationByCard(context.Background(), card.Channel, card.TS)
		return err == nil && conv.Status == store.StatusFixed
	})
}
