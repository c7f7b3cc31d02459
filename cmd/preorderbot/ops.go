package main

import (
	"context"
	"crypto/subtle"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/VictoriaMetrics/metrics"

	"github.com/preorderbot/preorderbot/diagnostics/doctor"
	"github.com/preorderbot/preorderbot/internal/metricset"
	"github.com/preorderbot/preorderbot/store"
)

// omsFailingFor is how long OMS calls may keep failing before /readyz says the bot cannot do its job.
const omsFailingFor = 5 * time.Minute

// opsServer answers the operations endpoints: liveness, readiness, metrics, and (on the admin listener)
// the online backup.
type opsServer struct {
	ready   func() bool
	slack   func() []string // the bot's other problems with Slack (token refused, unreachable at start)
	db      *store.DB
	oms     *omsMetrics
	doctor  *tenantDoctor // nil: no doctor findings on /readyz
	metrics *metricset.Set
	log     *slog.Logger
}

func (o *opsServer) handler() http.Handler {
	mux := http.NewServeMux()
	o.register(mux)
	return mux
}

// register adds /healthz, /readyz and /metrics to mux, so the demo can share one listener with its page.
func (o *opsServer) register(mux *http.ServeMux) {
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		fmt.Fprintln(w, "ok")
	})
	mux.HandleFunc("GET /readyz", o.readyz)
	mux.HandleFunc("GET /metrics", o.serveMetrics)
}

// serveMetrics writes the bot's series, then the Go runtime, process and file descriptor series as
// VictoriaMetrics names them (close to, not the same as, prometheus' client's go_* and process_*).
func (o *opsServer) serveMetrics(w http.ResponseWriter, _ *http.Request) {
	w.Header().Set("Content-Type", "text/plain; version=0.0.4; charset=utf-8")
	if err := o.metrics.WritePrometheus(w); err != nil {
		return // the scraper went away
	}
	metrics.WriteProcessMetrics(w)
	metrics.WriteFDMetrics(w)
}

// readyz is 200 when Socket Mode said hello, Slack accepts the token, the store takes a write, the OMS has
// not been failing for longer than omsFailingFor, and the last doctor run found nothing that stops the bot
// from working; otherwise 503 with the reasons. The doctor's warnings are listed but leave the bot ready.
func (o *opsServer) readyz(w http.ResponseWriter, r *http.Request) {
	problems, warnings := []string{}, []string{}
	if !o.ready() {
		problems = append(problems, "socket mode not connected")
	}
	if o.slack != nil {
		problems = append(problems, o.slack()...)
	}
	ctx, cancel := context.WithTimeout(r.Context(), 2*time.Second)
	defer cancel()
	if err := o.db.Ping(ctx, time.Now()); err != nil {
		problems = append(problems, "store not writable: "+err.Error())
	}
	if since, failing := o.oms.failingSince(); failing && time.Since(since) > omsFailingFor {
		problems = append(problems, fmt.Sprintf("OMS calls failing since %s", since.UTC().Format(time.RFC3339)))
	}
	if o.doctor != nil {
		if rep, ok := o.doctor.latest(); ok {
			for _, f := range rep.Problems() {
				if f.Status == doctor.Fail {
					problems = append(problems, problemText(f))
				} else {
					warnings = append(warnings, problemText(f))
				}
			}
		}
	}
	w.Header().Set("Content-Type", "application/json")
	if len(problems) > 0 {
		w.WriteHeader(http.StatusServiceUnavailable)
	}
	_ = json.NewEncoder(w).Encode(map[string]any{"ready": len(problems) == 0, "problems": problems, "warnings": warnings})
}

// adminHandler serves the online backup. With a token every request must carry it as a bearer token:
// the listener may then be reachable from other hosts.
func (o *opsServer) adminHandler(token string) http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /backup", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/octet-stream")
		w.Header().Set("Content-Disposition", `attachment; filename="preorderbot-`+time.Now().UTC().Format("20060102T150405Z")+`.db"`)
		if err := o.db.Check(r.Context()); err != nil {
			o.logError("online backup refused", err)
			w.Header().Del("Content-Disposition")
			http.Error(w, "backup refused: "+err.Error(), http.StatusInternalServerError)
			return
		}
		if _, err := o.db.Backup(r.Context(), w); err != nil {
			// Headers are gone; a cut body is the only signal left, and the log says why.
			o.logError("online backup failed", err)
			panic(http.ErrAbortHandler)
		}
	})
	if token == "" {
		return mux
	}
	want := []byte("Bearer " + token)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if subtle.ConstantTimeCompare([]byte(r.Header.Get("Authorization")), want) != 1 {
			w.Header().Set("WWW-Authenticate", `Bearer realm="preorderbot admin"`)
			http.Error(w, "this endpoint needs PREORDERBOT_ADMIN_TOKEN as a bearer token", http.StatusUnauthorized)
			return
		}
		mux.ServeHTTP(w, r)
	})
}

func (o *opsServer) logError(msg string, err error) {
	if o.log != nil {
		o.log.Error(msg, "error", err)
	}
}

// omsMetrics measures every HTTP request to the OMS by endpoint and remembers since when calls fail.
type omsMetrics struct {
	duration metricset.Histogram
	errors   metricset.Counter

	mu        sync.Mutex
	failSince time.Time // zero while the last call succeeded
}

func newOMSMetrics(set *metricset.Set) *omsMetrics {
	return &omsMetrics{
		duration: set.Histogram("preorderbot_oms_request_duration_seconds", "HotWax OMS HTTP requests, by endpoint.",
			[]float64{.01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10}, "endpoint"),
		errors: set.Counter("preorderbot_oms_request_errors_total",
			"HotWax OMS requests that failed (network, 5xx, 401/403), by endpoint.", "endpoint"),
	}
}

func (m *omsMetrics) wrap(base http.RoundTripper) http.RoundTripper {
	return roundTripper(func(r *http.Request) (*http.Response, error) {
		ep := endpoint(r.URL.Path)
		start := time.Now()
		resp, err := base.RoundTrip(r)
		m.duration.Observe(time.Since(start).Seconds(), ep)
		failed := err != nil || resp.StatusCode >= 500 || resp.StatusCode == http.StatusUnauthorized || resp.StatusCode == http.StatusForbidden
		if failed {
			m.errors.Inc(ep)
		}
		m.mu.Lock()
		switch {
		case !failed:
			m.failSince = time.Time{}
		case m.failSince.IsZero():
			m.failSince = start
		}
		m.mu.Unlock()
		return resp, err
	})
}

func (m *omsMetrics) failingSince() (time.Time, bool) {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.failSince, !m.failSince.IsZero()
}

// endpoint is the path after /api/: performFind, findJobs, solr-query, service/…
func endpoint(path string) string {
	if i := strings.Index(path, "/api/"); i >= 0 {
		return path[i+len("/api/"):]
	}
	return strings.TrimPrefix(path, "/")
}

type roundTripper func(*http.Request) (*http.Response, error)

func (f roundTripper) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }
