package hotwax_test

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/preorderbot/preorderbot/diagnostics/hotwax"
	"github.com/preorderbot/preorderbot/diagnostics/hotwax/hotwaxtest"
)

// These tests run the client against the simulated OMS, checking that both sides read the wire contract alike.

func newSimClient(t *testing.T, srv *hotwaxtest.Server, edit ...func(*hotwax.Options)) *hotwax.Client {
	t.Helper()
	opts := hotwax.Options{BaseURL: srv.URL(), Token: srv.Token(), RetryWait: time.Millisecond, Timeout: 2 * time.Second}
	for _, e := range edit {
		e(&opts)
	}
	c, err := hotwax.New(opts)
	require.NoError(t, err)
	return c
}

func TestSimulatedHealthyStore(t *testing.T) {
	srv := hotwaxtest.NewTestServer(t, hotwaxtest.Options{Scenario: hotwaxtest.ScenarioHealthy})
	c := newSimClient(t, srv)
	ctx := context.Background()

	products, err := c.ProductsBySKU(ctx, "STORE", []string{"HW-JACKET-M", "HW-JACKET-L", "NO-SUCH-SKU"})
	require.NoError(t, err)
	require.Len(t, products, 2)
	ids := []string{products[0].ProductID, products[1].ProductID}
	assert.ElementsMatch(t, []string{"20011", "20012"}, ids)

	shops, err := c.Shops(ctx, "STORE")
	require.NoError(t, err)
	require.Len(t, shops, 4)
	disconnected := map[string]bool{}
	for _, s := range shops {
		disconnected[s.ShopID] = s.Disconnected()
	}
	assert.Equal(t, map[string]bool{"10000": false, "10001": false, "10002": false, "10003": true}, disconnected)

	links, err := c.ShopLinks(ctx, []string{"20011"})
	require.NoError(t, err)
	linked := map[string]string{}
	for _, l := range links {
		linked[l.ShopID] = l.ShopifyProductID
		assert.False(t, l.CreatedAt.IsZero())
	}
	assert.Equal(t, map[string]string{"10000": "45002000000011", "10001": "45012000000011",
		"10002": "45022000000011"}, linked)

	categories, err := c.PreorderCategories(ctx, "STORE")
	require.NoError(t, err)
	assert.ElementsMatch(t, []hotwax.Category{
		{ProductCategoryID: "PREORDER_CAT", Type: hotwax.CategoryPreorder},
		{ProductCategoryID: "BACKORDER_CAT", Type: hotwax.CategoryBackorder},
	}, categories)

	members, err := c.CategoryMembers(ctx, []string{"20011"})
	require.NoError(t, err)
	require.NotEmpty(t, members)
	assert.Equal(t, "PREORDER_CAT", members[0].ProductCategoryID)
	assert.False(t, members[0].UpdatedAt.IsZero())

	jobs, err := c.FindJobs(ctx, hotwax.JobQuery{EnumIDs: []string{hotwax.JobCatalogSync},
		Statuses: []string{hotwax.StatusPending}, ShopID: "10001"})
	require.NoError(t, err)
	require.Len(t, jobs, 1)
	assert.True(t, jobs[0].Scheduled())
	assert.Equal(t, "10001", jobs[0].Shop())
	assert.False(t, jobs[0].RunTime.IsZero())

	listings, err := c.Listings(ctx, "10001", []hotwax.VariantRef{{VariantID: "45012000000011", ProductID: "20011"}})
	require.NoError(t, err)
	require.Len(t, listings, 1)
	assert.Equal(t, "active", listings[0].Status)
	assert.False(t, listings[0].ContainsError)

	none, err := c.FindJobs(ctx, hotwax.JobQuery{EnumIDs: []string{"NO_SUCH_JOB"}})
	require.NoError(t, err, "no record found is an empty result")
	assert.Empty(t, none)
	assert.Equal(t, int64(srv.Total()), c.Calls())
}

func TestSimulatedScheduleAssociationJob(t *testing.T) {
	srv := hotwaxtest.NewTestServer(t, hotwaxtest.Options{Scenario: hotwaxtest.ScenarioAssociationJobNotScheduled})
	c := newSimClient(t, srv)
	ctx := context.Background()

	drafts, err := c.FindJobs(ctx, hotwax.JobQuery{EnumIDs: []string{hotwax.JobAssociation},
		Statuses: []string{hotwax.StatusDraft, hotwax.StatusPending}})
	require.NoError(t, err)
	require.Len(t, drafts, 1)
	require.Equal(t, hotwax.StatusDraft, drafts[0].StatusID)

	_, err = c.ScheduleJob(ctx, hotwax.ScheduleRequest{
		Draft: drafts[0], Frequency: "HOURLY", FirstRun: srv.Now().Add(time.Hour), Params: map[string]string{"limit": "100"},
		ProductStoreID: "STORE", ShopID: "10001", ShopifyConfigID: "SHOP_CONFIG_10001",
		TimeZone: "UTC", UserLogin: "preorderbot",
	})
	require.NoError(t, err)

	pending, err := c.FindJobs(ctx, hotwax.JobQuery{EnumIDs: []string{hotwax.JobAssociation},
		Statuses: []string{hotwax.StatusPending}})
	require.NoError(t, err)
	require.Len(t, pending, 1)
	assert.True(t, pending[0].Scheduled())
	assert.Equal(t, "10001", pending[0].Shop())
	assert.Equal(t, "HOURLY", pending[0].TempExprID)
	assert.Equal(t, "100", pending[0].RuntimeData["limit"])
}

