package blocks

import (
	"testing"
	"time"

	"github.com/slack-go/slack"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The status line of a fix under way is worded from its facts: started, watched, unknown, interrupted by a
// restart, and the line of a record stored before fixes were data.
func TestFixLine(t *testing.T) {
	at := time.Date(2026, 1, 2, 10, 2, 0, 0, time.UTC)
	next := time.Date(2026, 1, 2, 10, 15, 0, 0, time.UTC)
	date := func(t time.Time) string { return slackDate(t) }
	label := "Run <full> sync & more for Acme CA"
	tests := []struct {
		name string
		fix  FixUnderway
		want string
	}{
		{"started", FixUnderway{Label: label, By: "U1", At: at},
			"⏳ Run &lt;full&gt; sync &amp; more for Acme CA: started by <@U1> at " + date(at)},
		{"watched, scheduled", FixUnderway{Label: label, Done: "Scheduled <x>", By: "U1", At: at, JobID: "M100", Runs: NextRun{At: next}},
			"⏳ Scheduled &lt;x&gt; by <@U1> at " + date(at) + "; watching job M100, next run " + date(next)},
		{"watched, run now", FixUnderway{Done: "Started it", By: "U1", At: at, JobID: "M100", Runs: NextRun{Now: true}},
			"⏳ Started it by <@U1> at " + date(at) + "; watching job M100, running now"},
		{"watched, first run", FixUnderway{Done: "Scheduled it", By: "U1", At: at, JobID: "M100", Runs: NextRun{First: true, At: next}},
			"⏳ Scheduled it by <@U1> at " + date(at) + "; watching job M100, first run " + date(next)},
		{"watched, no frequency", FixUnderway{Done: "Scheduled it", By: "U1", At: at, JobID: "M100"},
			"⏳ Scheduled it by <@U1> at " + date(at) + "; watching job M100, next run as soon as the OMS picks it up"},
		{"unknown", FixUnderway{Label: label, By: "U1", At: at, Unknown: true},
			"⚠️ Run &lt;full&gt; sync &amp; more for Acme CA by <@U1>: the OMS did not answer in time, so I don't know whether it happened. Press Re-check before trying again."},
		{"interrupted", FixUnderway{Label: "Run it", By: "U1", At: at, Interrupted: true},
			"⚠️ The bot restarted while this fix was under way, so I don't know whether the OMS got it. Press Re-check before trying again. (⏳ Run it: started by <@U1> at " + date(at) + ")"},
		{"legacy line", FixUnderway{Legacy: "⏳ *Run* it", Label: "ignored", JobID: "M1", Unknown: true}, "⏳ *Run* it"},
		{"legacy line interrupted", FixUnderway{Legacy: "⏳ Run it", Interrupted: true},
			"⚠️ The bot restarted while this fix was under way, so I don't know whether the OMS got it. Press Re-check before trying again. (⏳ Run it)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) { assert.Equal(t, tt.want, FixLine(tt.fix)) })
	}
}

// The card's status context holds the fixes' lines first, then the lasting lines.
func TestCardStatusFixesThenLasting(t *testing.T) {
	at := time.Date(2026, 1, 2, 10, 2, 0, 0, time.UTC)
	msg := Card(associationMissingReport(), CardMeta{Requester: "U1",
		Fixes:  []FixUnderway{{Label: "Run it", By: "U2", At: at}, {Legacy: "⏳ old line"}},
		Status: "🆘 Escalated"})
	require.NoError(t, validateMessage(msg))
	var status string
	for _, b := range msg.Blocks {
		if c, ok := b.(*slack.ContextBlock); ok && c.BlockID == "status" {
			status = c.ContextElements.Elements[0].(*slack.TextBlockObject).Text
		}
	}
	assert.Equal(t, "⏳ Run it: started by <@U2> at "+slackDate(at)+"\n⏳ old line\n🆘 Escalated", status)
}
