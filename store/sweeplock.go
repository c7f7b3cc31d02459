package store

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"time"

	bolt "go.etcd.io/bbolt"
)

// SweepLock is the claim of a product store's sweep: one sweep per store at a time, whichever process,
// schedule or person starts it. It lives in the effects bucket under "sweep/<store>" and keeps the
// fields the effects pruner reads (key, at, doneAt), so it is pruned with the effect claims.
type SweepLock struct {
	Key            string    `json:"key"`
	Request        string    `json:"actionId"` // the request (or schedule slot) that started the sweep
	ConversationID uint64    `json:"conversationId"`
	By             string    `json:"by"` // Slack user id; empty for the schedule
	At             time.Time `json:"at"` // when the sweep started
	Until          time.Time `json:"until,omitzero"`
	Beat           time.Time `json:"beat"` // the running sweep's last sign of life
	DoneAt         time.Time `json:"doneAt,omitzero"`
}

// Held reports whether the lock still holds at now: not finished, and its sweep gave a sign of life
// within stale. A sweep whose process died stops beating, so its lock lapses.
func (l SweepLock) Held(now time.Time, stale time.Duration) bool {
	return l.DoneAt.IsZero() && now.Sub(l.Beat) < stale
}

// SweepLockKey is the key of a store's sweep lock.
func SweepLockKey(store string) string { return "sweep/" + store }

// ErrSweepBusy is returned when another sweep of the store holds the lock.
var ErrSweepBusy = errors.New("a sweep of this store is under way")

// SweepBusyError names the sweep that holds the lock.
type SweepBusyError struct{ Lock SweepLock }

func (e *SweepBusyError) Error() string {
	return fmt.Sprintf("%s: started %s by %q", ErrSweepBusy, e.Lock.At.UTC().Format(time.RFC3339), e.Lock.By)
}

// Is makes errors.Is(err, ErrSweepBusy) true for a *SweepBusyError.
func (e *SweepBusyError) Is(target error) bool { return target == ErrSweepBusy }

// ClaimSweep takes the store's sweep lock for l at now. A lock held by another request refuses with a
// *SweepBusyError. The same request claiming again (a request replayed after a crash) gets its own lock
// back, unchanged, with again true, so it resumes its sweep instead of being told it runs already; a
// finished one gives done true. A lock that lapsed (see Held) is taken over.
func (db *DB) ClaimSweep(ctx context.Context, l SweepLock, now time.Time, stale time.Duration) (got SweepLock, again bool, err error) {
	if l.Key == "" || l.Request == "" {
		return SweepLock{}, false, fmt.Errorf("claim sweep: empty key or request: %w", ErrInvalid)
	}
	var busy *SweepBusyError // returned as-is, unlike storage errors
	err = db.update(ctx, "claim sweep", func(tx *bolt.Tx) error {
		b, err := bucket(tx, bucketEffects)
		if err != nil {
			return err
		}
		var cur SweepLock
		switch err := get(b, bucketEffects, []byte(l.Key), &cur); {
		case errors.Is(err, ErrNotFound):
		case err != nil && !errors.Is(err, ErrCorrupt):
			return err
		case cur.Request == l.Request:
			got, again = cur, true
			return nil
		case cur.Held(now, stale):
			busy = &SweepBusyError{Lock: cur}
			return errAbort
		}
		l.Beat, l.DoneAt = now, time.Time{}
		got = l
		return put(b, []byte(l.Key), l)
	})
	if busy != nil {
		return SweepLock{}, false, busy
	}
	return got, again, err
}

// UpdateSweep changes the lock of request req with mutate (a heartbeat, the digest's conversation, the
// end); it does nothing when another request holds the lock now.
func (db *DB) UpdateSweep(ctx context.Context, key, req string, mutate func(*SweepLock)) error {
	return db.update(ctx, "update sweep", func(tx *bolt.Tx) error {
		b, err := bucket(tx, bucketEffects)
		if err != nil {
			return err
		}
		var cur SweepLock
		if err := get(b, bucketEffects, []byte(key), &cur); err != nil {
			return err
		}
		if cur.Request != req {
			return nil
		}
		mutate(&cur)
		return put(b, []byte(key), cur)
	})
}

// SweepLocks lists every store's sweep lock, finished or not: what a restart must resume.
func (db *DB) SweepLocks(ctx context.Context) ([]SweepLock, error) {
	var out []SweepLock
	err := db.view(ctx, "sweep locks", func(tx *bolt.Tx) error {
		b, err := bucket(tx, bucketEffects)
		if err != nil {
			return err
		}
		prefix := []byte("sweep/")
		c := b.Cursor()
		for k, v := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, v = c.Next() {
			var l SweepLock
			if decode(bucketEffects, k, v, &l) != nil {
				continue // an unreadable lock guards nothing
			}
			out = append(out, l)
		}
		return nil
	})
	return out, err
}
