package bot

import (
	"context"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/sync/errgroup"

	"github.com/preorderbot/preorderbot/store"
)

// heldJournal is a journal whose commits wait until release is closed.
type heldJournal struct {
	committing chan struct{} // closed when the first commit starts
	release    chan struct{}
	once       sync.Once
}

func (j *heldJournal) JournalRequests(_ context.Context, rs []store.JournaledRequest, _ []string) (map[string]bool, error) {
	j.once.Do(func() { close(j.committing) })
	<-j.release
	fresh := map[string]bool{}
	for _, r := range rs {
		fresh[r.ID] = true
	}
	return fresh, nil
}

func (j *heldJournal) PendingRequests(context.Context) ([]store.JournaledRequest, error) {
	return nil, nil
}

// While an envelope read from the socket waits for its journal commit and its ack, a worker does not
// start the request already queued; it starts it once the ack has left.
func TestWorkersHoldWhileAnEnvelopeWaitsForItsAck(t *testing.T) {
	t.Parallel()
	db, err := store.Open(filepath.Join(t.TempDir(), "bot.db"), store.Options{})
	require.NoError(t, err)
	t.Cleanup(func() { _ = db.Close() })
	journal := &heldJournal{committing: make(chan struct{}), release: make(chan struct{})}
	b, err := New(Options{Store: db, Journal: journal, Checker: noChecks{}, Workers: 1})
	require.NoError(t, err)

	gate := newAckGate(time.Hour)
	q := newQueues()
	queued := request{EnvelopeID: "E-QUEUED", DedupeKey: "E-QUEUED", Kind: kindViewClosed, Received: time.Now()}
	q[laneClicks] <- queued // acknowledged earlier, not started yet

	var acked atomic.Bool
	admit := make(chan admission, 1)
	gate.arrived() // as the socket loop does, before handing an envelope to admission
	admit <- admission{
		req: request{EnvelopeID: "E-NEW", DedupeKey: "E-NEW", Kind: kindViewClosed, Received: time.Now()},
		ack: func(any) { acked.Store(true) }, refuse: func() { t.Error("refused") },
	}
	admitted := make(chan struct{})
	go func() { b.admitAll(admit, q, gate); close(admitted) }()
	<-journal.committing

	var g errgroup.Group
	b.startWorkers(withGate(context.Background(), gate), &g, q)
	time.Sleep(100 * time.Millisecond)
	assert.Empty(t, b.takeSettled(), "a worker started a request while an envelope waited for its ack")

	close(journal.release)
	var settled []string
	require.Eventually(t, func() bool {
		settled = append(settled, b.takeSettled()...)
		return len(settled) == 2
	}, 10*time.Second, 5*time.Millisecond)
	assert.True(t, acked.Load())
	assert.Equal(t, []string{"E-QUEUED", "E-NEW"}, settled, "the worker took the queued request first, once the ack was out")
	close(admit)
	<-admitted
	q.close()
	require.NoError(t, g.Wait())
}

// A call to the OMS or to Slack made by the bot's work waits at the gate before it is sent.
func TestCallsWaitWhileAnEnvelopeWaitsForItsAck(t *testing.T) {
	t.Parallel()
	var calls atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(http.ResponseWriter, *http.Request) { calls.Add(1) }))
	t.Cleanup(srv.Close)
	client := &http.Client{Transport: YieldingToAcks(nil)}
	gate := newAckGate(time.Hour)
	ctx := withGate(context.Background(), gate)
	call := func() error {
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, srv.URL, nil)
		require.NoError(t, err)
		resp, err := client.Do(req)
		if err == nil {
			resp.Body.Close()
		}
		return err
	}
	require.NoError(t, call(), "with nothing waiting for an ack, a call goes at once")

	gate.arrived()
	done := make(chan error, 1)
	go func() { done <- call() }()
	time.Sleep(100 * time.Millisecond)
	assert.EqualValues(t, 1, calls.Load(), "the call was sent while an envelope waited for its ack")
	gate.answer(1)
	require.NoError(t, <-done)
	assert.EqualValues(t, 2, calls.Load())

	outside, err := http.NewRequest(http.MethodGet, srv.URL, nil)
	require.NoError(t, err)
	gate.arrived()
	resp, err := client.Do(outside) // no gate in its context: not the bot's work
	require.NoError(t, err)
	resp.Body.Close()
}

// Work waits only for the envelopes read before it: a steady stream of envelopes never holds it for
// good. Work held is let go in turn, every piece of it, and a slow commit holds it for maxHold at most.
func TestAckGateHoldsWorkOnlyForWhatWasReadBeforeIt(t *testing.T) {
	t.Parallel()
	gate := newAckGate(time.Hour)
	gate.arrived()
	const held = 20
	passed := make(chan int, held)
	for i := range held {
		go func() { gate.wait(context.Background()); passed <- i }()
	}
	require.Eventually(t, func() bool {
		gate.mu.Lock()
		defer gate.mu.Unlock()
		return len(gate.held) == held
	}, 10*time.Second, time.Millisecond)
	gate.arrived() // the next envelope, read after the work arrived
	gate.answer(1)
	for range held {
		select {
		case <-passed:
		case <-time.After(10 * time.Second):
			t.Fatal("work held for an envelope read after it arrived")
		}
	}

	slow := newAckGate(10 * time.Millisecond)
	slow.arrived()
	waited := make(chan struct{})
	go func() { slow.wait(context.Background()); close(waited) }()
	select {
	case <-waited:
	case <-time.After(10 * time.Second):
		t.Fatal("work held past maxHold")
	}
}

// Work waits also for the envelopes slack-go has parsed and the socket loop has not taken yet.
func TestAckGateWaitsForEnvelopesNotYetTaken(t *testing.T) {
	t.Parallel()
	gate := newAckGate(time.Hour)
	gate.watch(func() int { return 1 })
	passed := make(chan struct{})
	go func() { gate.wait(context.Background()); close(passed) }()
	require.Eventually(t, func() bool {
		gate.mu.Lock()
		defer gate.mu.Unlock()
		return len(gate.held) == 1
	}, 10*time.Second, time.Millisecond, "work went on while an envelope waited for the socket loop")
	gate.arrived() // the socket loop takes it…
	gate.answer(1) // …and it is acknowledged
	select {
	case <-passed:
	case <-time.After(10 * time.Second):
		t.Fatal("work still held once the envelope was acknowledged")
	}
}
