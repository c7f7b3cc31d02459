package bot_test

import (
	"context"
	"maps"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/preorderbot/preorderbot/diagnostics"
	"github.com/preorderbot/preorderbot/diagnostics/hotwax/hotwaxtest"
	"github.com/preorderbot/preorderbot/store"
)

// A button's action stores its remedy as JSON, OMS parameters included. The remedy's parameters are the
// domain's own, but an action stored in that form, by this version or an earlier one, still runs with them.
func TestActionStoredInTheOldFormStillRuns(t *testing.T) {
	t.Parallel()
	const sku, fix = "HW-SCARF-GRN", "Run full catalog sync for Acme CA"
	const stored = `{"kind":"run-job","job":"JOB_PREORDER_CAT_SYC","shopId":"10001","shopName":"Acme CA",` +
		`"params":{"includeAll":"Y"},"label":"Run full catalog sync for Acme CA"}`
	e := newEnv(t, "associated-after-sync")
	card, _ := e.check(sku)
	ctx := context.Background()
	a, err := e.db.Action(ctx, buttonValue(t, card, fix))
	require.NoError(t, err)
	assert.JSONEq(t, stored, a.Params["remedy"], "the card stores the remedy in the form earlier versions stored")

	old := store.Action{ID: store.NewActionID(), Kind: a.Kind, Params: maps.Clone(a.Params), ConversationID: a.ConversationID,
		CreatedBy: a.CreatedBy, CreatedAt: a.CreatedAt, ExpiresAt: a.ExpiresAt}
	old.Params["remedy"] = stored
	_, err = e.db.CreateActions(ctx, old)
	require.NoError(t, err)
	_, err = e.slack.ClickButtonWithValue(operator, card.Channel, card.TS, fix, old.ID)
	require.NoError(t, err)

	e.waitFor("the full sync started from the stored action", func() bool {
		for _, j := range e.oms.Jobs() {
			if j.SystemJobEnumID == "JOB_PREORDER_CAT_SYC" && j.TempExprID == "" && j.Shop() == hotwaxtest.ShopCA &&
				j.RuntimeData["includeAll"] == "Y" {
				return true
			}
		}
		return false
	})
	e.cardWithCause(card, diagnostics.CauseHealthy)
}
