package bot

import (
	"cmp"
	"time"

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

// whenItRuns says, for a status line (mrkdwn), when the job a remedy started will run: now for a one-off run, else the first run the
// operator picked, else the next run its frequency gives.
func (b *Bot) whenItRuns(r diagnostics.Remedy, in diagnostics.Input) string {
	now := b.now()
	switch {
	case r.Kind == diagnostics.RemedyRunJob:
		return "running now"
	case in.FirstRun.After(now):
		return "first run " + slackTime(in.FirstRun)
	}
	t, ok := nextRun(cmp.Or(in.Frequency, r.Frequency), now)
	if !ok {
		return "next run as soon as the OMS picks it up"
	}
	return "next run " + slackTime(t) // a date token: each reader sees it in their own zone
}

func clock(t, now time.Time) string {
	t = t.UTC()
	if t.Sub(now) >= 24*time.Hour || t.Day() != now.UTC().Day() {
		return t.Format("Jan 2 15:04 UTC")
	}
	return t.Format("15:04 UTC")
}

// nextRunText is nextRun for a card ("10:15 UTC"), or "as soon as the OMS picks it up" for one-off runs.
func nextRunText(freq string, from time.Time) string {
	t, ok := nextRun(freq, from)
	if !ok {
		return "as soon as the OMS picks it up"
	}
	return clock(t, from)
}
