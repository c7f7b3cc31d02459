package hotwax

import (
	"context"
	"fmt"
	"strings"

	"github.com/preorderbot/preorderbot/diagnostics"
)

// DefaultJobs are the job ids the HotWax apps use (hotwax-api §4.7), for configuration to start from.
func DefaultJobs() diagnostics.Jobs {
	return diagnostics.Jobs{Association: JobAssociation, PresellRefresh: JobPresellRefresh, CatalogSync: JobCatalogSync,
		ImportNew: JobImportNew, ImportUpdates: JobImportUpdates}
}

// OMS answers the diagnostics chain, the executor, the watcher and the sweep through the client, in the
// diagnostics package's own types: the rows are decoded here as the OMS sends them, then mapped.
type OMS struct {
	client *Client
}

// NewOMS returns the diagnostics view of c.
func NewOMS(c *Client) *OMS { return &OMS{client: c} }

// Calls is how many requests the client made.
func (o *OMS) Calls() int64 { return o.client.Calls() }

func (o *OMS) ProductsBySKU(ctx context.Context, storeID string, skus []string) ([]diagnostics.CatalogProduct, error) {
	ps, err := o.client.ProductsBySKU(ctx, storeID, skus)
	return mapAll(ps, product), err
}

func (o *OMS) Shops(ctx context.Context, storeID string) ([]diagnostics.Shop, error) {
	shops, err := o.client.Shops(ctx, storeID)
	return mapAll(shops, shop), err
}

func (o *OMS) ShopLinks(ctx context.Context, productIDs []string) ([]diagnostics.ShopLink, error) {
	links, err := o.client.ShopLinks(ctx, productIDs)
	return mapAll(links, shopLink), err
}

func (o *OMS) VariantLinks(ctx context.Context, shopID, variantID string) ([]diagnostics.ShopLink, error) {
	links, err := o.client.VariantLinks(ctx, shopID, variantID)
	return mapAll(links, shopLink), err
}

func (o *OMS) CreateShopLink(ctx context.Context, l diagnostics.ShopLink) error {
	return o.client.CreateShopLink(ctx, ShopLink{ShopID: l.ShopID, ProductID: l.ProductID,
		ShopifyProductID: l.VariantID, ShopifyInventoryItemID: l.InventoryItemID})
}

func (o *OMS) PreorderCategories(ctx context.Context, storeID string) ([]diagnostics.Category, error) {
	cs, err := o.client.PreorderCategories(ctx, storeID)
	return mapAll(cs, category), err
}

func (o *OMS) CategoryMembers(ctx context.Context, productIDs []string) ([]diagnostics.CategoryMember, error) {
	ms, err := o.client.CategoryMembers(ctx, productIDs)
	return mapAll(ms, member), err
}

func (o *OMS) FindJobs(ctx context.Context, q diagnostics.JobQuery) ([]diagnostics.Job, error) {
	jobs, err := o.client.FindJobs(ctx, JobQuery{EnumIDs: q.Types, Statuses: q.Statuses, ProductStoreID: q.ProductStoreID,
		ShopID: q.ShopID, OrderBy: q.OrderBy, ViewSize: q.ViewSize, ViewIndex: q.ViewIndex})
	return mapAll(jobs, job), err
}

// ScheduleJob schedules from the draft's own row when the draft was read through o, so that its runtime
// data reaches the OMS exactly as it was read.
func (o *OMS) ScheduleJob(ctx context.Context, req diagnostics.ScheduleRequest) (diagnostics.ScheduleResult, error) {
	draft, ok := req.Draft.Row.(Job)
	if !ok {
		return diagnostics.ScheduleResult{}, fmt.Errorf("schedule %s: draft %s was not read through this client", req.Draft.Type, req.Draft.JobID)
	}
	res, err := o.client.ScheduleJob(ctx, ScheduleRequest{Draft: draft, Frequency: req.Frequency, FirstRun: req.FirstRun,
		Params: req.Params, ProductStoreID: req.ProductStoreID, ShopID: req.ShopID, ShopifyConfigID: req.ShopifyConfigID,
		TimeZone: req.TimeZone, UserLogin: req.UserLogin, RunNow: req.RunNow})
	return diagnostics.ScheduleResult{SuccessMessage: res.SuccessMessage}, err
}

func (o *OMS) Listings(ctx context.Context, shopID string, variants []diagnostics.VariantRef) ([]diagnostics.Listing, error) {
	refs := make([]VariantRef, len(variants))
	for i, v := range variants {
		refs[i] = VariantRef{VariantID: v.VariantID, ProductID: v.ProductID}
	}
	ls, err := o.client.Listings(ctx, shopID, refs)
	return mapAll(ls, listing), err
}

