package bot

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/preorderbot/preorderbot/bot/blocks"
	"github.com/preorderbot/preorderbot/diagnostics"
	"github.com/preorderbot/preorderbot/store"
)

// Sweeper checks every pre-order SKU of a store; diagnostics.Sweeper satisfies it.
type Sweeper interface {
	Run(ctx context.Context, storeID string, opts diagnostics.SweepOptions, emit func(diagnostics.SweepResult)) (diagnostics.SweepSummary, error)
}

// A running sweep renews its lock every sweepBeat; a lock not renewed for sweepStale belongs to a sweep
// whose process died, and the next sweep of the store takes it over.
const (
	sweepBeat  = 30 * time.Second
	sweepStale = 3 * time.Minute
)

// kindDigest is the conversation kind of a sweep's digest card.
const kindDigest = "digest"

// statusSweeping is a digest whose sweep is running.
const statusSweeping = "sweeping"

// sweepAsk is one request for a sweep: from a person (req set), the schedule, or a restart resuming one.
type sweepAsk struct {
	store   string
	request string // the envelope, or the schedule's slot: the same request never sweeps twice at once
	by      string // Slack user id; empty for the schedule
	channel string
	req     *request
}

// sweepRuns are the stores whose sweep runs in this process.
type sweepRuns struct {
	mu      sync.Mutex
	running map[string]bool
	ends    map[string]time.Time // when each running sweep should end, as far as its progress tells
}

func (s *sweepRuns) setEnd(storeID string, t time.Time) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.ends == nil {
		s.ends = map[string]time.Time{}
	}
	s.ends[storeID] = t
}

func (s *sweepRuns) endOf(storeID string) time.Time {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.ends[storeID]
}

func (s *sweepRuns) start(storeID string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.running == nil {
		s.running = map[string]bool{}
	}
	if s.running[storeID] {
		return false
	}
	s.running[storeID] = true
	return true
}

func (s *sweepRuns) end(storeID string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.running, storeID)
	delete(s.ends, storeID)
}

// handleSweep answers /preorder sweep: operators only; the digest goes to the digest channel, or to the
// channel the command came from when none is configured.
func (b *Bot) handleSweep(ctx context.Context, req request, cmd Command) {
	storeID := cmp.Or(cmd.StoreID, b.opts.StoreID)
	if !b.auth.allowed(req.User) {
		b.audit(ctx, store.AuditRecord{Actor: req.User, Action: "refused:sweep", ProductStoreID: storeID, Outcome: "not an operator"})
		b.tell(ctx, req, blocks.Note(blocks.OperatorsOnly(blocks.TaskSweep, req.User)))
		return
	}
	if b.opts.Sweeper == nil {
		b.tell(ctx, req, blocks.Note(blocks.Canned(blocks.SweepsUnavailable)))
		return
	}
	err := b.sweep(ctx, sweepAsk{store: storeID, request: req.DedupeKey, by: req.User, channel: cmp.Or(b.opts.DigestChannel, req.Channel), req: &req})
	var busy *store.SweepBusyError
	switch {
	case errors.As(err, &busy):
		if end := b.sweeps.endOf(storeID); !end.IsZero() {
			busy.Lock.Until = end // the running sweep's own estimate is fresher than its lock's
		}
		b.tell(ctx, req, blocks.Note(blocks.SweepBusy(blocks.SweepRunning{Store: storeID, By: busy.Lock.By, At: busy.Lock.At,
			Until: busy.Lock.Until, Now: b.now()})))
	case err != nil:
		b.tell(ctx, req, blocks.Note(blocks.SweepNotStarted(storeID, shortErr(err))))
	case req.Channel != cmp.Or(b.opts.DigestChannel, req.Channel):
		b.tell(ctx, req, blocks.Note(blocks.SweepStarted(storeID, b.opts.DigestChannel)))
	}
}

// sweep claims the store's sweep lock, posts the digest card with its progress, and runs the sweep in
// the background; the error says why it did not start (another sweep holds the lock, the database or
// Slack failed). A request that claims again (replayed after a crash) resumes its sweep on its card.
func (b *Bot) sweep(ctx context.Context, ask sweepAsk) error {
	now := b.now()
	lock, again, err := b.opts.Store.ClaimSweep(ctx, store.SweepLock{
		Key: store.SweepLockKey(ask.store), Request: ask.request, By: ask.by, At: now,
	}, now, sweepStale)
	if err != nil {
		return err
	}
	if again && !lock.DoneAt.IsZero() {
		return nil // this request's sweep finished before the restart
	}
	if !b.sweeps.start(ask.store) {
		if again {
			return nil // already running here: a redelivery
		}
		return &store.SweepBusyError{Lock: lock}
	}
	started := false
	defer func() {
		if !started {
			b.sweeps.end(ask.store)
		}
	}()
	conv, err := b.digestConversation(ctx, ask, lock)
	if err != nil {
		return err
	}
	if ask.req != nil {
		b.settle(*ask.req) // the lock and the digest's conversation carry the sweep across a restart
	}
	started = true
	goOn(ctx, stopped, func(ctx context.Context) {
		defer b.sweeps.end(ask.store)
		b.runSweep(ctx, conv, ask, lock.At)
	})
	return nil
}

