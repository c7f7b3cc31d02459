package hotwaxtest

import (
	"cmp"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/preorderbot/preorderbot/diagnostics/hotwax"
)

// entityRows returns the rows performFind can query for an entity, or false for an entity the OMS does not have.
func (m *model) entityRows(entity string, now time.Time) ([]row, bool) {
	switch entity {
	case "ShopifyShopAndConfig":
		return m.shopRows(), true
	case "ShopifyShopProduct":
		return m.linkRows(), true
	case "ProductStore":
		return []row{{"productStoreId": m.storeID, "storeName": "Acme"}}, true
	case "ProductStoreCatalog":
		return []row{{"productStoreId": m.storeID, "prodCatalogId": m.catalogID, "fromDate": m.catalogSince, "sequenceNum": 1}}, true
	case "ProdCatalogCategory":
		var rows []row
		for i, c := range m.categories {
			rows = append(rows, row{"prodCatalogId": m.catalogID, "productCategoryId": c.ID,
				"prodCatalogCategoryTypeId": c.Type, "fromDate": m.catalogSince, "sequenceNum": i + 1})
		}
		return rows, true
	case "ProductCategoryMember":
		var rows []row
		for _, mb := range m.members {
			rows = append(rows, row{"productId": mb.ProductID, "productCategoryId": mb.ProductCategoryID,
				"fromDate": mb.FromDate, "thruDate": mb.ThruDate, "lastUpdatedStamp": mb.UpdatedAt, "createdStamp": mb.FromDate})
		}
		return rows, true
	case "SystemProperty":
		var rows []row
		for _, s := range m.shops {
			if wm, ok := m.watermarks[s.ShopID]; ok {
				rows = append(rows, row{"systemResourceId": "ShopifyServiceConfig",
					"systemPropertyId":    s.ShopID + ".PREORDER_CATALOG.sync.time",
					"systemPropertyValue": ofbizTimestamp(wm), "lastUpdatedStamp": wm})
			}
		}
		return rows, true
	case "Product":
		var rows []row
		for _, p := range m.products {
			rows = append(rows, row{"productId": p.ID, "internalName": p.SKU, "productName": p.Name,
				"isVirtual": yn(p.Virtual), "isVariant": yn(p.Variant), "productTypeId": "FINISHED_GOOD"})
		}
		return rows, true
	case "TemporalExpression":
		var rows []row
		for _, f := range frequencies {
			rows = append(rows, row{"tempExprId": f.ID, "tempExprTypeId": "FREQUENCY", "description": f.Description,
				"integer1": f.Integer1, "integer2": f.Integer2})
		}
		return rows, true
	case "StatusItem":
		var rows []row
		for i, st := range []string{hotwax.StatusDraft, hotwax.StatusPending, hotwax.StatusRunning, hotwax.StatusQueued,
			hotwax.StatusFinished, hotwax.StatusFailed, hotwax.StatusCrashed, hotwax.StatusCancelled} {
			rows = append(rows, row{"statusId": st, "statusTypeId": "SERVICE_STATUS", "description": statusLabel(st), "sequenceId": fmt.Sprintf("%02d", i+1)})
		}
		return rows, true
	case "Enumeration":
		var rows []row
		for _, d := range jobDefs {
			rows = append(rows, row{"enumId": d.Enum, "enumTypeId": d.EnumTypeID, "enumName": d.EnumName, "description": d.Description})
		}
		return rows, true
	}
	return nil, false
}

func yn(b bool) string {
	if b {
		return "Y"
	}
	return "N"
}

func statusLabel(st string) string {
	return map[string]string{
		hotwax.StatusDraft: "Draft", hotwax.StatusPending: "Pending", hotwax.StatusRunning: "Running",
		hotwax.StatusQueued: "Queued", hotwax.StatusFinished: "Finished", hotwax.StatusFailed: "Failed",
		hotwax.StatusCrashed: "Crashed", hotwax.StatusCancelled: "Cancelled",
	}[st]
}

func (m *model) shopRows() []row {
	var rows []row
	for _, s := range m.shops {
		rows = append(rows, row{"shopId": s.ShopID, "name": s.Name, "shopifyConfigId": s.ShopifyConfigID,
			"accessScopeEnumId": s.AccessScope, "productStoreId": m.storeID})
	}
	return rows
}

