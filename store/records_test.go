package store

import (
	"context"
	"encoding/json"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestSnapshot(t *testing.T) {
	ctx := context.Background()
	db := mustOpen(t, Options{})
	_, err := db.Snapshot(ctx, "STORE", "A")
	require.ErrorIs(t, err, ErrNotFound)

	for _, s := range []Snapshot{
		{ProductStoreID: "STORE", SKU: "A", Report: json.RawMessage(`{"v":1}`), At: t0},
		{ProductStoreID: "STORE", SKU: "A", Report: json.RawMessage(`{"v":2}`)},
	} {
		require.NoError(t, db.PutSnapshot(ctx, s))
	}
	got, err := db.Snapshot(ctx, "STORE", "A")
	require.NoError(t, err)
	assert.Equal(t, Snapshot{ProductStoreID: "STORE", SKU: "A", Report: json.RawMessage(`{"v":2}`), At: t0}, got)
	require.ErrorIs(t, db.PutSnapshot(ctx, Snapshot{ProductStoreID: "STORE"}), ErrInvalid)
}

func TestEscalationFoundByFingerprint(t *testing.T) {
	ctx := context.Background()
	db := mustOpen(t, Options{})
	fp := Fingerprint{ProductStoreID: "STORE", SKU: "A", Cause: "job-failing"}
	first := Escalation{Fingerprint: fp, Channel: "CSUP", ThreadTS: "5.5", OpenedBy: "U1", OpenedAt: t0,
		Status: "open", WebhookPending: true}

	got, created, err := db.OpenEscalation(ctx, first)
	require.NoError(t, err)
	assert.True(t, created)
	assert.Equal(t, first, got)

	second := Escalation{Fingerprint: fp, OpenedBy: "U2", OpenedAt: t0.Add(time.Hour), Status: "open"}
	got, created, err = db.OpenEscalation(ctx, second)
	require.NoError(t, err)
	assert.False(t, created, "the second escalation finds the first thread")
	assert.Equal(t, first, got)

	other := Escalation{Fingerprint: Fingerprint{ProductStoreID: "STORE", SKU: "A", Cause: "not-preorder"},
		Channel: "CSUP", ThreadTS: "6.6", Status: "open"}
	require.NoError(t, db.PutEscalation(ctx, other))

	pending, err := db.PendingEscalations(ctx)
	require.NoError(t, err)
	assert.Equal(t, []Escalation{first}, pending)

	first.WebhookPending, first.Attempts = false, 1
	require.NoError(t, db.PutEscalation(ctx, first))
	pending, err = db.PendingEscalations(ctx)
	require.NoError(t, err)
	assert.Empty(t, pending)
	got, err = db.Escalation(ctx, fp)
	require.NoError(t, err)
	assert.Equal(t, first, got)

	_, err = db.Escalation(ctx, Fingerprint{ProductStoreID: "STORE", SKU: "B", Cause: "job-failing"})
	require.ErrorIs(t, err, ErrNotFound)
	require.ErrorIs(t, db.PutEscalation(ctx, Escalation{}), ErrInvalid)
}

func TestWatchesSurviveRestart(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "preorderbot.db")
	db, err := Open(path, Options{})
	require.NoError(t, err)
	watches := []Watch{
		{JobID: "J1", ConversationID: 1, JobEnumID: "JOB_A", ShopID: "SHOP1", SKU: "A", StartedAt: t0,
			Deadline: t0.Add(time.Hour)},
		{JobID: "J2", ConversationID: 2, JobEnumID: "JOB_B", StartedAt: t0, Deadline: t0.Add(time.Hour),
			Attempts: 3},
		{JobID: "J3", ConversationID: 2, JobEnumID: "JOB_C", StartedAt: t0, Deadline: t0.Add(time.Hour)},
	}
	for _, w := range watches {
		require.NoError(t, db.PutWatch(ctx, w))
	}
	require.NoError(t, db.DeleteWatch(ctx, "J2"))
	require.NoError(t, db.DeleteWatch(ctx, "J-absent"))
	require.NoError(t, db.Close())

	db = mustOpenPath(t, path, Options{})
	got, err := db.Watches(ctx)
	require.NoError(t, err)
	assert.Equal(t, []Watch{watches[0], watches[2]}, got)
	require.ErrorIs(t, db.PutWatch(ctx, Watch{}), ErrInvalid)
}
