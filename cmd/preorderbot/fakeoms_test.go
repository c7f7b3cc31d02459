package main

import (
	"bytes"
	"context"
	"net/http"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/preorderbot/preorderbot/diagnostics/hotwax/hotwaxtest"
)

// fakeOMSOutput collects stdout and signals once the token line is written.
type fakeOMSOutput struct {
	mu    sync.Mutex
	buf   bytes.Buffer
	ready chan struct{}
	once  sync.Once
}

func (w *fakeOMSOutput) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	n, err := w.buf.Write(p)
	if strings.Contains(w.buf.String(), "HOTWAX_TOKEN=") {
		w.once.Do(func() { close(w.ready) })
	}
	return n, err
}

func (w *fakeOMSOutput) String() string {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.buf.String()
}

func TestRunFakeOMSFlags(t *testing.T) {
	tests := []struct {
		name   string
		args   []string
		code   int
		stdout []string
		stderr []string
	}{
		{
			name: "prints settings and stops with ctx", args: []string{"--scenario", "job-failing", "--addr", "127.0.0.1:0", "--latency", "5ms"},
			code:   0,
			stdout: []string{"HOTWAX_BASE_URL=http://127.0.0.1:", "/api/\n", "HOTWAX_TOKEN=fake-jwt-", "HW-GLOVE-L", "HW-JACKET-M"},
		},
		{
			name: "generated catalog with a seed", args: []string{"--scenario", "catalog", "--seed", "3", "--catalog-skus", "120"},
			code: 0, stdout: []string{"scenario catalog", "120 generated pre-order SKUs (seed 3)", "GEN-00000"},
		},
		{
			name: "catalog size out of range", args: []string{"--scenario", "catalog", "--catalog-skus", "0"},
			code: 2, stderr: []string{"--catalog-skus 0"},
		},
		{
			name: "custom token", args: []string{"-token", "fake-jwt-demo"},
			code: 0, stdout: []string{"HOTWAX_TOKEN=fake-jwt-demo\n", "scenario healthy"},
		},
		{
			name: "help", args: []string{"-h"},
			code: 0, stderr: append([]string{"Usage: preorderbot fake-oms", "-scenario", "-latency"}, hotwaxtest.ScenarioNames()...),
		},
		{
			name: "unknown scenario", args: []string{"--scenario", "nope"},
			code: 2, stderr: append([]string{`unknown scenario "nope"`}, hotwaxtest.ScenarioNames()...),
		},
		{
			name: "underscore listing generation", args: []string{"--listing-generation", "underscore"},
			code: 0, stdout: []string{"shopifyCore generation underscore"},
		},
		{
			name: "unknown listing generation", args: []string{"--listing-generation", "bulk"},
			code: 2, stderr: []string{`unknown listing generation "bulk"`},
		},
		{name: "bad flag", args: []string{"--nope"}, code: 2, stderr: []string{"flag provided but not defined"}},
		{name: "bad duration", args: []string{"--latency", "soon"}, code: 2, stderr: []string{"like 10s or 2m"}},
		{
			name: "login instead of a token", args: []string{"--username", "integration", "--password", "s3cret-pass"},
			code: 0, stdout: []string{"HOTWAX_USERNAME=integration\n", "HOTWAX_PASSWORD"},
		},
		{name: "extra arguments", args: []string{"extra"}, code: 2, stderr: []string{"unexpected arguments: extra"}},
		{name: "address in use or invalid", args: []string{"--addr", "127.0.0.1:-1"}, code: 1, stderr: []string{"listen on 127.0.0.1:-1"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ctx, cancel := context.WithCancel(context.Background())
			cancel()
			var stdout, stderr bytes.Buffer
			code := runFakeOMS(ctx, tt.args, &stdout, &stderr)
			assert.Equal(t, tt.code, code, stderr.String())
			for _, want := range tt.stdout {
				assert.Contains(t, stdout.String(), want)
			}
			for _, want := range tt.stderr {
				assert.Contains(t, stderr.String(), want)
			}
			assert.NotContains(t, stderr.String(), "fake-jwt-", "no token on stderr")
		})
	}
}