// digestConversation finds the digest card of a resumed sweep, or records and posts a new one.
func (b *Bot) digestConversation(ctx context.Context, ask sweepAsk, lock store.SweepLock) (store.Conversation, error) {
	var conv store.Conversation
	var err error
	resumed := false
	if lock.ConversationID != 0 {
		conv, err = b.opts.Store.Conversation(ctx, lock.ConversationID)
		resumed = err == nil
	}
	if !resumed {
		conv, err = b.opts.Store.CreateConversation(ctx, store.Conversation{
			Kind: kindDigest, ProductStoreID: ask.store, RequestedBy: ask.by, Channel: ask.channel,
			Status: statusSweeping, CreatedAt: b.now(), Request: ask.request,
		})
		if err != nil {
			return conv, fmt.Errorf("record the digest: %w", err)
		}
		if err := b.opts.Store.UpdateSweep(ctx, lock.Key, lock.Request, func(l *store.SweepLock) { l.ConversationID = conv.ID }); err != nil {
			return conv, fmt.Errorf("record the digest on the sweep's lock: %w", err)
		}
	}
	if conv.CardTS != "" {
		return conv, nil
	}
	// A card a stopped process posted without saving its ts is found, not posted twice.
	ts := ""
	if resumed {
		if ts, err = b.findLanded(ctx, conv.Channel, "", cardKey(conv), conv.CreatedAt); err != nil {
			return conv, fmt.Errorf("look for the digest in channel %s: %w", conv.Channel, err)
		}
	}
	if ts == "" {
		d := digest{Store: ask.store, By: ask.by, StartedAt: lock.At}
		ts, err = b.postOnce(ctx, b.log, conv.Channel, "", cardKey(conv), conv.CreatedAt, blocks.DigestProgress(d.progressView(b.now())))
	}
	if err != nil {
		b.noteDigestChannel(err)
		return conv, fmt.Errorf("post the digest in channel %s: %w", conv.Channel, err)
	}
	return b.opts.Store.UpdateConversation(ctx, conv.ID, func(c *store.Conversation) error {
		c.CardTS = ts
		return nil
	})
}

// resumeSweeps restarts the sweeps a previous process left running, on their digest cards.
func (b *Bot) resumeSweeps(ctx context.Context) {
	if b.opts.Sweeper == nil {
		return
	}
	locks, err := b.opts.Store.SweepLocks(ctx)
	if err != nil {
		b.log.Error("could not list sweeps", "error", err)
		return
	}
	for _, l := range locks {
		if !l.DoneAt.IsZero() || l.ConversationID == 0 {
			continue
		}
		conv, err := b.opts.Store.Conversation(ctx, l.ConversationID)
		if err != nil || conv.Kind != kindDigest {
			continue
		}
		b.log.Info("resuming a sweep interrupted by a restart", "store", conv.ProductStoreID, "conversation_id", conv.ID)
		if err := b.sweep(ctx, sweepAsk{store: conv.ProductStoreID, request: l.Request, by: l.By, channel: conv.Channel}); err != nil {
			b.log.Warn("could not resume a sweep", "store", conv.ProductStoreID, "error", err)
		}
	}
}

