package store

import (
	"context"
	"encoding/json"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	bolt "go.etcd.io/bbolt"
)

func TestMigrationsAreOrdered(t *testing.T) {
	for i, m := range migrations {
		assert.Equal(t, uint64(i+1), m.version, m.name)
	}
}

// seedVersion writes the layout of schema v, as an older binary left it, and sets the version.
func seedVersion(t *testing.T, path string, v uint64, fill func(tx *bolt.Tx)) {
	t.Helper()
	seed(t, path, func(tx *bolt.Tx) error {
		meta, err := tx.CreateBucket(bucketMeta)
		require.NoError(t, err)
		for _, m := range migrations[:v] {
			require.NoError(t, m.migrate(tx))
		}
		require.NoError(t, meta.Put(keySchemaVersion, u64(v)))
		if fill != nil {
			fill(tx)
		}
		return nil
	})
}

func assertVersion(t *testing.T, db *DB, want uint64) {
	t.Helper()
	require.NoError(t, db.bolt.View(func(tx *bolt.Tx) error {
		v, err := UnsafeSchemaVersion(tx)
		require.NoError(t, err)
		assert.Equal(t, want, v)
		return nil
	}))
}

func TestMigrateV0ToV1(t *testing.T) {
	path := filepath.Join(t.TempDir(), "preorderbot.db")
	seed(t, path, func(tx *bolt.Tx) error { return nil }) // an empty bbolt file
	db := mustOpenPath(t, path, Options{})
	assertVersion(t, db, SchemaVersion)
	require.NoError(t, db.bolt.View(func(tx *bolt.Tx) error {
		for _, name := range [][]byte{bucketConversations, bucketCards, bucketActions, bucketAudit,
			bucketSnapshots, bucketEscalations, bucketWatches} {
			assert.NotNil(t, tx.Bucket(name), "bucket %s", name)
		}
		return nil
	}))
}

func TestMigrateV1ToV2BackfillsAuditIndexes(t *testing.T) {
	path := filepath.Join(t.TempDir(), "preorderbot.db")
	// v1 wrote audit records without indexes; one of them has become unreadable.
	v1 := []AuditRecord{
		{Seq: 1, At: t0, Actor: "U1", Action: "check", ConversationID: 1, SKU: "A"},
		{Seq: 2, At: t0.Add(time.Second), Actor: "U2", Action: "run-job", ConversationID: 2, SKU: "A"},
		{Seq: 3, At: t0.Add(2 * time.Second), Actor: "U1", Action: "recheck", ConversationID: 1, SKU: "B"},
	}
	seedVersion(t, path, 1, func(tx *bolt.Tx) {
		audit := tx.Bucket(bucketAudit)
		for _, rec := range v1 {
			data, err := json.Marshal(rec)
			require.NoError(t, err)
			require.NoError(t, audit.Put(auditKey(rec), data))
		}
		require.NoError(t, audit.Put(auditKey(AuditRecord{Seq: 4, At: t0}), []byte("garbage")))
		require.NoError(t, audit.SetSequence(4))
	})

	db := mustOpenPath(t, path, Options{})
	assertVersion(t, db, SchemaVersion)
	ctx := context.Background()
	tests := []struct {
		name string
		get  func() ([]AuditRecord, error)
		want []AuditRecord
	}{
		{"conversation 1", func() ([]AuditRecord, error) { return auditOfConversation(t, db, 1), nil },
			[]AuditRecord{v1[0], v1[2]}},
		{"conversation 2", func() ([]AuditRecord, error) { return auditOfConversation(t, db, 2), nil },
			[]AuditRecord{v1[1]}},
		{"sku A", func() ([]AuditRecord, error) { return db.AuditBySKU(ctx, "A") }, []AuditRecord{v1[0], v1[1]}},
		{"sku B", func() ([]AuditRecord, error) { return db.AuditBySKU(ctx, "B") }, []AuditRecord{v1[2]}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := tt.get()
			require.NoError(t, err)
			assert.Equal(t, tt.want, got)
		})
	}

	// New records continue the old sequence and join the indexes.
	rec, err := db.AppendAudit(ctx, AuditRecord{At: t0.Add(time.Minute), Actor: "U3", Action: "check", SKU: "B"})
	require.NoError(t, err)
	assert.Equal(t, uint64(5), rec.Seq)
	got, err := db.AuditBySKU(ctx, "B")
	require.NoError(t, err)
	assert.Equal(t, []AuditRecord{v1[2], rec}, got)
}

func TestReadOnlyOpenLeavesAnOldFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "preorderbot.db")
	seedVersion(t, path, 2, func(tx *bolt.Tx) {
		assert.Nil(t, tx.Bucket(bucketEnvelopes), "v2 had no envelopes bucket")
	})

	// Read-only opens (backups) leave the file as it is.
	ro, err := Open(path, Options{ReadOnly: true})
	require.NoError(t, err)
	assertVersion(t, ro, 2)
	require.NoError(t, ro.Close())

	db := mustOpenPath(t, path, Options{})
	assertVersion(t, db, SchemaVersion)
	require.NoError(t, db.bolt.View(func(tx *bolt.Tx) error {
		assert.Nil(t, tx.Bucket(bucketEnvelopes), "v11 dropped the bucket v3 added")
		return nil
	}))
}

func TestMigrateV8ToV9DropsAuditByConversation(t *testing.T) {
	path := filepath.Join(t.TempDir(), "preorderbot.db")
	rec := AuditRecord{Seq: 1, At: t0, Actor: "U1", Action: "check", ConversationID: 1, SKU: "A"}
	seedVersion(t, path, 8, func(tx *bolt.Tx) {
		data, err := json.Marshal(rec)
		require.NoError(t, err)
		require.NoError(t, tx.Bucket(bucketAudit).Put(auditKey(rec), data))
		require.NoError(t, tx.Bucket(bucketAudit).SetSequence(1))
		require.NoError(t, tx.Bucket(bucketAuditByConv).Put(append(u64(1), auditKey(rec)...), []byte{}))
		require.NoError(t, tx.Bucket(bucketAuditBySKU).Put(append([]byte("A\x00"), auditKey(rec)...), []byte{}))
	})

	db := mustOpenPath(t, path, Options{})
	assertVersion(t, db, SchemaVersion)
	require.NoError(t, db.bolt.View(func(tx *bolt.Tx) error {
		assert.Nil(t, tx.Bucket(bucketAuditByConv), "the index by conversation is gone")
		return nil
	}))
	ctx := context.Background()
	got, err := db.AuditBySKU(ctx, "A")
	require.NoError(t, err)
	assert.Equal(t, []AuditRecord{rec}, got, "the trail and its SKU index are kept")

	// Audit writes no longer need the dropped bucket.
	next, err := db.AppendAudit(ctx, AuditRecord{At: t0.Add(time.Second), Actor: "U1", Action: "check",
		ConversationID: 1, SKU: "A"})
	require.NoError(t, err)
	assert.Equal(t, []AuditRecord{rec, next}, auditOfConversation(t, db, 1))
}
