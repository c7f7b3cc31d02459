package hotwax

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The fixtures below are shaped exactly like the answers HotWax's own apps read; each names the app file.

func TestSolrFieldsMayBeScalarsOrArrays(t *testing.T) {
	for _, in := range []string{`true`, `"true"`, `"Y"`, `[true]`, `["true"]`, `["Y"]`} {
		var b flexBool
		require.NoError(t, json.Unmarshal([]byte(in), &b), in)
		assert.True(t, bool(b), in)
	}
	for _, in := range []string{`false`, `"false"`, `"N"`, `[false]`, `["false"]`, `[]`, `null`} {
		var b flexBool
		require.NoError(t, json.Unmarshal([]byte(in), &b), in)
		assert.False(t, bool(b), in)
	}
	var v struct {
		S flexString
		N flexInt
		T msTime
		L stringList
	}
	require.NoError(t, json.Unmarshal([]byte(`{"S":["a","b"],"N":["7"],"T":["2026-01-01T00:00:00Z"],"L":"x"}`), &v))
	assert.Equal(t, flexString("a"), v.S)
	assert.Equal(t, flexInt(7), v.N)
	assert.True(t, time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC).Equal(v.T.time()))
	assert.Equal(t, stringList{"x"}, v.L)
}

func TestProductDocWithEveryFieldMultiValued(t *testing.T) {
	// A schemaless products core answers every field as an array; the chain reads the same product.
	f := newFakeOMS(t, func(w http.ResponseWriter, _ *http.Request, _ int, _ string) {
		respond(w, 200, `{"response":{"numFound":1,"start":0,"docs":[{"productId":["10017"],"sku":["TEE-1"],
			"internalName":["TEE-1"],"productName":["Tee"],"parentProductName":["Tee parent"],"groupId":["10016"],
			"isVirtual":[false],"isVariant":["true"],"goodIdentifications":["ShopifyShopProduct/10000/4459"],
			"prodCatalogCategoryTypeIds":"PCCT_PREORDR","productCategories":["PREORDER_CAT"],"productStoreIds":["STORE"]}]}}`)
	})
	ps, err := newTestClient(t, f).ProductsBySKU(context.Background(), "STORE", []string{"TEE-1"})
	require.NoError(t, err)
	assert.Equal(t, []Product{{ProductID: "10017", SKU: "TEE-1", InternalName: "TEE-1", Name: "Tee", ParentName: "Tee parent",
		GroupID: "10016", IsVariant: true, GoodIdentifications: []string{"ShopifyShopProduct/10000/4459"},
		CatalogCategoryTypes: []string{CategoryPreorder}, Categories: []string{"PREORDER_CAT"}, ProductStoreIDs: []string{"STORE"}}}, ps)
}

func TestSolrAnswerWithoutResponseIsUnreadable(t *testing.T) {
	f := newFakeOMS(t, func(w http.ResponseWriter, _ *http.Request, _ int, _ string) { respond(w, 200, `{}`) })
	_, err := newTestClient(t, f).ProductsBySKU(context.Background(), "STORE", []string{"TEE-1"})
	var apiErr *APIError
	require.ErrorAs(t, err, &apiErr, "{} is not 'no such SKU'")
	assert.Contains(t, apiErr.Reason, "no response object")
}

// auditDoc is a shopifyCore bulk-operation document as hotwax/preorder:src/views/audit-product-details.vue
// reads it: every field an array, contains_error[0], the metafield value JSON in value[0].
func auditDoc(prefix, ts string, containsError bool, ids, namespaces, values []string) map[string]any {
	return map[string]any{
		"id": []string{"bulk-" + ts}, "docType": []string{"BULKOPERATION"}, "operation": []string{"SHOP_PREORDER_SYNC"},
		"_timestamp_": []string{ts}, "contains_error": []bool{containsError},
		prefix + "id": ids, prefix + "metafields_edges_node_namespace": namespaces, prefix + "metafields_edges_node_value": values,
	}
}

func dottedDoc(ts string, containsError bool, ids, namespaces, values []string) map[string]any {
	d := auditDoc("data.productVariantUpdate.productVariant.", ts, containsError, ids, namespaces, values)
	out := map[string]any{}
	for k, v := range d {
		out[strings.ReplaceAll(k, "metafields_edges_node_", "metafields.edges.node.")] = v
	}
	return out
}

func solrAnswer(t *testing.T, docs ...map[string]any) string {
	t.Helper()
	b, err := json.Marshal(map[string]any{"responseHeader": map[string]any{"status": 0, "QTime": 2},
		"response": map[string]any{"numFound": len(docs), "start": 0, "docs": docs}})
	require.NoError(t, err)
	return string(b)
}

