package bot

import (
	"context"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/preorderbot/preorderbot/diagnostics"
	"github.com/preorderbot/preorderbot/store"
)

type noChecks struct{}

func (noChecks) Run(context.Context, string, []string) ([]diagnostics.Report, error) { return nil, nil }

// openStores opens a store and its journal in a temporary directory, closed when the test ends.
func openStores(t *testing.T) (*store.DB, *store.Journal) {
	t.Helper()
	dir := t.TempDir()
	db, err := store.Open(filepath.Join(dir, "bot.db"), store.Options{})
	require.NoError(t, err)
	t.Cleanup(func() { _ = db.Close() })
	journal, err := store.OpenJournal(filepath.Join(dir, "bot.db.journal"), store.Options{})
	require.NoError(t, err)
	t.Cleanup(func() { _ = journal.Close() })
	return db, journal
}

// Admission never waits for a worker: a request whose queue is full is refused before its commit
// (unacknowledged, not journaled, its asker told the bot is busy), and the rest of its batch is
// acknowledged and queued at once.
func TestAdmissionRefusesWhatHasNoRoomInsteadOfWaiting(t *testing.T) {
	t.Parallel()
	db, journal := openStores(t)
	b, err := New(Options{Store: db, Journal: journal, Checker: noChecks{}})
	require.NoError(t, err)

	var q queues
	for l := range q {
		q[l] = make(chan request, 1)
	}
	q[laneChecks] <- request{EnvelopeID: "E-WAITING", Kind: kindCommand} // no worker takes it
	var mu sync.Mutex
	acked, refused := map[string]bool{}, map[string]bool{}
	admit := func(id string, kind requestKind) admission {
		req := request{EnvelopeID: id, DedupeKey: id, Kind: kind, User: "U0BEN", Channel: "C0PREORDER",
			Received: time.Now()}
		return admission{req: req,
			ack:    func(any) { mu.Lock(); acked[id] = true; mu.Unlock() },
			refuse: func() { mu.Lock(); refused[id] = true; mu.Unlock() }}
	}
	done := make(chan struct{})
	go func() {
		b.admitBatch([]admission{admit("E-CHECK", kindCommand), admit("E-CLICK", kindClick)}, q)
		close(done)
	}()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		t.Fatal("admission waited for a worker")
	}

	mu.Lock()
	assert.Equal(t, map[string]bool{"E-CLICK": true}, acked, "only the request with room is acknowledged")
	assert.Equal(t, map[string]bool{"E-CHECK": true}, refused, "the other is told the bot is busy")
	mu.Unlock()
	assert.Equal(t, "E-CLICK", (<-q[laneClicks]).EnvelopeID)
	pending, err := journal.PendingRequests(context.Background())
	require.NoError(t, err)
	require.Len(t, pending, 1)
	assert.Equal(t, "E-CLICK", pending[0].ID, "the refused request is not journaled")
}
