package bot

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/preorderbot/preorderbot/bot/blocks"
	"github.com/preorderbot/preorderbot/store"
	"github.com/slack-go/slack"
	"github.com/slack-go/slack/socketmode"
)

// ackTimeout bounds an ack: slack-go's Ack can block while disconnected, and Slack gives up after 3 s anyway.
const ackTimeout = 2 * time.Second

// ErrSlackAuth means Slack rejected the tokens; retrying cannot help.
var ErrSlackAuth = errors.New("slack rejected the tokens")

// serveSocket owns the Socket Mode connection: it hands each normalised request to admitAll, which acks
// it once journaled and queues it for the workers. It returns when ctx ends or Slack rejects the tokens.
func (b *Bot) serveSocket(ctx context.Context, admit chan<- admission) error {
	sm := socketmode.New(b.api,
		socketmode.OptionLog(slog.NewLogLogger(b.log.WithGroup("socketmode").Handler(), slog.LevelDebug)),
		socketmode.OptionPingInterval(b.opts.PingInterval),
	)
	runErr := make(chan error, 1)
	go func() { runErr <- sm.RunContext(ctx) }()
	for {
		select {
		case err := <-runErr:
			b.connected.Store(false)
			if ctx.Err() != nil {
				return nil
			}
			return fmt.Errorf("%w (%v): check SLACK_APP_TOKEN and SLACK_BOT_TOKEN, and that the app is installed", ErrSlackAuth, err)
		case evt := <-sm.Events:
			b.onEvent(ctx, sm, evt, admit)
		}
	}
}

// onEvent is the only place that sees Socket Mode events.
func (b *Bot) onEvent(ctx context.Context, sm *socketmode.Client, evt socketmode.Event, admit chan<- admission) {
	switch evt.Type {
	case socketmode.EventTypeConnecting:
		b.log.Debug("connecting to slack")
		return
	case socketmode.EventTypeConnected:
		b.log.Debug("websocket connected")
		return
	case socketmode.EventTypeHello:
		b.connected.Store(true)
		b.log.Info("socket mode ready")
		return
	case socketmode.EventTypeConnectionError:
		b.connected.Store(false)
		b.log.Warn("slack connection error", "error", evt.Data)
		return
	case socketmode.EventTypeInvalidAuth:
		b.connected.Store(false)
		b.log.Error("slack rejected the app token")
		return
	case socketmode.EventTypeErrorBadMessage:
		// slack-go does not ack what it cannot parse; ack it anyway so Slack does not show a timeout.
		if bad, ok := evt.Data.(*socketmode.ErrorBadMessage); ok {
			if id := envelopeIDOf(bad.Message); id != "" {
				b.ack(ctx, sm, id, nil, time.Now())
			}
			b.log.Warn("unreadable envelope", "error", bad.Cause)
		}
		return
	}
	if evt.Request == nil || evt.Request.EnvelopeID == "" {
		return
	}
	received := time.Now()
	req, ok, err := normalise(evt, received)
	b.log.Debug("envelope", "type", evt.Type, "envelope_id", evt.Request.EnvelopeID, "handled", ok)
	if err != nil {
		b.log.Warn("unexpected payload", "type", evt.Type, "error", err)
	}
	if !ok {
		b.ack(ctx, sm, evt.Request.EnvelopeID, nil, received)
		return
	}
	a := admission{req: req, ack: func(payload any) {
		if ctx.Err() == nil { // past shutdown the socket is gone; the journal has the request
			b.ack(ctx, sm, req.EnvelopeID, payload, received)
		}
	}}
	if req.Kind == kindSubmission {
		// A modal's validation errors can only travel in the ack, so the check runs before it.
		if errs := b.validateSubmission(ctx, req); errs != nil {
			a.payload, a.req.Rejected = errs, true
		}
	}
	// The journal write costs an fsync: it happens off the socket loop, so the envelopes behind this one
	// join the same commit instead of waiting for it.
	select {
	case admit <- a:
	default:
		// Not acknowledged: only what will be handled is.
		b.log.Error("admission queue full; answering busy", "envelope_id", req.EnvelopeID)
		go b.tell(context.WithoutCancel(ctx), req, blocks.Note("I'm busy with many requests right now, so I did not start this. Please try again in a minute."))
	}
}

// admission is a request on its way to the journal, with the ack that may follow only its commit.
type admission struct {
	req     request
	payload any // the ack's payload: a modal's validation errors
	ack     func(payload any)
}

// maxAdmitBatch bounds how many requests share one journal commit.
const maxAdmitBatch = 256

