package store

import (
	"context"
	"encoding/json"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// testdata/schema-v9.db was written through the store's API at schema v9 with the clock at t0:
// conversation 1 (SKU OLD, updated 95 days before) and 2 (SKU NEW, an hour before), each with its report
// (largeReport) and card C1/1.1 and C1/2.2; three actions: an expired re-check on 1, a run-job and a
// re-check on 2 expiring 23 hours after t0, the re-check claimed by U2; the snapshots of S/OLD and S/NEW;
// one audit record.
const (
	v9ExpiredAction = "bott5xu5z2nqg3pv2hh2dv24bu"
	v9LiveAction    = "qeupnnvosbr2ochfoezbwyvttm"
	v9UsedAction    = "tyssoj6abarhj5osctvjeuchom"
)

func TestMigrateV9FileToV10(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "preorderbot.db")
	copyFile(t, "testdata/schema-v9.db", path)
	db := mustOpenPath(t, path, Options{})
	assertVersion(t, db, SchemaVersion)
	require.NoError(t, db.Check(ctx))

	// Everything the older binary wrote reads as it was written.
	young, err := db.ConversationByCard(ctx, "C1", "2.2")
	require.NoError(t, err)
	assert.Equal(t, uint64(2), young.ID)
	assert.JSONEq(t, string(largeReport("NEW")), string(young.LastReport))
	live, err := db.Action(ctx, v9LiveAction)
	require.NoError(t, err)
	assert.Equal(t, Action{ID: v9LiveAction, Kind: "run-job", ConversationID: 2, CreatedBy: "U1",
		CreatedAt: t0.Add(-time.Hour), ExpiresAt: t0.Add(23 * time.Hour),
		Params: map[string]string{"sku": "NEW", "remedy": `{"kind":"run-job","job":"JOB_1","label":"Run the job"}`, "v": "1"}}, live)
	snap, err := db.Snapshot(ctx, "S", "NEW")
	require.NoError(t, err)
	assert.JSONEq(t, string(largeReport("NEW")), string(snap.Report))
	trail, err := db.AuditBySKU(ctx, "NEW")
	require.NoError(t, err)
	require.Len(t, trail, 1)
	assert.Equal(t, "check", trail[0].Action)

	// Claims keep their promise across the upgrade: the used button stays used, the live one works once.
	_, _, err = db.ClaimActionOn(ctx, v9UsedAction, "U3", t0, nil, keepConversation)
	var used *UsedError
	require.ErrorAs(t, err, &used)
	assert.Equal(t, "U2", used.By)
	_, _, err = db.ClaimActionOn(ctx, v9LiveAction, "U3", t0, nil, keepConversation)
	require.NoError(t, err)
	_, _, err = db.ClaimActionOn(ctx, v9LiveAction, "U4", t0, nil, keepConversation)
	require.ErrorIs(t, err, ErrActionUsed)

	// New records of the current format live beside the old ones.
	acts, err := db.CreateActions(ctx, Action{Kind: "recheck", ConversationID: 2, ExpiresAt: t0.Add(time.Hour)})
	require.NoError(t, err)
	keepCheck(t, db, 2, t0, json.RawMessage(`{"sku":"NEW","status":"pass"}`))
	assert.Equal(t, snapshotRefTag, storedSnapshot(t, db, "S", "NEW")[0])

	// The old records leave by the time index, the new ones by their keys.
	st, err := db.Prune(ctx, t0)
	require.NoError(t, err)
	assert.Equal(t, PruneStats{Conversations: 1, Actions: 1, Snapshots: 1}, st)
	_, err = db.Action(ctx, v9ExpiredAction)
	assert.ErrorIs(t, err, ErrNotFound)
	_, err = db.Snapshot(ctx, "S", "OLD")
	assert.ErrorIs(t, err, ErrNotFound)
	_, err = db.ConversationByCard(ctx, "C1", "1.1")
	assert.ErrorIs(t, err, ErrNotFound)
	st, err = db.Prune(ctx, t0.Add(DefaultRetention+24*time.Hour))
	require.NoError(t, err)
	assert.Equal(t, PruneStats{Conversations: 1, Actions: 3, Snapshots: 1}, st)
	for _, id := range []string{v9LiveAction, v9UsedAction, acts[0].ID} {
		_, err = db.Action(ctx, id)
		assert.ErrorIs(t, err, ErrNotFound, id)
	}
	assert.Empty(t, timeIndex(t, db))
	require.NoError(t, db.Check(ctx))
}
