package store

import (
	"context"
	"encoding/json"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	bolt "go.etcd.io/bbolt"
)

// storedSnapshot returns the raw value of a snapshot.
func storedSnapshot(t *testing.T, db *DB, storeID, sku string) []byte {
	t.Helper()
	var v []byte
	require.NoError(t, db.bolt.View(func(tx *bolt.Tx) error {
		v = append([]byte(nil), tx.Bucket(bucketSnapshots).Get(snapshotKey(storeID, sku))...)
		return nil
	}))
	return v
}

// keepCheck stores reports as a check does: on the conversation and as the SKUs' snapshots, in one Writes.
func keepCheck(t *testing.T, db *DB, convID uint64, at time.Time, reports ...json.RawMessage) {
	t.Helper()
	all, err := json.Marshal(reports)
	require.NoError(t, err)
	require.NoError(t, db.Write(context.Background(), "keep", func(w *Writes) error {
		if _, err := w.UpdateConversation(convID, func(c *Conversation) error {
			c.LastReport, c.UpdatedAt = all, at
			return nil
		}); err != nil {
			return err
		}
		for _, r := range reports {
			var sku struct{ SKU string }
			require.NoError(t, json.Unmarshal(r, &sku))
			if err := w.PutSnapshot(Snapshot{ProductStoreID: "S", SKU: sku.SKU, Report: r, At: at}); err != nil {
				return err
			}
		}
		return nil
	}))
}

func TestSnapshotRefersToTheConversationsReport(t *testing.T) {
	ctx := context.Background()
	db := mustOpen(t, Options{})
	conv, err := db.CreateConversation(ctx, Conversation{Kind: "check", Channel: "C1", CardTS: "1.1"})
	require.NoError(t, err)
	// Hostile text: JSON escapes it, and the conversation stores it escaped.
	a := json.RawMessage(`{"sku":"A","summary":"<b>&amp; \"quoted\" ünïcode \u2028</b>","checks":[1,2,3]}`)
	b := largeReport("B")[1 : len(largeReport("B"))-1] // one report, not an array
	keepCheck(t, db, conv.ID, t0, a, b)

	for sku, want := range map[string]json.RawMessage{"A": a, "B": b} {
		v := storedSnapshot(t, db, "S", sku)
		assert.Equal(t, snapshotRefTag, v[0], "%s refers to the conversation", sku)
		assert.Less(t, len(v), 40, "%s stores no second copy", sku)
		got, err := db.Snapshot(ctx, "S", sku)
		require.NoError(t, err)
		assert.JSONEq(t, string(want), string(got.Report))
		assert.Equal(t, Snapshot{ProductStoreID: "S", SKU: sku, Report: got.Report, At: t0}, got)
	}
	assert.Equal(t, []string{
		"c 0x0000000000000001 @ 2026-03-01T12:00:00Z → C1/1.1",
		"s S/A @ 2026-03-01T12:00:00Z → ",
		"s S/B @ 2026-03-01T12:00:00Z → ",
	}, timeIndex(t, db))

	// A snapshot written on its own keeps its report.
	c := json.RawMessage(`{"sku":"C","status":"pass"}`)
	require.NoError(t, db.PutSnapshot(ctx, Snapshot{ProductStoreID: "S", SKU: "C", Report: c, At: t0}))
	assert.NotEqual(t, snapshotRefTag, storedSnapshot(t, db, "S", "C")[0])
	got, err := db.Snapshot(ctx, "S", "C")
	require.NoError(t, err)
	assert.JSONEq(t, string(c), string(got.Report))

	// A later check replaces the reference and its time index entry.
	later := t0.Add(time.Hour)
	a2 := json.RawMessage(`{"sku":"A","status":"fail"}`)
	keepCheck(t, db, conv.ID, later, a2)
	got, err = db.Snapshot(ctx, "S", "A")
	require.NoError(t, err)
	assert.JSONEq(t, string(a2), string(got.Report))
	assert.Equal(t, later, got.At)
	// B's conversation now holds another report: its snapshot is gone, not wrong.
	_, err = db.Snapshot(ctx, "S", "B")
	assert.ErrorIs(t, err, ErrNotFound)
	assert.Equal(t, []string{
		"s S/B @ 2026-03-01T12:00:00Z → ",
		"s S/C @ 2026-03-01T12:00:00Z → ",
		"c 0x0000000000000001 @ 2026-03-01T13:00:00Z → C1/1.1",
		"s S/A @ 2026-03-01T13:00:00Z → ",
	}, timeIndex(t, db))

	// Pruning the conversation takes the report; the snapshot goes at the same time.
	st, err := db.Prune(ctx, later.Add(DefaultRetention+time.Second))
	require.NoError(t, err)
	assert.Equal(t, 1, st.Conversations)
	assert.Equal(t, 3, st.Snapshots)
	_, err = db.Snapshot(ctx, "S", "A")
	assert.ErrorIs(t, err, ErrNotFound)
}

