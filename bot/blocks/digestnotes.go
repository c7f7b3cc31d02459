package blocks

import (
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/preorderbot/preorderbot/diagnostics"
)

// BulkStep is how far a digest's bulk fix got.
type BulkStep string

// The steps of a bulk fix that its line states.
const (
	BulkStarted   BulkStep = "started"   // claimed; the OMS has not answered
	BulkAnswered  BulkStep = "answered"  // the OMS answered, and there is no job to watch
	BulkWatching  BulkStep = "watching"  // the OMS started a job; its SKUs are re-checked when it ends
	BulkRechecked BulkStep = "rechecked" // its SKUs were checked again
	// The write's outcome was not known (a restart, a timeout) and the OMS was read again:
	BulkUnread   BulkStep = "unread"   // it could not be read
	BulkNotFound BulkStep = "notFound" // it shows no sign of the change
	BulkFound    BulkStep = "found"    // it shows the change, and a job to watch when JobID is set
)

// BulkFixStatus is what happened to a digest's bulk fix, stored with the digest; BulkFixLine words it.
type BulkFixStatus struct {
	Step    BulkStep  `json:"step"`
	By      string    `json:"by"`                // Slack user id of who pressed it
	At      time.Time `json:"at"`                // when it was pressed, or re-checked (BulkRechecked)
	SKUs    int       `json:"skus"`              // the SKUs it serves
	Result  string    `json:"result,omitempty"`  // BulkAnswered: ok, already, failed or rejected
	Outcome string    `json:"outcome,omitempty"` // the OMS's answer, or why it could not be read (BulkUnread)
	Took    *Taken    `json:"took,omitempty"`    // BulkWatching: the fix the OMS took
	Done    string    `json:"done,omitempty"`    // BulkWatching, stored before Took: what the OMS did, in the past tense
	JobID   string    `json:"jobId,omitempty"`   // the job watched
	Cut     CutShort  `json:"cut,omitempty"`     // what left the outcome unknown, for the steps after a re-read
	Why     string    `json:"why,omitempty"`     // the same in words, as stored before Cut
	// Fixed and Still are a re-check's count: the SKUs now healthy, and those with a problem by cause.
	Fixed int                       `json:"fixed,omitempty"`
	Still map[diagnostics.Cause]int `json:"still,omitempty"`
}

// CutShort is what left a bulk fix's outcome unknown, so that the OMS was read again.
type CutShort string

// What cuts a bulk fix short.
const (
	CutByTimeout CutShort = "timeout" // the OMS did not answer in time
	CutByRestart CutShort = "restart" // the bot restarted before the OMS answered
)

// CutWhy words what left a bulk fix's outcome unknown (plain text); a status stored before Cut keeps its words.
func CutWhy(s BulkFixStatus) string {
	switch s.Cut {
	case CutByTimeout:
		return "the OMS did not answer in time"
	case CutByRestart:
		return "the bot restarted before the OMS answered"
	}
	return s.Why
}

// SettledSummary is the effect's and audit's summary of a bulk fix settled by reading the OMS again (plain text).
func SettledSummary(s BulkFixStatus) string {
	switch s.Step {
	case BulkUnread:
		return CutWhy(s) + ", and the OMS could not be re-read: " + s.Outcome
	case BulkNotFound:
		return CutWhy(s) + ", and the OMS shows no sign of the change"
	}
	return s.Outcome
}

