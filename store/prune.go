package store

import (
	"bytes"
	"context"
	"fmt"
	"time"

	bolt "go.etcd.io/bbolt"
)

// PruneStats counts the records one Prune removed.
type PruneStats struct {
	Conversations int
	Actions       int
	Snapshots     int
	Audit         int
	Effects       int
	Modals        int
	Sweeps        int // sweep runs and per-SKU sweep results
}

// Prune removes conversations (with their card index), actions and snapshots older than
// Options.Retention and audit records older than Options.AuditRetention, as of now. Work goes in
// transactions of Options.PruneBatch entries, so writers wait at most one batch and readers are never
// blocked. Conversations and snapshots are found through the
// time index without reading their values; audit records and actions are keyed by time already, so pruning
// them deletes the head of their bucket (an action's value starts with the time its retention starts).
func (db *DB) Prune(ctx context.Context, now time.Time) (PruneStats, error) {
	var (
		st  PruneStats
		err error
	)
	cutoff := now.Add(-db.opts.Retention)
	if st.Snapshots, err = db.pruneSnapshots(ctx, cutoff); err != nil {
		return st, err
	}
	if err := db.pruneExpired(ctx, cutoff, &st); err != nil {
		return st, err
	}
	actions, err := db.pruneScanBy(ctx, bucketActions, smallBatches*db.opts.PruneBatch, func(k, v []byte) (verdict, error) {
		return judgeAction(k, v, cutoff)
	}, nil)
	st.Actions += actions
	if err != nil {
		return st, err
	}
	auditCutoff := now.Add(-db.opts.AuditRetention)
	if st.Audit, err = db.pruneScan(ctx, bucketAudit, func(k, _ []byte) (verdict, error) {
		if keyTime(k).Before(auditCutoff) {
			return drop, nil
		}
		return stop, nil // keys are in time order: everything after is newer
	}, unindexAuditEntry); err != nil {
		return st, err
	}
	if st.Effects, st.Modals, err = db.pruneClaims(ctx, cutoff); err != nil {
		return st, err
	}
	if st.Sweeps, err = db.pruneSweeps(ctx, now.Add(-SweepRetention)); err != nil {
		return st, err
	}
	db.log.Info("store pruned", "conversations", st.Conversations, "actions", st.Actions,
		"snapshots", st.Snapshots, "audit", st.Audit, "effects", st.Effects, "modals", st.Modals, "sweeps", st.Sweeps)
	return st, nil
}

// smallBatches is how many times PruneBatch a pruning transaction takes of the small records deleted in key
// order (actions, snapshots: under 200 bytes each): that many rewrite about as many pages as PruneBatch
// conversations, and every transaction saved is an fsync saved (a tenth of 100,000 checks is 46,000
// actions and 10,000 snapshots).
const smallBatches = 4

// judgeAction keeps actions until their retention (actionTime) starts before cutoff. The actions bucket
// starts with the ids made by newActionID, in creation order; the walk ends at the first one created at or
// after cutoff, whose retention cannot have started before it. An id made at a time other than the
// action's CreatedAt can only delay its pruning. Other ids are left to the time index.
func judgeAction(k, v []byte, cutoff time.Time) (verdict, error) {
	created, ok := idTime(k)
	switch {
	case !ok && len(k) > 0 && k[0] > timeIDPrefix[0]:
		return stop, nil // past the time-keyed ids
	case !ok:
		return keep, nil
	case !created.Before(cutoff):
		return stop, nil
	}
	at, ok := storedActionTime(v)
	if !ok {
		a, err := decodeAction(k, v)
		if err != nil {
			return keep, err
		}
		at = actionTime(a)
	}
	return dropIf(at.Before(cutoff)), nil
}

// pruneClaims removes effect claims and modal records older than cutoff: the buttons they answer for
// have expired and been pruned.
func (db *DB) pruneClaims(ctx context.Context, cutoff time.Time) (effects, modals int, err error) {
	if effects, err = db.pruneScan(ctx, bucketEffects, func(k, v []byte) (verdict, error) {
		var e Effect
		if decode(bucketEffects, k, v, &e) != nil {
			return drop, nil // an unreadable claim guards nothing; the OMS is re-read before every write
		}
		return dropIf(e.At.Before(cutoff) && e.DoneAt.Before(cutoff)), nil
	}, nil); err != nil {
		return effects, 0, err
	}
	modals, err = db.pruneScan(ctx, bucketModals, func(k, v []byte) (verdict, error) {
		var m Modal
		if decode(bucketModals, k, v, &m) != nil {
			return drop, nil // an unreadable record accepts no submission anyway
		}
		return dropIf(m.OpenedAt.Before(cutoff)), nil
	}, nil)
	return effects, modals, err
}

