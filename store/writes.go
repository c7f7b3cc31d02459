package store

import (
	"context"

	bolt "go.etcd.io/bbolt"
)

// Writes is one write transaction of several records: what a button click or the end of a check changes
// (the conversation, the card's new buttons, the report's snapshot, the audit, a watch, an effect's
// result) is committed together, with one fsync, and a crash keeps all of it or none.
type Writes struct {
	db *DB
	tx *bolt.Tx

	updated []uint64 // conversations updated, whose reports a snapshot may refer to
}

// Write runs fn in one read-write transaction; an error from fn rolls everything back and is returned.
func (db *DB) Write(ctx context.Context, op string, fn func(w *Writes) error) error {
	return db.update(ctx, op, func(tx *bolt.Tx) error { return fn(&Writes{db: db, tx: tx}) })
}

// write runs fn on tx's Writes, for the single-record methods of DB.
func (db *DB) write(fn func(w *Writes) error) func(*bolt.Tx) error {
	return func(tx *bolt.Tx) error { return fn(&Writes{db: db, tx: tx}) }
}
