package bot_test

import (
	"context"
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

// sameFix is one fix offered on every card of a SKU, and the OMS write it makes.
type sameFix struct {
	scenario, sku, button, write string
	// form, when set, is what each presser enters in the modal the button opens.
	form map[string]map[string]string
}

var sameFixes = []sameFix{
	{scenario: "presell-jobs-disabled", sku: "HW-BEANIE-BLK", button: "Enable Auto Refresh Pre-sell Catalog", write: "scheduleService"},
	{scenario: "associated-after-sync", sku: "HW-SCARF-GRN", button: "Run full catalog sync for Acme CA", write: "scheduleService"},
	{scenario: "needs-manual-link", sku: "HW-SOCK-S", button: "Link product to Acme CA", write: "service/createShopifyShopProduct",
		form: map[string]map[string]string{
			blocks.BlockLinkShop:          {blocks.ActionLinkShop: hotwaxtest.ShopCA},
			blocks.BlockLinkVariant:       {blocks.ActionLinkVariant: "45012000000077"},
			blocks.BlockLinkInventoryItem: {blocks.ActionLinkInventoryItem: "47020000000077"},
		}},
}

// press presses the fix's button on card as user and, for a fix with a form, fills it in and submits it.
func (e *env) press(f sameFix, user string, card slacktest.Message) {
	e.t.Helper()
	open := map[string]bool{}
	for _, v := range e.slack.OpenViews(user) {
		open[v.ID] = true
	}
	_, err := e.slack.ClickButton(user, card.Channel, card.TS, f.button)
	require.NoError(e.t, err)
	if f.form == nil {
		return
	}
	v := e.openView(user)
	e.waitFor("the form for "+user, func() bool { v = e.openView(user); return !open[v.ID] })
	e.submit(user, v, f.form)
}

// newCard runs /preorder check SKU and returns its card once final: a new top-level bot message.
func (e *env) newCard(sku string) slacktest.Message {
	e.t.Helper()
	seen := map[string]bool{}
	for _, m := range botPosts(e.slack, opsChannel) {
		seen[m.TS] = true
	}
	e.slash(viewer, "check "+sku)
	return e.card(opsChannel, func(m slacktest.Message) bool { return !seen[m.TS] && strings.HasPrefix(m.Text, sku) })
}

// alreadyAnswers are the ephemeral answers saying the fix was already made by someone, with when.
func (e *env) alreadyAnswers(user string) []string {
	var out []string
	for _, m := range e.slack.Ephemeral(user) {
		if b := unescape(m.Blocks); strings.Contains(b, "already did this at <!date^") {
			out = append(out, b)
		}
	}
	return out
}

// Two cards for one SKU and the same fix pressed on both at once, again and again: each time the OMS gets
// exactly one write, and the second presser is told who made the change and when.
func TestSameFixOnTwoCardsOneWrite(t *testing.T) {
	t.Parallel()
	rounds := 4
	if testing.Short() {
		rounds = 2
	}
	for _, f := range sameFixes {
		t.Run(f.button, func(t *testing.T) {
			e := newEnv(t, f.scenario, func(o *botOptions, _ *hotwaxtest.Options) { o.Operators = []string{operator, viewer} })
			for round := range rounds {
				require.NoError(t, e.oms.SetScenario(f.scenario))
				e.opts.StoreFacts.Drop() // the OMS changed behind the bot's back: the facts it keeps are stale
				e.oms.ResetCounts()
				first, second := e.newCard(f.sku), e.newCard(f.sku)
				told := len(e.alreadyAnswers(operator)) + len(e.alreadyAnswers(viewer))

				var wg sync.WaitGroup
				wg.Go(func() { e.press(f, operator, first) })
				wg.Go(func() { e.press(f, viewer, second) })
				wg.Wait()
				e.waitFor("the second presser told", func() bool {
					return len(e.alreadyAnswers(operator))+len(e.alreadyAnswers(viewer)) == told+1
				})
				e.settled(first)
				e.settled(second)
				assert.Equal(t, 1, e.oms.Counts()[f.write], "round %d: one OMS write for the same fix pressed on two cards", round)
				answers := append(e.alreadyAnswers(operator), e.alreadyAnswers(viewer)...)
				last := answers[len(answers)-1]
				assert.True(t, strings.Contains(last, "<@"+operator+">") || strings.Contains(last, "<@"+viewer+">"), "names who did it: %q", last)
			}
		})
	}
}

// "Run full catalog sync" pressed on one card, then on the other once the first run is done: the second
// press finds the run in the OMS and writes nothing.
func TestRunNowOneAfterTheOther(t *testing.T) {
	t.Parallel()
	f := sameFixes[1]
	e := newEnv(t, f.scenario)
	first, second := e.newCard(f.sku), e.newCard(f.sku)
	e.press(f, operator, first)
	e.settled(first)
	e.press(f, operator, second)
	e.waitFor("the second press answered", func() bool { return len(e.alreadyAnswers(operator)) == 1 })
	assert.Equal(t, 1, e.oms.Counts()["scheduleService"])
	answer := e.alreadyAnswers(operator)[0]
	assert.Contains(t, answer, fmt.Sprintf("<@%s> already did this at <!date^", operator))
	assert.Contains(t, answer, "Run full catalog sync for Acme CA")
	assert.Contains(t, e.audit(f.sku), "remedy:run-job=already")
}

// A write claimed before a crash is still claimed after the restart: the same change asked for on another
// card is refused as under way; once the claim is stale, the OMS is re-read and written once.
func TestClaimedEffectSurvivesRestart(t *testing.T) {
	t.Parallel()
	f := sameFixes[1]
	e := newEnv(t, f.scenario, func(o *botOptions, _ *hotwaxtest.Options) { o.Operators = []string{operator, viewer} })
	first, second := e.newCard(f.sku), e.newCard(f.sku)
	var fix diagnostics.Remedy
	for _, rm := range e.report(first).Remedies {
		if rm.Label == f.button {
			fix = rm
		}
	}
	require.NotEmpty(t, fix.Kind)
	conv, err := e.db.ConversationByCard(context.Background(), first.Channel, first.TS)
	require.NoError(t, err)
	// The state a kill -9 leaves between the claim and the OMS's answer, written at at.
	crash := func(at time.Time) {
		acts, err := e.db.CreateActions(context.Background(), store.Action{Kind: fix.Kind, ConversationID: conv.ID})
		require.NoError(t, err)
		_, _, _, err = e.db.ClaimEffectOn(context.Background(), acts[0].ID, operator, at, nil,
			store.Effect{Key: fix.Effect(storeID), ActionID: acts[0].ID, ConversationID: conv.ID, By: operator, At: at, Label: fix.Label},
			-24*time.Hour, func(*store.Conversation) error { return nil }) // replaces any claim there
		require.NoError(t, err)
	}
	e.shutdown()
	crash(time.Now())
	e.start()

	e.press(f, viewer, second)
	e.told(viewer, "still under way")
	assert.Zero(t, e.oms.Counts()["scheduleService"])
	assert.Contains(t, e.audit(f.sku), "refused:run-job=under way")

	// A claim from long ago is stale: the fix re-reads the OMS and runs once.
	e.shutdown()
	crash(time.Now().Add(-time.Hour))
	e.start()
	e.press(f, viewer, second)
	e.waitFor("the fix written", func() bool { return e.oms.Counts()["scheduleService"] > 0 })
	e.settled(second)
	assert.Equal(t, 1, e.oms.Counts()["scheduleService"])
}
