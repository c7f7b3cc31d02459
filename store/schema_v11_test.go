package store

import (
	"context"
	"encoding/json"
	"maps"
	"path/filepath"
	"slices"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	bolt "go.etcd.io/bbolt"
)

// The v11 step drops the envelope ids and the bbolt request journal, as a file written through the older
// API holds them (testdata/schema-v9.db, see schema_v10_test.go), and leaves every other record byte for
// byte as it was.
func TestMigrateToV11DropsEnvelopesAndRequests(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "preorderbot.db")
	copyFile(t, "testdata/schema-v9.db", path)
	// What SeenEnvelope and the bbolt journal wrote.
	seed(t, path, func(tx *bolt.Tx) error {
		envelopes, requests := tx.Bucket(bucketEnvelopes), tx.Bucket(bucketRequests)
		require.NotNil(t, envelopes)
		require.NotNil(t, requests)
		require.NoError(t, envelopes.Put([]byte("env-1"), timeKey(t0)))
		return put(requests, []byte("env-1"), JournaledRequest{ID: "env-1", At: t0, Payload: json.RawMessage(`{"n":1}`)})
	})
	before := fileContents(t, path)
	require.Contains(t, before, string(bucketEnvelopes))
	require.Contains(t, before, string(bucketRequests))

	db := mustOpenPath(t, path, Options{})
	assertVersion(t, db, SchemaVersion)
	require.NoError(t, db.Check(ctx))
	require.NoError(t, db.Close())

	after := fileContents(t, path)
	assert.NotContains(t, slices.Collect(maps.Keys(after)), string(bucketEnvelopes))
	assert.NotContains(t, slices.Collect(maps.Keys(after)), string(bucketRequests))
	delete(before, string(bucketEnvelopes))
	delete(before, string(bucketRequests))
	delete(before[string(bucketMeta)], string(keySchemaVersion))
	delete(after[string(bucketMeta)], string(keySchemaVersion))
	assert.Equal(t, before, after, "every other record is as it was")
	assert.NotEmpty(t, after[string(bucketConversations)])
	assert.NotEmpty(t, after[string(bucketActions)])

	// And the store reads it: the young conversation by its card, a live button.
	db = mustOpenPath(t, path, Options{})
	young, err := db.ConversationByCard(ctx, "C1", "2.2")
	require.NoError(t, err)
	assert.Equal(t, uint64(2), young.ID)
	_, err = db.Action(ctx, v9LiveAction)
	require.NoError(t, err)
}

// fileContents is every top-level bucket of a closed store file, key by key.
func fileContents(t *testing.T, path string) map[string]map[string]string {
	t.Helper()
	out := map[string]map[string]string{}
	seed(t, path, func(tx *bolt.Tx) error {
		return tx.ForEach(func(name []byte, b *bolt.Bucket) error {
			records := map[string]string{}
			out[string(name)] = records
			return b.ForEach(func(k, v []byte) error {
				records[string(k)] = string(v)
				return nil
			})
		})
	})
	return out
}
