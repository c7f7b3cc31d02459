package hotwax

import (
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// jobsPage is a findJobs answer with n documents shaped like the OMS's: no fieldList, so each carries
// runtimeData and serviceInParams.
func jobsPage(n int) []byte {
	var b strings.Builder
	fmt.Fprintf(&b, `{"count":"%d","docs":[`, n)
	for i := range n {
		if i > 0 {
			b.WriteByte(',')
		}
		fmt.Fprintf(&b, `{"jobId":"M%06d","jobName":"Preorder catalog sync","systemJobEnumId":"JOB_PREORDER_CAT_SYC",
"statusId":"SERVICE_FINISHED","tempExprId":"EVERY_15_MIN","parentJobId":"D100","serviceName":"pushPreorderCatalogOnShopify",
"jobResult":null,"enumTypeId":"PRE_ORD_SYS_JOB","enumName":"Sync variant details","description":"Preorder catalog sync",
"runtimeDataId":"R%06d","createdByUserLogin":"ops","lastModifiedByUserLogin":"ops","recurrenceTimeZone":"America/New_York",
"productStoreId":"STORE","shopId":"10001","currentRetryCount":"0","runTime":%d,"startDateTime":%d,"finishDateTime":%d,
"cancelDateTime":null,"createdDate":1767225600000,"lastUpdatedStamp":1767225600000,
"runtimeData":{"shopifyConfigId":"SHOP_CONFIG_CA","shopId":"10001","productStoreId":"STORE","includeAll":"null","bufferTime":"1"},
"serviceInParams":[{"name":"shopifyConfigId","type":"String","optional":false},{"name":"includeAll","type":"Boolean","optional":true}]}`,
			i, i, 1767225600000+int64(i)*900000, 1767225600000+int64(i)*900000+1000, 1767225600000+int64(i)*900000+61000)
	}
	b.WriteString(`]}`)
	return []byte(b.String())
}

// BenchmarkDecodeFindJobsPage measures the client's decoding of a 250-document findJobs page: the error rule,
// lenient field types and the conversion to []Job.
func BenchmarkDecodeFindJobsPage(b *testing.B) {
	body := jobsPage(250)
	req := request{call: "findJobs", path: "findJobs", find: true}
	res := result{status: 200, body: body}
	c := &Client{}

	var r findReply[wireJob]
	require.NoError(b, c.decode(req, res, &r))
	require.Len(b, jobsOf(r.Docs), 250)

	b.ReportAllocs()
	b.SetBytes(int64(len(body)))
	for b.Loop() {
		var r findReply[wireJob]
		if err := c.decode(req, res, &r); err != nil {
			b.Fatal(err)
		}
		if len(jobsOf(r.Docs)) != 250 {
			b.Fatal("short page")
		}
	}
}

// listingPage is a shopifyCore answer with n bulk-operation documents as a listing query returns them: only
// the fields it asks for (fl), every one multi-valued.
func listingPage(n int) []byte {
	var b strings.Builder
	fmt.Fprintf(&b, `{"responseHeader":{"QTime":1,"status":0},"response":{"docs":[`)
	for i := range n {
		if i > 0 {
			b.WriteByte(',')
		}
		fmt.Fprintf(&b, `{"_timestamp_":["2026-12-01T10:%02d:00Z"],"contains_error":[false],`+
			`"data.productVariantUpdate.productVariant.id":["gid://shopify/ProductVariant/%d"],`+
			`"data.productVariantUpdate.productVariant.metafields.edges.node.namespace":["HC_PREORDER"],`+
			`"data.productVariantUpdate.productVariant.metafields.edges.node.value":`+
			`["{\"last_updated_at\":\"Dec 01,2026 10:00:00\",\"promise_date\":\"12/24/2026\",\"status\":\"active\"}"]}`,
			i%60, 40000000+i)
	}
	fmt.Fprintf(&b, `],"numFound":%d,"start":0}}`, n)
	return []byte(b.String())
}

// BenchmarkDecodeListingPage measures the client's decoding of a 100-document listing answer into listings.
func BenchmarkDecodeListingPage(b *testing.B) {
	body := listingPage(100)
	req := request{call: "solr-query shopifyCore", path: "solr-query"}
	res := result{status: 200, body: body}
	c := &Client{}
	var variants []VariantRef
	var named [][]string
	for i := range 100 {
		v := VariantRef{VariantID: fmt.Sprint(40000000 + i), ProductID: fmt.Sprint(i)}
		variants, named = append(variants, v), append(named, v.gids())
	}
	decode := func() []Listing {
		var r solrReply[listingWire]
		require.NoError(b, c.decode(req, res, &r))
		wire, err := r.docs(req)
		require.NoError(b, err)
		docs := make([]listingDoc, len(wire))
		for i, w := range wire {
			docs[i] = w.doc(GenerationDotted)
		}
		return newestListings("10001", variants, named, docs)
	}
	ls := decode()
	require.Len(b, ls, 100)
	require.Equal(b, "active", ls[0].Status)

	b.ReportAllocs()
	b.SetBytes(int64(len(body)))
	for b.Loop() {
		decode()
	}
}
