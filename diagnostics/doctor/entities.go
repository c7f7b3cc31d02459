package doctor

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/preorderbot/preorderbot/diagnostics/hotwax"
)

// catalog reads the store's active catalog, its pre-order and backorder categories and their members: the
// preorder-category and association-timing checks (hotwax-api §5.3).
func (p *probe) catalog(ctx context.Context) {
	docs, err := p.oms.FindRaw(ctx, hotwax.RawFind{
		Entity: "ProductStoreCatalog", Input: map[string]any{"productStoreId": p.opts.ProductStoreID},
		Fields: []string{"productStoreId", "prodCatalogId"}, ViewSize: 1, ByDate: true,
	})
	f := Finding{Area: AreaEntity, Item: "ProductStoreCatalog", Status: OK}
	var catalogID string
	if len(docs.Docs) > 0 {
		catalogID = text(docs.Docs[0]["prodCatalogId"])
	}
	switch {
	case err != nil:
		p.r.add(p.failure(AreaEntity, f.Item, "read the store's catalog", err))
		return
	case catalogID == "":
		f.Status, f.Detail = Warn, "product store "+p.opts.ProductStoreID+" has no active catalog: every product will show as not pre-order"
		f.Fix = "check HOTWAX_PRODUCT_STORE_ID, or give the store an active catalog in the OMS"
		p.r.add(f)
		return
	}
	f.Detail = "active catalog " + catalogID
	p.r.add(f)

	docs, err = p.oms.FindRaw(ctx, hotwax.RawFind{
		Entity: "ProdCatalogCategory",
		Input: map[string]any{"prodCatalogId": catalogID,
			"prodCatalogCategoryTypeId": []string{hotwax.CategoryPreorder, hotwax.CategoryBackorder}, "prodCatalogCategoryTypeId_op": "in"},
		Fields: []string{"productCategoryId", "prodCatalogCategoryTypeId"}, ViewSize: 100, ByDate: true,
	})
	f = Finding{Area: AreaEntity, Item: "ProdCatalogCategory", Status: OK}
	var categories []string
	for _, d := range docs.Docs {
		if id := text(d["productCategoryId"]); id != "" {
			categories = append(categories, id+" ("+text(d["prodCatalogCategoryTypeId"])+")")
		}
	}
	switch {
	case err != nil:
		p.r.add(p.failure(AreaEntity, f.Item, "read the catalog's categories", err))
		return
	case len(categories) == 0:
		f.Status, f.Detail = Warn, "catalog "+catalogID+" has no pre-order or backorder category: every product will show as not pre-order"
		f.Fix = "set up the pre-order and backorder categories in the Pre-order app, then run Auto Refresh Pre-sell Catalog"
		p.r.add(f)
		return
	}
	f.Detail = strings.Join(categories, ", ")
	p.r.add(f)

	ids := make([]string, 0, len(docs.Docs))
	for _, d := range docs.Docs {
		ids = append(ids, text(d["productCategoryId"]))
	}
	members, err := p.oms.FindRaw(ctx, hotwax.RawFind{
		Entity: "ProductCategoryMember", Input: map[string]any{"productCategoryId": ids, "productCategoryId_op": "in"},
		Fields: []string{"productId", "productCategoryId", "fromDate", "thruDate", "lastUpdatedStamp"}, ViewSize: 1, ByDate: true,
	})
	p.rows(AreaEntity, "ProductCategoryMember", "read the pre-order category members", members, err,
		"no product is in a pre-order or backorder category yet",
		"run Auto Refresh Pre-sell Catalog, or add products to the pre-order category in the Pre-order app",
		[]string{"productId", "productCategoryId"}, map[string]string{"lastUpdatedStamp": "the association-timing check cannot tell when a product joined its category"})
}

// links reads ShopifyShopProduct for the store's shops: the authoritative link check (hotwax-api §5.4).
func (p *probe) links(ctx context.Context, shops []shop) {
	ids := make([]string, len(shops))
	for i, s := range shops {
		ids[i] = s.ID
	}
	docs, err := p.oms.FindRaw(ctx, hotwax.RawFind{
		Entity: "ShopifyShopProduct", Input: map[string]any{"shopId": ids, "shopId_op": "in"},
		Fields: []string{"shopId", "shopifyProductId", "shopifyInventoryItemId", "productId", "createdStamp", "lastUpdatedStamp"}, ViewSize: 1,
	})
	p.rows(AreaEntity, "ShopifyShopProduct", "read the shop links", docs, err,
		"no product is linked to a shop of the store yet",
		"import products from the parent shop (Job Manager → Product), then schedule the association job",
		[]string{"shopId", "productId", "shopifyProductId"}, map[string]string{"createdStamp": "the association-timing check cannot tell when a link was made"})
}

