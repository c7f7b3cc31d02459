package main

import (
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/preorderbot/preorderbot/store"
)

func TestReadyz(t *testing.T) {
	db, err := store.Open(filepath.Join(t.TempDir(), "ops.db"), store.Options{})
	require.NoError(t, err)
	t.Cleanup(func() { _ = db.Close() })

	failing := func(since time.Duration) *omsMetrics {
		m := newOMSMetrics(prometheus.NewRegistry())
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
			o := &opsServer{ready: func() bool { return tc.connected }, db: d, oms: tc.oms, registry: prometheus.NewRegistry()}
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
	m := newOMSMetrics(prometheus.NewRegistry())
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
