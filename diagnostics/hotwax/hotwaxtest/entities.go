package hotwaxtest

import (
	"fmt"
	"time"

	"github.com/preorderbot/preorderbot/diagnostics/hotwax"
)

// entityRows returns the rows performFind can query for an entity, or false for an entity the OMS does not have.
// entityRows are an entity's rows; where an entity has many, only those the request's conditions on their
// key fields can match are built.
func (m *model) entityRows(entity string, req findRequest, now time.Time) ([]row, bool) {
	switch entity {
	case "ShopifyShopAndConfig":
		return m.shopRows(), true
	case "ShopifyShopProduct":
		return m.linkRows(req), true
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

func (m *model) linkRows(req findRequest) []row {
	var rows []row
	for _, i := range m.linkCandidates(req) {
		l := m.links[i]
		if !req.mayMatch("productId", l.ProductID) || !req.mayMatch("shopId", l.ShopID) {
			continue
		}
		rows = append(rows, row{"shopId": l.ShopID, "productId": l.ProductID, "shopifyProductId": l.ShopifyProductID,
			"shopifyInventoryItemId": l.ShopifyInventoryItemID, "createdStamp": l.CreatedAt, "lastUpdatedStamp": l.UpdatedAt})
	}
	return rows
}

// jobRows are findJobs' view: JobSandbox joined with its Enumeration and its parsed RuntimeData. Only the
// rows the request's conditions on the job's enum and status can match are built.
func (m *model) jobRows(req findRequest) []row {
	rows := make([]row, 0, len(m.jobs))
	for _, j := range m.jobs {
		if !req.mayMatch("systemJobEnumId", j.SystemJobEnumID) || !req.mayMatch("statusId", j.StatusID) {
			continue
		}
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