// productCore reads one variant document of the store from the product search core (hotwax-api §5.2): the
// Audit page's own filter (hotwax/preorder:src/views/audit.vue), since SKUs live on variants.
func (p *probe) productCore(ctx context.Context) {
	docs, err := p.oms.SolrRaw(ctx, "", "docType: PRODUCT AND productStoreIds: "+hotwax.QuoteLucene(p.opts.ProductStoreID)+" AND isVariant: true", 1)
	f := Finding{Area: AreaSolr, Item: "products (solr-query)", Status: OK}
	if err != nil {
		f = p.failure(AreaSolr, f.Item, "search the product index", err)
		f.Status = Fail // no product lookup, no check
		p.r.add(f)
		return
	}
	if docs.Count == 0 {
		f.Status, f.Detail = Fail, "no product of store "+p.opts.ProductStoreID+" in the search index"
		f.Fix = "check HOTWAX_PRODUCT_STORE_ID; a new store needs its products imported and indexed"
		p.r.add(f)
		return
	}
	miss := missing(docs.Docs, "productId", "sku", "internalName", "productStoreIds")
	switch {
	case slices.Contains(miss, "productId"):
		f.Status, f.Detail = Fail, "product documents come without productId"
		f.Fix = "ask HotWax Support: the product core does not match the Find Product API"
	case slices.Contains(miss, "sku") && slices.Contains(miss, "internalName"):
		f.Status, f.Detail = Fail, "product documents carry neither sku nor internalName: SKUs cannot be found"
		f.Fix = "ask HotWax Support: the product core does not match the Find Product API"
	case len(miss) > 0:
		f.Status, f.Detail = Warn, fmt.Sprintf("%d variants; documents lack %s", docs.Count, strings.Join(miss, ", "))
		f.Fix = "ask HotWax Support to re-index products; checks match SKUs on sku, then internalName"
	default:
		f.Detail = fmt.Sprintf("%d variants of store %s indexed", docs.Count, p.opts.ProductStoreID)
	}
	p.r.add(f)
}

// rows grades one entity read: readable, with rows, with the fields the chain needs, and with the fields one
// check needs (useful: field → what goes wrong without it). Each shortfall is a warning: only some checks
// depend on the entity.
func (p *probe) rows(area, item, what string, docs hotwax.RawDocs, err error, empty, emptyFix string, needed []string, useful map[string]string) {
	if err != nil {
		p.r.add(p.failure(area, item, what, err))
		return
	}
	f := Finding{Area: area, Item: item, Status: OK}
	if len(docs.Docs) == 0 {
		f.Status, f.Detail, f.Fix = Warn, empty, emptyFix
		p.r.add(f)
		return
	}
	if miss := missing(docs.Docs, needed...); len(miss) > 0 {
		f.Status, f.Detail = Warn, "rows come without "+strings.Join(miss, ", ")
		f.Fix = "give the OMS user behind the credentials full read access to " + item
		p.r.add(f)
		return
	}
	var weak []string
	for _, field := range slices.Sorted(maps.Keys(useful)) {
		if len(missing(docs.Docs, field)) > 0 {
			weak = append(weak, "no "+field+": "+useful[field])
		}
	}
	if len(weak) > 0 {
		f.Status, f.Detail = Warn, strings.Join(weak, "; ")
		f.Fix = "give the OMS user behind the credentials full read access to " + item
		p.r.add(f)
		return
	}
	f.Detail = "readable"
	if docs.Count > 0 {
		f.Detail = fmt.Sprintf("readable, %d rows", docs.Count)
	}
	p.r.add(f)
}

// history reads the store's finished and failed runs, as the job-failures check does.
func (p *probe) history(ctx context.Context) {
	j := p.opts.Jobs
	_, err := p.oms.FindJobs(ctx, hotwax.JobQuery{
		EnumIDs:  nonEmpty(j.Association, j.PresellRefresh, j.CatalogSync, j.FullRepush),
		Statuses: []string{hotwax.StatusFinished, hotwax.StatusFailed, hotwax.StatusCrashed}, ProductStoreID: p.opts.ProductStoreID,
		OrderBy: "runTime DESC", ViewSize: 1,
	})
	if err != nil {
		f := p.failure(AreaJobs, "job history (findJobs)", "read the job history", err)
		f.Detail += "; the job-failures check will be unknown"
		p.r.add(f)
		return
	}
	p.r.add(Finding{Area: AreaJobs, Item: "job history (findJobs)", Status: OK, Detail: "readable"})
}

// frequencies reads the schedules the OMS defines: the remedies schedule with HOURLY and EVERY_15_MIN.
func (p *probe) frequencies(ctx context.Context) {
	fs, err := p.oms.Frequencies(ctx)
	if err != nil {
		f := p.failure(AreaFrequencies, "TemporalExpression", "read the job frequencies", err)
		f.Detail += "; the schedule form offers the Job Manager's built-in choices"
		p.r.add(f)
		return
	}
	ids := make([]string, len(fs))
	for i, fr := range fs {
		ids[i] = fr.ID
	}
	f := Finding{Area: AreaFrequencies, Item: "TemporalExpression", Status: OK, Detail: strings.Join(ids, ", ")}
	var lacking []string
	for _, want := range []string{"HOURLY", "EVERY_15_MIN"} {
		if !slices.Contains(ids, want) {
			lacking = append(lacking, want)
		}
	}
	switch {
	case len(ids) == 0:
		f.Status, f.Detail = Warn, "the OMS defines no job frequency"
		f.Fix = "ask HotWax Support: scheduling from the bot needs the Job Manager's frequencies (HOURLY, EVERY_15_MIN)"
	case len(lacking) > 0:
		f.Status, f.Detail = Warn, strings.Join(ids, ", ")+"; missing "+strings.Join(lacking, ", ")
		f.Fix = "the enable buttons schedule with " + strings.Join(lacking, " and ") + ": ask HotWax Support to add them, or schedule from the Job Manager"
	}
	p.r.add(f)
}

func nonEmpty(vs ...string) []string {
	var out []string
	for _, v := range vs {
		if v != "" && !slices.Contains(out, v) {
			out = append(out, v)
		}
	}
	return out
}
