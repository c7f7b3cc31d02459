package bot_test

import (
	"bytes"
	"context"
	"encoding/csv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/preorderbot/preorderbot/bot/slacktest"
	"github.com/preorderbot/preorderbot/diagnostics"
	"github.com/preorderbot/preorderbot/diagnostics/hotwax/hotwaxtest"
	"github.com/preorderbot/preorderbot/store"
)

// catalogSKUs keeps the generated catalog of the sweep tests small: every cause, a quick sweep.
const catalogSKUs = 160

func catalogEnv(t *testing.T, mods ...envOption) *env {
	t.Helper()
	mods = append([]envOption{func(o *botOptions, h *hotwaxtest.Options) {
		h.CatalogSKUs, h.Seed = catalogSKUs, 7
	}}, mods...)
	return newEnv(t, hotwaxtest.ScenarioCatalog, mods...)
}

// digestCard waits for the bot's latest top-level post in the channel to be a finished digest (its
// header, or the one line of a clean sweep) matching cond.
func (e *env) digestCard(channel string, cond func(slacktest.Message) bool) slacktest.Message {
	e.t.Helper()
	var got slacktest.Message
	e.waitFor("finished digest in "+channel, func() bool {
		for _, m := range botPosts(e.slack, channel) {
			body := string(m.Blocks)
			if (strings.Contains(body, "🧹 Pre-order sweep") || strings.Contains(body, "✅ Sweep of")) && (cond == nil || cond(m)) {
				got = m
			}
		}
		return got.TS != ""
	})
	return got
}

// TestSweepPostsDigestWithCSV: an operator's /preorder sweep posts a digest card that shows its progress,
// then the problems by cause with examples, the bulk fixes with their counts, job failures by known
// failure, and puts every SKU with a problem in a CSV file in its thread.
func TestSweepPostsDigestWithCSV(t *testing.T) {
	t.Parallel()
	e := catalogEnv(t)
	truth := e.oms.CatalogCauses()
	e.slash(operator, "sweep")
	card := e.digestCard(opsChannel, nil)
	body := string(card.Blocks)

	want := map[string]int{}
	for _, c := range truth {
		if c != string(diagnostics.CauseHealthy) {
			want[c]++
		}
	}
	assert.Contains(t, body, "association job not scheduled")
	assert.Contains(t, body, "needs a manual link")
	assert.Contains(t, body, "Schedule association job for Acme UK — ", "a bulk fix names its SKU count")
	assert.Contains(t, body, "Run full catalog sync for Acme UK — ")
	assert.Contains(t, body, "Check these: needs a manual link")
	assert.Contains(t, body, "Job failures, by known failure")
	assert.Contains(t, body, "first sweep of the store")
	assert.Greater(t, card.Edits, 0, "the card showed progress before the digest")

	var csvFile slacktest.File
	e.waitFor("the CSV in the thread", func() bool {
		for _, m := range e.slack.Thread(opsChannel, card.TS) {
			for _, f := range m.Files {
				if strings.HasSuffix(f.Name, ".csv") {
					csvFile = f
					return true
				}
			}
		}
		return false
	})
	rows, err := csv.NewReader(bytes.NewReader(csvFile.Content)).ReadAll()
	require.NoError(t, err)
	require.Equal(t, []string{"sku", "productId", "cause", "causes", "failing", "shopsNotListed"}, rows[0])
	problems := 0
	for _, n := range want {
		problems += n
	}
	assert.Len(t, rows[1:], problems, "the CSV lists every SKU with a problem")
	for _, r := range rows[1:] {
		if r[0] != "" {
			assert.Equal(t, truth[r[0]], r[2], "sku %s", r[0])
		}
	}

	runs, err := e.db.SweepRuns(context.Background(), storeID, time.Time{})
	require.NoError(t, err)
	require.Len(t, runs, 1, "the Slack sweep stores its run")
	assert.Equal(t, operator, runs[0].StartedBy)
	for sku, cause := range truth {
		h, err := e.db.SweepHistory(context.Background(), storeID, sku, 1)
		require.NoError(t, err)
		if cause != string(diagnostics.CauseUnknownSKU) {
			require.Len(t, h, 1, sku)
			assert.Equal(t, cause, h[0].Cause, sku)
		}
	}
}

// TestSweepIsForOperators: a viewer's /preorder sweep is refused privately, audited, and sweeps nothing.
func TestSweepIsForOperators(t *testing.T) {
	t.Parallel()
	e := catalogEnv(t)
	e.slash(viewer, "sweep")
	e.waitFor("the refusal", func() bool { return len(e.slack.Ephemeral(viewer)) > 0 })
	assert.Contains(t, e.slack.Ephemeral(viewer)[0].Text, "Only operators can start a sweep")
	assert.Empty(t, botPosts(e.slack, opsChannel))
	runs, err := e.db.SweepRuns(context.Background(), storeID, time.Time{})
	require.NoError(t, err)
	assert.Empty(t, runs)
	recs, err := e.db.AuditSince(context.Background(), time.Time{})
	require.NoError(t, err)
	require.NotEmpty(t, recs)
	assert.Equal(t, "refused:sweep", recs[len(recs)-1].Action)
}

var _ = store.SweepLock{}
