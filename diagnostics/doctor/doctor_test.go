package doctor_test

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/preorderbot/preorderbot/diagnostics"
	"github.com/preorderbot/preorderbot/diagnostics/doctor"
	"github.com/preorderbot/preorderbot/diagnostics/hotwax"
	"github.com/preorderbot/preorderbot/diagnostics/hotwax/hotwaxtest"
)

func client(t *testing.T, base, token string) *hotwax.Client {
	t.Helper()
	c, err := hotwax.New(hotwax.Options{BaseURL: base, Token: token, Timeout: 2 * time.Second, RetryWait: time.Millisecond})
	require.NoError(t, err)
	return c
}

// jwt is an unsigned-looking JWT whose only claim that matters is exp.
func jwt(exp time.Time) string {
	enc := base64.RawURLEncoding
	return enc.EncodeToString([]byte(`{"alg":"HS256","typ":"JWT"}`)) + "." +
		enc.EncodeToString([]byte(fmt.Sprintf(`{"sub":"integration","exp":%d}`, exp.Unix()))) + "." + enc.EncodeToString([]byte("sig"))
}

func options() doctor.Options {
	return doctor.Options{ProductStoreID: "STORE", ParentShopID: hotwaxtest.ShopUS}
}

func find(t *testing.T, r doctor.Report, area, item string) doctor.Finding {
	t.Helper()
	for _, f := range r.Findings {
		if f.Area == area && f.Item == item {
			return f
		}
	}
	t.Fatalf("no finding %s · %s in %+v", area, item, r.Findings)
	return doctor.Finding{}
}

func TestHealthyTenantIsAllGood(t *testing.T) {
	now := time.Now()
	token := jwt(now.AddDate(1, 0, 0))
	srv := hotwaxtest.NewTestServer(t, hotwaxtest.Options{Scenario: hotwaxtest.ScenarioHealthy, Token: token})
	c := client(t, srv.URL(), token)
	countLinks := func() int {
		n := 0
		for _, sku := range []string{"HW-JACKET-M", "HW-JACKET-L"} {
			id, ok := srv.ProductID(sku)
			require.True(t, ok)
			n += len(srv.Links(id))
		}
		return n
	}
	links := countLinks()
	require.NotZero(t, links)

	r := doctor.Run(context.Background(), c, options())

	assert.Equal(t, doctor.OK, r.Status, "problems: %+v", r.Problems())
	assert.Equal(t, 0, r.ExitCode())
	assert.Empty(t, r.Problems())
	cred := find(t, r, doctor.AreaCredentials, "HOTWAX_TOKEN")
	assert.Contains(t, cred.Detail, now.AddDate(1, 0, 0).UTC().Format("2006-01-02"), "the expiry comes from the JWT's exp claim")
	assert.NotContains(t, fmt.Sprint(r), token, "the token is never shown")
	assert.Equal(t, doctor.GenerationDotted, r.ListingGeneration)
	assert.Equal(t, doctor.Parent{ShopID: hotwaxtest.ShopUS, How: "configured"}, r.Parent)
	assert.Contains(t, find(t, r, doctor.AreaService, "createShopifyShopProduct").Detail, "exposed")
	for _, shop := range []string{"Acme CA (10001)", "Acme UK (10002)"} {
		assert.Contains(t, find(t, r, doctor.AreaJobs, "Associate Products with Sub Catalog · "+shop).Detail, "scheduled HOURLY")
	}
	assert.Contains(t, find(t, r, doctor.AreaJobs, "Preorder Catalog Sync · Acme US (10000)").Detail, "scheduled EVERY_15_MIN")
	assert.Contains(t, find(t, r, doctor.AreaFrequencies, "TemporalExpression").Detail, "EVERY_15_MIN")

	// Read-only: the service probe created no link and no job changed.
	assert.Equal(t, links, countLinks())
	assert.Equal(t, 1, srv.Counts()["service/createShopifyShopProduct"])
	assert.Zero(t, srv.Counts()["scheduleService"])
	assert.Equal(t, r.OMSCalls, int64(srv.Total()))
}

