package main

import (
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/preorderbot/preorderbot/internal/metricset"
	"github.com/preorderbot/preorderbot/store"
)

func TestReadyz(t *testing.T) {
	db, err := store.Open(filepath.Join(t.TempDir(), "ops.db"), store.Options{})
	require.NoError(t, err)
	t.Cleanup(func() { _ = db.Close() })

	failing := func(since time.Duration) *omsMetrics {
		m := newOMSMetrics(metricset.New())
		if since > 0 {
			m.failSince = time.Now().Add(-since)
		}
		return m
	}
	cases := []struct {
		name      string
		connected bool
		oms       *omsMetrics
		closed    bool
		status    int
		problem   string
	}{
		{"ready", true, failing(0), false, http.StatusOK, ""},
		{"socket mode down", false, failing(0), false, http.StatusServiceUnavailable, "socket mode not connected"},
		{"oms failing briefly is tolerated", true, failing(time.Minute), false, http.StatusOK, ""},
		{"oms failing for long", true, failing(10 * time.Minute), false, http.StatusServiceUnavailable, "OMS calls failing since"},
		{"store not writable", true, failing(0), true, http.StatusServiceUnavailable, "store not writable"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			d := db
			if tc.closed {
				d, err = store.Open(filepath.Join(t.TempDir(), "closed.db"), store.Options{})
				require.NoError(t, err)
				require.NoError(t, d.Close())
			}
			o := &opsServer{ready: func() bool { return tc.connected }, db: d, oms: tc.oms, metrics: metricset.New()}
			rec := httptest.NewRecorder()
			o.handler().ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/readyz", nil))
			assert.Equal(t, tc.status, rec.Code)
			var body struct {
				Ready    bool     `json:"ready"`
				Problems []string `json:"problems"`
			}
			require.NoError(t, json.Unmarshal(rec.Body.Bytes(), &body))
			assert.Equal(t, tc.status == http.StatusOK, body.Ready)
			if tc.problem != "" {
				require.Len(t, body.Problems, 1)
				assert.Contains(t, body.Problems[0], tc.problem)
			}
		})
	}
}

func TestOMSMetricsTrackFailures(t *testing.T) {
	m := newOMSMetrics(metricset.New())
	status := http.StatusInternalServerError
	var netErr error
	rt := m.wrap(roundTripper(func(*http.Request) (*http.Response, error) {
		if netErr != nil {
			return nil, netErr
		}
		return &http.Response{StatusCode: status, Body: http.NoBody}, nil
	}))
	call := func() {
		req := httptest.NewRequest(http.MethodPost, "http://oms.test/api/findJobs", nil)
		if resp, err := rt.RoundTrip(req); err == nil {
			resp.Body.Close()
		}
	}
	call()
	_, failing := m.failingSince()
	assert.True(t, failing, "a 500 starts the failure clock")
	netErr = errors.New("connection refused")
	call()
	since, _ := m.failingSince()
	netErr, status = nil, http.StatusOK
	call()
	_, failing = m.failingSince()
	assert.False(t, failing, "a success resets it")
	assert.False(t, since.IsZero())
	assert.Equal(t, "findJobs", endpoint("/api/findJobs"))
	assert.Equal(t, "service/cancelScheduledJob", endpoint("/api/service/cancelScheduledJob"))
}

// /metrics shows the OMS series with their help, type and buckets, and the Go runtime and process series.
func TestMetricsEndpoint(t *testing.T) {
	set := metricset.New()
	m := newOMSMetrics(set)
	status := http.StatusBadGateway
	rt := m.wrap(roundTripper(func(*http.Request) (*http.Response, error) {
		return &http.Response{StatusCode: status, Body: http.NoBody}, nil
	}))
	for range 2 {
		resp, err := rt.RoundTrip(httptest.NewRequest(http.MethodPost, "http://oms.test/api/findJobs", nil))
		require.NoError(t, err)
		resp.Body.Close()
		status = http.StatusOK
	}

	o := &opsServer{ready: func() bool { return true }, oms: m, metrics: set}
	rec := httptest.NewRecorder()
	o.handler().ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/metrics", nil))
	require.Equal(t, http.StatusOK, rec.Code)
	assert.Equal(t, "text/plain; version=0.0.4; charset=utf-8", rec.Header().Get("Content-Type"))
	text := rec.Body.String()
	for _, want := range []string{
		"# HELP preorderbot_oms_request_duration_seconds HotWax OMS HTTP requests, by endpoint.\n",
		"# TYPE preorderbot_oms_request_duration_seconds histogram\n",
		`preorderbot_oms_request_duration_seconds_bucket{endpoint="findJobs",le="0.01"} `,
		`preorderbot_oms_request_duration_seconds_bucket{endpoint="findJobs",le="2.5"} `,
		`preorderbot_oms_request_duration_seconds_bucket{endpoint="findJobs",le="10"} 2` + "\n",
		`preorderbot_oms_request_duration_seconds_count{endpoint="findJobs"} 2` + "\n",
		"# HELP preorderbot_oms_request_errors_total HotWax OMS requests that failed (network, 5xx, 401/403), by endpoint.\n",
		"# TYPE preorderbot_oms_request_errors_total counter\n",
		`preorderbot_oms_request_errors_total{endpoint="findJobs"} 1` + "\n",
		"\ngo_goroutines ", "\ngo_memstats_heap_inuse_bytes ", "\nprocess_cpu_seconds_total ",
		"\nprocess_resident_memory_bytes ", "\nprocess_open_fds ",
	} {
		assert.Contains(t, text, want)
	}
}
