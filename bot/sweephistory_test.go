package bot_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/preorderbot/preorderbot/store"
)

// TestHistoryIncludesSweeps: /preorder history SKU lists the SKU's results in past sweeps of its store,
// newest first, among its checks, and nothing from another store's sweeps.
func TestHistoryIncludesSweeps(t *testing.T) {
	t.Parallel()
	e := newEnv(t, "healthy")
	ctx := context.Background()
	day1 := time.Now().Add(-48 * time.Hour).UTC()
	day2 := day1.Add(24 * time.Hour)
	require.NoError(t, e.db.PutSweepResults(ctx, "STORE", day1, []store.SweepSKU{{SKU: "HW-JACKET-M", Cause: "needs-manual-link", Failing: []string{"shop-links"}}}))
	require.NoError(t, e.db.PutSweepResults(ctx, "STORE", day2, []store.SweepSKU{{SKU: "HW-JACKET-M", Cause: "healthy"}}))
	require.NoError(t, e.db.PutSweepResults(ctx, "OUTLET", day2, []store.SweepSKU{{SKU: "HW-JACKET-M", Cause: "job-failing"}}))

	e.slash(viewer, "history HW-JACKET-M")
	e.waitFor("the history", func() bool { return len(e.slack.Ephemeral(viewer)) >= 1 })
	body := string(e.slack.Ephemeral(viewer)[0].Blocks)
	assert.Equal(t, 2, strings.Count(body, "🧹 sweep"), body)
	newest, older := strings.Index(body, "🧹 sweep: healthy"), strings.Index(body, "🧹 sweep: ")
	require.GreaterOrEqual(t, newest, 0, body)
	assert.Equal(t, newest, older, "the newest sweep comes first")
	assert.NotContains(t, body, "job is failing", "another store's sweep is not shown")
}
