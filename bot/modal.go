package bot

import (
	"context"
	"errors"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/slack-go/slack"

	"github.com/preorderbot/preorderbot/bot/blocks"
	"github.com/preorderbot/preorderbot/diagnostics"
	"github.com/preorderbot/preorderbot/store"
)

// validateSubmission checks a modal's inputs before the ack, because Slack shows inline errors only
// from the ack. It returns nil when the modal may close. The inputs are checked by diagnostics.Validate,
// the executor's own check, so nothing is claimed that the executor would refuse.
func (b *Bot) validateSubmission(ctx context.Context, req request) *slack.ViewSubmissionResponse {
	block, known := firstInput[req.CallbackID]
	if !known {
		return nil // not one of the bot's forms: handleSubmission refuses it
	}
	// The form may be foreign, or its button used or expired while it was open: say so in the modal.
	if reason, problem := b.formProblem(ctx, req); reason != "" {
		return slack.NewErrorsViewSubmissionResponse(map[string]string{block: blocks.FormError(problem)})
	}
	errs := map[string]string{}
	switch req.CallbackID {
	case blocks.CallbackSchedule, blocks.CallbackLink:
		c, reason, _ := b.checkAction(ctx, req, req.Metadata)
		if reason != "" {
			return slack.NewErrorsViewSubmissionResponse(map[string]string{block: blocks.FormError(blocks.FormProblem{Kind: blocks.FormButtonUnusable})})
		}
		r, in, err := b.submitted(c, req)
		if err == nil {
			err = diagnostics.Validate(r, in, b.now())
		}
		for _, p := range diagnostics.Problems(err) {
			if id := inputBlocks[req.CallbackID][p.Field]; id != "" && errs[id] == "" {
				errs[id] = inputError(p)
			}
		}
		if req.CallbackID == blocks.CallbackSchedule && !slices.Contains(b.freqs.get(), in.Frequency) && errs[blocks.BlockScheduleFrequency] == "" {
			errs[blocks.BlockScheduleFrequency] = blocks.FormError(blocks.FormProblem{Kind: blocks.FrequencyNotOffered})
		}
		if req.CallbackID == blocks.CallbackLink && !shopOffered(missingShops(c), r.ShopID) {
			errs[blocks.BlockLinkShop] = blocks.FormError(blocks.FormProblem{Kind: blocks.ShopNotOffered})
		}
	case blocks.CallbackEscalate:
		if n := len([]rune(req.Values[blocks.BlockEscalateNote][blocks.ActionEscalateNote])); n > maxNoteRunes {
			errs[blocks.BlockEscalateNote] = blocks.FormError(blocks.FormProblem{Kind: blocks.NoteTooLong, Count: n, Limit: maxNoteRunes})
		}
	}
	if len(errs) == 0 {
		return nil
	}
	return slack.NewErrorsViewSubmissionResponse(errs)
}

// maxNoteRunes bounds an escalation's note.
const maxNoteRunes = 2000

// errFirstRunUnreadable is a first-run picker whose value is not a time.
var errFirstRunUnreadable = &diagnostics.ValidationError{Field: "firstRun"}

// inputError words a refusal of one input: the executor's reason, or the bot's own for the picker.
func inputError(p *diagnostics.ValidationError) string {
	if p == errFirstRunUnreadable {
		return blocks.FormError(blocks.FormProblem{Kind: blocks.FirstRunUnreadable})
	}
	return blocks.FormError(blocks.FormProblem{Kind: blocks.InvalidInput, Detail: p.Message})
}

// firstInput is where a modal shows a problem with the form or its button rather than with one input.
var firstInput = map[string]string{
	blocks.CallbackSchedule: blocks.BlockScheduleFrequency,
	blocks.CallbackLink:     blocks.BlockLinkShop,
	blocks.CallbackEscalate: blocks.BlockEscalateNote,
}

// inputBlocks maps a diagnostics.ValidationError's field to the modal block that shows it.
var inputBlocks = map[string]map[string]string{
	blocks.CallbackSchedule: {
		"job": blocks.BlockScheduleFrequency, "frequency": blocks.BlockScheduleFrequency,
		"limit": blocks.BlockScheduleLimit, "firstRun": blocks.BlockScheduleFirstRun,
	},
	blocks.CallbackLink: {
		"shop": blocks.BlockLinkShop, "productId": blocks.BlockLinkShop,
		"variantId": blocks.BlockLinkVariant, "inventoryItemId": blocks.BlockLinkInventoryItem,
	},
}

