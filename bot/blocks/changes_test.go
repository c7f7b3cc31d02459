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
		{Kind: diagnostics.ChangeCause, From: diagnostics.CauseAssociationJobMissing, To: diagnostics.CauseAssociatedAfterSync},
		{Kind: diagnostics.ChangeCauseGone, Name: diagnostics.CausePresellJobsDisabled},
		{Kind: diagnostics.ChangeCauseAdded, Name: diagnostics.CauseJobFailing},
		{Kind: diagnostics.ChangeCheck, Name: diagnostics.CheckShopLinks, From: "fail", To: "pass"},
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
		for _, id := range append(append([]string{}, diagnostics.CheckIDs...), diagnostics.CauseAssociationJobMissing, diagnostics.CauseJobFailing) {
			assert.NotContains(t, strings.ToLower(l), id, "an id on a card: %q", l)
		}
	}
}

func TestChangeLinesStatusOnlyWithoutCause(t *testing.T) {
	got := ChangeLines([]diagnostics.Change{{Kind: diagnostics.ChangeStatus, From: "warn", To: "pass"}})
	assert.Equal(t, []string{"Overall: ⚠️ warns → ✅ passes"}, got)
}
