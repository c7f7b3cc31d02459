// Package bot is preorderbot's Slack side: the Socket Mode loop, request normalisation, the command and
// button handlers, operator authorisation, job watches and escalation threads.
//
// One envelope flows like this: the socket loop turns it into a request (no Slack transport types past
// that point), the request journal commits it, it is acked, and a bounded pool of workers runs the
// handler. Conversation state, button actions, audit and watches live in the store, so a restart loses
// nothing that was acknowledged.
package bot

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"sync"
	"sync/atomic"
	"time"

	"github.com/slack-go/slack"

	"github.com/preorderbot/preorderbot/diagnostics"
	"github.com/preorderbot/preorderbot/diagnostics/doctor"
	"github.com/preorderbot/preorderbot/store"
)

// Checker runs the diagnostic chain; diagnostics.Chain satisfies it.
type Checker interface {
	Run(ctx context.Context, storeID string, skus []string) ([]diagnostics.Report, error)
}

// Options configure a Bot. Zero values take the defaults noted.
type Options struct {
	AppToken   string // xapp-…
	BotToken   string // xoxb-…
	APIURL     string // ends with "/"; default Slack's
	HTTPClient *http.Client

	Store *store.DB
	// Journal holds the requests acknowledged and not yet handled: a store.Journal, an append-only log of
	// its own, one fdatasync per group commit, so an ack waits neither for a bbolt commit's two syncs nor
	// behind the store's other writers.
	Journal Journal
	Checker Checker
	// StoreFacts is the Checker's cache of store-wide facts, dropped after the bot's writes to the OMS and
	// on every re-check; nil when the Checker keeps none.
	StoreFacts *diagnostics.StoreFacts
	Executor   Executor
	Watcher    JobWatcher
	Jobs       JobLister
	// Catalog lists the product stores, so a store: that does not exist is refused; nil skips that.
	Catalog diagnostics.Catalog
	// Frequencies reads the OMS's schedule frequencies (TemporalExpression ids); nil offers the Job
	// Manager's built-in choices.
	Frequencies func(ctx context.Context) ([]string, error)
	// Doctor probes the OMS tenant for /preorder doctor; nil answers that it is not available.
	Doctor func(ctx context.Context) doctor.Report
	// Sweeper checks a store's whole pre-order catalog for /preorder sweep and the schedule; nil: no sweeps.
	Sweeper Sweeper
	// SweepSchedule starts a sweep of StoreID when it falls due; nil: no scheduled sweep.
	SweepSchedule SweepSchedule
	// DigestChannel is where sweep digests go (a channel id); empty: where /preorder sweep was typed.
	DigestChannel string
	StoreID       string // default product store
	OMSWebURL     string // e.g. https://acme-oms.hotwax.io, for links on cards

	Operators      []string      // Slack user ids allowed to remediate
	OperatorGroups []string      // Slack user group ids whose members may remediate
	GroupRefresh   time.Duration // how often the groups' members are read again; default 1 min

	SupportChannel string
	SupportMention string
	SupportWebhook string

	WebhookRetry    time.Duration // gap between re-deliveries of a failed support webhook; default 1 min
	ActionTTL       time.Duration // default 24 h
	WatchTimeout    time.Duration // default 2 h
	WatchPoll       time.Duration // first poll interval of a watch; default 20 s
	Workers         int           // default 16
	ShutdownTimeout time.Duration // default 30 s
	EditInterval    time.Duration // minimum gap between two edits of one card; default 2 s
	PingInterval    time.Duration // Socket Mode dead-man threshold; default 30 s

	Logger  *slog.Logger
	Metrics *Metrics
	Now     func() time.Time
}

// Bot is a running preorderbot.
type Bot struct {
	opts      Options
	api       *slack.Client
	log       *slog.Logger
	metrics   *Metrics
	now       func() time.Time
	botUserID string

	connected atomic.Bool
	health    health
	auth      *authorizer

	locks      keyedLocks
	escMu      sync.Mutex      // the escalations' outbox fields and the delivering set
	delivering map[string]bool // escalations whose support ticket is being sent, under escMu
	webhook    *http.Client    // the support webhook's own client: its URL stays out of the Slack metrics
	freqs      *frequencies
	forms      *openForms

	settledMu sync.Mutex
	settled   []string        // requests handled that are still in the journal, under settledMu
	kept      map[string]bool // requests whose card is not final: they stay in the journal, under settledMu

	watchesMu sync.Mutex
	watches   int
	sweeps    sweepRuns
}

