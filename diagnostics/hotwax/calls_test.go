package hotwax

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// exchange is one request a call must send and the answer the fake OMS gives it.
type exchange struct {
	path  string
	body  string // the JSON the client must send
	reply string
}

// TestCalls checks every typed call against the wire contract in doc.go: the exact request bodies and
// the decoding of the answers quoted in hotwax-api.md.
func TestCalls(t *testing.T) {
	firstRun := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC) // 1767225600000
	draft := Job{
		JobID: "D1", JobName: "Associate products with sub catalog", SystemJobEnumID: JobAssociation,
		StatusID: StatusDraft, ServiceName: "queueAssociationImport", ParentJobID: "P0",
		RuntimeData: map[string]string{"shopifyConfigId": "null", "shopId": "", "configId": "IMP_SHPFY_SHOP_PROD", "limit": "null"},
	}
	tests := []struct {
		name      string
		exchanges []exchange
		call      func(ctx context.Context, c *Client) (any, error)
		want      any
	}{
		{
			name: "ProductsBySKU quotes every SKU",
			exchanges: []exchange{{
				path: "/api/solr-query",
				body: `{"json":{"params":{"rows":50,"start":0},"query":"*:*",
					"filter":"docType: PRODUCT AND productStoreIds: \"STORE\" AND sku: (\"TEE-1/BLK:M (v2)\" OR \"say \\\"hi\\\" \\\\o/\")"}}`,
				reply: `{"response":{"numFound":1,"start":0,"docs":[{"productId":"10017","sku":"TEE-1/BLK:M (v2)",
					"internalName":"TEE-1/BLK:M (v2)","productName":"Tee Black M","parentProductName":"Tee","groupId":"10016",
					"isVirtual":false,"isVariant":true,"goodIdentifications":["SHOPIFY_PROD_ID/44596467138724",
					"ShopifyShopProduct/10000/44596467138724"],"prodCatalogCategoryTypeIds":["PCCT_PREORDR"],
					"productCategories":["PREORDER_CAT"],"productStoreIds":["STORE"]}]}}`,
			}},
			call: func(ctx context.Context, c *Client) (any, error) {
				return c.ProductsBySKU(ctx, "STORE", []string{"TEE-1/BLK:M (v2)", "", `say "hi" \o/`})
			},
			want: []Product{{
				ProductID: "10017", SKU: "TEE-1/BLK:M (v2)", InternalName: "TEE-1/BLK:M (v2)", Name: "Tee Black M",
				ParentName: "Tee", GroupID: "10016", IsVariant: true,
				GoodIdentifications:  []string{"SHOPIFY_PROD_ID/44596467138724", "ShopifyShopProduct/10000/44596467138724"},
				CatalogCategoryTypes: []string{CategoryPreorder}, Categories: []string{"PREORDER_CAT"},
				ProductStoreIDs: []string{"STORE"},
			}},
		},
		{
			name: "Shops",
			exchanges: []exchange{{
				path: "/api/performFind",
				body: `{"entityName":"ShopifyShopAndConfig","inputFields":{"productStoreId":"STORE"},
					"fieldList":["accessScopeEnumId","shopifyConfigId","shopId","name"],"orderBy":"name ASC",
					"viewSize":100,"noConditionFind":"Y"}`,
				reply: `{"count":"2","docs":[{"shopifyConfigId":"SHOP_CONFIG_US","name":"Acme US","shopId":"10000"},
					{"accessScopeEnumId":"SHOP_NO_ACCESS","shopifyConfigId":"SHOP_CONFIG_CA","name":"Acme CA","shopId":10001}]}`,
			}},
			call: func(ctx context.Context, c *Client) (any, error) { return c.Shops(ctx, "STORE") },
			want: []Shop{
				{ShopID: "10000", Name: "Acme US", ShopifyConfigID: "SHOP_CONFIG_US"},
				{ShopID: "10001", Name: "Acme CA", ShopifyConfigID: "SHOP_CONFIG_CA", AccessScope: AccessNone},
			},
		},
		{
			name: "ShopLinks",
			exchanges: []exchange{{
				path: "/api/performFind",
				body: `{"entityName":"ShopifyShopProduct","inputFields":{"productId":["10017","10018"],"productId_op":"in"},
					"fieldList":["shopId","shopifyProductId","shopifyInventoryItemId","productId","createdStamp","lastUpdatedStamp"],
					"noConditionFind":"Y","viewSize":250}`,
				reply: `{"count":1,"docs":[{"shopId":"10000","shopifyProductId":44596467138724,"shopifyInventoryItemId":"46447064219812",
					"productId":"10017","createdStamp":1767225600000,"lastUpdatedStamp":"1767225660000"}]}`,
			}},
			call: func(ctx context.Context, c *Client) (any, error) {
				return c.ShopLinks(ctx, []string{"10017", "10018"})
			},
			want: []ShopLink{{
				ShopID: "10000", ProductID: "10017", ShopifyProductID: "44596467138724", ShopifyInventoryItemID: "46447064219812",
				CreatedAt: firstRun, UpdatedAt: firstRun.Add(time.Minute),
			}},
		},
		{
			name: "PreorderCategories asks for the catalog, then its categories",
			exchanges: []exchange{
				{
					path: "/api/performFind",
					body: `{"entityName":"ProductStoreCatalog","inputFields":{"productStoreId":"STORE"},
						"fieldList":["productStoreId","prodCatalogId"],"filterByDate":"Y","viewSize":1}`,
					reply: `{"count":1,"docs":[{"productStoreId":"STORE","prodCatalogId":"CATALOG"}]}`,
				},
				{
					path: "/api/performFind",
					body: `{"entityName":"ProdCatalogCategory","inputFields":{"prodCatalogId":"CATALOG",
						"prodCatalogCategoryTypeId":["PCCT_PREORDR","PCCT_BACKORDER"],"prodCatalogCategoryTypeId_op":"in"},
						"fieldList":["productCategoryId","prodCatalogCategoryTypeId"],"filterByDate":"Y","viewSize":100}`,
					reply: `{"count":2,"docs":[{"productCategoryId":"PREORDER_CAT","prodCatalogCategoryTypeId":"PCCT_PREORDR"},
						{"productCategoryId":"BACKORDER_CAT","prodCatalogCategoryTypeId":"PCCT_BACKORDER"}]}`,
				},
			},
			call: func(ctx context.Context, c *Client) (any, error) { return c.PreorderCategories(ctx, "STORE") },
			want: []Category{
				{ProductCategoryID: "PREORDER_CAT", Type: CategoryPreorder},
				{ProductCategoryID: "BACKORDER_CAT", Type: CategoryBackorder},
			},
		},
		{
			name: "CategoryMembers",
			exchanges: []exchange{{
				path: "/api/performFind",
				body: `{"entityName":"ProductCategoryMember","inputFields":{"productId":["10017"],"productId_op":"in"},
					"fieldList":["productId","productCategoryId","fromDate","thruDate","lastUpdatedStamp"],
					"filterByDate":"Y","viewSize":250}`,
				reply: `{"count":1,"docs":[{"productId":"10017","productCategoryId":"PREORDER_CAT",
					"fromDate":1767225600000,"thruDate":null,"lastUpdatedStamp":1767225660000}]}`,
			}},
			call: func(ctx context.Context, c *Client) (any, error) { return c.CategoryMembers(ctx, []string{"10017"}) },
			want: []CategoryMember{{ProductID: "10017", ProductCategoryID: "PREORDER_CAT", FromDate: firstRun,
				UpdatedAt: firstRun.Add(time.Minute)}},
		},
		{
			name: "FindJobs with several values uses in",
			exchanges: []exchange{{
				path: "/api/findJobs",
				body: `{"inputFields":{"systemJobEnumId":"JOB_UPD_PROD_ASSOC","statusId":["SERVICE_DRAFT","SERVICE_PENDING"],
					"statusId_op":"in","productStoreId":"STORE","shopId":"10001"},"noConditionFind":"Y","viewSize":50,
					"viewIndex":0}`,
				reply: `{"count":"1","docs":[{"jobId":"J1","jobName":"Associate","systemJobEnumId":"JOB_UPD_PROD_ASSOC",
					"statusId":"SERVICE_PENDING","tempExprId":"HOURLY","serviceName":"queueAssociationImport",
					"productStoreId":"STORE","shopId":"10001","currentRetryCount":"2","runTime":1767225600000,
					"startDateTime":null,"finishDateTime":"","createdDate":"1767225600000",
					"runtimeData":{"shopifyConfigId":"SHOP_CONFIG_CA","sinceId":"null","limit":"100"},
					"serviceInParams":[{"name":"limit","type":"Integer","optional":true}]}]}`,
			}},
			call: func(ctx context.Context, c *Client) (any, error) {
				return c.FindJobs(ctx, JobQuery{EnumIDs: []string{JobAssociation}, Statuses: []string{StatusDraft, StatusPending},
					ProductStoreID: "STORE", ShopID: "10001"})
			},
			want: []Job{{
				JobID: "J1", JobName: "Associate", SystemJobEnumID: JobAssociation, StatusID: StatusPending, TempExprID: "HOURLY",
				ServiceName: "queueAssociationImport", ProductStoreID: "STORE", ShopID: "10001", CurrentRetryCount: 2,
				RunTime: firstRun, CreatedDate: firstRun,
				RuntimeData: map[string]string{"shopifyConfigId": "SHOP_CONFIG_CA", "sinceId": "", "limit": "100"},
				RuntimeValues: map[string]json.RawMessage{"shopifyConfigId": json.RawMessage(`"SHOP_CONFIG_CA"`),
					"sinceId": json.RawMessage(`"null"`), "limit": json.RawMessage(`"100"`)},
				ServiceInParams: []ServiceParam{{Name: "limit", Type: "Integer", Optional: true}},
			}},
		},
		{
			name: "FindJobs with paging and order",
			exchanges: []exchange{{
				path: "/api/findJobs",
				body: `{"inputFields":{"systemJobEnumId":["JOB_REL_PREODR_CAT","JOB_PREORDER_CAT_SYC"],"systemJobEnumId_op":"in",
					"statusId":"SERVICE_FAILED"},"noConditionFind":"Y","viewSize":20,"viewIndex":1,"orderBy":"runTime DESC"}`,
				reply: `{"error":"No record found"}`,
			}},
			call: func(ctx context.Context, c *Client) (any, error) {
				return c.FindJobs(ctx, JobQuery{EnumIDs: []string{JobPresellRefresh, JobCatalogSync},
					Statuses: []string{StatusFailed}, OrderBy: "runTime DESC", ViewSize: 20, ViewIndex: 1})
			},
			want: []Job{},
		},
		{
			name: "ScheduleJob from a draft",
			exchanges: []exchange{{
				path: "/api/scheduleService",
				body: `{"JOB_NAME":"Associate products with sub catalog","SERVICE_NAME":"queueAssociationImport",
					"SERVICE_COUNT":"0","SERVICE_TEMP_EXPR":"HOURLY","SERVICE_RUN_AS_SYSTEM":"Y","SERVICE_TIME":"1767225600000",
					"jobFields":{"productStoreId":"STORE","systemJobEnumId":"JOB_UPD_PROD_ASSOC",
						"instanceOfProductId":"JOB_UPD_PROD_ASSOC","tempExprId":"HOURLY","maxRecurrenceCount":"-1",
						"parentJobId":"P0","runAsUser":"system","recurrenceTimeZone":"America/New_York",
						"createdByUserLogin":"ops","lastModifiedByUserLogin":"ops","shopId":"10001"},
					"statusId":"SERVICE_PENDING","systemJobEnumId":"JOB_UPD_PROD_ASSOC",
					"shopifyConfigId":"SHOP_CONFIG_CA","shopId":"10001","configId":"IMP_SHPFY_SHOP_PROD","limit":"250"}`,
				reply: `{"jobId":"J9","successMessage":"Service scheduled"}`,
			}},
			call: func(ctx context.Context, c *Client) (any, error) {
				return c.ScheduleJob(ctx, ScheduleRequest{
					Draft: draft, Frequency: "HOURLY", FirstRun: firstRun, Params: map[string]string{"limit": "250"},
					ProductStoreID: "STORE", ShopID: "10001", ShopifyConfigID: "SHOP_CONFIG_CA",
					TimeZone: "America/New_York", UserLogin: "ops",
				})
			},
			want: ScheduleResult{SuccessMessage: "Service scheduled"}, // a jobId in the reply is not read
		},
		{
			name: "ScheduleJob run now",
			exchanges: []exchange{{
				path: "/api/scheduleService",
				body: `{"JOB_NAME":"Associate products with sub catalog","SERVICE_NAME":"queueAssociationImport",
					"SERVICE_COUNT":"0",
					"jobFields":{"productStoreId":"STORE","systemJobEnumId":"JOB_UPD_PROD_ASSOC",
						"instanceOfProductId":"JOB_UPD_PROD_ASSOC","parentJobId":"P0","recurrenceTimeZone":"UTC",
						"createdByUserLogin":"ops","lastModifiedByUserLogin":"ops","shopId":"10001"},
					"statusId":"SERVICE_PENDING","systemJobEnumId":"JOB_UPD_PROD_ASSOC",
					"shopifyConfigId":"SHOP_CONFIG_CA","shopId":"10001","configId":"IMP_SHPFY_SHOP_PROD","limit":""}`,
				reply: `{"successMessage":"Service scheduled"}`,
			}},
			call: func(ctx context.Context, c *Client) (any, error) {
				return c.ScheduleJob(ctx, ScheduleRequest{
					Draft: draft, Frequency: "HOURLY", RunNow: true, ProductStoreID: "STORE", ShopID: "10001",
					ShopifyConfigID: "SHOP_CONFIG_CA", TimeZone: "UTC", UserLogin: "ops",
				})
			},
			want: ScheduleResult{SuccessMessage: "Service scheduled"},
		},
		{
			name: "CreateShopLink",
			exchanges: []exchange{{
				path: "/api/service/createShopifyShopProduct",
				body: `{"shopId":"10001","productId":"10017","shopifyProductId":"45550000000001",
					"shopifyInventoryItemId":"47440000000001"}`,
				reply: `{}`,
			}},
			call: func(ctx context.Context, c *Client) (any, error) {
				return nil, c.CreateShopLink(ctx, ShopLink{ShopID: "10001", ProductID: "10017",
					ShopifyProductID: "45550000000001", ShopifyInventoryItemID: "47440000000001"})
			},
		},
		{
			// The documents are shaped as shopifyCore returns them: every field an array, as
			// hotwax/preorder:src/views/audit-product-details.vue reads them (contains_error[0],
			// JSON.parse(metafieldValueList[0]), data.productVariantUpdate.productVariant.* names).
			name: "Listings keeps the newest doc per variant",
			exchanges: []exchange{{
				path: "/api/solr-query",
				body: `{"coreName":"shopifyCore","json":{"params":{"rows":50,"sort":"_timestamp_ desc","fl":"_timestamp_,contains_error,data.productVariantUpdate.productVariant.id,data.productVariantUpdate.productVariant.metafields.edges.node.namespace,data.productVariantUpdate.productVariant.metafields.edges.node.value"},"query":"*:*",
					"filter":"docType: BULKOPERATION AND operation: (SHOP_PREORDER_SYNC OR \"10001\") AND data.productVariantUpdate.productVariant.id: (\"gid://shopify/ProductVariant/111\" OR \"gid://hotwax/ProductVariant/id/P1\" OR \"gid://shopify/ProductVariant/222\" OR \"gid://shopify/ProductVariant/333\") AND data.productVariantUpdate.productVariant.metafields.edges.node.namespace: \"HC_PREORDER\""}}`,
				reply: `{"responseHeader":{"status":0,"QTime":3},"response":{"numFound":3,"start":0,"docs":[
					{"id":["a1"],"docType":["BULKOPERATION"],"operation":["SHOP_PREORDER_SYNC"],"_timestamp_":["2026-01-02T10:00:00Z"],
					 "contains_error":[false],
					 "data.productVariantUpdate.productVariant.id":["gid://shopify/ProductVariant/111","gid://shopify/ProductVariant/222"],
					 "data.productVariantUpdate.productVariant.metafields.edges.node.namespace":["HC_PREORDER","HC_PREORDER"],
					 "data.productVariantUpdate.productVariant.metafields.edges.node.value":[
					   "{\"status\":\"active\",\"promise_date\":\"02/15/2026\",\"last_updated_at\":\"Jan 02,2026 09:59:00\"}",
					   "{\"status\":\"inactive\",\"promise_date\":\"_NA_\",\"last_updated_at\":\"Jan 02,2026 09:59:30\"}"]},
					{"id":["a0"],"docType":["BULKOPERATION"],"operation":["SHOP_PREORDER_SYNC"],"_timestamp_":["2026-01-01T10:00:00Z"],
					 "contains_error":[true],
					 "data.productVariantUpdate.productVariant.id":["gid://shopify/ProductVariant/111"],
					 "data.productVariantUpdate.productVariant.metafields.edges.node.namespace":["HC_PREORDER"],
					 "data.productVariantUpdate.productVariant.metafields.edges.node.value":["{\"status\":\"inactive\"}"]}]}}`,
			}},
			call: func(ctx context.Context, c *Client) (any, error) {
				return c.Listings(ctx, "10001", []VariantRef{{VariantID: "111", ProductID: "P1"},
					{VariantID: "gid://shopify/ProductVariant/222"}, {VariantID: "333"}, {}})
			},
			want: []Listing{
				{ShopID: "10001", VariantID: "111", Status: "active", PromiseDate: "02/15/2026",
					LastUpdatedAt: time.Date(2026, 1, 2, 9, 59, 0, 0, time.UTC), Timestamp: time.Date(2026, 1, 2, 10, 0, 0, 0, time.UTC)},
				{ShopID: "10001", VariantID: "gid://shopify/ProductVariant/222", Status: "inactive",
					LastUpdatedAt: time.Date(2026, 1, 2, 9, 59, 30, 0, time.UTC), Timestamp: time.Date(2026, 1, 2, 10, 0, 0, 0, time.UTC)},
			},
		},
		{
			name: "Frequencies",
			exchanges: []exchange{{
				path: "/api/performFind",
				body: `{"entityName":"TemporalExpression","inputFields":{"tempExprTypeId":"FREQUENCY"},
					"fieldList":["tempExprId","description","integer1","integer2"],"viewSize":100}`,
				reply: `{"count":2,"docs":[{"tempExprId":"EVERY_15_MIN","description":"Every 15 minutes","integer1":12,"integer2":15},
					{"tempExprId":"EVERYDAY","description":"Daily","integer1":"5","integer2":"1"}]}`,
			}},
			call: func(ctx context.Context, c *Client) (any, error) { return c.Frequencies(ctx) },
			want: []Frequency{
				{ID: "EVERY_15_MIN", Description: "Every 15 minutes", Unit: 12, Count: 15},
				{ID: "EVERYDAY", Description: "Daily", Unit: 5, Count: 1},
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFakeOMS(t, func(w http.ResponseWriter, r *http.Request, n int, body string) {
				if !assert.Less(t, n, len(tt.exchanges), "unexpected request %s %s", r.URL.Path, body) {
					respond(w, http.StatusBadRequest, `{"_ERROR_MESSAGE_":"unexpected"}`)
					return
				}
				want := tt.exchanges[n]
				assert.Equal(t, want.path, r.URL.Path)
				assert.JSONEq(t, want.body, body)
				assert.Equal(t, "Bearer "+testToken, r.Header.Get("Authorization"))
				assert.Equal(t, "application/json", r.Header.Get("Content-Type"))
				respond(w, http.StatusOK, want.reply)
			})
			c := newTestClient(t, f)

			got, err := tt.call(context.Background(), c)
			require.NoError(t, err)
			assert.Equal(t, tt.want, normalise(got))
			assert.Len(t, f.requests(), len(tt.exchanges))
			assert.Equal(t, int64(len(tt.exchanges)), c.Calls())
		})
	}
}