// RunPruner calls Prune every interval until ctx ends, logging failures; it returns nil when ctx ends.
func (db *DB) RunPruner(ctx context.Context, interval time.Duration) error {
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return nil
		case <-t.C:
			if _, err := db.Prune(ctx, db.opts.Now()); err != nil && ctx.Err() == nil {
				db.log.Error("store prune failed", "error", err)
			}
		}
	}
}

// pruneExpired deletes the conversations, actions and snapshots whose retention started before cutoff,
// walking the head of the time index.
func (db *DB) pruneExpired(ctx context.Context, cutoff time.Time, st *PruneStats) error {
	for more := true; more; {
		var (
			batch   PruneStats
			nothing bool // rolled back: a commit of no change would cost an fsync
		)
		err := db.update(ctx, "prune by time", func(tx *bolt.Tx) error {
			batch = PruneStats{}
			n, m, err := db.pruneByTime(tx, cutoff, &batch)
			more, nothing = m, n == 0
			if err == nil && nothing {
				return errAbort
			}
			return err
		})
		if err != nil && !nothing {
			return err
		}
		st.Conversations += batch.Conversations
		st.Actions += batch.Actions
		st.Snapshots += batch.Snapshots
	}
	return nil
}

// verdict is what pruneScan does with one entry.
type verdict int

const (
	keep verdict = iota
	drop
	stop // keep this entry and end the walk
)

func dropIf(old bool) verdict {
	if old {
		return drop
	}
	return keep
}

// pruneScan walks bucket name, PruneBatch entries per write transaction, deleting the entries judge drops
// and calling also (when not nil) to remove what refers to each. Entries judge cannot read (a
// *CorruptError) are logged and kept. It returns the number of entries deleted.
func (db *DB) pruneScan(ctx context.Context, name []byte, judge func(k, v []byte) (verdict, error),
	also func(tx *bolt.Tx, k, v []byte) error) (int, error) {
	return db.pruneScanBy(ctx, name, db.opts.PruneBatch, judge, also)
}

// pruneScanBy is pruneScan with batch entries per write transaction.
func (db *DB) pruneScanBy(ctx context.Context, name []byte, batch int, judge func(k, v []byte) (verdict, error),
	also func(tx *bolt.Tx, k, v []byte) error) (int, error) {
	var (
		resume []byte
		total  int
	)
	for {
		var (
			deleted int
			next    []byte
			nothing bool // rolled back: a commit of no change would cost an fsync
		)
		err := db.update(ctx, "prune "+string(name), func(tx *bolt.Tx) error {
			deleted, next, nothing = 0, nil, false
			b, err := bucket(tx, name)
			if err != nil {
				return err
			}
			var victims [][2][]byte
			c := b.Cursor()
			k, v := c.First()
			if resume != nil {
				k, v = c.Seek(resume)
			}
			for i := 0; k != nil; i++ {
				if i == batch {
					next = bytes.Clone(k)
					break
				}
				verdict, err := judge(k, v)
				if err != nil {
					if !isCorrupt(err) {
						return err
					}
					db.log.Error("keeping unreadable record", "bucket", string(name), "key", printableKey(k),
						"error", err)
				}
				if verdict == stop {
					break
				}
				if verdict == drop {
					// Copy: deleting under a cursor may skip entries, and the memory belongs to the tx.
					victims = append(victims, [2][]byte{bytes.Clone(k), bytes.Clone(v)})
				}
				k, v = c.Next()
			}
			if len(victims) == 0 {
				nothing = true
				return errAbort
			}
			for _, kv := range victims {
				if err := b.Delete(kv[0]); err != nil {
					return fmt.Errorf("delete %s: %w", printableKey(kv[0]), err)
				}
				if also != nil {
					if err := also(tx, kv[0], kv[1]); err != nil {
						return err
					}
				}
			}
			deleted = len(victims)
			return nil
		})
		if err != nil && !nothing {
			return total, err
		}
		total += deleted
		if next == nil {
			return total, nil
		}
		resume = next
	}
}

// unindexAuditEntry removes the index entries of a pruned audit record.
func unindexAuditEntry(tx *bolt.Tx, k, v []byte) error {
	var rec AuditRecord
	if decode(bucketAudit, k, v, &rec) != nil {
		return nil // its index entries, if any, now point nowhere and are skipped by readers
	}
	bySKU, err := bucket(tx, bucketAuditBySKU)
	if err != nil {
		return err
	}
	return unindexAudit(bySKU, k, rec)
}
