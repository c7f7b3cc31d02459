package store

import (
	"bytes"
	"context"
	"encoding/binary"
	"fmt"
	"slices"
	"strings"
	"time"

	bolt "go.etcd.io/bbolt"
)

// SweepRetention is how long sweep runs and their per-SKU results are kept.
const SweepRetention = 30 * 24 * time.Hour

var (
	bucketSweepRuns = []byte("sweep_runs")
	bucketSweepSKUs = []byte("sweep_skus")
)

// SweepRun is one sweep of a product store.
type SweepRun struct {
	Store         string         `json:"store"`
	StartedAt     time.Time      `json:"startedAt"`
	Elapsed       time.Duration  `json:"elapsed"`
	SKUs          int            `json:"skus"`
	ByCause       map[string]int `json:"byCause"`
	FailedBatches int            `json:"failedBatches,omitempty"`
	StartedBy     string         `json:"startedBy,omitempty"` // Slack user id; empty for the schedule
}

// SweepSKU is one SKU's result in a sweep.
type SweepSKU struct {
	SKU     string
	Cause   string
	Failing []string // check ids
}

// SweepEntry is a SKU's result in one past sweep.
type SweepEntry struct {
	Store   string
	At      time.Time
	Cause   string
	Failing []string
}

// Known causes and check ids get one byte and one bit: thirty daily sweeps of 10,000 SKUs must stay small.
// Anything else is stored as text, so a new cause or check needs no migration.
var (
	sweepCauses = []string{"healthy", "unknown-sku", "not-preorder", "association-job-not-scheduled", "associated-after-sync",
		"presell-jobs-disabled", "job-failing", "needs-manual-link", "unexplained", "incomplete", "oms-unavailable"}
	sweepChecks = []string{"product", "preorder-category", "shop-links", "association-job", "association-timing",
		"presell-refresh-job", "catalog-sync-job", "job-failures", "shop-listing"}
)

const (
	sweepCoded = 1 // [1][cause index][uint16 failing bit mask]
	sweepText  = 2 // [2]cause\x00check,check
)

func encodeSweepSKU(cause string, failing []string) []byte {
	ci := slices.Index(sweepCauses, cause)
	var mask uint16
	coded := ci >= 0
	for _, id := range failing {
		i := slices.Index(sweepChecks, id)
		if i < 0 {
			coded = false
			break
		}
		mask |= 1 << i
	}
	if coded {
		return binary.BigEndian.AppendUint16([]byte{sweepCoded, byte(ci)}, mask)
	}
	return []byte(string(rune(sweepText)) + cause + "\x00" + strings.Join(failing, ","))
}

func decodeSweepSKU(v []byte) (cause string, failing []string, err error) {
	switch {
	case len(v) == 4 && v[0] == sweepCoded && int(v[1]) < len(sweepCauses):
		mask := binary.BigEndian.Uint16(v[2:])
		failing = []string{}
		for i, id := range sweepChecks {
			if mask&(1<<i) != 0 {
				failing = append(failing, id)
			}
		}
		return sweepCauses[v[1]], failing, nil
	case len(v) > 0 && v[0] == sweepText:
		c, f, _ := strings.Cut(string(v[1:]), "\x00")
		failing = []string{}
		if f != "" {
			failing = strings.Split(f, ",")
		}
		return c, failing, nil
	}
	return "", nil, fmt.Errorf("sweep result of %d bytes in no known format", len(v))
}

// sweepSKUKey is <store>\x00<sku>\x00<at>: a SKU's sweeps are one prefix scan, oldest first.
func sweepSKUKey(store, sku string, at time.Time) []byte {
	k := make([]byte, 0, len(store)+len(sku)+10)
	k = append(append(append(k, store...), 0), sku...)
	return append(append(k, 0), timeKey(at)...)
}

func sweepRunKey(store string, at time.Time) []byte {
	return append(append([]byte(store), 0), timeKey(at)...)
}

