package blocks

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/slack-go/slack"

	"github.com/preorderbot/preorderbot/diagnostics"
)

// Action ids of the digest's buttons; the value is the opaque action id, as on a check card.
const (
	ActionDigestFixPrefix      = "digest.fix."
	ActionDigestCheckPrefix    = "digest.check."
	ActionDigestEscalatePrefix = "digest.escalate."
)

// DigestProgressView is a sweep under way.
type DigestProgressView struct {
	Store     string
	By        string // empty: the schedule
	StartedAt time.Time
	Done      int
	Expected  int
	Problems  int
	OMSCalls  int
	EndsAt    time.Time // zero: not known yet
	Now       time.Time
}

// DigestProgress is the digest card while its sweep runs, edited in place as SKUs are checked.
func DigestProgress(v DigestProgressView) Message {
	title := "⏳ Sweeping the pre-order catalog of " + v.Store
	line := "Listing the pre-order SKUs …"
	if v.Done > 0 {
		line = fmt.Sprintf("*%s* of about %s SKUs checked · %s with a problem so far · %s OMS requests",
			thousands(v.Done), thousands(max(v.Expected, v.Done)), thousands(v.Problems), thousands(v.OMSCalls))
		if !v.EndsAt.IsZero() {
			line += " · ends about " + slackDate(v.EndsAt)
		}
	}
	return newMessage(title+": "+line, []slack.Block{
		header("header", title),
		section("progress", line),
		contextLine("context", startedBy(v.By)+" · started "+slackDate(v.StartedAt)),
	})
}

func startedBy(by string) string {
	if by == "" {
		return "Scheduled sweep"
	}
	return "Asked by " + userMention(by)
}

// DigestView is a finished sweep.
type DigestView struct {
	Store      string
	By         string
	StartedAt  time.Time
	FinishedAt time.Time
	SKUs       int
	OMSCalls   int
	Elapsed    time.Duration
	Causes     []DigestCause // every cause but healthy, most SKUs first
	Previous   time.Time     // zero: no earlier sweep to compare with
	New        []string
	Resolved   []string
	Unchecked  []Unchecked
	Failures   []Failures
	Fixes      []DigestFix
	ListLink   string // where the full list is: the digest's thread
	// Escalated lists the causes whose SKUs were sent to HotWax Support since the sweep, oldest first.
	Escalated []DigestEscalation
	// Lines are what happened since the sweep as stored before it was stored as facts (mrkdwn), older than
	// Escalated; shown as they are.
	Lines []string
}

// DigestCause is one cause's SKUs in a digest.
type DigestCause struct {
	Cause          diagnostics.Cause
	SKUs           int
	Examples       []string // up to five
	Trend          []int    // the last seven days, oldest first; -1: no sweep that day
	CheckAction    string   // "Check these" button's action id, empty when the cause has a bulk fix
	EscalateAction string
}

// DigestFix is one fix that serves many SKUs.
type DigestFix struct {
	Label  string
	SKUs   int
	Action string         // empty: no button (under way or done)
	Status *BulkFixStatus // how it went, once it started
	// Line is how it went as stored before it was stored as facts (mrkdwn); shown as it is when Status is nil.
	Line string
}

// Unchecked is a batch of SKUs the OMS could not answer for.
type Unchecked struct {
	Reason string `json:"reason"`
	SKUs   int    `json:"skus"`
}

// Failures are the store's failed job runs that share a known failure.
type Failures struct {
	Label   string   `json:"label"`   // signature id, or "unknown"
	Meaning string   `json:"meaning"` // empty for an unknown failure
	Runs    int      `json:"runs"`
	Jobs    []string `json:"jobs"` // the jobs that failed so, each once
	Text    string   `json:"text"` // the newest run's error
}

// digestExamples is how many SKUs a cause names on the card.
const digestExamples = 5