func TestUnscheduledAssociationJobIsAWarning(t *testing.T) {
	srv := hotwaxtest.NewTestServer(t, hotwaxtest.Options{Scenario: hotwaxtest.ScenarioAssociationJobNotScheduled})
	r := doctor.Run(context.Background(), client(t, srv.URL(), srv.Token()), options())

	assert.Equal(t, doctor.Warn, r.Status)
	assert.Equal(t, 1, r.ExitCode())
	f := find(t, r, doctor.AreaJobs, "Associate Products with Sub Catalog · Acme CA (10001)")
	assert.Equal(t, doctor.Warn, f.Status)
	assert.Equal(t, "not scheduled", f.Detail)
	assert.Contains(t, f.Fix, "schedule Associate Products with Sub Catalog for Acme CA")
	assert.Equal(t, doctor.OK, find(t, r, doctor.AreaJobs, "Associate Products with Sub Catalog draft").Status, "the draft is there")
}

func TestMissingDraftNamesTheSetting(t *testing.T) {
	srv := hotwaxtest.NewTestServer(t, hotwaxtest.Options{})
	opts := options()
	opts.Jobs = diagnostics.Jobs{Association: "JOB_NOT_THERE"}
	r := doctor.Run(context.Background(), client(t, srv.URL(), srv.Token()), opts)

	assert.Equal(t, 1, r.ExitCode())
	f := find(t, r, doctor.AreaJobs, "Associate Products with Sub Catalog draft")
	assert.Equal(t, doctor.Warn, f.Status)
	assert.Contains(t, f.Detail, "no draft or schedule of JOB_NOT_THERE")
	assert.Contains(t, f.Fix, "HOTWAX_JOB_ASSOCIATION")
	assert.Contains(t, find(t, r, doctor.AreaConfig, "job ids").Detail, "HOTWAX_JOB_ASSOCIATION=JOB_NOT_THERE")
}

func TestRefusedTokenCannotWork(t *testing.T) {
	srv := hotwaxtest.NewTestServer(t, hotwaxtest.Options{})
	r := doctor.Run(context.Background(), client(t, srv.URL(), "fake-jwt-revoked"), options())

	assert.Equal(t, doctor.Fail, r.Status)
	assert.Equal(t, 2, r.ExitCode())
	require.Len(t, r.Findings, 1, "nothing else is probed with refused credentials")
	f := r.Findings[0]
	assert.Equal(t, doctor.AreaCredentials, f.Area)
	assert.Equal(t, "HOTWAX_TOKEN", f.Item)
	assert.Contains(t, f.Detail, "the OMS refused the token")
	assert.Contains(t, f.Fix, "set HOTWAX_TOKEN")
	assert.NotContains(t, f.Detail+f.Fix, "fake-jwt-revoked")
}

func TestRefusedLoginNamesUsernameAndPassword(t *testing.T) {
	srv := hotwaxtest.NewTestServer(t, hotwaxtest.Options{Username: "bot", Password: "right"})
	c, err := hotwax.New(hotwax.Options{BaseURL: srv.URL(), Username: "bot", Password: "wrong-secret", RetryWait: time.Millisecond})
	require.NoError(t, err)
	r := doctor.Run(context.Background(), c, options())

	assert.Equal(t, 2, r.ExitCode())
	f := find(t, r, doctor.AreaCredentials, "HOTWAX_USERNAME/HOTWAX_PASSWORD")
	assert.Equal(t, doctor.Fail, f.Status)
	assert.Contains(t, f.Fix, "HOTWAX_USERNAME and HOTWAX_PASSWORD")
	assert.NotContains(t, fmt.Sprint(r), "wrong-secret")
}

func TestLoginReportsTheSession(t *testing.T) {
	srv := hotwaxtest.NewTestServer(t, hotwaxtest.Options{Username: "bot", Password: "right"})
	c, err := hotwax.New(hotwax.Options{BaseURL: srv.URL(), Username: "bot", Password: "right"})
	require.NoError(t, err)
	r := doctor.Run(context.Background(), c, options())

	f := find(t, r, doctor.AreaCredentials, "HOTWAX_USERNAME/HOTWAX_PASSWORD")
	assert.Equal(t, doctor.OK, f.Status)
	assert.Contains(t, f.Detail, "logged in, session until")
}

