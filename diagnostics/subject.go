package diagnostics

import (
	"slices"
	"strings"
	"time"
)

// subject is one SKU seen through the facts of a run: the helpers every check shares.
type subject struct {
	opts    Options
	storeID string
	sku     string
	f       *facts

	product  *CatalogProduct // nil when not found or not looked up
	parentID string
	parentBy string
	links    map[string]ShopLink // this product's links by shop id

	// The shops every check walks, listed on first use.
	conn, kids           []Shop
	connKnown, kidsKnown bool
}

func newSubject(opts Options, storeID, sku string, f *facts) *subject {
	s := &subject{opts: opts, storeID: storeID, sku: sku, f: f, links: map[string]ShopLink{}}
	if f.products.ok() {
		s.product = findProduct(f.products.val, sku)
	}
	if s.product != nil && f.links.ok() {
		for _, l := range f.links.val {
			if l.ProductID == s.product.ProductID {
				if old, ok := s.links[l.ShopID]; !ok || l.CreatedAt.Before(old.CreatedAt) {
					s.links[l.ShopID] = l
				}
			}
		}
	}
	s.parentID, s.parentBy = s.inferParent()
	return s
}

// findProduct matches a Solr document to the SKU the user typed: sku first, then internalName,
// exact before case-insensitive.
func findProduct(ps []CatalogProduct, sku string) *CatalogProduct {
	for _, match := range []func(a, b string) bool{
		func(a, b string) bool { return a == b },
		strings.EqualFold,
	} {
		for i := range ps {
			if match(ps[i].SKU, sku) {
				return &ps[i]
			}
		}
		for i := range ps {
			if match(ps[i].InternalName, sku) {
				return &ps[i]
			}
		}
	}
	return nil
}

// inferParent names the parent shop and says how it was chosen. The OMS does not store it: configuration
// wins; else the shop with a pending product import job (hotwax-api §5.1: children must not have one);
// else the shop whose link to this product is oldest, as the parent's import creates the product.
func (s *subject) inferParent() (id, how string) {
	if s.opts.ParentShopID != "" {
		return s.opts.ParentShopID, "configured"
	}
	if s.f.jobs.ok() && s.f.shops.ok() {
		var found []string
		var enum string
		for _, j := range s.f.jobs.val {
			if j.Status != JobPending || (j.Type != s.opts.Jobs.ImportNew && j.Type != s.opts.Jobs.ImportUpdates) {
				continue
			}
			if sh, ok := s.shop(j.Shop()); ok && !sh.Disconnected && !slices.Contains(found, sh.ShopID) {
				found = append(found, sh.ShopID)
				enum = j.Type
			}
		}
		switch len(found) {
		case 1:
			return found[0], "inferred: the only shop with a pending product import job (" + enum + ")"
		case 0:
		default:
			slices.Sort(found)
			return found[0], "inferred: several shops have a pending product import job (" + strings.Join(found, ", ") + "); took the first, set the parent shop in configuration"
		}
	}
	var oldest ShopLink
	for _, sh := range s.connected() {
		if l, ok := s.links[sh.ShopID]; ok && (oldest.ShopID == "" || l.CreatedAt.Before(oldest.CreatedAt)) {
			oldest = l
		}
	}
	if oldest.ShopID != "" {
		return oldest.ShopID, "inferred: the shop whose link to this product is oldest"
	}
	return "", "unknown: no parent configured, no product import job, no link"
}

func (s *subject) shop(id string) (Shop, bool) {
	if id == "" || !s.f.shops.ok() {
		return Shop{}, false
	}
	for _, sh := range s.f.shops.val {
		if sh.ShopID == id {
			return sh, true
		}
	}
	return Shop{}, false
}

func (s *subject) shopName(id string) string {
	if sh, ok := s.shop(id); ok && sh.Name != "" {
		return sh.Name
	}
	return "shop " + id
}

// connected is every shop HotWax can still reach; disconnected shops are ignored by the verdict.
func (s *subject) connected() []Shop {
	if s.connKnown {
		return s.conn
	}
	s.connKnown = true
	if !s.f.shops.ok() {
		return nil
	}
	for _, sh := range s.f.shops.val {
		if !sh.Disconnected {
			s.conn = append(s.conn, sh)
		}
	}
	return s.conn
}

// children are the connected shops other than the parent; the parent is known once newSubject returns.
func (s *subject) children() []Shop {
	if s.kidsKnown {
		return s.kids
	}
	s.kidsKnown = true
	for _, sh := range s.connected() {
		if sh.ShopID != s.parentID {
			s.kids = append(s.kids, sh)
		}
	}
	return s.kids
}

