package store

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestAuditSinceFindsRecordsWithoutConversationOrSKU(t *testing.T) {
	db := mustOpen(t, Options{})
	ctx := context.Background()
	for i, rec := range []AuditRecord{
		{At: t0.Add(-time.Hour), Actor: "U1", Action: "doctor", Outcome: "ok"},
		{At: t0, Actor: "U2", Action: "refused:doctor", Outcome: "not an operator"},
		{At: t0.Add(time.Minute), Actor: "U1", Action: "check", SKU: "A"},
	} {
		_, err := db.AppendAudit(ctx, rec)
		require.NoError(t, err, "record %d", i)
	}
	got, err := db.AuditSince(ctx, t0)
	require.NoError(t, err)
	require.Len(t, got, 2)
	assert.Equal(t, "refused:doctor", got[0].Action)
	assert.Equal(t, "check", got[1].Action)
}
