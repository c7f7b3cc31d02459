// Package metricset keeps Prometheus series in a VictoriaMetrics set and writes them with their help text
// and type. VictoriaMetrics' metrics package replaces prometheus' client because the client's package
// initialisation (procfs, protobuf, expfmt) cost every process about 1 ms of CPU and a hundred page
// faults at start, `check` included, which never serves metrics.
package metricset

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"strings"
	"sync"

	"github.com/VictoriaMetrics/metrics"
)

// Set holds the series of one process's families. The zero value is not usable; call New.
type Set struct {
	series *metrics.Set

	mu       sync.Mutex
	families map[string]family
}

type family struct{ help, kind string }

// New returns an empty set.
func New() *Set {
	return &Set{series: metrics.NewSet(), families: map[string]family{}}
}

// Counter is a family of counters with the given label names.
type Counter struct {
	set    *Set
	name   string
	labels []string
}

// Counter declares a counter family. Its series appear on first increment, as prometheus' CounterVec's do.
func (s *Set) Counter(name, help string, labels ...string) Counter {
	s.declare(name, family{help: help, kind: "counter"})
	return Counter{set: s, name: name, labels: labels}
}

// Inc adds one to the series with the given label values, one per label name.
func (c Counter) Inc(values ...string) {
	c.set.series.GetOrCreateCounter(seriesName(c.name, c.labels, values)).Inc()
}

// Histogram is a family of Prometheus histograms with fixed buckets and the given label names.
type Histogram struct {
	set     *Set
	name    string
	buckets []float64
	labels  []string
}

// Histogram declares a histogram family with the given upper bounds. Without labels its one series is
// exposed at once, with zero counts, as prometheus' Histogram is.
func (s *Set) Histogram(name, help string, buckets []float64, labels ...string) Histogram {
	s.declare(name, family{help: help, kind: "histogram"})
	h := Histogram{set: s, name: name, buckets: buckets, labels: labels}
	if len(labels) == 0 {
		s.series.GetOrCreatePrometheusHistogramExt(name, buckets)
	}
	return h
}

// Observe records v in the series with the given label values.
func (h Histogram) Observe(v float64, values ...string) {
	h.set.series.GetOrCreatePrometheusHistogramExt(seriesName(h.name, h.labels, values), h.buckets).Update(v)
}

// Gauge declares a gauge without labels; it reads 0 until set.
func (s *Set) Gauge(name, help string) *metrics.Gauge {
	s.declare(name, family{help: help, kind: "gauge"})
	return s.series.NewGauge(name, nil)
}

func (s *Set) declare(name string, f family) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.families[name]; ok {
		panic(fmt.Sprintf("metricset: family %s declared twice", name))
	}
	s.families[name] = f
}

// WritePrometheus writes every series in the Prometheus text format, each family under its HELP and TYPE.
func (s *Set) WritePrometheus(w io.Writer) error {
	var text bytes.Buffer
	s.series.WritePrometheus(&text)
	s.mu.Lock()
	defer s.mu.Unlock()
	out := bufio.NewWriter(w)
	current := ""
	for line := range strings.Lines(text.String()) {
		if strings.HasPrefix(line, "#") {
			continue // VictoriaMetrics' own metadata, when enabled globally, has no help text
		}
		if name := s.familyOf(line); name != current {
			current = name
			if f, ok := s.families[name]; ok {
				fmt.Fprintf(out, "# HELP %s %s\n# TYPE %s %s\n", name, escapeHelp(f.help), name, f.kind)
			}
		}
		out.WriteString(line)
	}
	return out.Flush()
}

// familyOf is the family a sample line belongs to: its metric name, less a histogram's suffix.
func (s *Set) familyOf(line string) string {
	name := line
	if i := strings.IndexAny(line, "{ "); i >= 0 {
		name = line[:i]
	}
	if _, ok := s.families[name]; ok {
		return name
	}
	for _, suffix := range []string{"_bucket", "_sum", "_count"} {
		if base, ok := strings.CutSuffix(name, suffix); ok && s.families[base].kind == "histogram" {
			return base
		}
	}
	return name
}

// seriesName is name{label="value",…} with the values escaped as the text format wants.
func seriesName(name string, labels, values []string) string {
	if len(labels) != len(values) {
		panic(fmt.Sprintf("metricset: %s has labels %v, got values %q", name, labels, values))
	}
	if len(labels) == 0 {
		return name
	}
	var b strings.Builder
	b.WriteString(name)
	for i, l := range labels {
		if i == 0 {
			b.WriteByte('{')
		} else {
			b.WriteByte(',')
		}
		b.WriteString(l)
		b.WriteString(`="`)
		labelEscaper.WriteString(&b, values[i])
		b.WriteByte('"')
	}
	b.WriteByte('}')
	return b.String()
}

var (
	labelEscaper = strings.NewReplacer(`\`, `\\`, `"`, `\"`, "\n", `\n`)
	helpEscaper  = strings.NewReplacer(`\`, `\\`, "\n", `\n`)
)

func escapeHelp(s string) string { return helpEscaper.Replace(s) }
