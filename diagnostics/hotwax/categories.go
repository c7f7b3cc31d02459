package hotwax

import (
	"context"
	"errors"
)

// PreorderCategories returns the pre-order and backorder categories of the store's active catalog
// (hotwax-api §5.3 steps 1–2). Every product store has an active catalog, so an answer without one is an
// empty answer (ErrEmptyAnswer), not a store without pre-order categories.
func (c *Client) PreorderCategories(ctx context.Context, storeID string) ([]Category, error) {
	if storeID == "" {
		return nil, errors.New("hotwax preorder categories: product store id is empty")
	}
	catalogs, err := findOnce[wireStoreCatalog](ctx, c, "ProductStoreCatalog", map[string]any{
		"inputFields":  map[string]any{"productStoreId": storeID},
		"fieldList":    []string{"productStoreId", "prodCatalogId"},
		"filterByDate": "Y",
	}, 1)
	if err != nil {
		return nil, err
	}
	if len(catalogs) == 0 || catalogs[0].ProdCatalogID == "" {
		return nil, EmptyAnswer("performFind ProductStoreCatalog", "no active catalog for product store "+storeID)
	}

	docs, err := performFind[wireCategory](ctx, c, "ProdCatalogCategory", map[string]any{
		"inputFields": map[string]any{
			"prodCatalogId":                string(catalogs[0].ProdCatalogID),
			"prodCatalogCategoryTypeId":    []string{CategoryPreorder, CategoryBackorder},
			"prodCatalogCategoryTypeId_op": "in",
		},
		"fieldList":    []string{"productCategoryId", "prodCatalogCategoryTypeId"},
		"filterByDate": "Y",
	}, 100)
	if err != nil {
		return nil, err
	}
	categories := make([]Category, 0, len(docs))
	for _, d := range docs {
		categories = append(categories, Category{ProductCategoryID: string(d.ProductCategoryID), Type: d.Type})
	}
	return categories, nil
}

type wireStoreCatalog struct {
	ProdCatalogID flexString `json:"prodCatalogId"`
}

type wireCategory struct {
	ProductCategoryID flexString `json:"productCategoryId"`
	Type              string     `json:"prodCatalogCategoryTypeId"`
}

// CategoryMembers returns the active ProductCategoryMember rows of the products, in any category; the
// caller intersects them with PreorderCategories. Their lastUpdatedStamp drives the timing check.
func (c *Client) CategoryMembers(ctx context.Context, productIDs []string) ([]CategoryMember, error) {
	ids := nonEmpty(productIDs)
	if len(ids) == 0 {
		return nil, nil
	}
	docs, err := performFind[wireMember](ctx, c, "ProductCategoryMember", map[string]any{
		"inputFields":  map[string]any{"productId": ids, "productId_op": "in"},
		"fieldList":    []string{"productId", "productCategoryId", "fromDate", "thruDate", "lastUpdatedStamp"},
		"filterByDate": "Y",
	}, 250)
	if err != nil {
		return nil, err
	}
	members := make([]CategoryMember, 0, len(docs))
	for _, d := range docs {
		members = append(members, CategoryMember{
			ProductID:         string(d.ProductID),
			ProductCategoryID: string(d.ProductCategoryID),
			FromDate:          d.FromDate.time(),
			ThruDate:          d.ThruDate.time(),
			UpdatedAt:         d.LastUpdatedStamp.time(),
		})
	}
	return members, nil
}

type wireMember struct {
	ProductID         flexString `json:"productId"`
	ProductCategoryID flexString `json:"productCategoryId"`
	FromDate          msTime     `json:"fromDate"`
	ThruDate          msTime     `json:"thruDate"`
	LastUpdatedStamp  msTime     `json:"lastUpdatedStamp"`
}
