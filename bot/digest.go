package bot

import (
	"bytes"
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"time"

	"github.com/slack-go/slack"

	"github.com/preorderbot/preorderbot/bot/blocks"
	"github.com/preorderbot/preorderbot/diagnostics"
	"github.com/preorderbot/preorderbot/store"
)

// digest is what a digest card shows, kept on its conversation (LastReport) so clicks and re-checks
// find it after a restart.
type digest struct {
	Store      string                    `json:"store"`
	By         string                    `json:"by,omitempty"`
	StartedAt  time.Time                 `json:"startedAt"`
	FinishedAt time.Time                 `json:"finishedAt,omitzero"`
	Progress   diagnostics.SweepProgress `json:"progress"`
	EndsAt     time.Time                 `json:"endsAt,omitzero"`
	SKUs       int                       `json:"skus"`
	OMSCalls   int                       `json:"omsCalls"`
	Elapsed    time.Duration             `json:"elapsed"`
	ByCause    map[diagnostics.Cause]int `json:"byCause"`
	// Problems lists the SKUs of each cause but healthy (a product the index lacks by its product id).
	Problems  map[diagnostics.Cause][]string `json:"problems"`
	Previous  time.Time                      `json:"previous,omitzero"` // the sweep new and resolved compare with
	New       []string                       `json:"new,omitempty"`
	Resolved  []string                       `json:"resolved,omitempty"`
	Trend     map[diagnostics.Cause][]int    `json:"trend,omitempty"` // cause → last count of each of 7 days, -1: no sweep
	Unchecked []blocks.Unchecked             `json:"unchecked,omitempty"`
	Failures  []blocks.Failures              `json:"failures,omitempty"`
	Fixes     []bulkFix                      `json:"fixes,omitempty"`
	Escalated []blocks.DigestEscalation      `json:"escalated,omitempty"` // causes sent to Support since, newest last
	// Lines are what happened since, newest last, as stored before it was stored as facts (mrkdwn); they
	// come before Escalated. Nothing writes them any more.
	Lines []string `json:"lines,omitempty"`
}

// bulkFix is one fix that serves many SKUs: the SKUs whose first fix has the same effect.
type bulkFix struct {
	Effect string                `json:"effect"`
	Remedy diagnostics.Remedy    `json:"remedy"`
	Cause  diagnostics.Cause     `json:"cause"`
	SKUs   []string              `json:"skus"`
	State  string                `json:"state,omitempty"`  // "", fixing, watching, done, failed, unknown
	Status *blocks.BulkFixStatus `json:"status,omitempty"` // how it went, once pressed
	// Line is how it went as stored before Status was (mrkdwn), shown while Status is nil.
	Line string `json:"line,omitempty"`
}

// set moves the fix to state, with the facts its line is worded from.
func (f *bulkFix) set(state string, s blocks.BulkFixStatus) {
	f.State, f.Status, f.Line = state, &s, ""
}

// Bulk fix states.
const (
	fixFixing   = "fixing"
	fixWatching = "watching"
	fixDone     = "done"
	fixFailed   = "failed"
	fixUnknown  = "unknown"
)

// bulkCauses are the causes one fix serves for many SKUs: scheduling a shop's association job, enabling
// the pre-order jobs, a full catalog sync of a shop. A manual link is per product and a failing job needs
// a person, so those get "Check these" and escalation instead.
var bulkCauses = []diagnostics.Cause{diagnostics.CauseAssociationJobMissing, diagnostics.CausePresellJobsDisabled, diagnostics.CauseAssociatedAfterSync}

// bulkRemedies are the fixes of r that each serve every SKU with their effect, when r's cause has them: a
// SKU whose association job is missing for two shops, or whose two pre-order jobs are disabled, needs both.
func bulkRemedies(r diagnostics.SweepResult) []diagnostics.Remedy {
	if !slices.Contains(bulkCauses, r.Cause) {
		return nil
	}
	var out []diagnostics.Remedy
	for _, m := range r.Remedies {
		switch {
		case m.Kind == diagnostics.RemedyScheduleJob, m.Kind == diagnostics.RemedyEnableJob:
			out = append(out, m)
		case r.Cause == diagnostics.CauseAssociatedAfterSync && m.FullSync():
			out = append(out, m)
		}
	}
	return out
}

func (d digest) problems() int { return d.SKUs - d.ByCause[diagnostics.CauseHealthy] }

// label is how the digest names a result: its SKU, or the product id of a member the index lacks.
func label(r diagnostics.SweepResult) string {
	if r.SKU != "" {
		return r.SKU
	}
	return "product " + r.ProductID
}

// failureGroups adds the store's failed job runs, grouped by known failure.
func failureGroups(d *digest, runs []diagnostics.FailedRun) {
	for _, g := range diagnostics.GroupBySignature(runs) {
		f := blocks.Failures{Label: g.Label, Meaning: g.Signature.Meaning, Runs: len(g.Runs)}
		for _, r := range g.Runs {
			if !slices.Contains(f.Jobs, r.Job) {
				f.Jobs = append(f.Jobs, r.Job)
			}
		}
		if len(g.Runs) > 0 {
			f.Text = g.Runs[0].Text
		}
		d.Failures = append(d.Failures, f)
	}
}

