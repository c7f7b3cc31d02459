package hotwaxtest

import (
	"slices"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// skuFacts is what the diagnostic chain would learn about a SKU over the wire.
type skuFacts struct {
	ProductID string
	Linked    []string // shop ids with a ShopifyShopProduct row
	Member    bool     // in the pre-order or backorder category
	Listed    []string // shop ids with an active listing doc
}

// factsOf asks the server about a SKU with the client's requests.
func factsOf(t *testing.T, s *Server, sku string) skuFacts {
	t.Helper()
	var f skuFacts
	products := solrDocs(t, post(t, s, "solr-query", map[string]any{"json": map[string]any{
		"params": map[string]any{"rows": 10, "start": 0}, "query": "*:*",
		"filter": `docType: PRODUCT AND productStoreIds: "STORE" AND sku: ("` + sku + `")`,
	}}))
	if len(products) == 0 {
		return f
	}
	require.Len(t, products, 1)
	f.ProductID = str(products[0]["productId"])
	links := docs(t, post(t, s, "performFind", map[string]any{
		"entityName": "ShopifyShopProduct", "inputFields": map[string]any{"productId": []string{f.ProductID}, "productId_op": "in"},
		"fieldList":       []string{"shopId", "shopifyProductId", "shopifyInventoryItemId", "productId", "createdStamp", "lastUpdatedStamp"},
		"noConditionFind": "Y", "viewSize": 250,
	}))
	f.Linked = sorted(field(links, "shopId"))
	members := docs(t, post(t, s, "performFind", map[string]any{
		"entityName": "ProductCategoryMember", "inputFields": map[string]any{"productId": []string{f.ProductID}, "productId_op": "in"},
		"fieldList":    []string{"productId", "productCategoryId", "fromDate", "thruDate", "lastUpdatedStamp"},
		"filterByDate": "Y", "viewSize": 250,
	}))
	for _, m := range members {
		f.Member = f.Member || m["productCategoryId"] == preorderCatID || m["productCategoryId"] == backorderCatID
	}
	for _, l := range links {
		listings := solrDocs(t, post(t, s, "solr-query", map[string]any{"coreName": "shopifyCore", "json": map[string]any{
			"params": map[string]any{"rows": 1, "sort": "_timestamp_ desc"}, "query": "*:*",
			"filter": `docType: BULKOPERATION AND operation: (SHOP_PREORDER_SYNC OR "` + str(l["shopId"]) + `") AND ` +
				`data.productVariantUpdate.productVariant.id: ("gid://shopify/ProductVariant/` + str(l["shopifyProductId"]) + `") AND ` +
				`data.productVariantUpdate.productVariant.metafields.edges.node.namespace: "HC_PREORDER"`,
		}}))
		if len(listings) > 0 {
			f.Listed = append(f.Listed, str(l["shopId"]))
		}
	}
	f.Listed = sorted(f.Listed)
	return f
}

func sorted(list []string) []string {
	if len(list) == 0 {
		return nil
	}
	slices.Sort(list)
	return list
}

// findJobDocs runs findJobs like the client does.
func findJobDocs(t *testing.T, s *Server, inputs map[string]any) []map[string]any {
	t.Helper()
	return docs(t, post(t, s, "findJobs", map[string]any{"inputFields": inputs, "noConditionFind": "Y", "viewSize": 250}))
}

// scheduledShops lists the shops ("" for store-wide) with a pending, recurring job of the enum.
func scheduledShops(t *testing.T, s *Server, enum string) []string {
	t.Helper()
	var shops []string
	for _, d := range findJobDocs(t, s, map[string]any{"systemJobEnumId": enum, "statusId": "SERVICE_PENDING", "tempExprId_op": "not-empty"}) {
		shops = append(shops, str(d["shopId"]))
	}
	return sorted(shops)
}

// millis reads an epoch-milliseconds JSON field.
func millis(t *testing.T, v any) time.Time {
	t.Helper()
	tm, err := parseMillis(str(v))
	require.NoError(t, err)
	return tm
}
