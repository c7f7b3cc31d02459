package hotwaxtest

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/preorderbot/preorderbot/diagnostics/hotwax"
)

// schedulePayload builds the Job Manager's scheduleService payload (hotwax-api §4.3) from a job type's draft.
func schedulePayload(enum, shopID, freq string, runNow bool, params map[string]any) map[string]any {
	d, _ := jobDefFor(enum)
	jobFields := map[string]any{
		"productStoreId": "STORE", "systemJobEnumId": enum, "instanceOfProductId": enum, "tempExprId": freq,
		"parentJobId": "", "recurrenceTimeZone": "America/New_York", "createdByUserLogin": "ops", "lastModifiedByUserLogin": "ops",
	}
	p := map[string]any{
		"JOB_NAME": d.JobName, "SERVICE_NAME": d.Service, "SERVICE_COUNT": "0", "SERVICE_TEMP_EXPR": freq,
		"jobFields": jobFields, "statusId": "SERVICE_PENDING", "systemJobEnumId": enum, "productStoreId": "STORE",
	}
	if !runNow {
		p["SERVICE_RUN_AS_SYSTEM"] = "Y"
		jobFields["maxRecurrenceCount"] = "-1"
		jobFields["runAsUser"] = "system"
	}
	if shopID != "" {
		jobFields["shopId"] = shopID
		p["shopId"], p["shopifyConfigId"] = shopID, "SHOP_CONFIG_"+shopID
	}
	for k, v := range params {
		p[k] = v
	}
	return p
}

// schedule posts a payload and returns the jobId of the row it created. The answer carries no jobId, as
// the OMS's does not always; the new row is the last one the model holds.
func schedule(t *testing.T, s *Server, payload map[string]any) string {
	t.Helper()
	resp := post(t, s, "scheduleService", payload)
	require.NotContains(t, resp, "_ERROR_MESSAGE_")
	assert.Equal(t, "Service scheduled successfully", resp["successMessage"])
	assert.NotContains(t, resp, "jobId", "no app reads a jobId from scheduleService")
	jobs := s.Jobs()
	require.NotEmpty(t, jobs)
	return jobs[len(jobs)-1].JobID
}

func waitIdle(t *testing.T, s *Server) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	require.NoError(t, s.WaitIdle(ctx))
}

func jobByID(t *testing.T, s *Server, id string) map[string]any {
	t.Helper()
	list := findJobDocs(t, s, map[string]any{"jobId": id})
	require.Len(t, list, 1)
	return list[0]
}

func runsOf(t *testing.T, s *Server, parentID string) []map[string]any {
	t.Helper()
	return docs(t, post(t, s, "findJobs", map[string]any{"inputFields": map[string]any{"parentJobId": parentID},
		"noConditionFind": "Y", "viewSize": 50, "orderBy": "startDateTime ASC"}))
}

func TestScheduleAssociationLinksProduct(t *testing.T) {
	s := newTest(t, ScenarioAssociationJobNotScheduled)
	require.Equal(t, []string{ShopUS}, factsOf(t, s, "HW-BOOT-42").Linked)
	id := schedule(t, s, schedulePayload(hotwax.JobAssociation, ShopCA, "HOURLY", false, map[string]any{"limit": "50"}))

	job := jobByID(t, s, id)
	assert.Equal(t, hotwax.StatusPending, job["statusId"])
	assert.Equal(t, "HOURLY", job["tempExprId"])
	assert.Equal(t, ShopCA, job["shopId"])
	assert.Equal(t, "STORE", job["productStoreId"])
	assert.Equal(t, "50", job["runtimeData"].(map[string]any)["limit"])
	assert.Equal(t, "SHOP_CONFIG_10001", job["runtimeData"].(map[string]any)["shopifyConfigId"])
	assert.Equal(t, []string{ShopCA}, scheduledShops(t, s, hotwax.JobAssociation))

	waitIdle(t, s)
	now := s.Now()
	runs := runsOf(t, s, id)
	require.Len(t, runs, 1)
	assert.Equal(t, hotwax.StatusFinished, runs[0]["statusId"])
	assert.NotEqual(t, id, runs[0]["jobId"])
	assert.NotEmpty(t, runs[0]["startDateTime"])
	assert.NotEmpty(t, runs[0]["finishDateTime"])
	assert.Equal(t, []string{ShopUS, ShopCA}, []string{s.Links("20021")[0].ShopID, s.Links("20021")[1].ShopID})
	assert.WithinDuration(t, now, s.Links("20021")[1].CreatedAt, time.Second)
	assert.Equal(t, "45012000000021", s.Links("20021")[1].ShopifyProductID)
	next := millis(t, jobByID(t, s, id)["runTime"])
	assert.WithinDuration(t, now.Add(time.Hour), next, 2*time.Second, "next occurrence an hour later")
	assert.Equal(t, hotwax.StatusPending, jobByID(t, s, id)["statusId"])
}