func (d digest) progressView(now time.Time) blocks.DigestProgressView {
	return blocks.DigestProgressView{Store: d.Store, By: d.By, StartedAt: d.StartedAt, Done: d.Progress.Done,
		Expected: d.Progress.Expected, Problems: d.Progress.Problems, OMSCalls: d.Progress.OMSCalls, EndsAt: d.EndsAt, Now: now}
}

// view turns the digest into what blocks draws; actions are the buttons' stored ids, by fix index and by
// cause.
func (d digest) view(fixIDs []string, checkIDs, escalateIDs map[diagnostics.Cause]string, link string) blocks.DigestView {
	v := blocks.DigestView{Store: d.Store, By: d.By, StartedAt: d.StartedAt, FinishedAt: d.FinishedAt, SKUs: d.SKUs,
		OMSCalls: d.OMSCalls, Elapsed: d.Elapsed, Previous: d.Previous, New: d.New, Resolved: d.Resolved,
		Unchecked: d.Unchecked, Failures: d.Failures, ListLink: link, Escalated: d.Escalated, Lines: d.Lines}
	for cause, skus := range d.Problems {
		v.Causes = append(v.Causes, blocks.DigestCause{Cause: cause, SKUs: len(skus), Examples: skus[:min(5, len(skus))],
			Trend: d.Trend[cause], CheckAction: checkIDs[cause], EscalateAction: escalateIDs[cause]})
	}
	slices.SortFunc(v.Causes, func(x, y blocks.DigestCause) int {
		return cmp.Or(cmp.Compare(y.SKUs, x.SKUs), cmp.Compare(x.Cause, y.Cause))
	})
	for i, f := range d.Fixes {
		bf := blocks.DigestFix{Label: f.Remedy.Label, SKUs: len(f.SKUs), Status: f.Status, Line: f.Line}
		if i < len(fixIDs) && len(f.SKUs) > 0 && (f.State == "" || f.State == fixFailed) {
			bf.Action = fixIDs[i]
		}
		v.Fixes = append(v.Fixes, bf)
	}
	return v
}

// Params of a digest button's action.
const (
	paramFix   = "fix"   // the index of the bulk fix in the digest
	paramCause = "cause" // the cause a "Check these" or escalation is for
)

// Kinds of the digest's buttons' actions: none of them is a remedy a check card's click would run.
const (
	actionBulkFix      = "bulk-fix"
	actionBulkCheck    = "bulk-check"
	actionBulkEscalate = "bulk-escalate"
)

// showDigest draws the digest's card as stored, with fresh buttons stored in the same transaction: a card
// when something is wrong, one line when nothing is. set, when not nil, is stored first (a sweep's result).
// The digest drawn is read in that transaction, so a change recorded meanwhile by another goroutine (a
// re-check, a fix's answer) is drawn, never overwritten by an older copy. note, when set, goes to the thread.
func (b *Bot) showDigest(ctx context.Context, convID uint64, set *digest, note string) {
	var js []byte
	if set != nil {
		var err error
		if js, err = json.Marshal(set); err != nil {
			b.log.Error("could not encode the digest", "error", err)
			return
		}
	}
	var (
		conv   store.Conversation
		d      digest
		fixIDs []string
	)
	checkIDs, escalateIDs := map[diagnostics.Cause]string{}, map[diagnostics.Cause]string{}
	err := b.opts.Store.Write(ctx, "draw digest", func(w *store.Writes) error {
		var err error
		conv, err = w.UpdateConversation(convID, func(c *store.Conversation) error {
			if js != nil {
				c.LastReport = js
			}
			c.CardVersion++
			return nil
		})
		if err != nil {
			return err
		}
		var ok bool
		if d, ok = loadDigest(conv); !ok {
			return errNoDigest
		}
		fixIDs, checkIDs, escalateIDs = nil, map[diagnostics.Cause]string{}, map[diagnostics.Cause]string{}
		v := strconv.Itoa(conv.CardVersion)
		var acts []store.Action
		base := store.Action{ConversationID: conv.ID, CreatedBy: conv.RequestedBy, ExpiresAt: b.now().Add(b.opts.ActionTTL)}
		for i, f := range d.Fixes {
			rj, _ := json.Marshal(f.Remedy)
			a := base
			a.ID, a.Kind = store.NewActionID(), actionBulkFix
			a.Params = map[string]string{paramFix: strconv.Itoa(i), "remedy": string(rj), "store": d.Store, "v": v}
			fixIDs = append(fixIDs, a.ID)
			acts = append(acts, a)
		}
		for cause := range d.Problems {
			if slices.Contains(bulkCauses, cause) || cause == diagnostics.CauseUnknownSKU {
				continue
			}
			for _, kind := range []string{actionBulkCheck, actionBulkEscalate} {
				a := base
				a.ID, a.Kind = store.NewActionID(), kind
				a.Params = map[string]string{paramCause: string(cause), "store": d.Store, "v": v}
				if kind == actionBulkCheck {
					checkIDs[cause] = a.ID
				} else {
					escalateIDs[cause] = a.ID
				}
				acts = append(acts, a)
			}
		}
		_, err = w.CreateActions(acts...)
		return err
	})
	if err != nil {
		b.log.Error("could not store the digest", "conversation_id", convID, "error", err)
		return
	}
	link := ""
	if d.problems() > 0 {
		link = b.permalink(ctx, conv.Channel, conv.CardTS)
	}
	m := blocks.Digest(d.view(fixIDs, checkIDs, escalateIDs, link))
	if err := b.update(ctx, b.log, conv.Channel, conv.CardTS, m); err != nil {
		b.log.Error("could not draw the digest", "conversation_id", convID, "error", err)
	} else if conv.Redraw > 0 {
		b.drawn(ctx, conv)
	}
	if note != "" {
		b.postThread(ctx, conv, blocks.Note(note))
	}
}

