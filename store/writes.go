package store

import (
	"context"
	"fmt"

	bolt "go.etcd.io/bbolt"
)

// Writes is one write transaction of several records: what a button click or the end of a check changes
// (the conversation, the card's new buttons, the report's snapshot, the audit, a watch, an effect's
// result) is committed together, with one fsync, and a crash keeps all of it or none.
type Writes struct {
	db *DB
	tx *bolt.Tx

	updated []uint64 // conversations updated, whose reports a snapshot may refer to
	// packLater are the conversations updated, stored plain until the transaction's end compresses them:
	// a check's last commit updates its conversation twice (the report, then the card's version), and
	// compressing a 5 KB conversation at zstd's better level costs more than the rest of the commit's CPU.
	packLater []uint64
}

// Write runs fn in one read-write transaction; an error from fn rolls everything back and is returned.
func (db *DB) Write(ctx context.Context, op string, fn func(w *Writes) error) error {
	return db.update(ctx, op, db.write(fn))
}

// write runs fn on tx's Writes, for the single-record methods of DB.
func (db *DB) write(fn func(w *Writes) error) func(*bolt.Tx) error {
	return func(tx *bolt.Tx) error {
		w := &Writes{db: db, tx: tx}
		if err := fn(w); err != nil {
			return err
		}
		return w.pack()
	}
}

// pack compresses the conversations stored plain in this transaction, once each.
func (t *Writes) pack() error {
	convs, err := bucket(t.tx, bucketConversations)
	if err != nil {
		return err
	}
	for _, id := range t.packLater {
		plain := convs.Get(u64(id))
		if plain == nil {
			continue
		}
		if packed := compress(plain); len(packed) < len(plain) {
			if err := convs.Put(u64(id), packed); err != nil {
				return fmt.Errorf("put conversation %d: %w", id, err)
			}
		}
	}
	return nil
}