const activeValue = `{"status":"active","promise_date":"02/15/2026","last_updated_at":"Jan 02,2026 09:59:00"}`

func TestListingsReadTheAuditPageShapes(t *testing.T) {
	ts := "2026-01-02T10:00:00Z"
	at := time.Date(2026, 1, 2, 10, 0, 0, 0, time.UTC)
	updated := time.Date(2026, 1, 2, 9, 59, 0, 0, time.UTC)
	tests := []struct {
		name string
		doc  map[string]any
		ref  VariantRef
		want []Listing
	}{
		{
			name: "contains_error [true] is a failed listing",
			doc: dottedDoc(ts, true, []string{"gid://shopify/ProductVariant/111"}, []string{"HC_PREORDER"},
				[]string{activeValue}),
			ref: VariantRef{VariantID: "111", ProductID: "P1"},
			want: []Listing{{ShopID: "10001", VariantID: "111", Status: "active", PromiseDate: "02/15/2026",
				LastUpdatedAt: updated, ContainsError: true, Timestamp: at}},
		},
		{
			name: "a variant a third-party tool listed under its HotWax id maps back",
			doc: dottedDoc(ts, false, []string{"gid://hotwax/ProductVariant/id/P1"}, []string{"HC_PREORDER"},
				[]string{activeValue}),
			ref: VariantRef{VariantID: "111", ProductID: "P1"},
			want: []Listing{{ShopID: "10001", VariantID: "111", Status: "active", PromiseDate: "02/15/2026",
				LastUpdatedAt: updated, Timestamp: at}},
		},
		{
			name: "the value is picked by its HC_PREORDER namespace",
			doc: dottedDoc(ts, false, []string{"gid://shopify/ProductVariant/111"}, []string{"custom", "HC_PREORDER"},
				[]string{`{"status":"inactive"}`, activeValue}),
			ref: VariantRef{VariantID: "111"},
			want: []Listing{{ShopID: "10001", VariantID: "111", Status: "active", PromiseDate: "02/15/2026",
				LastUpdatedAt: updated, Timestamp: at}},
		},
		{
			name: "a value that cannot be attributed leaves the status unknown",
			doc: dottedDoc(ts, false, []string{"gid://shopify/ProductVariant/111", "gid://shopify/ProductVariant/222"},
				[]string{"HC_PREORDER", "custom", "HC_PREORDER"}, []string{activeValue, `{"a":1}`, activeValue}),
			ref:  VariantRef{VariantID: "222"},
			want: []Listing{{ShopID: "10001", VariantID: "222", Timestamp: at}},
		},
		{
			name: "the other variant's metafield is not this variant's",
			doc: dottedDoc(ts, false, []string{"gid://shopify/ProductVariant/111", "gid://shopify/ProductVariant/222"},
				[]string{"HC_PREORDER", "custom"}, []string{activeValue, `{"status":"inactive"}`}),
			ref:  VariantRef{VariantID: "222"},
			want: []Listing{{ShopID: "10001", VariantID: "222", Timestamp: at}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			reply := solrAnswer(t, tt.doc)
			f := newFakeOMS(t, func(w http.ResponseWriter, _ *http.Request, _ int, _ string) { respond(w, 200, reply) })
			got, err := newTestClient(t, f).Listings(context.Background(), "10001", []VariantRef{tt.ref})
			require.NoError(t, err)
			assert.Equal(t, tt.want, got)
		})
	}
}

// generationOMS is a shopifyCore that defines only the underscore generation's fields, and answers a query
// naming any other as Solr does: 400 {"error":{"msg":"undefined field …"}}.
func generationOMS(t *testing.T) *fakeOMS {
	return newFakeOMS(t, func(w http.ResponseWriter, _ *http.Request, _ int, body string) {
		if strings.Contains(body, "data.productVariantUpdate") {
			time.Sleep(20 * time.Millisecond) // lets concurrent first callers overlap with the probe
			respond(w, 400, `{"responseHeader":{"status":400,"QTime":1},"error":{"metadata":["error-class",
				"org.apache.solr.common.SolrException","root-error-class","org.apache.solr.common.SolrException"],
				"msg":"undefined field data.productVariantUpdate.productVariant.id","code":400}}`)
			return
		}
		if !assert.Contains(t, body, "data_productVariantUpdate_productVariant_id: (") {
			respond(w, 400, `{"error":{"msg":"unexpected query","code":400}}`)
			return
		}
		respond(w, 200, solrAnswer(t, auditDoc("data_productVariantUpdate_productVariant_", "2026-01-02T10:00:00Z", false,
			[]string{"gid://shopify/ProductVariant/111"}, []string{"HC_PREORDER"}, []string{activeValue})))
	})
}