// runSweep runs the sweep, edits the card with its progress (at most every EditInterval), keeps the lock
// alive, stores every SKU's result, then draws the digest.
func (b *Bot) runSweep(ctx context.Context, conv store.Conversation, ask sweepAsk, startedAt time.Time) {
	log := b.log.With("conversation_id", conv.ID, "store", ask.store)
	lockKey := store.SweepLockKey(ask.store)
	acc := newAccumulator(b, ask.store, startedAt)
	acc.d.By = ask.by

	var mu sync.Mutex
	var last diagnostics.SweepProgress
	progress := func(p diagnostics.SweepProgress) {
		mu.Lock()
		last = p
		mu.Unlock()
	}
	stop := make(chan struct{})
	var loop sync.WaitGroup
	loop.Go(func() {
		edit := time.NewTicker(max(b.opts.EditInterval, time.Second))
		defer edit.Stop()
		beat := time.NewTicker(sweepBeat)
		defer beat.Stop()
		shown := diagnostics.SweepProgress{}
		for {
			select {
			case <-stop:
				return
			case <-edit.C:
				mu.Lock()
				p := last
				mu.Unlock()
				if p == shown {
					continue
				}
				shown = p
				d := digest{Store: ask.store, By: ask.by, StartedAt: startedAt, Progress: p, EndsAt: eta(startedAt, b.now(), p)}
				b.sweeps.setEnd(ask.store, d.EndsAt)
				if err := b.update(ctx, log, conv.Channel, conv.CardTS, blocks.DigestProgress(d.progressView(b.now()))); err != nil {
					log.Warn("progress edit failed", "error", err)
				}
			case <-beat.C:
				mu.Lock()
				p := last
				mu.Unlock()
				if err := b.opts.Store.UpdateSweep(ctx, lockKey, ask.request, func(l *store.SweepLock) {
					l.Beat, l.Until = b.now(), eta(startedAt, b.now(), p)
				}); err != nil {
					log.Warn("could not renew the sweep's lock", "error", err)
				}
			}
		}
	})
	sum, err := b.opts.Sweeper.Run(ctx, ask.store, diagnostics.SweepOptions{Progress: progress}, acc.add)
	close(stop)
	loop.Wait()
	acc.close()
	if ctx.Err() != nil {
		log.Info("sweep stopped by shutdown; it resumes at the next start")
		return
	}
	ctx, cancel := b.finishing(ctx, finishTimeout)
	defer cancel()
	if err != nil {
		b.sweepFailed(ctx, conv, ask, err)
		return
	}
	d := acc.finish(ctx, sum)
	failureGroups(&d, sum.FailedRuns)
	if err := b.opts.Store.PutSweepRun(ctx, store.SweepRun{Store: ask.store, StartedAt: startedAt, Elapsed: time.Duration(sum.Elapsed),
		SKUs: sum.SKUs, ByCause: storedCounts(sum.ByCause), FailedBatches: len(sum.FailedBatches), StartedBy: ask.by}); err != nil {
		log.Error("could not store the sweep run", "error", err)
	}
	b.showDigest(ctx, conv.ID, &d, "")
	if d.problems() > 0 {
		b.uploadSweepCSV(ctx, conv, acc.results)
	}
	if err := b.opts.Store.UpdateSweep(ctx, lockKey, ask.request, func(l *store.SweepLock) { l.DoneAt = b.now() }); err != nil {
		log.Error("could not release the sweep's lock", "error", err)
	}
	b.markConversation(ctx, conv.ID, store.StatusDone)
}

// eta estimates when a sweep ends from how far it got.
func eta(started, now time.Time, p diagnostics.SweepProgress) time.Time {
	if p.Done == 0 || p.Expected <= p.Done {
		return time.Time{}
	}
	per := now.Sub(started) / time.Duration(p.Done)
	return now.Add(per * time.Duration(p.Expected-p.Done))
}

// sweepFailed says on the card, and to the person who asked, why the sweep could not run, and releases
// the lock.
func (b *Bot) sweepFailed(ctx context.Context, conv store.Conversation, ask sweepAsk, err error) {
	var unknown *diagnostics.UnknownStoreError
	failure := blocks.SweepFailure{Store: ask.store, Why: shortErr(err), NoCategory: errors.Is(err, diagnostics.ErrNoPreorderCategory)}
	if errors.As(err, &unknown) {
		failure.Unknown = true
		for _, s := range unknown.Known {
			failure.Known = append(failure.Known, s.ProductStoreID)
		}
	}
	text := blocks.SweepFailed(failure)
	b.log.Warn("sweep failed", "store", ask.store, "error", err)
	if uerr := b.opts.Store.UpdateSweep(ctx, store.SweepLockKey(ask.store), ask.request, func(l *store.SweepLock) { l.DoneAt = b.now() }); uerr != nil {
		b.log.Error("could not release the sweep's lock", "error", uerr)
	}
	b.markConversation(ctx, conv.ID, store.StatusFailed)
	if uerr := b.update(ctx, b.log, conv.Channel, conv.CardTS, blocks.Note(text)); uerr != nil {
		b.log.Error("could not say the sweep failed on its card", "error", uerr)
	}
	if ask.req != nil {
		b.tell(ctx, *ask.req, blocks.Note(text))
	}
}

// startSweeps, at start, checks the digest channel, resumes the sweeps a previous process left running
// and starts the schedule.
func (b *Bot) startSweeps(ctx context.Context) {
	if b.opts.Sweeper == nil {
		return
	}
	goOn(ctx, stopped, b.checkDigestChannel)
	b.resumeSweeps(ctx)
	if b.opts.SweepSchedule != nil {
		goOn(ctx, stopped, b.runSchedule)
	}
}
