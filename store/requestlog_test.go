package store

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	bolt "go.etcd.io/bbolt"
)

// A group of requests is one commit, and the log keeps the journal's promises across reopenings.
func TestJournalGroupCommit(t *testing.T) {
	path := filepath.Join(t.TempDir(), "j.log")
	open := func() *Journal {
		j, err := OpenJournal(path, Options{Now: func() time.Time { return t0 }})
		require.NoError(t, err)
		return j
	}
	ctx := context.Background()
	j := open()
	var wg sync.WaitGroup
	for i := range 20 {
		wg.Go(func() {
			_, err := j.JournalRequests(ctx, []JournaledRequest{{ID: "e" + string(rune('a'+i)), At: t0, Payload: json.RawMessage(`{"n":1}`)}}, nil)
			assert.NoError(t, err)
		})
	}
	wg.Wait()
	before := j.Commits()
	fresh, err := j.JournalRequests(ctx, []JournaledRequest{{ID: "x", At: t0}, {ID: "y", At: t0}, {ID: "x", At: t0}, {ID: "eb", At: t0}}, []string{"ea", "absent"})
	require.NoError(t, err)
	assert.Equal(t, map[string]bool{"x": true, "y": true}, fresh, "the second x and eb are redeliveries")
	assert.Equal(t, before+1, j.Commits(), "one commit for the group, removals included")
	_, err = j.JournalRequests(ctx, []JournaledRequest{{ID: "z", At: t0}, {ID: ""}}, []string{"eb"})
	assert.ErrorIs(t, err, ErrInvalid, "an id is required")
	require.NoError(t, j.Close())

	j = open()
	defer j.Close()
	got, err := j.PendingRequests(ctx)
	require.NoError(t, err)
	require.Len(t, got, 21, "the journal survives a restart; a refused batch wrote nothing")
	assert.Equal(t, "eb", got[0].ID, "in id order")
	assert.JSONEq(t, `{"n":1}`, string(got[0].Payload))
	fresh, err = j.JournalRequests(ctx, []JournaledRequest{{ID: "ea", At: t0}, {ID: "z", At: t0}}, nil)
	require.NoError(t, err)
	assert.Equal(t, map[string]bool{"z": true}, fresh, "ea was seen, even once removed, across a restart")
}

// journalAt opens a log journal at path with a small preallocation step, so tests can fill it.
func journalAt(t *testing.T, path string, now time.Time) *Journal {
	t.Helper()
	j, err := openJournal(path, Options{Now: func() time.Time { return now }}, 4096)
	require.NoError(t, err)
	return j
}

func pendingIDs(t *testing.T, j *Journal) []string {
	t.Helper()
	got, err := j.PendingRequests(context.Background())
	require.NoError(t, err)
	ids := []string{}
	for _, r := range got {
		ids = append(ids, r.ID)
	}
	return ids
}

func journal1(t *testing.T, j *Journal, id string, done ...string) {
	t.Helper()
	_, err := j.JournalRequests(context.Background(), []JournaledRequest{{ID: id, At: t0, Payload: json.RawMessage(`{"text":"check HW-JACKET-M"}`)}}, done)
	require.NoError(t, err)
}

