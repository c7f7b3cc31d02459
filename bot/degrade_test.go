package bot_test

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/preorderbot/preorderbot/diagnostics"
	"github.com/preorderbot/preorderbot/diagnostics/hotwax/hotwaxtest"
)

// The listings core answers garbage: the card still gives the cause found from the other reads, says the
// failed call once, and keeps the fixes.
func TestCardDegradesPerSource(t *testing.T) {
	e := newEnv(t, "association-job-not-scheduled", func(_ *botOptions, o *hotwaxtest.Options) {
		o.Faults = hotwaxtest.Faults{Endpoint: "solr-query", Source: "shopifyCore", Malformed: true}
	})
	card, r := e.check("HW-BOOT-42")
	assert.Equal(t, diagnostics.CauseAssociationJobMissing, r.Cause)
	require.Len(t, r.Failures, 1)
	blocks := unescape(card.Blocks)
	assert.Equal(t, 1, strings.Count(blocks, r.Failures[0].Call), blocks)
	assert.Contains(t, blocks, "Schedule association job for Acme CA", "the fixes of the cause found are offered")
	assert.NotContains(t, blocks, "could not be reached")
}
