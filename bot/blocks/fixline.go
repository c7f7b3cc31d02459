package blocks

import (
	"fmt"
	"strings"
	"time"
)

// FixUnderway is a fix started from a card and not yet ended: the card's status line says what it is,
// who started it and when, and what the bot waits for.
type FixUnderway struct {
	Label string    // the remedy's label
	Took  *Taken    // the fix the OMS took, whose job the bot watches; nil before
	By    string    // Slack user id of who started it
	At    time.Time // when it started
	JobID string    // the job the bot watches, once the OMS named it
	Runs  NextRun   // when the watched job runs
	// Unknown: the OMS did not answer in time, so only a re-check tells whether the fix happened.
	Unknown bool
	// Interrupted: a restart cut the watch short, so only a re-check tells whether the OMS got the fix.
	Interrupted bool
	// Done is what the OMS did in the past tense, as fixes stored it before Took; shown as it is.
	Done string
	// Legacy is the status line as it was stored before fixes were stored as data (mrkdwn), shown as it is.
	Legacy string
}

// NextRun is when a job a fix started runs.
type NextRun struct {
	Now   bool      // a one-off run, started at once
	First bool      // At is the first run the operator picked
	At    time.Time // the run; zero: as soon as the OMS picks it up
}

// FixLine is the card's status line of one fix under way (mrkdwn).
func FixLine(f FixUnderway) string {
	line := f.Legacy
	switch {
	case f.Legacy != "":
	case f.Unknown:
		return fmt.Sprintf("⚠️ %s by <@%s>: the OMS did not answer in time, so I don't know whether it happened. Press Re-check before trying again.",
			escape(f.Label), f.By)
	case f.JobID != "":
		line = fmt.Sprintf("⏳ %s by <@%s> at %s; watching job %s, %s", escape(did(f.Done, f.Took)), f.By, slackDate(f.At), f.JobID, whenItRuns(f.Runs))
	default:
		line = fmt.Sprintf("⏳ %s: started by <@%s> at %s", escape(f.Label), f.By, slackDate(f.At))
	}
	if f.Interrupted {
		return "⚠️ The bot restarted while this fix was under way, so I don't know whether the OMS got it. " +
			"Press Re-check before trying again. (" + line + ")"
	}
	return line
}

// did says what the OMS did for a fix it took: its stored words when it was recorded with them, else the
// words for the facts (plain text).
func did(stored string, t *Taken) string {
	if stored != "" || t == nil {
		return stored
	}
	return pastTense(*t)
}

// whenItRuns says when a watched job runs, for a status line.
func whenItRuns(r NextRun) string {
	switch {
	case r.Now:
		return "running now"
	case r.First:
		return "first run " + slackDate(r.At)
	case r.At.IsZero():
		return "next run as soon as the OMS picks it up"
	}
	return "next run " + slackDate(r.At) // a date token: each reader sees it in their own zone
}

// statusText is the card's status: a line per fix under way, then the lasting lines.
func statusText(meta CardMeta) string {
	lines := make([]string, 0, len(meta.Fixes)+2)
	for _, f := range meta.Fixes {
		lines = append(lines, FixLine(f))
	}
	if meta.Escalated != nil {
		lines = append(lines, EscalatedLine(*meta.Escalated))
	}
	if meta.Status != "" {
		lines = append(lines, meta.Status)
	}
	return strings.Join(lines, "\n")
}
