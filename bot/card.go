package bot

import (
	"context"
	"maps"
	"slices"
	"strconv"
	"strings"
	"sync"

	"github.com/preorderbot/preorderbot/bot/blocks"
	"github.com/preorderbot/preorderbot/diagnostics"
	"github.com/preorderbot/preorderbot/store"
)

// Ends of an in-flight fix.
const (
	untilWatch   = "watch"   // the watched job's run ends it
	untilRecheck = "recheck" // the next re-check ends it (the outcome was unknown)
)

// remedyKey names what a remedy changes, so the same fix started from two renders of a card is one fix.
func remedyKey(r diagnostics.Remedy) string { return r.Kind + "/" + r.Job + "/" + r.ShopID }

// inFlightKeys are the remedies a fix hides while it runs: itself, and what follows it (for a manual link,
// the full sync of that shop).
func (b *Bot) inFlightKeys(r diagnostics.Remedy) []string {
	keys := []string{remedyKey(r)}
	if next, ok := b.opts.Executor.FollowUp(r); ok {
		keys = append(keys, remedyKey(next))
	}
	return keys
}

func overlaps(a, b []string) bool {
	for _, k := range a {
		if slices.Contains(b, k) {
			return true
		}
	}
	return false
}

// storeCard stores a new version of a conversation's card and returns it drawn: it counts the version
// (older buttons stop working), creates the buttons' actions, hides the fixes under way and shows their
// status lines. Those writes, and also's when not nil, are one transaction; stored says whether it
// committed. When it fails, the card is drawn without buttons and nothing is stored.
func (b *Bot) storeCard(ctx context.Context, convID uint64, reports []diagnostics.Report, run checkRun, changes []string,
	also func(*store.Writes) error) (msg blocks.Message, stored bool) {
	err := b.opts.Store.Write(ctx, "draw card", func(w *store.Writes) error {
		if also != nil {
			if err := also(w); err != nil {
				return err
			}
		}
		var err error
		msg, err = b.storeCardIn(w, convID, reports, run, changes)
		return err
	})
	if err != nil {
		b.log.Error("could not record the card's version and buttons; drawn without buttons", "conversation_id", convID, "error", err)
		conv, cerr := b.opts.Store.Conversation(ctx, convID)
		if cerr != nil {
			conv = store.Conversation{ID: convID}
		}
		msg, _ = b.drawCard(conv, reports, run, changes, false)
		return msg, false
	}
	return msg, true
}

// storeCardIn is storeCard's transaction part: it counts a new version of the card and creates its
// buttons' actions in w.
func (b *Bot) storeCardIn(w *store.Writes, convID uint64, reports []diagnostics.Report, run checkRun, changes []string) (blocks.Message, error) {
	conv, err := w.UpdateConversation(convID, func(c *store.Conversation) error {
		c.CardVersion++
		if run.clearRecheck {
			// Only what was unknown before this re-check read the OMS: it shows those answers.
			c.InFlight = slices.DeleteFunc(c.InFlight, func(f store.InFlight) bool {
				return f.Until == untilRecheck && f.Since.Before(run.started)
			})
		}
		return nil
	})
	if err != nil {
		return blocks.Message{}, err
	}
	msg, actions := b.drawCard(conv, reports, run, changes, true)
	_, err = w.CreateActions(actions...)
	return msg, err
}

// drawCard draws conv's card and the actions its buttons need; without buttons, it draws none.
func (b *Bot) drawCard(conv store.Conversation, reports []diagnostics.Report, run checkRun, changes []string,
	buttons bool) (blocks.Message, []store.Action) {
	convID := conv.ID
	version := strconv.Itoa(conv.CardVersion)
	expires := b.now().Add(b.opts.ActionTTL)
	newAction := func(kind string, params map[string]string) store.Action {
		if params == nil {
			params = map[string]string{}
		}
		if version != "" {
			params["v"] = version
		}
		return store.Action{ID: store.NewActionID(), Kind: kind, Params: params, ConversationID: convID,
			CreatedBy: conv.RequestedBy, CreatedAt: b.now(), ExpiresAt: expires}
	}
	recheck := newAction(diagnostics.RemedyRecheck, nil)
	if len(reports) != 1 {
		meta := blocks.MatrixMeta{Requester: conv.RequestedBy, RecheckID: recheck.ID, Now: b.now()}
		if !buttons {
			meta.RecheckID = ""
		}
		return blocks.Matrix(reports, meta), []store.Action{recheck}
	}

	r := reports[0]
	var busy []string
	for _, f := range conv.InFlight {
		busy = append(busy, f.Keys...)
	}
	r.Remedies = slices.DeleteFunc(slices.Clone(r.Remedies), func(rem diagnostics.Remedy) bool {
		return slices.Contains(busy, remedyKey(rem))
	})
	if run.verdict {
		run.outcome = strings.TrimSpace(run.outcome + "\n" + blocks.Recheck(reports, len(conv.InFlight)))
	}
	meta := blocks.CardMeta{Requester: conv.RequestedBy, RecheckID: recheck.ID, Fixes: fixesUnderway(conv), Escalated: escalated(conv), Status: statusLines(conv),
		Outcome: run.outcome, Changes: changes}
	actions := []store.Action{recheck}
	for _, rem := range r.Remedies {
		a := newAction(rem.Kind, remedyParams(r, rem))
		actions = append(actions, a)
		meta.Remedies = append(meta.Remedies, blocks.RemedyButton{ActionID: a.ID})
	}
	meta.Fixing = fixingChecks(r.Checks, busy)
	if !hasRemedy(r, diagnostics.RemedyEscalate) && r.Cause != diagnostics.CauseHealthy {
		esc := newAction(diagnostics.RemedyEscalate, remedyParams(r, diagnostics.Remedy{Kind: diagnostics.RemedyEscalate}))
		actions = append(actions, esc)
		meta.EscalateID = esc.ID
	}
	if conv.EscalationThread != nil {
		meta.EscalationURL = conv.EscalationThread.URL
	}
	if !buttons {
		// A button whose action is not stored would only answer "unknown".
		meta.Remedies, meta.RecheckID, meta.EscalateID = nil, "", ""
	}
	return blocks.Card(r, meta), actions
}

