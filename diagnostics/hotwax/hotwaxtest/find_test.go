package hotwaxtest

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// decode turns a JSON literal into a request body as the server decodes it.
func decode(t *testing.T, s string) map[string]any {
	t.Helper()
	var m map[string]any
	require.NoError(t, json.Unmarshal([]byte(s), &m))
	return m
}

func TestFindGrammar(t *testing.T) {
	now := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	rows := []row{
		{"id": "a", "name": "Alpha", "shopId": "10001", "n": 3, "at": now.Add(-3 * time.Hour), "fromDate": now.Add(-time.Hour)},
		{"id": "b", "name": "beta", "shopId": "10002", "n": 1, "at": now.Add(-1 * time.Hour), "fromDate": now.Add(time.Hour)},
		{"id": "c", "name": "Gamma", "shopId": "", "n": 2, "at": now.Add(-2 * time.Hour), "fromDate": now.Add(-time.Hour), "thruDate": now.Add(-time.Minute)},
		{"id": "d", "name": "delta", "n": 2, "at": now.Add(-4 * time.Hour)},
	}
	ms := func(d time.Duration) string { return str(now.Add(d)) }
	tests := []struct {
		name  string
		body  string
		count int
		ids   []string
	}{
		{"plain equals", `{"inputFields":{"shopId":"10001"}}`, 1, []string{"a"}},
		{"equals op", `{"inputFields":{"shopId":"10002","shopId_op":"equals"}}`, 1, []string{"b"}},
		{"number equals", `{"inputFields":{"n":2},"orderBy":"id"}`, 2, []string{"c", "d"}},
		{"in", `{"inputFields":{"id":["a","c","x"],"id_op":"in"},"orderBy":"id"}`, 2, []string{"a", "c"}},
		{"array defaults to in", `{"inputFields":{"id":["b","d"]},"orderBy":"id"}`, 2, []string{"b", "d"}},
		{"in comma string", `{"inputFields":{"id":"a, b","id_op":"in"},"orderBy":"id"}`, 2, []string{"a", "b"}},
		{"not-in", `{"inputFields":{"id":["a","b"],"id_op":"not-in"},"orderBy":"id"}`, 2, []string{"c", "d"}},
		{"notEqual", `{"inputFields":{"id":"a","id_op":"notEqual"},"orderBy":"id"}`, 3, []string{"b", "c", "d"}},
		{"empty", `{"inputFields":{"shopId_op":"empty"},"orderBy":"id"}`, 2, []string{"c", "d"}},
		{"not-empty", `{"inputFields":{"shopId_op":"not-empty"},"orderBy":"id"}`, 2, []string{"a", "b"}},
		{"ignore case", `{"inputFields":{"name":"ALPHA","name_ic":"Y"}}`, 1, []string{"a"}},
		{"case matters without ic", `{"inputFields":{"name":"ALPHA"}}`, 0, nil},
		{"value suffix contains ic", `{"inputFields":{"name_value":"ELT","name_op":"contains","name_ic":"Y"}}`, 1, []string{"d"}},
		{"like", `{"inputFields":{"name":"%ta","name_op":"like"},"orderBy":"id"}`, 2, []string{"b", "d"}},
		{"greaterThan number", `{"inputFields":{"n":1,"n_op":"greaterThan"},"orderBy":"id"}`, 3, []string{"a", "c", "d"}},
		{"lessThanEqualTo number", `{"inputFields":{"n":"2","n_op":"lessThanEqualTo"},"orderBy":"id"}`, 3, []string{"b", "c", "d"}},
		{"greaterThanEqualTo time millis", `{"inputFields":{"at":` + ms(-2*time.Hour) + `,"at_op":"greaterThanEqualTo"},"orderBy":"id"}`, 2, []string{"b", "c"}},
		{"lessThan time millis", `{"inputFields":{"at":"` + ms(-3*time.Hour) + `","at_op":"lessThan"}}`, 1, []string{"d"}},
		{"time equals millis", `{"inputFields":{"at":"` + ms(-time.Hour) + `"}}`, 1, []string{"b"}},
		{"empty value ignored", `{"inputFields":{"shopId":""},"noConditionFind":"Y","orderBy":"id"}`, 4, []string{"a", "b", "c", "d"}},
		{"no condition without noConditionFind", `{"inputFields":{}}`, 0, nil},
		{"noConditionFind", `{"noConditionFind":"Y","orderBy":"id"}`, 4, []string{"a", "b", "c", "d"}},
		{"orderBy desc", `{"noConditionFind":"Y","orderBy":"at DESC"}`, 4, []string{"b", "c", "a", "d"}},
		{"orderBy minus", `{"noConditionFind":"Y","orderBy":"-n"}`, 4, []string{"a", "c", "d", "b"}},
		{"orderBy two keys", `{"noConditionFind":"Y","orderBy":"n DESC | id ASC"}`, 4, []string{"a", "c", "d", "b"}},
		{"orderBy two keys reversed", `{"noConditionFind":"Y","orderBy":"n ASC | id DESC"}`, 4, []string{"b", "d", "c", "a"}},
		{"orderBy empty first", `{"noConditionFind":"Y","orderBy":"shopId ASC | id ASC"}`, 4, []string{"c", "d", "a", "b"}},
		{"viewSize", `{"noConditionFind":"Y","orderBy":"id","viewSize":2}`, 4, []string{"a", "b"}},
		{"viewIndex", `{"noConditionFind":"Y","orderBy":"id","viewSize":"3","viewIndex":"1"}`, 4, []string{"d"}},
		{"viewIndex past end", `{"noConditionFind":"Y","orderBy":"id","viewSize":3,"viewIndex":2}`, 4, nil},
		{"filterByDate", `{"noConditionFind":"Y","orderBy":"id","filterByDate":"Y"}`, 2, []string{"a", "d"}},
		{"filterByDate custom names", `{"noConditionFind":"Y","orderBy":"id","filterByDate":"Y","fromDateName":"at","thruDateName":"none"}`, 4, []string{"a", "b", "c", "d"}},
		{"or groups", `{"inputFields":{"shopId_fld0_value":"10001","shopId_fld0_op":"equals","shopId_fld0_grp":"1","shopId_fld1_op":"empty","shopId_fld1_grp":"2"},"orderBy":"id"}`, 3, []string{"a", "c", "d"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req, err := parseFind(decode(t, tt.body))
			require.NoError(t, err)
			count, page := req.run(rows, now)
			assert.Equal(t, tt.count, count)
			var ids []string
			for _, r := range page {
				ids = append(ids, str(r["id"]))
			}
			assert.Equal(t, tt.ids, ids)
		})
	}
}

