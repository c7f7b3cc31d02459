package bot_test

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/slack-go/slack"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/preorderbot/preorderbot/bot/blocks"
	"github.com/preorderbot/preorderbot/bot/slacktest"
	"github.com/preorderbot/preorderbot/diagnostics/hotwax/hotwaxtest"
)

// buttonValue is the opaque action id behind a button of a message.
func buttonValue(t *testing.T, m slacktest.Message, text string) string {
	t.Helper()
	v, ok := valueOf(m, text)
	require.True(t, ok, "no button %q", text)
	return v
}

func valueOf(m slacktest.Message, text string) (string, bool) {
	var list []map[string]any
	if json.Unmarshal(m.Blocks, &list) != nil {
		return "", false
	}
	for _, b := range list {
		els, _ := b["elements"].([]any)
		for _, el := range els {
			e, _ := el.(map[string]any)
			if txt, _ := e["text"].(map[string]any); txt != nil && txt["text"] == text {
				v, _ := e["value"].(string)
				return v, true
			}
		}
	}
	return "", false
}

// api is a Slack client holding the bot's token, as anything that learned it could use it.
func (e *env) api() *slack.Client {
	return slack.New(e.slack.BotToken(), slack.OptionAPIURL(e.slack.APIURL()))
}

func (e *env) told(user, text string) {
	e.t.Helper()
	e.waitFor(fmt.Sprintf("%s told %q", user, text), func() bool {
		for _, m := range e.slack.Ephemeral(user) {
			if strings.Contains(m.Text, text) {
				return true
			}
		}
		return false
	})
}

var goodLinkForm = map[string]map[string]string{
	blocks.BlockLinkShop:          {blocks.ActionLinkShop: hotwaxtest.ShopCA},
	blocks.BlockLinkVariant:       {blocks.ActionLinkVariant: "45012000000077"},
	blocks.BlockLinkInventoryItem: {blocks.ActionLinkInventoryItem: "47020000000077"},
}

// A card's button copied into a modal is not on its card: pressing it there changes nothing.
func TestButtonInAViewIsCheckedAgainstItsCard(t *testing.T) {
	t.Parallel()
	e := newEnv(t, "associated-after-sync")
	card, _ := e.check("HW-SCARF-GRN")
	value := buttonValue(t, card, "Run full catalog sync for Acme CA")
	btn := slack.NewButtonBlockElement(blocks.ActionRemedyPrefix+"0", value, slack.NewTextBlockObject(slack.PlainTextType, "Run full catalog sync for Acme CA", false, false))
	view := slack.ModalViewRequest{Type: slack.VTModal, Title: slack.NewTextBlockObject(slack.PlainTextType, "Copied", false, false),
		Blocks: slack.Blocks{BlockSet: []slack.Block{slack.NewActionBlock("copied", btn)}}}
	resp, err := e.api().OpenView(e.slack.IssueTrigger(operator), view)
	require.NoError(t, err)

	_, err = e.slack.ClickButtonInView(operator, resp.ID, "Run full catalog sync for Acme CA")
	require.NoError(t, err)
	e.told(operator, "does not belong to this card")
	assert.Zero(t, e.oms.Counts()["scheduleService"])
	assert.Contains(t, e.audit("HW-SCARF-GRN"), "refused:run-job=foreign card")
}