// callbackOf is the form each kind of button opens.
var callbackOf = map[string]string{
	diagnostics.RemedyScheduleJob: blocks.CallbackSchedule,
	diagnostics.RemedyLinkProduct: blocks.CallbackLink,
	diagnostics.RemedyEscalate:    blocks.CallbackEscalate,
}

// submitted reads a form's answers as the remedy and input the executor will get.
func (b *Bot) submitted(c clicked, req request) (diagnostics.Remedy, diagnostics.Input, error) {
	v := req.Values
	r := c.remedy
	switch req.CallbackID {
	case blocks.CallbackSchedule:
		in := diagnostics.Input{
			Frequency: v[blocks.BlockScheduleFrequency][blocks.ActionScheduleFrequency],
			Limit:     strings.TrimSpace(v[blocks.BlockScheduleLimit][blocks.ActionScheduleLimit]),
		}
		if s := v[blocks.BlockScheduleFirstRun][blocks.ActionScheduleFirstRun]; s != "" {
			t, ok := firstRun(v)
			if !ok {
				return r, in, errFirstRunUnreadable
			}
			in.FirstRun = t
		}
		return r, in, nil
	case blocks.CallbackLink:
		r.ShopID = v[blocks.BlockLinkShop][blocks.ActionLinkShop]
		r.ShopName = ""
		for _, s := range missingShops(c) {
			if s.ShopID == r.ShopID {
				r.ShopName = s.Name
			}
		}
		return r, diagnostics.Input{
			ProductID:       c.action.Params["productId"],
			VariantID:       strings.TrimSpace(v[blocks.BlockLinkVariant][blocks.ActionLinkVariant]),
			InventoryItemID: strings.TrimSpace(v[blocks.BlockLinkInventoryItem][blocks.ActionLinkInventoryItem]),
		}, nil
	}
	return r, diagnostics.Input{}, nil
}

// formProblem says why a submission is not a form the bot opened for this person from this button, or
// why that button can no longer run; reason is the audit's word for it, "" when it may go on.
func (b *Bot) formProblem(ctx context.Context, req request) (reason string, problem blocks.FormProblem) {
	foreign := blocks.FormProblem{Kind: blocks.FormNotOurs}
	m, err := b.opts.Store.Modal(ctx, req.ExternalID)
	if opened, ok := b.forms.get(req.ExternalID); ok && errors.Is(err, store.ErrNotFound) {
		m, err = opened, nil // opened, not recorded yet
	}
	switch {
	case errors.Is(err, store.ErrNotFound) || req.ExternalID == "":
		return "foreign form", foreign
	case err != nil:
		return "unreadable", blocks.FormProblem{Kind: blocks.FormRecordUnreadable}
	case m.User != req.User || m.ActionID != req.Metadata || m.CallbackID != req.CallbackID || (m.ViewID != "" && m.ViewID != req.ViewID):
		return "foreign form", foreign
	}
	a, err := b.opts.Store.Action(ctx, req.Metadata)
	switch {
	case errors.Is(err, store.ErrNotFound):
		return "unknown", blocks.FormProblem{Kind: blocks.FormButtonUnknown}
	case err != nil:
		return "unreadable", blocks.FormProblem{Kind: blocks.FormActionUnreadable}
	case callbackOf[a.Kind] != req.CallbackID:
		return "foreign form", foreign
	case a.UsedBy != "":
		return "used", blocks.FormProblem{Kind: blocks.FormButtonUsed, Pressed: blocks.Pressed{By: a.UsedBy, At: a.UsedAt, Viewer: req.User}}
	case !a.ExpiresAt.IsZero() && !b.now().Before(a.ExpiresAt):
		return "expired", blocks.FormProblem{Kind: blocks.FormButtonExpired}
	}
	return "", blocks.FormProblem{}
}

func shopOffered(shops []diagnostics.ShopFacts, id string) bool {
	for _, s := range shops {
		if s.ShopID == id {
			return true
		}
	}
	return false
}

// firstRun reads the modal's first-run picker (unix seconds).
func firstRun(v map[string]map[string]string) (time.Time, bool) {
	s := v[blocks.BlockScheduleFirstRun][blocks.ActionScheduleFirstRun]
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil || n <= 0 {
		return time.Time{}, false
	}
	return time.Unix(n, 0), true
}

