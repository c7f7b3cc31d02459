package bot

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"strconv"
	"strings"
	"time"

	"github.com/slack-go/slack"

	"github.com/preorderbot/preorderbot/bot/blocks"
	"github.com/preorderbot/preorderbot/diagnostics"
	"github.com/preorderbot/preorderbot/store"
)

// Executor performs a remedy against the OMS; diagnostics.Executor satisfies it.
type Executor interface {
	// Check refuses what Execute would refuse without writing; it may read the OMS, never write.
	Check(ctx context.Context, storeID string, r diagnostics.Remedy, in diagnostics.Input) error
	Execute(ctx context.Context, storeID string, r diagnostics.Remedy, in diagnostics.Input) (diagnostics.Outcome, error)
	// FollowUp is the remedy that must run after r for r to take effect, if any.
	FollowUp(r diagnostics.Remedy) (diagnostics.Remedy, bool)
	// Done re-reads the OMS for a job's schedule or run and writes nothing: found tells whether the
	// change is there (a pending schedule, a run started since in.RanSince).
	Done(ctx context.Context, storeID string, r diagnostics.Remedy, in diagnostics.Input) (out diagnostics.Outcome, found bool, err error)
}

// clicked is a button's action, loaded from the store and checked against the card it sits on.
type clicked struct {
	action store.Action
	conv   store.Conversation
	remedy diagnostics.Remedy
}

// loadAction finds a button's action and refuses, with the reason, one that is unknown, tampered,
// pressed on another card, from an earlier version of its card, expired or used. A refusal is audited
// and changes nothing else.
func (b *Bot) loadAction(ctx context.Context, req request, id string) (clicked, bool) {
	c, reason, text := b.checkAction(ctx, req, id)
	if reason == "used" && req.Replayed && c.action.UsedBy == req.User {
		// This very click, handled before a restart that came before its journal entry's removal.
		b.log.Info("replayed click already handled", "action", c.action.ID)
		return clicked{}, false
	}
	if reason != "" {
		b.refuse(ctx, req, c, reason, text)
		return clicked{}, false
	}
	return c, true
}

// checkAction loads a button's action and its conversation; reason and text say why it must not run, or
// are empty. The clicked it returns holds what was found, for the audit of a refusal.
func (b *Bot) checkAction(ctx context.Context, req request, id string) (c clicked, reason, text string) {
	a, err := b.opts.Store.Action(ctx, id)
	if err != nil {
		if errors.Is(err, store.ErrNotFound) {
			return c, "unknown", blocks.Refused(blocks.Refusal{Why: blocks.UnknownButton})
		}
		b.log.Error("action lookup failed", "error", err)
		return c, "unreadable", blocks.Refused(blocks.Refusal{Why: blocks.UnreadableAction})
	}
	c.action = a
	conv, err := b.opts.Store.Conversation(ctx, a.ConversationID)
	if err != nil {
		return c, "gone", blocks.Refused(blocks.Refusal{Why: blocks.GoneButton})
	}
	c.conv = conv
	// A click must come from the card the action was made for, wherever Slack says it was pressed: a
	// button copied into a modal or another message is not on its card.
	if req.Kind == kindClick && (conv.Channel != req.Channel || conv.CardTS != req.MessageTS || req.ViewID != "") {
		b.log.Warn("action used on a foreign card", "action", a.ID, "channel", req.Channel, "ts", req.MessageTS, "view", req.ViewID)
		return c, "foreign card", blocks.Refused(blocks.Refusal{Why: blocks.ForeignCard})
	}
	if req.Kind == kindClick && a.Kind != diagnostics.RemedyRecheck && a.Params["v"] != "" && a.Params["v"] != strconv.Itoa(conv.CardVersion) {
		return c, "earlier version", blocks.Refused(blocks.Refusal{Why: blocks.EarlierVersion})
	}
	// A re-check changes nothing, so an old Re-check button still works.
	if a.Kind != diagnostics.RemedyRecheck && !a.ExpiresAt.IsZero() && !b.now().Before(a.ExpiresAt) {
		return c, "expired", blocks.Refused(blocks.Refusal{Why: blocks.ExpiredAt, At: a.ExpiresAt})
	}
	if a.UsedBy != "" && a.Kind != diagnostics.RemedyRecheck {
		return c, "used", blocks.Refused(blocks.Refusal{Why: blocks.UsedButton, Pressed: blocks.Pressed{By: a.UsedBy, At: a.UsedAt, Viewer: req.User}})
	}
	if js := a.Params["remedy"]; js != "" {
		if err := json.Unmarshal([]byte(js), &c.remedy); err != nil {
			return c, "unreadable", blocks.Refused(blocks.Refusal{Why: blocks.UnreadableRemedy})
		}
	}
	c.remedy.Kind = a.Kind
	return c, "", ""
}

// refuse tells the person why their button or form did nothing, and audits the refusal with what is
// known of the button.
func (b *Bot) refuse(ctx context.Context, req request, c clicked, reason, text string) {
	if c.conv.ID == 0 && req.Kind == kindClick {
		// An unknown button is audited on the card it was pressed on, when that is one of ours.
		if conv, err := b.opts.Store.ConversationByCard(ctx, req.Channel, req.MessageTS); err == nil {
			c.conv = conv
			if len(conv.SKUs) == 1 {
				c.action.Params = map[string]string{"sku": conv.SKUs[0]}
			}
		}
	}
	if req.Channel == "" {
		req.Channel = c.conv.Channel // a click in a view, or a form: answer beside the card
	}
	b.audit(ctx, refusalRecord(req, c, reason))
	b.metrics.observeRemedy(cmp.Or(c.action.Kind, "unknown"), "refused")
	b.tell(ctx, req, blocks.Note(text))
}