// A form is accepted only when the bot opened it for that person from that button.
func TestOnlyTheBotsOwnFormIsAccepted(t *testing.T) {
	t.Parallel()
	t.Run("a form the bot did not open", func(t *testing.T) {
		e := newEnv(t, "needs-manual-link")
		card, r := e.check("HW-SOCK-S")
		forged := blocks.LinkModal(blocks.LinkForm{SKU: r.SKU, ProductID: r.Product.ProductID, Shops: r.Shops,
			Selected: hotwaxtest.ShopCA, PrivateMetadata: buttonValue(t, card, "Link product to Acme CA")})
		resp, err := e.api().OpenView(e.slack.IssueTrigger(operator), forged)
		require.NoError(t, err)
		ack := e.submit(operator, slacktest.View{ID: resp.ID}, goodLinkForm)
		assert.Contains(t, string(ack), `"response_action":"errors"`)
		assert.Contains(t, unescape(ack), "I did not open this form for you")
		e.waitFor("the refusal audited", func() bool {
			return strings.Contains(strings.Join(e.audit("HW-SOCK-S"), " "), "refused:link-product=foreign form")
		})
		assert.Zero(t, e.oms.Counts()["service/createShopifyShopProduct"])
	})
	t.Run("the bot's form pointed at another button", func(t *testing.T) {
		e := newEnv(t, "needs-manual-link")
		card, r := e.check("HW-SOCK-S")
		e.click(operator, card, "Link product to Acme CA")
		v := e.openView(operator)
		// Another action of the same card, of another kind.
		other := buttonValue(t, card, "📨 Escalate to HotWax Support")
		changed := blocks.LinkModal(blocks.LinkForm{SKU: r.SKU, ProductID: r.Product.ProductID, Shops: r.Shops,
			Selected: hotwaxtest.ShopCA, PrivateMetadata: other})
		changed.ExternalID = v.ExternalID
		_, err := e.api().UpdateView(changed, "", "", v.ID)
		require.NoError(t, err)
		ack := e.submit(operator, v, goodLinkForm)
		assert.Contains(t, unescape(ack), "I did not open this form for you")
		assert.Zero(t, e.oms.Counts()["service/createShopifyShopProduct"])
	})
}

// The modal refuses inline exactly what the executor would refuse, before the button is used.
func TestModalRefusesWhatTheExecutorRefuses(t *testing.T) {
	t.Parallel()
	t.Run("schedule: a signed limit and a first run more than a year away", func(t *testing.T) {
		e := newEnv(t, "association-job-not-scheduled")
		card, _ := e.check("HW-BOOT-42")
		e.click(operator, card, "Schedule association job for Acme CA")
		v := e.openView(operator)
		ack := e.submit(operator, v, map[string]map[string]string{
			blocks.BlockScheduleFrequency: {blocks.ActionScheduleFrequency: "HOURLY"},
			blocks.BlockScheduleFirstRun:  {blocks.ActionScheduleFirstRun: fmt.Sprint(time.Now().AddDate(1, 0, 2).Unix())},
			blocks.BlockScheduleLimit:     {blocks.ActionScheduleLimit: "+5"},
		})
		assert.Contains(t, string(ack), `"response_action":"errors"`)
		assert.Contains(t, string(ack), blocks.BlockScheduleLimit)
		assert.Contains(t, string(ack), blocks.BlockScheduleFirstRun)
		assert.Zero(t, e.oms.Counts()["scheduleService"])
		a, err := e.db.Action(context.Background(), buttonValue(t, card, "Schedule association job for Acme CA"))
		require.NoError(t, err)
		assert.Empty(t, a.UsedBy, "the button is not used by a refused form")
	})
	t.Run("link: zero Shopify ids", func(t *testing.T) {
		e := newEnv(t, "needs-manual-link")
		card, _ := e.check("HW-SOCK-S")
		e.click(operator, card, "Link product to Acme CA")
		ack := e.submit(operator, e.openView(operator), map[string]map[string]string{
			blocks.BlockLinkShop:          {blocks.ActionLinkShop: hotwaxtest.ShopCA},
			blocks.BlockLinkVariant:       {blocks.ActionLinkVariant: "0"},
			blocks.BlockLinkInventoryItem: {blocks.ActionLinkInventoryItem: "0"},
		})
		assert.Contains(t, string(ack), blocks.BlockLinkVariant)
		assert.Contains(t, string(ack), blocks.BlockLinkInventoryItem)
		assert.Zero(t, e.oms.Counts()["service/createShopifyShopProduct"])
	})
	t.Run("link: a variant that belongs to another product", func(t *testing.T) {
		e := newEnv(t, "needs-manual-link")
		card, _ := e.check("HW-SOCK-S")
		e.click(operator, card, "Link product to Acme CA")
		e.submit(operator, e.openView(operator), map[string]map[string]string{
			blocks.BlockLinkShop:          {blocks.ActionLinkShop: hotwaxtest.ShopCA},
			blocks.BlockLinkVariant:       {blocks.ActionLinkVariant: "45012000000011"}, // HW-JACKET-M's in CA
			blocks.BlockLinkInventoryItem: {blocks.ActionLinkInventoryItem: "47020000000077"},
		})
		e.told(operator, "already belongs to product 20011")
		assert.Zero(t, e.oms.Counts()["service/createShopifyShopProduct"], "nothing is sent for a taken variant")
		a, err := e.db.Action(context.Background(), buttonValue(t, card, "Link product to Acme CA"))
		require.NoError(t, err)
		assert.Empty(t, a.UsedBy, "the button still works for a corrected try")
	})
}

