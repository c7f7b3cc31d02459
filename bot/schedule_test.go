package bot

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"

	"github.com/preorderbot/preorderbot/bot/blocks"
	"github.com/preorderbot/preorderbot/diagnostics"
)

func TestNextRun(t *testing.T) {
	t.Parallel()
	at := time.Date(2026, 11, 26, 10, 7, 30, 0, time.UTC)
	cases := []struct {
		freq string
		want time.Time
	}{
		{"EVERY_5_MIN", time.Date(2026, 11, 26, 10, 10, 0, 0, time.UTC)},
		{"EVERY_15_MIN", time.Date(2026, 11, 26, 10, 15, 0, 0, time.UTC)},
		{"EVERY_30_MIN", time.Date(2026, 11, 26, 10, 30, 0, 0, time.UTC)},
		{"HOURLY", time.Date(2026, 11, 26, 11, 0, 0, 0, time.UTC)},
		{"EVERY_6_HOUR", time.Date(2026, 11, 26, 12, 0, 0, 0, time.UTC)},
		{"EVERYDAY", time.Date(2026, 11, 27, 0, 0, 0, 0, time.UTC)},
	}
	for _, tc := range cases {
		got, ok := nextRun(tc.freq, at)
		assert.True(t, ok, tc.freq)
		assert.Equal(t, tc.want, got, tc.freq)
	}
	for _, freq := range []string{"", "EVERY_7_MIN"} {
		_, ok := nextRun(freq, at)
		assert.False(t, ok, freq)
	}
}

func TestWhenItRuns(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 11, 26, 10, 7, 0, 0, time.UTC)
	b := &Bot{now: func() time.Time { return now }}
	schedule := diagnostics.Remedy{Kind: diagnostics.RemedyScheduleJob, Frequency: "HOURLY"}
	none := diagnostics.Outcome{}
	at := func(h, m int) time.Time { return time.Date(2026, 11, 26, h, m, 0, 0, time.UTC) }
	assert.Equal(t, blocks.NextRun{Now: true}, b.whenItRuns(diagnostics.Remedy{Kind: diagnostics.RemedyRunJob}, diagnostics.Input{}, none))
	assert.Equal(t, blocks.NextRun{At: at(11, 0)}, b.whenItRuns(schedule, diagnostics.Input{}, none))
	assert.Equal(t, blocks.NextRun{At: at(10, 15)}, b.whenItRuns(schedule, diagnostics.Input{Frequency: "EVERY_15_MIN"}, none))
	assert.Equal(t, blocks.NextRun{First: true, At: at(10, 30)}, b.whenItRuns(schedule, diagnostics.Input{FirstRun: now.Add(23 * time.Minute)}, none))
	assert.Equal(t, blocks.NextRun{At: at(11, 0)}, b.whenItRuns(schedule, diagnostics.Input{FirstRun: now.Add(-time.Minute)}, none), "a past first run means the frequency decides")
	assert.Equal(t, blocks.NextRun{At: at(10, 25)},
		b.whenItRuns(schedule, diagnostics.Input{FirstRun: now.Add(23 * time.Minute)}, diagnostics.Outcome{NextRun: now.Add(18 * time.Minute)}),
		"the OMS's own run time beats every guess")
	assert.Equal(t, blocks.NextRun{}, b.whenItRuns(diagnostics.Remedy{Kind: diagnostics.RemedyScheduleJob, Frequency: "EVERY_7_MIN"}, diagnostics.Input{}, none),
		"as soon as the OMS picks it up")
}
