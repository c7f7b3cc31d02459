package bot

import (
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/preorderbot/preorderbot/bot/blocks"
	"github.com/preorderbot/preorderbot/store"
)

// A conversation stored before fixes under way were stored as facts keeps its status lines: the card shows
// them as they were, and a restart wraps them like any other.
func TestStoredStatusLinesStillRender(t *testing.T) {
	const started = "⏳ Run full catalog sync: started by <@U1> at <!date^1767348120^{date_short_pretty} {time}|2026-01-02 10:02 UTC>"
	const unknown = "⚠️ Run full catalog sync by <@U1>: the OMS did not answer in time, so I don't know whether it happened. Press Re-check before trying again."
	stored := `{"id":7,"status":"fixing","inFlight":[` +
		`{"keys":["run-job/JOB_PREORDER_CAT_SYC/10001"],"line":` + quote(t, started) + `,"by":"U1","at":"2026-01-02T10:02:00Z","until":"watch"},` +
		`{"keys":["schedule-job/JOB_X/10002"],"line":` + quote(t, unknown) + `,"by":"U1","at":"2026-01-02T10:03:00Z","until":"recheck","since":"2026-01-02T10:04:00Z"}]}`
	var conv store.Conversation
	require.NoError(t, json.Unmarshal([]byte(stored), &conv))

	fixes := fixesUnderway(conv)
	require.Len(t, fixes, 2)
	assert.Equal(t, started, blocks.FixLine(fixes[0]))
	assert.Equal(t, unknown, blocks.FixLine(fixes[1]))

	conv.InFlight[0].Interrupted = true // what reconcile does to a watch a restart ended
	assert.Equal(t, "⚠️ The bot restarted while this fix was under way, so I don't know whether the OMS got it. "+
		"Press Re-check before trying again. ("+started+")", blocks.FixLine(fixesUnderway(conv)[0]))
}

// A fix stored as facts keeps them through the store's encoding, and an unknown outcome is one that ends
// at the next re-check without a restart.
func TestFixFactsRoundTrip(t *testing.T) {
	var f store.InFlight
	f.Label, f.Done, f.By, f.JobID, f.Until, f.RunsNow = "Run <it>", "Started <it>", "U1", "M1", untilRecheck, true
	js, err := json.Marshal(store.Conversation{InFlight: []store.InFlight{f}})
	require.NoError(t, err)
	var back store.Conversation
	require.NoError(t, json.Unmarshal(js, &back))
	got := fixesUnderway(back)[0]
	assert.Equal(t, blocks.FixUnderway{Label: "Run <it>", Done: "Started <it>", By: "U1", JobID: "M1",
		Runs: blocks.NextRun{Now: true}, Unknown: true}, got)
	assert.NotContains(t, string(js), `"line"`, "nothing writes a status line any more")
}

func quote(t *testing.T, s string) string {
	t.Helper()
	js, err := json.Marshal(s)
	require.NoError(t, err)
	return string(js)
}
