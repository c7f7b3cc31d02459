package blocks

import (
	"strings"
	"testing"

	"github.com/preorderbot/preorderbot/diagnostics"
	"github.com/slack-go/slack"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestCard(t *testing.T) {
	for _, sc := range scenarios() {
		t.Run(sc.name, func(t *testing.T) {
			msg := Card(sc.report, CardMeta{Requester: "U1", Remedies: remedyButtons(actionIDs(sc.report)),
				RecheckID: "a:recheck"})
			require.NoError(t, validateMessage(msg))
			assertGolden(t, msg)
		})
	}
}

// TestCardLiveLines covers the lines the bot adds while a conversation goes on.
func TestCardLiveLines(t *testing.T) {
	r := associationMissingReport()
	msg := Card(r, CardMeta{
		Requester: "U1", Remedies: remedyButtons(actionIDs(r)), RecheckID: "a:recheck",
		Status:        "⏳ Association job for Acme CA scheduled by <@U2>, next run 10:15",
		Outcome:       "✅ <@U2> scheduled “Associate Products with Sub Catalog” for Acme CA at 10:02: OMS answered job M100500",
		EscalationURL: "https://acme.slack.com/archives/C9/p1700000000000100",
		Changes: ChangeLines([]diagnostics.Change{{Kind: diagnostics.ChangeLinked, Name: "Acme CA"},
			{Kind: diagnostics.ChangeCheck, Name: string(diagnostics.CheckAssociationJob), From: "fail", To: "pass"}}),
	})
	require.NoError(t, validateMessage(msg))
	assertGolden(t, msg)
}

func TestCardButtons(t *testing.T) {
	tests := []struct {
		name        string
		report      diagnostics.Report
		ids         []string
		wantActions []string // action_id of every button, in order
		wantValues  []string
		wantConfirm []bool
	}{
		{
			name:        "schedule, run and link, escalate last",
			report:      associationMissingReport(),
			ids:         []string{"s", "r", "l", "e"},
			wantActions: []string{"preorder.remedy.0", "preorder.remedy.1", "preorder.remedy.2", ActionRecheck, ActionEscalate},
			wantValues:  []string{"s", "r", "l", "a:recheck", "e"},
			wantConfirm: []bool{false, true, false, false, false},
		},
		{
			name:        "enable jobs confirm",
			report:      jobsDisabledReport(),
			ids:         []string{"x", "y", "z"},
			wantActions: []string{"preorder.remedy.0", "preorder.remedy.1", ActionRecheck, ActionEscalate},
			wantValues:  []string{"x", "y", "a:recheck", "z"},
			wantConfirm: []bool{true, true, false, false},
		},
		{
			name:        "remedy without action id gets no button",
			report:      associationMissingReport(),
			ids:         []string{"", "r"},
			wantActions: []string{"preorder.remedy.1", ActionRecheck},
			wantValues:  []string{"r", "a:recheck"},
			wantConfirm: []bool{true, false},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			msg := Card(tt.report, CardMeta{Remedies: remedyButtons(tt.ids), RecheckID: "a:recheck"})
			buttons := messageButtons(msg)
			var actions, values []string
			var confirms []bool
			for _, b := range buttons {
				actions = append(actions, b.ActionID)
				values = append(values, b.Value)
				confirms = append(confirms, b.Confirm != nil)
			}
			assert.Equal(t, tt.wantActions, actions)
			assert.Equal(t, tt.wantValues, values)
			assert.Equal(t, tt.wantConfirm, confirms)
			assert.Equal(t, "primary", string(buttons[0].Style), "the main fix is the primary button")
		})
	}
}

