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
			_, err := db.JournalRequests(ctx, []JournaledRequest{{ID: "e" + string(rune('a'+i)), At: t0, Payload: json.RawMessage(`{"n":1}`)}}, nil)
			assert.NoError(t, err)
		})
	}
	wg.Wait()
	fresh, err := db.JournalRequests(ctx, nil, []string{"ea", "absent"})
	require.NoError(t, err)
	assert.Empty(t, fresh)
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
	_, err := db.JournalRequests(context.Background(), []JournaledRequest{{ID: "e1", At: t0}}, nil)
	require.NoError(t, err)
}

func TestJournalRequestsInOneTransaction(t *testing.T) {
	ctx := context.Background()
	db := mustOpen(t, Options{})
	before := db.Commits()
	fresh, err := db.JournalRequests(ctx, []JournaledRequest{{ID: "a", At: t0}, {ID: "b", At: t0}, {ID: "a", At: t0}}, nil)
	require.NoError(t, err)
	assert.Equal(t, map[string]bool{"a": true, "b": true}, fresh, "the second a is a redelivery")
	got, err := db.PendingRequests(ctx)
	require.NoError(t, err)
	require.Len(t, got, 2)
	_, err = db.JournalRequests(ctx, []JournaledRequest{{ID: "c"}, {ID: ""}}, []string{"a"})
	assert.Error(t, err, "an id is required")
	got, err = db.PendingRequests(ctx)
	require.NoError(t, err)
	assert.Len(t, got, 2, "a refused batch writes nothing, removals included")
	fresh, err = db.JournalRequests(ctx, []JournaledRequest{{ID: "c", At: t0}, {ID: "b", At: t0}}, []string{"a", "b"})
	require.NoError(t, err)
	assert.Equal(t, map[string]bool{"c": true}, fresh, "b was seen, even once removed")
	got, err = db.PendingRequests(ctx)
	require.NoError(t, err)
	require.Len(t, got, 1)
	assert.Equal(t, "c", got[0].ID)
	assert.Equal(t, before+2, db.Commits(), "one commit per group, removals included")
}

func TestJournalSkipsSeenRequests(t *testing.T) {
	ctx := context.Background()
	db := mustOpen(t, Options{})
	_, err := db.SeenEnvelope(ctx, "event:Ev1", t0)
	require.NoError(t, err)
	fresh, err := db.JournalRequests(ctx, []JournaledRequest{{ID: "event:Ev1", At: t0}, {ID: "event:Ev2", At: t0}}, nil)
	require.NoError(t, err)
	assert.Equal(t, map[string]bool{"event:Ev2": true}, fresh)
	got, err := db.PendingRequests(ctx)
	require.NoError(t, err)
	require.Len(t, got, 1, "a redelivery of a handled request is not journaled again")
	assert.Equal(t, "event:Ev2", got[0].ID)
}

func TestConversationsOpenedBy(t *testing.T) {
	ctx := context.Background()
	db := mustOpen(t, Options{})
	for i, req := range []string{"old", "r1", "", "r2"} {
		at := t0.Add(time.Duration(i) * time.Minute)
		if req == "old" {
			at = t0.Add(-time.Hour)
		}
		_, err := db.CreateConversation(ctx, Conversation{Kind: "check", Request: req, CreatedAt: at})
		require.NoError(t, err)
	}
	got, err := db.ConversationsOpenedBy(ctx, []string{"old", "r2", "r9"}, t0)
	require.NoError(t, err)
	require.Len(t, got, 1, "older than since is not looked at; r9 opened none")
	assert.Equal(t, uint64(4), got["r2"].ID)
	got, err = db.ConversationsOpenedBy(ctx, []string{"old", "r1"}, t0.Add(-2*time.Hour))
	require.NoError(t, err)
	assert.Len(t, got, 2)
}
