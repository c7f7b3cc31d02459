package hotwaxtest

import (
	"slices"
	"time"

	"github.com/preorderbot/preorderbot/diagnostics/hotwax"
)

// builder assembles a scenario's model relative to the moment it is built.
type builder struct {
	m   *model
	now time.Time
}

type variant struct {
	n    int
	sku  string
	name string
}

// lastRunAgo is when the last run of every scheduled job finished, and the sync watermarks.
const lastRunAgo = 10 * time.Minute

var dataShops = []string{ShopUS, ShopCA, ShopUK}

// newBuilder lays down the data every scenario shares (see Scenario).
func newBuilder(now time.Time) *builder {
	b := &builder{m: newModel(), now: now}
	m := b.m
	m.storeID, m.catalogID, m.catalogSince = storeID, catalogID, now.AddDate(-1, 0, 0)
	m.categories = []category{{preorderCatID, hotwax.CategoryPreorder}, {backorderCatID, hotwax.CategoryBackorder}}
	m.promiseDate = now.AddDate(0, 0, 45)
	m.shops = []hotwax.Shop{
		{ShopID: ShopUS, Name: "Acme US", ShopifyConfigID: "SHOP_CONFIG_" + ShopUS, AccessScope: "SHOP_RW_ACCESS"},
		{ShopID: ShopCA, Name: "Acme CA", ShopifyConfigID: "SHOP_CONFIG_" + ShopCA, AccessScope: "SHOP_RW_ACCESS"},
		{ShopID: ShopUK, Name: "Acme UK", ShopifyConfigID: "SHOP_CONFIG_" + ShopUK, AccessScope: "SHOP_RW_ACCESS"},
		{ShopID: ShopAU, Name: "Acme AU", ShopifyConfigID: "SHOP_CONFIG_" + ShopAU, AccessScope: hotwax.AccessNone},
	}
	for _, s := range m.shops {
		m.shopify[s.ShopID] = map[string]shopifyVariant{}
	}
	for _, d := range jobDefs {
		b.draft(d)
	}
	last := b.lastSync()
	b.scheduled(hotwax.JobImportUpdates, ShopUS, "HOURLY", last)
	b.scheduled(hotwax.JobAssociation, ShopCA, "HOURLY", last)
	b.scheduled(hotwax.JobAssociation, ShopUK, "HOURLY", last)
	b.scheduled(hotwax.JobPresellRefresh, "", "EVERY_15_MIN", last)
	for _, shop := range dataShops {
		b.scheduled(hotwax.JobCatalogSync, shop, "EVERY_15_MIN", last)
		m.watermarks[shop] = last
	}
	b.family(19010, "HW-JACKET", "Rain Jacket",
		variant{11, "HW-JACKET-M", "Rain Jacket M"}, variant{12, "HW-JACKET-L", "Rain Jacket L"})
	for _, n := range []int{11, 12} {
		b.member(n, preorderCatID, b.ago(10*day), b.ago(10*day))
		for _, shop := range dataShops {
			b.link(n, shop, b.ago(30*day))
			b.listing(n, shop, last.Add(30*time.Second))
		}
	}
	return b
}

func (b *builder) ago(d time.Duration) time.Time { return b.now.Add(-d) }

// lastSync is the start of the last run of every scheduled job.
func (b *builder) lastSync() time.Time { return b.ago(lastRunAgo) }

func productID(n int) string { return itoa(20000 + n) }

// family adds a virtual product and its variants, and puts the variants in every shop's Shopify catalog.
func (b *builder) family(virtualID int, sku, name string, variants ...variant) {
	parent := itoa(virtualID)
	b.m.products = append(b.m.products, product{ID: parent, SKU: sku, Name: name, Virtual: true})
	for _, v := range variants {
		b.m.products = append(b.m.products, product{
			ID: productID(v.n), SKU: v.sku, Name: v.name, ParentName: name, GroupID: parent, Variant: true,
		})
		for _, s := range b.m.shops {
			b.m.shopify[s.ShopID][v.sku] = shopifyVariant{VariantID: variantID(s.ShopID, v.n), InventoryItemID: inventoryItemID(s.ShopID, v.n)}
		}
	}
}

func (b *builder) eligible(n int) {
	for i := range b.m.products {
		if b.m.products[i].ID == productID(n) {
			b.m.products[i].Eligible = true
		}
	}
}

func (b *builder) member(n int, categoryID string, from, updated time.Time) {
	b.m.members = append(b.m.members, hotwax.CategoryMember{
		ProductID: productID(n), ProductCategoryID: categoryID, FromDate: from, UpdatedAt: updated,
	})
}

