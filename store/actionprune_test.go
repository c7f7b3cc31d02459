package store

import (
	"bytes"
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	bolt "go.etcd.io/bbolt"
)

func TestPruneActionsByTheirKeys(t *testing.T) {
	ctx := context.Background()
	now := t0
	day := 24 * time.Hour
	// A batch of 2 makes the walk take several transactions.
	db := mustOpen(t, Options{PruneBatch: 2, Now: func() time.Time { return now }})
	old, young := now.Add(-91*day), now.Add(-89*day)

	acts, err := db.CreateActions(ctx,
		Action{Kind: "recheck", CreatedAt: old, ExpiresAt: old.Add(time.Hour)},
		Action{Kind: "recheck", CreatedAt: old},                                    // never expires: kept Retention after creation
		Action{Kind: "run-job", CreatedAt: old, ExpiresAt: now.Add(time.Hour)},     // a live button on an old card
		Action{Kind: "run-job", CreatedAt: old, ExpiresAt: old.Add(time.Hour)},     // claimed below, then expired
		Action{Kind: "recheck", CreatedAt: young, ExpiresAt: young.Add(time.Hour)}, // younger than the retention
		Action{ID: NewActionID(), Kind: "recheck", CreatedAt: old},                 // id made later than CreatedAt
		Action{ID: "legacy", Kind: "recheck", CreatedAt: old},                      // an id of the old kind
	)
	require.NoError(t, err)
	expired, forever, live, claimed, youngAct, lateID, legacy := acts[0], acts[1], acts[2], acts[3], acts[4], acts[5], acts[6]
	_, _, err = db.ClaimActionOn(ctx, claimed.ID, "U1", old.Add(time.Minute), nil, keepConversation)
	require.ErrorIs(t, err, ErrNotFound, "no conversation 0: the claim aborts")
	require.NoError(t, db.update(ctx, "seed claim", func(tx *bolt.Tx) error {
		c := claimed
		c.UsedBy, c.UsedAt = "U1", old.Add(time.Minute)
		return putAction(tx, c)
	}))
	// Only the id of the old kind has a time index entry.
	assert.Equal(t, []string{"a legacy @ 2025-11-30T12:00:00Z → "}, timeIndex(t, db))

	st, err := db.Prune(ctx, now)
	require.NoError(t, err)
	assert.Equal(t, 4, st.Actions)
	for _, a := range []Action{expired, forever, claimed, legacy} {
		_, err := db.Action(ctx, a.ID)
		assert.ErrorIs(t, err, ErrNotFound, "%s created %s, expiring %s", a.ID, a.CreatedAt, a.ExpiresAt)
	}
	for _, a := range []Action{live, youngAct, lateID} {
		got, err := db.Action(ctx, a.ID)
		require.NoError(t, err, "%s created %s, expiring %s", a.ID, a.CreatedAt, a.ExpiresAt)
		assert.Equal(t, a, got)
	}

	// The button that was still live works exactly once.
	conv, err := db.CreateConversation(ctx, Conversation{Kind: "check"})
	require.NoError(t, err)
	require.NoError(t, db.update(ctx, "point at conversation", func(tx *bolt.Tx) error {
		a := live
		a.ConversationID = conv.ID
		return putAction(tx, a)
	}))
	_, _, err = db.ClaimActionOn(ctx, live.ID, "U2", now, nil, keepConversation)
	require.NoError(t, err)
	_, _, err = db.ClaimActionOn(ctx, live.ID, "U3", now, nil, keepConversation)
	require.ErrorIs(t, err, ErrActionUsed)

	st, err = db.Prune(ctx, now)
	require.NoError(t, err)
	assert.Zero(t, st.Actions, "a second pass finds nothing more")
	st, err = db.Prune(ctx, now.Add(90*day+2*time.Hour))
	require.NoError(t, err)
	assert.Equal(t, 2, st.Actions, "the live button goes a retention after it expired, with the young one")
	_, err = db.Action(ctx, lateID.ID)
	assert.NoError(t, err, "an id made after CreatedAt waits for its own time")
}

func TestPruneKeepsAnUnreadableTimeKeyedAction(t *testing.T) {
	ctx := context.Background()
	db := mustOpen(t, Options{})
	id := newActionID(t0.Add(-100 * 24 * time.Hour))
	require.NoError(t, db.update(ctx, "seed", func(tx *bolt.Tx) error {
		return tx.Bucket(bucketActions).Put([]byte(id), []byte{actionTag, 1, 2})
	}))
	st, err := db.Prune(ctx, t0)
	require.NoError(t, err)
	assert.Zero(t, st.Actions)
	_, err = db.Action(ctx, id)
	assert.ErrorIs(t, err, ErrCorrupt)
}

func TestActionIsStoredWithoutItsID(t *testing.T) {
	ctx := context.Background()
	db := mustOpen(t, Options{})
	acts, err := db.CreateActions(ctx, Action{Kind: "recheck", ConversationID: 7, CreatedBy: "U1",
		ExpiresAt: t0.Add(time.Hour)})
	require.NoError(t, err)
	require.NoError(t, db.bolt.View(func(tx *bolt.Tx) error {
		v := tx.Bucket(bucketActions).Get([]byte(acts[0].ID))
		assert.False(t, bytes.Contains(v, []byte(acts[0].ID)), "the key is the id")
		at, ok := storedActionTime(v)
		assert.True(t, ok && at.Equal(t0.Add(time.Hour)), "retention starts at expiry: %s", at)
		return nil
	}))
}
