package bot

import (
	"sync"
	"time"

	"github.com/VictoriaMetrics/metrics"

	"github.com/preorderbot/preorderbot/diagnostics"
	"github.com/preorderbot/preorderbot/internal/metricset"
)

// Metrics are the bot's Prometheus series. A nil *Metrics records nothing, so tests need not build one.
type Metrics struct {
	checks        metricset.Counter
	checkDuration metricset.Histogram
	slackCalls    metricset.Counter
	slackErrors   metricset.Counter
	slackLimited  metricset.Counter
	ackLatency    metricset.Histogram
	remedies      metricset.Counter
	watchesOpen   *metrics.Gauge
	escalations   metricset.Counter
	jobFailures   metricset.Counter
	counted       *runSet // failed runs already counted: every check of a SKU sees the same runs
}

// NewMetrics declares the bot's series in set.
func NewMetrics(set *metricset.Set) *Metrics {
	return &Metrics{
		checks: set.Counter("preorderbot_checks_total", "SKU checks finished, by most likely cause.", "cause"),
		checkDuration: set.Histogram("preorderbot_check_duration_seconds", "Wall time of one diagnostic run.",
			[]float64{.05, .1, .25, .5, 1, 2, 5, 10, 20}),
		slackCalls:   set.Counter("preorderbot_slack_api_calls_total", "Slack Web API calls, by method.", "method"),
		slackErrors:  set.Counter("preorderbot_slack_api_errors_total", "Slack Web API calls that failed, by method.", "method"),
		slackLimited: set.Counter("preorderbot_slack_api_ratelimited_total", "Slack Web API 429 answers, by method.", "method"),
		// Not what Slack sees: slack-go's read and write queues come on top (README, ack benchmark).
		ackLatency: set.Histogram("preorderbot_ack_handoff_seconds",
			"Time from taking an envelope off slack-go's event queue to handing its ack to slack-go's socket writer, journal commit included.",
			[]float64{.0005, .001, .0025, .005, .01, .025, .05, .1, .5, 1, 3}),
		remedies:    set.Counter("preorderbot_remedies_total", "Remedies attempted, by kind and outcome.", "kind", "outcome"),
		watchesOpen: set.Gauge("preorderbot_watches_open", "Jobs being watched for their run to finish."),
		escalations: set.Counter("preorderbot_escalations_total", "Escalations to HotWax Support, by whether a thread was new.", "thread"),
		jobFailures: set.Counter("preorderbot_job_failures_total",
			"Failed job runs seen by checks and /preorder jobs, by failure signature (unknown when none matches).", "signature"),
		counted: newRunSet(maxCountedRuns),
	}
}

func (m *Metrics) observeAck(d time.Duration) {
	if m != nil {
		m.ackLatency.Observe(d.Seconds())
	}
}

func (m *Metrics) observeCheck(cause string, d time.Duration) {
	if m != nil {
		m.checks.Inc(cause)
		m.checkDuration.Observe(d.Seconds())
	}
}

func (m *Metrics) observeSlack(method string, err error, limited bool) {
	if m == nil {
		return
	}
	m.slackCalls.Inc(method)
	if err != nil {
		m.slackErrors.Inc(method)
	}
	if limited {
		m.slackLimited.Inc(method)
	}
}

func (m *Metrics) observeRemedy(kind, outcome string) {
	if m != nil {
		m.remedies.Inc(kind, outcome)
	}
}

func (m *Metrics) setWatches(n int) {
	if m != nil {
		m.watchesOpen.Set(float64(n))
	}
}

func (m *Metrics) observeEscalation(newThread bool) {
	if m == nil {
		return
	}
	label := "existing"
	if newThread {
		label = "new"
	}
	m.escalations.Inc(label)
}

// observeJobFailures counts each failed run once, by its signature, however many checks see it.
func (m *Metrics) observeJobFailures(runs []diagnostics.FailedRun) {
	if m == nil {
		return
	}
	for _, r := range runs {
		if m.counted.add(r.JobID) {
			m.jobFailures.Inc(diagnostics.SignatureLabel(r.Signature))
		}
	}
}

// maxCountedRuns bounds the memory of counted runs; the oldest are forgotten first. A run is seen again
// only while it is among a job's latest failures, so a few thousand cover every store's recent runs.
const maxCountedRuns = 4096

// runSet remembers up to max run ids, forgetting the oldest.
type runSet struct {
	mu    sync.Mutex
	max   int
	seen  map[string]bool
	order []string
}

func newRunSet(max int) *runSet { return &runSet{max: max, seen: map[string]bool{}} }

// add records id and reports whether it was new.
func (s *runSet) add(id string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.seen[id] {
		return false
	}
	if len(s.order) == s.max {
		delete(s.seen, s.order[0])
		s.order = s.order[1:]
	}
	s.seen[id] = true
	s.order = append(s.order, id)
	return true
}
