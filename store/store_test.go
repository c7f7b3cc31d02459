package store

import (
	"context"
	"errors"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	bolt "go.etcd.io/bbolt"
	berrors "go.etcd.io/bbolt/errors"
)

// t0 is a fixed clock for tests.
var t0 = time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)

// mustOpen opens a store on a fresh file; at cleanup it checks bbolt's consistency and closes it.
func mustOpen(tb testing.TB, opts Options) *DB {
	tb.Helper()
	return mustOpenPath(tb, filepath.Join(tb.TempDir(), "preorderbot.db"), opts)
}

// mustOpenPath opens path like mustOpen.
func mustOpenPath(tb testing.TB, path string, opts Options) *DB {
	tb.Helper()
	if opts.Now == nil {
		opts.Now = func() time.Time { return t0 }
	}
	db, err := Open(path, opts)
	require.NoError(tb, err)
	tb.Cleanup(func() {
		mustCheck(tb, db)
		_ = db.Close() // closing twice (after a test's own Close) is harmless
	})
	return db
}

// mustCheck runs bbolt's page-level consistency check on an open store (a closed one is skipped).
func mustCheck(tb testing.TB, db *DB) {
	tb.Helper()
	err := db.bolt.View(func(tx *bolt.Tx) error {
		var errs []error
		for err := range tx.Check() {
			errs = append(errs, err)
		}
		return errors.Join(errs...)
	})
	if errors.Is(err, berrors.ErrDatabaseNotOpen) {
		return
	}
	require.NoError(tb, err, "bbolt consistency check")
}

// mustCheckFile opens path read-only and runs the consistency check.
func mustCheckFile(tb testing.TB, path string) {
	tb.Helper()
	db, err := Open(path, Options{ReadOnly: true})
	require.NoError(tb, err)
	defer db.Close()
	mustCheck(tb, db)
}

func TestOpenCreatesEveryBucket(t *testing.T) {
	db := mustOpen(t, Options{})
	err := db.bolt.View(func(tx *bolt.Tx) error {
		v, err := UnsafeSchemaVersion(tx)
		require.NoError(t, err)
		assert.Equal(t, SchemaVersion, v)
		for _, name := range [][]byte{bucketMeta, bucketConversations, bucketCards, bucketActions, bucketAudit,
			bucketAuditBySKU, bucketSnapshots, bucketEscalations, bucketWatches, bucketBusy, bucketEffects,
			bucketModals, bucketByTime} {
			assert.NotNil(t, tx.Bucket(name), "bucket %s", name)
		}
		return nil
	})
	require.NoError(t, err)
}

func TestOpenReopenKeepsData(t *testing.T) {
	path := filepath.Join(t.TempDir(), "preorderbot.db")
	ctx := context.Background()
	db, err := Open(path, Options{})
	require.NoError(t, err)
	c, err := db.CreateConversation(ctx, Conversation{Kind: "check", SKUs: []string{"SKU-1"}, CreatedAt: t0})
	require.NoError(t, err)
	require.NoError(t, db.Close())

	db = mustOpenPath(t, path, Options{})
	got, err := db.Conversation(ctx, c.ID)
	require.NoError(t, err)
	assert.Equal(t, c, got)
}

func TestOpenHeldFileFailsWithinTimeout(t *testing.T) {
	path := filepath.Join(t.TempDir(), "preorderbot.db")
	mustOpenPath(t, path, Options{})

	_, err := Open(path, Options{LockTimeout: 100 * time.Millisecond})
	require.ErrorIs(t, err, ErrLocked)
	assert.NotErrorIs(t, err, berrors.ErrTimeout, "bbolt's error must not leak")
	assert.Contains(t, err.Error(), path)
	assert.Contains(t, err.Error(), "another preorderbot is probably running")
}

func TestOpenRefusesNewerSchema(t *testing.T) {
	path := filepath.Join(t.TempDir(), "preorderbot.db")
	seed(t, path, func(tx *bolt.Tx) error {
		meta, err := tx.CreateBucket(bucketMeta)
		require.NoError(t, err)
		return meta.Put(keySchemaVersion, u64(SchemaVersion+1))
	})
	_, err := Open(path, Options{})
	require.ErrorIs(t, err, ErrSchema)
	mustCheckFile(t, path)
}

func TestClosedStoreReturnsErrClosed(t *testing.T) {
	db := mustOpen(t, Options{})
	require.NoError(t, db.Close())
	ctx := context.Background()
	_, err := db.Conversation(ctx, 1)
	require.ErrorIs(t, err, ErrClosed)
	assert.NotErrorIs(t, err, berrors.ErrDatabaseNotOpen)
	_, err = db.AppendAudit(ctx, AuditRecord{Actor: "U1"})
	require.ErrorIs(t, err, ErrClosed)
}

func TestCanceledContextStopsBeforeTheTransaction(t *testing.T) {
	db := mustOpen(t, Options{})
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err := db.CreateConversation(ctx, Conversation{Kind: "check"})
	require.ErrorIs(t, err, context.Canceled)
	_, err = db.Conversation(context.Background(), 1)
	require.ErrorIs(t, err, ErrNotFound, "nothing was written")
}

// seed writes a raw bbolt file with fn, standing for a file left by an older binary.
func seed(tb testing.TB, path string, fn func(tx *bolt.Tx) error) {
	tb.Helper()
	bdb, err := bolt.Open(path, 0o600, &bolt.Options{Timeout: time.Second})
	require.NoError(tb, err)
	require.NoError(tb, bdb.Update(fn))
	require.NoError(tb, bdb.Close())
}
