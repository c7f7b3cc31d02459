package diagnostics

import (
	"context"
	"time"
)

// testJobs are the job ids the fakes use: a HotWax instance's default ids.
var testJobs = Jobs{Association: "JOB_UPD_PROD_ASSOC", PresellRefresh: "JOB_REL_PREODR_CAT", CatalogSync: "JOB_PREORDER_CAT_SYC",
	ImportNew: "JOB_IMP_PROD_NEW", ImportUpdates: "JOB_IMP_PROD_UPD"}

// fakeOMS answers the chain from function fields; a nil field answers nothing.
type fakeOMS struct {
	ProductsBySKUFn      func(ctx context.Context, storeID string, skus []string) ([]CatalogProduct, error)
	ShopsFn              func(ctx context.Context, storeID string) ([]Shop, error)
	ShopLinksFn          func(ctx context.Context, productIDs []string) ([]ShopLink, error)
	PreorderCategoriesFn func(ctx context.Context, storeID string) ([]Category, error)
	CategoryMembersFn    func(ctx context.Context, productIDs []string) ([]CategoryMember, error)
	FindJobsFn           func(ctx context.Context, q JobQuery) ([]Job, error)
	ListingsFn           func(ctx context.Context, shopID string, variantIDs []VariantRef) ([]Listing, error)
	ScheduleJobFn        func(ctx context.Context, req ScheduleRequest) (ScheduleResult, error)
	CreateShopLinkFn     func(ctx context.Context, link ShopLink) error
	VariantLinksFn       func(ctx context.Context, shopID, variantID string) ([]ShopLink, error)
}

func (f *fakeOMS) ProductsBySKU(ctx context.Context, storeID string, skus []string) ([]CatalogProduct, error) {
	if f.ProductsBySKUFn == nil {
		return nil, nil
	}
	return f.ProductsBySKUFn(ctx, storeID, skus)
}

func (f *fakeOMS) Shops(ctx context.Context, storeID string) ([]Shop, error) {
	if f.ShopsFn == nil {
		return nil, nil
	}
	return f.ShopsFn(ctx, storeID)
}

func (f *fakeOMS) ShopLinks(ctx context.Context, productIDs []string) ([]ShopLink, error) {
	if f.ShopLinksFn == nil {
		return nil, nil
	}
	return f.ShopLinksFn(ctx, productIDs)
}

func (f *fakeOMS) PreorderCategories(ctx context.Context, storeID string) ([]Category, error) {
	if f.PreorderCategoriesFn == nil {
		return nil, nil
	}
	return f.PreorderCategoriesFn(ctx, storeID)
}

func (f *fakeOMS) CategoryMembers(ctx context.Context, productIDs []string) ([]CategoryMember, error) {
	if f.CategoryMembersFn == nil {
		return nil, nil
	}
	return f.CategoryMembersFn(ctx, productIDs)
}

func (f *fakeOMS) FindJobs(ctx context.Context, q JobQuery) ([]Job, error) {
	if f.FindJobsFn == nil {
		return nil, nil
	}
	return f.FindJobsFn(ctx, q)
}

func (f *fakeOMS) Listings(ctx context.Context, shopID string, variantIDs []VariantRef) ([]Listing, error) {
	if f.ListingsFn == nil {
		return nil, nil
	}
	return f.ListingsFn(ctx, shopID, variantIDs)
}

func (f *fakeOMS) ScheduleJob(ctx context.Context, req ScheduleRequest) (ScheduleResult, error) {
	if f.ScheduleJobFn == nil {
		return ScheduleResult{}, nil
	}
	return f.ScheduleJobFn(ctx, req)
}

func (f *fakeOMS) VariantLinks(ctx context.Context, shopID, variantID string) ([]ShopLink, error) {
	if f.VariantLinksFn == nil {
		return nil, nil
	}
	return f.VariantLinksFn(ctx, shopID, variantID)
}

func (f *fakeOMS) CreateShopLink(ctx context.Context, link ShopLink) error {
	if f.CreateShopLinkFn == nil {
		return nil
	}
	return f.CreateShopLinkFn(ctx, link)
}

var testNow = time.Date(2026, 6, 10, 12, 0, 0, 0, time.UTC)

func ago(d time.Duration) time.Time { return testNow.Add(-d) }

const day = 24 * time.Hour

// world is a small healthy store, in the shape of the simulated OMS: US parent, CA and UK children,
// AU disconnected; tests change one fact and watch the verdict move.
type world struct {
	products   []CatalogProduct
	shops      []Shop
	links      []ShopLink
	categories []Category
	members    []CategoryMember
	jobs       []Job // drafts and pending
	history    []Job
	listings   []Listing
}

