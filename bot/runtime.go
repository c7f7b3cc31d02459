// The runtime owns everything between the socket and a handler: the socket loop, admission and the
// request journal, the queues and their workers, replay and reconcile at start, and the ordered shutdown.
// Handlers see none of it: they are reached only through handle, with the request and a context.

package bot

import (
	"context"
	"sync"
	"time"

	"golang.org/x/sync/errgroup"
)

// queueSize bounds the requests acknowledged but not yet started, per kind.
const queueSize = 1024

// queues hold acknowledged requests until a worker takes them.
type queues struct {
	commands    chan request // slash commands and mentions: checks, which take OMS round trips
	interactive chan request // clicks and modal submissions
	forms       chan request // clicks that open a form, not journaled: nothing queues ahead of them
}

// formWorkers open forms. Opening one costs a few store reads and one Slack call, so a few suffice.
const formWorkers = 4

// Run connects to Slack and serves until ctx ends, then stops taking work, lets work in flight finish
// for up to ShutdownTimeout, and returns. The caller closes the store afterwards.
func (b *Bot) Run(ctx context.Context) error {
	auth, err := b.authenticate(ctx)
	if err != nil {
		if ctx.Err() != nil {
			return nil
		}
		return err
	}
	b.botUserID = auth.UserID
	b.log.Info("slack identity", "bot_user_id", auth.UserID, "team", auth.Team)

	// The group holds the loops that read: the socket, admission, and the feed of replayed requests.
	// runCtx ends when the socket stops for any reason (shutdown, rejected tokens): background loops and
	// watches stop with it. Work already started outlives it until the drain deadline (workCtx), and
	// what a fix or a check must still record outlives that by finishGrace (graceEnd).
	g, runCtx := errgroup.WithContext(ctx)
	b.stopping = runCtx.Done()
	workCtx, cancelWork := context.WithCancel(context.WithoutCancel(ctx))
	defer cancelWork()
	finish, cancelFinish := context.WithCancel(context.WithoutCancel(ctx))
	defer cancelFinish()
	b.drainEnd, b.graceEnd = workCtx.Done(), finish.Done()

	// Clicks and modals have their own workers, and buttons that open a form theirs: a modal must open
	// within 3 s of its click, whatever number of checks, re-checks and fixes are running.
	q := queues{commands: make(chan request, queueSize), interactive: make(chan request, queueSize),
		forms: make(chan request, queueSize)}
	var workers sync.WaitGroup
	work := func(ch chan request, n int, handle func(context.Context, request)) {
		for range n {
			workers.Go(func() {
				for req := range ch {
					if workCtx.Err() != nil {
						continue // past the drain deadline: the journal keeps it for the next start
					}
					handle(workCtx, req)
				}
			})
		}
	}
	work(q.commands, b.opts.Workers, b.handle)
	work(q.interactive, b.opts.Workers, b.handle)
	work(q.forms, formWorkers, b.handleForm)
	b.formQueue = q.forms
	// The operators' groups are read before the first click is taken, then kept fresh in the background.
	groupsErr := func(err error) {
		b.log.Warn("could not read an operator group; its last members stay in force", "error", err)
	}
	readCtx, cancelRead := context.WithTimeout(runCtx, 10*time.Second)
	b.auth.read(readCtx, groupsErr)
	cancelRead()
	b.bg.Go(func() { b.auth.keepFresh(runCtx, groupsErr) })
	// The journal is read before reconcile changes anything: a request whose conversation is still busy
	// is reconcile's to finish, not replay's.
	replayed, refinish := b.replay(workCtx)
	b.resumeWatches(workCtx)
	b.reconcile(workCtx)
	b.watchWG.Go(func() { b.refinish(workCtx, refinish) })
	b.startSweeps(runCtx)
	if b.opts.SupportWebhook != "" {
		b.bg.Go(func() { b.retryPendingWebhooks(runCtx) })
	}
	b.bg.Go(func() {
		b.freqs.refresh(runCtx, func(err error) {
			b.log.Warn("could not read the OMS's frequencies; offering the built-in ones", "error", err)
		})
	})

	admit := make(chan admission, queueSize)
	g.Go(func() error {
		defer close(admit) // admission ends once the socket does
		return b.serveSocket(runCtx, admit)
	})
	g.Go(func() error { b.admitAll(admit, q); return nil })
	g.Go(func() error { b.feed(replayed, q); return nil })
	// Shutdown is ordered: stop reading, let the queues drain within the deadline, then return. The
	// workers, watches and background loops stay out of the group: Run must not wait past the grace
	// for a handler stuck in a call.
	sockErr := g.Wait()
	close(q.commands)
	close(q.interactive)
	close(q.forms)

	drained := make(chan struct{})
	go func() {
		workers.Wait()
		b.watchWG.Wait()
		b.bg.Wait()
		close(drained)
	}()
	defer b.removeSettled(context.Background()) // the handler of a request settled may have run last
	select {
	case <-drained:
	case <-time.After(b.opts.ShutdownTimeout):
		b.log.Warn("shutdown deadline passed with work in flight; what it leaves is finished at the next start",
			"deadline", b.opts.ShutdownTimeout)
		cancelWork()
		select {
		case <-drained:
		case <-time.After(finishGrace):
			cancelFinish()
			select {
			case <-drained:
			case <-time.After(finishGrace):
				b.log.Error("work still running after the shutdown grace; returning anyway")
			}
		}
	}
	return sockErr
}

// finishGrace is how long, past the drain deadline, work may take to record what it already did.
const finishGrace = 3 * time.Second

// finishing is a context for recording the result of work already done: it keeps ctx's values and
// survives its cancellation, but not d nor the shutdown grace.
func (b *Bot) finishing(ctx context.Context, d time.Duration) (context.Context, context.CancelFunc) {
	ctx, cancel := until(context.WithoutCancel(ctx), b.graceEnd)
	ctx, cancelTimeout := context.WithTimeout(ctx, d)
	return ctx, func() { cancelTimeout(); cancel() }
}

// until returns ctx, cancelled also when end closes. A nil end never closes.
func until(ctx context.Context, end <-chan struct{}) (context.Context, context.CancelFunc) {
	ctx, cancel := context.WithCancel(ctx)
	if end != nil {
		go func() {
			select {
			case <-end:
				cancel()
			case <-ctx.Done():
			}
		}()
	}
	return ctx, cancel
}
