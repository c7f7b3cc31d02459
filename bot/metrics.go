package bot

import (
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/preorderbot/preorderbot/diagnostics"
)

// Metrics are the bot's Prometheus series. A nil *Metrics records nothing, so tests need not build one.
type Metrics struct {
	checks        *prometheus.CounterVec
	checkDuration prometheus.Histogram
	slackCalls    *prometheus.CounterVec
	slackErrors   *prometheus.CounterVec
	slackLimited  *prometheus.CounterVec
	ackLatency    prometheus.Histogram
	remedies      *prometheus.CounterVec
	watchesOpen   prometheus.Gauge
	escalations   *prometheus.CounterVec
	jobFailures   *prometheus.CounterVec
	counted       *runSet // failed runs already counted: every check of a SKU sees the same runs
}

// NewMetrics registers the bot's series on reg.
func NewMetrics(reg prometheus.Registerer) *Metrics {
	m := &Metrics{
		checks: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "preorderbot_checks_total", Help: "SKU checks finished, by most likely cause.",
		}, []string{"cause"}),
		checkDuration: prometheus.NewHistogram(prometheus.HistogramOpts{
			Name: "preorderbot_check_duration_seconds", Help: "Wall time of one diagnostic run.",
			Buckets: []float64{.05, .1, .25, .5, 1, 2, 5, 10, 20},
		}),
		slackCalls: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "preorderbot_slack_api_calls_total", Help: "Slack Web API calls, by method.",
		}, []string{"method"}),
		slackErrors: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "preorderbot_slack_api_errors_total", Help: "Slack Web API calls that failed, by method.",
		}, []string{"method"}),
		slackLimited: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "preorderbot_slack_api_ratelimited_total", Help: "Slack Web API 429 answers, by method.",
		}, []string{"method"}),
		ackLatency: prometheus.NewHistogram(prometheus.HistogramOpts{
			// Not what Slack sees: slack-go's read and write queues come on top (README, ack benchmark).
			Name:    "preorderbot_ack_handoff_seconds",
			Help:    "Time from taking an envelope off slack-go's event queue to handing its ack to slack-go's socket writer, journal commit included.",
			Buckets: []float64{.0005, .001, .0025, .005, .01, .025, .05, .1, .5, 1, 3},
		}),
		remedies: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "preorderbot_remedies_total", Help: "Remedies attempted, by kind and outcome.",
		}, []string{"kind", "outcome"}),
		watchesOpen: prometheus.NewGauge(prometheus.GaugeOpts{
			Name: "preorderbot_watches_open", Help: "Jobs being watched for their run to finish.",
		}),
		escalations: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "preorderbot_escalations_total", Help: "Escalations to HotWax Support, by whether a thread was new.",
		}, []string{"thread"}),
		jobFailures: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "preorderbot_job_failures_total", Help: "Failed job runs seen by checks and /preorder jobs, by failure signature (unknown when none matches).",
		}, []string{"signature"}),
		counted: newRunSet(maxCountedRuns),
	}
	reg.MustRegister(m.checks, m.checkDuration, m.slackCalls, m.slackErrors, m.slackLimited, m.ackLatency,
		m.remedies, m.watchesOpen, m.escalations, m.jobFailures)
	return m
}

func (m *Metrics) observeAck(d time.Duration) {
	if m != nil {
		m.ackLatency.Observe(d.Seconds())
	}
}

func (m *Metrics) observeCheck(cause string, d time.Duration) {
	if m != nil {
		m.checks.WithLabelValues(cause).Inc()
		m.checkDuration.Observe(d.Seconds())
	}
}

func (m *Metrics) observeSlack(method string, err error, limited bool) {
	if m == nil {
		return
	}
	m.slackCalls.WithLabelValues(method).Inc()
	if err != nil {
		m.slackErrors.WithLabelValues(method).Inc()
	}
	if limited {
		m.slackLimited.WithLabelValues(method).Inc()
	}
}

func (m *Metrics) observeRemedy(kind, outcome string) {
	if m != nil {
		m.remedies.WithLabelValues(kind, outcome).Inc()
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
	m.escalations.WithLabelValues(label).Inc()
}

// observeJobFailures counts each failed run once, by its signature, however many checks see it.
func (m *Metrics) observeJobFailures(runs []diagnostics.FailedRun) {
	if m == nil {
		return
	}
	for _, r := range runs {
		if m.counted.add(r.JobID) {
			m.jobFailures.WithLabelValues(diagnostics.SignatureLabel(r.Signature)).Inc()
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
