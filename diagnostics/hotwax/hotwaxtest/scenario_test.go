package hotwaxtest

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/preorderbot/preorderbot/diagnostics/hotwax"
)

var allShops = []string{ShopUS, ShopCA, ShopUK}

func TestScenarioFacts(t *testing.T) {
	defaultScheduled := map[string][]string{
		hotwax.JobImportUpdates:  {ShopUS},
		hotwax.JobAssociation:    {ShopCA, ShopUK},
		hotwax.JobPresellRefresh: {""},
		hotwax.JobCatalogSync:    allShops,
	}
	with := func(changes map[string][]string) map[string][]string {
		out := map[string][]string{}
		for k, v := range defaultScheduled {
			out[k] = v
		}
		for k, v := range changes {
			out[k] = v
		}
		return out
	}
	tests := []struct {
		scenario  string
		sku       string
		facts     skuFacts
		scheduled map[string][]string
	}{
		{ScenarioHealthy, "HW-JACKET-M", skuFacts{"20011", allShops, true, allShops}, defaultScheduled},
		{ScenarioHealthy, "HW-JACKET-L", skuFacts{"20012", allShops, true, allShops}, defaultScheduled},
		{ScenarioAssociationJobNotScheduled, "HW-BOOT-42", skuFacts{"20021", []string{ShopUS}, true, []string{ShopUS}},
			with(map[string][]string{hotwax.JobAssociation: nil})},
		{ScenarioAssociatedAfterSync, "HW-SCARF-GRN", skuFacts{"20031", allShops, true, []string{ShopUS, ShopUK}}, defaultScheduled},
		{ScenarioPresellJobsDisabled, "HW-BEANIE-BLK", skuFacts{"20041", allShops, true, nil},
			with(map[string][]string{hotwax.JobPresellRefresh: nil, hotwax.JobCatalogSync: nil})},
		{ScenarioJobFailing, "HW-GLOVE-L", skuFacts{"20051", allShops, true, []string{ShopUS, ShopUK}}, defaultScheduled},
		{ScenarioNeedsManualLink, "HW-SOCK-S", skuFacts{"20077", []string{ShopUS, ShopUK}, true, []string{ShopUS, ShopUK}}, defaultScheduled},
		{ScenarioNotPreorder, "HW-TEE-WHT", skuFacts{"20061", allShops, false, nil},
			with(map[string][]string{hotwax.JobPresellRefresh: nil})},
		{ScenarioUnknownSKU, "HW-NOPE-1", skuFacts{}, defaultScheduled},
	}
	for _, tt := range tests {
		t.Run(tt.scenario+"/"+tt.sku, func(t *testing.T) {
			s := newTest(t, tt.scenario)
			assert.Equal(t, tt.facts, factsOf(t, s, tt.sku))
			assert.Equal(t, skuFacts{"20011", allShops, true, allShops}, factsOf(t, s, ControlSKU), "control SKU")
			for enum, shops := range tt.scheduled {
				assert.Equal(t, shops, scheduledShops(t, s, enum), enum)
			}
			for _, d := range jobDefs {
				drafts := findJobDocs(t, s, map[string]any{"systemJobEnumId": d.Enum, "statusId": "SERVICE_DRAFT"})
				assert.Len(t, drafts, 1, "draft of %s", d.Enum)
			}
		})
	}
}

func TestScenarioList(t *testing.T) {
	list := Scenarios()
	require.Len(t, list, 9)
	assert.Equal(t, []string{"healthy", "association-job-not-scheduled", "associated-after-sync", "presell-jobs-disabled",
		"job-failing", "needs-manual-link", "not-preorder", "draft-without-configuration", "unknown-sku"}, ScenarioNames())
	for _, sc := range list {
		if sc.Name != ScenarioDraftWithoutConfiguration {
			assert.Equal(t, sc.Name, sc.Cause, "the cause ids are the scenario names")
		}
		assert.NotEmpty(t, sc.Title)
		assert.NotEmpty(t, sc.Description)
		assert.Contains(t, sc.SKUs, ControlSKU)
	}
}