// Every refused button or form is in the audit trail, with the reason.
func TestEveryRefusalIsAudited(t *testing.T) {
	t.Parallel()
	const sku, fix = "HW-SCARF-GRN", "Run full catalog sync for Acme CA"
	e := newEnv(t, "associated-after-sync")
	card, _ := e.check(sku)
	other, _ := e.check(sku)

	_, err := e.slack.ClickButtonWithValue(operator, card.Channel, card.TS, fix, "aaaaaaaaaaaaaaaaaaaaaaaaaa")
	require.NoError(t, err)
	_, err = e.slack.ClickButtonWithValue(operator, other.Channel, other.TS, fix, buttonValue(t, card, fix))
	require.NoError(t, err)
	e.click(viewer, card, fix)
	e.click(viewer, card, "🔄 Re-check")
	e.waitFor("the re-drawn card", func() bool {
		v, ok := valueOf(e.current(card), fix)
		return ok && v != buttonValue(t, card, fix)
	})
	_, err = e.slack.ClickButtonWithValue(operator, card.Channel, card.TS, fix, buttonValue(t, card, fix))
	require.NoError(t, err)

	want := []string{"refused:unknown=unknown", "refused:run-job=foreign card", "refused:run-job=not an operator", "refused:run-job=earlier version"}
	e.waitFor("every refusal audited", func() bool {
		got := e.audit(sku)
		for _, w := range want {
			if !strings.Contains(strings.Join(got, " "), w) {
				return false
			}
		}
		return true
	})
	assert.Zero(t, e.oms.Counts()["scheduleService"])

	t.Run("used, refused in the form", func(t *testing.T) {
		e := newEnv(t, "needs-manual-link", func(o *botOptions, _ *hotwaxtest.Options) { o.Operators = []string{operator, viewer} })
		card, _ := e.check("HW-SOCK-S")
		e.click(operator, card, "Link product to Acme CA")
		mine := e.openView(operator)
		e.click(viewer, card, "Link product to Acme CA")
		e.submit(viewer, e.openView(viewer), goodLinkForm)
		e.waitFor("the button used", func() bool {
			a, err := e.db.Action(context.Background(), buttonValue(t, card, "Link product to Acme CA"))
			return err == nil && a.UsedBy == viewer
		})
		ack := e.submit(operator, mine, goodLinkForm)
		assert.Contains(t, unescape(ack), "already did this")
		e.waitFor("the refusal audited", func() bool {
			return strings.Contains(strings.Join(e.audit("HW-SOCK-S"), " "), "refused:link-product=used")
		})
	})
	t.Run("expired", func(t *testing.T) {
		e := newEnv(t, "associated-after-sync", func(o *botOptions, _ *hotwaxtest.Options) { o.ActionTTL = time.Millisecond })
		card, _ := e.check(sku)
		e.click(operator, card, fix)
		e.waitFor("the refusal audited", func() bool { return strings.Contains(strings.Join(e.audit(sku), " "), "refused:run-job=expired") })
	})
}