func healthyWorld() *world {
	w := &world{
		products: []CatalogProduct{{ProductID: "P1", SKU: "SKU-1", Name: "Jacket M", VirtualID: "V1", VirtualName: "Jacket", IsVariant: true}},
		shops: []Shop{
			{ShopID: "10000", Name: "Acme US", ShopifyConfigID: "CFG_10000"},
			{ShopID: "10001", Name: "Acme CA", ShopifyConfigID: "CFG_10001"},
			{ShopID: "10002", Name: "Acme UK", ShopifyConfigID: "CFG_10002"},
			{ShopID: "10003", Name: "Acme AU", ShopifyConfigID: "CFG_10003", Disconnected: true},
		},
		categories: []Category{{CategoryID: "PREORDER_CAT", Type: CategoryPreorder}, {CategoryID: "BACKORDER_CAT", Type: CategoryBackorder}},
		members:    []CategoryMember{{ProductID: "P1", CategoryID: "PREORDER_CAT", FromDate: ago(10 * day), UpdatedAt: ago(10 * day)}},
		jobs: []Job{
			{JobID: "D1", Type: testJobs.Association, Status: JobDraft, ServiceName: "associateProducts"},
			{JobID: "D2", Type: testJobs.PresellRefresh, Status: JobDraft, ServiceName: "refreshPresell"},
			{JobID: "D3", Type: testJobs.CatalogSync, Status: JobDraft, ServiceName: "pushPreorderCatalogOnShopify"},
			{JobID: "J0", Type: testJobs.ImportUpdates, Status: JobPending, Frequency: "HOURLY", ShopID: "10000", ProductStoreID: "STORE"},
			{JobID: "J1", Type: testJobs.Association, Status: JobPending, Frequency: "HOURLY", ShopID: "10001", ProductStoreID: "STORE", RunTime: testNow.Add(time.Hour)},
			{JobID: "J2", Type: testJobs.Association, Status: JobPending, Frequency: "HOURLY", ShopID: "10002", ProductStoreID: "STORE"},
			{JobID: "J3", Type: testJobs.PresellRefresh, Status: JobPending, Frequency: "EVERY_15_MIN", ProductStoreID: "STORE"},
			{JobID: "J4", Type: testJobs.CatalogSync, Status: JobPending, Frequency: "EVERY_15_MIN", ShopID: "10000", ProductStoreID: "STORE"},
			{JobID: "J5", Type: testJobs.CatalogSync, Status: JobPending, Frequency: "EVERY_15_MIN", ShopID: "10001", ProductStoreID: "STORE"},
			{JobID: "J6", Type: testJobs.CatalogSync, Status: JobPending, Frequency: "EVERY_15_MIN", ShopID: "10002", ProductStoreID: "STORE"},
		},
	}
	for i, shop := range []string{"10000", "10001", "10002"} {
		variant := "4500000000000" + string(rune('0'+i))
		w.links = append(w.links, ShopLink{ShopID: shop, ProductID: "P1", VariantID: variant, CreatedAt: ago(30 * day)})
		w.history = append(w.history, finished("H"+shop, testJobs.CatalogSync, shop, ago(10*time.Minute)))
		w.listings = append(w.listings, Listing{ShopID: shop, VariantID: "gid://shopify/ProductVariant/" + variant, Status: "active", Timestamp: ago(9 * time.Minute)})
	}
	return w
}

func finished(id, enum, shop string, start time.Time) Job {
	return Job{JobID: id, Type: enum, Status: JobFinished, ShopID: shop, ProductStoreID: "STORE",
		RunTime: start, Started: start, Finished: start.Add(time.Minute)}
}

func failed(id, enum, shop string, start time.Time, msg string) Job {
	j := finished(id, enum, shop, start)
	j.Status, j.Result = JobFailed, msg
	return j
}

// oms serves the world; it answers a query the way the OMS would, filtering by what the chain asks.
func (w *world) oms() *fakeOMS {
	return &fakeOMS{
		ProductsBySKUFn: func(_ context.Context, _ string, skus []string) ([]CatalogProduct, error) {
			var out []CatalogProduct
			for _, p := range w.products {
				for _, s := range skus {
					if p.SKU == s {
						out = append(out, p)
					}
				}
			}
			return out, nil
		},
		ShopsFn:              func(context.Context, string) ([]Shop, error) { return w.shops, nil },
		ShopLinksFn:          func(context.Context, []string) ([]ShopLink, error) { return w.links, nil },
		PreorderCategoriesFn: func(context.Context, string) ([]Category, error) { return w.categories, nil },
		CategoryMembersFn:    func(context.Context, []string) ([]CategoryMember, error) { return w.members, nil },
		FindJobsFn: func(_ context.Context, q JobQuery) ([]Job, error) {
			var src []Job
			src = append(append(src, w.jobs...), w.history...)
			var out []Job
			for _, j := range src {
				if contains(q.Statuses, j.Status) && contains(q.Types, j.Type) {
					out = append(out, j)
				}
			}
			return out, nil
		},
		ListingsFn: func(_ context.Context, shopID string, _ []VariantRef) ([]Listing, error) {
			var out []Listing
			for _, l := range w.listings {
				if l.ShopID == shopID {
					out = append(out, l)
				}
			}
			return out, nil
		},
	}
}

func contains(list []string, v string) bool {
	if len(list) == 0 {
		return true
	}
	for _, s := range list {
		if s == v {
			return true
		}
	}
	return false
}

func (w *world) dropLink(shop string) {
	var keep []ShopLink
	for _, l := range w.links {
		if l.ShopID != shop {
			keep = append(keep, l)
		}
	}
	w.links = keep
	var ls []Listing
	for _, l := range w.listings {
		if l.ShopID != shop {
			ls = append(ls, l)
		}
	}
	w.listings = ls
}

func (w *world) dropJob(id string) {
	var keep []Job
	for _, j := range w.jobs {
		if j.JobID != id {
			keep = append(keep, j)
		}
	}
	w.jobs = keep
}

func (w *world) dropListing(shop string) {
	var keep []Listing
	for _, l := range w.listings {
		if l.ShopID != shop {
			keep = append(keep, l)
		}
	}
	w.listings = keep
}

func (w *world) link(shop string) *ShopLink {
	for i := range w.links {
		if w.links[i].ShopID == shop {
			return &w.links[i]
		}
	}
	return nil
}

func testOptions() Options { return Options{Jobs: testJobs, Now: func() time.Time { return testNow }} }