// admitAll journals requests, acks them, then queues them, in the order they arrived. Slack re-sends
// nothing it got an ack for, so the ack waits for the commit: from the ack on, a crash loses nothing,
// since the next start handles what the journal holds. Requests arriving while a commit runs share the
// next one (group commit), so a burst costs one fsync, not one each, and acks stay within milliseconds.
func (b *Bot) admitAll(admit <-chan admission, q queues) {
	for first := range admit {
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
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		ids := make([]string, len(batch))
		for i, a := range batch {
			ids[i] = a.req.DedupeKey
		}
		// A redelivery of a request already being handled, or handled, is not journaled: a restart must
		// not replay it. Reading never waits for the store's writers.
		seen, err := b.opts.Store.SeenEnvelopes(ctx, ids)
		if err != nil {
			b.log.Error("could not read the envelopes seen; journaling every request", "error", err)
		}
		entries := make([]store.JournaledRequest, 0, len(batch))
		for _, a := range batch {
			if seen[a.req.DedupeKey] {
				continue
			}
			if js, err := json.Marshal(a.req); err == nil {
				// Keyed like the dedupe: a redelivery shares its first delivery's entry.
				entries = append(entries, store.JournaledRequest{ID: a.req.DedupeKey, At: a.req.Received, Payload: js})
			}
		}
		if err := b.opts.Journal.JournalRequests(ctx, entries); err != nil {
			// Unacknowledged, Slack re-sends events and tells the person a command failed: better than
			// an ack for work a crash would lose.
			b.log.Error("could not journal requests; leaving them unacknowledged", "requests", len(entries), "error", err)
			cancel()
			continue
		}
		for _, a := range batch {
			a.ack(a.payload)
		}
		for _, a := range batch {
			b.enqueue(a.req, q)
		}
		cancel()
	}
}

// enqueue hands a request to its workers, waiting for room: it was acknowledged, so it is never
// dropped. While the workers are behind, the admission queue fills and new envelopes go unacknowledged.
func (b *Bot) enqueue(req request, q queues) {
	queue := q.commands
	if req.Kind != kindCommand && req.Kind != kindMention {
		queue = q.interactive
	}
	b.running(req.DedupeKey, 1)
	queue <- req
}

// settle removes a request from the journal: it was handled, or durable state (a card, a claimed
// action) now carries it.
func (b *Bot) settle(ctx context.Context, req request) {
	if err := b.opts.Journal.DoneRequest(context.WithoutCancel(ctx), req.DedupeKey); err != nil {
		b.log.Error("could not settle a journaled request", "envelope_id", req.EnvelopeID, "error", err)
	}
}

// replayTTL bounds replay: past it a request's response_url and trigger are dead and its asker gone.
const replayTTL = 30 * time.Minute

// replay reads the requests a previous process acknowledged but did not finish, and returns those to
// handle again; feed queues them.
func (b *Bot) replay(ctx context.Context) []request {
	pending, err := b.opts.Journal.PendingRequests(ctx)
	if err != nil {
		b.log.Error("could not read the request journal", "error", err)
		return nil
	}
	// A request whose conversation exists was carried to a card before the crash: reconcile finishes it.
	carried := map[string]bool{}
	if busy, err := b.opts.Store.BusyConversations(ctx); err == nil {
		for _, c := range busy {
			carried[c.Request] = true
		}
	}
	var out []request
	var done []string
	for _, p := range pending {
		if carried[p.ID] {
			done = append(done, p.ID)
			continue
		}
		var req request
		if err := json.Unmarshal(p.Payload, &req); err != nil || b.now().Sub(p.At) > replayTTL {
			b.log.Warn("dropping a journaled request", "envelope_id", p.ID, "age", b.now().Sub(p.At), "error", err)
			done = append(done, p.ID)
			continue
		}
		req.Replayed = true
		out = append(out, req)
	}
	if err := b.opts.Journal.DoneRequest(ctx, done...); err != nil {
		b.log.Error("could not clear the journal", "error", err)
	}
	if len(out) > 0 {
		b.log.Info("replaying requests acknowledged before a restart", "requests", len(out))
	}
	return out
}

// feed queues replayed requests, waiting for room, beside the new ones.
func (b *Bot) feed(reqs []request, q queues) {
	for _, r := range reqs {
		b.enqueue(r, q)
	}
}

func (b *Bot) ack(ctx context.Context, sm *socketmode.Client, envelopeID string, payload any, received time.Time) {
	actx, cancel := context.WithTimeout(context.WithoutCancel(ctx), ackTimeout)
	defer cancel()
	if err := sm.AckCtx(actx, envelopeID, payload); err != nil {
		b.log.Error("ack failed", "envelope_id", envelopeID, "error", err)
		return
	}
	b.metrics.observeAck(time.Since(received))
}

// newSlackAPI builds the Web API client; 429s are retried after Slack's Retry-After by slack-go itself.
func newSlackAPI(opts Options) *slack.Client {
	retry := slack.DefaultRetryConfig()
	retry.MaxRetries = 4
	retry.RetryAfterDuration = 5 * time.Second
	retry.Handlers = slack.DefaultRetryHandlers(retry) // 429 only: a 5xx post may have landed
	return slack.New(opts.BotToken,
		slack.OptionAppLevelToken(opts.AppToken),
		slack.OptionAPIURL(opts.APIURL),
		slack.OptionHTTPClient(opts.HTTPClient),
		slack.OptionRetryConfig(retry),
		slack.OptionLog(slog.NewLogLogger(opts.Logger.WithGroup("slack").Handler(), slog.LevelDebug)),
	)
}
