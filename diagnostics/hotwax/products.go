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
	filter := "docType: PRODUCT AND productStoreIds: " + quoteLucene(storeID) + " AND sku: " + anyOf(skus)
	body := map[string]any{
		"json": map[string]any{
			// A SKU normally matches one variant; the headroom keeps duplicates visible to the caller.
			"params": map[string]any{"rows": max(50, 2*len(skus)), "start": 0},
			"query":  "*:*",
			"filter": filter,
		},
	}
	var r solrReply[wireProduct]
	if err := c.do(ctx, request{call: "solr-query products", path: "solr-query", body: body}, &r); err != nil {
		return nil, err
	}
	products := make([]Product, 0, len(r.Response.Docs))
	for _, d := range r.Response.Docs {
		products = append(products, d.product())
	}
	return products, nil
}

// wireProduct overrides the Product fields whose JSON type varies between Solr schemas.
type wireProduct struct {
	Product
	ProductID            flexString `json:"productId"`
	SKU                  flexString `json:"sku"`
	GroupID              flexString `json:"groupId"`
	IsVirtual            flexBool   `json:"isVirtual"`
	IsVariant            flexBool   `json:"isVariant"`
	GoodIdentifications  stringList `json:"goodIdentifications"`
	CatalogCategoryTypes stringList `json:"prodCatalogCategoryTypeIds"`
	Categories           stringList `json:"productCategories"`
	ProductStoreIDs      stringList `json:"productStoreIds"`
}

func (w wireProduct) product() Product {
	p := w.Product
	p.ProductID = string(w.ProductID)
	p.SKU = string(w.SKU)
	p.GroupID = string(w.GroupID)
	p.IsVirtual = bool(w.IsVirtual)
	p.IsVariant = bool(w.IsVariant)
	p.GoodIdentifications = w.GoodIdentifications
	p.CatalogCategoryTypes = w.CatalogCategoryTypes
	p.Categories = w.Categories
	p.ProductStoreIDs = w.ProductStoreIDs
	return p
}
