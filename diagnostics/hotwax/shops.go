package hotwax

import (
	"context"
	"errors"
	"fmt"
)

// Shops lists the Shopify shops of a product store, parent and children, by name (ShopifyShopAndConfig).
// A store the bot checks has at least its parent shop, so an answer without any is an empty answer
// (ErrEmptyAnswer), never "the store has no shops".
func (c *Client) Shops(ctx context.Context, storeID string) ([]Shop, error) {
	if storeID == "" {
		return nil, errors.New("hotwax shops: product store id is empty")
	}
	body := map[string]any{
		"inputFields":     map[string]any{"productStoreId": storeID},
		"fieldList":       []string{"accessScopeEnumId", "shopifyConfigId", "shopId", "name"},
		"orderBy":         "name ASC",
		"noConditionFind": "Y",
	}
	docs, err := performFind[wireShop](ctx, c, "ShopifyShopAndConfig", body, 100)
	if err != nil {
		return nil, err
	}
	if len(docs) == 0 {
		return nil, EmptyAnswer("performFind ShopifyShopAndConfig", "no shops for product store "+storeID)
	}
	shops := make([]Shop, 0, len(docs))
	for _, d := range docs {
		shops = append(shops, Shop{
			ShopID:          string(d.ShopID),
			Name:            d.Name,
			ShopifyConfigID: string(d.ShopifyConfigID),
			AccessScope:     d.AccessScope,
		})
	}
	return shops, nil
}

type wireShop struct {
	ShopID          flexString `json:"shopId"`
	Name            string     `json:"name"`
	ShopifyConfigID flexString `json:"shopifyConfigId"`
	AccessScope     string     `json:"accessScopeEnumId"`
}

// ShopLinks returns the ShopifyShopProduct rows of the products: which shops know each product, under
// which Shopify variant id, and since when. This is the authoritative link check (hotwax-api §5.4).
func (c *Client) ShopLinks(ctx context.Context, productIDs []string) ([]ShopLink, error) {
	ids := nonEmpty(productIDs)
	if len(ids) == 0 {
		return nil, nil
	}
	body := map[string]any{
		"inputFields": map[string]any{"productId": ids, "productId_op": "in"},
		"fieldList": []string{"shopId", "shopifyProductId", "shopifyInventoryItemId", "productId",
			"createdStamp", "lastUpdatedStamp"},
		"noConditionFind": "Y",
	}
	return c.shopLinks(ctx, body)
}

// VariantLinks returns the ShopifyShopProduct rows of one Shopify variant in a shop: the row's key is
// (shopId, shopifyProductId), so at most one product holds it (hotwax-api §5.4, §5.6).
func (c *Client) VariantLinks(ctx context.Context, shopID, variantID string) ([]ShopLink, error) {
	if shopID == "" || variantID == "" {
		return nil, errors.New("hotwax variant links: shop id and variant id are required")
	}
	body := map[string]any{
		"inputFields": map[string]any{"shopId": shopID, "shopifyProductId": variantID},
		"fieldList": []string{"shopId", "shopifyProductId", "shopifyInventoryItemId", "productId",
			"createdStamp", "lastUpdatedStamp"},
		"noConditionFind": "Y",
	}
	return c.shopLinks(ctx, body)
}

func (c *Client) shopLinks(ctx context.Context, body map[string]any) ([]ShopLink, error) {
	docs, err := performFind[wireShopLink](ctx, c, "ShopifyShopProduct", body, 250)
	if err != nil {
		return nil, err
	}
	links := make([]ShopLink, 0, len(docs))
	for _, d := range docs {
		links = append(links, ShopLink{
			ShopID:                 string(d.ShopID),
			ProductID:              string(d.ProductID),
			ShopifyProductID:       string(d.ShopifyProductID),
			ShopifyInventoryItemID: string(d.ShopifyInventoryItemID),
			CreatedAt:              d.CreatedStamp.time(),
			UpdatedAt:              d.LastUpdatedStamp.time(),
		})
	}
	return links, nil
}

type wireShopLink struct {
	ShopID                 flexString `json:"shopId"`
	ProductID              flexString `json:"productId"`
	ShopifyProductID       flexString `json:"shopifyProductId"`
	ShopifyInventoryItemID flexString `json:"shopifyInventoryItemId"`
	CreatedStamp           msTime     `json:"createdStamp"`
	LastUpdatedStamp       msTime     `json:"lastUpdatedStamp"`
}

// CreateShopLink links a product to a Shopify variant of a shop (service createShopifyShopProduct).
// The service may not be exported by every OMS; a 404 or an OMS error comes back as *APIError.
// It is a write: never retried, and an unknown outcome wraps ErrOutcomeUnknown.
func (c *Client) CreateShopLink(ctx context.Context, link ShopLink) error {
	if link.ShopID == "" || link.ProductID == "" || link.ShopifyProductID == "" {
		return errors.New("hotwax create shop link: shop id, product id and shopify variant id are required")
	}
	body := map[string]string{
		"shopId":                 link.ShopID,
		"productId":              link.ProductID,
		"shopifyProductId":       link.ShopifyProductID,
		"shopifyInventoryItemId": link.ShopifyInventoryItemID,
	}
	var r omsStatus
	req := request{call: "createShopifyShopProduct", path: "service/createShopifyShopProduct", body: body, write: true}
	if err := c.do(ctx, req, &r); err != nil {
		return fmt.Errorf("link product %s to shop %s: %w", link.ProductID, link.ShopID, err)
	}
	return nil
}

// nonEmpty drops empty strings, so a stray "" never turns into an unconditional find.
func nonEmpty(values []string) []string {
	out := make([]string, 0, len(values))
	for _, v := range values {
		if v != "" {
			out = append(out, v)
		}
	}
	return out
}
