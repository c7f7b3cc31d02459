package bot_test

import (
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/preorderbot/preorderbot/bot"
	"github.com/preorderbot/preorderbot/bot/slacktest"
	"github.com/preorderbot/preorderbot/diagnostics"
	"github.com/preorderbot/preorderbot/diagnostics/hotwax/hotwaxtest"
)

// A check of 50 SKUs, most of them with a problem, posts its evidence as one reply with a table (a row per
// check that did not pass), not a reply per SKU.
//
// It runs alone: fifty checks at once would slow the timing-sensitive tests that run in parallel.
func TestFiftySKUsGiveOneEvidenceTable(t *testing.T) {
	e := newEnv(t, hotwaxtest.ScenarioCatalog, func(_ *botOptions, o *hotwaxtestOptions) { o.CatalogSKUs = 300 })
	causes := e.oms.CatalogCauses()
	var skus []string
	for sku, cause := range causes {
		if diagnostics.Cause(cause) != diagnostics.CauseHealthy {
			skus = append(skus, sku)
		}
	}
	slices.Sort(skus)
	require.GreaterOrEqual(t, len(skus), bot.MaxSKUs)
	skus = skus[:bot.MaxSKUs]
	e.slash(viewer, "check "+strings.Join(skus, " "))
	card := e.card(opsChannel, nil)

	var replies []slacktest.Message
	e.waitFor("the evidence reply", func() bool {
		replies = nil
		for _, m := range e.slack.Thread(opsChannel, card.TS)[1:] {
			if m.User == slacktest.BotUserID {
				replies = append(replies, m)
			}
		}
		return len(replies) > 0
	})
	e.settled(card)
	replies = replies[:0]
	for _, m := range e.slack.Thread(opsChannel, card.TS)[1:] {
		if m.User == slacktest.BotUserID {
			replies = append(replies, m)
		}
	}
	require.Len(t, replies, 1, "one reply for the whole check")
	table := strings.Join(sectionTexts(t, replies[0]), "\n")
	assert.Contains(t, table, "```")
	for _, sku := range skus {
		assert.Contains(t, table, "\n"+sku+" ", "a row for %s", sku)
	}
}
