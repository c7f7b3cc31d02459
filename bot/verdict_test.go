package bot

import (
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/preorderbot/preorderbot/diagnostics"
)

func TestFixedWord(t *testing.T) {
	t.Parallel()
	healthy := diagnostics.Report{SKU: "A", Cause: diagnostics.CauseHealthy, Status: diagnostics.StatusPass}
	waiting := diagnostics.Report{SKU: "A", Cause: diagnostics.CauseHealthy, Status: diagnostics.StatusWarn}
	failing := diagnostics.Report{SKU: "A", Cause: diagnostics.CauseUnexplained, Status: diagnostics.StatusFail}
	assert.Equal(t, "✅ Fixed: every shop is in sync.", fixedWord([]diagnostics.Report{healthy}, 0))
	assert.Contains(t, fixedWord([]diagnostics.Report{waiting}, 0), "after the next catalog sync", "no shop lists it yet: not called synced")
	assert.Contains(t, fixedWord([]diagnostics.Report{failing}, 1), "Not fixed yet", "a fix still under way is not a reason to escalate")
	assert.Contains(t, fixedWord([]diagnostics.Report{failing}, 0), "Still failing")
	incomplete := diagnostics.Report{SKU: "A", Cause: diagnostics.CauseIncomplete, Status: diagnostics.StatusUnknown}
	assert.Contains(t, fixedWord([]diagnostics.Report{incomplete}, 0), "Could not tell", "an unread answer is not a failing product")
	assert.Contains(t, fixedWord([]diagnostics.Report{incomplete, failing}, 0), "Still failing", "a cause found anywhere is said first")
}