func TestCauseSentence(t *testing.T) {
	tests := []struct {
		report diagnostics.Report
		want   string
	}{
		{associationMissingReport(), "The “Associate Products with Sub Catalog” job is not scheduled for Acme CA, so the product was never linked to that shop."},
		{jobsDisabledReport(), "The “Auto Refresh Pre-sell Catalog” and “Preorder Catalog Sync” jobs are not enabled, so pre-order changes are not pushed to the shops."},
		{manualLinkReport(), "Every job is scheduled and running, yet the product is still not linked to Acme UK: link it by hand with its Shopify variant id and inventory item id."},
		{jobFailingReport(), "A pre-order job is enabled but its runs fail, so the shops are not updated: Preorder Catalog Sync failed for Acme CA: Variant &lt;gid://shopify/ProductVariant/44596467138725&gt; not found."},
	}
	for _, tt := range tests {
		t.Run(string(tt.report.Cause), func(t *testing.T) {
			assert.Equal(t, tt.want, CauseSentence(tt.report))
		})
	}
}

// A cause found while one read failed: the card gives the cause and says the failure once, with its call.
func TestCardCauseWithFailure(t *testing.T) {
	r := associationMissingReport()
	r.Status = diagnostics.StatusUnknown
	setCheck(r.Checks, diagnostics.CheckShopListing, diagnostics.StatusUnknown, "could not read the listings of Acme UK")
	r.Failures = []diagnostics.Failure{{Kind: diagnostics.FailureSolr, Call: "listings (solr-query shopifyCore) for shop 10002",
		Message: "Solr refused the query: undefined field data_productVariantUpdate_productVariant_id", Checks: []diagnostics.CheckID{diagnostics.CheckShopListing}}}
	msg := Card(r, CardMeta{Requester: "U1", Remedies: remedyButtons(actionIDs(r)), RecheckID: "a:recheck"})
	require.NoError(t, validateMessage(msg))
	texts := sectionTexts(msg)
	assert.Contains(t, texts, "*Most likely cause:* The “Associate Products with Sub Catalog” job is not scheduled")
	assert.Equal(t, 1, strings.Count(texts, "undefined field data_productVariantUpdate_productVariant_id"), texts)
	assert.Equal(t, 1, strings.Count(texts, "`listings (solr-query shopifyCore) for shop 10002`"), texts)
	assert.NotEmpty(t, messageButtons(msg), "the fixes of the cause found are still offered")
	assert.True(t, strings.HasPrefix(headerText(msg), "❌ "), "a cause was found: %s", headerText(msg))
}

func TestCardCredentialsRefused(t *testing.T) {
	r := unavailableReport()
	r.Failures = []diagnostics.Failure{{Kind: diagnostics.FailureCredentials, Call: "product lookup (solr-query)",
		Message: "the OMS refused the token: Unauthorized: token expired", Fix: "replace HOTWAX_TOKEN: it is expired, revoked or for another instance"}}
	msg := Card(r, CardMeta{Requester: "U1", RecheckID: "a:recheck"})
	require.NoError(t, validateMessage(msg))
	texts := sectionTexts(msg)
	assert.Contains(t, texts, "The OMS refused the bot's credentials")
	assert.Equal(t, 1, strings.Count(texts, "HOTWAX_TOKEN"), texts)
}

func sectionTexts(m Message) string {
	var parts []string
	for _, b := range m.Blocks {
		if s, ok := b.(*slack.SectionBlock); ok && s.Text != nil {
			parts = append(parts, s.Text.Text)
		}
	}
	return strings.Join(parts, "\n")
}

func headerText(m Message) string {
	for _, b := range m.Blocks {
		if h, ok := b.(*slack.HeaderBlock); ok {
			return h.Text.Text
		}
	}
	return ""
}

// Every cause of the catalogue has its card under golden test.
func TestEveryCauseHasAGoldenCard(t *testing.T) {
	covered := map[diagnostics.Cause]bool{}
	for _, sc := range scenarios() {
		covered[sc.report.Cause] = true
	}
	for _, c := range diagnostics.Causes() {
		assert.True(t, covered[c], "no card scenario for %s in fixtures_test.go", c)
	}
}
