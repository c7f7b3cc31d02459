package store_test

import (
	"context"
	"errors"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/preorderbot/preorderbot/store"
)

// TestSweepLock: one sweep per store; the same request claiming again (replayed after a crash) gets its
// lock back instead of a refusal; a lock whose sweep stopped beating lapses; a finished one frees the store.
func TestSweepLock(t *testing.T) {
	ctx := context.Background()
	db, err := store.Open(filepath.Join(t.TempDir(), "db"), store.Options{})
	require.NoError(t, err)
	defer db.Close()
	t0 := time.Date(2026, 12, 3, 7, 0, 0, 0, time.UTC)
	key := store.SweepLockKey("STORE")
	const stale = 3 * time.Minute

	got, again, err := db.ClaimSweep(ctx, store.SweepLock{Key: key, Request: "env-1", By: "U1", At: t0}, t0, stale)
	require.NoError(t, err)
	assert.False(t, again)
	require.NoError(t, db.UpdateSweep(ctx, key, "env-1", func(l *store.SweepLock) { l.ConversationID = 42 }))

	_, _, err = db.ClaimSweep(ctx, store.SweepLock{Key: key, Request: "env-2", By: "U2", At: t0.Add(time.Minute)}, t0.Add(time.Minute), stale)
	var busy *store.SweepBusyError
	require.True(t, errors.As(err, &busy), "%v", err)
	assert.Equal(t, "U1", busy.Lock.By)
	assert.True(t, errors.Is(err, store.ErrSweepBusy))

	got, again, err = db.ClaimSweep(ctx, store.SweepLock{Key: key, Request: "env-1", By: "U1", At: t0.Add(2 * time.Minute)}, t0.Add(2*time.Minute), stale)
	require.NoError(t, err, "a replayed request is not refused by its own lock")
	assert.True(t, again)
	assert.Equal(t, uint64(42), got.ConversationID)
	assert.Equal(t, t0, got.At)

	// Another store is not concerned.
	_, _, err = db.ClaimSweep(ctx, store.SweepLock{Key: store.SweepLockKey("OUTLET"), Request: "env-3", At: t0}, t0, stale)
	require.NoError(t, err)

	// A heartbeat keeps it; without one it lapses and is taken over.
	require.NoError(t, db.UpdateSweep(ctx, key, "env-1", func(l *store.SweepLock) { l.Beat = t0.Add(2 * time.Minute) }))
	_, _, err = db.ClaimSweep(ctx, store.SweepLock{Key: key, Request: "env-4", At: t0.Add(4 * time.Minute)}, t0.Add(4*time.Minute), stale)
	require.ErrorIs(t, err, store.ErrSweepBusy)
	got, again, err = db.ClaimSweep(ctx, store.SweepLock{Key: key, Request: "env-4", By: "U4", At: t0.Add(6 * time.Minute)}, t0.Add(6*time.Minute), stale)
	require.NoError(t, err, "a crashed sweep's lock does not outlive it")
	assert.False(t, again)
	assert.Equal(t, "U4", got.By)

	// The lapsed owner's late writes change nothing.
	require.NoError(t, db.UpdateSweep(ctx, key, "env-1", func(l *store.SweepLock) { l.DoneAt = t0 }))
	_, _, err = db.ClaimSweep(ctx, store.SweepLock{Key: key, Request: "env-5", At: t0.Add(7 * time.Minute)}, t0.Add(7*time.Minute), stale)
	require.ErrorIs(t, err, store.ErrSweepBusy)

	require.NoError(t, db.UpdateSweep(ctx, key, "env-4", func(l *store.SweepLock) { l.DoneAt = t0.Add(8 * time.Minute) }))
	_, _, err = db.ClaimSweep(ctx, store.SweepLock{Key: key, Request: "env-5", At: t0.Add(8 * time.Minute)}, t0.Add(8*time.Minute), stale)
	require.NoError(t, err, "a finished sweep frees the store")

	locks, err := db.SweepLocks(ctx)
	require.NoError(t, err)
	assert.Len(t, locks, 2)

	// Locks are pruned with the effect claims, by their start.
	_, err = db.Prune(ctx, t0.Add(200*24*time.Hour))
	require.NoError(t, err)
	locks, err = db.SweepLocks(ctx)
	require.NoError(t, err)
	assert.Empty(t, locks)
}
