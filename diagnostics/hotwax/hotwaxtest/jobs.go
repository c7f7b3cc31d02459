package hotwaxtest

import (
	"cmp"
	"fmt"
	"maps"
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

// due lists the pending jobs whose runTime has come.
func (m *model) due(now time.Time) []*jobRow {
	var out []*jobRow
	for _, j := range m.jobs {
		if j.StatusID == hotwax.StatusPending && !j.RunTime.IsZero() && !j.RunTime.After(now) {
			out = append(out, j)
		}
	}
	return out
}

// execute runs a due job once. A recurring job records a run row and moves on to its next occurrence;
// a one-off job's own row becomes the run.
func (m *model) execute(j *jobRow, now time.Time) {
	run := j
	freq, recurring := frequencyFor(j.TempExprID)
	if recurring && !j.oneOff {
		run = &jobRow{Job: copyJob(j.Job)}
		run.JobID = m.newJobID()
		run.ParentJobID = j.JobID
		run.CreatedDate = now
		run.RuntimeData = maps.Clone(j.RuntimeData)
		m.jobs = append(m.jobs, run)
		next := j.RunTime
		for !next.After(now) {
			next = freq.next(next)
		}
		j.RunTime = next
		j.dueSince = time.Time{}
		j.LastUpdatedStamp = now
	}
	run.StatusID = hotwax.StatusRunning
	run.StartDateTime = now
	result, err := m.perform(run.Job, now)
	run.StatusID = hotwax.StatusFinished
	run.JobResult = result
	if err != nil {
		run.StatusID = hotwax.StatusFailed
		run.JobResult = err.Error()
	}
	run.FinishDateTime = now
	run.LastUpdatedStamp = now
}

// jobShop is the shop a job works on: its shopId column, else its runtime shopId or shopifyConfigId.
func (m *model) jobShop(j hotwax.Job) string {
	if s := nullable(j.Shop()); s != "" {
		return s
	}
	if s, ok := m.shopByConfig(nullable(j.RuntimeData["shopifyConfigId"])); ok {
		return s.ShopID
	}
	return ""
}

// perform applies a job's effect on the model and returns its jobResult.
func (m *model) perform(j hotwax.Job, now time.Time) (string, error) {
	shopID := m.jobShop(j)
	if msg, ok := m.failing[failKey{j.SystemJobEnumID, shopID}]; ok {
		return "", omsError(msg)
	}
	switch j.SystemJobEnumID {
	case hotwax.JobAssociation:
		if shopID == "" {
			return "", omsError("The following required parameter is missing: [shopifyConfigId]")
		}
		return m.associate(shopID, now), nil
	case hotwax.JobCatalogSync:
		if shopID == "" {
			return "", omsError("The following required parameter is missing: [shopifyConfigId]")
		}
		all := j.RuntimeData["includeAll"]
		return m.syncCatalog(shopID, all == "Y" || all == "true", now), nil
	case hotwax.JobPresellRefresh:
		return m.refreshPresell(now), nil
	default:
		return "Job completed", nil
	}
}

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
	for _, mb := range m.members {
		if mb.ProductID == productID && mb.ProductCategoryID == categoryID && activeMember(mb, now) {
			return true
		}
	}
	return false
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