// uploadSweepCSV shares the SKUs with a problem as a CSV file in the digest's thread (slack-go's files
// upload v2 flow: getUploadURLExternal, the upload, completeUploadExternal).
func (b *Bot) uploadSweepCSV(ctx context.Context, conv store.Conversation, results []diagnostics.SweepResult) {
	name := fmt.Sprintf("sweep-%s-%s.csv", conv.ProductStoreID, conv.CreatedAt.UTC().Format("2006-01-02-1504"))
	words := blocks.SweepList(conv.ProductStoreID, len(results))
	b.uploadCSV(ctx, conv.Channel, conv.CardTS, name, words.Title, words.Comment, results)
}

// uploadCSV shares results as a CSV file in a thread.
func (b *Bot) uploadCSV(ctx context.Context, channel, thread, name, title, comment string, results []diagnostics.SweepResult) {
	slices.SortFunc(results, func(x, y diagnostics.SweepResult) int {
		return cmp.Or(cmp.Compare(x.Cause, y.Cause), cmp.Compare(x.SKU, y.SKU), cmp.Compare(x.ProductID, y.ProductID))
	})
	var buf bytes.Buffer
	if err := diagnostics.WriteSweepCSV(&buf, results); err != nil {
		b.log.Error("could not write the sweep's CSV", "error", err)
		return
	}
	_, err := b.api.UploadFileContext(ctx, slack.UploadFileParameters{
		Channel: channel, ThreadTimestamp: thread, Filename: name, FileSize: buf.Len(), Reader: &buf, Title: title, InitialComment: comment,
	})
	b.metrics.observeSlack("files.upload", err, false)
	if err != nil {
		b.log.Error("could not upload a CSV", "file", name, "error", err)
	}
}

// loadDigest reads the digest a conversation keeps.
func loadDigest(conv store.Conversation) (digest, bool) {
	var d digest
	if conv.Kind != kindDigest || json.Unmarshal(conv.LastReport, &d) != nil || d.Store == "" {
		return digest{}, false
	}
	return d, true
}

// checkDigestChannel makes sure the bot is in the digest channel; when it is not, it says so in the log
// and on /readyz.
func (b *Bot) checkDigestChannel(ctx context.Context) {
	ch := b.opts.DigestChannel
	if ch == "" {
		return
	}
	info, err := b.api.GetConversationInfoContext(ctx, &slack.GetConversationInfoInput{ChannelID: ch})
	b.metrics.observeSlack("conversations.info", err, false)
	switch {
	case err != nil:
		b.noteDigestChannel(err)
	case !info.IsMember:
		b.noteDigestChannel(fmt.Errorf("not_in_channel"))
	default:
		b.health.clear(blocks.DigestChannelClosed)
	}
}

// noteDigestChannel records why the digest channel refused the bot.
func (b *Bot) noteDigestChannel(err error) {
	ch := b.opts.DigestChannel
	if ch == "" {
		return
	}
	b.log.Warn("digest channel unusable", "channel", ch, "error", err)
	b.health.set(blocks.Unready{Kind: blocks.DigestChannelClosed, Channel: ch, Detail: err.Error()})
}

// errNoDigest is a conversation that holds no digest.
var errNoDigest = errors.New("the conversation holds no digest")

// drawn records that Slack shows the card as conv had it, unless a change was recorded since: that change
// is drawn by its own redraw, or at the next start.
func (b *Bot) drawn(ctx context.Context, conv store.Conversation) {
	if _, err := b.opts.Store.UpdateConversation(ctx, conv.ID, func(c *store.Conversation) error {
		if c.Redraw == conv.Redraw {
			c.Redraw = 0
		}
		return nil
	}); err != nil {
		b.log.Error("could not record the digest drawn; the next start draws it again", "conversation_id", conv.ID, "error", err)
	}
}