func (m *model) linkRows() []row {
	var rows []row
	for _, l := range m.links {
		rows = append(rows, row{"shopId": l.ShopID, "productId": l.ProductID, "shopifyProductId": l.ShopifyProductID,
			"shopifyInventoryItemId": l.ShopifyInventoryItemID, "createdStamp": l.CreatedAt, "lastUpdatedStamp": l.UpdatedAt})
	}
	return rows
}

// jobRows are findJobs' view: JobSandbox joined with its Enumeration and its parsed RuntimeData.
func (m *model) jobRows() []row {
	rows := make([]row, 0, len(m.jobs))
	for _, j := range m.jobs {
		rd := map[string]any{}
		for k, v := range j.RuntimeData {
			rd[k] = v
		}
		params := make([]any, 0, len(j.ServiceInParams))
		for _, p := range j.ServiceInParams {
			params = append(params, map[string]any{"name": p.Name, "type": p.Type, "optional": p.Optional})
		}
		rows = append(rows, row{
			"jobId": j.JobID, "jobName": j.JobName, "systemJobEnumId": j.SystemJobEnumID, "statusId": j.StatusID,
			"tempExprId": j.TempExprID, "parentJobId": j.ParentJobID, "serviceName": j.ServiceName,
			"jobResult": j.JobResult, "enumTypeId": j.EnumTypeID, "enumName": j.EnumName, "description": j.Description,
			"runtimeDataId": j.RuntimeDataID, "createdByUserLogin": j.CreatedByUserLogin,
			"lastModifiedByUserLogin": j.LastModifiedByUserLogin, "recurrenceTimeZone": j.RecurrenceTimeZone,
			"productStoreId": j.ProductStoreID, "shopId": j.ShopID, "currentRetryCount": j.CurrentRetryCount,
			"runTime": j.RunTime, "startDateTime": j.StartDateTime, "finishDateTime": j.FinishDateTime,
			"cancelDateTime": j.CancelDateTime, "createdDate": j.CreatedDate, "lastUpdatedStamp": j.LastUpdatedStamp,
			"maxRecurrenceCount": maxRecurrence(j), "runtimeData": rd, "serviceInParams": params,
		})
	}
	return rows
}

// maxRecurrence is -1 (until disabled) for recurring jobs and nothing for drafts and one-off runs.
func maxRecurrence(j *jobRow) any {
	if j.TempExprID == "" || j.oneOff || j.StatusID == hotwax.StatusDraft {
		return nil
	}
	return -1
}

// productDocs are the Solr products core: one document per product, with the shop links as
// goodIdentifications "ShopifyShopProduct/<shopId>/<variantId>" and the catalog category types it is in.
func (m *model) productDocs(now time.Time) []map[string]any {
	members := map[string][]hotwax.CategoryMember{}
	for _, mb := range m.members {
		members[mb.ProductID] = append(members[mb.ProductID], mb)
	}
	links := map[string][]hotwax.ShopLink{}
	for _, l := range m.links {
		links[l.ProductID] = append(links[l.ProductID], l)
	}
	docs := make([]map[string]any, 0, len(m.products))
	for _, p := range m.products {
		if m.unindexed[p.ID] {
			continue
		}
		var types, cats []string
		own := members[p.ID]
		if p.GroupID != "" {
			own = append(slices.Clip(own), members[p.GroupID]...)
		}
		for _, mb := range own {
			if activeMember(mb, now) {
				cats = appendUnique(cats, mb.ProductCategoryID)
				types = appendUnique(types, m.categoryType(mb.ProductCategoryID))
			}
		}
		ids := []string{}
		if p.SKU != "" && !p.Virtual {
			ids = append(ids, "SKU/"+p.SKU)
		}
		for _, l := range links[p.ID] {
			ids = append(ids, fmt.Sprintf("ShopifyShopProduct/%s/%s", l.ShopID, l.ShopifyProductID))
		}
		doc := map[string]any{
			"docType": "PRODUCT", "productId": p.ID, "internalName": p.SKU, "productName": p.Name,
			"isVirtual": p.Virtual, "isVariant": p.Variant, "goodIdentifications": ids,
			"productStoreIds": []string{m.storeID}, "prodCatalogIds": []string{m.catalogID},
			"prodCatalogCategoryTypeIds": types, "productCategories": cats,
		}
		if p.SKU != "" && !p.Virtual {
			doc["sku"] = p.SKU
		}
		if p.ParentName != "" {
			doc["parentProductName"] = p.ParentName
		}
		if p.GroupID != "" {
			doc["groupId"] = p.GroupID
		}
		docs = append(docs, doc)
	}
	return docs
}

