package bot_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/preorderbot/preorderbot/bot"
	"github.com/preorderbot/preorderbot/diagnostics/hotwax"
	"github.com/preorderbot/preorderbot/diagnostics/hotwax/hotwaxtest"
)

func TestJobFailuresAreCountedOnceBySignature(t *testing.T) {
	t.Parallel()
	reg := prometheus.NewRegistry()
	e := newEnv(t, "job-failing", func(o *botOptions, _ *hotwaxtest.Options) { o.Metrics = bot.NewMetrics(reg) })
	count := func() string {
		var out []string
		mfs, err := reg.Gather()
		require.NoError(t, err)
		for _, mf := range mfs {
			if mf.GetName() != "preorderbot_job_failures_total" {
				continue
			}
			for _, m := range mf.GetMetric() {
				out = append(out, m.GetLabel()[0].GetValue()+"="+fmt.Sprint(m.GetCounter().GetValue()))
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
