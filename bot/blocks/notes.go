package blocks

import (
	"fmt"
	"time"
)

// Result is how one OMS write went, for the card's thread and its outcome line.
type Result struct {
	Result  string // ok, already, failed, rejected or unknown
	By      string // Slack user id of who pressed the button; empty for a follow-up the bot ran itself
	Label   string // the fix, as its button names it
	SKUs    int    // the SKUs a digest's bulk fix serves; 0 on a check card
	Outcome string // what the OMS answered, in plain words
}

// ResultLine words a Result (mrkdwn). Times in the outcome written as "2006-01-02 15:04 UTC" become date
// tokens, so each reader sees them in their own zone.
func ResultLine(r Result) string {
	line := resultEmoji(r.Result) + " "
	if r.By != "" {
		line += userMention(r.By) + " · "
	}
	return line + escape(BulkLabel(r.Label, r.SKUs)) + " · " + DatesIn(escape(r.Outcome))
}

// BulkLabel names a fix with the number of SKUs it serves, when it serves a digest's (plain text).
func BulkLabel(label string, skus int) string {
	if skus == 0 {
		return label
	}
	return fmt.Sprintf("%s — %d SKUs", label, skus)
}

// Escalated is an escalation sent from a card: who sent it and when, where its support thread is, and
// how its support ticket went.
type Escalated struct {
	By        string
	At        time.Time
	ThreadURL string // empty: no link to show
	Ticket    string // "sent", "pending", or empty when no support webhook is set
}

// EscalatedLine is the card's lasting line of an escalation (mrkdwn).
func EscalatedLine(e Escalated) string {
	line := fmt.Sprintf("🆘 Escalated to HotWax Support by %s at %s", userMention(e.By), slackDate(e.At))
	if e.ThreadURL != "" {
		line += ": <" + e.ThreadURL + "|support thread>"
	}
	switch e.Ticket {
	case "sent":
		line += " · support ticket sent"
	case "pending":
		line += " · support ticket pending (it will be retried until delivered)"
	}
	return line
}

// EscalatedNote is the card's thread note of an escalation: who sent it, and the support thread's link or
// channel (mrkdwn).
func EscalatedNote(by, threadURL, channel string) string {
	where := threadURL
	if threadURL == "" {
		where = "<#" + channel + ">"
	}
	return fmt.Sprintf("🆘 %s escalated this to HotWax Support: %s", userMention(by), where)
}

// EscalatedAgain is the support thread's note when a case already there is escalated again (mrkdwn).
func EscalatedAgain(by, note string) string {
	if note == "" {
		note = "(no note)"
	}
	return fmt.Sprintf("🔁 Escalated again by %s: %s", userMention(by), escape(note))
}

// EscalationTarget is where an escalation goes, for its modal.
type EscalationTarget struct {
	SupportChannel string // empty: no support channel is configured
	Webhook        bool   // a support ticket webhook is set
	ThreadChannel  string // the channel of the existing thread for the same store, SKU and cause, if any
	ThreadBy       string // who opened that thread
}

// destination says where an escalation goes (mrkdwn).
func destination(t EscalationTarget) string {
	if t.SupportChannel == "" {
		return "this card's thread, as a file to forward by hand (no support channel is configured: PREORDERBOT_SUPPORT_CHANNEL)"
	}
	dest := "<#" + t.SupportChannel + ">"
	if t.ThreadChannel != "" {
		dest = "the existing thread in <#" + t.ThreadChannel + "> (opened by " + userMention(t.ThreadBy) + ")"
	}
	if t.Webhook {
		dest += " and the support ticket webhook"
	}
	return dest
}

// JobRunEnd is how a job run the bot watched ended.
type JobRunEnd struct {
	JobID  string
	At     time.Time // when it finished
	Failed bool
	Said   string // the OMS's words about the run, if any
}

// JobRunEnded is the card's note of a watched run's end: a failed run as failed, with the OMS's words
// (mrkdwn).
func JobRunEnded(r JobRunEnd) string {
	note := fmt.Sprintf("🏁 Job run %s finished at %s.", escape(r.JobID), slackDate(r.At))
	if r.Failed {
		note = fmt.Sprintf("❌ Job run %s failed at %s.", escape(r.JobID), slackDate(r.At))
	}
	if r.Said != "" {
		note += " The OMS said: " + escape(r.Said)
	}
	return note
}

// WatchTimedOut is the card's note when a watched job did not finish a run by the watch's deadline
// (mrkdwn).
func WatchTimedOut(jobID string, deadline time.Time) string {
	return fmt.Sprintf("⚠️ Job %s did not finish a run by %s; this is the state now.", escape(jobID), slackDate(deadline))
}