func appendUnique(list []string, s string) []string {
	if s == "" || slices.Contains(list, s) {
		return list
	}
	return append(list, s)
}

// Listing index generations of shopifyCore, as Options.ListingGeneration names them.
const (
	GenerationDotted     = "dotted"     // data.productVariantUpdate.productVariant.* (the Audit page today)
	GenerationUnderscore = "underscore" // data_productVariantUpdate_productVariant_* (older flows)
)

// listingFieldNames are the variant id, metafield namespace and metafield value fields of one generation.
type listingFieldNames struct{ ids, namespaces, values string }

// listingFieldsOf gives the field names the Audit page reads in each generation
// (hotwax/preorder:src/views/audit-product-details.vue, current and earlier revisions).
func listingFieldsOf(generation string) listingFieldNames {
	if generation == GenerationUnderscore {
		return listingFieldNames{
			ids:        "data_productVariantUpdate_productVariant_id",
			namespaces: "data_productVariantUpdate_productVariant_metafields_edges_node_namespace",
			values:     "data_productVariantUpdate_productVariant_metafields_edges_node_value",
		}
	}
	return listingFieldNames{
		ids:        "data.productVariantUpdate.productVariant.id",
		namespaces: "data.productVariantUpdate.productVariant.metafields.edges.node.namespace",
		values:     "data.productVariantUpdate.productVariant.metafields.edges.node.value",
	}
}

// listingSchema is every field the shopifyCore of a generation defines; a query naming another one is
// refused as Solr refuses it.
func listingSchema(generation string) []string {
	f := listingFieldsOf(generation)
	return []string{"id", "_version_", "_timestamp_", "docType", "operation", "shopId", "contains_error", f.ids, f.namespaces, f.values}
}

// productSchema is every field of the products core.
var productSchema = []string{"id", "_version_", "docType", "productId", "sku", "upc", "internalName", "productName",
	"parentProductName", "groupId", "isVirtual", "isVariant", "goodIdentifications", "productStoreIds", "prodCatalogIds",
	"prodCatalogCategoryTypeIds", "productCategories", "brandName", "search_goodIdentifications"}

// listingDocs are the Solr shopifyCore: one SHOP_PREORDER_SYNC bulk-operation document per shop and variant,
// as the last catalog sync to that shop left it. The core is schemaless, so every field is an array, single
// values included, as the Audit page expects (listDataDoc.contains_error[0]).
func (m *model) listingDocs(generation string) []map[string]any {
	if c := m.listingCache; c != nil && c.generation == generation && c.count == len(m.listings) {
		return c.docs
	}
	docs := m.buildListingDocs(generation)
	m.listingCache = &listingCache{generation: generation, count: len(m.listings), docs: docs}
	return docs
}

// listingCache keeps the shopifyCore documents between queries: a sweep asks for them hundreds of times.
// Whatever writes a listing clears it; the count catches a listing added without clearing.
type listingCache struct {
	generation string
	count      int
	docs       []map[string]any
}

func (m *model) buildListingDocs(generation string) []map[string]any {
	f := listingFieldsOf(generation)
	keys := make([]listingKey, 0, len(m.listings))
	for k := range m.listings {
		keys = append(keys, k)
	}
	slices.SortFunc(keys, func(a, b listingKey) int {
		if c := strings.Compare(a.shop, b.shop); c != 0 {
			return c
		}
		return strings.Compare(a.variant, b.variant)
	})
	docs := make([]map[string]any, 0, len(keys))
	for _, k := range keys {
		l := m.listings[k]
		value, _ := json.Marshal(map[string]string{
			"status": l.Status, "promise_date": cmp.Or(l.PromiseDate, "_NA_"),
			"last_updated_at": l.LastUpdatedAt.UTC().Format("Jan 02,2006 15:04:05"),
		})
		docs = append(docs, map[string]any{
			"id":             []string{fmt.Sprintf("%s-%s", l.ShopID, l.VariantID)},
			"docType":        []string{"BULKOPERATION"},
			"operation":      []string{"SHOP_PREORDER_SYNC"},
			"shopId":         []string{l.ShopID},
			"_timestamp_":    []time.Time{l.Timestamp},
			"contains_error": []bool{l.ContainsError},
			f.ids:            []string{"gid://shopify/ProductVariant/" + l.VariantID},
			f.namespaces:     []string{"HC_PREORDER"},
			f.values:         []string{string(value)},
		})
	}
	return docs
}
