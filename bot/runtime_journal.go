// The journal side of the runtime: requests are journaled in group commits before their ack, queued for
// the workers, settled once handled, and replayed at the next start when a process stops before that.

package bot

import (
	"context"
	"encoding/json"
	"time"

	"github.com/preorderbot/preorderbot/store"
)

// Journal is where requests wait between their ack and their handling: a store.Journal.
type Journal interface {
	JournalRequests(ctx context.Context, rs []store.JournaledRequest, done []string) (map[string]bool, error)
	PendingRequests(ctx context.Context) ([]store.JournaledRequest, error)
}

// admission is a request on its way to the journal, with the ack that may follow only its commit.
type admission struct {
	req     request
	payload any // the ack's payload: a modal's validation errors
	ack     func(payload any)
	refuse  func() // tells the asker the bot is too busy to take the request, which is not acknowledged
}

// maxAdmitBatch bounds how many requests share one journal commit.
const maxAdmitBatch = 256

// settleSweep is how long requests handled wait to leave the journal when no envelope arrives whose
// commit could carry their removal: while Slack is busy they ride on the next group commit for free.
const settleSweep = time.Second

// admitAll journals requests, acks them, then queues them, in the order they arrived. Slack re-sends
// nothing it got an ack for, so the ack waits for the commit: from the ack on, a crash loses nothing,
// since the next start handles what the journal holds. Requests arriving while a commit runs share the
// next one (group commit), with the removals of the requests handled since the last one, so a burst
// costs one fsync, not one each, and an ack never waits behind a removal. Each batch answered lets go the
// work the ack gate holds for it.
func (b *Bot) admitAll(admit <-chan admission, q queues, gate *ackGate) {
	sweep := time.NewTicker(settleSweep)
	defer sweep.Stop()
	lastCommit := time.Now()
	for {
		var first admission
		select {
		case a, ok := <-admit:
			if !ok {
				return
			}
			first = a
		case <-sweep.C:
			if time.Since(lastCommit) >= settleSweep {
				b.removeSettled(context.Background())
				lastCommit = time.Now()
			}
			continue
		}
		batch := []admission{first}
	more:
		for len(batch) < maxAdmitBatch {
			select {
			case a, ok := <-admit:
				if !ok {
					break more
				}
				batch = append(batch, a)
			default:
				break more
			}
		}
		b.admitBatch(batch, q)
		gate.answer(len(batch))
		lastCommit = time.Now()
	}
}

// admitBatch journals one batch with the removals pending, acks it and queues what is new in it.
func (b *Bot) admitBatch(batch []admission, q queues) {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	batch = b.withRoom(batch, q)
	entries := make([]store.JournaledRequest, 0, len(batch))
	for _, a := range batch {
		if js, err := json.Marshal(a.req); err == nil {
			// Keyed like the dedupe: a redelivery finds its first delivery's entry.
			entries = append(entries, store.JournaledRequest{ID: a.req.DedupeKey, At: a.req.Received, Payload: js})
		}
	}
	done := b.takeSettled()
	fresh, err := b.opts.Journal.JournalRequests(ctx, entries, done)
	if err != nil {
		b.putBackSettled(done)
		// Unacknowledged, Slack re-sends events and tells the person a command failed: better than
		// an ack for work a crash would lose.
		b.log.Error("could not journal requests; leaving them unacknowledged", "requests", len(entries), "error", err)
		return
	}
	for _, a := range batch {
		a.ack(a.payload)
	}
	for _, a := range batch {
		if !fresh[a.req.DedupeKey] {
			// Journaled before: handled, or being handled here or by the replay of the journal.
			b.log.Info("redelivered envelope dropped", "key", a.req.DedupeKey)
			continue
		}
		delete(fresh, a.req.DedupeKey) // a second delivery in this batch is a redelivery
		b.enqueue(a.req, q)
	}
}

