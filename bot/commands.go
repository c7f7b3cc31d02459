package bot

import (
	"cmp"
	"context"
	"errors"
	"slices"
	"strings"

	"github.com/preorderbot/preorderbot/bot/blocks"
	"github.com/preorderbot/preorderbot/diagnostics"
	"github.com/slack-go/slack"
)

// JobLister reads the pre-order jobs of a store; diagnostics.Chain satisfies it.
type JobLister interface {
	JobHealth(ctx context.Context, storeID string) (diagnostics.JobsReport, error)
}

func (b *Bot) handleCommand(ctx context.Context, req request) {
	if req.Kind == kindMention {
		b.react(ctx, req.Channel, req.MessageTS, "eyes")
	}
	cmd, err := ParseCommand(req.Text)
	var ue *UsageError
	if errors.As(err, &ue) {
		b.tell(ctx, req, blocks.Notice(blocks.Usage(ue.Misuse), ue.Usage))
		return
	}
	if problem := b.unknownStore(ctx, cmd.StoreID); problem != "" {
		b.tell(ctx, req, blocks.Notice(problem, usageOf(cmd.Name)))
		return
	}
	switch cmd.Name {
	case cmdHelp:
		b.tell(ctx, req, blocks.Help(helpRows()))
	case cmdHistory:
		b.history(ctx, req, cmd)
	case cmdJobs:
		b.jobs(ctx, req, cmd)
	case cmdDoctor:
		b.doctor(ctx, req)
	case cmdCheck:
		b.startCheck(ctx, req, cmd)
	case cmdSweep:
		b.handleSweep(ctx, req, cmd)
	}
}

func helpRows() []blocks.Command {
	rows := make([]blocks.Command, len(commandTable))
	for i, c := range commandTable {
		rows[i] = blocks.Command{Usage: c.Usage, Description: c.Summary}
	}
	return rows
}

func (b *Bot) react(ctx context.Context, channel, ts, name string) {
	err := b.api.AddReactionContext(ctx, name, slack.NewRefToMessage(channel, ts))
	b.metrics.observeSlack("reactions.add", err, false)
	if err != nil {
		b.log.Debug("reaction failed", "error", err)
	}
}

// whisper answers only the asker, even when the question came as a public mention: jobs and history
// are private answers. A mention's answer goes, as an ephemeral message, into the mention's thread.
func (b *Bot) whisper(ctx context.Context, req request, m blocks.Message) {
	if req.Kind != kindMention {
		b.tell(ctx, req, m)
		return
	}
	opts := []slack.MsgOption{slack.MsgOptionText(m.Text, false), slack.MsgOptionBlocks(m.Blocks...)}
	if req.ThreadTS != "" {
		opts = append(opts, slack.MsgOptionTS(req.ThreadTS))
	}
	_, err := b.api.PostEphemeralContext(ctx, req.Channel, req.User, opts...)
	b.metrics.observeSlack("chat.postEphemeral", err, false)
	if err != nil {
		b.log.Warn("could not answer user", "user", req.User, "channel", req.Channel, "error", err)
	}
}

// jobs answers /preorder jobs privately: per shop, each pre-order job's state.
func (b *Bot) jobs(ctx context.Context, req request, cmd Command) {
	storeID := cmp.Or(cmd.StoreID, b.opts.StoreID)
	if b.opts.Jobs == nil {
		b.whisper(ctx, req, blocks.Note(blocks.Canned(blocks.JobsUnavailable)))
		return
	}
	rep, err := b.opts.Jobs.JobHealth(ctx, storeID)
	if err != nil {
		b.log.Warn("job health failed", "store", storeID, "error", err)
		b.whisper(ctx, req, blocks.Note(blocks.JobsUnreadable(storeID, shortErr(err))))
		return
	}
	b.metrics.observeJobFailures(rep.FailedRuns())
	v := blocks.JobsView{ProductStoreID: storeID, Now: b.now()}
	for _, s := range rep.Shops {
		v.Shops = append(v.Shops, blocks.JobsShop{ShopID: s.ShopID, Name: s.Name, Role: s.Role})
	}
	for _, j := range rep.Jobs {
		v.Rows = append(v.Rows, blocks.JobRow{ShopID: j.ShopID, Job: j.Job, JobID: j.JobID, Enabled: j.Enabled,
			Frequency: j.Frequency, NextRun: j.NextRun, LastRun: j.LastRun, LastFailure: j.LastFailure, LastError: j.LastError, Signature: j.Signature})
	}
	b.whisper(ctx, req, blocks.Jobs(v))
}

