package store

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

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
