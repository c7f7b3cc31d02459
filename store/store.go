package store

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"time"

	bolt "go.etcd.io/bbolt"
	berrors "go.etcd.io/bbolt/errors"
)

// Defaults for Options fields left at their zero value.
const (
	DefaultMaxBatchDelay     = 2 * time.Millisecond
	DefaultLockTimeout       = time.Second
	DefaultRetention         = 90 * 24 * time.Hour
	DefaultAuditRetention    = 365 * 24 * time.Hour
	DefaultEnvelopeRetention = time.Hour
	DefaultPruneBatch        = 1000
)

// Options tunes Open. The zero value is ready to use.
type Options struct {
	// LockTimeout bounds the wait for the file lock; another process holding it makes Open fail with
	// ErrLocked instead of hanging (default 1 s).
	LockTimeout time.Duration
	// Retention is how long conversations, cards, actions and snapshots are kept after their last update
	// (default 90 days).
	Retention time.Duration
	// AuditRetention is how long audit records are kept (default 1 year).
	AuditRetention time.Duration
	// EnvelopeRetention is how long envelope ids are remembered for de-duplication (default 1 hour).
	EnvelopeRetention time.Duration
	// PruneBatch is the number of entries one pruning transaction examines, so that pruning never holds
	// the writer lock for long (default 1000).
	PruneBatch int
	// Batch groups concurrent audit appends and action results, which nobody waits on, into one fsync
	// with bbolt's Batch. Measured on this disk (BenchmarkBatchOrUpdate): with 8 concurrent writers a
	// write costs 0.4–1.1 ms of wall time batched with a 2 ms delay against 3.5–5.3 ms alone, but a lone
	// writer pays the delay on top of its commit (7–10 ms against 3.3–5.8). The bot mostly writes one
	// thing at a time, so it is off by default. Clicks and envelope ids are never batched: someone waits
	// on them.
	Batch bool
	// MaxBatchDelay is bbolt's batch delay (default 2 ms: about one fsync here, so a batch gathers the
	// writers that arrive while one commit would have run; bbolt's 10 ms was slower with 1 and 8 writers).
	MaxBatchDelay time.Duration
	// ReadOnly opens the file with a shared lock and runs no migration: for backups and inspection.
	ReadOnly bool
	// Now is the clock used to fill in CreatedAt/UpdatedAt left empty (default time.Now).
	Now func() time.Time
	// Logger receives reports of corrupt records and pruning; nil discards them.
	Logger *slog.Logger
}