// A crash in the middle of a group's write leaves part of its last frame: recovery keeps exactly the
// whole frames, whether the file was cut there or the rest of the frame is the zeros preallocated.
func TestJournalTornTail(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	path := filepath.Join(dir, "j.log")
	j := journalAt(t, path, t0)
	journal1(t, j, "a")
	journal1(t, j, "b")
	start := j.end
	journal1(t, j, "c", "a")
	end := j.end
	require.NoError(t, j.Close())
	whole, err := os.ReadFile(path)
	require.NoError(t, err)

	doneEnd := start + frameHeader + 2 // the group's first frame removes a
	for cut := start; cut <= end; cut++ {
		want := []string{"a", "b"}
		switch {
		case cut == end:
			want = []string{"b", "c"}
		case cut >= doneEnd:
			want = []string{"b"}
		}
		for name, torn := range map[string][]byte{
			"cut":    whole[:cut],
			"zeroed": append(append([]byte{}, whole[:cut]...), make([]byte, int64(len(whole))-cut)...),
		} {
			p := filepath.Join(dir, fmt.Sprintf("%s-%d.log", name, cut))
			require.NoError(t, os.WriteFile(p, torn, 0o600))
			j := journalAt(t, p, t0)
			assert.Equal(t, want, pendingIDs(t, j), "%s at %d of the last frame's %d..%d", name, cut, start, end)
			// The recovered log takes new groups and keeps them.
			journal1(t, j, "d")
			require.NoError(t, j.Close())
			j = journalAt(t, p, t0)
			assert.Equal(t, append(want, "d"), pendingIDs(t, j), "%s at %d, then one more group", name, cut)
			require.NoError(t, j.Close())
		}
	}
}

// A frame whose CRC does not match ends the log there, and so do the frames after it, whose CRCs chain
// from it.
func TestJournalCorruptedCRC(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "j.log")
	j := journalAt(t, path, t0)
	journal1(t, j, "a")
	second := j.end
	journal1(t, j, "b")
	third := j.end
	journal1(t, j, "c")
	require.NoError(t, j.Close())
	whole, err := os.ReadFile(path)
	require.NoError(t, err)

	for name, at := range map[string]int64{"payload": second + frameHeader + 3, "crc": second + 5, "length": second + 1} {
		bad := append([]byte{}, whole...)
		bad[at] ^= 0x40
		p := filepath.Join(dir, name+".log")
		require.NoError(t, os.WriteFile(p, bad, 0o600))
		j := journalAt(t, p, t0)
		assert.Equal(t, []string{"a"}, pendingIDs(t, j), "a flipped bit in the second frame's %s", name)
		require.NoError(t, j.Close())
	}

	// A frame left from an older write, whole and with a CRC valid for its old predecessor, is not
	// taken for a new one after a shorter frame replaced that predecessor.
	stale := append([]byte{}, whole[:second]...)
	other, _ := appendFrame(nil, crcAt(t, whole, second), []byte{recDone, 'a'})
	require.Less(t, len(other), int(third-second))
	stale = append(stale, other...)
	stale = append(stale, make([]byte, int(third-second)-len(other))...) // b's frame gone, c's left as it was
	stale = append(stale, whole[third:]...)
	p := filepath.Join(dir, "stale.log")
	require.NoError(t, os.WriteFile(p, stale, 0o600))
	j = journalAt(t, p, t0)
	assert.Equal(t, []string{}, pendingIDs(t, j), "c's frame chains from b's, not from the frame now before it")
	require.NoError(t, j.Close())

	require.NoError(t, os.WriteFile(p, []byte("not a journal at all"), 0o600))
	_, err = OpenJournal(p, Options{})
	assert.ErrorContains(t, err, "not a request journal")
}

// crcAt returns the CRC of the frame ending at off in a log's bytes.
func crcAt(t *testing.T, data []byte, off int64) uint32 {
	t.Helper()
	end, crc, err := readFrames(data[:off], func([]byte) error { return nil })
	require.NoError(t, err)
	require.Equal(t, off, end)
	return crc
}

