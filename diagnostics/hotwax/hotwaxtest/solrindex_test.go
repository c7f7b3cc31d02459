package hotwaxtest

import (
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/preorderbot/preorderbot/diagnostics/hotwax"
)

// TestSolrIndexAnswersAsTheScan runs many queries, the sweep's shapes and random mixes of exact, prefix,
// fuzzy and wildcard terms with hostile values, through the indexed path and the full scan of both cores:
// both must give the same documents in the same order.
func TestSolrIndexAnswersAsTheScan(t *testing.T) {
	s := NewTestServer(t, Options{Scenario: ScenarioCatalog, CatalogSKUs: 300})
	hostile := []string{`A/B: (C) "D"`, `Ünïcode 🙂`, `back\slash`, `*`, `GEN-*`, `OR`, `sku: x`}
	s.mu.Lock()
	for i, sku := range hostile {
		s.m.products = append(s.m.products, product{ID: "HOSTILE" + string(rune('0'+i)), SKU: sku, Variant: true, GroupID: s.m.products[0].ID})
	}
	var skus, ids, groups []string
	for _, p := range s.m.products {
		skus, ids = append(skus, p.SKU), append(ids, p.ID)
		if p.GroupID != "" {
			groups = append(groups, p.GroupID)
		}
	}
	var shops, gids []string
	for k := range s.m.listings {
		shops, gids = append(shops, k.shop), append(gids, "gid://shopify/ProductVariant/"+k.variant)
	}
	s.m.listingCache = nil
	s.mu.Unlock()
	require.NotEmpty(t, gids)
	store := s.m.storeID
	variantIDs := listingFieldsOf(GenerationDotted).ids

	rnd := rand.New(rand.NewPCG(1, 2))
	pick := func(list []string) string { return list[rnd.IntN(len(list))] }
	anyOf := func(field string, list []string, n int) string {
		var terms []string
		for range n {
			terms = append(terms, hotwax.QuoteLucene(pick(list)))
		}
		terms = append(terms, hotwax.QuoteLucene(pick(hostile)), `"NO-SUCH"`)
		return field + ": (" + strings.Join(terms, " OR ") + ")"
	}
	productTerm := func() string {
		switch rnd.IntN(12) {
		case 0:
			return "sku: " + hotwax.QuoteLucene(pick(skus))
		case 1:
			return anyOf("sku", skus, 1+rnd.IntN(40))
		case 2:
			return anyOf("productId", ids, 1+rnd.IntN(5))
		case 3:
			return anyOf("groupId", groups, 2)
		case 4:
			return "internalName: " + hotwax.QuoteLucene(pick(skus))
		case 5:
			return "sku: GEN\\-0001*"
		case 6:
			return "sku: GEN\\-00012~1"
		case 7:
			return "sku: *"
		case 8:
			return "*:*"
		case 9:
			return "productStoreIds: " + hotwax.QuoteLucene(store)
		case 10:
			return "(productId: " + hotwax.QuoteLucene(pick(ids)) + " OR groupId: " + hotwax.QuoteLucene(pick(groups)) + ")"
		}
		return "(" + anyOf("sku", skus, 3) + " OR isVirtual: true)"
	}
	listingTerm := func() string {
		switch rnd.IntN(8) {
		case 0:
			return anyOf(variantIDs, gids, 1+rnd.IntN(30))
		case 1:
			return "shopId: " + hotwax.QuoteLucene(pick(shops))
		case 2:
			return "contains_error: true"
		case 3:
			return "operation: (SHOP_PREORDER_SYNC OR " + hotwax.QuoteLucene(pick(shops)) + ")"
		case 4:
			return variantIDs + ": gid\\:\\/\\/shopify\\/ProductVariant\\/1*"
		case 5:
			return "(shopId: " + hotwax.QuoteLucene(pick(shops)) + " OR docType: *)"
		case 6:
			return "*:*"
		}
		return "docType: BULKOPERATION"
	}
	queries := []struct {
		listings bool
		q        string
	}{
		{false, "docType: PRODUCT AND productStoreIds: " + hotwax.QuoteLucene(store) + " AND " + anyOf("sku", skus, 100)},
		{true, "docType: BULKOPERATION AND operation: (SHOP_PREORDER_SYNC OR " + hotwax.QuoteLucene(shops[0]) + ") AND " +
			anyOf(variantIDs, gids, 100) + ` AND data.productVariantUpdate.productVariant.metafields.edges.node.namespace: "HC_PREORDER"`},
	}
	for range 300 {
		listings := rnd.IntN(2) == 0
		term := productTerm
		if listings {
			term = listingTerm
		}
		var parts []string
		for range 1 + rnd.IntN(3) {
			parts = append(parts, term())
		}
		op := " AND "
		if rnd.IntN(3) == 0 {
			op = " OR "
		}
		queries = append(queries, struct {
			listings bool
			q        string
		}{listings, strings.Join(parts, op)})
	}

	nonEmpty, narrowed := 0, 0
	for _, tt := range queries {
		n, err := parseSolr(tt.q)
		require.NoError(t, err, tt.q)
		query := solrAnd{n}
		scanned := s.solrMatches(tt.listings, query, true)
		indexed := s.solrMatches(tt.listings, query, false)
		require.Equal(t, scanned, indexed, tt.q)
		if len(scanned) > 0 {
			nonEmpty++
		}
		if _, ok := lookups(query, func(f string) bool { return productKeyFields[f] || tt.listings }, lookupSize); ok {
			narrowed++
		}
	}
	assert.Greater(t, nonEmpty, len(queries)/3, "the queries find documents")
	assert.Greater(t, narrowed, len(queries)/3, "the index narrows many of them")
	assert.Less(t, narrowed, len(queries), "some fall back to the scan")
}

// TestSolrLookupsNarrowTheSweep checks the sweep's product and listing queries are looked up, not scanned,
// and that shapes the index cannot answer fall back.
func TestSolrLookupsNarrowTheSweep(t *testing.T) {
	all := func(string) bool { return true }
	for q, want := range map[string]bool{
		`docType: PRODUCT AND productStoreIds: "S" AND sku: ("a" OR "b")`: true,
		`sku: ("a" OR b*)`:                    false,
		`sku: a~1`:                            false,
		`sku: *`:                              false,
		`*:*`:                                 false,
		`sku: a OR docType: PRODUCT`:          true,
		`(sku: a OR productName: b*) AND *:*`: false,
	} {
		n, err := parseSolr(q)
		require.NoError(t, err, q)
		_, ok := lookups(solrAnd{n}, all, lookupSize)
		assert.Equal(t, want, ok, q)
	}
}
