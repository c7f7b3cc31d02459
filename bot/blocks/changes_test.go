package blocks

import (
	"strings"
	"testing"

	"github.com/preorderbot/preorderbot/diagnostics"
	"github.com/stretchr/testify/assert"
)

func TestChangeLinesUseTitles(t *testing.T) {
	changes := []diagnostics.Change{
		{Kind: diagnostics.ChangeStatus, From: "fail", To: "pass"},
		{Kind: diagnostics.ChangeCause, From: string(diagnostics.CauseAssociationJobMissing), To: string(diagnostics.CauseAssociatedAfterSync)},
		{Kind: diagnostics.ChangeCauseGone, Name: string(diagnostics.CausePresellJobsDisabled)},
		{Kind: diagnostics.ChangeCauseAdded, Name: string(diagnostics.CauseJobFailing)},
		{Kind: diagnostics.ChangeCheck, Name: string(diagnostics.CheckShopLinks), From: "fail", To: "pass"},
		{Kind: diagnostics.ChangeLinked, Name: "Acme CA"},
		{Kind: diagnostics.ChangeListing, Name: "Acme CA", From: "Not linked", To: "Listed"},
		{Kind: diagnostics.ChangeAssociationJob, Name: "Acme CA", From: "draft only", To: "scheduled every hour"},
	}
	assert.Equal(t, []string{
		"Cause: association job not scheduled → linked after the last sync",
		"No longer: pre-order jobs disabled",
		"Also: a pre-order job is failing",
		"Shop links: ❌ fails → ✅ passes",
		"Acme CA: linked",
		"Acme CA: Not linked → Listed",
		"Acme CA association job: draft only → scheduled every hour",
	}, ChangeLines(changes))
	for _, l := range ChangeLines(changes) {
		ids := []string{string(diagnostics.CauseAssociationJobMissing), string(diagnostics.CauseJobFailing)}
		for _, id := range diagnostics.CheckIDs {
			ids = append(ids, string(id))
		}
		for _, id := range ids {
			assert.NotContains(t, strings.ToLower(l), id, "an id on a card: %q", l)
		}
	}
}

func TestChangeLinesStatusOnlyWithoutCause(t *testing.T) {
	got := ChangeLines([]diagnostics.Change{{Kind: diagnostics.ChangeStatus, From: "warn", To: "pass"}})
	assert.Equal(t, []string{"Overall: ⚠️ warns → ✅ passes"}, got)
}