// fixesUnderway are the facts of the card's fixes under way, for their status lines.
func fixesUnderway(c store.Conversation) []blocks.FixUnderway {
	out := make([]blocks.FixUnderway, 0, len(c.InFlight))
	for _, f := range c.InFlight {
		out = append(out, blocks.FixUnderway{
			Label: f.Label, Took: taken(f.Took), Done: f.Done, By: f.By, At: f.At, JobID: f.JobID,
			Runs:    blocks.NextRun{Now: f.RunsNow, First: f.FirstRun, At: f.NextRun},
			Unknown: f.Until == untilRecheck && !f.Interrupted, Interrupted: f.Interrupted, Legacy: f.Line,
		})
	}
	return out
}

func taken(t *store.Took) *blocks.Taken {
	if t == nil {
		return nil
	}
	return &blocks.Taken{Kind: t.Kind, Label: t.Label, ShopName: t.ShopName}
}

// statusLines are the card's lasting lines stored as text, by topic; an escalation stored as facts
// replaces the line of its topic.
func statusLines(c store.Conversation) string {
	var lines []string
	for _, k := range slices.Sorted(maps.Keys(c.Lines)) {
		if k == "escalation" && c.Escalated != nil {
			continue
		}
		lines = append(lines, c.Lines[k])
	}
	return strings.Join(lines, "\n")
}

// escalated is the facts of the card's last escalation, if any.
func escalated(c store.Conversation) *blocks.Escalated {
	if c.Escalated == nil {
		return nil
	}
	e := &blocks.Escalated{By: c.Escalated.By, At: c.Escalated.At, Ticket: c.Escalated.Ticket}
	if c.EscalationThread != nil {
		e.ThreadURL = c.EscalationThread.URL
	}
	return e
}

// redraw draws the card again from its last report, with its current status lines and outcome.
func (b *Bot) redraw(ctx context.Context, convID uint64, outcome string) {
	b.redrawWith(ctx, convID, outcome, nil)
}

// redrawWith is redraw that commits also (when not nil) in the transaction that draws the card. A card
// without a report to draw still gets also's writes.
func (b *Bot) redrawWith(ctx context.Context, convID uint64, outcome string, also func(*store.Writes) error) {
	unlock := b.lockCard(convID)
	defer unlock()
	conv, err := b.opts.Store.Conversation(ctx, convID)
	reports := lastReports(conv)
	if err != nil || len(reports) == 0 {
		if also != nil {
			if werr := b.opts.Store.Write(ctx, "update card state", also); werr != nil {
				b.log.Error("could not record the card's state", "conversation_id", convID, "error", werr)
			}
		}
		return
	}
	msg, _ := b.storeCard(ctx, convID, reports, checkRun{outcome: outcome}, nil, also)
	_ = b.update(ctx, b.log.With("conversation_id", convID), conv.Channel, conv.CardTS, msg)
}

// show puts version of conv's card, drawn and committed already, in Slack, unless a later version was
// committed meanwhile: its writer shows that one.
func (b *Bot) show(ctx context.Context, conv store.Conversation, version int, msg blocks.Message) {
	unlock := b.lockCard(conv.ID)
	defer unlock()
	if cur, err := b.opts.Store.Conversation(ctx, conv.ID); err == nil && cur.CardVersion != version {
		return
	}
	_ = b.update(ctx, b.log.With("conversation_id", conv.ID), conv.Channel, conv.CardTS, msg)
}

// keyedLocks serialise work on one key: the writers of one card (check, fixes, watches, escalation), or
// the opening of one support thread. A lock lives while someone holds or waits for it, so the set stays as
// small as the work under way.
type keyedLocks struct {
	mu sync.Mutex
	m  map[string]*keyedLock
}

type keyedLock struct {
	sync.Mutex
	refs int // holders and waiters, under keyedLocks.mu
}

// lockCard takes the lock of conversation id's card.
func (b *Bot) lockCard(id uint64) func() { return b.locks.lock("card/" + strconv.FormatUint(id, 10)) }

func (l *keyedLocks) lock(key string) func() {
	l.mu.Lock()
	if l.m == nil {
		l.m = map[string]*keyedLock{}
	}
	e := l.m[key]
	if e == nil {
		e = &keyedLock{}
		l.m[key] = e
	}
	e.refs++
	l.mu.Unlock()
	e.Lock()
	return func() {
		e.Unlock()
		l.mu.Lock()
		if e.refs--; e.refs == 0 {
			delete(l.m, key)
		}
		l.mu.Unlock()
	}
}
