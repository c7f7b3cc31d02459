package hotwaxtest

import (
	"cmp"
	"fmt"
	"time"

	"github.com/preorderbot/preorderbot/diagnostics/hotwax"
)

// omsError is a business error the OMS answers with HTTP 200 and an _ERROR_MESSAGE_ body.
type omsError string

func (e omsError) Error() string { return string(e) }

// scheduleKeys are the scheduleService parameters that are not custom job parameters.
var scheduleKeys = map[string]bool{
	"JOB_NAME": true, "SERVICE_NAME": true, "SERVICE_COUNT": true, "SERVICE_TEMP_EXPR": true,
	"SERVICE_RUN_AS_SYSTEM": true, "SERVICE_TIME": true, "SERVICE_PRIORITY": true, "jobFields": true,
	"statusId": true, "systemJobEnumId": true,
}

// draft returns the SERVICE_DRAFT row of a job type.
func (m *model) draft(enum string) *jobRow {
	for _, j := range m.jobs {
		if j.StatusID == hotwax.StatusDraft && j.SystemJobEnumID == enum {
			return j
		}
	}
	return nil
}

// draftByName finds a draft by jobName, for payloads that carry no systemJobEnumId.
func (m *model) draftByName(name string) *jobRow {
	for _, j := range m.jobs {
		if j.StatusID == hotwax.StatusDraft && j.JobName == name {
			return j
		}
	}
	return nil
}

func knownService(name string) bool {
	for _, d := range jobDefs {
		if d.Service == name {
			return true
		}
	}
	return false
}

// nullable maps the "null" the apps send for unset runtime values to "".
func nullable(s string) string {
	if s == "null" {
		return ""
	}
	return s
}

// schedule implements scheduleService: a payload with SERVICE_RUN_AS_SYSTEM schedules a recurring pending job
// from the draft; one without is a run-now copy that runs once. realNow starts the RunDelay of a due job.
func (m *model) schedule(p map[string]any, now, realNow time.Time) (string, error) {
	jobName, service := str(p["JOB_NAME"]), str(p["SERVICE_NAME"])
	if jobName == "" {
		return "", omsError("The following required parameter is missing: [scheduleService.JOB_NAME]")
	}
	if service == "" {
		return "", omsError("The following required parameter is missing: [scheduleService.SERVICE_NAME]")
	}
	if !knownService(service) {
		return "", omsError(fmt.Sprintf("Cannot locate service by name (%s)", service))
	}
	fields, _ := p["jobFields"].(map[string]any)
	enum := cmp.Or(str(fields["systemJobEnumId"]), str(p["systemJobEnumId"]))
	var draft *jobRow
	if enum != "" {
		draft = m.draft(enum)
	} else {
		draft = m.draftByName(jobName)
	}
	if draft == nil {
		return "", omsError(fmt.Sprintf("Job %q (systemJobEnumId %q) not found: no draft job to schedule", jobName, enum))
	}
	def, _ := jobDefFor(draft.SystemJobEnumID)
	runNow := str(p["SERVICE_RUN_AS_SYSTEM"]) == ""
	freq := cmp.Or(str(p["SERVICE_TEMP_EXPR"]), str(fields["tempExprId"]))
	if freq == "" && !runNow {
		return "", omsError("The following required parameter is missing: [scheduleService.SERVICE_TEMP_EXPR]")
	}
	if _, ok := frequencyFor(freq); freq != "" && !ok {
		return "", omsError(fmt.Sprintf("Temporal expression not found with ID [%s]", freq))
	}
	runTime := now
	if raw := str(p["SERVICE_TIME"]); raw != "" {
		t, err := parseMillis(raw)
		if err != nil {
			return "", omsError(fmt.Sprintf("Invalid SERVICE_TIME %q: expected epoch milliseconds", raw))
		}
		runTime = t
	}
	runtime := map[string]string{}
	for k, v := range p {
		if !scheduleKeys[k] {
			runtime[k] = str(v)
		}
	}
	shopID := nullable(cmp.Or(str(fields["shopId"]), str(p["shopId"])))
	if cfg := nullable(str(p["shopifyConfigId"])); shopID == "" && cfg != "" {
		s, ok := m.shopByConfig(cfg)
		if !ok {
			return "", omsError(fmt.Sprintf("ShopifyConfig [%s] not found", cfg))
		}
		shopID = s.ShopID
	}
	if _, ok := m.shop(shopID); shopID != "" && !ok {
		return "", omsError(fmt.Sprintf("ShopifyShop [%s] not found", shopID))
	}
	j := &jobRow{oneOff: runNow, Job: hotwax.Job{
		JobID:                   m.newJobID(),
		JobName:                 jobName,
		SystemJobEnumID:         draft.SystemJobEnumID,
		StatusID:                hotwax.StatusPending,
		ParentJobID:             str(fields["parentJobId"]),
		ServiceName:             service,
		EnumTypeID:              def.EnumTypeID,
		EnumName:                def.EnumName,
		Description:             def.Description,
		RuntimeDataID:           m.newRuntimeDataID(),
		CreatedByUserLogin:      str(fields["createdByUserLogin"]),
		LastModifiedByUserLogin: str(fields["lastModifiedByUserLogin"]),
		RecurrenceTimeZone:      str(fields["recurrenceTimeZone"]),
		ProductStoreID:          nullable(cmp.Or(str(fields["productStoreId"]), str(p["productStoreId"]))),
		ShopID:                  shopID,
		RunTime:                 runTime,
		CreatedDate:             now,
		LastUpdatedStamp:        now,
		RuntimeData:             runtime,
		ServiceInParams:         def.Params,
	}}
	if !runNow {
		j.TempExprID = freq
	}
	if !runTime.After(now) {
		j.dueSince = realNow
	}
	m.jobs = append(m.jobs, j)
	return j.JobID, nil
}

