package hotwaxtest

import (
	"maps"
	"slices"
	"time"

	"github.com/preorderbot/preorderbot/diagnostics/hotwax"
)

// product is a Product row plus what the Solr document and the presell refresh need.
type product struct {
	ID         string
	SKU        string // internalName: the store's primary identifier
	Name       string
	ParentName string
	GroupID    string // virtual parent's productId, for variants
	Virtual    bool
	Variant    bool
	// Eligible marks a product with an open purchase order: the presell refresh job adds it to PCCT_PREORDR.
	Eligible bool
}

// category is a ProdCatalogCategory row of the store's catalog.
type category struct {
	ID   string
	Type string
}

// shopifyVariant is one variant as a Shopify shop knows it: what the association job reads.
type shopifyVariant struct {
	VariantID       string
	InventoryItemID string
}

// jobRow is a JobSandbox row. dueSince is the real time the scheduler first saw it due; it runs RunDelay later.
type jobRow struct {
	hotwax.Job
	oneOff   bool
	dueSince time.Time
}

// model is the OMS state. It is not safe for concurrent use: Server guards it with its mutex.
type model struct {
	storeID      string
	catalogID    string
	catalogSince time.Time
	categories   []category
	products     []product
	shops        []hotwax.Shop
	links        []hotwax.ShopLink
	members      []hotwax.CategoryMember
	jobs         []*jobRow
	listings     map[listingKey]hotwax.Listing
	watermarks   map[string]time.Time                 // shopId → last pre-order catalog sync start
	shopify      map[string]map[string]shopifyVariant // shopId → SKU → variant
	failing      map[failKey]string                   // job enum + shop → failure message
	promiseDate  time.Time                            // the promise date the catalog sync pushes
	unindexed    map[string]bool                      // productIds the search index lacks
	intended     map[string]string                    // generated SKU → the cause it was built for
	listingCache *listingCache                        // listingDocs until a listing changes
	ix           modelIndexes                         // rows by product, kept up with appends
	nextJobID    int
	nextRuntime  int
}

type listingKey struct{ shop, variant string }

type failKey struct{ enum, shop string }

func newModel() *model {
	return &model{
		listings:    map[listingKey]hotwax.Listing{},
		unindexed:   map[string]bool{},
		intended:    map[string]string{},
		watermarks:  map[string]time.Time{},
		shopify:     map[string]map[string]shopifyVariant{},
		failing:     map[failKey]string{},
		nextJobID:   300000,
		nextRuntime: 500000,
	}
}

func (m *model) product(id string) (product, bool) {
	if at := m.productsBy("productId")[id]; len(at) > 0 {
		return m.products[at[0]], true
	}
	return product{}, false
}

func (m *model) productBySKU(sku string) (product, bool) {
	if at := m.productsBy("sku")[sku]; sku != "" && len(at) > 0 {
		return m.products[at[0]], true
	}
	return product{}, false
}

func (m *model) shop(id string) (hotwax.Shop, bool) {
	for _, s := range m.shops {
		if s.ShopID == id {
			return s, true
		}
	}
	return hotwax.Shop{}, false
}

// shopByConfig resolves a shopifyConfigId to its shop, as jobs carry either.
func (m *model) shopByConfig(configID string) (hotwax.Shop, bool) {
	for _, s := range m.shops {
		if s.ShopifyConfigID == configID {
			return s, true
		}
	}
	return hotwax.Shop{}, false
}

func (m *model) linked(shopID, productID string) bool {
	for _, i := range m.linksOf(productID) {
		if m.links[i].ShopID == shopID {
			return true
		}
	}
	return false
}

func (m *model) categoryType(categoryID string) string {
	for _, c := range m.categories {
		if c.ID == categoryID {
			return c.Type
		}
	}
	return ""
}

// activeMember reports whether the product is in the category now (fromDate passed, thruDate not yet).
func activeMember(mb hotwax.CategoryMember, now time.Time) bool {
	return !mb.FromDate.After(now) && (mb.ThruDate.IsZero() || mb.ThruDate.After(now))
}

// presellMembers are the active members of the pre-order and backorder categories.
func (m *model) presellMembers(now time.Time) []hotwax.CategoryMember {
	var out []hotwax.CategoryMember
	for _, mb := range m.members {
		t := m.categoryType(mb.ProductCategoryID)
		if (t == hotwax.CategoryPreorder || t == hotwax.CategoryBackorder) && activeMember(mb, now) {
			out = append(out, mb)
		}
	}
	return out
}

// variantsOf expands a virtual product to its variants; any other product stands for itself.
func (m *model) variantsOf(p product) []product {
	if !p.Virtual {
		return []product{p}
	}
	var out []product
	for _, i := range m.productsBy("groupId")[p.ID] {
		out = append(out, m.products[i])
	}
	return out
}

func (m *model) newJobID() string {
	m.nextJobID++
	return itoa(m.nextJobID)
}

func (m *model) newRuntimeDataID() string {
	m.nextRuntime++
	return itoa(m.nextRuntime)
}

// copyJob returns a deep copy safe to hand out of the lock.
func copyJob(j hotwax.Job) hotwax.Job {
	j.RuntimeData = maps.Clone(j.RuntimeData)
	j.ServiceInParams = slices.Clone(j.ServiceInParams)
	return j
}