func TestTokenExpiry(t *testing.T) {
	now := time.Date(2026, 12, 3, 9, 0, 0, 0, time.UTC)
	for name, tc := range map[string]struct {
		token  string
		status doctor.Status
		detail string
	}{
		"expired":       {jwt(now.Add(-time.Hour)), doctor.Fail, "the JWT expired on 2026-12-03 08:00 UTC"},
		"expires soon":  {jwt(now.Add(3 * 24 * time.Hour)), doctor.Warn, "expires on 2026-12-06 09:00 UTC, in 3 days"},
		"expires later": {jwt(now.Add(90 * 24 * time.Hour)), doctor.OK, "in 90 days"},
		"not a JWT":     {"opaque-token", doctor.OK, "not a JWT"},
	} {
		t.Run(name, func(t *testing.T) {
			srv := hotwaxtest.NewTestServer(t, hotwaxtest.Options{Token: tc.token})
			opts := options()
			opts.Now = func() time.Time { return now }
			r := doctor.Run(context.Background(), client(t, srv.URL(), tc.token), opts)
			f := find(t, r, doctor.AreaCredentials, "HOTWAX_TOKEN")
			assert.Equal(t, tc.status, f.Status)
			assert.Contains(t, f.Detail, tc.detail)
			if tc.status != doctor.OK {
				assert.Contains(t, f.Fix, "HOTWAX_TOKEN")
			}
		})
	}
}

func TestUnreachableOMSNamesTheBaseURL(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	base := "http://" + ln.Addr().String() + "/api/"
	require.NoError(t, ln.Close())

	r := doctor.Run(context.Background(), client(t, base, "t"), options())
	assert.Equal(t, 2, r.ExitCode())
	require.Len(t, r.Findings, 1)
	assert.Contains(t, r.Findings[0].Detail, "cannot reach the OMS")
	assert.Contains(t, r.Findings[0].Fix, "HOTWAX_BASE_URL ("+base+")")
}

func TestParentShop(t *testing.T) {
	srv := hotwaxtest.NewTestServer(t, hotwaxtest.Options{})
	c := client(t, srv.URL(), srv.Token())

	opts := options()
	opts.ParentShopID = ""
	r := doctor.Run(context.Background(), c, opts)
	assert.Equal(t, hotwaxtest.ShopUS, r.Parent.ShopID)
	assert.Contains(t, r.Parent.How, "the only shop with a pending product import job (JOB_IMP_PROD_UPD)")
	assert.Equal(t, doctor.OK, find(t, r, doctor.AreaParent, "HOTWAX_PARENT_SHOP_ID").Status)

	opts.ParentShopID = "99999"
	r = doctor.Run(context.Background(), c, opts)
	f := find(t, r, doctor.AreaParent, "HOTWAX_PARENT_SHOP_ID")
	assert.Equal(t, doctor.Fail, f.Status)
	assert.Contains(t, f.Fix, "Acme US (10000)")
	assert.Equal(t, 2, r.ExitCode())

	opts.ParentShopID = hotwaxtest.ShopCA
	r = doctor.Run(context.Background(), c, opts)
	f = find(t, r, doctor.AreaParent, "HOTWAX_PARENT_SHOP_ID")
	assert.Equal(t, doctor.Warn, f.Status)
	assert.Contains(t, f.Detail, "the product import job runs for Acme US (10000)")
}

func TestUnknownStoreCannotWork(t *testing.T) {
	srv := hotwaxtest.NewTestServer(t, hotwaxtest.Options{})
	opts := options()
	opts.ProductStoreID = "NOPE"
	r := doctor.Run(context.Background(), client(t, srv.URL(), srv.Token()), opts)
	assert.Equal(t, 2, r.ExitCode())
	f := find(t, r, doctor.AreaEntity, "ShopifyShopAndConfig")
	assert.Equal(t, doctor.Fail, f.Status)
	assert.Contains(t, f.Fix, "HOTWAX_PRODUCT_STORE_ID")
}

// tenant fronts the simulated OMS and rewrites some answers, as a real tenant differs from the simulator.
func tenant(t *testing.T, srv *hotwaxtest.Server, answer func(path string, body []byte) (int, string, bool)) string {
	t.Helper()
	target, err := url.Parse(srv.URL())
	require.NoError(t, err)
	proxy := httputil.NewSingleHostReverseProxy(&url.URL{Scheme: target.Scheme, Host: target.Host})
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		if status, resp, ok := answer(r.URL.Path, body); ok {
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(status)
			_, _ = io.WriteString(w, resp)
			return
		}
		r.Body = io.NopCloser(bytes.NewReader(body))
		proxy.ServeHTTP(w, r)
	}))
	t.Cleanup(ts.Close)
	return ts.URL + "/api/"
}

// solrUndefined is how Solr refuses a query on a field the core does not define (hotwax/preorder PR #342).
func solrUndefined(field string) string {
	b, _ := json.Marshal(map[string]any{"responseHeader": map[string]any{"status": 400},
		"error": map[string]any{"msg": "undefined field " + field, "code": 400}})
	return string(b)
}