func TestRunNowCreatesOneOffJob(t *testing.T) {
	s := newTest(t, ScenarioAssociationJobNotScheduled)
	id := schedule(t, s, schedulePayload(hotwax.JobAssociation, ShopUK, "", true, nil))
	job := jobByID(t, s, id)
	assert.Empty(t, job["tempExprId"], "a one-off job has no frequency")
	assert.Empty(t, scheduledShops(t, s, hotwax.JobAssociation))
	waitIdle(t, s)
	job = jobByID(t, s, id)
	assert.Equal(t, hotwax.StatusFinished, job["statusId"])
	assert.Contains(t, job["jobResult"], "Associated 1 products")
	assert.Empty(t, runsOf(t, s, id))
	assert.Equal(t, []string{ShopUS, ShopUK}, factsOf(t, s, "HW-BOOT-42").Linked)
}

func TestScheduleFutureRunWaitsForClock(t *testing.T) {
	s := newTest(t, ScenarioAssociationJobNotScheduled)
	first := s.Now().Add(30 * time.Minute)
	id := schedule(t, s, schedulePayload(hotwax.JobAssociation, ShopCA, "EVERY_15_MIN", false,
		map[string]any{"SERVICE_TIME": str(first)}))
	assert.Equal(t, first.UnixMilli(), millis(t, jobByID(t, s, id)["runTime"]).UnixMilli())
	waitIdle(t, s)
	assert.Empty(t, runsOf(t, s, id), "not due yet")
	s.Advance(31 * time.Minute)
	runs := runsOf(t, s, id)
	require.Len(t, runs, 1)
	assert.Equal(t, first.UnixMilli(), millis(t, runs[0]["runTime"]).UnixMilli())
	assert.Equal(t, first.Add(15*time.Minute).UnixMilli(), millis(t, jobByID(t, s, id)["runTime"]).UnixMilli())
	s.Advance(time.Hour)
	assert.Len(t, runsOf(t, s, id), 2, "a late job runs once and moves past now")
	assert.True(t, millis(t, jobByID(t, s, id)["runTime"]).After(s.Now()))
}

func TestScheduleErrors(t *testing.T) {
	tests := []struct {
		name   string
		change func(p map[string]any)
		want   string
	}{
		{"missing JOB_NAME", func(p map[string]any) { delete(p, "JOB_NAME") }, "[scheduleService.JOB_NAME]"},
		{"missing SERVICE_NAME", func(p map[string]any) { delete(p, "SERVICE_NAME") }, "[scheduleService.SERVICE_NAME]"},
		{"unknown service", func(p map[string]any) { p["SERVICE_NAME"] = "noSuchService" }, "Cannot locate service by name (noSuchService)"},
		{"unknown job", func(p map[string]any) {
			p["systemJobEnumId"] = "JOB_NOPE"
			p["jobFields"].(map[string]any)["systemJobEnumId"] = "JOB_NOPE"
		}, "not found: no draft job"},
		{"bad frequency", func(p map[string]any) { p["SERVICE_TEMP_EXPR"] = "EVERY_2_MIN" }, "Temporal expression not found with ID [EVERY_2_MIN]"},
		{"missing frequency", func(p map[string]any) {
			delete(p, "SERVICE_TEMP_EXPR")
			delete(p["jobFields"].(map[string]any), "tempExprId")
		}, "[scheduleService.SERVICE_TEMP_EXPR]"},
		{"bad SERVICE_TIME", func(p map[string]any) { p["SERVICE_TIME"] = "tomorrow" }, "Invalid SERVICE_TIME"},
		{"unknown shop", func(p map[string]any) {
			p["shopId"] = "99999"
			p["jobFields"].(map[string]any)["shopId"] = "99999"
		}, "ShopifyShop [99999] not found"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := newTest(t, ScenarioHealthy)
			before := len(s.Jobs())
			p := schedulePayload(hotwax.JobAssociation, ShopCA, "HOURLY", false, nil)
			tt.change(p)
			resp := post(t, s, "scheduleService", p)
			assert.Contains(t, resp["_ERROR_MESSAGE_"], tt.want)
			assert.Len(t, s.Jobs(), before, "nothing scheduled")
		})
	}
}