func (b *builder) link(n int, shopID string, created time.Time) {
	b.m.links = append(b.m.links, hotwax.ShopLink{
		ShopID: shopID, ProductID: productID(n), ShopifyProductID: variantID(shopID, n),
		ShopifyInventoryItemID: inventoryItemID(shopID, n), CreatedAt: created, UpdatedAt: created,
	})
}

func (b *builder) listing(n int, shopID string, at time.Time) {
	v := variantID(shopID, n)
	b.m.listings[listingKey{shopID, v}] = hotwax.Listing{
		ShopID: shopID, VariantID: v, Status: "active", PromiseDate: b.m.promiseDate.Format("01/02/2006"),
		LastUpdatedAt: at, Timestamp: at,
	}
}

// runtimeData is a job's RuntimeData for a shop ("" = store-wide); drafts carry "null" values.
func (b *builder) runtimeData(d jobDef, shopID string, isDraft bool) map[string]string {
	rd := map[string]string{"productStoreId": storeID}
	if d.PerShop {
		rd["shopId"], rd["shopifyConfigId"] = shopID, "SHOP_CONFIG_"+shopID
	}
	for i := 0; i+1 < len(d.Extra); i += 2 {
		rd[d.Extra[i]] = d.Extra[i+1]
	}
	if d.Enum == hotwax.JobAssociation && !isDraft {
		rd["limit"] = "100"
	}
	if isDraft {
		for k := range rd {
			if k == "shopId" || k == "shopifyConfigId" || k == "productStoreId" {
				rd[k] = "null"
			}
		}
	}
	return rd
}

func (b *builder) newJob(d jobDef, shopID, status string) *jobRow {
	m := b.m
	j := &jobRow{Job: hotwax.Job{
		JobID: m.newJobID(), JobName: d.JobName, SystemJobEnumID: d.Enum, StatusID: status, ServiceName: d.Service,
		EnumTypeID: d.EnumTypeID, EnumName: d.EnumName, Description: d.Description, RuntimeDataID: m.newRuntimeDataID(),
		CreatedByUserLogin: "hotwax.user", LastModifiedByUserLogin: "hotwax.user", ShopID: shopID,
		CreatedDate: b.ago(90 * day), LastUpdatedStamp: b.ago(90 * day),
		RuntimeData: b.runtimeData(d, shopID, status == hotwax.StatusDraft), ServiceInParams: d.Params,
	}}
	if status != hotwax.StatusDraft {
		j.ProductStoreID = storeID
		j.RecurrenceTimeZone = "America/New_York"
	}
	m.jobs = append(m.jobs, j)
	return j
}

func (b *builder) draft(d jobDef) { b.newJob(d, "", hotwax.StatusDraft) }

// scheduled adds a pending job with three FINISHED runs, the last one starting at last, and its next runTime
// one period later.
func (b *builder) scheduled(enum, shopID, freq string, last time.Time) *jobRow {
	d, _ := jobDefFor(enum)
	f, _ := frequencyFor(freq)
	j := b.newJob(d, shopID, hotwax.StatusPending)
	j.TempExprID = freq
	for k := 2; k >= 0; k-- {
		b.run(j, last.Add(-time.Duration(k)*f.interval()), hotwax.StatusFinished, "")
	}
	j.RunTime = f.next(last)
	return j
}

// cancelledSchedule is a job that was scheduled until stopped and then disabled.
func (b *builder) cancelledSchedule(enum, shopID, freq string, stopped time.Time) {
	j := b.scheduled(enum, shopID, freq, stopped)
	j.StatusID = hotwax.StatusCancelled
	j.CancelDateTime = stopped.Add(5 * time.Minute)
	j.LastUpdatedStamp = j.CancelDateTime
}

// run records a finished or failed run of a pending job.
func (b *builder) run(parent *jobRow, start time.Time, status, result string) {
	r := &jobRow{Job: copyJob(parent.Job)}
	r.JobID = b.m.newJobID()
	r.ParentJobID = parent.JobID
	r.StatusID = status
	r.RunTime = start
	r.StartDateTime = start
	r.FinishDateTime = start.Add(20 * time.Second)
	r.CreatedDate = start
	r.LastUpdatedStamp = r.FinishDateTime
	r.JobResult = result
	b.m.jobs = append(b.m.jobs, r)
}

// dropScheduled removes the pending rows (and their runs) of a job, for every shop or only the given ones.
func (b *builder) dropScheduled(enum string, shops ...string) {
	gone := map[string]bool{}
	for _, j := range b.m.jobs {
		if j.SystemJobEnumID == enum && j.StatusID == hotwax.StatusPending && (len(shops) == 0 || slices.Contains(shops, j.ShopID)) {
			gone[j.JobID] = true
		}
	}
	b.m.jobs = slices.DeleteFunc(b.m.jobs, func(j *jobRow) bool { return gone[j.JobID] || gone[j.ParentJobID] })
}