// BulkFixLine words the status of a digest's bulk fix labelled label (mrkdwn); it is the fix's line on the
// digest and its note in the digest's thread.
func BulkFixLine(label string, s BulkFixStatus) string {
	cut := fmt.Sprintf("%s (%s pressed it at %s)", escape(CutWhy(s)), userMention(s.By), slackDate(s.At))
	switch s.Step {
	case BulkStarted:
		return fmt.Sprintf("⏳ %s: started by %s at %s", escape(BulkLabel(label, s.SKUs)), userMention(s.By), slackDate(s.At))
	case BulkAnswered:
		return ResultLine(Result{Result: s.Result, By: s.By, Label: label, SKUs: s.SKUs, Outcome: s.Outcome})
	case BulkWatching:
		return fmt.Sprintf("⏳ %s by %s at %s; watching job %s, then I re-check these %d SKUs", escape(did(s.Done, s.Took)),
			userMention(s.By), slackDate(s.At), escape(s.JobID), s.SKUs)
	case BulkRechecked:
		still := s.SKUs - s.Fixed
		line := fmt.Sprintf("%s: re-checked the %d SKUs at %s: %d fixed, %d still with a problem",
			escape(label), s.SKUs, slackDate(s.At), s.Fixed, still)
		if still > 0 {
			return "⚠️ " + line + " (" + escape(causeCounts(s.Still)) + ")"
		}
		return "✅ " + line
	case BulkUnread:
		return fmt.Sprintf("⚠️ %s: %s, and I could not read the OMS to tell whether it happened (%s). "+
			"Start a new sweep with `/preorder sweep` before trying again.", escape(label), cut, escape(s.Outcome))
	case BulkNotFound:
		return fmt.Sprintf("⚠️ %s: %s, and the OMS shows no sign of it, so it did not happen. Press it again to retry.", escape(label), cut)
	case BulkFound:
		if s.JobID != "" {
			return fmt.Sprintf("⏳ %s: %s; the OMS shows it done (%s). Watching job %s, then I re-check these %d SKUs",
				escape(label), cut, escape(s.Outcome), escape(s.JobID), s.SKUs)
		}
		return fmt.Sprintf("✅ %s: %s; the OMS shows it done (%s).", escape(label), cut, escape(s.Outcome))
	}
	return escape(label)
}

// causeCounts says what SKUs still have: "3 linked after the last sync, 1 needs a manual link".
func causeCounts(n map[diagnostics.Cause]int) string {
	var parts []string
	for _, c := range slices.Sorted(maps.Keys(n)) {
		parts = append(parts, fmt.Sprintf("%d %s", n[c], c.Short()))
	}
	return strings.Join(parts, ", ")
}

// EscalationPostFailed tells who pressed a digest's Escalate that the post failed, and why (mrkdwn).
func EscalationPostFailed(why string) string {
	return "I could not post the escalation: " + escape(why)
}

// Rechecked is the digest's thread note after a bulk fix's SKUs were checked again (mrkdwn).
func Rechecked(label string, skus, fixed int) string {
	return fmt.Sprintf("Re-checked the %d SKUs of “%s”: %d fixed, %d still with a problem.", skus, escape(label), fixed, skus-fixed)
}

// DigestEscalation is the SKUs of one cause that someone sent to HotWax Support from a digest.
type DigestEscalation struct {
	By    string            `json:"by"` // Slack user id
	At    time.Time         `json:"at"`
	SKUs  int               `json:"skus"`
	Cause diagnostics.Cause `json:"cause"`
}

// digestEscalationLine is a digest's lasting line of an escalation (mrkdwn).
func digestEscalationLine(e DigestEscalation) string {
	return fmt.Sprintf("🆘 %s escalated the %d SKUs that %s to HotWax Support at %s.",
		userMention(e.By), e.SKUs, escape(e.Cause.SKUsThat()), slackDate(e.At))
}

// BulkEscalation is the post that hands a cause's SKUs from a sweep to HotWax Support.
type BulkEscalation struct {
	Store   string
	SKUs    int
	Cause   diagnostics.Cause
	By      string    // Slack user id
	Sweep   time.Time // when the sweep started
	Mention string    // who to notify in the support channel (mrkdwn, from the configuration); may be empty
}

// BulkEscalationNote is the post of a BulkEscalation; the list follows as a file (mrkdwn).
func BulkEscalationNote(e BulkEscalation) string {
	mention := ""
	if e.Mention != "" {
		mention = " " + e.Mention
	}
	return fmt.Sprintf("🆘 %d SKUs of %s: %s. Escalated by %s from the sweep of %s.%s The list is attached.",
		e.SKUs, escape(e.Store), escape(e.Cause.SKUsThat()), userMention(e.By), slackDate(e.Sweep), mention)
}