func TestScheduleByConfigIDAndJobName(t *testing.T) {
	s := newTest(t, ScenarioAssociationJobNotScheduled)
	d, _ := jobDefFor(hotwax.JobAssociation)
	id := schedule(t, s, map[string]any{"JOB_NAME": d.JobName, "SERVICE_NAME": d.Service, "SERVICE_TEMP_EXPR": "HOURLY",
		"SERVICE_RUN_AS_SYSTEM": "Y", "shopifyConfigId": "SHOP_CONFIG_10002", "shopId": "null"})
	job := jobByID(t, s, id)
	assert.Equal(t, hotwax.JobAssociation, job["systemJobEnumId"])
	assert.Equal(t, ShopUK, job["shopId"])
}

func TestCatalogSyncDeltaAndIncludeAll(t *testing.T) {
	s := newTest(t, ScenarioAssociatedAfterSync)
	start := s.Now()
	s.Advance(15 * time.Minute) // every EVERY_15_MIN sync runs once, as delta
	assert.Equal(t, []string{ShopUS, ShopUK}, factsOf(t, s, "HW-SCARF-GRN").Listed, "a delta never picks up the late link")
	wm, ok := s.Watermark(ShopCA)
	require.True(t, ok)
	assert.WithinDuration(t, start.Add(15*time.Minute), wm, time.Second, "watermark = run start")
	s.Advance(2 * time.Hour)
	assert.Equal(t, []string{ShopUS, ShopUK}, factsOf(t, s, "HW-SCARF-GRN").Listed, "nor do later ones")

	schedule(t, s, schedulePayload(hotwax.JobCatalogSync, ShopCA, "", true, map[string]any{"includeAll": "Y"}))
	waitIdle(t, s)
	assert.Equal(t, allShops, factsOf(t, s, "HW-SCARF-GRN").Listed)
	var ca hotwax.Listing
	for _, l := range s.Listings(ShopCA) {
		if l.VariantID == "45012000000031" {
			ca = l
		}
	}
	assert.Equal(t, "active", ca.Status)
	assert.False(t, ca.ContainsError)
	assert.WithinDuration(t, s.Now(), ca.Timestamp, time.Second)
}

func TestCatalogSyncSelectsWithinBuffer(t *testing.T) {
	s := newTest(t, ScenarioAssociatedAfterSync)
	// The member row updated 30 seconds before the watermark is inside the one-minute buffer.
	wm, _ := s.Watermark(ShopCA)
	s.mu.Lock()
	for i := range s.m.members {
		if s.m.members[i].ProductID == "20031" {
			s.m.members[i].UpdatedAt = wm.Add(-30 * time.Second)
		}
	}
	s.mu.Unlock()
	s.Advance(15 * time.Minute)
	assert.Equal(t, allShops, factsOf(t, s, "HW-SCARF-GRN").Listed)
}

