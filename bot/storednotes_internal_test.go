package bot

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/slack-go/slack"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/preorderbot/preorderbot/bot/blocks"
	"github.com/preorderbot/preorderbot/diagnostics"
	"github.com/preorderbot/preorderbot/store"
)

// A card escalated before escalations were stored as facts keeps its line as it was; an escalation sent
// since replaces that line with one worded from the facts, and nothing writes lines any more.
func TestStoredEscalationLinesStillRender(t *testing.T) {
	t.Parallel()
	const old = "🆘 Escalated to HotWax Support by <@U1> at <!date^1767348120^{date_short_pretty} {time}|2026-01-02 10:02 UTC>" +
		": <https://acme.slack.com/archives/C0SUP/p1|support thread> · support ticket pending (it will be retried until delivered)"
	stored := `{"id":7,"status":"done","lines":{"escalation":` + quote(t, old) + `}}`
	var conv store.Conversation
	require.NoError(t, json.Unmarshal([]byte(stored), &conv))
	assert.Equal(t, old, statusLines(conv))
	assert.Nil(t, escalated(conv))

	at := time.Date(2026, 1, 3, 9, 0, 0, 0, time.UTC)
	conv.Escalated = &store.Escalated{By: "U2", At: at, Ticket: store.TicketSent}
	conv.EscalationThread = &store.MessageRef{Channel: "C0SUP", TS: "2", URL: "https://acme.slack.com/archives/C0SUP/p2"}
	assert.Empty(t, statusLines(conv), "the facts replace the stored line of their topic")
	assert.Equal(t, "🆘 Escalated to HotWax Support by <@U2> at <!date^1767430800^{date_short_pretty} {time}|2026-01-03 09:00 UTC>"+
		": <https://acme.slack.com/archives/C0SUP/p2|support thread> · support ticket sent", blocks.EscalatedLine(*escalated(conv)))

	js, err := json.Marshal(conv)
	require.NoError(t, err)
	var back store.Conversation
	require.NoError(t, json.Unmarshal(js, &back))
	assert.Equal(t, conv.Escalated, back.Escalated)
	js, err = json.Marshal(store.Conversation{Escalated: conv.Escalated})
	require.NoError(t, err)
	assert.NotContains(t, string(js), `"lines"`)
}

// A digest stored with its lines (a bulk fix's, an escalation's) still shows them as they were, and the
// lines worded from facts since come after them.
func TestStoredDigestLinesStillRender(t *testing.T) {
	t.Parallel()
	const fixLine = "⏳ Schedule the association job for Acme CA — 3 SKUs: started by <@U1> at <!date^1767348120^{date_short_pretty} {time}|2026-01-02 10:02 UTC>"
	const escLine = "🆘 <@U1> escalated the 2 SKUs that need a manual link to HotWax Support at <!date^1767348120^{date_short_pretty} {time}|2026-01-02 10:02 UTC>."
	stored := `{"store":"STORE","startedAt":"2026-01-02T09:00:00Z","finishedAt":"2026-01-02T09:05:00Z","skus":10,` +
		`"byCause":{"needs-manual-link":2,"association-job-missing":3,"healthy":5},` +
		`"problems":{"needs-manual-link":["A","B"],"association-job-missing":["C","D","E"]},` +
		`"fixes":[{"effect":"e1","remedy":{"kind":"schedule-job","label":"Schedule the association job for Acme CA"},` +
		`"cause":"association-job-missing","skus":["C","D","E"],"state":"fixing","line":` + quote(t, fixLine) + `}],` +
		`"lines":[` + quote(t, escLine) + `]}`
	conv := store.Conversation{Kind: kindDigest, LastReport: json.RawMessage(stored)}
	d, ok := loadDigest(conv)
	require.True(t, ok)
	text := digestText(blocks.Digest(d.view(nil, nil, nil, "")))
	assert.Contains(t, text, fixLine)
	assert.Contains(t, text, escLine)

	at := time.Date(2026, 1, 3, 9, 0, 0, 0, time.UTC)
	d.Escalated = append(d.Escalated, blocks.DigestEscalation{By: "U2", At: at, SKUs: 2, Cause: diagnostics.CauseNeedsManualLink})
	d.Fixes[0].set(fixWatching, blocks.BulkFixStatus{Step: blocks.BulkWatching, By: "U2", At: at, SKUs: 3, Done: "Scheduled it", JobID: "M1"})
	text = digestText(blocks.Digest(d.view(nil, nil, nil, "")))
	assert.NotContains(t, text, fixLine, "the facts replace the fix's stored line")
	assert.Contains(t, text, "⏳ Scheduled it by <@U2> at <!date^1767430800^{date_short_pretty} {time}|2026-01-03 09:00 UTC>; watching job M1")
	newLine := "🆘 <@U2> escalated the 2 SKUs that need a manual link to HotWax Support at <!date^1767430800"
	require.Contains(t, text, newLine)
	assert.Less(t, strings.Index(text, escLine), strings.Index(text, newLine), "older lines first")

	js, err := json.Marshal(d)
	require.NoError(t, err)
	assert.NotContains(t, string(js), `"line"`, "nothing writes a fix's line any more")
	var back digest
	require.NoError(t, json.Unmarshal(js, &back))
	assert.Equal(t, d.Fixes[0].Status, back.Fixes[0].Status)
	assert.Equal(t, d.Escalated, back.Escalated)
}

// digestText is the text of a digest's sections, in order.
func digestText(m blocks.Message) string {
	var parts []string
	for _, b := range m.Blocks {
		if s, ok := b.(*slack.SectionBlock); ok && s.Text != nil {
			parts = append(parts, s.Text.Text)
		}
	}
	return strings.Join(parts, "\n")
}
