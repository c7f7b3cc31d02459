package blocks

import (
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/preorderbot/preorderbot/diagnostics"
)

// twoFailuresReport fails for CA with a failure whose fix is an escalation and for UK with one that passes
// by itself; a third failure in US is ignored since the SKU is listed there.
func twoFailuresReport(ca, uk *diagnostics.SignatureRef) diagnostics.Report {
	r := baseReport("HW-MITTEN-S", "Wool Mitten S")
	r.Shops[1].Listing, r.Shops[2].Listing = "No listing data", "No listing data"
	r.Status, r.Cause, r.Causes = diagnostics.StatusFail, diagnostics.CauseJobFailing, []diagnostics.Cause{diagnostics.CauseJobFailing}
	setCheck(r.Checks, diagnostics.CheckJobFailures, diagnostics.StatusFail, "latest run failed: Preorder Catalog Sync for Acme CA, Acme UK",
		diagnostics.Evidence{Label: "Preorder Catalog Sync for Acme US", Value: "SERVICE_FAILED: Read timed out", Shop: "10000", JobID: "M1",
			Signature: &diagnostics.SignatureRef{ID: "network-timeout", Meaning: "It timed out.", Transient: true,
				Fix: diagnostics.Fix{Kind: diagnostics.FixRemedy, Remedy: diagnostics.RemedyRunJob}}},
		diagnostics.Evidence{Label: "Preorder Catalog Sync for Acme CA", Value: "SERVICE_FAILED: <weird> & new", Shop: "10001", JobID: "M2", Signature: ca},
		diagnostics.Evidence{Label: "Preorder Catalog Sync for Acme UK", Value: "SERVICE_FAILED: THROTTLED", Shop: "10002", JobID: "M3", Signature: uk})
	r.Remedies = []diagnostics.Remedy{
		{Kind: diagnostics.RemedyRunJob, Job: "JOB_PREORDER_CAT_SYC", ShopID: "10002", ShopName: "Acme UK", Label: "Run Preorder Catalog Sync again for Acme UK"},
		{Kind: diagnostics.RemedyRunJob, Job: "JOB_PREORDER_CAT_SYC", ShopID: "10001", ShopName: "Acme CA", Label: "Run Preorder Catalog Sync again for Acme CA"},
		{Kind: diagnostics.RemedyRecheck, Label: "Re-check"},
		storedRemedy(`{"kind":"escalate","label":"Escalate to HotWax Support","params":{"note":"Grant the scope."}}`),
	}
	return r
}

var (
	throttled = &diagnostics.SignatureRef{ID: "shopify-throttled", Meaning: "Shopify refused too many calls.", Transient: true,
		Fix: diagnostics.Fix{Kind: diagnostics.FixRemedy, Remedy: diagnostics.RemedyRunJob}}
	scope = &diagnostics.SignatureRef{ID: "shopify-access-scope", Meaning: "A Shopify permission is missing.",
		Fix: diagnostics.Fix{Kind: diagnostics.FixEscalate, Note: "Grant the scope."}}
	frozen = &diagnostics.SignatureRef{ID: "shopify-shop-frozen", Meaning: "The shop is frozen.",
		Fix: diagnostics.Fix{Kind: diagnostics.FixSteps, Steps: []string{"Pay the <bill>.", "Run the job again."}}}
)

func cardFor(r diagnostics.Report) Message {
	return Card(r, CardMeta{Requester: "U1", Remedies: remedyButtons([]string{"a:0", "a:1", "a:2", "a:3"})})
}

func buttonLabels(m Message) []string {
	var out []string
	for _, b := range messageButtons(m) {
		label := b.Text.Text
		if b.Style == "primary" {
			label = "*" + label
		}
		out = append(out, label)
	}
	return out
}