func TestSharedData(t *testing.T) {
	s := newTest(t, ScenarioHealthy)
	now := s.Now()

	shops := docs(t, post(t, s, "performFind", map[string]any{"entityName": "ShopifyShopAndConfig",
		"inputFields": map[string]any{"productStoreId": "STORE"}, "fieldList": []string{"accessScopeEnumId", "shopifyConfigId", "shopId", "name"},
		"orderBy": "shopId ASC", "viewSize": 100, "noConditionFind": "Y"}))
	assert.Equal(t, []string{"10000", "10001", "10002", "10003"}, field(shops, "shopId"))
	assert.Equal(t, []string{"Acme US", "Acme CA", "Acme UK", "Acme AU"}, field(shops, "name"))
	assert.Equal(t, []string{"SHOP_CONFIG_10000", "SHOP_CONFIG_10001", "SHOP_CONFIG_10002", "SHOP_CONFIG_10003"}, field(shops, "shopifyConfigId"))
	assert.Equal(t, hotwax.AccessNone, shops[3]["accessScopeEnumId"])

	t.Run("drafts carry runtime data and service parameters", func(t *testing.T) {
		d := findJobDocs(t, s, map[string]any{"systemJobEnumId": hotwax.JobAssociation, "statusId": hotwax.StatusDraft})
		require.Len(t, d, 1)
		rd := d[0]["runtimeData"].(map[string]any)
		assert.Equal(t, "null", rd["shopId"])
		assert.Contains(t, rd, "shopifyConfigId")
		assert.Contains(t, rd, "limit")
		assert.Contains(t, str(d[0]["serviceInParams"]), "limit")
		assert.NotEmpty(t, d[0]["serviceName"])
		sync := findJobDocs(t, s, map[string]any{"systemJobEnumId": hotwax.JobCatalogSync, "statusId": hotwax.StatusDraft})
		require.Len(t, sync, 1)
		assert.Contains(t, sync[0]["runtimeData"], "includeAll")
	})
	t.Run("recent finished runs, the last 10 minutes ago", func(t *testing.T) {
		runs := docs(t, post(t, s, "findJobs", map[string]any{"inputFields": map[string]any{
			"systemJobEnumId": hotwax.JobCatalogSync, "statusId": hotwax.StatusFinished, "shopId": ShopCA},
			"noConditionFind": "Y", "viewSize": 1, "orderBy": "runTime DESC"}))
		require.Len(t, runs, 1)
		assert.WithinDuration(t, now.Add(-10*time.Minute), millis(t, runs[0]["startDateTime"]), time.Second)
		assert.NotEmpty(t, runs[0]["parentJobId"])
	})
	t.Run("watermarks 10 minutes ago", func(t *testing.T) {
		props := docs(t, post(t, s, "performFind", map[string]any{"entityName": "SystemProperty", "inputFields": map[string]any{
			"systemResourceId": "ShopifyServiceConfig", "systemPropertyId": ShopCA + ".PREORDER_CATALOG.sync.time"}}))
		require.Len(t, props, 1)
		wm, ok := parseTimeValue(str(props[0]["systemPropertyValue"]))
		require.True(t, ok)
		assert.WithinDuration(t, now.Add(-10*time.Minute), wm, time.Second)
	})
	t.Run("links 30 days old with 14-digit variant ids", func(t *testing.T) {
		links := s.Links("20011")
		require.Len(t, links, 3)
		seen := map[string]bool{}
		for _, l := range links {
			assert.Len(t, l.ShopifyProductID, 14)
			assert.False(t, seen[l.ShopifyProductID], "distinct per shop")
			seen[l.ShopifyProductID] = true
			assert.WithinDuration(t, now.Add(-30*24*time.Hour), l.CreatedAt, time.Second)
		}
	})
	t.Run("only the parent imports products", func(t *testing.T) {
		assert.Equal(t, []string{ShopUS}, scheduledShops(t, s, hotwax.JobImportUpdates))
	})
}