// refusalRecord is the audit record of a refused button or form.
func refusalRecord(req request, c clicked, reason string) store.AuditRecord {
	rec := store.AuditRecord{
		Actor: req.User, Action: "refused:" + cmp.Or(c.action.Kind, "unknown"), ConversationID: c.conv.ID,
		SKU: c.action.Params["sku"], ProductStoreID: c.conv.ProductStoreID, Outcome: reason, Detail: c.remedy.Label,
	}
	if c.conv.CardTS != "" {
		rec.Card = &store.MessageRef{Channel: c.conv.Channel, TS: c.conv.CardTS}
	}
	if c.action.ID == "" {
		rec.Detail = "button value " + truncate(cmp.Or(req.Value, req.Metadata), 40)
	}
	return rec
}

// truncate keeps the first n runes of s, which came from outside.
func truncate(s string, n int) string {
	if r := []rune(s); len(r) > n {
		return string(r[:n]) + "…"
	}
	return s
}

func (b *Bot) handleClick(ctx context.Context, req request) {
	if !strings.HasPrefix(req.ActionID, "preorder.") || req.Value == "" {
		return // link buttons and other elements need only the ack
	}
	c, ok := b.loadAction(ctx, req, req.Value)
	if !ok {
		return
	}
	switch c.action.Kind {
	case diagnostics.RemedyRecheck:
		b.recheck(ctx, c.conv, req.User, "", true)
	case diagnostics.RemedyEscalate:
		b.openModal(ctx, req, c, blocks.EscalateModal(blocks.EscalateForm{
			SKU: c.action.Params["sku"], Cause: c.action.Params["cause"], Target: b.escalationTarget(ctx, c),
			Note: c.remedy.Note(), PrivateMetadata: c.action.ID,
		}))
	case diagnostics.RemedyScheduleJob:
		if b.authorise(ctx, req, c) {
			limit, _ := strconv.Atoi(c.remedy.Limit())
			b.openModal(ctx, req, c, blocks.ScheduleModal(blocks.ScheduleForm{
				Remedy: c.remedy, SKU: c.action.Params["sku"], Frequencies: b.freqs.get(),
				FirstRun: b.now().Add(time.Minute).Truncate(time.Minute), Limit: limit, PrivateMetadata: c.action.ID,
			}))
		}
	case diagnostics.RemedyLinkProduct:
		if b.authorise(ctx, req, c) {
			r, _ := reportFor(c.conv, c.action.Params["sku"])
			form := blocks.LinkForm{SKU: r.SKU, Shops: r.Shops, Selected: c.remedy.ShopID, PrivateMetadata: c.action.ID}
			if r.Product != nil {
				form.ProductID, form.ProductName = r.Product.ProductID, r.Product.Name
			}
			b.openModal(ctx, req, c, blocks.LinkModal(form))
		}
	case diagnostics.RemedyEnableJob, diagnostics.RemedyRunJob:
		// The button's confirm dialog was the confirmation.
		if b.authorise(ctx, req, c) {
			b.remediate(ctx, req, c, diagnostics.Input{Frequency: c.remedy.Frequency})
		}
	default:
		b.tell(ctx, req, blocks.Note(blocks.Refused(blocks.Refusal{Why: blocks.UnknownKind, Label: c.action.Kind})))
	}
}

// missingShops lists the shops a link modal offers: connected shops the report shows unlinked.
func missingShops(c clicked) []diagnostics.ShopFacts {
	r, ok := reportFor(c.conv, c.action.Params["sku"])
	if !ok {
		return nil
	}
	var out []diagnostics.ShopFacts
	for _, s := range r.Shops {
		if s.Role != diagnostics.RoleDisconnected && !s.Linked {
			out = append(out, s)
		}
	}
	return out
}

// authorise checks the user at the click and again at the form's submission, not when the card was
// drawn, against the operator groups as last read (see authorizer), and audits a refusal.
func (b *Bot) authorise(ctx context.Context, req request, c clicked) bool {
	if b.auth.allowed(req.User) {
		return true
	}
	b.refuse(ctx, req, c, "not an operator", blocks.OperatorsOnly(blocks.TaskFix, req.User))
	return false
}

// openModal opens a form for the person who pressed c's button, bound to them, to that button and to its
// kind, so that only such a submission is accepted (formProblem). The binding is held in memory from
// before views.open and recorded in the store after it: the trigger_id lasts 3 s, and a store write may
// wait behind the checks' writes. If the process stops between the two, the form's submission is
// refused as foreign, and the person presses the button again.
func (b *Bot) openModal(ctx context.Context, req request, c clicked, view slack.ModalViewRequest) {
	view.ExternalID = store.NewActionID()
	m := store.Modal{ExternalID: view.ExternalID, User: req.User, ActionID: c.action.ID, CallbackID: view.CallbackID, OpenedAt: b.now()}
	b.forms.opening(m)
	resp, err := b.api.OpenViewContext(ctx, req.TriggerID, view)
	b.metrics.observeSlack("views.open", err, false)
	if err != nil {
		b.forms.forget(m.ExternalID)
		b.log.Error("views.open failed", "error", err)
		b.tell(ctx, req, blocks.Note(blocks.FormFailed(err.Error())))
		return
	}
	if resp != nil {
		m.ViewID = resp.ID
	}
	b.forms.opening(m)
	if err := b.opts.Store.PutModal(ctx, m); err != nil {
		b.log.Error("could not record the form; it stays bound in memory until the bot stops", "error", err)
		return
	}
	b.forms.forget(m.ExternalID)
}