func TestSimulatedManualLink(t *testing.T) {
	srv := hotwaxtest.NewTestServer(t, hotwaxtest.Options{Scenario: hotwaxtest.ScenarioNeedsManualLink})
	c := newSimClient(t, srv)
	ctx := context.Background()

	require.NoError(t, c.CreateShopLink(ctx, hotwax.ShopLink{ShopID: "10001", ProductID: "20077",
		ShopifyProductID: "45012000000077", ShopifyInventoryItemID: "47020000000077"}))
	links, err := c.ShopLinks(ctx, []string{"20077"})
	require.NoError(t, err)
	shops := map[string]string{}
	for _, l := range links {
		shops[l.ShopID] = l.ShopifyProductID
	}
	assert.Equal(t, "45012000000077", shops["10001"])
}

func TestSimulatedFaults(t *testing.T) {
	tests := []struct {
		name   string
		faults hotwaxtest.Faults
		check  func(t *testing.T, c *hotwax.Client, srv *hotwaxtest.Server)
	}{
		{
			name:   "500 on every read exhausts the attempts",
			faults: hotwaxtest.Faults{Endpoint: "findJobs", ErrorRate: 1},
			check: func(t *testing.T, c *hotwax.Client, srv *hotwaxtest.Server) {
				_, err := c.FindJobs(context.Background(), hotwax.JobQuery{EnumIDs: []string{hotwax.JobAssociation}})
				var apiErr *hotwax.APIError
				require.ErrorAs(t, err, &apiErr)
				assert.Equal(t, 500, apiErr.Status)
				assert.LessOrEqual(t, len(apiErr.Excerpt), 200)
				assert.Equal(t, hotwax.DefaultMaxAttempts, srv.Counts()["findJobs"])
			},
		},
		{
			name:   "500 on a write is not retried and leaves the outcome unknown",
			faults: hotwaxtest.Faults{Endpoint: "service/createShopifyShopProduct", ErrorRate: 1},
			check: func(t *testing.T, c *hotwax.Client, srv *hotwaxtest.Server) {
				err := c.CreateShopLink(context.Background(), hotwax.ShopLink{ShopID: "1", ProductID: "2", ShopifyProductID: "3"})
				require.ErrorIs(t, err, hotwax.ErrOutcomeUnknown)
				assert.Equal(t, 1, srv.Counts()["service/createShopifyShopProduct"])
			},
		},
		{
			name:   "malformed body",
			faults: hotwaxtest.Faults{Endpoint: "performFind", Malformed: true},
			check: func(t *testing.T, c *hotwax.Client, _ *hotwaxtest.Server) {
				_, err := c.Shops(context.Background(), "STORE")
				var apiErr *hotwax.APIError
				require.ErrorAs(t, err, &apiErr)
				assert.NotEmpty(t, apiErr.Reason)
				assert.LessOrEqual(t, len(apiErr.Excerpt), 200)
			},
		},
		{
			name:   "OMS error message",
			faults: hotwaxtest.Faults{Endpoint: "solr-query", OMSError: "Solr is not reachable"},
			check: func(t *testing.T, c *hotwax.Client, _ *hotwaxtest.Server) {
				_, err := c.ProductsBySKU(context.Background(), "STORE", []string{"HW-JACKET-M"})
				var apiErr *hotwax.APIError
				require.ErrorAs(t, err, &apiErr)
				assert.Equal(t, []string{"Solr is not reachable"}, apiErr.Messages)
			},
		},
		{
			name:   "hang ends at the request timeout",
			faults: hotwaxtest.Faults{Endpoint: "service/createShopifyShopProduct", Hang: true},
			check: func(t *testing.T, c *hotwax.Client, _ *hotwaxtest.Server) {
				err := c.CreateShopLink(context.Background(), hotwax.ShopLink{ShopID: "1", ProductID: "2", ShopifyProductID: "3"})
				require.ErrorIs(t, err, context.DeadlineExceeded)
				assert.ErrorIs(t, err, hotwax.ErrOutcomeUnknown)
			},
		},
		{
			name:   "expired static token",
			faults: hotwaxtest.Faults{ExpireTokens: true},
			check: func(t *testing.T, c *hotwax.Client, _ *hotwaxtest.Server) {
				_, err := c.Shops(context.Background(), "STORE")
				require.ErrorIs(t, err, hotwax.ErrUnauthorized)
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := hotwaxtest.NewTestServer(t, hotwaxtest.Options{})
			c := newSimClient(t, srv, func(o *hotwax.Options) { o.Timeout = 100 * time.Millisecond })
			srv.SetFaults(tt.faults)
			tt.check(t, c, srv)
		})
	}
}

func TestSimulatedLoginSurvivesExpiredTokens(t *testing.T) {
	srv := hotwaxtest.NewTestServer(t, hotwaxtest.Options{Username: "bot", Password: "s3cret"})
	c := newSimClient(t, srv, func(o *hotwax.Options) { o.Token, o.Username, o.Password = "", "bot", "s3cret" })
	ctx := context.Background()

	_, err := c.Shops(ctx, "STORE")
	require.NoError(t, err)
	srv.SetFaults(hotwaxtest.Faults{ExpireTokens: true})
	_, err = c.Shops(ctx, "STORE")
	require.NoError(t, err)
	assert.Equal(t, 2, srv.Counts()["login"])

	bad := newSimClient(t, srv, func(o *hotwax.Options) { o.Token, o.Username, o.Password = "", "bot", "wrong" })
	_, err = bad.Shops(ctx, "STORE")
	require.ErrorIs(t, err, hotwax.ErrUnauthorized)
}
