package diagnostics

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestDiff(t *testing.T) {
	before := runOneWorld(t, func(w *world) { w.dropLink("10001"); w.dropJob("J1") })
	after := runOneWorld(t, func(*world) {})
	tests := []struct {
		name     string
		old, new Report
		want     []string
	}{
		{name: "same report", old: after, new: after, want: nil},
		{name: "fixed", old: before, new: after, want: []string{
			"status: fail → pass",
			"cause: association-job-not-scheduled → healthy",
			"shop-links: fail → pass",
			"association-job: fail → pass",
			"shop-listing: fail → pass",
			"Acme CA: linked",
			"Acme CA: Not linked → Listed",
			"Acme CA association job: draft only → scheduled HOURLY",
		}},
		{name: "broken again", old: after, new: before, want: []string{
			"status: pass → fail",
			"cause: healthy → association-job-not-scheduled",
			"shop-links: pass → fail",
			"association-job: pass → fail",
			"shop-listing: pass → fail",
			"Acme CA: no longer linked",
			"Acme CA: Listed → Not linked",
			"Acme CA association job: scheduled HOURLY → draft only",
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.want, Diff(tt.old, tt.new))
		})
	}
}

func TestDiffSecondaryCauses(t *testing.T) {
	old := Report{Cause: CauseNotPreorder, Causes: []string{CauseNotPreorder, CausePresellJobsDisabled}}
	new := Report{Cause: CauseNotPreorder, Causes: []string{CauseNotPreorder, CauseJobFailing}}
	assert.Equal(t, []string{"no longer: presell-jobs-disabled", "also: job-failing"}, Diff(old, new))
}

func runOneWorld(t *testing.T, change func(w *world)) Report {
	t.Helper()
	w := healthyWorld()
	change(w)
	return runOne(t, w.oms(), testOptions())
}

func TestReportJSONRoundTrip(t *testing.T) {
	r := runOneWorld(t, func(w *world) { w.dropLink("10001") })
	r.Elapsed = Duration(1234567 * time.Microsecond)
	b, err := json.Marshal(r)
	require.NoError(t, err)
	var fields map[string]any
	require.NoError(t, json.Unmarshal(b, &fields))
	assert.Equal(t, float64(1234), fields["elapsedMs"], "elapsed is whole milliseconds")

	var back Report
	require.NoError(t, json.Unmarshal(b, &back))
	assert.Equal(t, Duration(1234*time.Millisecond), back.Elapsed)
	back.Elapsed = r.Elapsed
	assert.Equal(t, r, back, "a stored report reads back as it was")
	assert.Empty(t, Diff(r, back))
}

func TestDurationRejectsText(t *testing.T) {
	var d Duration
	assert.Error(t, json.Unmarshal([]byte(`"1s"`), &d))
}
