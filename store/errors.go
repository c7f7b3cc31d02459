package store

import (
	"context"
	"errors"
	"fmt"
	"time"

	berrors "go.etcd.io/bbolt/errors"
)

// Errors returned by the store. Compare with errors.Is; the store never returns bbolt's own errors so that
// callers do not come to depend on the storage engine.
var (
	// ErrNotFound means no record exists under the requested key.
	ErrNotFound = errors.New("not found")
	// ErrExists means a record with the same key already exists.
	ErrExists = errors.New("already exists")
	// ErrActionUsed means the action was already claimed; errors.As with *UsedError says by whom and when.
	ErrActionUsed = errors.New("action already used")
	// ErrActionExpired means the action's expiry time has passed.
	ErrActionExpired = errors.New("action expired")
	// ErrCorrupt means a stored record no longer decodes; errors.As with *CorruptError gives bucket and key.
	ErrCorrupt = errors.New("corrupt record")
	// ErrLocked means another process holds the database file.
	ErrLocked = errors.New("database file is locked")
	// ErrSchema means the file's schema is newer than this binary or is missing a bucket.
	ErrSchema = errors.New("unsupported schema")
	// ErrDamaged means the file cannot be used as it is: truncated, overwritten, or with unreadable pages.
	ErrDamaged = errors.New("not a preorderbot database or corrupted")
	// ErrClosed means the store was used after Close.
	ErrClosed = errors.New("store closed")
	// ErrInvalid means the caller passed a record the store cannot key (empty id, missing field).
	ErrInvalid = errors.New("invalid record")
)

// errAbort rolls back a transaction whose real error the caller carries outside it.
var errAbort = errors.New("aborted")

// UsedError reports who claimed an action first, so a second click can be answered precisely.
type UsedError struct {
	ActionID string
	By       string
	At       time.Time
}

func (e *UsedError) Error() string {
	return fmt.Sprintf("action %s already used by %s at %s", e.ActionID, e.By, e.At.UTC().Format(time.RFC3339))
}

// Is makes errors.Is(err, ErrActionUsed) true for a *UsedError.
func (e *UsedError) Is(target error) bool { return target == ErrActionUsed }

// CorruptError names the bucket and key of a record that no longer decodes.
type CorruptError struct {
	Bucket string
	Key    string // printable form of the key: text keys as-is, binary keys in hex
	Err    error
}

func (e *CorruptError) Error() string {
	return fmt.Sprintf("corrupt record in bucket %s key %s: %v", e.Bucket, e.Key, e.Err)
}

// Is makes errors.Is(err, ErrCorrupt) true for a *CorruptError.
func (e *CorruptError) Is(target error) bool { return target == ErrCorrupt }

// Unwrap exposes the decoding error.
func (e *CorruptError) Unwrap() error { return e.Err }

// own reports whether err is one the store returns as-is: its own sentinels and types, and context errors.
func own(err error) bool {
	for _, target := range []error{
		ErrNotFound, ErrExists, ErrActionUsed, ErrActionExpired, ErrCorrupt, ErrLocked, ErrSchema, ErrDamaged,
		ErrClosed, ErrInvalid, context.Canceled, context.DeadlineExceeded,
	} {
		if errors.Is(err, target) {
			return true
		}
	}
	return false
}

// translate keeps the store's own errors and flattens anything else (bbolt, I/O) into a plain error with
// the same text, so no engine error type becomes part of the store's API.
func translate(op string, err error) error {
	if err == nil {
		return nil
	}
	if own(err) {
		return err
	}
	if errors.Is(err, berrors.ErrDatabaseNotOpen) {
		return fmt.Errorf("%s: %w", op, ErrClosed)
	}
	if errors.Is(err, berrors.ErrInvalid) || errors.Is(err, berrors.ErrVersionMismatch) ||
		errors.Is(err, berrors.ErrChecksum) {
		return fmt.Errorf("%s: %w (%s)", op, ErrDamaged, err.Error())
	}
	return fmt.Errorf("%s: %s", op, err.Error())
}

func isCorrupt(err error) bool { return errors.Is(err, ErrCorrupt) }
