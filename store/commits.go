package store

import (
	"sync"

	bolt "go.etcd.io/bbolt"
)

// commitCounter counts committed write transactions. Each costs an fsync, the dominant cost of a write,
// so tests pin how many a click or a check takes.
type commitCounter struct {
	mu   sync.Mutex
	n    uint64
	last uint64 // id of the last transaction counted: calls batched into one commit count once
}

// watch counts tx when it commits. Committed write transactions have distinct, increasing ids.
func (c *commitCounter) watch(tx *bolt.Tx) {
	id := uint64(tx.ID())
	tx.OnCommit(func() {
		c.mu.Lock()
		defer c.mu.Unlock()
		if id != c.last {
			c.n++
			c.last = id
		}
	})
}

// Commits returns the number of write transactions committed since Open, schema migration excepted.
func (db *DB) Commits() uint64 {
	db.commits.mu.Lock()
	defer db.commits.mu.Unlock()
	return db.commits.n
}
