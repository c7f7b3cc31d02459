package store

import (
	"context"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"maps"
	"os"
	"slices"
	"sync"
	"time"
)

// Journal is the request journal as an append-only log in front of the store (a database's write-ahead
// log): a group commit is one write and one fdatasync, where a bbolt commit is two (its pages, then its
// meta page). It holds the requests acknowledged and not yet handled and the envelope ids seen within
// Options.EnvelopeRetention; both live in memory and are rebuilt from the log at open. The log is
// rewritten with only that state (compaction) at open and whenever it fills its preallocated space.
//
// Only one process may open a journal: serve opens it after the store, whose file lock keeps a second
// process out.
type Journal struct {
	path      string
	retention time.Duration
	now       func() time.Time
	log       *slog.Logger
	chunk     int64 // the log grows by this much at a compaction

	mu      sync.Mutex
	f       *os.File
	size    int64  // preallocated size of the log file
	end     int64  // offset after the last frame written
	crc     uint32 // CRC of the last frame written
	broken  bool   // a write or sync failed: the next commit rewrites the log from memory first
	pending map[string]JournaledRequest
	seen    map[string]time.Time // envelope ids with when they arrived
	commits uint64

	beforeRename func() error // test hook: a compaction's last step before its rename
}

// logChunk is the log's preallocation step: about 4,000 requests of a kilobyte with their removals.
const logChunk = 4 << 20

// Record kinds: a request journaled (it carries its envelope id and arrival), a request done, an
// envelope id seen whose request is done (written by compaction only).
const (
	recRequest = 'r'
	recDone    = 'd'
	recSeen    = 's'
)

// OpenJournal opens or creates the journal's log at path, recovers what it holds up to the first torn
// or invalid frame, and compacts it.
func OpenJournal(path string, opts Options) (*Journal, error) {
	return openJournal(path, opts, logChunk)
}

func openJournal(path string, opts Options, chunk int64) (*Journal, error) {
	opts = opts.withDefaults()
	j := &Journal{path: path, retention: opts.EnvelopeRetention, now: opts.Now, log: opts.Logger, chunk: chunk,
		pending: map[string]JournaledRequest{}, seen: map[string]time.Time{}}
	// A compaction that crashed before its rename left its file behind; the log at path is whole.
	if err := os.Remove(path + ".tmp"); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("open journal %s: %w", path, err)
	}
	data, err := os.ReadFile(path)
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("open journal %s: %w", path, err)
	}
	end, _, err := readFrames(data, j.apply)
	if err != nil {
		return nil, fmt.Errorf("open journal %s: %w", path, err)
	}
	if tail := int64(len(data)) - end; tail > 0 && slices.ContainsFunc(data[end:], func(c byte) bool { return c != 0 }) {
		j.log.Warn("journal ends with a torn or invalid record; it was never acknowledged", "offset", end)
	}
	j.mu.Lock()
	defer j.mu.Unlock()
	if err := j.compact(nil); err != nil {
		return nil, fmt.Errorf("open journal %s: %w", path, err)
	}
	return j, nil
}

// apply replays one record into memory.
func (j *Journal) apply(payload []byte) error {
	body := payload[1:]
	switch payload[0] {
	case recRequest:
		var r JournaledRequest
		if err := json.Unmarshal(body, &r); err != nil || r.ID == "" {
			return fmt.Errorf("journal record: %w", ErrCorrupt)
		}
		j.pending[r.ID] = r
		j.seen[r.ID] = r.At
	case recDone:
		delete(j.pending, string(body))
	case recSeen:
		if len(body) < 8 {
			return fmt.Errorf("journal record: %w", ErrCorrupt)
		}
		j.seen[string(body[8:])] = time.Unix(0, int64(binary.LittleEndian.Uint64(body)))
	default:
		return fmt.Errorf("journal record kind %q: %w", payload[0], ErrCorrupt)
	}
	return nil
}

