package store

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestBackupWhileWriting(t *testing.T) {
	ctx := context.Background()
	db := mustOpen(t, Options{})
	var want []Conversation
	for range 50 {
		c, err := db.CreateConversation(ctx, Conversation{Kind: "check", Channel: "C1"})
		require.NoError(t, err)
		want = append(want, c)
	}

	// Writers carry on during the backup; the copy holds at least everything committed before it.
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		for range 20 {
			_, err := db.AppendAudit(ctx, AuditRecord{Actor: "U1", Action: "check"})
			assert.NoError(t, err)
		}
	}()
	var buf bytes.Buffer
	n, err := db.Backup(ctx, &buf)
	wg.Wait()
	require.NoError(t, err)
	assert.Equal(t, int64(buf.Len()), n)

	path := filepath.Join(t.TempDir(), "copy.db")
	require.NoError(t, os.WriteFile(path, buf.Bytes(), 0o600))
	copyDB := mustOpenPath(t, path, Options{})
	for _, c := range want {
		got, err := copyDB.Conversation(ctx, c.ID)
		require.NoError(t, err)
		assert.Equal(t, c, got)
	}
}

func TestBackupStopsWithContext(t *testing.T) {
	db := mustOpen(t, Options{})
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err := db.Backup(ctx, &bytes.Buffer{})
	require.ErrorIs(t, err, context.Canceled)
}
