package blocks

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/preorderbot/preorderbot/diagnostics"
)

// While the only fix runs, the header, the verdict and the fixed check's row all say it is under way;
// none of them still reads as a failure to act on.
func TestCardWhileFixRuns(t *testing.T) {
	r := associatedAfterSyncReport()
	r.Remedies = r.Remedies[1:] // the bot hides the fix under way; escalation stays
	msg := Card(r, CardMeta{Requester: "U1", RecheckID: "a:recheck",
		Status: "⏳ Started Preorder Catalog Sync for Acme UK by <@U2>; watching job M1, running now",
		Fixing: map[diagnostics.CheckID]bool{diagnostics.CheckAssociationTime: true}})
	require.NoError(t, validateMessage(msg))
	assert.Contains(t, headerText(msg), "⏳ ")
	assert.NotContains(t, headerText(msg), "❌")
	body := sectionTexts(msg)
	assert.Contains(t, body, "*Fix under way for:* ")
	assert.NotContains(t, body, "Most likely cause")
	assert.Contains(t, body, "⏳ *Association timing* — ")
	assert.Contains(t, body, "· fix under way")
	assert.NotContains(t, body, "❌ *Association timing*")
}

// While one fix runs and another is still offered, the headline stays the cause to act on, and only the
// row of the check being fixed says so.
func TestCardWhileOneOfTwoFixesRuns(t *testing.T) {
	r := jobsDisabledReport()
	msg := Card(r, CardMeta{Requester: "U1", RecheckID: "a:recheck", Remedies: remedyButtons(actionIDs(r)),
		Fixing: map[diagnostics.CheckID]bool{diagnostics.CheckPresellRefresh: true}})
	body := sectionTexts(msg)
	assert.Contains(t, body, "*Most likely cause:* ")
	assert.Contains(t, body, "⏳ *Auto Refresh Pre-sell Catalog* — ")
	assert.Contains(t, body, "❌ *Preorder Catalog Sync* — ")

	// One of a check's two fixes under way: the check still fails, and says one fix is under way.
	msg = Card(r, CardMeta{Requester: "U1", RecheckID: "a:recheck", Remedies: remedyButtons(actionIDs(r)),
		Fixing: map[diagnostics.CheckID]bool{diagnostics.CheckCatalogSync: false}})
	assert.Contains(t, sectionTexts(msg), "❌ *Preorder Catalog Sync* — ")
	assert.Contains(t, sectionTexts(msg), "one of its fixes is under way")
}