func TestOlderTenantAnswersTheUnderscoreGeneration(t *testing.T) {
	srv := hotwaxtest.NewTestServer(t, hotwaxtest.Options{})
	base := tenant(t, srv, func(path string, body []byte) (int, string, bool) {
		s := string(body)
		if !strings.HasSuffix(path, "/solr-query") || !strings.Contains(s, "shopifyCore") {
			return 0, "", false
		}
		if strings.Contains(s, "data.productVariantUpdate") {
			return http.StatusBadRequest, solrUndefined("data.productVariantUpdate.productVariant.metafields.edges.node.namespace"), true
		}
		return http.StatusOK, `{"response":{"numFound":4,"start":0,"docs":[{"docType":["BULKOPERATION"]}]}}`, true
	})
	r := doctor.Run(context.Background(), client(t, base, srv.Token()), options())

	assert.Equal(t, doctor.GenerationUnderscore, r.ListingGeneration)
	f := find(t, r, doctor.AreaSolr, "shopifyCore listings")
	assert.Equal(t, doctor.OK, f.Status)
	assert.Contains(t, f.Detail, "underscore")
}

func TestNeitherListingGenerationIsAWarning(t *testing.T) {
	srv := hotwaxtest.NewTestServer(t, hotwaxtest.Options{})
	base := tenant(t, srv, func(path string, body []byte) (int, string, bool) {
		if strings.HasSuffix(path, "/solr-query") && strings.Contains(string(body), "shopifyCore") {
			return http.StatusBadRequest, solrUndefined("x"), true
		}
		return 0, "", false
	})
	r := doctor.Run(context.Background(), client(t, base, srv.Token()), options())
	assert.Empty(t, r.ListingGeneration)
	f := find(t, r, doctor.AreaSolr, "shopifyCore listings")
	assert.Equal(t, doctor.Warn, f.Status)
	assert.Contains(t, f.Detail, "neither")
	assert.Equal(t, 1, r.ExitCode())
}

func TestLinkServiceNotExposed(t *testing.T) {
	srv := hotwaxtest.NewTestServer(t, hotwaxtest.Options{})
	for name, answer := range map[string]struct {
		status int
		body   string
	}{
		"404":                        {http.StatusNotFound, `{"error":"No request map found for service/createShopifyShopProduct"}`},
		"cannot locate service name": {http.StatusOK, `{"_ERROR_MESSAGE_":"Cannot locate service by name (createShopifyShopProduct)"}`},
	} {
		t.Run(name, func(t *testing.T) {
			base := tenant(t, srv, func(path string, _ []byte) (int, string, bool) {
				return answer.status, answer.body, strings.HasSuffix(path, "/service/createShopifyShopProduct")
			})
			r := doctor.Run(context.Background(), client(t, base, srv.Token()), options())
			f := find(t, r, doctor.AreaService, "createShopifyShopProduct")
			assert.Equal(t, doctor.Warn, f.Status)
			assert.Contains(t, f.Detail, "not exposed")
			assert.Contains(t, f.Fix, "link products by hand")
			assert.Equal(t, 1, r.ExitCode())
		})
	}
}

func TestJSONShape(t *testing.T) {
	srv := hotwaxtest.NewTestServer(t, hotwaxtest.Options{Scenario: hotwaxtest.ScenarioAssociationJobNotScheduled})
	r := doctor.Run(context.Background(), client(t, srv.URL(), srv.Token()), options())
	b, err := json.Marshal(r)
	require.NoError(t, err)
	var doc map[string]any
	require.NoError(t, json.Unmarshal(b, &doc))
	for _, key := range []string{"status", "oms", "productStoreId", "at", "listingGeneration", "parentShop", "findings", "omsCalls", "elapsedMs"} {
		assert.Contains(t, doc, key)
	}
	assert.Equal(t, "warn", doc["status"])
	f := doc["findings"].([]any)[0].(map[string]any)
	assert.ElementsMatch(t, []string{"area", "item", "status", "detail"}, keys(f), "an OK finding has no fix")
}

func keys(m map[string]any) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	return out
}

