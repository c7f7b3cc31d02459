package hotwax

import (
	"context"
	"errors"
	"sync"
)

// refusalKey keys the refusal StopOnRefusal puts in a context.
type refusalKey struct{}

// refusal remembers the first refused credential of a run.
type refusal struct {
	mu  sync.Mutex
	err error
}

// StopOnRefusal returns a context under which, once the OMS refuses the credentials (a refused login, or a
// 401 on a static token), every later request of the client fails at once with that same error instead of
// asking again: a wrong password costs one login, not one per read. One run of reads shares it; a
// long-lived process must not, so that it logs in again once the credentials are fixed.
func StopOnRefusal(ctx context.Context) context.Context {
	return context.WithValue(ctx, refusalKey{}, &refusal{})
}

// refused returns the refusal recorded under ctx, if any.
func refused(ctx context.Context) error {
	r, ok := ctx.Value(refusalKey{}).(*refusal)
	if !ok {
		return nil
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.err
}

// noteRefusal records err under ctx when it says the credentials were refused; the first one wins.
func noteRefusal(ctx context.Context, err error) {
	r, ok := ctx.Value(refusalKey{}).(*refusal)
	if !ok || !errors.Is(err, ErrUnauthorized) {
		return
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.err == nil {
		r.err = err
	}
}