// createLink implements createShopifyShopProduct. The (shopId, shopifyProductId) pair is the primary key.
func (m *model) createLink(p map[string]any, now time.Time) (hotwax.ShopLink, error) {
	l := hotwax.ShopLink{
		ShopID: str(p["shopId"]), ProductID: str(p["productId"]),
		ShopifyProductID: str(p["shopifyProductId"]), ShopifyInventoryItemID: str(p["shopifyInventoryItemId"]),
		CreatedAt: now, UpdatedAt: now,
	}
	for _, req := range []struct{ name, value string }{
		{"shopId", l.ShopID}, {"productId", l.ProductID}, {"shopifyProductId", l.ShopifyProductID},
	} {
		if req.value == "" {
			return l, omsError(fmt.Sprintf("The following required parameter is missing: [createShopifyShopProduct.%s]", req.name))
		}
	}
	if _, ok := m.shop(l.ShopID); !ok {
		return l, omsError(fmt.Sprintf("ShopifyShop [%s] not found", l.ShopID))
	}
	if _, ok := m.product(l.ProductID); !ok {
		return l, omsError(fmt.Sprintf("Product [%s] not found", l.ProductID))
	}
	if !numeric(l.ShopifyProductID) {
		return l, omsError(fmt.Sprintf("shopifyProductId [%s] must be a numeric Shopify variant id", l.ShopifyProductID))
	}
	if l.ShopifyInventoryItemID != "" && !numeric(l.ShopifyInventoryItemID) {
		return l, omsError(fmt.Sprintf("shopifyInventoryItemId [%s] must be a numeric Shopify inventory item id", l.ShopifyInventoryItemID))
	}
	if m.variantTaken(l.ShopID, l.ShopifyProductID) {
		return l, omsError(fmt.Sprintf("Error in creating ShopifyShopProduct: [GenericEntity:ShopifyShopProduct] "+
			"Duplicate entry '%s-%s' for key 'PRIMARY' (a ShopifyShopProduct with shopId [%s] and shopifyProductId [%s] already exists)",
			l.ShopID, l.ShopifyProductID, l.ShopID, l.ShopifyProductID))
	}
	m.links = append(m.links, l)
	return l, nil
}
