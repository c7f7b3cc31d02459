package blocks

import (
	"fmt"
	"time"

	"github.com/preorderbot/preorderbot/diagnostics"
)

// statusEmoji is how a check status reads at a glance. Unicode rather than :shortcodes: so the plain-text
// fallback and notifications show the same symbol.
func statusEmoji(s diagnostics.Status) string {
	switch s {
	case diagnostics.StatusPass:
		return "✅"
	case diagnostics.StatusWarn:
		return "⚠️"
	case diagnostics.StatusFail:
		return "❌"
	case diagnostics.StatusSkip:
		return "➖"
	case diagnostics.StatusPending:
		return "⏳"
	default:
		return "❓"
	}
}

// reportEmoji summarises a whole report as its verdict's status, except that healthy is a pass even when a
// check only warned about something harmless.
func reportEmoji(r diagnostics.Report) string {
	if !r.Cause.Problem() {
		return statusEmoji(diagnostics.StatusPass)
	}
	return statusEmoji(r.VerdictStatus())
}

// checkTitle names a check as the operator knows it; unknown ids are shown as they are.
func checkTitle(id diagnostics.CheckID) string { return id.Title() }

// jobNames are the Job Manager names of the default job enum ids (hotwax-api.md §4.7).
var jobNames = map[string]string{
	"JOB_UPD_PROD_ASSOC":   "Associate Products with Sub Catalog",
	"JOB_REL_PREODR_CAT":   "Auto Refresh Pre-sell Catalog",
	"JOB_PREORDER_CAT_SYC": "Preorder Catalog Sync",
	"JOB_IMP_PROD_NEW":     "Import New Products",
	"JOB_IMP_PROD_UPD":     "Import Product Updates",
}

// jobName is the Job Manager name of a job enum id; configured ids this package does not know stay as ids.
func jobName(enumID string) string {
	if n, ok := jobNames[enumID]; ok {
		return n
	}
	return enumID
}

// frequencyName reads a TemporalExpression id in words.
func frequencyName(id string) string { return diagnostics.FrequencyName(id) }

// shortCause says a cause id, as stored in history and forms, in a few words.
func shortCause(id string) string { return diagnostics.Cause(id).Short() }

// slackDate renders t with Slack's date token, so every reader sees it in their own time zone; the
// fallback after | is UTC for clients that cannot format it.
func slackDate(t time.Time) string {
	if t.IsZero() {
		return "never"
	}
	return fmt.Sprintf("<!date^%d^{date_short_pretty} {time}|%s>", t.Unix(), plainDate(t))
}

// plainDate is a time for plain_text fields and fallback text, where Slack's date token does not work.
func plainDate(t time.Time) string {
	if t.IsZero() {
		return "never"
	}
	return t.UTC().Format("2006-01-02 15:04 UTC")
}

// nameList joins names as "A", "A and B", "A, B and C".
func nameList(names []string) string { return diagnostics.NameList(names) }

// userMention renders a Slack user id as a mention; an empty id reads as "someone".
func userMention(id string) string {
	if id == "" {
		return "someone"
	}
	return "<@" + id + ">"
}
