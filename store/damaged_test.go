package store

import (
	"bytes"
	"context"
	"errors"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strconv"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	bolt "go.etcd.io/bbolt"
)

// seeded is the file seedFile copies: 300 conversations written one commit each, made once per run.
var seeded struct {
	once    sync.Once
	content []byte
	err     error
}

// seedFile writes a store holding enough records to span many pages and returns its path and bytes.
func seedFile(t *testing.T) (string, []byte) {
	t.Helper()
	seeded.once.Do(func() { seeded.content, seeded.err = writeSeed() })
	require.NoError(t, seeded.err)
	path := filepath.Join(t.TempDir(), "preorderbot.db")
	require.NoError(t, os.WriteFile(path, seeded.content, 0o600))
	return path, bytes.Clone(seeded.content)
}

func writeSeed() ([]byte, error) {
	dir, err := os.MkdirTemp("", "seed")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(dir)
	path := filepath.Join(dir, "preorderbot.db")
	db, err := Open(path, Options{})
	if err != nil {
		return nil, err
	}
	ctx := context.Background()
	for i := range 300 {
		if _, err := db.CreateConversation(ctx, Conversation{Kind: "check", Channel: "C1", SKUs: []string{"SKU"},
			CardTS: "1700000000." + strconv.Itoa(i)}); err != nil {
			db.Close()
			return nil, err
		}
	}
	if err := db.Close(); err != nil {
		return nil, err
	}
	return os.ReadFile(path)
}

// openDamaged writes content to a fresh file and opens it; the file is never left open.
func openDamaged(t *testing.T, content []byte, opts Options) error {
	t.Helper()
	path := filepath.Join(t.TempDir(), "damaged.db")
	require.NoError(t, os.WriteFile(path, content, 0o600))
	db, err := Open(path, opts)
	if err != nil {
		return err
	}
	defer db.Close()
	if err := db.Check(context.Background()); err != nil {
		return err
	}
	// A file that passes the check must also read: every conversation decodes or is reported corrupt.
	for id := uint64(1); id <= 300; id++ {
		_, err := db.Conversation(context.Background(), id)
		if err != nil && !errors.Is(err, ErrCorrupt) && !errors.Is(err, ErrNotFound) {
			return err
		}
	}
	return nil
}

func TestTruncatedFileIsRefusedNotMapped(t *testing.T) {
	t.Parallel()
	_, good := seedFile(t)
	require.Greater(t, len(good), 8*pageSize, "the seed spans many pages")
	m, err := newestMeta(bytes.NewReader(good), int64(len(good)))
	require.NoError(t, err)
	used := int(m.pgid) * pageSize // bbolt grows files ahead of use: cutting beyond this loses nothing
	for _, size := range []int{100, pageSize, 2*pageSize + 10, used / 2, used - pageSize, used - 1} {
		err := openDamaged(t, good[:size], Options{})
		require.ErrorIs(t, err, ErrDamaged, "size %d", size)
		assert.Contains(t, err.Error(), "truncated", "size %d", size)
		assert.Contains(t, err.Error(), "not a preorderbot database or corrupted")
	}
	err = openDamaged(t, good[:40], Options{ReadOnly: true})
	require.ErrorIs(t, err, ErrDamaged, "too short for a meta page")
}

func TestGarbageFileIsRefused(t *testing.T) {
	t.Parallel()
	rng := rand.New(rand.NewPCG(1, 2))
	noise := make([]byte, 64*1024)
	for i := range noise {
		noise[i] = byte(rng.UintN(256))
	}
	for name, content := range map[string][]byte{
		"random bytes": noise,
		"a text file":  []byte("SLACK_BOT_TOKEN=xoxb-not-a-database\n"),
		"zeros":        make([]byte, 32*1024),
	} {
		t.Run(name, func(t *testing.T) {
			err := openDamaged(t, content, Options{})
			require.ErrorIs(t, err, ErrDamaged)
			assert.Contains(t, err.Error(), "no valid bbolt meta page")
		})
	}
}

