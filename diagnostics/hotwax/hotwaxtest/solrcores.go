package hotwaxtest

import (
	"cmp"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"time"
)

// solrFailure is Solr's 400 answer, as Solr writes it: {"responseHeader":{…},"error":{"metadata":[…],"msg","code"}}.
func solrFailure(err error) (int, any) {
	return http.StatusBadRequest, map[string]any{
		"responseHeader": map[string]any{"status": http.StatusBadRequest, "QTime": 0},
		"error": map[string]any{
			"metadata": []string{"error-class", "org.apache.solr.common.SolrException",
				"root-error-class", "org.apache.solr.common.SolrException"},
			"msg": err.Error(), "code": http.StatusBadRequest,
		},
	}
}

// solrQuery answers the JSON request API: {"json":{"params":{rows,start,sort,fl},"query","filter"},"coreName"}.
func (s *Server) solrQuery(body map[string]any) (int, any) {
	q, _ := body["json"].(map[string]any)
	if q == nil {
		return solrFailure(errors.New("missing json request"))
	}
	params, _ := q["params"].(map[string]any)
	rows, err := intParam(params["rows"], 10)
	if err != nil {
		return solrFailure(fmt.Errorf("rows: %w", err))
	}
	start, err := intParam(params["start"], 0)
	if err != nil {
		return solrFailure(fmt.Errorf("start: %w", err))
	}
	sortKeys, err := parseSolrSort(str(params["sort"]))
	if err != nil {
		return solrFailure(err)
	}
	var fl []string
	for f := range strings.FieldsFuncSeq(str(params["fl"]), func(r rune) bool { return r == ',' || r == ' ' }) {
		fl = append(fl, f)
	}
	query := cmp.Or(str(q["query"]), "*:*")
	clauses := []string{query}
	clauses = append(clauses, stringList(q["filter"])...)
	var nodes []solrNode
	for _, c := range clauses {
		n, err := parseSolr(c)
		if err != nil {
			return solrFailure(err)
		}
		nodes = append(nodes, n)
	}
	var schema []string
	switch core := str(body["coreName"]); core {
	case "", "enterpriseSearch":
		schema = productSchema
	case "shopifyCore":
		schema = listingSchema(s.opts.ListingGeneration)
	default:
		return http.StatusNotFound, map[string]any{"error": map[string]any{"msg": fmt.Sprintf("no such core: %s", core), "code": http.StatusNotFound}}
	}
	named := fields(solrAnd(nodes))
	for _, k := range sortKeys {
		named = append(named, k.field)
	}
	for _, f := range named {
		if !slices.Contains(schema, f) {
			return solrFailure(fmt.Errorf("undefined field %s", f))
		}
	}
	matched := s.solrMatches(str(body["coreName"]) == "shopifyCore", solrAnd(nodes), false)
	sortSolr(matched, sortKeys)
	out := []map[string]any{}
	for i := start; i < len(matched) && i < start+rows; i++ {
		out = append(out, solrDoc(matched[i], fl))
	}
	return http.StatusOK, map[string]any{
		"responseHeader": map[string]any{"status": 0, "QTime": 1},
		"response":       map[string]any{"numFound": len(matched), "start": start, "docs": out},
	}
}

// solrMatches are the documents of a core the query matches, in index order. Unless scan is set, a query
// that names exact values of indexed fields looks its candidates up instead of matching every document;
// scan is how tests prove both give the same documents.
func (s *Server) solrMatches(listings bool, query solrAnd, scan bool) []map[string]any {
	s.mu.Lock()
	var docs []map[string]any
	if listings {
		docs = s.m.listingDocs(s.opts.ListingGeneration)
		ix := s.m.listingCache.index
		if ls, ok := lookups(query, func(string) bool { return true }, ix.postings(docs)); ok && !scan {
			docs = ix.candidates(docs, ls)
		}
	} else {
		ls, ok := lookups(query, func(f string) bool { return productKeyFields[f] }, lookupSize)
		if !ok || scan {
			ls = nil
		}
		docs = s.m.productDocs(s.nowLocked(), ls)
	}
	s.mu.Unlock()
	var matched []map[string]any
	for _, d := range docs {
		if query.match(d) {
			matched = append(matched, d)
		}
	}
	return matched
}

// productDocs are the Solr products core: one document per product, with the shop links as
// goodIdentifications "ShopifyShopProduct/<shopId>/<variantId>" and the catalog category types it is in.
// With lookups, only the products that may hold one of their values get a document.
func (m *model) productDocs(now time.Time, only []solrLookup) []map[string]any {
	var at []int
	if only != nil {
		at = m.productsHolding(only)
	} else {
		at = make([]int, len(m.products))
		for i := range at {
			at[i] = i
		}
	}
	docs := make([]map[string]any, 0, len(at))
	for _, i := range at {
		p := m.products[i]
		if m.unindexed[p.ID] {
			continue
		}
		var types, cats []string
		own := m.membersOf(p.ID)
		if p.GroupID != "" {
			own = append(slices.Clip(own), m.membersOf(p.GroupID)...)
		}
		for _, j := range own {
			if mb := m.members[j]; activeMember(mb, now) {
				cats = appendUnique(cats, mb.ProductCategoryID)
				types = appendUnique(types, m.categoryType(mb.ProductCategoryID))
			}
		}
		ids := []string{}
		if p.SKU != "" && !p.Virtual {
			ids = append(ids, "SKU/"+p.SKU)
		}
		for _, j := range m.linksOf(p.ID) {
			ids = append(ids, "ShopifyShopProduct/"+m.links[j].ShopID+"/"+m.links[j].ShopifyProductID)
		}
		doc := map[string]any{
			"docType": "PRODUCT", "productId": p.ID, "internalName": p.SKU, "productName": p.Name,
			"isVirtual": p.Virtual, "isVariant": p.Variant, "goodIdentifications": ids,
			"productStoreIds": []string{m.storeID}, "prodCatalogIds": []string{m.catalogID},
			"prodCatalogCategoryTypeIds": types, "productCategories": cats,
		}
		if p.SKU != "" && !p.Virtual {
			doc["sku"] = p.SKU
		}
		if p.ParentName != "" {
			doc["parentProductName"] = p.ParentName
		}
		if p.GroupID != "" {
			doc["groupId"] = p.GroupID
		}
		docs = append(docs, doc)
	}
	return docs
}