func TestListingsFallBackToTheUnderscoreGenerationOncePerClient(t *testing.T) {
	f := generationOMS(t)
	c := newTestClient(t, f)
	ctx := context.Background()
	assert.Empty(t, c.ListingGeneration(), "unknown before the first listing query")

	ls, err := c.Listings(ctx, "10001", []VariantRef{{VariantID: "111"}})
	require.NoError(t, err)
	require.Len(t, ls, 1)
	assert.Equal(t, "active", ls[0].Status)
	assert.Equal(t, GenerationUnderscore, c.ListingGeneration())
	assert.Len(t, f.requests(), 2, "the dotted query, then the underscore one")

	_, err = c.Listings(ctx, "10002", []VariantRef{{VariantID: "111"}})
	require.NoError(t, err)
	assert.Len(t, f.requests(), 3, "the generation is remembered: no second probe")
}

func TestListingsConcurrentFirstCallsFallBackOnce(t *testing.T) {
	f := generationOMS(t)
	c := newTestClient(t, f)
	var wg sync.WaitGroup
	for _, shop := range []string{"10000", "10001", "10002"} {
		wg.Go(func() {
			_, err := c.Listings(context.Background(), shop, []VariantRef{{VariantID: "111"}})
			assert.NoError(t, err)
		})
	}
	wg.Wait()
	assert.Len(t, f.requests(), 6, "each first call asks the current names; one finds the older ones, the others follow it")
	_, err := c.Listings(context.Background(), "10003", []VariantRef{{VariantID: "111"}})
	require.NoError(t, err)
	assert.Len(t, f.requests(), 7, "the generation is remembered")
}

// A check asks listings of every shop at once as soon as it knows the variants; before the client knows the
// tenant's generation, those calls must not wait for each other (each would add a round trip).
func TestListingsFirstCallsOfACurrentTenantRunAtOnce(t *testing.T) {
	const shops = 3
	var arrived sync.WaitGroup
	arrived.Add(shops)
	all := make(chan struct{})
	go func() { arrived.Wait(); close(all) }()
	f := newFakeOMS(t, func(w http.ResponseWriter, _ *http.Request, _ int, _ string) {
		arrived.Done()
		select {
		case <-all:
		case <-time.After(3 * time.Second): // the calls came one after another
		}
		respond(w, 200, solrAnswer(t, dottedDoc("2026-01-02T10:00:00Z", false,
			[]string{"gid://shopify/ProductVariant/111"}, []string{"HC_PREORDER"}, []string{activeValue})))
	})
	c := newTestClient(t, f, func(o *Options) { o.Timeout = 10 * time.Second })
	var wg sync.WaitGroup
	start := time.Now()
	for i := range shops {
		wg.Go(func() {
			ls, err := c.Listings(context.Background(), fmt.Sprint(10000+i), []VariantRef{{VariantID: "111"}})
			assert.NoError(t, err)
			assert.Len(t, ls, 1)
		})
	}
	wg.Wait()
	assert.Less(t, time.Since(start), 3*time.Second, "every first call was in flight at once")
	assert.Len(t, f.requests(), shops)
	assert.Equal(t, GenerationDotted, c.ListingGeneration())
}

func TestListingsNeitherGenerationIsAnError(t *testing.T) {
	f := newFakeOMS(t, func(w http.ResponseWriter, _ *http.Request, _ int, _ string) {
		respond(w, 400, `{"error":{"msg":"undefined field docType","code":400}}`)
	})
	c := newTestClient(t, f)
	_, err := c.Listings(context.Background(), "10001", []VariantRef{{VariantID: "111"}})
	require.Error(t, err)
	assert.Contains(t, err.Error(), "undefined field")
	assert.Empty(t, c.ListingGeneration())
	assert.Len(t, f.requests(), 2)
}

func TestEmptyAnswersWhereRowsMustExist(t *testing.T) {
	for _, body := range []string{`{}`, `{"docs":null}`, `{"count":0,"docs":[]}`, `{"error":"No record found"}`} {
		t.Run(body, func(t *testing.T) {
			f := newFakeOMS(t, func(w http.ResponseWriter, _ *http.Request, _ int, _ string) { respond(w, 200, body) })
			c := newTestClient(t, f)
			_, err := c.Shops(context.Background(), "STORE")
			assert.ErrorIs(t, err, ErrEmptyAnswer, "a store always has shops")
			_, err = c.PreorderCategories(context.Background(), "STORE")
			assert.ErrorIs(t, err, ErrEmptyAnswer, "a store always has an active catalog")
			links, err := c.ShopLinks(context.Background(), []string{"P1"})
			require.NoError(t, err, "a product without links is an answer")
			assert.Empty(t, links)
		})
	}
}