// withRoom keeps the requests of batch that have room in their queue and refuses the others before
// their commit: unacknowledged, with a busy note. Admission so never waits for a worker, and the acks of
// a burst never wait behind the checks of the bursts before it.
func (b *Bot) withRoom(batch []admission, q queues) []admission {
	var room [lanes]int
	for l, ch := range q {
		room[l] = cap(ch) - len(ch)
	}
	kept := batch[:0]
	for _, a := range batch {
		l := laneOf(a.req)
		if room[l] == 0 {
			b.log.Error("request queue full; answering busy", "envelope_id", a.req.EnvelopeID)
			a.refuse()
			continue
		}
		room[l]--
		kept = append(kept, a)
	}
	return kept
}

// enqueue hands a request to its workers. withRoom reserved its place, so only the replay of the journal,
// queueing beside admission at start, can make it wait; it was acknowledged, so it is never dropped.
func (b *Bot) enqueue(req request, q queues) {
	q[laneOf(req)] <- req
}

// settle marks a request handled, or carried by durable state (a card, a claimed action). It leaves the
// journal with the next group commit, or within settleSweep: a crash before then replays it, which
// finds its conversation or its claim and changes nothing.
func (b *Bot) settle(req request) {
	b.settledMu.Lock()
	defer b.settledMu.Unlock()
	b.settled = append(b.settled, req.DedupeKey)
}

// keepJournaled keeps req in the journal after its handler returns: its card is not final, and the next
// start finishes it.
func (b *Bot) keepJournaled(req request) {
	b.settledMu.Lock()
	defer b.settledMu.Unlock()
	if b.kept == nil {
		b.kept = map[string]bool{}
	}
	b.kept[req.DedupeKey] = true
}

// unfinished reports, once, whether keepJournaled kept req.
func (b *Bot) unfinished(req request) bool {
	b.settledMu.Lock()
	defer b.settledMu.Unlock()
	kept := b.kept[req.DedupeKey]
	delete(b.kept, req.DedupeKey)
	return kept
}

// takeSettled returns the requests settled and not yet removed from the journal, and forgets them.
func (b *Bot) takeSettled() []string {
	b.settledMu.Lock()
	defer b.settledMu.Unlock()
	done := b.settled
	b.settled = nil
	return done
}

// putBackSettled keeps removals whose commit failed for the next one.
func (b *Bot) putBackSettled(done []string) {
	b.settledMu.Lock()
	defer b.settledMu.Unlock()
	b.settled = append(b.settled, done...)
}

// removeSettled removes the requests settled from the journal in a commit of their own, when no
// envelope's commit carries them: when Slack is quiet, and at shutdown.
func (b *Bot) removeSettled(ctx context.Context) {
	done := b.takeSettled()
	if len(done) == 0 {
		return
	}
	if _, err := b.opts.Journal.JournalRequests(ctx, nil, done); err != nil {
		b.putBackSettled(done)
		b.log.Error("could not remove handled requests from the journal", "requests", len(done), "error", err)
	}
}

// replayTTL bounds replay: past it a request's response_url and trigger are dead and its asker gone.
const replayTTL = 30 * time.Minute

// replay reads the requests a previous process acknowledged but did not finish, and returns those to
// handle again; feed queues them. A request whose handling carried on in durable state is the handlers'
// to finish (carriedOn), not replay's.
func (b *Bot) replay(ctx context.Context) (out []request, refinish []carried) {
	pending, err := b.opts.Journal.PendingRequests(ctx)
	if err != nil {
		b.log.Error("could not read the request journal", "error", err)
		return nil, nil
	}
	carriedOn, refinish := b.carriedOn(ctx, pending)
	for _, p := range pending {
		if carriedOn[p.ID] {
			continue
		}
		var req request
		if err := json.Unmarshal(p.Payload, &req); err != nil || b.now().Sub(p.At) > replayTTL {
			b.log.Warn("dropping a journaled request", "envelope_id", p.ID, "age", b.now().Sub(p.At), "error", err)
			b.settle(request{DedupeKey: p.ID}) // removed by the first commit
			continue
		}
		req.Replayed = true
		out = append(out, req)
	}
	if len(out) > 0 {
		b.log.Info("replaying requests acknowledged before a restart", "requests", len(out))
	}
	return out, refinish
}

// feed queues replayed requests, waiting for room, beside the new ones.
func (b *Bot) feed(reqs []request, q queues) {
	for _, r := range reqs {
		b.enqueue(r, q)
	}
}
