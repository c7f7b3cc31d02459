package hotwaxtest

import (
	"encoding/json"
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestSolrFilterMatching(t *testing.T) {
	docs := []map[string]any{
		{"id": "1", "docType": "PRODUCT", "sku": "HW-JACKET-M", "productStoreIds": []string{"STORE"}, "isVariant": true},
		{"id": "2", "docType": "PRODUCT", "sku": "A/B: (C) \"D\"", "productStoreIds": []string{"STORE", "OTHER"}, "isVariant": true},
		{"id": "3", "docType": "PRODUCT", "sku": "plain", "productStoreIds": []string{"OTHER"}, "isVariant": false},
		{"id": "4", "docType": "BULKOPERATION", "operation": "SHOP_PREORDER_SYNC"},
	}
	tests := []struct {
		filter string
		ids    []string
	}{
		{`*:*`, []string{"1", "2", "3", "4"}},
		{``, []string{"1", "2", "3", "4"}},
		{`docType: PRODUCT`, []string{"1", "2", "3"}},
		{`docType:PRODUCT AND isVariant: true`, []string{"1", "2"}},
		{`sku: HW-JACKET-M`, []string{"1"}},
		{`sku: "HW-JACKET-M"`, []string{"1"}},
		{`productStoreIds: "STORE" AND sku: ("HW-JACKET-M" OR plain)`, []string{"1"}},
		{`productStoreIds: OTHER AND sku: ("HW-JACKET-M" OR plain OR "A/B: (C) \"D\"")`, []string{"2", "3"}},
		{`sku: A\/B\:\ \(C\)\ \"D\"`, []string{"2"}},
		{`sku: "A/B: (C) \"D\""`, []string{"2"}},
		{`(docType: BULKOPERATION OR sku: plain) AND id: (3 OR 4)`, []string{"3", "4"}},
		{`docType: BULKOPERATION OR sku: plain`, []string{"3", "4"}},
		{`operation: (SHOP_PREORDER_SYNC OR "10001")`, []string{"4"}},
		{`sku: *`, []string{"1", "2", "3"}},
		{`productStoreIds: (STORE AND OTHER)`, []string{"2"}},
		{`sku: hw-jacket-m`, nil},
		{`sku: HW\-JACK*`, []string{"1"}},
		{`sku: (HW\-JACKET\-m~1 OR pla*)`, []string{"1", "3"}},
		{`sku: HW\-JAKCET\-M~1`, []string{"1"}}, // a transposition is one edit
		{`sku: HW\-JAKCET\-L~1`, nil},
		{`sku: hw\-jacket\-m~2`, nil}, // case-sensitive, like a string field
		{`sku: HW\-JACKET\-X~`, []string{"1"}},
		{`sku: HW\-JACKET\*`, nil}, // an escaped star is a character
	}
	for _, tt := range tests {
		t.Run(tt.filter, func(t *testing.T) {
			n, err := parseSolr(tt.filter)
			require.NoError(t, err)
			var ids []string
			for _, d := range docs {
				if n.match(d) {
					ids = append(ids, d["id"].(string))
				}
			}
			assert.Equal(t, tt.ids, ids)
		})
	}
}

func TestSolrFilterRejects(t *testing.T) {
	for _, filter := range []string{
		`sku: A/B`,               // unescaped slash starts a regex
		`sku: "unterminated`,     // open quote
		`sku: (a OR b`,           // open group
		`docType: PRODUCT AND`,   // dangling operator
		`HW-JACKET-M`,            // no field
		`sku: HW JACKET`,         // second word has no field
		`NOT sku: a`,             // unsupported operator
		`sku: a\`,                // escape at end
		`sku: a? AND docType: b`, // wildcard
		`sku: [a TO b]`,          // ranges
		`:a`,                     // no field name
		`sku: a~3`,               // Lucene allows at most 2 edits
		`sku: a~x`,               // not a number
	} {
		t.Run(filter, func(t *testing.T) {
			_, err := parseSolr(filter)
			assert.Error(t, err)
		})
	}
}

func TestSolrQueryWire(t *testing.T) {
	s := newTest(t, ScenarioHealthy)
	t.Run("products by sku", func(t *testing.T) {
		resp := post(t, s, "solr-query", map[string]any{"json": map[string]any{
			"params": map[string]any{"rows": 10, "start": 0}, "query": "*:*",
			"filter": `docType: PRODUCT AND productStoreIds: "STORE" AND sku: ("HW-JACKET-L" OR "HW-JACKET-M")`,
		}})
		list := solrDocs(t, resp)
		assert.ElementsMatch(t, []string{"20011", "20012"}, field(list, "productId"))
		assert.EqualValues(t, 2, resp["response"].(map[string]any)["numFound"])
	})
	t.Run("paging and fl", func(t *testing.T) {
		resp := post(t, s, "solr-query", map[string]any{"json": map[string]any{
			"params": map[string]any{"rows": "1", "start": "1", "sort": "productId desc", "fl": "productId,sku"},
			"filter": []string{`docType: PRODUCT`, `groupId: 19010`},
		}})
		assert.Equal(t, []map[string]any{{"productId": "20011", "sku": "HW-JACKET-M"}}, solrDocs(t, resp))
		assert.EqualValues(t, 2, resp["response"].(map[string]any)["numFound"])
		assert.EqualValues(t, 1, resp["response"].(map[string]any)["start"])
	})
	t.Run("listing docs", func(t *testing.T) {
		resp := post(t, s, "solr-query", map[string]any{"coreName": "shopifyCore", "json": map[string]any{
			"params": map[string]any{"rows": 5, "sort": "_timestamp_ desc"}, "query": "*:*",
			"filter": `docType: BULKOPERATION AND operation: (SHOP_PREORDER_SYNC OR "10001") AND ` +
				`data.productVariantUpdate.productVariant.id: ("gid://shopify/ProductVariant/45012000000011" OR "gid://shopify/ProductVariant/1") AND ` +
				`data.productVariantUpdate.productVariant.metafields.edges.node.namespace: "HC_PREORDER"`,
		}})
		list := solrDocs(t, resp)
		require.Len(t, list, 1)
		doc := list[0]
		// shopifyCore is schemaless: every field is an array, as the Audit page reads it
		// (hotwax/preorder:src/views/audit-product-details.vue: listDataDoc.contains_error[0]).
		assert.Equal(t, []any{"SHOP_PREORDER_SYNC"}, doc["operation"])
		assert.Equal(t, []any{false}, doc["contains_error"])
		require.Len(t, doc["_timestamp_"], 1)
		assert.Regexp(t, `^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d`, doc["_timestamp_"].([]any)[0])
		assert.Equal(t, []any{"gid://shopify/ProductVariant/45012000000011"}, doc[listingFieldsOf(GenerationDotted).ids])
		values := doc[listingFieldsOf(GenerationDotted).values].([]any)
		var v map[string]string
		require.NoError(t, json.Unmarshal([]byte(values[0].(string)), &v))
		assert.Equal(t, "active", v["status"])
		assert.Regexp(t, `^\d\d/\d\d/\d{4}$`, v["promise_date"])
	})
	t.Run("syntax error is a 400", func(t *testing.T) {
		status, raw := call(t, s, s.Token(), "solr-query", map[string]any{"json": map[string]any{
			"query": "*:*", "filter": `docType: PRODUCT AND sku: A/B`}})
		assert.Equal(t, http.StatusBadRequest, status)
		assert.Contains(t, string(raw), `"code":400`)
	})
	t.Run("bad sort is a 400", func(t *testing.T) {
		status, _ := call(t, s, s.Token(), "solr-query", map[string]any{"json": map[string]any{
			"params": map[string]any{"sort": "productId sideways"}, "query": "*:*"}})
		assert.Equal(t, http.StatusBadRequest, status)
	})
	t.Run("unknown core", func(t *testing.T) {
		status, _ := call(t, s, s.Token(), "solr-query", map[string]any{"coreName": "nope", "json": map[string]any{"query": "*:*"}})
		assert.Equal(t, http.StatusNotFound, status)
	})
}

func TestShopifyCoreSchemaIsStrict(t *testing.T) {
	listing := func(s *Server, idField string) (int, map[string]any) {
		status, raw := call(t, s, s.Token(), "solr-query", map[string]any{"coreName": "shopifyCore", "json": map[string]any{
			"params": map[string]any{"rows": 5, "sort": "_timestamp_ desc"}, "query": "*:*",
			"filter": `docType: BULKOPERATION AND ` + idField + `: "gid://shopify/ProductVariant/45012000000011"`,
		}})
		var resp map[string]any
		require.NoError(t, json.Unmarshal(raw, &resp))
		return status, resp
	}
	dotted, underscore := listingFieldsOf(GenerationDotted).ids, listingFieldsOf(GenerationUnderscore).ids
	for _, tt := range []struct{ generation, defined, undefined string }{
		{GenerationDotted, dotted, underscore},
		{GenerationUnderscore, underscore, dotted},
	} {
		t.Run(tt.generation, func(t *testing.T) {
			s := NewTestServer(t, Options{ListingGeneration: tt.generation})
			status, resp := listing(s, tt.defined)
			require.Equal(t, http.StatusOK, status)
			docs := resp["response"].(map[string]any)["docs"].([]any)
			require.Len(t, docs, 1)
			doc := docs[0].(map[string]any)
			for k, v := range doc {
				assert.IsType(t, []any{}, v, "field %s is an array, as in a schemaless core", k)
			}
			assert.Contains(t, doc, listingFieldsOf(tt.generation).values)

			status, resp = listing(s, tt.undefined)
			assert.Equal(t, http.StatusBadRequest, status)
			assert.Equal(t, map[string]any{
				"metadata": []any{"error-class", "org.apache.solr.common.SolrException",
					"root-error-class", "org.apache.solr.common.SolrException"},
				"msg": "undefined field " + tt.undefined, "code": float64(400),
			}, resp["error"], "Solr's own 400 body")
		})
	}
	t.Run("products core too", func(t *testing.T) {
		s := newTest(t, ScenarioHealthy)
		status, raw := call(t, s, s.Token(), "solr-query", map[string]any{"json": map[string]any{
			"query": "*:*", "filter": `docType: PRODUCT AND colour: red`}})
		assert.Equal(t, http.StatusBadRequest, status)
		assert.Contains(t, string(raw), "undefined field colour")
	})
	t.Run("unknown generation", func(t *testing.T) {
		_, err := NewServer(Options{ListingGeneration: "bulk"})
		assert.ErrorContains(t, err, `unknown listing generation "bulk"`)
	})
}

func TestSolrTermsKeepEveryCharacter(t *testing.T) {
	n, err := parseSolr(`sku: HW\-É\:1 AND productName: "Ünïcode \"quoted\" 🙂"`)
	require.NoError(t, err)
	assert.Equal(t, solrAnd{solrTerm{field: "sku", value: "HW-É:1"}, solrTerm{field: "productName", value: `Ünïcode "quoted" 🙂`}}, n)

	_, err = parseSolr("sku: é!x")
	require.Error(t, err)
	assert.Contains(t, err.Error(), "unexpected character '!' at column 6", "columns count characters, not bytes")
}