func TestSnapshotOfAPrunedConversationIsNotFound(t *testing.T) {
	ctx := context.Background()
	db := mustOpen(t, Options{})
	conv, err := db.CreateConversation(ctx, Conversation{Kind: "check"})
	require.NoError(t, err)
	keepCheck(t, db, conv.ID, t0, json.RawMessage(`{"sku":"A"}`))
	require.NoError(t, db.update(ctx, "lose conversation", func(tx *bolt.Tx) error {
		return tx.Bucket(bucketConversations).Delete(u64(conv.ID))
	}))
	_, err = db.Snapshot(ctx, "S", "A")
	assert.ErrorIs(t, err, ErrNotFound)
}

func TestDamagedSnapshotReference(t *testing.T) {
	ctx := context.Background()
	db := mustOpen(t, Options{})
	require.NoError(t, db.update(ctx, "seed", func(tx *bolt.Tx) error {
		return tx.Bucket(bucketSnapshots).Put(snapshotKey("S", "A"), []byte{snapshotRefTag, 1, 2, 3})
	}))
	_, err := db.Snapshot(ctx, "S", "A")
	assert.ErrorIs(t, err, ErrCorrupt)
	// Replacing it works, and leaves one time index entry.
	require.NoError(t, db.PutSnapshot(ctx, Snapshot{ProductStoreID: "S", SKU: "A", Report: json.RawMessage(`{}`)}))
	assert.Equal(t, []string{"s S/A @ 2026-03-01T12:00:00Z → "}, timeIndex(t, db))
}

func TestPruneKeepsASnapshotReplacedMeanwhile(t *testing.T) {
	ctx := context.Background()
	db := mustOpen(t, Options{PruneBatch: 1})
	old := t0.Add(-100 * 24 * time.Hour)
	for _, sku := range []string{"C", "A", "B"} {
		require.NoError(t, db.PutSnapshot(ctx, Snapshot{ProductStoreID: "S", SKU: sku, Report: json.RawMessage(`{}`), At: old}))
	}
	entries, err := db.expiredSnapshots(ctx, t0.Add(-DefaultRetention))
	require.NoError(t, err)
	require.Len(t, entries, 3)
	// A check of B lands between finding the expired snapshots and deleting them.
	require.NoError(t, db.PutSnapshot(ctx, Snapshot{ProductStoreID: "S", SKU: "B", Report: json.RawMessage(`{"new":1}`), At: t0}))
	n, err := db.deleteSnapshots(ctx, entries)
	require.NoError(t, err)
	assert.Equal(t, 2, n)
	got, err := db.Snapshot(ctx, "S", "B")
	require.NoError(t, err)
	assert.JSONEq(t, `{"new":1}`, string(got.Report))
	assert.Equal(t, []string{"s S/B @ 2026-03-01T12:00:00Z → "}, timeIndex(t, db))
}