func TestEnablingSyncJobsLists(t *testing.T) {
	s := newTest(t, ScenarioPresellJobsDisabled)
	for _, shop := range allShops {
		schedule(t, s, schedulePayload(hotwax.JobCatalogSync, shop, "EVERY_15_MIN", false, nil))
	}
	waitIdle(t, s)
	assert.Equal(t, allShops, factsOf(t, s, "HW-BEANIE-BLK").Listed)
	assert.Equal(t, allShops, scheduledShops(t, s, hotwax.JobCatalogSync))
}

func TestPresellRefreshAddsEligibleProducts(t *testing.T) {
	s := newTest(t, ScenarioNotPreorder)
	require.False(t, factsOf(t, s, "HW-TEE-WHT").Member)
	id := schedule(t, s, schedulePayload(hotwax.JobPresellRefresh, "", "", true, nil))
	waitIdle(t, s)
	assert.Equal(t, hotwax.StatusFinished, jobByID(t, s, id)["statusId"])
	assert.True(t, factsOf(t, s, "HW-TEE-WHT").Member)
	members := docs(t, post(t, s, "performFind", map[string]any{"entityName": "ProductCategoryMember",
		"inputFields": map[string]any{"productId": "20061"}, "filterByDate": "Y"}))
	require.Len(t, members, 1)
	assert.Equal(t, preorderCatID, members[0]["productCategoryId"])
	assert.WithinDuration(t, s.Now(), millis(t, members[0]["lastUpdatedStamp"]), time.Second)

	schedule(t, s, schedulePayload(hotwax.JobPresellRefresh, "", "", true, nil))
	waitIdle(t, s)
	assert.Len(t, docs(t, post(t, s, "performFind", map[string]any{"entityName": "ProductCategoryMember",
		"inputFields": map[string]any{"productId": "20061"}})), 1, "a second refresh adds nothing")

	s.Advance(15 * time.Minute) // the next delta syncs list it
	assert.Equal(t, allShops, factsOf(t, s, "HW-TEE-WHT").Listed)
}

func TestFailingJob(t *testing.T) {
	s := newTest(t, ScenarioJobFailing)
	s.Advance(15 * time.Minute)
	failed := findJobDocs(t, s, map[string]any{"systemJobEnumId": hotwax.JobCatalogSync, "statusId": hotwax.StatusFailed, "shopId": ShopCA})
	assert.Len(t, failed, 4)
	assert.Equal(t, []string{ShopUS, ShopUK}, factsOf(t, s, "HW-GLOVE-L").Listed, "a failed run changes nothing")
	wm, _ := s.Watermark(ShopCA)
	assert.WithinDuration(t, s.Now().Add(-72*time.Hour-15*time.Minute), wm, time.Second)

	s.FixJob(hotwax.JobCatalogSync, ShopCA)
	s.Advance(15 * time.Minute)
	assert.Equal(t, allShops, factsOf(t, s, "HW-GLOVE-L").Listed)

	s.FailJob(hotwax.JobPresellRefresh, "", "boom")
	id := schedule(t, s, schedulePayload(hotwax.JobPresellRefresh, "", "", true, nil))
	waitIdle(t, s)
	job := jobByID(t, s, id)
	assert.Equal(t, hotwax.StatusFailed, job["statusId"])
	assert.Equal(t, "boom", job["jobResult"])
}

func TestManualLinkThenFullSync(t *testing.T) {
	s := newTest(t, ScenarioNeedsManualLink)
	s.Advance(time.Hour) // the association job runs and finds nothing to link
	assert.Equal(t, []string{ShopUS, ShopUK}, factsOf(t, s, "HW-SOCK-S").Linked)
	runs := findJobDocs(t, s, map[string]any{"systemJobEnumId": hotwax.JobAssociation, "shopId": ShopCA, "statusId": hotwax.StatusFinished})
	assert.Len(t, runs, 4)

	link := map[string]any{"shopId": ShopCA, "productId": "20077", "shopifyProductId": "45012000000077", "shopifyInventoryItemId": "47020000000077"}
	resp := post(t, s, "service/createShopifyShopProduct", link)
	assert.NotContains(t, resp, "_ERROR_MESSAGE_")
	assert.Equal(t, allShops, factsOf(t, s, "HW-SOCK-S").Linked)

	dup := post(t, s, "service/createShopifyShopProduct", link)
	assert.Contains(t, dup["_ERROR_MESSAGE_"], "Duplicate entry '10001-45012000000077'")

	s.Advance(15 * time.Minute)
	assert.Equal(t, []string{ShopUS, ShopUK}, factsOf(t, s, "HW-SOCK-S").Listed, "delta syncs do not pick up the old member row")
	schedule(t, s, schedulePayload(hotwax.JobCatalogSync, ShopCA, "", true, map[string]any{"includeAll": "true"}))
	waitIdle(t, s)
	assert.Equal(t, allShops, factsOf(t, s, "HW-SOCK-S").Listed)
}

