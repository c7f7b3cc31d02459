package main

import (
	"bytes"
	"context"
	"encoding/binary"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/preorderbot/preorderbot/store"
)

// damageStore returns a copy of a seeded state file with one page header's flags flipped: it opens, but
// fails the consistency check.
func damageStore(t *testing.T) string {
	t.Helper()
	path, _ := seedStore(t)
	good, err := os.ReadFile(path)
	require.NoError(t, err)
	pageSize := filePageSize(good)
	for page := 2; page < len(good)/pageSize; page++ {
		content := append([]byte(nil), good...)
		content[page*pageSize+8] ^= 0x5a
		damaged := filepath.Join(t.TempDir(), "damaged.db")
		require.NoError(t, os.WriteFile(damaged, content, 0o600))
		db, err := store.Open(damaged, store.Options{ReadOnly: true})
		if err != nil {
			continue
		}
		checkErr := db.Check(context.Background())
		require.NoError(t, db.Close())
		if checkErr != nil {
			return damaged
		}
	}
	t.Fatal("no damaged page that still opens")
	return ""
}

// truncateStore returns a copy of a seeded state file cut after its first page.
func truncateStore(t *testing.T) string {
	t.Helper()
	path, _ := seedStore(t)
	good, err := os.ReadFile(path)
	require.NoError(t, err)
	cut := filepath.Join(t.TempDir(), "truncated.db")
	require.NoError(t, os.WriteFile(cut, good[:filePageSize(good)], 0o600))
	return cut
}

// filePageSize reads a bbolt file's page size from its first meta page (after the 16-byte page header,
// the 4-byte magic and the 4-byte version).
func filePageSize(file []byte) int {
	return int(binary.LittleEndian.Uint32(file[24:28]))
}

func TestServeRefusesADamagedStateFile(t *testing.T) {
	for name, path := range map[string]string{
		"truncated":   truncateStore(t),
		"bad page":    damageStore(t),
		"not bbolt":   writeTemp(t, "PREORDERBOT_DB_PATH=./preorderbot.db\n"),
		"half a page": writeTemp(t, string(make([]byte, 2000))),
	} {
		t.Run(name, func(t *testing.T) {
			env := validEnv()
			env["PREORDERBOT_DB_PATH"] = path
			env["PREORDERBOT_HTTP_ADDR"], env["PREORDERBOT_ADMIN_ADDR"] = freeAddr(t), freeAddr(t)
			setEnv(t, env)
			var stderr bytes.Buffer
			code := run(context.Background(), []string{"serve"}, os.Getenv, io.Discard, &stderr)
			assert.Equal(t, 2, code, stderr.String())
			assert.Contains(t, stderr.String(), "not a preorderbot database or corrupted")
			assert.Contains(t, stderr.String(), path)
		})
	}
}

func TestBackupRefusesADamagedStateFile(t *testing.T) {
	for name, path := range map[string]string{"truncated": truncateStore(t), "bad page": damageStore(t)} {
		t.Run(name, func(t *testing.T) {
			out := filepath.Join(t.TempDir(), "backup.db")
			var stdout, stderr bytes.Buffer
			code := runBackup(context.Background(), []string{"--out", out}, func(k string) string {
				if k == "PREORDERBOT_DB_PATH" {
					return path
				}
				return ""
			}, &stdout, &stderr)
			assert.Equal(t, 1, code)
			assert.Contains(t, stderr.String(), "not a preorderbot database or corrupted")
			assert.NoFileExists(t, out)
			entries, err := os.ReadDir(filepath.Dir(out))
			require.NoError(t, err)
			assert.Empty(t, entries, "no temporary file left behind")
		})
	}
}

func writeTemp(t *testing.T, content string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "state.db")
	require.NoError(t, os.WriteFile(path, []byte(content), 0o600))
	return path
}

// The online backup answers 500 with the reason instead of streaming a damaged file.
func TestOnlineBackupRefusesADamagedStateFile(t *testing.T) {
	db, err := store.Open(damageStore(t), store.Options{ReadOnly: true})
	require.NoError(t, err)
	defer db.Close()
	srv := httptest.NewServer((&opsServer{db: db}).adminHandler(""))
	defer srv.Close()
	resp, err := http.Get(srv.URL + "/backup")
	require.NoError(t, err)
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	assert.Equal(t, http.StatusInternalServerError, resp.StatusCode)
	assert.Contains(t, string(body), "backup refused: ")
	assert.Contains(t, string(body), "not a preorderbot database or corrupted")
	assert.Empty(t, resp.Header.Get("Content-Disposition"), "no file offered")
}
