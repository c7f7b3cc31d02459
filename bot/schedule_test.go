package bot

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"

	"github.com/preorderbot/preorderbot/diagnostics"
)

func TestNextRun(t *testing.T) {
	t.Parallel()
	at := time.Date(2026, 11, 26, 10, 7, 30, 0, time.UTC)
	cases := []struct {
		freq, want string
	}{
		{"EVERY_5_MIN", "10:10 UTC"},
		{"EVERY_15_MIN", "10:15 UTC"},
		{"EVERY_30_MIN", "10:30 UTC"},
		{"HOURLY", "11:00 UTC"},
		{"EVERY_6_HOUR", "12:00 UTC"},
		{"EVERYDAY", "Nov 27 00:00 UTC"},
		{"", "as soon as the OMS picks it up"},
		{"EVERY_7_MIN", "as soon as the OMS picks it up"},
	}
	for _, tc := range cases {
		assert.Equal(t, tc.want, nextRunText(tc.freq, at), tc.freq)
	}
}

func TestWhenItRuns(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 11, 26, 10, 7, 0, 0, time.UTC)
	b := &Bot{now: func() time.Time { return now }}
	schedule := diagnostics.Remedy{Kind: diagnostics.RemedyScheduleJob, Frequency: "HOURLY"}
	assert.Equal(t, "running now", b.whenItRuns(diagnostics.Remedy{Kind: diagnostics.RemedyRunJob}, diagnostics.Input{}))
	assert.Equal(t, "next run <!date^1795690800^{date_short_pretty} {time}|2026-11-26 11:00 UTC>", b.whenItRuns(schedule, diagnostics.Input{}),
		"a date token, shown in the reader's zone")
	assert.Equal(t, "next run <!date^1795688100^{date_short_pretty} {time}|2026-11-26 10:15 UTC>", b.whenItRuns(schedule, diagnostics.Input{Frequency: "EVERY_15_MIN"}))
	assert.Equal(t, "first run <!date^1795689000^{date_short_pretty} {time}|2026-11-26 10:30 UTC>", b.whenItRuns(schedule, diagnostics.Input{FirstRun: now.Add(23 * time.Minute)}))
	assert.Equal(t, "next run <!date^1795690800^{date_short_pretty} {time}|2026-11-26 11:00 UTC>", b.whenItRuns(schedule, diagnostics.Input{FirstRun: now.Add(-time.Minute)}), "a past first run means the frequency decides")
}
