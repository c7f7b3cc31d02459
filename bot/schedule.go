package bot

import (
	"cmp"
	"slices"
	"time"

	"github.com/preorderbot/preorderbot/bot/blocks"
	"github.com/preorderbot/preorderbot/diagnostics"
)

// nextRun is when a job of this frequency next runs after from: the next multiple of its interval
// (the OMS aligns recurring runs to the clock), or midnight UTC for daily jobs.
func nextRun(freq string, from time.Time) (time.Time, bool) {
	d, ok := diagnostics.FrequencyInterval(freq)
	if !ok {
		return time.Time{}, false
	}
	from = from.UTC()
	next := from.Truncate(d).Add(d)
	return next, true
}

// whenItRuns says when the job a remedy started will run: now for a one-off run, else the run time the OMS
// gave the scheduled job, else the first run the operator picked, else the next run its frequency gives.
// The card says it once, in the status line.
func (b *Bot) whenItRuns(r diagnostics.Remedy, in diagnostics.Input, out diagnostics.Outcome) blocks.NextRun {
	now := b.now()
	switch {
	case r.Kind == diagnostics.RemedyRunJob:
		return blocks.NextRun{Now: true}
	case !out.NextRun.IsZero():
		return blocks.NextRun{At: out.NextRun}
	case in.FirstRun.After(now):
		return blocks.NextRun{First: true, At: in.FirstRun}
	}
	t, _ := nextRun(cmp.Or(in.Frequency, r.Frequency), now) // zero: as soon as the OMS picks it up
	return blocks.NextRun{At: t}
}

// fixingChecks are the checks with a fix under way (busy holds remedy keys): true when every fix the check
// offers is under way, false when only some are.
func fixingChecks(checks []diagnostics.Check, busy []string) map[diagnostics.CheckID]bool {
	out := map[diagnostics.CheckID]bool{}
	for _, c := range checks {
		fixes, under := 0, 0
		for _, rem := range c.Remedies {
			if rem.Kind == diagnostics.RemedyRecheck || rem.Kind == diagnostics.RemedyEscalate {
				continue
			}
			fixes++
			if slices.Contains(busy, remedyKey(rem)) {
				under++
			}
		}
		if under > 0 {
			out[c.ID] = under == fixes
		}
	}
	return out
}
