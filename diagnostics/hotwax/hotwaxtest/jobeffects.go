package hotwaxtest

import (
	"fmt"
	"time"

	"github.com/preorderbot/preorderbot/diagnostics/hotwax"
)

// associate links every product whose SKU the shop's Shopify catalog lists and that has no link to the shop yet.
func (m *model) associate(shopID string, now time.Time) string {
	n := 0
	for _, p := range m.products {
		v, ok := m.shopify[shopID][p.SKU]
		if !ok || p.Virtual || m.linked(shopID, p.ID) || m.variantTaken(shopID, v.VariantID) {
			continue
		}
		m.links = append(m.links, hotwax.ShopLink{
			ShopID: shopID, ProductID: p.ID, ShopifyProductID: v.VariantID, ShopifyInventoryItemID: v.InventoryItemID,
			CreatedAt: now, UpdatedAt: now,
		})
		n++
	}
	return fmt.Sprintf("Associated %d products with shop %s", n, shopID)
}

func (m *model) variantTaken(shopID, variantID string) bool {
	for _, l := range m.links {
		if l.ShopID == shopID && l.ShopifyProductID == variantID {
			return true
		}
	}
	return false
}

// syncBuffer is pushPreorderCatalogOnShopify's default bufferTime.
const syncBuffer = time.Minute

// syncCatalog pushes the pre-order catalog to one shop. A delta run selects category members updated since the
// shop's watermark minus the buffer; includeAll selects every active member. Only products linked to the shop
// are pushed. The watermark then becomes the run's start.
func (m *model) syncCatalog(shopID string, includeAll bool, now time.Time) string {
	since, ok := m.watermarks[shopID]
	if !ok {
		since = now.Add(-30 * time.Minute)
	}
	since = since.Add(-syncBuffer)
	selected := map[string]bool{}
	for _, mb := range m.presellMembers(now) {
		if !includeAll && mb.UpdatedAt.Before(since) {
			continue
		}
		p, ok := m.product(mb.ProductID)
		if !ok {
			continue
		}
		for _, v := range m.variantsOf(p) {
			selected[v.ID] = true
		}
	}
	n := 0
	for _, l := range m.links {
		if l.ShopID != shopID || !selected[l.ProductID] {
			continue
		}
		m.listingCache = nil
		m.listings[listingKey{shopID, l.ShopifyProductID}] = hotwax.Listing{
			ShopID: shopID, VariantID: l.ShopifyProductID, Status: "active",
			PromiseDate: m.promiseDate.Format("01/02/2006"), LastUpdatedAt: now, Timestamp: now,
		}
		n++
	}
	m.watermarks[shopID] = now
	return fmt.Sprintf("Pushed pre-order details of %d variants to shop %s", n, shopID)
}

// refreshPresell adds eligible products (open purchase order) missing from the pre-order category; it removes
// nothing.
func (m *model) refreshPresell(now time.Time) string {
	catID := ""
	for _, c := range m.categories {
		if c.Type == hotwax.CategoryPreorder {
			catID = c.ID
			break
		}
	}
	n := 0
	for _, p := range m.products {
		if !p.Eligible || catID == "" || m.isMember(p.ID, catID, now) {
			continue
		}
		m.members = append(m.members, hotwax.CategoryMember{
			ProductID: p.ID, ProductCategoryID: catID, FromDate: now, UpdatedAt: now,
		})
		n++
	}
	return fmt.Sprintf("Added %d products to the pre-order catalog", n)
}

func (m *model) isMember(productID, categoryID string, now time.Time) bool {
	for _, i := range m.membersOf(productID) {
		if mb := m.members[i]; mb.ProductCategoryID == categoryID && activeMember(mb, now) {
			return true
		}
	}
	return false
}
