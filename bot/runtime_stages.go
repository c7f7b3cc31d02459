// The stages of the runtime's ordered shutdown, as work sees them. The runtime lends them to the work it
// starts through that work's context, with the errgroup that work outliving its request joins, so that a
// watch, a sweep or the record of a fix follows the shutdown and Run waits for it, while the Bot itself
// holds no context, channel or group of the run.

package bot

import (
	"context"
	"time"

	"golang.org/x/sync/errgroup"
)

// stage is a point of the ordered shutdown; each names, as a context key, the context that ends there.
type stage int

const (
	stopped stage = iota // the socket stopped: stop waiting for the next poll, tick or batch
	drained              // the drain deadline passed: work in flight is cut
	graced               // the grace passed: recording work already done stops
)

// groupKey names the runtime's errgroup in a context.
type groupKey struct{}

// withStages is ctx carrying the runtime's group and the context of each stage.
func withStages(ctx context.Context, g *errgroup.Group, stop, drain, grace context.Context) context.Context {
	ctx = context.WithValue(ctx, groupKey{}, g)
	ctx = context.WithValue(ctx, stopped, stop)
	ctx = context.WithValue(ctx, drained, drain)
	return context.WithValue(ctx, graced, grace)
}

// until returns ctx, cancelled also when the runtime reaches stage s. Outside Run it is ctx's own.
func until(ctx context.Context, s stage) (context.Context, context.CancelFunc) {
	ctx, cancel := context.WithCancel(ctx)
	end, ok := ctx.Value(s).(context.Context)
	if !ok {
		return ctx, cancel
	}
	stopAfter := context.AfterFunc(end, cancel)
	return ctx, func() { stopAfter(); cancel() }
}

// goOn starts f in the runtime's group, as work that outlives the request that started it: f's context
// keeps ctx's values, survives its cancellation, and ends when the runtime reaches stage s. Run waits
// for f before it returns.
func goOn(ctx context.Context, s stage, f func(context.Context)) {
	g := ctx.Value(groupKey{}).(*errgroup.Group)
	g.Go(func() error {
		ctx, cancel := until(context.WithoutCancel(ctx), s)
		defer cancel()
		f(ctx)
		return nil
	})
}

// finishGrace is how long, past the drain deadline, work may take to record what it already did.
const finishGrace = 3 * time.Second

// finishing is a context for recording the result of work already done: it keeps ctx's values and
// survives its cancellation, but not d nor the shutdown grace.
func (b *Bot) finishing(ctx context.Context, d time.Duration) (context.Context, context.CancelFunc) {
	ctx, cancel := until(context.WithoutCancel(ctx), graced)
	ctx, cancelTimeout := context.WithTimeout(ctx, d)
	return ctx, func() { cancelTimeout(); cancel() }
}
