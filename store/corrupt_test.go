package store

import (
	"bytes"
	"context"
	"log/slog"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	bolt "go.etcd.io/bbolt"
)

func TestCorruptRecordsAreReportedAndSkipped(t *testing.T) {
	ctx := context.Background()
	var logs bytes.Buffer
	db := mustOpen(t, Options{Logger: slog.New(slog.NewTextHandler(&logs, nil))})

	good := Watch{JobID: "J2", ConversationID: 1, JobEnumID: "JOB", StartedAt: t0, Deadline: t0.Add(time.Hour)}
	require.NoError(t, db.PutWatch(ctx, good))
	conv, err := db.CreateConversation(ctx, Conversation{Kind: "check"})
	require.NoError(t, err)
	rec, err := db.AppendAudit(ctx, AuditRecord{Actor: "U1", Action: "check", SKU: "A"})
	require.NoError(t, err)
	_, err = db.AppendAudit(ctx, AuditRecord{Actor: "U1", Action: "check", SKU: "A"})
	require.NoError(t, err)
	require.NoError(t, db.PutEscalation(ctx, Escalation{Fingerprint: Fingerprint{SKU: "A", Cause: "c"},
		WebhookPending: true}))
	err = db.bolt.Update(func(tx *bolt.Tx) error {
		require.NoError(t, tx.Bucket(bucketWatches).Put([]byte("J1"), []byte("{not json")))
		require.NoError(t, tx.Bucket(bucketConversations).Put(u64(conv.ID), []byte(`{"id":"x"}`)))
		require.NoError(t, tx.Bucket(bucketEscalations).Put([]byte("S/B/c"), []byte(`[`)))
		return tx.Bucket(bucketAudit).Put(auditKey(rec), []byte(`nope`))
	})
	require.NoError(t, err)

	watches, err := db.Watches(ctx)
	require.NoError(t, err)
	assert.Equal(t, []Watch{good}, watches)
	assert.Contains(t, logs.String(), "bucket=watches key=J1")

	pending, err := db.PendingEscalations(ctx)
	require.NoError(t, err)
	assert.Len(t, pending, 1)

	trail, err := db.AuditBySKU(ctx, "A")
	require.NoError(t, err)
	assert.Len(t, trail, 1, "the unreadable audit record is skipped")

	_, err = db.Conversation(ctx, conv.ID)
	var corrupt *CorruptError
	require.ErrorAs(t, err, &corrupt)
	require.ErrorIs(t, err, ErrCorrupt)
	assert.Equal(t, "conversations", corrupt.Bucket)
	assert.Equal(t, "0x0000000000000001", corrupt.Key)

	// Pruning goes by the time index and never reads the values: an unreadable conversation neither
	// fails it nor outlives its retention.
	_, err = db.Prune(ctx, t0.Add(10*365*24*time.Hour))
	require.NoError(t, err)
	_, err = db.Conversation(ctx, conv.ID)
	require.ErrorIs(t, err, ErrNotFound)
}