// New checks the options and builds a Bot; Run starts it.
func New(opts Options) (*Bot, error) {
	if opts.Store == nil || opts.Journal == nil || opts.Checker == nil {
		return nil, errors.New("bot: a store, a journal and a checker are required")
	}
	if opts.APIURL == "" {
		opts.APIURL = slack.APIURL
	}
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	setDefault(&opts.ActionTTL, 24*time.Hour)
	setDefault(&opts.WatchTimeout, 2*time.Hour)
	setDefault(&opts.WatchPoll, 20*time.Second)
	setDefault(&opts.ShutdownTimeout, 30*time.Second)
	setDefault(&opts.EditInterval, 2*time.Second)
	setDefault(&opts.PingInterval, 30*time.Second)
	setDefault(&opts.GroupRefresh, time.Minute)
	setDefault(&opts.WebhookRetry, time.Minute)
	if opts.Workers <= 0 {
		opts.Workers = 16
	}
	if opts.HTTPClient == nil {
		opts.HTTPClient = newSlackHTTPClient(opts.Workers)
	}
	opts.HTTPClient = instrument(opts.HTTPClient, opts.Metrics)
	yielding := *opts.HTTPClient
	yielding.Transport = YieldingToAcks(yielding.Transport)
	opts.HTTPClient = &yielding
	b := &Bot{opts: opts, log: opts.Logger, metrics: opts.Metrics, now: opts.Now}
	b.api = newSlackAPI(opts)
	b.webhook = &http.Client{Timeout: webhookTimeout}
	b.delivering = map[string]bool{}
	b.freqs = &frequencies{load: opts.Frequencies}
	b.auth = newAuthorizer(opts.Operators, opts.OperatorGroups, opts.GroupRefresh, b.api)
	b.forms = &openForms{opened: map[string]store.Modal{}, triggers: map[string]time.Time{}}
	return b, nil
}

func setDefault(d *time.Duration, v time.Duration) {
	if *d <= 0 {
		*d = v
	}
}

// Ready reports whether the Socket Mode connection said hello and has not dropped since.
func (b *Bot) Ready() bool { return b.connected.Load() }

// The runtime reaches the handlers only through start, receive, laneOf and handle.

// start is the handlers' part of a start, before the socket takes the first request: the operators'
// groups are read (a click is never judged on none), what a previous process left is finished (watches,
// interrupted work, the cards of journaled checks in refinish), and the background loops start. The
// loops, and resuming sweeps, stop when the socket does.
func (b *Bot) start(ctx context.Context, refinish []carried) {
	live, stopLive := until(ctx, stopped)
	defer stopLive()
	groupsErr := func(err error) {
		b.log.Warn("could not read an operator group; its last members stay in force", "error", err)
	}
	readCtx, cancelRead := context.WithTimeout(live, 10*time.Second)
	b.auth.read(readCtx, groupsErr)
	cancelRead()
	goOn(ctx, stopped, func(ctx context.Context) { b.auth.keepFresh(ctx, groupsErr) })
	b.resumeWatches(ctx)
	b.reconcile(ctx)
	goOn(ctx, drained, func(ctx context.Context) { b.refinish(ctx, refinish) })
	b.startSweeps(live)
	if b.opts.SupportWebhook != "" {
		goOn(ctx, stopped, b.retryPendingWebhooks)
	}
	goOn(ctx, stopped, func(ctx context.Context) {
		b.freqs.refresh(ctx, func(err error) {
			b.log.Warn("could not read the OMS's frequencies; offering the built-in ones", "error", err)
		})
	})
}

// receive is the handlers' part of taking a request in, on the socket loop before its ack, so it must be
// quick. It marks a click on a button that opens a form, whose modal must open at once, behind no check
// nor journal commit. It checks a modal's inputs, because Slack shows a modal's errors only from the
// ack: ack is what the ack carries then, and the request is marked rejected.
func (b *Bot) receive(ctx context.Context, req request) (_ request, ack any) {
	switch {
	case b.opensForm(req):
		req.OpensForm = true
	case req.Kind == kindSubmission:
		if errs := b.validateSubmission(ctx, req); errs != nil {
			req.Rejected = true
			return req, errs
		}
	}
	return req, nil
}

// laneOf is the runtime's queue a request waits in.
func laneOf(req request) lane {
	switch {
	case req.OpensForm:
		return laneForms
	case req.Kind == kindCommand || req.Kind == kindMention:
		return laneChecks
	}
	return laneClicks
}

// handle runs one request's handler.
func (b *Bot) handle(ctx context.Context, req request) {
	switch req.Kind {
	case kindCommand, kindMention:
		b.handleCommand(ctx, req)
	case kindClick:
		switch {
		case req.OpensForm:
			b.handleForm(ctx, req)
		case isDigestClick(req):
			b.handleDigestClick(ctx, req)
		default:
			b.handleClick(ctx, req)
		}
	case kindSubmission:
		b.handleSubmission(ctx, req)
	case kindViewClosed:
	}
}