// JournalRequests is the journal's group commit: it records rs, in order, each with its envelope id,
// and removes the requests done, in one write and one fdatasync. Requests arriving together and the
// removals of requests handled since the last commit so share one sync. It returns the ids recorded
// now: the others were recorded before (a redelivery, or twice in rs) and must not be handled again.
// Removing an absent request is not an error; a batch with a request without id writes nothing.
func (j *Journal) JournalRequests(ctx context.Context, rs []JournaledRequest, done []string) (map[string]bool, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	for _, r := range rs {
		if r.ID == "" {
			return nil, fmt.Errorf("journal requests: request without id: %w", ErrInvalid)
		}
	}
	j.mu.Lock()
	defer j.mu.Unlock()
	if j.f == nil {
		return nil, fmt.Errorf("journal requests: %w", ErrClosed)
	}
	fresh := make(map[string]bool, len(rs))
	var frames [][]byte
	var removed []string
	for _, id := range done {
		if _, ok := j.pending[id]; ok && !slices.Contains(removed, id) {
			removed = append(removed, id)
			frames = append(frames, append([]byte{recDone}, id...))
		}
	}
	var added []JournaledRequest
	for _, r := range rs {
		if _, ok := j.seen[r.ID]; ok || fresh[r.ID] {
			continue
		}
		js, err := json.Marshal(r)
		if err != nil {
			return nil, fmt.Errorf("journal request %s: %w", r.ID, err)
		}
		frames = append(frames, append([]byte{recRequest}, js...))
		fresh[r.ID] = true
		added = append(added, r)
	}
	if len(frames) == 0 {
		return fresh, nil
	}
	if err := j.append(frames); err != nil {
		return nil, fmt.Errorf("journal requests: %w", err)
	}
	j.commits++
	for _, id := range removed {
		delete(j.pending, id)
	}
	for _, r := range added {
		j.pending[r.ID] = r
		j.seen[r.ID] = r.At
	}
	return fresh, nil
}

// append writes frames at the end of the log in one write and makes them durable with one fdatasync.
// When they do not fit in the space preallocated, or an earlier write failed, the log is compacted
// first, then they are written to the new file.
func (j *Journal) append(frames [][]byte) error {
	var buf []byte
	crc := j.crc
	for _, p := range frames {
		buf, crc = appendFrame(buf, crc, p)
	}
	if j.broken || j.end+int64(len(buf)) > j.size {
		if err := j.compact(frames); err != nil {
			return err
		}
		return nil
	}
	if _, err := j.f.WriteAt(buf, j.end); err != nil {
		j.broken = true
		return fmt.Errorf("write: %w", err)
	}
	// After a failed fdatasync the kernel may have dropped the pages; the log is rewritten from memory.
	if err := datasync(j.f); err != nil {
		j.broken = true
		return fmt.Errorf("sync: %w", err)
	}
	j.end, j.crc = j.end+int64(len(buf)), crc
	return nil
}

// compact writes a new log with the requests pending, the envelope ids seen within the retention and
// then extra, syncs it and renames it over the old one. Its size leaves room for at least as much again.
func (j *Journal) compact(extra [][]byte) error {
	cutoff := j.now().Add(-j.retention)
	for id, at := range j.seen {
		if _, ok := j.pending[id]; !ok && at.Before(cutoff) {
			delete(j.seen, id)
		}
	}
	var body []byte
	var crc uint32
	for _, id := range slices.Sorted(maps.Keys(j.pending)) {
		js, err := json.Marshal(j.pending[id])
		if err != nil {
			return fmt.Errorf("journal request %s: %w", id, err)
		}
		body, crc = appendFrame(body, crc, append([]byte{recRequest}, js...))
	}
	for id, at := range j.seen {
		if _, ok := j.pending[id]; ok {
			continue
		}
		rec := binary.LittleEndian.AppendUint64([]byte{recSeen}, uint64(at.UnixNano()))
		body, crc = appendFrame(body, crc, append(rec, id...))
	}
	for _, p := range extra {
		body, crc = appendFrame(body, crc, p)
	}
	end := int64(len(walMagic) + len(body))
	size := (2*end/j.chunk + 1) * j.chunk
	f, err := writeLogFile(j.path, body, size, j.beforeRename)
	if err != nil {
		return err
	}
	if j.f != nil {
		j.f.Close()
	}
	j.f, j.size, j.end, j.crc, j.broken = f, size, end, crc, false
	return nil
}

// PendingRequests lists the requests journaled and not done, in id order.
func (j *Journal) PendingRequests(ctx context.Context) ([]JournaledRequest, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	j.mu.Lock()
	defer j.mu.Unlock()
	out := make([]JournaledRequest, 0, len(j.pending))
	for _, id := range slices.Sorted(maps.Keys(j.pending)) {
		out = append(out, j.pending[id])
	}
	return out, nil
}

// Commits returns the number of group commits (one fdatasync each) since OpenJournal; compactions,
// which write the whole file, are not counted.
func (j *Journal) Commits() uint64 {
	j.mu.Lock()
	defer j.mu.Unlock()
	return j.commits
}

// Close closes the log file; what was committed is on disk already.
func (j *Journal) Close() error {
	j.mu.Lock()
	defer j.mu.Unlock()
	if j.f == nil {
		return nil
	}
	err := j.f.Close()
	j.f = nil
	return err
}
