package hotwax

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"testing"

	"github.com/preorderbot/preorderbot/diagnostics"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestErrorRule checks hotwax-api §1.1 on a find (performFind Shops), a Solr query and a write.
func TestErrorRule(t *testing.T) {
	html := "<html><head><title>502 Bad Gateway</title></head><body>" + strings.Repeat("nginx ", 100) + "</body></html>"
	tests := []struct {
		name    string
		call    string // "find", "solr" or "write"
		status  int
		body    string
		want    *APIError // nil: success
		wantIs  []error
		wantNot []error
	}{
		{
			name: "no record found on a find is zero rows", call: "find", status: 200,
			body: `{"error":"No record found"}`,
		},
		{
			name: "error on a solr query is a failure", call: "solr", status: 200,
			body: `{"error":"No record found"}`,
			want: &APIError{Call: "solr-query products", Status: 200, Messages: []string{"No record found"}},
		},
		{
			name: "other error text on a find is a failure", call: "find", status: 200,
			body: `{"error":"Permission denied to view ShopifyShopAndConfig"}`,
			want: &APIError{Call: "performFind ShopifyShopProduct", Status: 200,
				Messages: []string{"Permission denied to view ShopifyShopAndConfig"}},
		},
		{
			name: "_ERROR_MESSAGE_", call: "find", status: 200,
			body: `{"_ERROR_MESSAGE_":"Entity ShopifyShopAndConfig not found","count":0}`,
			want: &APIError{Call: "performFind ShopifyShopProduct", Status: 200,
				Messages: []string{"Entity ShopifyShopAndConfig not found"}},
		},
		{
			name: "_ERROR_MESSAGE_LIST_ of strings and objects", call: "write", status: 200,
			body: `{"_ERROR_MESSAGE_LIST_":["Temporal expression not found",{"message":"Job not scheduled","code":"E1"},{"x":1}]}`,
			want: &APIError{Call: "createShopifyShopProduct", Status: 200,
				Messages: []string{"Temporal expression not found", "Job not scheduled", `{"x":1}`}},
			wantNot: []error{ErrOutcomeUnknown},
		},
		{
			name: "solr error object", call: "solr", status: 200,
			body: `{"error":{"msg":"undefined field skuu","code":400}}`,
			want: &APIError{Call: "solr-query products", Status: 200, Messages: []string{"undefined field skuu"}},
		},
		{
			name: "empty error fields are no error", call: "find", status: 200,
			body: `{"_ERROR_MESSAGE_":"","_ERROR_MESSAGE_LIST_":[],"error":null,"count":0,"docs":[]}`,
		},
		{
			name: "html instead of json", call: "find", status: 200, body: html,
			want: &APIError{Call: "performFind ShopifyShopProduct", Status: 200, Reason: "body is not a JSON object",
				Excerpt: diagnostics.Clip(html, maxExcerpt)},
		},
		{
			name: "json that is not an object", call: "find", status: 200, body: `["a"]`,
			want: &APIError{Call: "performFind ShopifyShopProduct", Status: 200, Reason: "body is not a JSON object",
				Excerpt: `["a"]`},
		},
		{
			name: "truncated json", call: "find", status: 200, body: `{"count":1,"docs":[{"shopId":"100`,
			want: &APIError{Call: "performFind ShopifyShopProduct", Status: 200,
				Reason: "invalid JSON: unexpected end of JSON input", Excerpt: `{"count":1,"docs":[{"shopId":"100`},
		},
		{
			name: "truncated answer to a write leaves its outcome unknown", call: "write", status: 200, body: `{"succ`,
			want: &APIError{Call: "createShopifyShopProduct", Status: 200,
				Reason: "invalid JSON: unexpected end of JSON input", Excerpt: `{"succ`},
			wantIs: []error{ErrOutcomeUnknown},
		},
		{
			name: "401", call: "find", status: 401, body: `{"_ERROR_MESSAGE_":"Token expired"}`,
			want:    &APIError{Call: "performFind ShopifyShopProduct", Status: 401, Messages: []string{"Token expired"}},
			wantIs:  []error{ErrUnauthorized},
			wantNot: []error{ErrForbidden},
		},
		{
			name: "403", call: "write", status: 403, body: `not json`,
			want:    &APIError{Call: "createShopifyShopProduct", Status: 403, Excerpt: "not json"},
			wantIs:  []error{ErrForbidden},
			wantNot: []error{ErrUnauthorized, ErrOutcomeUnknown},
		},
		{
			name: "404 of a service not exported", call: "write", status: 404, body: ``,
			want:    &APIError{Call: "createShopifyShopProduct", Status: 404},
			wantNot: []error{ErrOutcomeUnknown},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFakeOMS(t, func(w http.ResponseWriter, _ *http.Request, _ int, _ string) {
				respond(w, tt.status, tt.body)
			})
			c := newTestClient(t, f)
			ctx := context.Background()
			var err error
			switch tt.call {
			case "find":
				var links []ShopLink
				links, err = c.ShopLinks(ctx, []string{"P1"})
				if err == nil {
					assert.Empty(t, links)
				}
			case "solr":
				_, err = c.ProductsBySKU(ctx, "STORE", []string{"A"})
			case "write":
				err = c.CreateShopLink(ctx, ShopLink{ShopID: "1", ProductID: "2", ShopifyProductID: "3"})
			}
			if tt.want == nil {
				require.NoError(t, err)
				return
			}
			var apiErr *APIError
			require.ErrorAs(t, err, &apiErr)
			assert.Equal(t, tt.want, apiErr)
			assert.LessOrEqual(t, len(apiErr.Excerpt), maxExcerpt)
			for _, target := range tt.wantIs {
				assert.ErrorIs(t, err, target)
			}
			for _, target := range tt.wantNot {
				assert.NotErrorIs(t, err, target)
			}
			assert.Equal(t, 1, len(f.requests()), "business errors and 4xx are not retried")
		})
	}
}

func TestAPIErrorMessage(t *testing.T) {
	err := &APIError{Call: "findJobs", Status: 503, Messages: []string{"down"}, Excerpt: "x"}
	assert.Equal(t, `hotwax findJobs: HTTP 503 Service Unavailable: down: body "x"`, err.Error())
	err = &APIError{Call: "findJobs", Status: 200, Messages: []string{"a", "b"}}
	assert.Equal(t, "hotwax findJobs: HTTP 200: a; b", err.Error())
	assert.False(t, errors.Is(err, ErrUnauthorized))
}

func TestClipKeepsUTF8(t *testing.T) {
	s := strings.Repeat("é", 150) // 300 bytes
	got := diagnostics.Clip(s, maxExcerpt)
	assert.LessOrEqual(t, len(got), maxExcerpt)
	assert.True(t, strings.HasSuffix(got, "…"))
	assert.NotContains(t, got, "\uFFFD")
	assert.Equal(t, "short", diagnostics.Clip("short", maxExcerpt))
}