// A full log is compacted: a new file with only what is pending and the ids seen, synced and renamed
// over the old one. A crash at any point before the rename leaves the old log whole.
func TestJournalCompaction(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "j.log")
	now := t0
	j := journalAt(t, path, now)
	journal1(t, j, "old")
	prev := ""
	for i := range 200 {
		id := fmt.Sprintf("r%03d", i)
		if prev != "" {
			journal1(t, j, id, prev)
		} else {
			journal1(t, j, id)
		}
		prev = id
	}
	st, err := os.Stat(path)
	require.NoError(t, err)
	assert.LessOrEqual(t, st.Size(), int64(3*4096), "compacted as it filled (200 requests and removals take 20 KB): it holds what is pending and the ids seen, about 4 KB, with room for as much again")
	assert.Equal(t, []string{"old", "r199"}, pendingIDs(t, j))

	crashed := errors.New("crash before the rename")
	j.beforeRename = func() error { return crashed }
	j.end = j.size // the next group does not fit: it compacts
	_, err = j.JournalRequests(context.Background(), []JournaledRequest{{ID: "lost", At: t0}}, []string{"old"})
	assert.ErrorIs(t, err, crashed)
	_, err = os.Stat(path + ".tmp")
	require.NoError(t, err, "the new file was written, not renamed")
	require.NoError(t, j.Close())

	j = journalAt(t, path, t0.Add(30*time.Minute))
	assert.Equal(t, []string{"old", "r199"}, pendingIDs(t, j), "the old log is whole")
	_, err = os.Stat(path + ".tmp")
	assert.True(t, os.IsNotExist(err), "the unfinished compaction's file is removed")
	fresh, err := j.JournalRequests(context.Background(), []JournaledRequest{{ID: "r000", At: t0}, {ID: "lost", At: t0}}, nil)
	require.NoError(t, err)
	assert.Equal(t, map[string]bool{"lost": true}, fresh, "ids seen within the retention survive compaction")
	require.NoError(t, j.Close())

	j = journalAt(t, path, t0.Add(3*time.Hour))
	assert.Equal(t, []string{"lost", "old", "r199"}, pendingIDs(t, j), "pending requests are kept past the retention")
	fresh, err = j.JournalRequests(context.Background(), []JournaledRequest{{ID: "r000", At: t0}}, nil)
	require.NoError(t, err)
	assert.Equal(t, map[string]bool{"r000": true}, fresh, "ids past the retention are forgotten at compaction")
	require.NoError(t, j.Close())
}

// Earlier versions kept the journal in a bbolt file: its pending requests and envelope ids move into
// the log and the file goes.
func TestImportBoltJournal(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	old := filepath.Join(dir, "preorderbot.db.requests")
	// The old format, a store file of schema v10: pending requests by envelope id in "requests", every
	// envelope id seen (b was handled, so only its id remains) with its time in "envelopes".
	seedVersion(t, old, 10, func(tx *bolt.Tx) {
		require.NoError(t, put(tx.Bucket(bucketRequests), []byte("a"), JournaledRequest{ID: "a", At: t0, Payload: json.RawMessage(`{"n":1}`)}))
		seen := tx.Bucket(bucketEnvelopes)
		require.NoError(t, seen.Put([]byte("a"), timeKey(t0)))
		require.NoError(t, seen.Put([]byte("b"), timeKey(t0)))
	})

	path := filepath.Join(dir, "preorderbot.db.journal")
	j := journalAt(t, path, t0)
	require.NoError(t, j.ImportBoltJournal(ctx, old))
	_, err := os.Stat(old)
	assert.True(t, os.IsNotExist(err), "the bbolt journal is removed")
	require.NoError(t, j.Close())

	j = journalAt(t, path, t0)
	defer j.Close()
	got, err := j.PendingRequests(ctx)
	require.NoError(t, err)
	require.Len(t, got, 1)
	assert.Equal(t, "a", got[0].ID)
	assert.JSONEq(t, `{"n":1}`, string(got[0].Payload))
	fresh, err := j.JournalRequests(ctx, []JournaledRequest{{ID: "b", At: t0}, {ID: "c", At: t0}}, nil)
	require.NoError(t, err)
	assert.Equal(t, map[string]bool{"c": true}, fresh, "b's envelope id came along")
	require.NoError(t, j.ImportBoltJournal(ctx, old), "no bbolt journal: nothing to do")
}