func (b *Bot) handleSubmission(ctx context.Context, req request) {
	// A modal has no channel: answers go where its card is, found before anything can be refused.
	if a, err := b.opts.Store.Action(ctx, req.Metadata); err == nil {
		if conv, err := b.opts.Store.Conversation(ctx, a.ConversationID); err == nil {
			req.Channel = conv.Channel
		}
	}
	reason, problem := b.formProblem(ctx, req)
	if req.Rejected {
		// The ack showed the errors and the modal stayed open; a refused form is still audited.
		if reason != "" {
			c, _, _ := b.checkAction(ctx, req, req.Metadata)
			b.audit(ctx, refusalRecord(req, c, reason))
		}
		return
	}
	if reason != "" {
		c, _, _ := b.checkAction(ctx, req, req.Metadata)
		b.refuse(ctx, req, c, reason, blocks.FormError(problem))
		return
	}
	c, ok := b.loadAction(ctx, req, req.Metadata)
	if !ok {
		return
	}
	switch req.CallbackID {
	case blocks.CallbackEscalate:
		b.escalate(ctx, req, c, strings.TrimSpace(req.Values[blocks.BlockEscalateNote][blocks.ActionEscalateNote]))
	case blocks.CallbackSchedule, blocks.CallbackLink:
		if !b.authorise(ctx, req, c) {
			return
		}
		r, in, err := b.submitted(c, req)
		if err == nil {
			cctx, cancel := context.WithTimeout(ctx, remedyTimeout)
			err = b.opts.Executor.Check(cctx, c.conv.ProductStoreID, r, in)
			cancel()
		}
		if problems := diagnostics.Problems(err); len(problems) > 0 {
			// Refused before the button is used: it stays on the card for a corrected try.
			b.tell(ctx, req, blocks.Note(blocks.NotRun(inputError(problems[0]))))
			return
		}
		if err != nil {
			b.log.Warn("could not check the fix against the OMS; the executor checks again", "error", err)
		}
		c.remedy = r
		b.remediate(ctx, req, c, in)
	}
}

// opensForm reports whether a click is on a button that opens a form (schedule, link, escalate). Such
// clicks have their own lane, so a form opens within Slack's 3 s however many checks and fixes are
// queued. It reads the button's action, which never waits for the store's writers.
func (b *Bot) opensForm(req request) bool {
	switch {
	case req.Kind != kindClick || req.Value == "":
		return false
	case req.ActionID == blocks.ActionEscalate:
		return true
	case !strings.HasPrefix(req.ActionID, blocks.ActionRemedyPrefix):
		return false // Re-check, links
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Second)
	defer cancel()
	a, err := b.opts.Store.Action(ctx, req.Value)
	return err == nil && callbackOf[a.Kind] != ""
}

// handleForm handles a click that opens a form, writing nothing before views.open. It is not journaled:
// its trigger_id dies 3 s after the click, so a replay after a restart could not open the form anyway; a
// click the bot stops before handling leaves nothing to undo, and the person presses again. A delivery of
// a click whose trigger this process already used is dropped: a trigger opens one form.
func (b *Bot) handleForm(ctx context.Context, req request) {
	if !b.forms.firstUse(req.TriggerID, time.Now()) {
		b.log.Info("redelivered click dropped", "envelope_id", req.EnvelopeID)
		return
	}
	b.handleClick(ctx, req)
}

// openForms are the forms opened and not yet recorded in the store, by external id, and the triggers
// used lately.
type openForms struct {
	mu       sync.Mutex
	opened   map[string]store.Modal
	triggers map[string]time.Time // trigger id → first use
}

// triggerMemory is how long a used trigger is remembered: Slack honours one for 3 s.
const triggerMemory = time.Minute

// firstUse reports whether trigger is used for the first time lately, and remembers it.
func (f *openForms) firstUse(trigger string, now time.Time) bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	for t, at := range f.triggers {
		if now.Sub(at) > triggerMemory {
			delete(f.triggers, t)
		}
	}
	if _, used := f.triggers[trigger]; used {
		return false
	}
	f.triggers[trigger] = now
	return true
}

func (f *openForms) opening(m store.Modal) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.opened[m.ExternalID] = m
}

func (f *openForms) forget(externalID string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	delete(f.opened, externalID)
}

func (f *openForms) get(externalID string) (store.Modal, bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	m, ok := f.opened[externalID]
	return m, ok
}
