package diagnostics_test

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/preorderbot/preorderbot/diagnostics"
	"github.com/preorderbot/preorderbot/diagnostics/hotwax"
)

// answering is an OMS that answers every call with one status and body, to see how the real client's
// error for it is classified.
func answering(t *testing.T, status int, body string) *hotwax.OMS {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(status)
		_, _ = io.WriteString(w, body)
	}))
	t.Cleanup(srv.Close)
	c, err := hotwax.New(hotwax.Options{BaseURL: srv.URL, Token: "secret-token", MaxAttempts: 1, RetryWait: time.Millisecond})
	require.NoError(t, err)
	return hotwax.NewOMS(c)
}

func TestClassify(t *testing.T) {
	tests := []struct {
		name    string
		status  int
		body    string
		call    func(ctx context.Context, c *hotwax.OMS) error
		kind    diagnostics.FailureKind
		message string
		fix     string
	}{
		{
			name: "solr refuses the query", status: http.StatusBadRequest,
			body: `{"responseHeader":{"status":400},"error":{"msg":"undefined field data.productVariantUpdate.productVariant.id","code":400}}`,
			call: func(ctx context.Context, c *hotwax.OMS) error {
				_, err := c.Listings(ctx, "10001", []diagnostics.VariantRef{{VariantID: "1"}})
				return err
			},
			kind: diagnostics.FailureSolr, message: "Solr refused the query: undefined field data.productVariantUpdate.productVariant.id",
		},
		{
			name: "an answer in another shape names the field", status: http.StatusOK, body: `{"count":1,"docs":"not a list"}`,
			call: func(ctx context.Context, c *hotwax.OMS) error {
				_, err := c.FindJobs(ctx, diagnostics.JobQuery{Types: []string{"X"}})
				return err
			},
			kind: diagnostics.FailureUnexpected, message: `field "docs" is a JSON string`,
		},
		{
			name: "the OMS's own message", status: http.StatusOK, body: `{"_ERROR_MESSAGE_":"Entity ShopifyShopAndConfig is not readable"}`,
			call: func(ctx context.Context, c *hotwax.OMS) error {
				_, err := c.Shops(ctx, "STORE")
				return err
			},
			kind: diagnostics.FailureOMSError, message: "the OMS answered with an error: Entity ShopifyShopAndConfig is not readable",
		},
		{
			name: "a 401 names the token", status: http.StatusUnauthorized, body: `{"error":"Unauthorized: token expired"}`,
			call: func(ctx context.Context, c *hotwax.OMS) error {
				_, err := c.Shops(ctx, "STORE")
				return err
			},
			kind: diagnostics.FailureCredentials, message: "the OMS refused the token: Unauthorized: token expired", fix: "HOTWAX_TOKEN",
		},
		{
			name: "a 403 is a permission", status: http.StatusForbidden, body: `{"_ERROR_MESSAGE_":"Permission denied"}`,
			call: func(ctx context.Context, c *hotwax.OMS) error {
				_, err := c.Shops(ctx, "STORE")
				return err
			},
			kind: diagnostics.FailureCredentials, message: "the OMS refused permission: Permission denied", fix: "permission",
		},
		{
			name: "a gateway without the OMS", status: http.StatusServiceUnavailable, body: `<html>down</html>`,
			call: func(ctx context.Context, c *hotwax.OMS) error {
				_, err := c.Shops(ctx, "STORE")
				return err
			},
			kind: diagnostics.FailureUnreachable, message: "the OMS is not answering: HTTP 503 Service Unavailable",
		},
		{
			name: "a 500 with the OMS's message is the OMS speaking", status: http.StatusInternalServerError,
			body: `{"_ERROR_MESSAGE_":"Error calling service performFind"}`,
			call: func(ctx context.Context, c *hotwax.OMS) error {
				_, err := c.Shops(ctx, "STORE")
				return err
			},
			kind: diagnostics.FailureOMSError, message: "the OMS answered with an error: Error calling service performFind",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.call(context.Background(), answering(t, tt.status, tt.body))
			require.Error(t, err)
			f := diagnostics.Classify("the call", err)
			assert.Equal(t, tt.kind, f.Kind, "%+v", f)
			assert.Equal(t, "the call", f.Call)
			assert.True(t, strings.HasPrefix(f.Message, tt.message), "message %q", f.Message)
			assert.Contains(t, f.Fix, tt.fix)
			assert.NotContains(t, f.Message+f.Fix, "secret-token")
		})
	}
}

func TestClassifyKeepsMessagesShort(t *testing.T) {
	long := strings.Repeat("é", 400)
	f := diagnostics.Classify("findJobs", &diagnostics.OMSError{Call: "findJobs", Status: 200, Messages: []string{long + "\nline two"}})
	assert.LessOrEqual(t, len(f.Message), 300)
	assert.NotContains(t, f.Message, "\n")
	assert.True(t, strings.HasSuffix(f.Message, "…"))
	assert.True(t, utf8.ValidString(f.Message), "cut on a rune boundary")
}

// The SKUs of one run share their OMS answers: a failure is said once for the run.
func TestRunFailures(t *testing.T) {
	listings := diagnostics.Failure{Kind: diagnostics.FailureSolr, Call: "listings", Message: "Solr refused the query: undefined field x"}
	a, b := listings, listings
	a.Checks = []diagnostics.CheckID{diagnostics.CheckShopListing}
	b.Checks = []diagnostics.CheckID{diagnostics.CheckShopListing, diagnostics.CheckAssociationTime}
	jobs := diagnostics.Failure{Kind: diagnostics.FailureOMSError, Call: "findJobs", Message: "the OMS answered with an error: boom"}
	got := diagnostics.RunFailures([]diagnostics.Report{{Failures: []diagnostics.Failure{a}}, {Failures: []diagnostics.Failure{b, jobs}}, {}})
	require.Len(t, got, 2)
	assert.Equal(t, []diagnostics.CheckID{diagnostics.CheckShopListing, diagnostics.CheckAssociationTime}, got[0].Checks)
	assert.Equal(t, []diagnostics.CheckID{diagnostics.CheckShopListing}, a.Checks, "the reports are not changed")
	assert.Equal(t, jobs, got[1])
}
