package blocks

import (
	"strings"
	"time"

	"github.com/preorderbot/preorderbot/diagnostics"
	"github.com/slack-go/slack"
)

// JobsView is the input of /preorder jobs: the store's shops and the state of each pre-order related job.
// The bot fills it from findJobs; rendering only arranges it.
type JobsView struct {
	ProductStoreID string
	Shops          []JobsShop // display order
	Rows           []JobRow
	Now            time.Time
}

// JobsShop is one shop of the store.
type JobsShop struct {
	ShopID string
	Name   string
	Role   string // diagnostics.RoleParent, RoleChild or RoleDisconnected
}

// JobRow is one pre-order related job for one shop, or for the whole store when ShopID is empty.
type JobRow struct {
	ShopID      string
	Job         string // systemJobEnumId
	JobID       string // the scheduled (pending) job, if any
	Enabled     bool   // pending with a frequency, the Job Manager's "enabled"
	Frequency   string // TemporalExpression id
	NextRun     time.Time
	LastRun     time.Time // end of the last finished run
	LastFailure time.Time // end of the last failed or crashed run
	LastError   string    // its error text
	// Signature explains the last failure; nil or zero when no known failure matches it.
	Signature *diagnostics.SignatureRef
}

// Jobs renders the health of the pre-order jobs, grouped by shop, store-wide jobs first.
func Jobs(v JobsView) Message {
	var lines []string
	if rows := rowsFor(v.Rows, ""); len(rows) > 0 {
		lines = append(lines, "*Store-wide*")
		lines = append(lines, rows...)
	}
	for _, s := range v.Shops {
		name := s.Name
		if name == "" {
			name = s.ShopID
		}
		lines = append(lines, "*"+escape(name)+"* `"+escape(s.ShopID)+"` "+s.Role)
		rows := rowsFor(v.Rows, s.ShopID)
		if len(rows) == 0 {
			rows = []string{"    ➖ no pre-order jobs for this shop"}
		}
		lines = append(lines, rows...)
	}
	if len(lines) == 0 {
		lines = []string{"No pre-order jobs found for this store."}
	}
	title := "Pre-order jobs · " + v.ProductStoreID
	blocks := []slack.Block{header("header", title)}
	blocks = append(blocks, capBlocks(packSections("jobs", "", lines), maxMessageBlocks-3)...)
	blocks = append(blocks, contextLine("context", "As of "+slackDate(v.Now)+" · <"+JobManagerURL+"|Open the Job Manager>"))
	return newMessage(title, blocks)
}

// rowsFor renders the jobs of one shop ("" = store-wide).
func rowsFor(rows []JobRow, shopID string) []string {
	var out []string
	for _, r := range rows {
		if r.ShopID != shopID {
			continue
		}
		out = append(out, "    "+jobLine(r))
	}
	return out
}

// jobLine reads: enabled?, frequency, next and last run, last failure with its error. A failure newer than
// the last good run is a warning even when the job is enabled: its runs are not doing their work.
func jobLine(r JobRow) string {
	emoji := "✅"
	parts := []string{frequencyName(r.Frequency)}
	switch {
	case !r.Enabled:
		emoji, parts = "❌", []string{"not enabled"}
	case !r.LastFailure.IsZero() && r.LastFailure.After(r.LastRun):
		emoji = "⚠️"
	}
	if r.Enabled && !r.NextRun.IsZero() {
		parts = append(parts, "next "+slackDate(r.NextRun))
	}
	parts = append(parts, "last run "+slackDate(r.LastRun))
	if !r.LastFailure.IsZero() {
		parts = append(parts, "last failure "+slackDate(r.LastFailure)+lastFailure(r))
	}
	line := emoji + " *" + jobName(r.Job) + "*"
	if r.JobID != "" {
		line += " `" + escape(r.JobID) + "`"
	}
	return line + " · " + strings.Join(parts, " · ")
}

// lastFailure explains the last failure in words when a signature knows it, else quotes the OMS and
// says it is not a known failure.
func lastFailure(r JobRow) string {
	if r.Signature != nil && r.Signature.Known() {
		s := ": " + escape(r.Signature.Meaning) + " `" + escape(r.Signature.ID) + "`"
		if r.Signature.Transient {
			s += " (passes by itself: run it again)"
		}
		return s
	}
	if r.LastError == "" {
		return ""
	}
	return ", not a known failure: " + escape(truncate(oneLine(r.LastError), 300))
}

// capBlocks keeps at most n blocks, replacing the rest with a line that says how many were left out.
func capBlocks(bs []slack.Block, n int) []slack.Block {
	if len(bs) <= n {
		return bs
	}
	kept := append([]slack.Block(nil), bs[:n-1]...)
	return append(kept, contextLine("more", itoa(len(bs)-n+1)+" more sections not shown."))
}
