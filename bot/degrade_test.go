package bot_test

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/preorderbot/preorderbot/bot"
	"github.com/preorderbot/preorderbot/diagnostics"
	"github.com/preorderbot/preorderbot/diagnostics/hotwax/hotwaxtest"
)

// garbledListings makes the listings core answer garbage while every other read answers.
func garbledListings(_ *botOptions, o *hotwaxtest.Options) {
	o.Faults = hotwaxtest.Faults{Endpoint: "solr-query", Source: "shopifyCore", Malformed: true}
}

// The listings core answers garbage: the card still gives the cause found from the other reads, says the
// failed call once, and keeps the fixes.
func TestCardDegradesPerSource(t *testing.T) {
	t.Parallel()
	e := newEnv(t, "association-job-not-scheduled", garbledListings)
	card, r := e.check("HW-BOOT-42")
	assert.Equal(t, diagnostics.CauseAssociationJobMissing, r.Cause)
	require.Len(t, r.Failures, 1)
	blocks := unescape(card.Blocks)
	assert.Equal(t, 1, strings.Count(blocks, r.Failures[0].Call), blocks)
	assert.Contains(t, blocks, "Schedule association job for Acme CA", "the fixes of the cause found are offered")
	assert.NotContains(t, blocks, "could not be reached")
}

// An incomplete check escalated: Support's packet carries the failed calls with their kind and fix.
func TestEscalationPacketCarriesFailures(t *testing.T) {
	t.Parallel()
	var mu sync.Mutex
	var got bot.Packet
	hook := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		mu.Lock()
		defer mu.Unlock()
		assert.NoError(t, json.Unmarshal(body, &got))
	}))
	defer hook.Close()
	e := newEnv(t, "healthy", garbledListings, func(o *botOptions, _ *hotwaxtest.Options) { o.SupportWebhook = hook.URL })
	card, r := e.check("HW-JACKET-M")
	require.Equal(t, diagnostics.CauseIncomplete, r.Cause)
	e.escalate(viewer, card, "listings look broken")
	e.waitFor("the webhook delivered", func() bool {
		mu.Lock()
		defer mu.Unlock()
		return got.SKU != ""
	})
	mu.Lock()
	defer mu.Unlock()
	assert.Equal(t, diagnostics.CauseIncomplete, got.Cause)
	require.Len(t, got.Failures, 1)
	assert.Equal(t, diagnostics.FailureUnexpected, got.Failures[0].Kind)
	assert.Contains(t, got.Failures[0].Call, "listings (solr-query shopifyCore)")
	assert.Equal(t, []diagnostics.CheckID{diagnostics.CheckShopListing}, got.Failures[0].Checks)
}
