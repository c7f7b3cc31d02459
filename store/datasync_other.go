//go:build !linux

package store

import "os"

// datasync flushes f; without fdatasync, that is fsync.
func datasync(f *os.File) error { return f.Sync() }