// history answers /preorder history privately, from the audit trail.
func (b *Bot) history(ctx context.Context, req request, cmd Command) {
	sku := cmd.SKUs[0]
	recs, err := b.opts.Store.AuditBySKU(ctx, sku)
	if err != nil {
		b.whisper(ctx, req, blocks.Note(blocks.Canned(blocks.HistoryUnreadable)))
		return
	}
	storeID := cmp.Or(cmd.StoreID, b.opts.StoreID)
	v := blocks.HistoryView{SKU: sku, Now: b.now()}
	links := map[string]string{} // escalations of one cause share a thread: one permalink each
	for _, a := range recs {
		if a.ProductStoreID != "" && a.ProductStoreID != storeID {
			continue
		}
		e := blocks.HistoryEntry{At: a.At, Who: a.Actor, What: cmp.Or(a.Detail, a.Action), Result: a.Outcome}
		switch {
		case a.Action == "check":
			e.Kind, e.What, e.Cause, e.Result = blocks.HistoryCheck, "check", a.Outcome, ""
		case a.Action == actionJobRun:
			e.Kind, e.What, e.Outcome = blocks.HistoryJobRun, a.Request, a.Detail
		case strings.HasPrefix(a.Action, "escalate"):
			e.Kind, e.What, e.Result = blocks.HistoryEscalation, "", ""
			e.Link = b.threadLink(ctx, links, a.Outcome)
		case strings.HasPrefix(a.Action, "claim:"):
			continue // the remedy record that follows says what happened
		default:
			e.Kind = blocks.HistoryAction
		}
		v.Entries = append(v.Entries, e)
	}
	sweeps, err := b.opts.Store.SweepHistory(ctx, storeID, sku, 0)
	if err != nil {
		b.log.Warn("read sweep history", "sku", sku, "error", err)
	}
	for _, s := range sweeps {
		v.Entries = append(v.Entries, blocks.HistoryEntry{At: s.At, Kind: blocks.HistorySweep, What: "sweep", Cause: s.Cause})
	}
	slices.SortStableFunc(v.Entries, func(a, b blocks.HistoryEntry) int { return b.At.Compare(a.At) })
	b.whisper(ctx, req, blocks.History(v))
}

// threadLink is the permalink of the support thread an escalation record names ("thread C…/17…; …"), or
// a channel link when Slack gives no permalink. links holds the permalinks already asked for, by thread.
func (b *Bot) threadLink(ctx context.Context, links map[string]string, outcome string) string {
	ref, ok := strings.CutPrefix(outcome, "thread ")
	if !ok {
		return ""
	}
	ref, _, _ = strings.Cut(ref, ";")
	channel, ts, ok := strings.Cut(ref, "/")
	if !ok || channel == "" || ts == "" {
		return ""
	}
	link, asked := links[ref]
	if !asked {
		link = b.permalink(ctx, channel, ts)
		links[ref] = link
	}
	return link
}

// shortErr keeps an error readable on a card: its first line, at most 300 characters.
func shortErr(err error) string { return shortText(err.Error()) }

// shortText is the first line of s, at most 300 characters.
func shortText(s string) string {
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		s = s[:i]
	}
	if r := []rune(s); len(r) > 300 {
		s = string(r[:300]) + "…"
	}
	return s
}