func (o *OMS) ProductStores(ctx context.Context) ([]diagnostics.ProductStore, error) {
	stores, err := o.client.ProductStores(ctx)
	return mapAll(stores, func(s Store) diagnostics.ProductStore {
		return diagnostics.ProductStore{ProductStoreID: s.ProductStoreID, Name: s.Name}
	}), err
}

func (o *OMS) SimilarSKUs(ctx context.Context, storeID, sku string, n int) ([]string, error) {
	return o.client.SimilarSKUs(ctx, storeID, sku, n)
}

func (o *OMS) CategoryMembersPage(ctx context.Context, categoryIDs []string, viewIndex, viewSize int) (diagnostics.MembersPage, error) {
	p, err := o.client.CategoryMembersPage(ctx, categoryIDs, viewIndex, viewSize)
	return diagnostics.MembersPage{Members: mapAll(p.Members, member), Total: p.Total}, err
}

func (o *OMS) SellableProducts(ctx context.Context, storeID string, productIDs []string, start, rows int) (diagnostics.ProductsPage, error) {
	p, err := o.client.SellableProducts(ctx, storeID, productIDs, start, rows)
	return diagnostics.ProductsPage{Products: mapAll(p.Products, product), Total: p.Total}, err
}

// mapAll maps rows; no rows stay nil, as the client answered.
func mapAll[W, D any](rows []W, f func(W) D) []D {
	if rows == nil {
		return nil
	}
	out := make([]D, len(rows))
	for i, r := range rows {
		out[i] = f(r)
	}
	return out
}

func product(p Product) diagnostics.CatalogProduct {
	return diagnostics.CatalogProduct{ProductID: p.ProductID, SKU: p.SKU, InternalName: p.InternalName, Name: p.Name,
		VirtualID: p.GroupID, VirtualName: p.ParentName, IsVariant: p.IsVariant, IndexedLinks: indexedLinks(p.GoodIdentifications)}
}

// indexedLinks reads the "ShopifyShopProduct/<shopId>/<variantId>" goodIdentifications (hotwax-api §5.4).
func indexedLinks(ids []string) []diagnostics.IndexedLink {
	var out []diagnostics.IndexedLink
	for _, gi := range ids {
		parts := strings.Split(gi, "/")
		if len(parts) == 3 && parts[0] == "ShopifyShopProduct" && parts[1] != "" && parts[2] != "" {
			out = append(out, diagnostics.IndexedLink{ShopID: parts[1], VariantID: parts[2]})
		}
	}
	return out
}

func shop(s Shop) diagnostics.Shop {
	return diagnostics.Shop{ShopID: s.ShopID, Name: s.Name, ShopifyConfigID: s.ShopifyConfigID, Disconnected: s.Disconnected()}
}

func shopLink(l ShopLink) diagnostics.ShopLink {
	return diagnostics.ShopLink{ShopID: l.ShopID, ProductID: l.ProductID, VariantID: l.ShopifyProductID,
		InventoryItemID: l.ShopifyInventoryItemID, CreatedAt: l.CreatedAt, UpdatedAt: l.UpdatedAt}
}

func category(c Category) diagnostics.Category {
	return diagnostics.Category{CategoryID: c.ProductCategoryID, Type: c.Type}
}

func member(m CategoryMember) diagnostics.CategoryMember {
	return diagnostics.CategoryMember{ProductID: m.ProductID, CategoryID: m.ProductCategoryID,
		FromDate: m.FromDate, ThruDate: m.ThruDate, UpdatedAt: m.UpdatedAt}
}

func job(j Job) diagnostics.Job {
	return diagnostics.Job{JobID: j.JobID, Type: j.SystemJobEnumID, Status: j.StatusID, Frequency: j.TempExprID,
		ParentJobID: j.ParentJobID, ServiceName: j.ServiceName, Result: j.JobResult, ProductStoreID: j.ProductStoreID,
		ShopID: j.ShopID, RunTime: j.RunTime, Started: j.StartDateTime, Finished: j.FinishDateTime,
		Cancelled: j.CancelDateTime, Created: j.CreatedDate, Params: j.RuntimeData, Row: j}
}

func listing(l Listing) diagnostics.Listing {
	return diagnostics.Listing{ShopID: l.ShopID, VariantID: l.VariantID, Status: l.Status, PromiseDate: l.PromiseDate,
		LastUpdatedAt: l.LastUpdatedAt, ContainsError: l.ContainsError, Timestamp: l.Timestamp}
}
