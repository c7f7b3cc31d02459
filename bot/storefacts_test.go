package bot_test

import (
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"

	"github.com/preorderbot/preorderbot/diagnostics/hotwax/hotwaxtest"
)

// The store-wide facts are kept between checks, and dropped when the bot writes to the OMS and when
// someone presses Re-check: those must see the OMS as it is.
func TestStoreFactsKeptBetweenChecksDroppedOnWriteAndRecheck(t *testing.T) {
	t.Parallel()
	e := newEnv(t, "associated-after-sync", func(_ *botOptions, o *hotwaxtest.Options) { o.RunDelay = time.Hour })
	shopReads := func() int { return e.oms.CountsBySource()["performFind ShopifyShopAndConfig"] } // only checks read them
	card, _ := e.check("HW-SCARF-GRN")

	e.oms.ResetCounts()
	e.check("HW-SCARF-GRN")
	assert.Zero(t, shopReads(), "a second check reads no store-wide fact")
	assert.Zero(t, e.oms.CountsBySource()["findJobs"], "a second check reads no store-wide fact")
	assert.Equal(t, 1, e.oms.CountsBySource()["solr-query enterpriseSearch"], "it looks its product up")

	e.oms.ResetCounts()
	e.click(viewer, e.current(card), "🔄 Re-check")
	e.waitFor("the re-check to read the shops", func() bool { return shopReads() == 1 })
	e.settled(card)

	e.click(operator, e.current(card), "Run full catalog sync for Acme CA")
	e.waitFor("the card to say it is watching", func() bool { return strings.Contains(string(e.current(card).Blocks), "watching job") })
	e.oms.ResetCounts()
	e.check("HW-SCARF-GRN")
	assert.Equal(t, 1, shopReads(), "after the bot's write a check reads the store-wide facts again")
}
