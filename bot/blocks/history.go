package blocks

import (
	"time"

	"github.com/slack-go/slack"
)

// HistoryView is the input of /preorder history SKU: past checks and actions, newest first.
type HistoryView struct {
	SKU     string
	Entries []HistoryEntry
	Now     time.Time
}

// History entry kinds.
const (
	HistoryCheck      = "check"
	HistoryAction     = "action"
	HistoryEscalation = "escalation"
	HistoryJobRun     = "job-run"
	HistorySweep      = "sweep" // the SKU's result in a sweep of the whole catalog
)

// HistoryEntry is one past check or action.
type HistoryEntry struct {
	At      time.Time
	Kind    string // HistoryCheck, HistoryAction, HistoryEscalation, HistoryJobRun or HistorySweep
	Who     string // Slack user id
	What    string // "check", "Schedule association job for Acme CA", …
	Cause   string // for checks and sweeps: the cause id found
	Result  string // for actions: ok, failed, rejected, unknown or already; for job runs: ok or failed
	Outcome string // what the OMS answered
	Link    string // for escalations: the support thread's permalink
}

// maxHistoryLines bounds the answer; older entries are counted, not shown.
const maxHistoryLines = 100

// History renders the past of one SKU as an ephemeral message.
func History(v HistoryView) Message {
	title := "History of " + v.SKU
	var lines []string
	for i, e := range v.Entries {
		if i == maxHistoryLines {
			lines = append(lines, "… and "+itoa(len(v.Entries)-i)+" older entries")
			break
		}
		lines = append(lines, historyLine(e))
	}
	if len(lines) == 0 {
		lines = []string{"Nothing recorded for " + escape(v.SKU) + " yet: run `/preorder check " + escape(v.SKU) + "`."}
	}
	blocks := []slack.Block{header("header", title)}
	blocks = append(blocks, capBlocks(packSections("history", "", lines), maxMessageBlocks-3)...)
	blocks = append(blocks, contextLine("context", "As of "+slackDate(v.Now)))
	return newMessage(title, blocks)
}

func historyLine(e HistoryEntry) string {
	line := slackDate(e.At) + " · "
	switch e.Kind {
	case HistoryCheck:
		line += "🔍 check by " + userMention(e.Who)
		if e.Cause != "" {
			line += ": " + shortCause(e.Cause)
		}
	case HistorySweep:
		line += "🧹 sweep: " + escape(shortCause(e.Cause))
	case HistoryEscalation:
		line += "📨 escalated by " + userMention(e.Who)
		if e.Link != "" {
			line += " · <" + e.Link + "|support thread>"
		}
	case HistoryJobRun:
		line += resultEmoji(e.Result) + " " + escape(oneLine(e.What))
	default:
		line += resultEmoji(e.Result) + " " + userMention(e.Who) + " " + escape(oneLine(e.What))
	}
	if e.Outcome != "" {
		line += ": " + escape(truncate(oneLine(e.Outcome), 300))
	}
	return line
}

// resultEmoji shows how an action or a job run ended; an action whose result was not recorded shows 🔧.
func resultEmoji(result string) string {
	switch result {
	case "ok", "already":
		return "✅"
	case "unknown":
		return "⚠️"
	case "":
		return "🔧"
	}
	return "❌"
}