func TestCreateLinkValidation(t *testing.T) {
	tests := []struct {
		name string
		body map[string]any
		want string
	}{
		{"missing shop", map[string]any{"productId": "20077", "shopifyProductId": "1"}, "[createShopifyShopProduct.shopId]"},
		{"missing variant", map[string]any{"shopId": ShopCA, "productId": "20077"}, "[createShopifyShopProduct.shopifyProductId]"},
		{"unknown shop", map[string]any{"shopId": "1", "productId": "20077", "shopifyProductId": "1"}, "ShopifyShop [1] not found"},
		{"unknown product", map[string]any{"shopId": ShopCA, "productId": "nope", "shopifyProductId": "1"}, "Product [nope] not found"},
		{"variant not numeric", map[string]any{"shopId": ShopCA, "productId": "20077", "shopifyProductId": "gid://shopify/ProductVariant/1"}, "must be a numeric Shopify variant id"},
		{"inventory not numeric", map[string]any{"shopId": ShopCA, "productId": "20077", "shopifyProductId": "1", "shopifyInventoryItemId": "x"}, "must be a numeric Shopify inventory item id"},
		{"variant taken by another product", map[string]any{"shopId": ShopCA, "productId": "20077", "shopifyProductId": "45012000000011"}, "Duplicate entry '10001-45012000000011'"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := newTest(t, ScenarioNeedsManualLink)
			resp := post(t, s, "service/createShopifyShopProduct", tt.body)
			assert.Contains(t, resp["_ERROR_MESSAGE_"], tt.want)
			assert.Len(t, s.Links("20077"), 2)
		})
	}
}

func TestFrequencies(t *testing.T) {
	base := time.Date(2026, 3, 1, 23, 50, 0, 0, time.UTC)
	for id, want := range map[string]time.Time{
		"EVERY_5_MIN":  base.Add(5 * time.Minute),
		"EVERY_15_MIN": base.Add(15 * time.Minute),
		"EVERY_30_MIN": base.Add(30 * time.Minute),
		"HOURLY":       base.Add(time.Hour),
		"EVERY_6_HOUR": base.Add(6 * time.Hour),
		"EVERYDAY":     base.AddDate(0, 0, 1),
	} {
		f, ok := frequencyFor(id)
		require.True(t, ok, id)
		assert.Equal(t, want, f.next(base), id)
	}
	assert.Equal(t, hotwax.Frequencies, func() []string {
		var ids []string
		for _, f := range frequencies {
			ids = append(ids, f.ID)
		}
		return ids
	}())
}

func TestSetScenarioResets(t *testing.T) {
	s := newTest(t, ScenarioAssociationJobNotScheduled)
	schedule(t, s, schedulePayload(hotwax.JobAssociation, ShopCA, "", true, nil))
	waitIdle(t, s)
	require.Len(t, s.Links("20021"), 2)
	require.NoError(t, s.SetScenario(ScenarioAssociationJobNotScheduled))
	assert.Len(t, s.Links("20021"), 1)
	require.NoError(t, s.SetScenario(ScenarioHealthy))
	assert.Equal(t, ScenarioHealthy, s.Scenario())
	assert.Empty(t, s.Links("20021"))
	assert.Error(t, s.SetScenario("nope"))
	assert.Equal(t, ScenarioHealthy, s.Scenario())
}