// normalise drops the nil-vs-empty distinction of slices the calls return, and the untyped nil of calls
// that return only an error.
func normalise(v any) any {
	if jobs, ok := v.([]Job); ok && len(jobs) == 0 {
		return []Job{}
	}
	return v
}

func TestFrequencyInterval(t *testing.T) {
	assert.Equal(t, 15*time.Minute, Frequency{Unit: 12, Count: 15}.Interval())
	assert.Equal(t, 6*time.Hour, Frequency{Unit: 10, Count: 6}.Interval())
	assert.Equal(t, 24*time.Hour, Frequency{Unit: 5, Count: 1}.Interval())
	assert.Zero(t, Frequency{Unit: 99, Count: 1}.Interval())
}

func TestCallsRejectBadArgumentsWithoutARequest(t *testing.T) {
	f := newFakeOMS(t, func(w http.ResponseWriter, _ *http.Request, _ int, _ string) { respond(w, 200, `{}`) })
	c := newTestClient(t, f)
	ctx := context.Background()
	noSvc := Job{JobName: "x", SystemJobEnumID: JobAssociation, ServiceName: "_NA_"}

	_, err := c.Shops(ctx, "")
	assert.Error(t, err)
	_, err = c.ProductsBySKU(ctx, "", []string{"A"})
	assert.Error(t, err)
	_, err = c.ScheduleJob(ctx, ScheduleRequest{Draft: noSvc, Frequency: "HOURLY"})
	assert.Error(t, err)
	_, err = c.ScheduleJob(ctx, ScheduleRequest{Draft: Job{JobName: "x", SystemJobEnumID: "E", ServiceName: "s"}})
	assert.Error(t, err, "a schedule needs a frequency")
	assert.Error(t, c.CreateShopLink(ctx, ShopLink{ShopID: "1"}))
	_, err = c.Listings(ctx, "", []VariantRef{{VariantID: "1"}})
	assert.Error(t, err)

	links, err := c.ShopLinks(ctx, nil)
	require.NoError(t, err)
	assert.Empty(t, links)
	assert.Empty(t, f.requests())
}

// An answer larger than any page the bot asks for is refused instead of read into memory.
func TestAnswersPastTheBodyLimitAreRefused(t *testing.T) {
	f := newFakeOMS(t, func(w http.ResponseWriter, _ *http.Request, _ int, _ string) {
		w.Header().Set("Content-Type", "application/json")
		_, _ = io.WriteString(w, `{"docs":[],"pad":"`)
		_, _ = w.Write(bytes.Repeat([]byte("x"), maxBody))
		_, _ = io.WriteString(w, `"}`)
	})
	c := newTestClient(t, f, func(o *Options) { o.MaxAttempts, o.Timeout = 1, time.Minute }) // 32 MB under -race on a busy machine
	_, err := c.Shops(context.Background(), "STORE")
	require.Error(t, err)
	assert.Contains(t, err.Error(), "larger than")
}
