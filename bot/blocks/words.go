package blocks

import (
	"fmt"
	"strings"
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

// reportEmoji summarises a whole report: healthy is a pass even when a check only warned about
// something harmless, and an unreachable OMS is never shown as a failure of the product.
func reportEmoji(r diagnostics.Report) string {
	switch r.Cause {
	case diagnostics.CauseHealthy:
		return "✅"
	case diagnostics.CauseOMSUnavailable, diagnostics.CauseIncomplete:
		return "❓"
	}
	if r.Status == diagnostics.StatusUnknown {
		return "❌" // a cause was found, though some checks could not run
	}
	return statusEmoji(r.Status)
}

var checkTitles = map[string]string{
	diagnostics.CheckProduct:          "Product",
	diagnostics.CheckPreorderCategory: "Pre-order category",
	diagnostics.CheckShopLinks:        "Shop links",
	diagnostics.CheckAssociationJob:   "Association job",
	diagnostics.CheckAssociationTime:  "Association timing",
	diagnostics.CheckPresellRefresh:   "Auto Refresh Pre-sell Catalog",
	diagnostics.CheckCatalogSync:      "Preorder Catalog Sync",
	diagnostics.CheckJobFailures:      "Job failures",
	diagnostics.CheckShopListing:      "Shop listing",
}

// checkTitle names a check as the operator knows it; unknown ids are shown as they are.
func checkTitle(id string) string {
	if t, ok := checkTitles[id]; ok {
		return t
	}
	return id
}

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

// shortCauses are a few words per cause, for the multi-SKU matrix.
var shortCauses = map[string]string{
	diagnostics.CauseUnknownSKU:            "unknown SKU",
	diagnostics.CauseNotPreorder:           "not a pre-order product",
	diagnostics.CauseAssociationJobMissing: "association job not scheduled",
	diagnostics.CauseAssociatedAfterSync:   "linked after the last sync",
	diagnostics.CausePresellJobsDisabled:   "pre-order jobs disabled",
	diagnostics.CauseJobFailing:            "a pre-order job is failing",
	diagnostics.CauseNeedsManualLink:       "needs a manual link",
	diagnostics.CauseUnexplained:           "unexplained: escalate",
	diagnostics.CauseHealthy:               "healthy",
	diagnostics.CauseIncomplete:            "could not check everything",
	diagnostics.CauseOMSUnavailable:        "OMS unavailable",
}

func shortCause(cause string) string {
	if s, ok := shortCauses[cause]; ok {
		return s
	}
	return cause
}

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
func nameList(names []string) string {
	switch len(names) {
	case 0:
		return ""
	case 1:
		return names[0]
	}
	return strings.Join(names[:len(names)-1], ", ") + " and " + names[len(names)-1]
}

// userMention renders a Slack user id as a mention; an empty id reads as "someone".
func userMention(id string) string {
	if id == "" {
		return "someone"
	}
	return "<@" + id + ">"
}