// A byte flipped in any page header (its id, type or count) never crashes the process: bbolt's panics
// become ErrDamaged at open, at the consistency check, or when the page is read.
func TestFlippedByteInAPageIsAnError(t *testing.T) {
	t.Parallel()
	_, good := seedFile(t)
	damaged := 0
	for page := 2; page < len(good)/pageSize; page++ {
		for _, off := range []int{0, 8, 10} { // page id, flags, element count
			content := append([]byte(nil), good...)
			content[page*pageSize+off] ^= 0x5a
			err := openDamaged(t, content, Options{})
			if err != nil {
				require.ErrorIs(t, err, ErrDamaged, "page %d offset %d", page, off)
				damaged++
			}
		}
	}
	assert.Positive(t, damaged, "flipped page headers are found")
}

func TestImpossibleSchemaVersion(t *testing.T) {
	t.Parallel()
	for name, tc := range map[string]struct {
		value   []byte
		want    error
		message string
	}{
		"absurd":       {u64(1 << 60), ErrDamaged, "not a preorderbot database or corrupted"},
		"wrong length": {[]byte{1, 2, 3}, ErrDamaged, "not a preorderbot database or corrupted"},
		"newer":        {u64(SchemaVersion + 1), ErrSchema, "written by a newer preorderbot"},
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			path, _ := seedFile(t)
			bdb, err := bolt.Open(path, 0o600, nil)
			require.NoError(t, err)
			require.NoError(t, bdb.Update(func(tx *bolt.Tx) error {
				return tx.Bucket(bucketMeta).Put(keySchemaVersion, tc.value)
			}))
			require.NoError(t, bdb.Close())
			_, err = Open(path, Options{})
			require.ErrorIs(t, err, tc.want)
			assert.Contains(t, err.Error(), tc.message)
			if tc.want == ErrDamaged {
				assert.NotContains(t, err.Error(), "newer")
			}
		})
	}
}

// damagedButOpenable returns a file that opens but fails the consistency check: a leaf page's header
// says it is a branch page.
func damagedButOpenable(t *testing.T) []byte {
	t.Helper()
	_, good := seedFile(t)
	for page := 2; page < len(good)/pageSize; page++ {
		content := append([]byte(nil), good...)
		content[page*pageSize+8] ^= 0x5a
		path := filepath.Join(t.TempDir(), "probe.db")
		require.NoError(t, os.WriteFile(path, content, 0o600))
		db, err := Open(path, Options{ReadOnly: true})
		if err != nil {
			continue
		}
		checkErr := db.Check(context.Background())
		require.NoError(t, db.Close())
		if checkErr != nil {
			return content
		}
	}
	t.Fatal("no page whose damage passes Open")
	return nil
}

func TestCheckFindsADamagedPage(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "damaged.db")
	require.NoError(t, os.WriteFile(path, damagedButOpenable(t), 0o600))
	for _, readOnly := range []bool{true, false} {
		db, err := Open(path, Options{ReadOnly: readOnly})
		if err != nil {
			require.ErrorIs(t, err, ErrDamaged, "read-only %v", readOnly)
			continue
		}
		err = db.Check(context.Background())
		require.NoError(t, db.Close())
		require.ErrorIs(t, err, ErrDamaged, "read-only %v", readOnly)
	}
}

// The check holds off writers, so it never mistakes their work for damage.
func TestCheckWhileWriting(t *testing.T) {
	ctx := context.Background()
	db := mustOpen(t, Options{})
	var wg sync.WaitGroup
	wg.Go(func() {
		for range 50 {
			_, err := db.CreateConversation(ctx, Conversation{Kind: "check", Channel: "C1"})
			assert.NoError(t, err)
		}
	})
	for range 20 {
		require.NoError(t, db.Check(ctx))
	}
	wg.Wait()
}
