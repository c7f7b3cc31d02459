// The runtime owns everything between the socket and a handler: the socket loop, admission and the
// request journal, the lanes and their workers, replay at start, and the ordered shutdown. It reaches the
// handlers only through start, receive, laneOf and handle (bot.go); they reach it only through their
// context (goOn, until, finishing) and the journal's settle and keepJournaled.

package bot

import (
	"context"
	"fmt"
	"time"

	"golang.org/x/sync/errgroup"
)

// queueSize bounds the requests acknowledged but not yet started, per kind: at a check's 8 ms of CPU,
// half a minute of work for two cores. Past it, envelopes are refused with a busy note, unacknowledged.
const queueSize = 4096

// lane is a queue of acknowledged requests with workers of its own; laneOf says which one a request takes.
type lane int

const (
	laneChecks lane = iota // slash commands and mentions: checks, which take OMS round trips
	laneClicks             // clicks and modal submissions
	laneForms              // clicks that open a form: acked at once, never journaled, nothing queued ahead
	lanes
)

// journaled reports whether a lane's requests are journaled before their ack.
func (l lane) journaled() bool { return l != laneForms }

// queues hold acknowledged requests until a worker of their lane takes them.
type queues [lanes]chan request

func newQueues() queues {
	var q queues
	for l := range q {
		q[l] = make(chan request, queueSize)
	}
	return q
}

// close ends the workers once they have taken what is queued.
func (q queues) close() {
	for _, ch := range q {
		close(ch)
	}
}

// formWorkers open forms. Opening one costs a few store reads and one Slack call, so a few suffice.
const formWorkers = 4

// Run connects to Slack and serves until ctx ends, then stops taking work, lets work in flight finish
// for up to ShutdownTimeout, and returns the first error of the bot's goroutines, if any (Slack
// rejecting the tokens). The caller closes the store afterwards.
//
// Every goroutine the bot starts runs in one errgroup. Its context (stop) ends when ctx does or when one
// of them fails: the socket stops reading, and background loops and watches stop waiting. Work already
// admitted outlives it until the drain deadline (drain), and what a fix or a check must still record
// outlives that by finishGrace (grace). The three reach the work through its context: see stage.
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

	g, stop := errgroup.WithContext(ctx)
	drain, cutWork := context.WithCancel(context.WithoutCancel(ctx))
	defer cutWork()
	grace, endGrace := context.WithCancel(context.WithoutCancel(ctx))
	defer endGrace()
	lend := func(c context.Context) context.Context { return withStages(c, g, stop, drain, grace) }
	// Work, and only work, yields to the acks: the socket loop itself never waits at the gate.
	gate := newAckGate(maxAckHold)
	runCtx, workCtx := lend(stop), withGate(lend(drain), gate)

	// Clicks and modals have their own workers, and buttons that open a form theirs: a modal must open
	// within 3 s of its click, whatever number of checks, re-checks and fixes are running.
	q := newQueues()
	b.startWorkers(workCtx, g, q)
	// The journal is read before the handlers' start changes anything: a request whose conversation is
	// still busy is reconcile's to finish, not replay's.
	replayed, refinish := b.replay(workCtx)
	b.start(workCtx, refinish)
	intakeEnded := b.intake(runCtx, g, replayed, q, gate)
	defer b.removeSettled(context.Background()) // the handler of a request settled may have run last
	return b.shutdown(ctx, g, stop, intakeEnded, cutWork, endGrace)
}

// startWorkers starts the workers of each lane. A worker takes its next request only once the envelopes
// read so far are answered (see ackGate). A request taken past the drain deadline is skipped: the journal
// keeps it for the next start.
func (b *Bot) startWorkers(ctx context.Context, g *errgroup.Group, q queues) {
	for l, ch := range q {
		n := b.opts.Workers
		if lane(l) == laneForms {
			n = formWorkers
		}
		for range n {
			g.Go(func() error {
				gate := gateOf(ctx)
				for req := range ch {
					gate.wait(ctx)
					if ctx.Err() == nil {
						b.serve(ctx, req)
					}
				}
				return nil
			})
		}
	}
}

// serve runs one request's handler; a panic in it is logged, never fatal to the bot. A journaled request
// leaves the journal once handled, unless shutdown cut it short or its card is not final yet (the next
// start finishes either).
func (b *Bot) serve(ctx context.Context, req request) {
	defer func() {
		if p := recover(); p != nil {
			b.log.Error("handler panic", "panic", fmt.Sprint(p), "envelope_id", req.EnvelopeID)
		}
		if laneOf(req).journaled() && !b.unfinished(req) && ctx.Err() == nil {
			b.settle(req)
		}
	}()
	b.handle(ctx, req)
}

// intake starts what takes requests in: the socket loop, admission and the feed of replayed requests.
// Once the socket has stopped and admission and the feed have ended, it closes the queues, so that the
// workers finish what was admitted and end; ended closes then.
func (b *Bot) intake(ctx context.Context, g *errgroup.Group, replayed []request, q queues, gate *ackGate) (ended <-chan struct{}) {
	admit := make(chan admission, queueSize)
	fed, done := make(chan struct{}), make(chan struct{})
	g.Go(func() error {
		defer close(admit) // admission ends once the socket does
		return b.serveSocket(ctx, admit, q[laneForms], gate)
	})
	g.Go(func() error {
		defer close(fed)
		b.feed(replayed, q)
		return nil
	})
	g.Go(func() error {
		b.admitAll(admit, q, gate)
		<-fed
		q.close()
		close(done)
		return nil
	})
	return done
}

// shutdown waits for the group once intake has ended: for the workers to finish what was admitted and
// for watches and background loops to stop, within ShutdownTimeout; past it work in flight is cut
// (cutWork), and finishGrace later recording stops too (endGrace). It returns the group's first error.
// It does not wait past the grace for a handler stuck in a call.
func (b *Bot) shutdown(ctx context.Context, g *errgroup.Group, stop context.Context, intakeEnded <-chan struct{}, cutWork, endGrace func()) error {
	waited := make(chan error, 1)
	go func() { waited <- g.Wait() }()
	<-intakeEnded
	select {
	case err := <-waited:
		return err
	case <-time.After(b.opts.ShutdownTimeout):
	}
	b.log.Warn("shutdown deadline passed with work in flight; what it leaves is finished at the next start",
		"deadline", b.opts.ShutdownTimeout)
	cutWork()
	select {
	case err := <-waited:
		return err
	case <-time.After(finishGrace):
	}
	endGrace()
	select {
	case err := <-waited:
		return err
	case <-time.After(finishGrace):
	}
	b.log.Error("work still running after the shutdown grace; returning anyway")
	// The group cancelled stop with its first error; ctx's own end is no error.
	if err := context.Cause(stop); err != context.Cause(ctx) {
		return err
	}
	return nil
}
