package diagnostics

import (
	"context"
	"sync"
	"time"
)

// SweepOMS is what a sweep reads: the chain's questions plus the listing of the pre-order catalog.
// *hotwax.OMS satisfies it.
type SweepOMS interface {
	OMS
	ProductStores(ctx context.Context) ([]ProductStore, error)
	CategoryMembersPage(ctx context.Context, categoryIDs []string, viewIndex, viewSize int) (MembersPage, error)
	SellableProducts(ctx context.Context, storeID string, productIDs []string, start, rows int) (ProductsPage, error)
}

// Limiter bounds the OMS requests of the sweeps that share it: at most Concurrency HTTP exchanges in flight
// and, when RPS is set, at most RPS started per second. Interactive checks do not use it, so they never queue behind a
// sweep; the OMS sees at most Concurrency more requests than the checks alone make.
type Limiter struct {
	slots chan struct{}
	every time.Duration // zero: no rate limit

	mu   sync.Mutex
	next time.Time // earliest start of the next request under the rate limit
}

// Default OMS protection of a sweep.
const DefaultSweepConcurrency = 4

// NewLimiter returns a limiter; concurrency ≤ 0 takes DefaultSweepConcurrency, rps ≤ 0 means no rate limit.
func NewLimiter(concurrency int, rps float64) *Limiter {
	if concurrency <= 0 {
		concurrency = DefaultSweepConcurrency
	}
	l := &Limiter{slots: make(chan struct{}, concurrency)}
	if rps > 0 {
		l.every = time.Duration(float64(time.Second) / rps)
	}
	return l
}

// Concurrency is the number of requests the limiter lets in flight.
func (l *Limiter) Concurrency() int { return cap(l.slots) }

// acquire waits for a slot and, under a rate limit, for the request's turn; release gives the slot back.
func (l *Limiter) acquire(ctx context.Context) (release func(), err error) {
	select {
	case l.slots <- struct{}{}:
	case <-ctx.Done():
		return nil, ctx.Err()
	}
	release = func() { <-l.slots }
	if l.every > 0 {
		l.mu.Lock()
		now := time.Now()
		start := now
		if l.next.After(now) {
			start = l.next
		}
		l.next = start.Add(l.every)
		l.mu.Unlock()
		if wait := start.Sub(now); wait > 0 {
			t := time.NewTimer(wait)
			defer t.Stop()
			select {
			case <-t.C:
			case <-ctx.Done():
				release()
				return nil, ctx.Err()
			}
		}
	}
	return release, nil
}

// limiterKey keys the limiter a sweep puts in the context of its calls.
type limiterKey struct{}

// Exchange waits for a slot of the limiter the call's context carries, if any, and returns its release.
// The OMS adapter holds the slot for one HTTP exchange (request sent, answer read), not while it decodes
// the answer: the limit protects the OMS, and on a busy machine decoding under the slot leaves the OMS
// idle while the sweep waits for a CPU. A retry or a second request of the same call takes a slot again.
func Exchange(ctx context.Context) (release func(), err error) {
	l, ok := ctx.Value(limiterKey{}).(*Limiter)
	if !ok {
		return func() {}, nil
	}
	return l.acquire(ctx)
}
