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
		want     []Change
	}{
		{name: "same report", old: after, new: after, want: nil},
		{name: "fixed", old: before, new: after, want: []Change{
			{Kind: ChangeStatus, From: "fail", To: "pass"},
			{Kind: ChangeCause, From: string(CauseAssociationJobMissing), To: string(CauseHealthy)},
			{Kind: ChangeCheck, Name: string(CheckShopLinks), From: "fail", To: "pass"},
			{Kind: ChangeCheck, Name: string(CheckAssociationJob), From: "fail", To: "pass"},
			{Kind: ChangeCheck, Name: string(CheckShopListing), From: "fail", To: "pass"},
			{Kind: ChangeLinked, Name: "Acme CA"},
			{Kind: ChangeListing, Name: "Acme CA", From: "Not linked", To: "Listed"},
			{Kind: ChangeAssociationJob, Name: "Acme CA", From: "draft only", To: "scheduled every hour"},
		}},
		{name: "broken again", old: after, new: before, want: []Change{
			{Kind: ChangeStatus, From: "pass", To: "fail"},
			{Kind: ChangeCause, From: string(CauseHealthy), To: string(CauseAssociationJobMissing)},
			{Kind: ChangeCheck, Name: string(CheckShopLinks), From: "pass", To: "fail"},
			{Kind: ChangeCheck, Name: string(CheckAssociationJob), From: "pass", To: "fail"},
			{Kind: ChangeCheck, Name: string(CheckShopListing), From: "pass", To: "fail"},
			{Kind: ChangeUnlinked, Name: "Acme CA"},
			{Kind: ChangeListing, Name: "Acme CA", From: "Listed", To: "Not linked"},
			{Kind: ChangeAssociationJob, Name: "Acme CA", From: "scheduled every hour", To: "draft only"},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.want, Diff(tt.old, tt.new))
		})
	}
}

func TestDiffSecondaryCauses(t *testing.T) {
	old := Report{Cause: CauseNotPreorder, Causes: []Cause{CauseNotPreorder, CausePresellJobsDisabled}}
	new := Report{Cause: CauseNotPreorder, Causes: []Cause{CauseNotPreorder, CauseJobFailing}}
	assert.Equal(t, []Change{{Kind: ChangeCauseGone, Name: string(CausePresellJobsDisabled)}, {Kind: ChangeCauseAdded, Name: string(CauseJobFailing)}}, Diff(old, new))
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
