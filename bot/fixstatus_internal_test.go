package bot

import (
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/preorderbot/preorderbot/bot/blocks"
	"github.com/preorderbot/preorderbot/diagnostics"
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
	f.Label, f.By, f.JobID, f.Until, f.RunsNow = "Link <it>", "U1", "M1", untilRecheck, true
	f.Took = &store.Took{Kind: diagnostics.RemedyRunJob, Label: "Run <it>", ShopName: "Acme"}
	js, err := json.Marshal(store.Conversation{InFlight: []store.InFlight{f}})
	require.NoError(t, err)
	var back store.Conversation
	require.NoError(t, json.Unmarshal(js, &back))
	got := fixesUnderway(back)[0]
	assert.Equal(t, blocks.FixUnderway{Label: "Link <it>", Took: &blocks.Taken{Kind: diagnostics.RemedyRunJob, Label: "Run <it>", ShopName: "Acme"},
		By: "U1", JobID: "M1", Runs: blocks.NextRun{Now: true}, Unknown: true}, got)
	assert.NotContains(t, string(js), `"line"`, "nothing writes a status line any more")
	assert.NotContains(t, string(js), `"done"`, "nothing writes what the OMS did in words any more")
}

// A fix stored with what the OMS did in words, before the fix it took was stored as facts, keeps its
// words on the card, on a check card and on a digest.
func TestStoredDoneWordsStillRender(t *testing.T) {
	t.Parallel()
	stored := `{"id":7,"status":"watching","inFlight":[` +
		`{"keys":["link-product//10001","run-job/JOB_PREORDER_CAT_SYC/10001"],"label":"Link product to Acme CA","done":"Started full catalog sync for Acme CA",` +
		`"by":"U1","at":"2026-01-02T10:02:00Z","jobId":"M1","runsNow":true,"until":"watch"}]}`
	var conv store.Conversation
	require.NoError(t, json.Unmarshal([]byte(stored), &conv))
	assert.Equal(t, "⏳ Started full catalog sync for Acme CA by <@U1> at <!date^1767348120^{date_short_pretty} {time}|2026-01-02 10:02 UTC>; watching job M1, running now",
		blocks.FixLine(fixesUnderway(conv)[0]))

	var fix bulkFix
	require.NoError(t, json.Unmarshal([]byte(`{"state":"watching","status":{"step":"watching","by":"U1","at":"2026-01-02T10:02:00Z","skus":3,`+
		`"done":"Scheduled association job for Acme CA","jobId":"M2"}}`), &fix))
	require.NotNil(t, fix.Status)
	assert.Equal(t, "⏳ Scheduled association job for Acme CA by <@U1> at <!date^1767348120^{date_short_pretty} {time}|2026-01-02 10:02 UTC>; watching job M2, then I re-check these 3 SKUs",
		blocks.BulkFixLine("Schedule association job for Acme CA", *fix.Status))
}

func quote(t *testing.T, s string) string {
	t.Helper()
	js, err := json.Marshal(s)
	require.NoError(t, err)
	return string(js)
}

// A bulk fix cut short is stored as a kind of cut; one stored before, with the words, still renders the same.
func TestStoredCutWordsStillRender(t *testing.T) {
	t.Parallel()
	var old bulkFix
	require.NoError(t, json.Unmarshal([]byte(`{"state":"failed","status":{"step":"notFound","by":"U1","at":"2026-01-02T10:02:00Z","skus":3,`+
		`"why":"the bot restarted before the OMS answered"}}`), &old))
	require.NotNil(t, old.Status)
	now := *old.Status
	now.Why, now.Cut = "", blocks.CutByRestart
	want := "⚠️ Run full catalog sync: the bot restarted before the OMS answered (<@U1> pressed it at <!date^1767348120^{date_short_pretty} {time}|2026-01-02 10:02 UTC>), " +
		"and the OMS shows no sign of it, so it did not happen. Press it again to retry."
	assert.Equal(t, want, blocks.BulkFixLine("Run full catalog sync", *old.Status))
	assert.Equal(t, want, blocks.BulkFixLine("Run full catalog sync", now))
	assert.Equal(t, "the bot restarted before the OMS answered, and the OMS shows no sign of the change", blocks.SettledSummary(*old.Status))
	assert.Equal(t, blocks.SettledSummary(*old.Status), blocks.SettledSummary(now))

	js, err := json.Marshal(now)
	require.NoError(t, err)
	assert.Contains(t, string(js), `"cut":"restart"`)
	assert.NotContains(t, string(js), `"why"`, "the words are not stored")
	timeout := blocks.BulkFixStatus{Step: blocks.BulkUnread, Cut: blocks.CutByTimeout, Outcome: "dial tcp: refused"}
	assert.Equal(t, "the OMS did not answer in time, and the OMS could not be re-read: dial tcp: refused", blocks.SettledSummary(timeout))
}
