package hotwaxtest

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// newTest starts a server with a short RunDelay for tests.
func newTest(t *testing.T, scenario string) *Server {
	t.Helper()
	return NewTestServer(t, Options{Scenario: scenario, RunDelay: 20 * time.Millisecond})
}

// call POSTs a JSON body with a bearer token and returns the status and raw body.
func call(t *testing.T, s *Server, token, endpoint string, body any) (int, []byte) {
	t.Helper()
	raw, err := json.Marshal(body)
	require.NoError(t, err)
	req, err := http.NewRequest(http.MethodPost, s.URL()+endpoint, bytes.NewReader(raw))
	require.NoError(t, err)
	req.Header.Set("Content-Type", "application/json")
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	out, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	return resp.StatusCode, out
}

// post calls an endpoint with the server's token and decodes a JSON object answer.
func post(t *testing.T, s *Server, endpoint string, body any) map[string]any {
	t.Helper()
	status, raw := call(t, s, s.Token(), endpoint, body)
	require.Equal(t, http.StatusOK, status, string(raw))
	var out map[string]any
	require.NoError(t, json.Unmarshal(raw, &out), string(raw))
	return out
}

// docs returns a find answer's docs, or nil for "No record found".
func docs(t *testing.T, resp map[string]any) []map[string]any {
	t.Helper()
	if resp["error"] == "No record found" {
		return nil
	}
	require.NotContains(t, resp, "_ERROR_MESSAGE_")
	list, ok := resp["docs"].([]any)
	require.True(t, ok, "docs in %v", resp)
	out := make([]map[string]any, 0, len(list))
	for _, d := range list {
		out = append(out, d.(map[string]any))
	}
	return out
}

// solrDocs returns a solr-query answer's docs.
func solrDocs(t *testing.T, resp map[string]any) []map[string]any {
	t.Helper()
	r, ok := resp["response"].(map[string]any)
	require.True(t, ok, "response in %v", resp)
	return docs(t, r)
}

// field collects one field of every doc as strings.
func field(list []map[string]any, name string) []string {
	out := []string{}
	for _, d := range list {
		out = append(out, str(d[name]))
	}
	return out
}
