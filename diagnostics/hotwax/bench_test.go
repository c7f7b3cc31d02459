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
