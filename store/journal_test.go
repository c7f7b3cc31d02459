package store

import (
	"context"
	"encoding/json"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	bolt "go.etcd.io/bbolt"
)

func TestRequestJournal(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "j.db")
	db := mustOpenPath(t, path, Options{})
	var wg sync.WaitGroup
	for i := range 20 {
		wg.Go(func() {
			assert.NoError(t, db.JournalRequests(ctx, []JournaledRequest{{ID: "e" + string(rune('a'+i)), At: t0, Payload: json.RawMessage(`{"n":1}`)}}))
		})
	}
	wg.Wait()
	require.NoError(t, db.DoneRequest(ctx, "ea"))
	require.NoError(t, db.DoneRequest(ctx, "absent"))
	require.NoError(t, db.Close())

	db = mustOpenPath(t, path, Options{})
	got, err := db.PendingRequests(ctx)
	require.NoError(t, err)
	require.Len(t, got, 19, "the journal survives a restart")
	assert.Equal(t, "eb", got[0].ID)
	assert.JSONEq(t, `{"n":1}`, string(got[0].Payload))

	st, err := db.Prune(ctx, t0.Add(2*time.Hour))
	require.NoError(t, err)
	assert.Equal(t, 19, st.Requests, "old journal entries are pruned with envelope ids")
}

func TestMigrateV3ToV4AddsRequestJournal(t *testing.T) {
	path := filepath.Join(t.TempDir(), "preorderbot.db")
	seedVersion(t, path, 3, func(tx *bolt.Tx) {
		assert.Nil(t, tx.Bucket(bucketRequests), "v3 had no request journal")
	})
	db := mustOpenPath(t, path, Options{})
	assertVersion(t, db, SchemaVersion)
	require.NoError(t, db.JournalRequests(context.Background(), []JournaledRequest{{ID: "e1", At: t0}}))
}

func TestJournalRequestsInOneTransaction(t *testing.T) {
	ctx := context.Background()
	db := mustOpen(t, Options{})
	require.NoError(t, db.JournalRequests(ctx, []JournaledRequest{{ID: "a", At: t0}, {ID: "b", At: t0}}))
	got, err := db.PendingRequests(ctx)
	require.NoError(t, err)
	require.Len(t, got, 2)
	assert.Error(t, db.JournalRequests(ctx, []JournaledRequest{{ID: "c"}, {ID: ""}}), "an id is required")
	got, err = db.PendingRequests(ctx)
	require.NoError(t, err)
	assert.Len(t, got, 2, "a refused batch writes nothing")
}

func TestJournalSkipsSeenRequests(t *testing.T) {
	ctx := context.Background()
	db := mustOpen(t, Options{})
	_, err := db.SeenEnvelope(ctx, "event:Ev1", t0)
	require.NoError(t, err)
	require.NoError(t, db.JournalRequests(ctx, []JournaledRequest{{ID: "event:Ev1", At: t0}, {ID: "event:Ev2", At: t0}}))
	got, err := db.PendingRequests(ctx)
	require.NoError(t, err)
	require.Len(t, got, 1, "a redelivery of a handled request is not journaled again")
	assert.Equal(t, "event:Ev2", got[0].ID)
}