func (o Options) withDefaults() Options {
	if o.LockTimeout <= 0 {
		o.LockTimeout = DefaultLockTimeout
	}
	if o.Retention <= 0 {
		o.Retention = DefaultRetention
	}
	if o.AuditRetention <= 0 {
		o.AuditRetention = DefaultAuditRetention
	}
	if o.EnvelopeRetention <= 0 {
		o.EnvelopeRetention = DefaultEnvelopeRetention
	}
	if o.PruneBatch <= 0 {
		o.PruneBatch = DefaultPruneBatch
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	return o
}

// DB is an open store. It is safe for concurrent use.
type DB struct {
	bolt *bolt.DB
	path string
	opts Options
	log  *slog.Logger

	commits commitCounter
}

// Open opens or creates the store at path and brings its schema up to date in one transaction. When
// another process holds the file it fails after opts.LockTimeout with an error naming the file.
func Open(path string, opts Options) (*DB, error) {
	opts = opts.withDefaults()
	if err := checkFile(path); err != nil {
		return nil, fmt.Errorf("open %s: %w", path, err)
	}
	var bdb *bolt.DB
	err := safely("open "+path, func() error {
		var err error
		// PreLoadFreelist reads the freelist here, under safely, also for read-only opens.
		bdb, err = bolt.Open(path, 0o600, &bolt.Options{Timeout: opts.LockTimeout, ReadOnly: opts.ReadOnly,
			PreLoadFreelist: true, PageSize: pageSize})
		return err
	})
	if errors.Is(err, berrors.ErrTimeout) {
		return nil, fmt.Errorf("open %s: %w after %s: another preorderbot is probably running", path, ErrLocked,
			opts.LockTimeout)
	}
	if err != nil {
		return nil, translate("open "+path, err)
	}
	bdb.MaxBatchDelay = cmp.Or(opts.MaxBatchDelay, DefaultMaxBatchDelay)
	bdb.AllocSize = allocSize
	db := &DB{bolt: bdb, path: path, opts: opts, log: opts.Logger}
	if !opts.ReadOnly {
		if err := safely("migrate", db.migrate); err != nil {
			_ = bdb.Close()
			return nil, fmt.Errorf("open %s: %w", path, err)
		}
	}
	return db, nil
}

// Close releases the file. Close the store last, after everything that writes to it has stopped.
func (db *DB) Close() error {
	return translate("close "+db.path, db.bolt.Close())
}

// Backup writes a consistent copy of the whole database to w while other transactions carry on, and
// returns the number of bytes written. The copy is a valid store file if this one is: run Check first.
func (db *DB) Backup(ctx context.Context, w io.Writer) (int64, error) {
	var n int64
	err := db.view(ctx, "backup", func(tx *bolt.Tx) error {
		var err error
		n, err = tx.WriteTo(ctxWriter{ctx: ctx, w: w})
		return err
	})
	return n, err
}

// Check runs bbolt's page-level consistency check (every page reachable once, none both used and free,
// keys in order) and returns ErrDamaged with the first problems found. It reads the whole file (40 ms
// for 100,000 conversations on an idle machine) and holds off writers meanwhile, since bbolt's check reads the free
// list that writers change: for start-up and backups, not for every request.
func (db *DB) Check(ctx context.Context) error {
	if db.opts.ReadOnly {
		return db.view(ctx, "check "+db.path, checkTx)
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	return safely("check "+db.path, func() error {
		err := db.bolt.Update(func(tx *bolt.Tx) error {
			if err := checkTx(tx); err != nil {
				return err
			}
			return errSkip // nothing to commit
		})
		if errors.Is(err, errSkip) {
			return nil
		}
		return translate("check "+db.path, err)
	})
}

func checkTx(tx *bolt.Tx) error {
	if err := readAll(tx); err != nil {
		return err
	}
	var errs []error
	for err := range tx.Check() {
		if len(errs) < 5 { // the channel must be drained; five say enough
			errs = append(errs, err)
		}
	}
	if len(errs) > 0 {
		return fmt.Errorf("%w: consistency check failed: %w", ErrDamaged, errors.Join(errs...))
	}
	return nil
}

// ctxWriter stops a long backup when its context ends.
type ctxWriter struct {
	ctx context.Context
	w   io.Writer
}

func (c ctxWriter) Write(p []byte) (int, error) {
	if err := c.ctx.Err(); err != nil {
		return 0, err
	}
	return c.w.Write(p)
}

// view runs fn in a read-only transaction after checking ctx. Like update and batch, it turns a panic of
// the storage engine on a damaged page into ErrDamaged.
func (db *DB) view(ctx context.Context, op string, fn func(*bolt.Tx) error) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	return safely(op, func() error { return translate(op, db.bolt.View(fn)) })
}

// update runs fn in a read-write transaction after checking ctx.
func (db *DB) update(ctx context.Context, op string, fn func(*bolt.Tx) error) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	return safely(op, func() error { return translate(op, db.bolt.Update(db.counted(fn))) })
}

// batch is update for idempotent fn: with Options.Batch it may share a commit with concurrent callers,
// and fn may run more than once (each run on a fresh transaction).
func (db *DB) batch(ctx context.Context, op string, fn func(*bolt.Tx) error) error {
	if !db.opts.Batch {
		return db.update(ctx, op, fn)
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	return safely(op, func() error { return translate(op, db.bolt.Batch(db.counted(fn))) })
}

// counted makes fn's transaction count in Commits.
func (db *DB) counted(fn func(*bolt.Tx) error) func(*bolt.Tx) error {
	return func(tx *bolt.Tx) error {
		db.commits.watch(tx)
		return fn(tx)
	}
}