func TestFindGrammarErrors(t *testing.T) {
	for name, body := range map[string]string{
		"unknown op":     `{"inputFields":{"id":"a","id_op":"between"}}`,
		"bad viewSize":   `{"viewSize":"many"}`,
		"zero viewSize":  `{"viewSize":0}`,
		"bad direction":  `{"orderBy":"id SIDEWAYS"}`,
		"bad orderBy":    `{"orderBy":"id DESC extra"}`,
		"inputs not map": `{"inputFields":["id"]}`,
	} {
		t.Run(name, func(t *testing.T) {
			_, err := parseFind(decode(t, body))
			assert.Error(t, err)
		})
	}
}

func TestProject(t *testing.T) {
	at := time.UnixMilli(1767225600000)
	r := row{"a": "x", "b": "", "c": at, "d": time.Time{}, "e": nil, "f": 3, "g": map[string]any{"k": "v"}}
	assert.Equal(t, map[string]any{"a": "x", "c": int64(1767225600000), "f": 3, "g": map[string]any{"k": "v"}}, project(r, nil))
	assert.Equal(t, map[string]any{"c": int64(1767225600000)}, project(r, []string{"c", "b", "missing"}))
}

func TestPerformFindWire(t *testing.T) {
	s := newTest(t, ScenarioHealthy)
	tests := []struct {
		name string
		body string
		want string
	}{
		{
			name: "count is a number and fieldList limits fields",
			body: `{"entityName":"ShopifyShopAndConfig","inputFields":{"productStoreId":"STORE"},"fieldList":["shopId","name"],"orderBy":"name ASC","viewSize":2,"noConditionFind":"Y"}`,
			want: `{"count":4,"docs":[{"shopId":"10003","name":"Acme AU"},{"shopId":"10001","name":"Acme CA"}]}`,
		},
		{
			name: "no rows",
			body: `{"entityName":"ShopifyShopProduct","inputFields":{"productId":["nope"],"productId_op":"in"},"noConditionFind":"Y"}`,
			want: `{"error":"No record found"}`,
		},
		{
			name: "missing entityName",
			body: `{"inputFields":{"productStoreId":"STORE"}}`,
			want: `{"_ERROR_MESSAGE_":"The following required parameter is missing: [performFind.entityName]"}`,
		},
		{
			name: "unknown entity",
			body: `{"entityName":"Nope","noConditionFind":"Y"}`,
			want: `{"_ERROR_MESSAGE_":"Error in performFind: entity [Nope] not found"}`,
		},
		{
			name: "grammar error",
			body: `{"entityName":"Product","inputFields":{"productId":"1","productId_op":"between"}}`,
			want: `{"_ERROR_MESSAGE_":"Error in performFind: unknown operator \"between\" for field productId"}`,
		},
		{
			name: "catalog of the store with filterByDate",
			body: `{"entityName":"ProductStoreCatalog","inputFields":{"productStoreId":"STORE"},"fieldList":["productStoreId","prodCatalogId"],"filterByDate":"Y","viewSize":1}`,
			want: `{"count":1,"docs":[{"productStoreId":"STORE","prodCatalogId":"PREORDER_CATALOG"}]}`,
		},
		{
			name: "pre-order categories",
			body: `{"entityName":"ProdCatalogCategory","inputFields":{"prodCatalogId":"PREORDER_CATALOG","prodCatalogCategoryTypeId":["PCCT_PREORDR","PCCT_BACKORDER"],"prodCatalogCategoryTypeId_op":"in"},"fieldList":["productCategoryId","prodCatalogCategoryTypeId"],"filterByDate":"Y","viewSize":100}`,
			want: `{"count":2,"docs":[{"productCategoryId":"PREORDER_CAT","prodCatalogCategoryTypeId":"PCCT_PREORDR"},{"productCategoryId":"BACKORDER_CAT","prodCatalogCategoryTypeId":"PCCT_BACKORDER"}]}`,
		},
		{
			name: "frequencies",
			body: `{"entityName":"TemporalExpression","inputFields":{"tempExprId":"HOURLY"},"fieldList":["tempExprId","integer1","integer2"]}`,
			want: `{"count":1,"docs":[{"tempExprId":"HOURLY","integer1":10,"integer2":1}]}`,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			status, raw := call(t, s, s.Token(), "performFind", json.RawMessage(tt.body))
			assert.Equal(t, 200, status)
			assert.JSONEq(t, tt.want, string(raw))
		})
	}
}
