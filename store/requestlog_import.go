package store

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"time"

	bolt "go.etcd.io/bbolt"
)

// ImportBoltJournal moves a request journal kept in a bbolt file (as earlier versions kept it) into j:
// its pending requests and the envelope ids it saw within the retention, in one commit, then removes
// the file. A crash before the removal imports it again at the next start, which changes nothing. An
// absent file is not an error.
func (j *Journal) ImportBoltJournal(ctx context.Context, path string) error {
	if _, err := os.Stat(path); errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	old, err := Open(path, Options{ReadOnly: true, Logger: j.log})
	if err != nil {
		return fmt.Errorf("import journal: %w", err)
	}
	var pending []JournaledRequest
	seen := map[string]time.Time{}
	err = old.view(ctx, "old journal", func(tx *bolt.Tx) error {
		err := old.forEach(tx, bucketRequests, func(k, v []byte) error {
			var r JournaledRequest
			if err := decode(bucketRequests, k, v, &r); err != nil {
				return err
			}
			pending = append(pending, r)
			return nil
		})
		if err != nil {
			return err
		}
		b, err := bucket(tx, bucketEnvelopes)
		if err != nil {
			return err
		}
		return b.ForEach(func(k, v []byte) error {
			seen[string(k)] = keyTime(v)
			return nil
		})
	})
	old.Close()
	if err != nil {
		return fmt.Errorf("import journal: %w", err)
	}

	j.mu.Lock()
	defer j.mu.Unlock()
	if j.f == nil {
		return fmt.Errorf("import journal: %w", ErrClosed)
	}
	for id, at := range seen {
		j.seen[id] = at
	}
	for _, r := range pending {
		j.pending[r.ID] = r
		j.seen[r.ID] = r.At
	}
	if err := j.compact(nil); err != nil {
		return fmt.Errorf("import journal: %w", err)
	}
	if err := os.Remove(path); err != nil {
		return fmt.Errorf("import journal: remove %s: %w", path, err)
	}
	if err := syncDir(filepath.Dir(path)); err != nil {
		return fmt.Errorf("import journal: %w", err)
	}
	j.log.Info("request journal moved from bbolt to its log", "from", path, "pending", len(pending), "envelopes", len(seen))
	return nil
}
