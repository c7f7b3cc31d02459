// The socket side of the runtime: the only code that sees Socket Mode. It turns each envelope into a
// request, answers what needs no handler, and hands the rest to admission; acks leave from here.

package bot

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"time"

	"github.com/preorderbot/preorderbot/bot/blocks"
	"github.com/slack-go/slack"
	"github.com/slack-go/slack/socketmode"
)

// ackTimeout bounds an ack: slack-go's Ack can block while disconnected, and Slack gives up after 3 s anyway.
const ackTimeout = 2 * time.Second

// ErrSlackAuth means Slack rejected the tokens; retrying cannot help.
var ErrSlackAuth = errors.New("slack rejected the tokens")

// serveSocket owns the Socket Mode connection: it hands each normalised request to admitAll, which acks
// it once journaled and queues it for the workers, or, when it opens a form, acks it and queues it on
// forms at once. It returns when ctx ends or Slack rejects the tokens.
func (b *Bot) serveSocket(ctx context.Context, admit chan<- admission, forms chan<- request, gate *ackGate) error {
	sm := socketmode.New(b.api,
		socketmode.OptionLog(slog.NewLogLogger(b.log.WithGroup("socketmode").Handler(), slog.LevelDebug)),
		socketmode.OptionPingInterval(b.opts.PingInterval),
	)
	gate.watch(func() int { return len(sm.Events) })
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
			b.onEvent(ctx, sm, evt, admit, forms, gate)
		}
	}
}

// onEvent is the only place that sees Socket Mode events.
func (b *Bot) onEvent(ctx context.Context, sm *socketmode.Client, evt socketmode.Event, admit chan<- admission, forms chan<- request, gate *ackGate) {
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
	gate.arrived() // the work waits until it is answered
	received := time.Now()
	req, ok, err := normalise(evt, received)
	b.log.Debug("envelope", "type", evt.Type, "envelope_id", evt.Request.EnvelopeID, "handled", ok)
	if err != nil {
		b.log.Warn("unexpected payload", "type", evt.Type, "error", err)
	}
	if !ok {
		b.ack(ctx, sm, evt.Request.EnvelopeID, nil, received)
		gate.answer(1)
		return
	}
	req, payload := b.receive(ctx, req)
	if !laneOf(req).journaled() {
		b.ack(ctx, sm, req.EnvelopeID, payload, received)
		gate.answer(1)
		b.queueForm(ctx, req, forms)
		return
	}
	a := admission{req: req, payload: payload, ack: func(payload any) {
		if ctx.Err() == nil { // past shutdown the socket is gone; the journal has the request
			b.ack(ctx, sm, req.EnvelopeID, payload, received)
		}
	}, refuse: func() { b.sayBusy(ctx, req, blocks.BusyNotStarted) }}
	// The journal write costs an fsync: it happens off the socket loop, so the envelopes behind this one
	// join the same commit instead of waiting for it.
	select {
	case admit <- a:
	default:
		// Not acknowledged: only what will be handled is.
		gate.answer(1)
		b.log.Error("admission queue full; answering busy", "envelope_id", req.EnvelopeID)
		b.sayBusy(ctx, req, blocks.BusyNotStarted)
	}
}

// sayBusy tells the person that their request was not taken, off the socket loop.
func (b *Bot) sayBusy(ctx context.Context, req request, note blocks.CannedNote) {
	goOn(ctx, drained, func(ctx context.Context) {
		b.tell(ctx, req, blocks.Note(blocks.Canned(note)))
	})
}

// queueForm hands a click that opens a form to the forms' workers, acknowledged but not journaled: the
// journal's commit would make it wait behind the checks' writes, and its trigger dies within 3 s anyway.
func (b *Bot) queueForm(ctx context.Context, req request, forms chan<- request) {
	select {
	case forms <- req:
	default:
		b.log.Error("form queue full; answering busy", "envelope_id", req.EnvelopeID)
		b.sayBusy(ctx, req, blocks.BusyNoForm)
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

// newSlackHTTPClient keeps a connection alive for each worker that may call Slack at once: the default
// transport keeps two per host, so under load the checks' posts and edits dialled (and against Slack
// handshook TLS) again and again, for 7 % of the bot's CPU in the ack benchmark.
func newSlackHTTPClient(workers int) *http.Client {
	t := http.DefaultTransport.(*http.Transport).Clone()
	t.MaxIdleConnsPerHost = 2*workers + formWorkers
	return &http.Client{Timeout: slackCallTimeout, Transport: t}
}

// slackCallTimeout bounds one Web API call.
const slackCallTimeout = 30 * time.Second

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
