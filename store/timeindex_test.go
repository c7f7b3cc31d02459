package store

import (
	"bytes"
	"context"
	"encoding/json"
	"log/slog"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	bolt "go.etcd.io/bbolt"
)

// timeIndex lists the time index as "kind key @ time → value".
func timeIndex(t *testing.T, db *DB) []string {
	t.Helper()
	var out []string
	require.NoError(t, db.bolt.View(func(tx *bolt.Tx) error {
		return tx.Bucket(bucketByTime).ForEach(func(k, v []byte) error {
			out = append(out, string(k[8])+" "+printableKey(k[9:])+" @ "+keyTime(k).Format(time.RFC3339)+
				" → "+string(v))
			return nil
		})
	}))
	return out
}

func TestTimeIndexFollowsEveryWrite(t *testing.T) {
	ctx := context.Background()
	now := t0
	db := mustOpen(t, Options{Now: func() time.Time { return now }})

	c, err := db.CreateConversation(ctx, Conversation{Kind: "check", Channel: "C1", CardTS: "1.1"})
	require.NoError(t, err)
	now = t0.Add(time.Minute)
	_, err = db.UpdateConversation(ctx, c.ID, func(c *Conversation) error { c.CardTS = "2.2"; return nil })
	require.NoError(t, err)
	now = t0.Add(2 * time.Minute)
	_, err = db.UpdateConversation(ctx, c.ID, func(c *Conversation) error { c.Status = StatusDone; return nil })
	require.NoError(t, err)

	_, err = db.CreateActions(ctx,
		Action{ID: "short", ConversationID: c.ID, CreatedAt: t0, ExpiresAt: t0.Add(time.Hour)},
		Action{ID: "forever", CreatedAt: t0})
	require.NoError(t, err)
	_, _, err = db.ClaimActionOn(ctx, "short", "U1", now, nil, keepConversation)
	require.NoError(t, err)

	require.NoError(t, db.PutSnapshot(ctx, Snapshot{ProductStoreID: "S", SKU: "A", Report: json.RawMessage(`{}`), At: t0}))
	require.NoError(t, db.PutSnapshot(ctx, Snapshot{ProductStoreID: "S", SKU: "A", Report: json.RawMessage(`{}`),
		At: t0.Add(3 * time.Minute)}))
	// A snapshot replaced while unreadable leaves no stale entry behind either.
	require.NoError(t, db.PutSnapshot(ctx, Snapshot{ProductStoreID: "S", SKU: "B", Report: json.RawMessage(`{}`), At: t0}))
	require.NoError(t, db.bolt.Update(func(tx *bolt.Tx) error {
		return tx.Bucket(bucketSnapshots).Put([]byte("S/B"), []byte("{broken"))
	}))
	require.NoError(t, db.PutSnapshot(ctx, Snapshot{ProductStoreID: "S", SKU: "B", Report: json.RawMessage(`{}`),
		At: t0.Add(4 * time.Minute)}))

	assert.Equal(t, []string{
		"a forever @ 2026-03-01T12:00:00Z → ",
		"c 0x0000000000000001 @ 2026-03-01T12:02:00Z → C1/2.2",
		"s S/A @ 2026-03-01T12:03:00Z → ",
		"s S/B @ 2026-03-01T12:04:00Z → ",
		"a short @ 2026-03-01T13:00:00Z → ",
	}, timeIndex(t, db))
}

// Prune finds expired records through the time index alone: it never reads a value, so records it keeps
// are not even decoded (an unreadable one raises no complaint), and it stops at the first young entry.
func TestPruneReadsNoValues(t *testing.T) {
	ctx := context.Background()
	var logs bytes.Buffer
	db := mustOpen(t, Options{Retention: time.Hour, PruneBatch: 2, Logger: slog.New(slog.NewTextHandler(&logs, nil))})
	var old []Conversation
	for i := range 5 {
		c, err := db.CreateConversation(ctx, Conversation{Kind: "check", Channel: "C1",
			CardTS: "old." + string(rune('0'+i)), CreatedAt: t0})
		require.NoError(t, err)
		old = append(old, c)
	}
	young, err := db.CreateConversation(ctx, Conversation{Kind: "check", Channel: "C1", CardTS: "young",
		CreatedAt: t0.Add(2 * time.Hour)})
	require.NoError(t, err)
	require.NoError(t, db.bolt.Update(func(tx *bolt.Tx) error {
		return tx.Bucket(bucketConversations).Put(u64(young.ID), []byte("{unreadable"))
	}))

	st, err := db.Prune(ctx, t0.Add(90*time.Minute))
	require.NoError(t, err)
	assert.Equal(t, 5, st.Conversations)
	assert.NotContains(t, logs.String(), "unreadable", "nothing young was decoded")
	for _, c := range old {
		_, err := db.ConversationByCard(ctx, c.Channel, c.CardTS)
		assert.ErrorIs(t, err, ErrNotFound)
	}
	_, err = db.Conversation(ctx, young.ID)
	assert.ErrorIs(t, err, ErrCorrupt, "kept")
	assert.Len(t, timeIndex(t, db), 1)
}
