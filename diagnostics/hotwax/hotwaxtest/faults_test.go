package hotwaxtest

import (
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"
)

// Faults.Source fails one entity or Solr core and leaves the others of the same endpoint answering.
func TestFaultsBySource(t *testing.T) {
	s := NewTestServer(t, Options{Faults: Faults{Source: "shopifyCore", OMSError: "listings down"}})
	listings := map[string]any{"coreName": "shopifyCore", "json": map[string]any{"query": "*:*"}}
	products := map[string]any{"json": map[string]any{"query": "*:*"}}

	_, raw := call(t, s, s.Token(), "solr-query", listings)
	assert.JSONEq(t, `{"_ERROR_MESSAGE_":"listings down"}`, string(raw))
	status, raw := call(t, s, s.Token(), "solr-query", products)
	assert.Equal(t, http.StatusOK, status)
	assert.NotContains(t, string(raw), "listings down")

	s.SetFaults(Faults{Endpoint: "performFind", Source: "ShopifyShopProduct", OMSError: "links down"})
	_, raw = call(t, s, s.Token(), "performFind", map[string]any{"entityName": "ShopifyShopProduct", "noConditionFind": "Y"})
	assert.JSONEq(t, `{"_ERROR_MESSAGE_":"links down"}`, string(raw))
	_, raw = call(t, s, s.Token(), "performFind", shopsQuery)
	assert.NotContains(t, string(raw), "links down")
	_, raw = call(t, s, s.Token(), "solr-query", products)
	assert.NotContains(t, string(raw), "links down")
}
