package hotwax

import (
	"context"
	"errors"
)

// Store is a product store of the OMS.
type Store struct {
	ProductStoreID string `json:"productStoreId"`
	Name           string `json:"storeName"`
}

// ProductStores lists the product stores, as the apps' store pickers do (hotwax/preorder
// src/services/UserService.ts getEComStores: performFind ProductStore, fieldList productStoreId and
// storeName, distinct, noConditionFind).
func (c *Client) ProductStores(ctx context.Context) ([]Store, error) {
	docs, err := findOnce[wireStore](ctx, c, "ProductStore", map[string]any{
		"fieldList":       []string{"productStoreId", "storeName"},
		"distinct":        "Y",
		"noConditionFind": "Y",
	}, 100)
	if err != nil {
		return nil, err
	}
	stores := make([]Store, 0, len(docs))
	for _, d := range docs {
		stores = append(stores, Store{ProductStoreID: string(d.ProductStoreID), Name: string(d.StoreName)})
	}
	return stores, nil
}

type wireStore struct {
	ProductStoreID flexString `json:"productStoreId"`
	StoreName      flexString `json:"storeName"`
}

// MembersPage is one page of the current members of some categories.
type MembersPage struct {
	Members []CategoryMember
	Total   int // rows matching, over every page
}

// CategoryMembersPage reads one page of the current ProductCategoryMember rows of the categories
// (hotwax-api §5.3 step 3, by category instead of by product): filterByDate keeps fromDate ≤ now < thruDate
// or no thruDate. One page per call lets a caller stream a catalog of any size.
func (c *Client) CategoryMembersPage(ctx context.Context, categoryIDs []string, viewIndex, viewSize int) (MembersPage, error) {
	ids := nonEmpty(categoryIDs)
	if len(ids) == 0 {
		return MembersPage{}, errors.New("hotwax category members: no category given")
	}
	body := map[string]any{
		"entityName":  "ProductCategoryMember",
		"inputFields": map[string]any{"productCategoryId": ids, "productCategoryId_op": "in"},
		"fieldList":   []string{"productId", "productCategoryId", "fromDate", "thruDate", "lastUpdatedStamp"},
		// A stable order keeps pages from overlapping while rows are added.
		"orderBy":      "productId",
		"filterByDate": "Y",
		"viewSize":     viewSize,
		"viewIndex":    viewIndex,
	}
	var r findReply[wireMember]
	if err := c.do(ctx, request{call: "performFind ProductCategoryMember", path: "performFind", find: true, body: body}, &r); err != nil {
		return MembersPage{}, err
	}
	page := MembersPage{Total: int(r.Count), Members: make([]CategoryMember, 0, len(r.Docs))}
	for _, d := range r.Docs {
		page.Members = append(page.Members, CategoryMember{
			ProductID:         string(d.ProductID),
			ProductCategoryID: string(d.ProductCategoryID),
			FromDate:          d.FromDate.time(),
			ThruDate:          d.ThruDate.time(),
			UpdatedAt:         d.LastUpdatedStamp.time(),
		})
	}
	return page, nil
}

// ProductsPage is one page of product documents.
type ProductsPage struct {
	Products []Product
	Total    int // documents matching, over every page
}

// SellableProducts reads one page of the store's sellable documents of the products: each product
// itself and, for a virtual product, its variants (groupId). The query follows the pre-order app's catalog
// page (hotwax/preorder src/views/catalog.vue: docType PRODUCT, productStoreIds, rows and start), by product
// id instead of by prodCatalogCategoryTypeIds, which the index only fills once indexing caught up. Virtual
// documents are dropped: only their variants are sold.
func (c *Client) SellableProducts(ctx context.Context, storeID string, productIDs []string, start, rows int) (ProductsPage, error) {
	if storeID == "" {
		return ProductsPage{}, errors.New("hotwax sellable products: product store id is empty")
	}
	ids := nonEmpty(productIDs)
	if len(ids) == 0 {
		return ProductsPage{}, nil
	}
	group := anyOf(ids)
	body := map[string]any{
		"json": map[string]any{
			"params": map[string]any{"rows": rows, "start": start, "sort": "productId asc"},
			"query":  "*:*",
			"filter": "docType: PRODUCT AND productStoreIds: " + QuoteLucene(storeID) + " AND (productId: " + group + " OR groupId: " + group + ")",
		},
	}
	req := request{call: "solr-query products", path: "solr-query", body: body}
	var r solrReply[wireProduct]
	if err := c.do(ctx, req, &r); err != nil {
		return ProductsPage{}, err
	}
	docs, err := r.docs(req)
	if err != nil {
		return ProductsPage{}, err
	}
	page := ProductsPage{Total: int(r.Response.NumFound)}
	for _, d := range docs {
		if p := d.product(); !p.IsVirtual {
			page.Products = append(page.Products, p)
		}
	}
	return page, nil
}