// PutSweepResults stores a batch of one sweep's results in one transaction; call it as results arrive.
func (db *DB) PutSweepResults(ctx context.Context, store string, at time.Time, results []SweepSKU) error {
	if store == "" || strings.ContainsRune(store, 0) {
		return fmt.Errorf("put sweep results: bad product store id %q", store)
	}
	return db.update(ctx, "put sweep results", func(tx *bolt.Tx) error {
		b, err := bucket(tx, bucketSweepSKUs)
		if err != nil {
			return err
		}
		for _, r := range results {
			if r.SKU == "" || strings.ContainsRune(r.SKU, 0) {
				continue // the key needs the SKU; a result without one is in the run's counts only
			}
			if err := b.Put(sweepSKUKey(store, r.SKU, at), encodeSweepSKU(r.Cause, r.Failing)); err != nil {
				return fmt.Errorf("put sweep result %s: %w", r.SKU, err)
			}
		}
		return nil
	})
}

// PutSweepRun records a finished sweep.
func (db *DB) PutSweepRun(ctx context.Context, run SweepRun) error {
	if run.Store == "" || strings.ContainsRune(run.Store, 0) {
		return fmt.Errorf("put sweep run: bad product store id %q", run.Store)
	}
	return db.update(ctx, "put sweep run", func(tx *bolt.Tx) error {
		b, err := bucket(tx, bucketSweepRuns)
		if err != nil {
			return err
		}
		return put(b, sweepRunKey(run.Store, run.StartedAt), run)
	})
}

// SweepRuns lists the store's sweeps started at or after since, oldest first.
func (db *DB) SweepRuns(ctx context.Context, store string, since time.Time) ([]SweepRun, error) {
	var runs []SweepRun
	err := db.view(ctx, "sweep runs", func(tx *bolt.Tx) error {
		b, err := bucket(tx, bucketSweepRuns)
		if err != nil {
			return err
		}
		prefix := append([]byte(store), 0)
		c := b.Cursor()
		for k, v := c.Seek(sweepRunKey(store, since)); k != nil && bytes.HasPrefix(k, prefix); k, v = c.Next() {
			var r SweepRun
			if err := decode(bucketSweepRuns, k, v, &r); err != nil {
				return err
			}
			runs = append(runs, r)
		}
		return nil
	})
	return runs, err
}

// SweepHistory lists the SKU's results in the store's sweeps, newest first, at most limit (0: all kept).
func (db *DB) SweepHistory(ctx context.Context, store, sku string, limit int) ([]SweepEntry, error) {
	var out []SweepEntry
	err := db.view(ctx, "sweep history", func(tx *bolt.Tx) error {
		b, err := bucket(tx, bucketSweepSKUs)
		if err != nil {
			return err
		}
		prefix := append(append(append([]byte(store), 0), sku...), 0)
		c := b.Cursor()
		var k, v []byte
		if next, _ := c.Seek(append(bytes.Clone(prefix), 0xff)); next == nil {
			k, v = c.Last()
		} else {
			k, v = c.Prev()
		}
		for ; k != nil && bytes.HasPrefix(k, prefix) && len(k) == len(prefix)+8; k, v = c.Prev() {
			cause, failing, err := decodeSweepSKU(v)
			if err != nil {
				return &CorruptError{Bucket: string(bucketSweepSKUs), Key: printableKey(k), Err: err}
			}
			out = append(out, SweepEntry{Store: store, At: keyTime(k[len(prefix):]), Cause: cause, Failing: failing})
			if limit > 0 && len(out) == limit {
				break
			}
		}
		return nil
	})
	return out, err
}

// pruneSweeps removes sweep runs and results older than cutoff.
func (db *DB) pruneSweeps(ctx context.Context, cutoff time.Time) (int, error) {
	runs, err := db.pruneScan(ctx, bucketSweepRuns, func(k, _ []byte) (verdict, error) {
		return dropIf(len(k) >= 8 && keyTime(k[len(k)-8:]).Before(cutoff)), nil
	}, nil)
	if err != nil {
		return runs, err
	}
	skus, err := db.pruneScan(ctx, bucketSweepSKUs, func(k, _ []byte) (verdict, error) {
		return dropIf(len(k) >= 8 && keyTime(k[len(k)-8:]).Before(cutoff)), nil
	}, nil)
	return runs + skus, err
}

// migrateV8 adds the sweep runs and their per-SKU results.
func migrateV8(tx *bolt.Tx) error {
	for _, name := range [][]byte{bucketSweepRuns, bucketSweepSKUs} {
		if _, err := tx.CreateBucketIfNotExists(name); err != nil {
			return fmt.Errorf("create bucket %s: %w", name, err)
		}
	}
	return nil
}
