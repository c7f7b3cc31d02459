package hotwaxtest

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

var shopsQuery = map[string]any{"entityName": "ShopifyShopAndConfig", "inputFields": map[string]any{"productStoreId": "STORE"}, "noConditionFind": "Y"}

func TestAuth(t *testing.T) {
	s := NewTestServer(t, Options{Username: "ops", Password: "secret", TokenTTL: 30 * time.Minute, RunDelay: 20 * time.Millisecond})
	assert.True(t, strings.HasPrefix(s.Token(), "fake-jwt-"))
	assert.True(t, strings.HasPrefix(s.URL(), "http://127.0.0.1:"))
	assert.True(t, strings.HasSuffix(s.URL(), "/api/"))

	for name, token := range map[string]string{"missing": "", "wrong": "fake-jwt-nope"} {
		t.Run(name+" token", func(t *testing.T) {
			status, raw := call(t, s, token, "performFind", shopsQuery)
			assert.Equal(t, http.StatusUnauthorized, status)
			assert.Contains(t, string(raw), `"error":"Unauthorized`)
		})
	}
	t.Run("configured token", func(t *testing.T) {
		status, _ := call(t, s, s.Token(), "performFind", shopsQuery)
		assert.Equal(t, http.StatusOK, status)
	})
	t.Run("bad login", func(t *testing.T) {
		status, raw := call(t, s, "", "login", map[string]any{"USERNAME": "ops", "PASSWORD": "wrong"})
		assert.Equal(t, http.StatusOK, status, "OFBiz refuses a login with 200 and _ERROR_MESSAGE_")
		assert.JSONEq(t, `{"_ERROR_MESSAGE_":"The password was not correct, please re-enter."}`, string(raw))
	})
	t.Run("login issues expiring tokens", func(t *testing.T) {
		status, raw := call(t, s, "", "login", map[string]any{"USERNAME": "ops", "PASSWORD": "secret"})
		require.Equal(t, http.StatusOK, status)
		var resp struct {
			Token          string `json:"token"`
			ExpirationTime int64  `json:"expirationTime"`
		}
		require.NoError(t, json.Unmarshal(raw, &resp))
		assert.NotEqual(t, s.Token(), resp.Token)
		assert.WithinDuration(t, s.Now().Add(30*time.Minute), time.UnixMilli(resp.ExpirationTime), time.Second)
		status, _ = call(t, s, resp.Token, "performFind", shopsQuery)
		assert.Equal(t, http.StatusOK, status)

		s.Advance(31 * time.Minute)
		status, raw = call(t, s, resp.Token, "performFind", shopsQuery)
		assert.Equal(t, http.StatusUnauthorized, status)
		assert.Contains(t, string(raw), "token expired")
		status, _ = call(t, s, s.Token(), "performFind", shopsQuery)
		assert.Equal(t, http.StatusOK, status, "the configured token does not expire")
	})
	t.Run("login disabled without credentials", func(t *testing.T) {
		plain := newTest(t, ScenarioHealthy)
		status, raw := call(t, plain, "", "login", map[string]any{"USERNAME": "", "PASSWORD": ""})
		assert.Equal(t, http.StatusOK, status)
		assert.Contains(t, string(raw), "_ERROR_MESSAGE_")
	})
}

func TestFaults(t *testing.T) {
	s := NewTestServer(t, Options{Username: "ops", Password: "secret", RunDelay: 20 * time.Millisecond})
	statuses := func(n int) []int {
		var out []int
		for range n {
			status, _ := call(t, s, s.Token(), "performFind", shopsQuery)
			out = append(out, status)
		}
		return out
	}
	t.Run("share of 500s", func(t *testing.T) {
		s.SetFaults(Faults{ErrorRate: 0.5})
		assert.Equal(t, []int{200, 500, 200, 500}, statuses(4))
		s.SetFaults(Faults{ErrorRate: 1})
		assert.Equal(t, []int{500, 500}, statuses(2))
		s.SetFaults(Faults{})
		assert.Equal(t, []int{200, 200}, statuses(2))
	})
	t.Run("malformed JSON", func(t *testing.T) {
		s.SetFaults(Faults{Malformed: true})
		status, raw := call(t, s, s.Token(), "performFind", shopsQuery)
		assert.Equal(t, http.StatusOK, status)
		assert.False(t, json.Valid(raw))
	})
	t.Run("OMS error", func(t *testing.T) {
		s.SetFaults(Faults{OMSError: "General error"})
		status, raw := call(t, s, s.Token(), "findJobs", map[string]any{"noConditionFind": "Y"})
		assert.Equal(t, http.StatusOK, status)
		assert.JSONEq(t, `{"_ERROR_MESSAGE_":"General error"}`, string(raw))
	})
	t.Run("limited to one endpoint", func(t *testing.T) {
		s.SetFaults(Faults{Endpoint: "findJobs", ErrorRate: 1})
		status, _ := call(t, s, s.Token(), "findJobs", map[string]any{"noConditionFind": "Y"})
		assert.Equal(t, http.StatusInternalServerError, status)
		assert.Equal(t, []int{200}, statuses(1))
	})
	t.Run("hang until the client gives up", func(t *testing.T) {
		s.SetFaults(Faults{Hang: true})
		ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
		defer cancel()
		req, err := http.NewRequestWithContext(ctx, http.MethodPost, s.URL()+"performFind", strings.NewReader(`{}`))
		require.NoError(t, err)
		req.Header.Set("Authorization", "Bearer "+s.Token())
		_, err = http.DefaultClient.Do(req)
		assert.ErrorIs(t, err, context.DeadlineExceeded)
		s.SetFaults(Faults{})
		assert.Equal(t, []int{200}, statuses(1))
	})
	t.Run("latency", func(t *testing.T) {
		s.SetFaults(Faults{Latency: time.Minute})
		client := &http.Client{Timeout: 50 * time.Millisecond}
		req, err := http.NewRequest(http.MethodPost, s.URL()+"performFind", strings.NewReader(`{}`))
		require.NoError(t, err)
		_, err = client.Do(req)
		assert.Error(t, err, "a minute of latency outlasts the client timeout")
		s.SetFaults(Faults{})
	})
	t.Run("expired tokens", func(t *testing.T) {
		s.SetFaults(Faults{ExpireTokens: true})
		status, raw := call(t, s, s.Token(), "performFind", shopsQuery)
		assert.Equal(t, http.StatusUnauthorized, status)
		assert.Contains(t, string(raw), "token expired")
		status, raw = call(t, s, "", "login", map[string]any{"USERNAME": "ops", "PASSWORD": "secret"})
		require.Equal(t, http.StatusOK, status)
		var resp struct{ Token string }
		require.NoError(t, json.Unmarshal(raw, &resp))
		status, _ = call(t, s, resp.Token, "performFind", shopsQuery)
		assert.Equal(t, http.StatusOK, status, "a fresh login works")
		s.SetFaults(Faults{})
	})
}

