package bot_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/preorderbot/preorderbot/bot"
	"github.com/preorderbot/preorderbot/diagnostics/hotwax"
	"github.com/preorderbot/preorderbot/diagnostics/hotwax/hotwaxtest"
	"github.com/preorderbot/preorderbot/internal/metricset"
)

func TestJobFailuresAreCountedOnceBySignature(t *testing.T) {
	t.Parallel()
	set := metricset.New()
	e := newEnv(t, "job-failing", func(o *botOptions, _ *hotwaxtest.Options) { o.Metrics = bot.NewMetrics(set) })
	count := func() string {
		var text strings.Builder
		require.NoError(t, set.WritePrometheus(&text))
		var out []string
		for line := range strings.Lines(text.String()) {
			var signature string
			var n int
			if _, err := fmt.Sscanf(line, "preorderbot_job_failures_total{signature=%q} %d", &signature, &n); err == nil {
				out = append(out, fmt.Sprintf("%s=%d", signature, n))
			}
		}
		return strings.Join(out, " ")
	}

	e.check("HW-MITTEN-S")
	assert.Equal(t, "shopify-access-scope=1 shopify-throttled=1", count(), "CA's and UK's latest failed runs")
	e.check("HW-GLOVE-L") // the same runs, seen again
	e.slash(viewer, "jobs")
	e.waitFor("the jobs answer", func() bool { return len(e.slack.Ephemeral(viewer)) > 0 })
	assert.Equal(t, "shopify-access-scope=1 shopify-throttled=1", count(), "a run is counted once however often it is seen")

	e.oms.FailJob(hotwax.JobCatalogSync, hotwaxtest.ShopUK, "NullPointerException at line 42")
	e.oms.Advance(15 * time.Minute)
	e.opts.StoreFacts.Drop() // a quarter of an hour passed on the OMS's clock, longer than the facts are kept
	e.check("HW-MITTEN-S")
	assert.Equal(t, "shopify-access-scope=2 shopify-throttled=1 unknown=1", count(), "CA's next run failed again: a new run")
}

func TestEscalationOfAKnownFailureIsPrefilled(t *testing.T) {
	t.Parallel()
	e := newEnv(t, "job-failing")
	card, _ := e.check("HW-GLOVE-L")
	e.click(operator, card, "📨 Escalate to HotWax Support")
	v := e.openView(operator)
	assert.Contains(t, string(v.Blocks), `"initial_value":"The HotWax Shopify app of this shop lacks an access scope`)
}
