package blocks

import (
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/preorderbot/preorderbot/diagnostics"
)

func TestEvidenceTable(t *testing.T) {
	var reports []diagnostics.Report
	for _, sc := range scenarios() {
		reports = append(reports, sc.report)
	}
	msgs := EvidenceTable(reports)
	require.Len(t, msgs, 1, "one reply")
	require.NoError(t, validateMessage(msgs[0]))
	assertGolden(t, msgs[0])
}

// Fifty SKUs with long names and every check failing still fit one valid reply.
func TestEvidenceTableOfFiftyGiantSKUs(t *testing.T) {
	var reports []diagnostics.Report
	for i := range 50 {
		reports = append(reports, giantReport(fmt.Sprintf("HW-GIANT-%02d", i)))
	}
	msgs := EvidenceTable(reports)
	require.Len(t, msgs, 1)
	require.NoError(t, validateMessage(msgs[0]))
	assert.Contains(t, sectionTexts(msgs[0]), "HW-GIANT-49")
}