func TestFaultsAtConstruction(t *testing.T) {
	s := NewTestServer(t, Options{Faults: Faults{Endpoint: "solr-query", OMSError: "Solr is down"}})
	status, raw := call(t, s, s.Token(), "solr-query", map[string]any{"json": map[string]any{"query": "*:*"}})
	assert.Equal(t, http.StatusOK, status)
	assert.JSONEq(t, `{"_ERROR_MESSAGE_":"Solr is down"}`, string(raw))
	status, _ = call(t, s, s.Token(), "performFind", shopsQuery)
	assert.Equal(t, http.StatusOK, status)
}

func TestCountsAndRouting(t *testing.T) {
	s := newTest(t, ScenarioHealthy)
	call(t, s, s.Token(), "performFind", shopsQuery)
	call(t, s, s.Token(), "performFind", shopsQuery)
	call(t, s, s.Token(), "findJobs", map[string]any{"noConditionFind": "Y"})
	call(t, s, s.Token(), "solr-query", map[string]any{"json": map[string]any{"query": "*:*"}})
	call(t, s, "", "login", map[string]any{})
	call(t, s, s.Token(), "scheduleService", map[string]any{})
	call(t, s, s.Token(), "service/createShopifyShopProduct", map[string]any{})
	status, _ := call(t, s, s.Token(), "service/nope", map[string]any{})
	assert.Equal(t, http.StatusNotFound, status)
	assert.Equal(t, map[string]int{"performFind": 2, "findJobs": 1, "solr-query": 1, "login": 1, "scheduleService": 1,
		"service/createShopifyShopProduct": 1, "service/nope": 1}, s.Counts())
	assert.Equal(t, 8, s.Total())
	s.ResetCounts()
	assert.Empty(t, s.Counts())
	assert.Zero(t, s.Total())

	resp, err := http.Get(s.URL() + "performFind")
	require.NoError(t, err)
	resp.Body.Close()
	assert.Equal(t, http.StatusMethodNotAllowed, resp.StatusCode)

	req, err := http.NewRequest(http.MethodPost, s.URL()+"performFind", strings.NewReader(`[1,2`))
	require.NoError(t, err)
	req.Header.Set("Authorization", "Bearer "+s.Token())
	resp, err = http.DefaultClient.Do(req)
	require.NoError(t, err)
	resp.Body.Close()
	assert.Equal(t, http.StatusBadRequest, resp.StatusCode)
}

func TestConcurrentUse(t *testing.T) {
	s := newTest(t, ScenarioAssociationJobNotScheduled)
	done := make(chan struct{})
	for i := range 4 {
		go func() {
			defer func() { done <- struct{}{} }()
			for range 10 {
				req, err := http.NewRequest(http.MethodPost, s.URL()+"findJobs", strings.NewReader(`{"noConditionFind":"Y","viewSize":5}`))
				if !assert.NoError(t, err) {
					return
				}
				req.Header.Set("Authorization", "Bearer "+s.Token())
				resp, err := http.DefaultClient.Do(req)
				if !assert.NoError(t, err) {
					return
				}
				resp.Body.Close()
				assert.Equal(t, http.StatusOK, resp.StatusCode)
				if i == 0 {
					s.Advance(time.Minute)
				}
			}
		}()
	}
	for range 4 {
		<-done
	}
	waitIdle(t, s)
}
