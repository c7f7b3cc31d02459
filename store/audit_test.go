package store

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	bolt "go.etcd.io/bbolt"
)

func TestAuditOrderAndIndexes(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "preorderbot.db")
	db, err := Open(path, Options{})
	require.NoError(t, err)

	// Appended out of time order; two share one instant.
	in := []AuditRecord{
		{At: t0.Add(2 * time.Second), Actor: "U1", Action: "check", ConversationID: 1, SKU: "A"},
		{At: t0, Actor: "U2", Action: "check", ConversationID: 2, SKU: "B"},
		{At: t0.Add(time.Second), Actor: "U1", Action: "run-job", ConversationID: 1, SKU: "B",
			ProductStoreID: "STORE", Card: &MessageRef{Channel: "C1", TS: "1.1"}, Request: "scheduleService J1",
			Outcome: "ok", Detail: "scheduled"},
		{At: t0.Add(time.Second), Actor: "U3", Action: "escalate", ConversationID: 1, SKU: "A"},
	}
	var stored []AuditRecord
	for _, rec := range in {
		got, err := db.AppendAudit(ctx, rec)
		require.NoError(t, err)
		stored = append(stored, got)
	}
	for i := range stored {
		assert.Equal(t, uint64(i+1), stored[i].Seq)
	}
	require.NoError(t, db.Close())

	// Survives a restart.
	db = mustOpenPath(t, path, Options{})
	tests := []struct {
		name string
		get  func() ([]AuditRecord, error)
		want []AuditRecord
	}{
		{"conversation 1", func() ([]AuditRecord, error) { return auditOfConversation(t, db, 1), nil },
			[]AuditRecord{stored[2], stored[3], stored[0]}},
		{"conversation 2", func() ([]AuditRecord, error) { return auditOfConversation(t, db, 2), nil },
			[]AuditRecord{stored[1]}},
		{"conversation 3", func() ([]AuditRecord, error) { return auditOfConversation(t, db, 3), nil }, nil},
		{"sku A", func() ([]AuditRecord, error) { return db.AuditBySKU(ctx, "A") },
			[]AuditRecord{stored[3], stored[0]}},
		{"sku B", func() ([]AuditRecord, error) { return db.AuditBySKU(ctx, "B") },
			[]AuditRecord{stored[1], stored[2]}},
		{"sku prefix is not a match", func() ([]AuditRecord, error) { return db.AuditBySKU(ctx, "") }, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := tt.get()
			require.NoError(t, err)
			assert.Equal(t, tt.want, got)
		})
	}
}

func TestAuditDefaultsTimeToStoreClock(t *testing.T) {
	db := mustOpen(t, Options{})
	got, err := db.AppendAudit(context.Background(), AuditRecord{Actor: "U1", Action: "check", SKU: "A"})
	require.NoError(t, err)
	assert.Equal(t, AuditRecord{Seq: 1, At: t0, Actor: "U1", Action: "check", SKU: "A"}, got)
}

// auditOfConversation walks the whole trail for the records of conversation id, in time order.
func auditOfConversation(t testing.TB, db *DB, id uint64) []AuditRecord {
	t.Helper()
	var out []AuditRecord
	require.NoError(t, db.bolt.View(func(tx *bolt.Tx) error {
		return tx.Bucket(bucketAudit).ForEach(func(k, v []byte) error {
			var rec AuditRecord
			if decode(bucketAudit, k, v, &rec) == nil && rec.ConversationID == id {
				out = append(out, rec)
			}
			return nil
		})
	}))
	return out
}