// One unreadable source costs its own finding; the rest of the tenant is still probed.
func TestUnreadableSources(t *testing.T) {
	for name, tc := range map[string]struct {
		faults hotwaxtest.Faults
		area   string
		item   string
		status doctor.Status
		detail string
		fix    string
	}{
		"category members refused": {hotwaxtest.Faults{Endpoint: "performFind", Source: "ProductCategoryMember", OMSError: "Permission denied for ProductCategoryMember"},
			doctor.AreaEntity, "ProductCategoryMember", doctor.Warn, "the OMS answered with an error: Permission denied", "read access to ProductCategoryMember"},
		"shopifyCore down": {hotwaxtest.Faults{Endpoint: "solr-query", Source: "shopifyCore", ErrorRate: 1},
			doctor.AreaSolr, "shopifyCore listings", doctor.Warn, "the shop-listing check will be unknown", "HOTWAX_BASE_URL"},
		"product core malformed": {hotwaxtest.Faults{Endpoint: "solr-query", Source: "enterpriseSearch", Malformed: true},
			doctor.AreaSolr, "products (solr-query)", doctor.Fail, "could not search the product index", "points at the OMS API"},
		"frequencies refused": {hotwaxtest.Faults{Endpoint: "performFind", Source: "TemporalExpression", OMSError: "boom"},
			doctor.AreaFrequencies, "TemporalExpression", doctor.Warn, "built-in choices", "ask HotWax Support"},
	} {
		t.Run(name, func(t *testing.T) {
			srv := hotwaxtest.NewTestServer(t, hotwaxtest.Options{Faults: tc.faults})
			r := doctor.Run(context.Background(), client(t, srv.URL(), srv.Token()), options())
			f := find(t, r, tc.area, tc.item)
			assert.Equal(t, tc.status, f.Status)
			assert.Contains(t, f.Detail, tc.detail)
			assert.Contains(t, f.Fix, tc.fix)
			require.Len(t, r.Problems(), 1, "only the failing source is a problem: %+v", r.Problems())
			assert.Equal(t, doctor.OK, find(t, r, doctor.AreaService, "createShopifyShopProduct").Status, "the probe went on")
		})
	}
}

func TestOMSNotAnsweringCannotWork(t *testing.T) {
	srv := hotwaxtest.NewTestServer(t, hotwaxtest.Options{Faults: hotwaxtest.Faults{ErrorRate: 1}})
	r := doctor.Run(context.Background(), client(t, srv.URL(), srv.Token()), options())
	assert.Equal(t, 2, r.ExitCode())
	require.Len(t, r.Findings, 1)
	assert.Contains(t, r.Findings[0].Detail, "the OMS is not answering")
	assert.Contains(t, r.Findings[0].Fix, "HOTWAX_BASE_URL")
}

func TestMissingShopifyCore(t *testing.T) {
	srv := hotwaxtest.NewTestServer(t, hotwaxtest.Options{})
	base := tenant(t, srv, func(path string, body []byte) (int, string, bool) {
		return http.StatusNotFound, `{"error":{"msg":"no such core: shopifyCore","code":404}}`,
			strings.HasSuffix(path, "/solr-query") && strings.Contains(string(body), "shopifyCore")
	})
	r := doctor.Run(context.Background(), client(t, base, srv.Token()), options())
	f := find(t, r, doctor.AreaSolr, "shopifyCore listings")
	assert.Equal(t, doctor.Warn, f.Status)
	assert.Contains(t, f.Fix, "set up the shopifyCore Solr core")
}

func TestAssociationJobScheduledWithoutAShop(t *testing.T) {
	srv := hotwaxtest.NewTestServer(t, hotwaxtest.Options{Scenario: hotwaxtest.ScenarioAssociationJobNotScheduled})
	c := client(t, srv.URL(), srv.Token())
	drafts, err := c.FindJobs(context.Background(), hotwax.JobQuery{EnumIDs: []string{hotwax.JobAssociation}, Statuses: []string{hotwax.StatusDraft}})
	require.NoError(t, err)
	require.Len(t, drafts, 1)
	_, err = c.ScheduleJob(context.Background(), hotwax.ScheduleRequest{Draft: drafts[0], Frequency: "HOURLY", ProductStoreID: "STORE"})
	require.NoError(t, err)

	r := doctor.Run(context.Background(), c, options())
	f := find(t, r, doctor.AreaJobs, "Associate Products with Sub Catalog · no shop")
	assert.Equal(t, doctor.Warn, f.Status)
	assert.Contains(t, f.Detail, "without a shop")
	assert.Contains(t, f.Fix, "once per child shop")
	assert.Equal(t, doctor.Warn, find(t, r, doctor.AreaJobs, "Associate Products with Sub Catalog · Acme CA (10001)").Status)
}
