package blocks

import (
	"errors"
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/preorderbot/preorderbot/diagnostics"
)

func TestRecheckVerdict(t *testing.T) {
	t.Parallel()
	healthy := diagnostics.Report{SKU: "A", Cause: diagnostics.CauseHealthy, Status: diagnostics.StatusPass}
	waiting := diagnostics.Report{SKU: "A", Cause: diagnostics.CauseHealthy, Status: diagnostics.StatusWarn}
	failing := diagnostics.Report{SKU: "A", Cause: diagnostics.CauseUnexplained, Status: diagnostics.StatusFail}
	assert.Equal(t, "✅ Fixed: every shop is in sync.", Recheck([]diagnostics.Report{healthy}, 0))
	assert.Contains(t, Recheck([]diagnostics.Report{waiting}, 0), "after the next catalog sync", "no shop lists it yet: not called synced")
	assert.Contains(t, Recheck([]diagnostics.Report{failing}, 1), "Not fixed yet", "a fix still under way is not a reason to escalate")
	assert.Contains(t, Recheck([]diagnostics.Report{failing}, 0), "Still failing")
	incomplete := diagnostics.Report{SKU: "A", Cause: diagnostics.CauseIncomplete, Status: diagnostics.StatusUnknown}
	assert.Contains(t, Recheck([]diagnostics.Report{incomplete}, 0), "Could not tell", "an unread answer is not a failing product")
	assert.Contains(t, Recheck([]diagnostics.Report{incomplete, failing}, 0), "Still failing", "a cause found anywhere is said first")
	assert.Equal(t, "⏳ Not fixed yet: 1 more fix on this card is still under way; I re-check when it ends.", Recheck([]diagnostics.Report{failing}, 1))
	assert.Equal(t, "⏳ Not fixed yet: 2 more fixes on this card are still under way; I re-check when each ends.", Recheck([]diagnostics.Report{failing}, 2))
}

func TestOutcomeText(t *testing.T) {
	t.Parallel()
	assert.Equal(t, "done", OutcomeText(diagnostics.Outcome{}, nil))
	assert.Equal(t, "job scheduled", OutcomeText(diagnostics.Outcome{Summary: "job scheduled"}, nil))
	assert.Equal(t, "", OutcomeText(diagnostics.Outcome{Already: true}, nil), "an already-made change is said by who made it")
	assert.Equal(t, "failed: boom", OutcomeText(diagnostics.Outcome{}, errors.New("boom")))
	assert.Contains(t, OutcomeText(diagnostics.Outcome{}, diagnostics.ErrOutcomeUnknown), "Press Re-check before trying again")
}

// A fix the OMS took is said in the past tense from its facts, and one stored with its words keeps them.
func TestTakenFixInThePastTense(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		took Taken
		want string
	}{
		{Taken{Kind: diagnostics.RemedyScheduleJob, Label: "Schedule association job for Acme CA"}, "Scheduled association job for Acme CA"},
		{Taken{Kind: diagnostics.RemedyRunJob, Label: "Run full catalog sync for Acme <UK>"}, "Started full catalog sync for Acme &lt;UK&gt;"},
		{Taken{Kind: diagnostics.RemedyLinkProduct, Label: "Link product to Acme CA", ShopName: "Acme CA"}, "Linked the product to Acme CA"},
		{Taken{Kind: diagnostics.RemedyLinkProduct, Label: "Link product"}, "Linked the product"},
	} {
		line := FixLine(FixUnderway{Took: &c.took, By: "U1", JobID: "M1", Runs: NextRun{Now: true}})
		assert.Contains(t, line, "⏳ "+c.want+" by <@U1> at ", c.took.Kind)
		bulk := BulkFixLine(c.took.Label, BulkFixStatus{Step: BulkWatching, Took: &c.took, By: "U1", JobID: "M1", SKUs: 3})
		assert.Contains(t, bulk, "⏳ "+c.want+" by <@U1> at ", c.took.Kind)
	}
	stored := FixLine(FixUnderway{Done: "Started <it>", Took: &Taken{Kind: diagnostics.RemedyRunJob, Label: "Run other"}, By: "U1", JobID: "M1"})
	assert.Contains(t, stored, "⏳ Started &lt;it&gt; by <@U1>", "words stored with a fix are shown as they were")
}