func (s *subject) role(sh Shop) string {
	switch {
	case sh.Disconnected:
		return RoleDisconnected
	case sh.ShopID == s.parentID:
		return RoleParent
	}
	return RoleChild
}

// jobStore is the product store a job row is for; empty when the row does not say.
func jobStore(j Job) string {
	if j.ProductStoreID != "" {
		return j.ProductStoreID
	}
	return j.Params["productStoreId"]
}

// scheduled finds the enabled job (hotwax-api §4.2: pending with a frequency) of enum for the store.
// exact requires the job's shop to be shopID; otherwise a store-wide row (no shop) also counts.
func (s *subject) scheduled(enum, shopID string, exact bool) (Job, bool) {
	for _, j := range s.f.jobs.val {
		if j.Type != enum || !j.Scheduled() {
			continue
		}
		if st := jobStore(j); st != "" && st != s.storeID {
			continue
		}
		if j.Shop() == shopID || (!exact && j.Shop() == "") {
			return j, true
		}
	}
	return Job{}, false
}

func (s *subject) hasDraft(enum string) bool {
	for _, j := range s.f.jobs.val {
		if j.Type == enum && j.Status == JobDraft {
			return true
		}
	}
	return false
}

// lastRun is the newest run of enum for shopID in the history with one of statuses.
func (s *subject) lastRun(enum, shopID string, statuses ...string) (Job, bool) {
	var best Job
	found := false
	for _, j := range s.f.jobRuns().of[runKey{enum, shopID}] {
		if !slices.Contains(statuses, j.Status) {
			continue
		}
		if !found || runTime(j).After(runTime(best)) {
			best, found = j, true
		}
	}
	return best, found
}

// runTime orders runs: when they ended, else started, else were due.
func runTime(j Job) time.Time {
	for _, t := range []time.Time{j.EndTime(), j.Started, j.RunTime} {
		if !t.IsZero() {
			return t
		}
	}
	return time.Time{}
}

func startOf(j Job) time.Time {
	if !j.Started.IsZero() {
		return j.Started
	}
	return j.RunTime
}

// ListingNotLinked is a shop's listing state when the product is not linked to it.
const ListingNotLinked = "Not linked"

// listing states per shop, as the Pre-order app's Audit page words them (hotwax-api §5.5).
const (
	listingListed    = "Listed"
	listingNotListed = "Not listed"
	listingFailed    = "Listing failed"
	listingNoData    = "No listing data"
	listingNotLinked = ListingNotLinked
	listingUnknown   = "Unknown"
)

// listing is what shopID shows for this product: its state and the newest listing document, if any.
func (s *subject) listing(shopID string) (string, Listing) {
	link, linked := s.links[shopID]
	if !linked {
		return listingNotLinked, Listing{}
	}
	r, asked := s.f.listings[shopID]
	if asked && !r.ok() {
		return listingUnknown, Listing{}
	}
	var newest Listing
	found := false
	for _, l := range r.val {
		if variantID(l.VariantID) != variantID(link.VariantID) {
			continue
		}
		if !found || listingTime(l).After(listingTime(newest)) {
			newest, found = l, true
		}
	}
	switch {
	case !found:
		return listingNoData, newest
	case newest.Status == "": // the document names the variant, but its value could not be attributed to it
		return listingUnknown, newest
	case newest.ContainsError:
		return listingFailed, newest
	case strings.EqualFold(newest.Status, "active"):
		return listingListed, newest
	}
	return listingNotListed, newest
}

func variantID(s string) string { return strings.TrimPrefix(s, "gid://shopify/ProductVariant/") }

func listingTime(l Listing) time.Time {
	if !l.Timestamp.IsZero() {
		return l.Timestamp
	}
	return l.LastUpdatedAt
}

// preorderMembers are the product's (or its virtual parent's) memberships in pre-order/backorder categories.
func (s *subject) preorderMembers() []CategoryMember {
	var out []CategoryMember
	for _, m := range s.f.members.val {
		if m.ProductID != s.product.ProductID && (s.product.VirtualID == "" || m.ProductID != s.product.VirtualID) {
			continue
		}
		for _, c := range s.f.categories.val {
			if c.CategoryID == m.CategoryID && (c.Type == CategoryPreorder || c.Type == CategoryBackorder) {
				out = append(out, m)
			}
		}
	}
	return out
}
