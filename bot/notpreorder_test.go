package bot_test

import (
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/preorderbot/preorderbot/diagnostics"
)

// The not-preorder case ends fixed from the card: after the pre-sell refresh adds the product to the
// pre-order catalog, the card offers the catalog syncs that list it instead of leaving the shops to wait
// for their schedule.
func TestNotPreorderEndsFixedFromTheCard(t *testing.T) {
	t.Parallel()
	e := newEnv(t, "not-preorder")
	card, r := e.check("HW-TEE-WHT")
	assert.Equal(t, diagnostics.CauseNotPreorder, r.Cause)
	e.click(operator, card, "Run Auto Refresh Pre-sell Catalog now")
	card, _ = e.cardWithCause(card, diagnostics.CausePresellJobsDisabled)
	e.settled(card)
	card = e.current(card)
	for _, shop := range []string{"Acme CA", "Acme UK", "Acme US"} {
		assert.True(t, hasButton(card, "Run Preorder Catalog Sync now for "+shop), "the sync of %s is offered", shop)
	}
	for _, b := range []string{"Enable Auto Refresh Pre-sell Catalog", "Run Preorder Catalog Sync now for Acme CA",
		"Run Preorder Catalog Sync now for Acme UK", "Run Preorder Catalog Sync now for Acme US"} {
		e.waitFor("the button "+b, func() bool { return hasButton(e.current(card), b) })
		e.click(operator, e.current(card), b)
		e.waitFor("the fix to start", func() bool { return !hasButton(e.current(card), b) })
		e.settled(card)
	}
	e.cardWithCause(card, diagnostics.CauseHealthy)
}