func TestRunFakeOMSServesTheUnderscoreGeneration(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	out := &fakeOMSOutput{ready: make(chan struct{})}
	var stderr bytes.Buffer
	done := make(chan int, 1)
	go func() { done <- runFakeOMS(ctx, []string{"--listing-generation", "underscore"}, out, &stderr) }()
	select {
	case <-out.ready:
	case code := <-done:
		require.FailNow(t, "fake-oms exited early", "code %d: %s", code, stderr.String())
	case <-time.After(10 * time.Second):
		require.FailNow(t, "fake-oms printed no settings")
	}
	base := regexp.MustCompile(`HOTWAX_BASE_URL=(\S+)`).FindStringSubmatch(out.String())
	token := regexp.MustCompile(`HOTWAX_TOKEN=(\S+)`).FindStringSubmatch(out.String())
	require.Len(t, base, 2)
	require.Len(t, token, 2)
	query := func(field string) (int, string) {
		body := `{"coreName":"shopifyCore","json":{"query":"*:*","filter":"docType: BULKOPERATION AND ` + field +
			`: \"gid://shopify/ProductVariant/45012000000011\""}}`
		req, err := http.NewRequest(http.MethodPost, base[1]+"solr-query", strings.NewReader(body))
		require.NoError(t, err)
		req.Header.Set("Authorization", "Bearer "+token[1])
		resp, err := http.DefaultClient.Do(req)
		require.NoError(t, err)
		defer resp.Body.Close()
		var b bytes.Buffer
		_, err = b.ReadFrom(resp.Body)
		require.NoError(t, err)
		return resp.StatusCode, b.String()
	}
	status, body := query("data.productVariantUpdate.productVariant.id")
	assert.Equal(t, http.StatusBadRequest, status)
	assert.Contains(t, body, "undefined field data.productVariantUpdate.productVariant.id")
	status, body = query("data_productVariantUpdate_productVariant_id")
	assert.Equal(t, http.StatusOK, status)
	assert.Contains(t, body, `"numFound":1`)
	cancel()
	<-done
}

func TestRunFakeOMSServes(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	out := &fakeOMSOutput{ready: make(chan struct{})}
	var stderr bytes.Buffer
	done := make(chan int, 1)
	go func() { done <- runFakeOMS(ctx, []string{"--scenario", "not-preorder"}, out, &stderr) }()

	select {
	case <-out.ready:
	case code := <-done:
		require.FailNow(t, "fake-oms exited early", "code %d: %s", code, stderr.String())
	case <-time.After(10 * time.Second):
		require.FailNow(t, "fake-oms printed no settings")
	}
	base := regexp.MustCompile(`HOTWAX_BASE_URL=(\S+)`).FindStringSubmatch(out.String())
	token := regexp.MustCompile(`HOTWAX_TOKEN=(\S+)`).FindStringSubmatch(out.String())
	require.Len(t, base, 2)
	require.Len(t, token, 2)

	req, err := http.NewRequest(http.MethodPost, base[1]+"solr-query",
		strings.NewReader(`{"json":{"query":"*:*","filter":"docType: PRODUCT AND sku: \"HW-TEE-WHT\""}}`))
	require.NoError(t, err)
	req.Header.Set("Authorization", "Bearer "+token[1])
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	assert.Equal(t, http.StatusOK, resp.StatusCode)
	var body bytes.Buffer
	_, err = body.ReadFrom(resp.Body)
	require.NoError(t, err)
	assert.Contains(t, body.String(), `"numFound":1`)

	cancel()
	select {
	case code := <-done:
		assert.Equal(t, 0, code)
	case <-time.After(10 * time.Second):
		require.FailNow(t, "fake-oms did not stop when ctx ended")
	}
}

func TestFakeOMSWithLoginPrintsLoginVariables(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	var stdout, stderr bytes.Buffer
	require.Equal(t, 0, runFakeOMS(ctx, []string{"--username", "integration", "--password", "s3cret-pass"}, &stdout, &stderr))
	assert.Contains(t, stdout.String(), "HOTWAX_USERNAME=integration\n")
	assert.NotContains(t, stdout.String(), "HOTWAX_TOKEN=", "a token would skip the login the flags ask for")
	assert.NotContains(t, stdout.String()+stderr.String(), "s3cret-pass", "the password is never shown")
}
