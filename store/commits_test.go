package store

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	bolt "go.etcd.io/bbolt"
)

func TestCommitsCountsWriteTransactions(t *testing.T) {
	ctx := context.Background()
	db := mustOpen(t, Options{})
	assert.Zero(t, db.Commits(), "opening commits nothing that counts")
	c, err := db.CreateConversation(ctx, Conversation{Kind: "check"})
	require.NoError(t, err)
	_, err = db.Conversation(ctx, c.ID)
	require.NoError(t, err)
	assert.Equal(t, uint64(1), db.Commits(), "reads do not count")

	_, err = db.UpdateConversation(ctx, c.ID, func(*Conversation) error { return ErrInvalid })
	require.ErrorIs(t, err, ErrInvalid)
	assert.Equal(t, uint64(1), db.Commits(), "a rolled-back update does not count")

	_, err = db.AppendAudit(ctx, AuditRecord{Actor: "U1", Action: "check"})
	require.NoError(t, err)
	assert.Equal(t, uint64(2), db.Commits())

	// Calls that bbolt's Batch runs in one transaction count once.
	require.NoError(t, db.bolt.Update(func(tx *bolt.Tx) error {
		db.commits.watch(tx)
		db.commits.watch(tx)
		return nil
	}))
	assert.Equal(t, uint64(3), db.Commits())
}
