package hotwax

import (
	"context"
	"encoding/json"
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestCategoryMembersPageRequest(t *testing.T) {
	f := newFakeOMS(t, func(w http.ResponseWriter, _ *http.Request, _ int, _ string) {
		respond(w, 200, `{"count":3,"docs":[{"productId":"P1","productCategoryId":"PRE","fromDate":1700000000000,"thruDate":null,"lastUpdatedStamp":1700000001000}]}`)
	})
	page, err := newTestClient(t, f).CategoryMembersPage(context.Background(), []string{"PRE", "BACK"}, 2, 250)
	require.NoError(t, err)
	assert.Equal(t, 3, page.Total)
	require.Len(t, page.Members, 1)
	assert.Equal(t, "P1", page.Members[0].ProductID)
	assert.True(t, page.Members[0].ThruDate.IsZero())

	var body map[string]any
	require.NoError(t, json.Unmarshal([]byte(f.requests()[0].Body), &body))
	assert.Equal(t, "ProductCategoryMember", body["entityName"])
	assert.Equal(t, "Y", body["filterByDate"])
	assert.EqualValues(t, 2, body["viewIndex"])
	assert.EqualValues(t, 250, body["viewSize"])
	assert.Equal(t, map[string]any{"productCategoryId": []any{"PRE", "BACK"}, "productCategoryId_op": "in"}, body["inputFields"])
}

func TestSellableProductsRequest(t *testing.T) {
	f := newFakeOMS(t, func(w http.ResponseWriter, _ *http.Request, _ int, _ string) {
		respond(w, 200, `{"response":{"numFound":3,"start":0,"docs":[
			{"productId":"V","isVirtual":true,"isVariant":false},
			{"productId":"A","sku":["SKU-A"],"groupId":"V","isVirtual":false,"isVariant":true},
			{"productId":"B","sku":"SKU-B","isVirtual":"false","isVariant":"true"}]}}`)
	})
	page, err := newTestClient(t, f).SellableProducts(context.Background(), "STORE", []string{"V", "B"}, 0, 250)
	require.NoError(t, err)
	assert.Equal(t, 3, page.Total)
	require.Len(t, page.Products, 2, "the virtual document is not sellable")
	assert.Equal(t, "SKU-A", page.Products[0].SKU)

	var body struct {
		JSON struct {
			Params map[string]any `json:"params"`
			Filter string         `json:"filter"`
		} `json:"json"`
	}
	require.NoError(t, json.Unmarshal([]byte(f.requests()[0].Body), &body))
	assert.Equal(t, `docType: PRODUCT AND productStoreIds: "STORE" AND (productId: ("V" OR "B") OR groupId: ("V" OR "B"))`, body.JSON.Filter)
	assert.EqualValues(t, 250, body.JSON.Params["rows"])
}

func TestProductStoresRequest(t *testing.T) {
	f := newFakeOMS(t, func(w http.ResponseWriter, _ *http.Request, _ int, _ string) {
		respond(w, 200, `{"count":2,"docs":[{"productStoreId":"STORE","storeName":"Acme"},{"productStoreId":"OUTLET","storeName":null}]}`)
	})
	stores, err := newTestClient(t, f).ProductStores(context.Background())
	require.NoError(t, err)
	assert.Equal(t, []Store{{"STORE", "Acme"}, {"OUTLET", ""}}, stores)
}
