package store

import (
	"context"
	"time"

	bolt "go.etcd.io/bbolt"
)

// AuditSince returns the trail from since on, in time order: the records that belong to no conversation or
// SKU (refused commands, tenant probes) are found only this way. Records that no longer decode are skipped.
func (db *DB) AuditSince(ctx context.Context, since time.Time) ([]AuditRecord, error) {
	var out []AuditRecord
	err := db.view(ctx, "audit since", func(tx *bolt.Tx) error {
		audit, err := bucket(tx, bucketAudit)
		if err != nil {
			return err
		}
		c := audit.Cursor()
		for k, v := c.Seek(timeKey(since.UTC())); k != nil; k, v = c.Next() {
			var rec AuditRecord
			if decode(bucketAudit, k, v, &rec) != nil {
				db.log.Error("skipping unreadable audit record", "key", k)
				continue
			}
			out = append(out, rec)
		}
		return nil
	})
	return out, err
}
