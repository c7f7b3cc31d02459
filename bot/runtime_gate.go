// The ack gate: the bot's work yields the CPU to the acks. On two cores the checks of earlier bursts keep
// both Ps busy, so the goroutines that read an envelope, journal it and write its ack wait in the run
// queue behind them for tens of milliseconds. While envelopes read from the socket wait for their ack,
// work starts nothing new: a worker waits before it starts its next request, and a call to the OMS or to
// Slack waits before it is sent and again before its answer is decoded. The Ps so free up within a few
// milliseconds, and the ack path gets them.

package bot

import (
	"context"
	"net/http"
	"slices"
	"sync"
	"time"
)

// maxAckHold bounds one wait at the gate: a journal commit takes a few milliseconds, and a slow disk
// must not stall the work behind it for longer than this.
const maxAckHold = 50 * time.Millisecond

// ackGate counts the envelopes taken by the socket loop and those answered (acknowledged or refused).
// Work arriving at the gate waits until every envelope read before it (taken, or parsed and waiting for
// the socket loop) is answered, so a steady stream of envelopes holds each piece of work for one commit at
// most, never for good. The work held is let go one at a time, each waking the next as it passes:
// released all at once, a hundred calls' answers would become runnable together, and the next envelope
// would wait behind them.
type ackGate struct {
	maxHold time.Duration

	mu       sync.Mutex
	unread   func() int  // envelopes slack-go has parsed that the socket loop has not taken yet
	read     uint64      // envelopes taken by the socket loop
	answered uint64      // of those, acknowledged or refused, in the order they were read
	held     []*heldWork // in the order they arrived, so by target
}

// heldWork is one piece of work waiting at the gate.
type heldWork struct {
	target uint64        // the envelopes read when it arrived
	pass   chan struct{} // closed when it may go
}

func newAckGate(maxHold time.Duration) *ackGate {
	return &ackGate{maxHold: maxHold}
}

// watch tells the gate how many envelopes wait for the socket loop: work arriving waits for them too.
func (g *ackGate) watch(unread func() int) {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.unread = unread
}

// arrived counts an envelope taken by the socket loop. A nil gate does nothing.
func (g *ackGate) arrived() {
	if g == nil {
		return
	}
	g.mu.Lock()
	defer g.mu.Unlock()
	g.read++
}

// answer counts n envelopes, the oldest unanswered, as answered, and lets the first work held go.
func (g *ackGate) answer(n int) {
	if g == nil || n == 0 {
		return
	}
	g.mu.Lock()
	defer g.mu.Unlock()
	g.answered += uint64(n)
	g.letOneGoLocked()
}

// letOneGoLocked lets the oldest work held go if what it waits for is answered.
func (g *ackGate) letOneGoLocked() {
	if len(g.held) > 0 && g.held[0].target <= g.answered {
		close(g.held[0].pass)
		g.held = g.held[1:]
	}
}

// wait returns once every envelope read so far is answered and the work held before it has gone, or
// after maxHold, or when ctx ends.
func (g *ackGate) wait(ctx context.Context) {
	if g == nil {
		return
	}
	g.mu.Lock()
	target := g.read
	if g.unread != nil {
		target += uint64(g.unread())
	}
	if g.answered >= target {
		g.mu.Unlock()
		return
	}
	w := &heldWork{target: target, pass: make(chan struct{})}
	g.held = append(g.held, w)
	g.mu.Unlock()

	timeout := time.NewTimer(g.maxHold)
	defer timeout.Stop()
	select {
	case <-w.pass:
	case <-timeout.C:
	case <-ctx.Done():
	}
	g.mu.Lock()
	defer g.mu.Unlock()
	if i := slices.Index(g.held, w); i >= 0 {
		g.held = slices.Delete(g.held, i, i+1) // gave up waiting: the others keep their turn
		return
	}
	g.letOneGoLocked() // let go: the next one may follow
}

// gateKey names the run's ack gate in a context.
type gateKey struct{}

func withGate(ctx context.Context, g *ackGate) context.Context {
	return context.WithValue(ctx, gateKey{}, g)
}

// gateOf is the ack gate ctx carries; nil outside Run.
func gateOf(ctx context.Context) *ackGate {
	g, _ := ctx.Value(gateKey{}).(*ackGate)
	return g
}

// YieldingToAcks wraps rt so that a call made by the bot's work waits at the ack gate before it is sent
// and before its answer is read: the OMS client's transport in serve, the Slack client's in New. A call
// made outside Run passes at once.
func YieldingToAcks(rt http.RoundTripper) http.RoundTripper {
	if rt == nil {
		rt = http.DefaultTransport
	}
	return roundTripFunc(func(r *http.Request) (*http.Response, error) {
		g := gateOf(r.Context())
		g.wait(r.Context())
		resp, err := rt.RoundTrip(r)
		g.wait(r.Context())
		return resp, err
	})
}
