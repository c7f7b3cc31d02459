package store

import (
	"context"
	"time"

	bolt "go.etcd.io/bbolt"
)

var keyLastPing = []byte("last_ping")

// Ping proves the database is writable: it commits one small write to the meta bucket, with fsync,
// which is what every click needs. Readiness probes call it.
func (db *DB) Ping(ctx context.Context, now time.Time) error {
	return db.update(ctx, "ping", func(tx *bolt.Tx) error {
		b, err := bucket(tx, bucketMeta)
		if err != nil {
			return err
		}
		return b.Put(keyLastPing, timeKey(now))
	})
}
