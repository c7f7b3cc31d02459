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

func TestPrune(t *testing.T) {
	ctx := context.Background()
	now := t0
	day := 24 * time.Hour
	// A batch of 2 makes every bucket take several transactions.
	db := mustOpen(t, Options{PruneBatch: 2, Now: func() time.Time { return now }})

	old, young := now.Add(-91*day), now.Add(-89*day)
	var oldConv, youngConv []Conversation
	for i := range 3 {
		c, err := db.CreateConversation(ctx, Conversation{Kind: "check", Channel: "C1",
			CardTS: "old." + string(rune('0'+i)), CreatedAt: old})
		require.NoError(t, err)
		oldConv = append(oldConv, c)
		c, err = db.CreateConversation(ctx, Conversation{Kind: "check", Channel: "C1",
			CardTS: "young." + string(rune('0'+i)), CreatedAt: young})
		require.NoError(t, err)
		youngConv = append(youngConv, c)
	}
	_, err := db.CreateActions(ctx,
		Action{ID: "old", CreatedAt: old, ExpiresAt: old.Add(time.Hour)},
		Action{ID: "young", CreatedAt: young, ExpiresAt: young.Add(time.Hour)},
		Action{ID: "old-long-lived", CreatedAt: old, ExpiresAt: now},
	)
	require.NoError(t, err)
	for sku, at := range map[string]time.Time{"OLD": old, "YOUNG": young} {
		require.NoError(t, db.PutSnapshot(ctx, Snapshot{ProductStoreID: "S", SKU: sku,
			Report: json.RawMessage(`{}`), At: at}))
	}
	var keptAudit []AuditRecord
	for _, at := range []time.Time{now.Add(-400 * day), now.Add(-366 * day), now.Add(-364 * day), now} {
		rec, err := db.AppendAudit(ctx, AuditRecord{At: at, Actor: "U1", Action: "check", ConversationID: 1,
			SKU: "A"})
		require.NoError(t, err)
		if at.After(now.Add(-365 * day)) {
			keptAudit = append(keptAudit, rec)
		}
	}

	for key, at := range map[string]time.Time{"old": old, "young": young} {
		require.NoError(t, db.PutModal(ctx, Modal{ExternalID: key, User: "U1", ActionID: "a", OpenedAt: at}))
		require.NoError(t, db.update(ctx, "seed effect", func(tx *bolt.Tx) error {
			return put(tx.Bucket(bucketEffects), []byte("run/"+key), Effect{Key: "run/" + key, ActionID: key, At: at, Result: "ok", DoneAt: at})
		}))
	}

	st, err := db.Prune(ctx, now)
	require.NoError(t, err)
	assert.Equal(t, PruneStats{Conversations: 3, Actions: 1, Snapshots: 1, Audit: 2, Effects: 1, Modals: 1}, st)
	_, err = db.Modal(ctx, "young")
	assert.NoError(t, err)
	_, err = db.Effect(ctx, "run/young")
	assert.NoError(t, err)

	for _, c := range oldConv {
		_, err := db.Conversation(ctx, c.ID)
		assert.ErrorIs(t, err, ErrNotFound)
		_, err = db.ConversationByCard(ctx, c.Channel, c.CardTS)
		assert.ErrorIs(t, err, ErrNotFound, "card index pruned with its conversation")
	}
	for _, c := range youngConv {
		got, err := db.ConversationByCard(ctx, c.Channel, c.CardTS)
		require.NoError(t, err)
		assert.Equal(t, c, got)
	}
	for id, want := range map[string]error{"old": ErrNotFound, "young": nil, "old-long-lived": nil} {
		_, err := db.Action(ctx, id)
		if want == nil {
			assert.NoError(t, err, id)
		} else {
			assert.ErrorIs(t, err, want, id)
		}
	}
	_, err = db.Snapshot(ctx, "S", "OLD")
	assert.ErrorIs(t, err, ErrNotFound)
	_, err = db.Snapshot(ctx, "S", "YOUNG")
	assert.NoError(t, err)

	bySKU, err := db.AuditBySKU(ctx, "A")
	require.NoError(t, err)
	assert.Equal(t, keptAudit, bySKU)
	assert.Equal(t, keptAudit, auditOfConversation(t, db, 1))
	assertIndexSize(t, db, len(keptAudit))

	// A second run finds nothing more.
	st, err = db.Prune(ctx, now)
	require.NoError(t, err)
	assert.Equal(t, PruneStats{}, st)
}

func TestRunPrunerStopsWithContext(t *testing.T) {
	db := mustOpen(t, Options{})
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- db.RunPruner(ctx, time.Millisecond) }()
	cancel()
	require.NoError(t, <-done)
}

// assertIndexSize checks the audit index holds exactly n entries, none orphaned.
func assertIndexSize(t *testing.T, db *DB, n int) {
	t.Helper()
	err := db.bolt.View(func(tx *bolt.Tx) error {
		assert.Equal(t, n, tx.Bucket(bucketAuditBySKU).Stats().KeyN)
		return nil
	})
	require.NoError(t, err)
}