func TestCardExplainsKnownFailures(t *testing.T) {
	msg := cardFor(twoFailuresReport(scope, throttled))
	require.NoError(t, validateMessage(msg))
	texts := sectionTexts(msg)
	assert.Contains(t, texts, "🔎 *Preorder Catalog Sync for Acme CA*: A Shopify permission is missing. `shopify-access-scope`\n*Fix:* escalate to HotWax Support; the note is prefilled.")
	assert.Contains(t, texts, "🔎 *Preorder Catalog Sync for Acme UK*: Shopify refused too many calls. `shopify-throttled`\n*Fix:* press “Run Preorder Catalog Sync again for Acme UK”.")
	assert.NotContains(t, texts, "Acme US*: It timed out", "a failure where the SKU is listed anyway stays in the thread")
	assert.Equal(t, []string{"*Run Preorder Catalog Sync again for Acme UK", "Run Preorder Catalog Sync again for Acme CA",
		"🔄 Re-check", "📨 Escalate to HotWax Support"}, buttonLabels(msg), "a runnable fix first, escalation last")
}

func TestCardEscalatesUnknownFailuresFirst(t *testing.T) {
	r := twoFailuresReport(&diagnostics.SignatureRef{}, scope)
	msg := cardFor(r)
	require.NoError(t, validateMessage(msg))
	texts := sectionTexts(msg)
	assert.Contains(t, texts, "❓ *Preorder Catalog Sync for Acme CA* failed with an error that is *not a known failure*:\n> &lt;weird&gt; &amp; new\nEscalate it to HotWax Support first")
	assert.Equal(t, []string{"*📨 Escalate to HotWax Support", "Run Preorder Catalog Sync again for Acme UK",
		"Run Preorder Catalog Sync again for Acme CA", "🔄 Re-check"}, buttonLabels(msg), "no runnable fix: escalation first, once")

	r = twoFailuresReport(nil, scope) // a report stored before signatures existed reads as unknown
	assert.Equal(t, "*📨 Escalate to HotWax Support", buttonLabels(cardFor(r))[0])
}

func TestCardShowsStepsForAPerson(t *testing.T) {
	msg := cardFor(twoFailuresReport(frozen, throttled))
	texts := sectionTexts(msg)
	assert.Contains(t, texts, "`shopify-shop-frozen`\n*Fix, by a person:*\n1. Pay the &lt;bill&gt;.\n2. Run the job again.")
	assert.Equal(t, "*Run Preorder Catalog Sync again for Acme UK", buttonLabels(msg)[0])
}

func TestEscalationPacketNamesSignatures(t *testing.T) {
	msgs := EscalationPacket(Escalation{Report: twoFailuresReport(&diagnostics.SignatureRef{}, throttled), Requester: "U1"})
	var texts string
	for _, m := range msgs {
		require.NoError(t, validateMessage(m))
		texts += sectionTexts(m)
	}
	assert.Contains(t, texts, "• *Preorder Catalog Sync for Acme CA* (run `M2`): not a known failure: &lt;weird&gt; &amp; new")
	assert.Contains(t, texts, "• *Preorder Catalog Sync for Acme UK* (run `M3`): known failure `shopify-throttled`: Shopify refused too many calls.")
	assert.Contains(t, texts, "*Steps already taken*")
}

func TestEscalateModalPrefillsTheNote(t *testing.T) {
	v := EscalateModal(EscalateForm{SKU: "HW-GLOVE-L", Cause: string(diagnostics.CauseJobFailing), Note: "Grant the write_products scope.", PrivateMetadata: "a:1"})
	require.NoError(t, validateModal(v))
	js, err := json.Marshal(v)
	require.NoError(t, err)
	assert.Contains(t, string(js), `"initial_value":"Grant the write_products scope."`)
}

// An operator's signature file is configuration, not code: its words are escaped like the OMS's.
func TestHostileSignatureTextIsEscaped(t *testing.T) {
	hostile := &diagnostics.SignatureRef{ID: "acme-<b>", Meaning: "<!channel> <https://evil.example|click> & panic.",
		Fix: diagnostics.Fix{Kind: diagnostics.FixSteps, Steps: []string{"<@U0ADMIN> fix it"}}}
	msg := cardFor(twoFailuresReport(hostile, throttled))
	require.NoError(t, validateMessage(msg))
	texts := sectionTexts(msg)
	assert.Contains(t, texts, "&lt;!channel&gt; &lt;https://evil.example|click&gt; &amp; panic. `acme-&lt;b&gt;`")
	assert.Contains(t, texts, "1. &lt;@U0ADMIN&gt; fix it")
	assert.NotContains(t, texts, "<!channel>")
}