func appendUnique(list []string, s string) []string {
	if s == "" || slices.Contains(list, s) {
		return list
	}
	return append(list, s)
}

// Listing index generations of shopifyCore, as Options.ListingGeneration names them.
const (
	GenerationDotted     = "dotted"     // data.productVariantUpdate.productVariant.* (the Audit page today)
	GenerationUnderscore = "underscore" // data_productVariantUpdate_productVariant_* (older flows)
)

// listingFieldNames are the variant id, metafield namespace and metafield value fields of one generation.
type listingFieldNames struct{ ids, namespaces, values string }

// listingFieldsOf gives the field names the Audit page reads in each generation
// (hotwax/preorder:src/views/audit-product-details.vue, current and earlier revisions).
func listingFieldsOf(generation string) listingFieldNames {
	if generation == GenerationUnderscore {
		return listingFieldNames{
			ids:        "data_productVariantUpdate_productVariant_id",
			namespaces: "data_productVariantUpdate_productVariant_metafields_edges_node_namespace",
			values:     "data_productVariantUpdate_productVariant_metafields_edges_node_value",
		}
	}
	return listingFieldNames{
		ids:        "data.productVariantUpdate.productVariant.id",
		namespaces: "data.productVariantUpdate.productVariant.metafields.edges.node.namespace",
		values:     "data.productVariantUpdate.productVariant.metafields.edges.node.value",
	}
}

// listingSchema is every field the shopifyCore of a generation defines; a query naming another one is
// refused as Solr refuses it.
func listingSchema(generation string) []string {
	f := listingFieldsOf(generation)
	return []string{"id", "_version_", "_timestamp_", "docType", "operation", "shopId", "contains_error", f.ids, f.namespaces, f.values}
}

// productSchema is every field of the products core.
var productSchema = []string{"id", "_version_", "docType", "productId", "sku", "upc", "internalName", "productName",
	"parentProductName", "groupId", "isVirtual", "isVariant", "goodIdentifications", "productStoreIds", "prodCatalogIds",
	"prodCatalogCategoryTypeIds", "productCategories", "brandName", "search_goodIdentifications"}

// listingDocs are the Solr shopifyCore: one SHOP_PREORDER_SYNC bulk-operation document per shop and variant,
// as the last catalog sync to that shop left it. The core is schemaless, so every field is an array, single
// values included, as the Audit page expects (listDataDoc.contains_error[0]).
func (m *model) listingDocs(generation string) []map[string]any {
	if c := m.listingCache; c != nil && c.generation == generation && c.count == len(m.listings) {
		return c.docs
	}
	docs := m.buildListingDocs(generation)
	m.listingCache = &listingCache{generation: generation, count: len(m.listings), docs: docs, index: solrIndex{}}
	return docs
}

// listingCache keeps the shopifyCore documents between queries: a sweep asks for them hundreds of times.
// Whatever writes a listing clears it; the count catches a listing added without clearing.
type listingCache struct {
	generation string
	count      int
	docs       []map[string]any
	index      solrIndex // built a field at a time, as queries name them
}

func (m *model) buildListingDocs(generation string) []map[string]any {
	f := listingFieldsOf(generation)
	keys := make([]listingKey, 0, len(m.listings))
	for k := range m.listings {
		keys = append(keys, k)
	}
	slices.SortFunc(keys, func(a, b listingKey) int {
		if c := strings.Compare(a.shop, b.shop); c != 0 {
			return c
		}
		return strings.Compare(a.variant, b.variant)
	})
	docs := make([]map[string]any, 0, len(keys))
	for _, k := range keys {
		l := m.listings[k]
		value, _ := json.Marshal(map[string]string{
			"status": l.Status, "promise_date": cmp.Or(l.PromiseDate, "_NA_"),
			"last_updated_at": l.LastUpdatedAt.UTC().Format("Jan 02,2006 15:04:05"),
		})
		docs = append(docs, map[string]any{
			"id":             []string{fmt.Sprintf("%s-%s", l.ShopID, l.VariantID)},
			"docType":        []string{"BULKOPERATION"},
			"operation":      []string{"SHOP_PREORDER_SYNC"},
			"shopId":         []string{l.ShopID},
			"_timestamp_":    []time.Time{l.Timestamp},
			"contains_error": []bool{l.ContainsError},
			f.ids:            []string{"gid://shopify/ProductVariant/" + l.VariantID},
			f.namespaces:     []string{"HC_PREORDER"},
			f.values:         []string{string(value)},
		})
	}
	return docs
}