// Digest is a finished sweep: one short line when nothing is wrong, else a card with the problems by
// cause, what is new and resolved, the trend, failures, unchecked SKUs and the bulk fixes.
func Digest(v DigestView) Message {
	problems := 0
	for _, c := range v.Causes {
		problems += c.SKUs
	}
	when := slackDate(v.FinishedAt)
	if problems == 0 {
		return Note(fmt.Sprintf("✅ Sweep of %s: all %s pre-order SKUs are in sync (%s).", escape(v.Store), thousands(v.SKUs), when))
	}
	title := fmt.Sprintf("Pre-order sweep of %s: %s of %s SKUs need attention", v.Store, thousands(problems), thousands(v.SKUs))
	var out []slack.Block
	out = append(out, header("header", "🧹 "+title))
	summary := fmt.Sprintf("*%s* checked %s in %s with %s OMS requests: *%s* with a problem.",
		skuCount(v.SKUs), when, v.Elapsed.Round(100*time.Millisecond), thousands(v.OMSCalls), thousands(problems))
	if v.Previous.IsZero() {
		summary += "\nThis is the first sweep of the store I know of: nothing to compare with."
	} else {
		summary += fmt.Sprintf("\nSince the sweep of %s: *%d new* %s · *%d resolved* %s",
			slackDate(v.Previous), len(v.New), skuExamples(v.New), len(v.Resolved), skuExamples(v.Resolved))
	}
	out = append(out, section("summary", summary))

	var causeLines []string
	for _, c := range v.Causes {
		line := fmt.Sprintf("*%s* · %s%s\n%s", escape(digestCause(c.Cause)), skuCount(c.SKUs), trendText(c.Trend), skuExamples(c.Examples))
		if c.SKUs > len(c.Examples) && v.ListLink != "" {
			line += fmt.Sprintf(" … <%s|the full list> (CSV in the thread)", v.ListLink)
		}
		causeLines = append(causeLines, line)
	}
	out = append(out, packSections("causes", "*Problems by cause* (7-day trend, oldest first; · no sweep that day)", causeLines)...)

	if len(v.Unchecked) > 0 {
		var lines []string
		for _, u := range v.Unchecked {
			lines = append(lines, fmt.Sprintf("⚠️ %s: %s", skuCount(u.SKUs), escape(truncate(u.Reason, 300))))
		}
		out = append(out, packSections("unchecked", "*Could not be checked* (asked again once; never counted healthy)", lines)...)
	}
	if len(v.Failures) > 0 {
		var lines []string
		for _, f := range v.Failures {
			what := "`" + escape(f.Label) + "` " + escape(f.Meaning)
			if f.Label == diagnostics.UnknownSignature {
				what = "❓ not a known failure: " + quoteLine(escape(truncate(f.Text, 200)))
			}
			runs := "1 failed run"
			if f.Runs != 1 {
				runs = thousands(f.Runs) + " failed runs"
			}
			lines = append(lines, fmt.Sprintf("%s · %s (%s)", runs, what, escape(strings.Join(f.Jobs, ", "))))
		}
		out = append(out, packSections("failures", "*Job failures, by known failure*", lines)...)
	}
	if lines := digestLines(v); len(lines) > 0 {
		out = append(out, packSections("lines", "", lines)...)
	}
	var fixes, others []slack.BlockElement
	for i, f := range v.Fixes {
		if f.Action == "" {
			continue
		}
		label := fmt.Sprintf("%s — %d SKUs", f.Label, f.SKUs)
		btn := button(fmt.Sprintf("%s%d", ActionDigestFixPrefix, i), f.Action, label)
		btn.Style = slack.StylePrimary
		btn.Confirm = confirm("Fix "+thousands(f.SKUs)+" SKUs?",
			fmt.Sprintf("%s. This one change serves %s SKUs of %s; I then watch the job and re-check those SKUs.", f.Label, thousands(f.SKUs), v.Store),
			"Yes, for "+thousands(f.SKUs)+" SKUs", "Cancel")
		fixes = append(fixes, btn)
	}
	for i, c := range v.Causes {
		if c.CheckAction != "" {
			others = append(others, button(fmt.Sprintf("%s%d", ActionDigestCheckPrefix, i), c.CheckAction,
				fmt.Sprintf("Check these: %s (%d)", digestCause(c.Cause), min(c.SKUs, MaxCheckThese))))
		}
		if c.EscalateAction != "" {
			others = append(others, button(fmt.Sprintf("%s%d", ActionDigestEscalatePrefix, i), c.EscalateAction,
				fmt.Sprintf("Escalate: %s (%s)", digestCause(c.Cause), skuCount(c.SKUs))))
		}
	}
	var fixLines []string
	for _, f := range v.Fixes {
		switch {
		case f.Status != nil:
			fixLines = append(fixLines, BulkFixLine(f.Label, *f.Status))
		case f.Line != "":
			fixLines = append(fixLines, f.Line)
		}
	}
	if len(fixLines) > 0 {
		out = append(out, packSections("fixes", "*Bulk fixes*", fixLines)...)
	}
	for _, els := range [][]slack.BlockElement{fixes, others} {
		for start := 0; start < len(els); start += maxActionElements {
			end := min(start+maxActionElements, len(els))
			out = append(out, slack.NewActionBlock(fmt.Sprintf("digest.actions.%d.%d", len(out), start), els[start:end]...))
		}
	}
	out = append(out, contextLine("context", startedBy(v.By)+" · started "+slackDate(v.StartedAt)))
	if len(out) > maxMessageBlocks {
		out = append(out[:maxMessageBlocks-1], out[len(out)-1])
	}
	return newMessage(title, out)
}

// digestCause names a cause in a few words; the digest's buttons say what to do themselves.
func digestCause(cause diagnostics.Cause) string {
	if cause == diagnostics.CauseUnexplained {
		return "unexplained"
	}
	return cause.Short()
}

// skuCount is "1 SKU" or "12,345 SKUs".
func skuCount(n int) string {
	if n == 1 {
		return "1 SKU"
	}
	return thousands(n) + " SKUs"
}

// MaxCheckThese is how many cards "Check these" posts at most.
const MaxCheckThese = 10

// skuExamples names up to five SKUs in code spans.
func skuExamples(skus []string) string {
	if len(skus) == 0 {
		return ""
	}
	shown := skus[:min(digestExamples, len(skus))]
	parts := make([]string, len(shown))
	for i, s := range shown {
		parts[i] = "`" + escape(strings.ReplaceAll(s, "`", "'")) + "`"
	}
	out := strings.Join(parts, ", ")
	if len(skus) > len(shown) {
		out += fmt.Sprintf(" and %d more", len(skus)-len(shown))
	}
	return "(" + out + ")"
}

// trendText is " · 7 days: 140 145 · 149", or empty when there is no earlier sweep.
func trendText(days []int) string {
	seen := 0
	parts := make([]string, len(days))
	for i, n := range days {
		parts[i] = "·"
		if n >= 0 {
			parts[i] = itoa(n)
			seen++
		}
	}
	if seen < 2 {
		return ""
	}
	return " · 7 days: " + strings.Join(parts, " ")
}

func quoteLine(s string) string { return "“" + s + "”" }

// thousands writes n with thousands separators: 12,345.
func thousands(n int) string {
	s := itoa(n)
	if n < 0 {
		return s
	}
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}

// digestLines are what happened since the sweep, oldest first.
func digestLines(v DigestView) []string {
	lines := slices.Clip(v.Lines)
	for _, e := range v.Escalated {
		lines = append(lines, digestEscalationLine(e))
	}
	return lines
}