func TestStoreCatalogIsReadOnceWithoutPaging(t *testing.T) {
	// ProductStoreCatalog as hotwax/preorder reads it (src/store/modules/product/actions.ts
	// getPreOrderBackorderCategory: viewSize 1, then docs[0].prodCatalogId), with a count larger than the page.
	f := newFakeOMS(t, func(w http.ResponseWriter, _ *http.Request, n int, body string) {
		if strings.Contains(body, `"ProductStoreCatalog"`) {
			respond(w, 200, `{"count":3,"docs":[{"productStoreId":"STORE","prodCatalogId":"PREORDER_CATALOG"}]}`)
			return
		}
		respond(w, 200, `{"count":1,"docs":[{"productCategoryId":"PREORDER_CAT","prodCatalogCategoryTypeId":"PCCT_PREORDR"}]}`)
	})
	cats, err := newTestClient(t, f).PreorderCategories(context.Background(), "STORE")
	require.NoError(t, err)
	assert.Equal(t, []Category{{ProductCategoryID: "PREORDER_CAT", Type: CategoryPreorder}}, cats)
	assert.Equal(t, 1, strings.Count(strings.Join(bodies(f), "\n"), `"ProductStoreCatalog"`), "one catalog request")
	assert.Len(t, f.requests(), 2)
}

func bodies(f *fakeOMS) []string {
	var out []string
	for _, r := range f.requests() {
		out = append(out, r.Body)
	}
	return out
}

func TestSchedulePayloadForwardsRuntimeDataAsGiven(t *testing.T) {
	// A draft as findJobs returns it (hotwax/job-manager:src/store/modules/job/actions.ts scheduleService spreads
	// job.runtimeData at the root, mapping only "null" to "").
	f := newFakeOMS(t, func(w http.ResponseWriter, _ *http.Request, _ int, _ string) {
		respond(w, 200, `{"count":1,"docs":[{"jobId":"D1","jobName":"Associate","systemJobEnumId":"JOB_UPD_PROD_ASSOC",
			"statusId":"SERVICE_DRAFT","serviceName":"queueAssociationImport",
			"runtimeData":{"shopifyConfigId":"null","limit":100,"includeAll":false,"configId":"IMP_SHPFY_SHOP_PROD","_EVENT_MESSAGE_":"x"}}]}`)
	})
	c := newTestClient(t, f)
	drafts, err := c.FindJobs(context.Background(), JobQuery{EnumIDs: []string{JobAssociation}})
	require.NoError(t, err)
	require.Len(t, drafts, 1)
	p, err := schedulePayload(ScheduleRequest{Draft: drafts[0], Frequency: "HOURLY", ShopifyConfigID: "CFG"})
	require.NoError(t, err)
	b, err := json.Marshal(p)
	require.NoError(t, err)
	var got map[string]any
	require.NoError(t, json.Unmarshal(b, &got))
	assert.Equal(t, float64(100), got["limit"], "a number stays a number")
	assert.Equal(t, false, got["includeAll"])
	assert.Equal(t, "IMP_SHPFY_SHOP_PROD", got["configId"])
	assert.Equal(t, "CFG", got["shopifyConfigId"])
	assert.NotContains(t, got, "_EVENT_MESSAGE_", "keys starting with _ are the OMS's own")
}

func TestScheduleRefusesADraftWithARuntimeError(t *testing.T) {
	f := newFakeOMS(t, func(w http.ResponseWriter, _ *http.Request, _ int, _ string) { respond(w, 200, `{}`) })
	c := newTestClient(t, f)
	draft := Job{JobID: "D1", JobName: "Associate", SystemJobEnumID: JobAssociation, StatusID: StatusDraft,
		ServiceName: "queueAssociationImport", RuntimeData: map[string]string{"_ERROR_MESSAGE_": "Problem deserializing RuntimeData"}}
	_, err := c.ScheduleJob(context.Background(), ScheduleRequest{Draft: draft, Frequency: "HOURLY"})
	var de *DraftError
	require.ErrorAs(t, err, &de)
	assert.Equal(t, "Problem deserializing RuntimeData", de.Reason)
	var apiErr *APIError
	require.ErrorAs(t, err, &apiErr, "it reads as the OMS refusing, with its reason")
	assert.Equal(t, []string{"Problem deserializing RuntimeData"}, apiErr.Messages)
	assert.Empty(t, f.requests(), "refused before any write")
}
