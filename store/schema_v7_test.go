package store

import (
	"bytes"
	"context"
	"encoding/json"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	bolt "go.etcd.io/bbolt"
)

func TestMigrateV6ToV7IndexesByTimeAndCompresses(t *testing.T) {
	path := filepath.Join(t.TempDir(), "preorderbot.db")
	ctx := context.Background()
	day := 24 * time.Hour
	// v6 wrote plain JSON and had no time index; one conversation has become unreadable.
	oldConv := Conversation{ID: 1, Kind: "check", Channel: "C1", CardTS: "1.1", Status: StatusDone,
		LastReport: largeReport("A"), CreatedAt: t0.Add(-100 * day), UpdatedAt: t0.Add(-95 * day)}
	youngConv := Conversation{ID: 2, Kind: "check", Channel: "C1", CardTS: "2.2", Status: StatusDone,
		LastReport: largeReport("B"), CreatedAt: t0, UpdatedAt: t0}
	oldAction := Action{ID: "old", Kind: "run-job", CreatedAt: t0.Add(-95 * day), ExpiresAt: t0.Add(-94 * day)}
	youngAction := Action{ID: "young", Kind: "run-job", CreatedAt: t0.Add(-95 * day), ExpiresAt: t0}
	oldSnap := Snapshot{ProductStoreID: "S", SKU: "A", Report: largeReport("A"), At: t0.Add(-95 * day)}
	youngSnap := Snapshot{ProductStoreID: "S", SKU: "B", Report: largeReport("B"), At: t0}
	seedVersion(t, path, 6, func(tx *bolt.Tx) {
		putJSON := func(name, key []byte, v any) {
			data, err := json.Marshal(v)
			require.NoError(t, err)
			require.NoError(t, tx.Bucket(name).Put(key, data))
		}
		putJSON(bucketConversations, u64(1), oldConv)
		putJSON(bucketConversations, u64(2), youngConv)
		require.NoError(t, tx.Bucket(bucketConversations).Put(u64(3), []byte(`{"id":"x"}`)))
		require.NoError(t, tx.Bucket(bucketConversations).SetSequence(3))
		require.NoError(t, tx.Bucket(bucketCards).Put(cardKey("C1", "1.1"), u64(1)))
		require.NoError(t, tx.Bucket(bucketCards).Put(cardKey("C1", "2.2"), u64(2)))
		putJSON(bucketActions, []byte("old"), oldAction)
		putJSON(bucketActions, []byte("young"), youngAction)
		putJSON(bucketSnapshots, snapshotKey("S", "A"), oldSnap)
		putJSON(bucketSnapshots, snapshotKey("S", "B"), youngSnap)
		assert.Nil(t, tx.Bucket(bucketByTime), "v6 had no time index")
	})

	db := mustOpenPath(t, path, Options{})
	assertVersion(t, db, SchemaVersion)
	assert.Equal(t, []string{
		"c 0x0000000000000001 @ 2025-11-26T12:00:00Z → C1/1.1",
		"s S/A @ 2025-11-26T12:00:00Z → ",
		"a old @ 2025-11-27T12:00:00Z → ",
		"a young @ 2026-03-01T12:00:00Z → ",
		"c 0x0000000000000002 @ 2026-03-01T12:00:00Z → C1/2.2",
		"s S/B @ 2026-03-01T12:00:00Z → ",
	}, timeIndex(t, db))
	require.NoError(t, db.bolt.View(func(tx *bolt.Tx) error {
		assert.True(t, bytes.HasPrefix(tx.Bucket(bucketConversations).Get(u64(2)), zstdMagic), "rewritten compressed")
		assert.True(t, bytes.HasPrefix(tx.Bucket(bucketSnapshots).Get(snapshotKey("S", "B")), zstdMagic))
		return nil
	}))
	got, err := db.Conversation(ctx, 2)
	require.NoError(t, err)
	assert.Equal(t, youngConv.CardTS, got.CardTS)
	assert.JSONEq(t, string(youngConv.LastReport), string(got.LastReport))
	snap, err := db.Snapshot(ctx, "S", "B")
	require.NoError(t, err)
	assert.JSONEq(t, string(youngSnap.Report), string(snap.Report))

	st, err := db.Prune(ctx, t0)
	require.NoError(t, err)
	assert.Equal(t, PruneStats{Conversations: 1, Actions: 1, Snapshots: 1}, st)
	_, err = db.ConversationByCard(ctx, "C1", "1.1")
	assert.ErrorIs(t, err, ErrNotFound, "the card index goes with its conversation")
	_, err = db.ConversationByCard(ctx, "C1", "2.2")
	assert.NoError(t, err)
	_, err = db.Conversation(ctx, 3)
	assert.ErrorIs(t, err, ErrCorrupt, "an unreadable record has no time and is kept")
	_, err = db.Action(ctx, "young")
	assert.NoError(t, err)
}
