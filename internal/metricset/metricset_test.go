package metricset_test

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/preorderbot/preorderbot/internal/metricset"
)

func exposition(t *testing.T, s *metricset.Set) string {
	t.Helper()
	var b strings.Builder
	require.NoError(t, s.WritePrometheus(&b))
	return b.String()
}

// The text is what prometheus' client wrote for the same families: HELP and TYPE once per family, a
// histogram's cumulative buckets with their le label after the series' own labels, counters only once used.
func TestExpositionMatchesPrometheusClient(t *testing.T) {
	s := metricset.New()
	calls := s.Counter("app_calls_total", "Calls, by method.", "method")
	s.Counter("app_unused_total", "Never incremented.", "method")
	wait := s.Histogram("app_wait_seconds", "Waiting.", []float64{.5, 1})
	req := s.Histogram("app_request_seconds", "Requests, by endpoint.", []float64{.01, 2.5}, "endpoint")
	open := s.Gauge("app_open", "Open things.")

	calls.Inc("b")
	calls.Inc("a")
	calls.Inc("a")
	wait.Observe(0.75)
	req.Observe(0.005, "findJobs")
	req.Observe(3, "findJobs")
	open.Set(2)

	assert.Equal(t, `# HELP app_calls_total Calls, by method.
# TYPE app_calls_total counter
app_calls_total{method="a"} 2
app_calls_total{method="b"} 1
# HELP app_open Open things.
# TYPE app_open gauge
app_open 2
# HELP app_request_seconds Requests, by endpoint.
# TYPE app_request_seconds histogram
app_request_seconds_bucket{endpoint="findJobs",le="0.01"} 1
app_request_seconds_bucket{endpoint="findJobs",le="2.5"} 1
app_request_seconds_bucket{endpoint="findJobs",le="+Inf"} 2
app_request_seconds_sum{endpoint="findJobs"} 3.005
app_request_seconds_count{endpoint="findJobs"} 2
# HELP app_wait_seconds Waiting.
# TYPE app_wait_seconds histogram
app_wait_seconds_bucket{le="0.5"} 0
app_wait_seconds_bucket{le="1"} 1
app_wait_seconds_bucket{le="+Inf"} 1
app_wait_seconds_sum 0.75
app_wait_seconds_count 1
`, exposition(t, s))
}

func TestLabelValuesAreEscaped(t *testing.T) {
	s := metricset.New()
	c := s.Counter("app_calls_total", "Calls.", "method")
	c.Inc("a\"b\\c\nd")
	assert.Contains(t, exposition(t, s), `app_calls_total{method="a\"b\\c\nd"} 1`+"\n")
}

func TestUnusedHistogramIsExposedWithZeroCounts(t *testing.T) {
	s := metricset.New()
	s.Histogram("app_wait_seconds", "Waiting.", []float64{1})
	assert.Equal(t, "# HELP app_wait_seconds Waiting.\n# TYPE app_wait_seconds histogram\n"+
		"app_wait_seconds_bucket{le=\"1\"} 0\napp_wait_seconds_bucket{le=\"+Inf\"} 0\n"+
		"app_wait_seconds_sum 0\napp_wait_seconds_count 0\n", exposition(t, s))
}

func TestWrongNumberOfLabelValuesPanics(t *testing.T) {
	s := metricset.New()
	c := s.Counter("app_calls_total", "Calls.", "method")
	assert.Panics(t, func() { c.Inc() })
}