func TestScenarioTimings(t *testing.T) {
	t.Run("associated-after-sync links CA after the member row", func(t *testing.T) {
		s := newTest(t, ScenarioAssociatedAfterSync)
		now := s.Now()
		var ca hotwax.ShopLink
		for _, l := range s.Links("20031") {
			if l.ShopID == ShopCA {
				ca = l
			}
		}
		assert.WithinDuration(t, now.Add(-48*time.Hour), ca.CreatedAt, time.Second)
		members := docs(t, post(t, s, "performFind", map[string]any{"entityName": "ProductCategoryMember",
			"inputFields": map[string]any{"productId": "20031"}, "filterByDate": "Y"}))
		require.Len(t, members, 1)
		assert.WithinDuration(t, now.Add(-5*24*time.Hour), millis(t, members[0]["lastUpdatedStamp"]), time.Second)
	})
	t.Run("job-failing has three failed CA syncs after a success 3 days ago", func(t *testing.T) {
		s := newTest(t, ScenarioJobFailing)
		now := s.Now()
		failed := findJobDocs(t, s, map[string]any{"systemJobEnumId": hotwax.JobCatalogSync, "statusId": hotwax.StatusFailed, "shopId": ShopCA})
		require.Len(t, failed, 3)
		for _, f := range failed {
			assert.Equal(t, CatalogSyncFailure, f["jobResult"])
			assert.WithinDuration(t, now, millis(t, f["finishDateTime"]), time.Hour)
		}
		ok := docs(t, post(t, s, "findJobs", map[string]any{"inputFields": map[string]any{
			"systemJobEnumId": hotwax.JobCatalogSync, "statusId": hotwax.StatusFinished, "shopId": ShopCA},
			"noConditionFind": "Y", "viewSize": 1, "orderBy": "runTime DESC"}))
		require.Len(t, ok, 1)
		assert.WithinDuration(t, now.Add(-72*time.Hour), millis(t, ok[0]["startDateTime"]), time.Second)
		uk := findJobDocs(t, s, map[string]any{"statusId": hotwax.StatusFailed, "shopId_op": "notEqual", "shopId": ShopCA})
		require.Len(t, uk, 3, "the UK syncs of the last hour failed too")
		var results []string
		for _, f := range uk {
			assert.Equal(t, ShopUK, f["shopId"])
			results = append(results, f["jobResult"].(string))
		}
		assert.ElementsMatch(t, []string{UKSyncTimeout, UKSyncThrottled, UKSyncThrottled}, results)
	})
	t.Run("presell-jobs-disabled has 7-day-old runs and watermarks", func(t *testing.T) {
		s := newTest(t, ScenarioPresellJobsDisabled)
		now := s.Now()
		wm, ok := s.Watermark(ShopCA)
		require.True(t, ok)
		assert.WithinDuration(t, now.Add(-7*24*time.Hour), wm, time.Second)
		recent := findJobDocs(t, s, map[string]any{"systemJobEnumId": []string{hotwax.JobCatalogSync, hotwax.JobPresellRefresh},
			"systemJobEnumId_op": "in", "startDateTime": str(now.Add(-6 * 24 * time.Hour)), "startDateTime_op": "greaterThan"})
		assert.Empty(t, recent)
	})
	t.Run("needs-manual-link CA catalog has the variant under another SKU", func(t *testing.T) {
		s := newTest(t, ScenarioNeedsManualLink)
		s.mu.Lock()
		defer s.mu.Unlock()
		assert.Equal(t, shopifyVariant{"45012000000077", "47020000000077"}, s.m.shopify[ShopCA]["HW-SOCKS-S"])
		assert.NotContains(t, s.m.shopify[ShopCA], "HW-SOCK-S")
	})
}

func TestDraftWithoutConfigurationCarriesTheOMSError(t *testing.T) {
	s := newTest(t, ScenarioDraftWithoutConfiguration)
	drafts := findJobDocs(t, s, map[string]any{"systemJobEnumId": hotwax.JobAssociation, "statusId": "SERVICE_DRAFT"})
	require.Len(t, drafts, 1)
	// findJobs' parsed runtimeData, as hotwax/job-manager:src/utils/index.ts hasJobDataError reads it.
	assert.Equal(t, map[string]any{"_ERROR_MESSAGE_": DraftRuntimeError}, drafts[0]["runtimeData"])
	assert.Empty(t, findJobDocs(t, s, map[string]any{"systemJobEnumId": hotwax.JobAssociation, "statusId": "SERVICE_PENDING"}))
}
