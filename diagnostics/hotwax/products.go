package hotwax

import (
	"context"
	"errors"
)

// ProductsBySKU finds the Solr product documents of a store for many SKUs in one query. SKUs with no
// document are simply absent from the result; the caller reports them as unknown.
func (c *Client) ProductsBySKU(ctx context.Context, storeID string, skus []string) ([]Product, error) {
	if storeID == "" {
		return nil, errors.New("hotwax products by sku: product store id is empty")
	}
	skus = nonEmpty(skus)
	if len(skus) == 0 {
		return nil, nil
	}
	filter := "docType: PRODUCT AND productStoreIds: " + QuoteLucene(storeID) + " AND sku: " + anyOf(skus)
	// A SKU normally matches one variant; the headroom keeps duplicates visible to the caller.
	docs, err := c.productDocs(ctx, "solr-query products", filter, max(50, 2*len(skus)))
	if err != nil {
		return nil, err
	}
	products := make([]Product, 0, len(docs))
	for _, d := range docs {
		products = append(products, d.product())
	}
	return products, nil
}

// wireProduct is a Solr product document, every field read by the one tolerant rule of wire.go: a schema may
// make any of them multi-valued.
type wireProduct struct {
	ProductID            flexString `json:"productId"`
	SKU                  flexString `json:"sku"`
	InternalName         flexString `json:"internalName"`
	Name                 flexString `json:"productName"`
	ParentName           flexString `json:"parentProductName"`
	GroupID              flexString `json:"groupId"`
	IsVirtual            flexBool   `json:"isVirtual"`
	IsVariant            flexBool   `json:"isVariant"`
	GoodIdentifications  stringList `json:"goodIdentifications"`
	CatalogCategoryTypes stringList `json:"prodCatalogCategoryTypeIds"`
	Categories           stringList `json:"productCategories"`
	ProductStoreIDs      stringList `json:"productStoreIds"`
}

func (w wireProduct) product() Product {
	return Product{
		ProductID:            string(w.ProductID),
		SKU:                  string(w.SKU),
		InternalName:         string(w.InternalName),
		Name:                 string(w.Name),
		ParentName:           string(w.ParentName),
		GroupID:              string(w.GroupID),
		IsVirtual:            bool(w.IsVirtual),
		IsVariant:            bool(w.IsVariant),
		GoodIdentifications:  w.GoodIdentifications,
		CatalogCategoryTypes: w.CatalogCategoryTypes,
		Categories:           w.Categories,
		ProductStoreIDs:      w.ProductStoreIDs,
	}
}

// productDocs runs one filter query on the products core and decodes its documents.
func (c *Client) productDocs(ctx context.Context, call, filter string, rows int) ([]wireProduct, error) {
	body := map[string]any{"json": map[string]any{
		"params": map[string]any{"rows": rows, "start": 0},
		"query":  "*:*",
		"filter": filter,
	}}
	req := request{call: call, path: "solr-query", body: body}
	var r solrReply[wireProduct]
	if err := c.do(ctx, req, &r); err != nil {
		return nil, err
	}
	return r.docs(req)
}
