package blocks

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/preorderbot/preorderbot/diagnostics"
)

var digestAt = time.Date(2026, 12, 3, 6, 0, 0, 0, time.UTC)

func digestFixture() DigestView {
	return DigestView{
		Store: "STORE", By: "U0ANA", StartedAt: digestAt, FinishedAt: digestAt.Add(9 * time.Second), SKUs: 2002, OMSCalls: 183,
		Elapsed: 9 * time.Second, Previous: digestAt.Add(-24 * time.Hour),
		New: []string{"GEN-00007"}, Resolved: []string{"GEN-00001", "GEN-00002"},
		Causes: []DigestCause{
			{Cause: diagnostics.CauseAssociationJobMissing, SKUs: 149, Examples: []string{"GEN-00061", "GEN-00077", "GEN-00082", "GEN-00114", "GEN-00115"},
				Trend: []int{-1, -1, 140, 145, -1, 150, 149}},
			{Cause: diagnostics.CauseNeedsManualLink, SKUs: 3, Examples: []string{"GEN-00001", "GEN-00010", "GEN-00015"},
				CheckAction: "act-check", EscalateAction: "act-escalate"},
		},
		Unchecked: []Unchecked{{Reason: "performFind ShopifyShopProduct: HTTP 500", SKUs: 50}},
		Failures:  []Failures{{Label: "shopify-throttled", Meaning: "Shopify throttled the sync; it passes by itself.", Runs: 2, Jobs: []string{"Preorder Catalog Sync for Acme US"}}},
		Fixes:     []DigestFix{{Label: "Schedule association job for Acme UK", SKUs: 149, Action: "act-fix"}},
		ListLink:  "https://acme.slack.com/archives/C0DIGEST/p1",
	}
}

func TestDigest(t *testing.T) {
	m := Digest(digestFixture())
	require.NoError(t, validateMessage(m))
	assertGolden(t, m)
}

func TestDigestProgress(t *testing.T) {
	m := DigestProgress(DigestProgressView{Store: "STORE", StartedAt: digestAt, Done: 850, Expected: 2002, Problems: 230,
		OMSCalls: 80, EndsAt: digestAt.Add(12 * time.Second), Now: digestAt.Add(5 * time.Second)})
	require.NoError(t, validateMessage(m))
	assertGolden(t, m)
}

// A digest with nothing wrong is one line.
func TestCleanDigest(t *testing.T) {
	m := Digest(DigestView{Store: "STORE", SKUs: 2002, FinishedAt: digestAt})
	require.Len(t, m.Blocks, 1)
	assert.Contains(t, m.Text, "all 2,002 pre-order SKUs are in sync")
}

// SKUs, reasons and failure texts from the OMS can never mention, link or broadcast in mrkdwn (store ids
// are letters, digits and _.- only; labels are plain text, which Slack never parses); a digest with many
// causes and fixes stays within Slack's limits.
func TestDigestEscapesAndStaysWithinLimits(t *testing.T) {
	v := digestFixture()
	v.New = []string{"<@U0BEN>", "a`b"}
	v.Unchecked = []Unchecked{{Reason: "<!here> & <https://evil.example|x>", SKUs: 1}}
	v.Failures = []Failures{{Label: diagnostics.UnknownSignature, Text: "<!everyone> " + strings.Repeat("x", 5000), Runs: 1}}
	for i := range 60 {
		v.Fixes = append(v.Fixes, DigestFix{Label: fmt.Sprintf("Enable job %d", i), SKUs: i + 1, Action: fmt.Sprintf("a%d", i)})
		v.Causes = append(v.Causes, DigestCause{Cause: diagnostics.Cause(fmt.Sprintf("cause-%d", i)), SKUs: 10, Examples: []string{"<!subteam^S1>"},
			CheckAction: "c", EscalateAction: "e"})
	}
	m := Digest(v)
	require.NoError(t, validateMessage(m))
	var buf strings.Builder
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	require.NoError(t, enc.Encode(m))
	body := buf.String()
	require.Contains(t, body, "&lt;!here&gt;", "the text is there, escaped")
	for _, bad := range []string{"<!channel>", "<@U0BEN>", "<!here>", "<https://evil", "<!everyone>", "<!subteam"} {
		assert.NotContains(t, body, bad)
	}
}
