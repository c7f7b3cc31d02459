package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/preorderbot/preorderbot/store"
)

// seedStore creates a state file holding one conversation and returns its path and the conversation.
func seedStore(t *testing.T) (string, store.Conversation) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "state.db")
	db, err := store.Open(path, store.Options{})
	require.NoError(t, err)
	c, err := db.CreateConversation(context.Background(), store.Conversation{Kind: "check",
		SKUs: []string{"SKU-1"}, CreatedAt: time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)})
	require.NoError(t, err)
	require.NoError(t, db.Close())
	return path, c
}

func TestRunBackup(t *testing.T) {
	path, conv := seedStore(t)
	held, _ := seedStore(t)
	tests := []struct {
		name       string
		args       []string
		dbPath     string
		hold       bool
		wantCode   int
		wantStderr string
		wantCopy   bool
	}{
		{name: "copies the file", args: []string{"--out", "OUT"}, dbPath: path, wantCode: 0, wantCopy: true},
		{name: "help", args: []string{"-h"}, dbPath: path, wantCode: 0, wantStderr: "Usage: preorderbot backup"},
		{name: "out is required", args: nil, dbPath: path, wantCode: 2, wantStderr: "Usage: preorderbot backup"},
		{name: "missing state file", args: []string{"--out", "OUT"}, dbPath: filepath.Join(t.TempDir(), "no.db"),
			wantCode: 1, wantStderr: "no such file"},
		{name: "bot running", args: []string{"--out", "OUT"}, dbPath: held, hold: true, wantCode: 1,
			wantStderr: "another preorderbot is probably running"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out := filepath.Join(t.TempDir(), "backup.db")
			for i, a := range tt.args {
				if a == "OUT" {
					tt.args[i] = out
				}
			}
			if tt.hold {
				db, err := store.Open(tt.dbPath, store.Options{})
				require.NoError(t, err)
				t.Cleanup(func() { _ = db.Close() })
			}
			getenv := func(k string) string {
				if k == "PREORDERBOT_DB_PATH" {
					return tt.dbPath
				}
				return ""
			}
			var stdout, stderr bytes.Buffer
			code := runBackup(context.Background(), tt.args, getenv, &stdout, &stderr)
			assert.Equal(t, tt.wantCode, code, stderr.String())
			assert.Contains(t, stderr.String(), tt.wantStderr)
			if !tt.wantCopy {
				assert.NoFileExists(t, out)
				return
			}
			assert.Contains(t, stdout.String(), "backed up")
			db, err := store.Open(out, store.Options{ReadOnly: true})
			require.NoError(t, err)
			defer db.Close()
			got, err := db.Conversation(context.Background(), conv.ID)
			require.NoError(t, err)
			assert.Equal(t, conv, got)
			entries, err := os.ReadDir(filepath.Dir(out))
			require.NoError(t, err)
			assert.Len(t, entries, 1, "no temporary file left behind")
		})
	}
}

func TestRunBackupDefaultPath(t *testing.T) {
	var stdout, stderr bytes.Buffer
	dir := t.TempDir()
	t.Chdir(dir)
	code := runBackup(context.Background(), []string{"--out", "-"}, func(string) string { return "" }, &stdout,
		&stderr)
	assert.Equal(t, 1, code)
	assert.Contains(t, stderr.String(), "preorderbot.db")
}
