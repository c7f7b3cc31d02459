package blocks

import (
	"encoding/json"
	"strings"
	"time"

	"github.com/preorderbot/preorderbot/diagnostics"
)

// Fixtures mirror the simulated OMS scenarios: store STORE, parent Acme US (10000), children Acme CA (10001)
// and Acme UK (10002), Acme AU (10003) disconnected.

var testNow = time.Date(2026, 3, 2, 10, 0, 0, 0, time.UTC)

func minutesAgo(m int) time.Time { return testNow.Add(-time.Duration(m) * time.Minute) }

// utc writes a time as the checks write it into their words.
func utc(t time.Time) string { return t.UTC().Format("2006-01-02 15:04 UTC") }

const omsBase = "https://acme-oms.hotwax.io"

// scenario is one fixture report with the cause it demonstrates.
type scenario struct {
	name   string
	report diagnostics.Report
}

// scenarios returns one report per cause id, in the guide's order.
func scenarios() []scenario {
	return []scenario{
		{"healthy", healthyReport()},
		{"unknown-sku", unknownSKUReport()},
		{"unknown-sku-typo", typoSKUReport()},
		{"not-preorder", notPreorderReport()},
		{"association-job-not-scheduled", associationMissingReport()},
		{"associated-after-sync", associatedAfterSyncReport()},
		{"presell-jobs-disabled", jobsDisabledReport()},
		{"job-failing", jobFailingReport()},
		{"needs-manual-link", manualLinkReport()},
		{"unexplained", unexplainedReport()},
		{"incomplete", incompleteReport()},
		{"oms-unavailable", unavailableReport()},
	}
}

func shops() []diagnostics.ShopFacts {
	return []diagnostics.ShopFacts{
		{ShopID: "10000", Name: "Acme US", Role: diagnostics.RoleParent, Linked: true, LinkedAt: minutesAgo(3000),
			VariantID: "44596467138724", AssociationJob: "parent", LastSync: minutesAgo(15), Listing: "Listed",
			ListingAt: minutesAgo(15), ShopifyConfigID: "SHOP_US"},
		{ShopID: "10001", Name: "Acme CA", Role: diagnostics.RoleChild, Linked: true, LinkedAt: minutesAgo(2900),
			VariantID: "44596467138725", AssociationJob: "scheduled", LastSync: minutesAgo(15), Listing: "Listed",
			ListingAt: minutesAgo(15), ShopifyConfigID: "SHOP_CA"},
		{ShopID: "10002", Name: "Acme UK", Role: diagnostics.RoleChild, Linked: true, LinkedAt: minutesAgo(2900),
			VariantID: "44596467138726", AssociationJob: "scheduled", LastSync: minutesAgo(15), Listing: "Listed",
			ListingAt: minutesAgo(15), ShopifyConfigID: "SHOP_UK"},
		{ShopID: "10003", Name: "Acme AU", Role: diagnostics.RoleDisconnected, Listing: "Not linked",
			ShopifyConfigID: "SHOP_AU"},
	}
}

// passing returns every check passing, with realistic summaries and evidence.
func passing() []diagnostics.Check {
	return []diagnostics.Check{
		{ID: diagnostics.CheckProduct, Status: diagnostics.StatusPass, Summary: "Resolves to product 10017 in store STORE",
			Evidence: []diagnostics.Evidence{{Label: "productId", Value: "10017"}, {Label: "virtual product", Value: "10016 Leather Glove"}}},
		{ID: diagnostics.CheckPreorderCategory, Status: diagnostics.StatusPass, Summary: "In the pre-order category PREORDER_CAT",
			Evidence: []diagnostics.Evidence{{Label: "member of PREORDER_CAT", Value: "product 10017, updated " + utc(minutesAgo(600)), At: minutesAgo(600)}}},
		{ID: diagnostics.CheckShopLinks, Status: diagnostics.StatusPass, Summary: "Linked to Acme US, Acme CA and Acme UK",
			Evidence: []diagnostics.Evidence{{Label: "Acme CA", Value: "linked to variant 44596467138725 since " + utc(minutesAgo(2900)), Shop: "10001", At: minutesAgo(2900)}}},
		{ID: diagnostics.CheckAssociationJob, Status: diagnostics.StatusPass, Summary: "Scheduled every hour for Acme CA and Acme UK",
			Evidence: []diagnostics.Evidence{{Label: "Acme CA", Value: "scheduled every hour, next run " + utc(minutesAgo(-20)), Shop: "10001", JobID: "M100201", At: minutesAgo(-20)}}},
		{ID: diagnostics.CheckAssociationTime, Status: diagnostics.StatusPass, Summary: "Links predate the last sync of every shop"},
		{ID: diagnostics.CheckPresellRefresh, Status: diagnostics.StatusPass, Summary: "Enabled, every 15 minutes",
			Evidence: []diagnostics.Evidence{{Label: "Auto Refresh Pre-sell Catalog", Value: "every 15 minutes, next run " + utc(minutesAgo(-5)), JobID: "M100202", At: minutesAgo(-5)}}},
		{ID: diagnostics.CheckCatalogSync, Status: diagnostics.StatusPass, Summary: "Enabled, every 15 minutes",
			Evidence: []diagnostics.Evidence{{Label: "Acme CA", Value: "enabled, every 15 minutes, next run " + utc(minutesAgo(-5)), Shop: "10001", JobID: "M100203", At: minutesAgo(-5)}}},
		{ID: diagnostics.CheckJobFailures, Status: diagnostics.StatusPass, Summary: "No failed runs in the last 7 days"},
		{ID: diagnostics.CheckShopListing, Status: diagnostics.StatusPass, Summary: "Listed in Acme US, Acme CA and Acme UK"},
	}
}

// setCheck replaces one check's status, summary and evidence.
func setCheck(checks []diagnostics.Check, id diagnostics.CheckID, st diagnostics.Status, summary string, ev ...diagnostics.Evidence) {
	for i := range checks {
		if checks[i].ID == id {
			checks[i].Status, checks[i].Summary, checks[i].Evidence = st, summary, ev
		}
	}
}

func baseReport(sku, name string) diagnostics.Report {
	return diagnostics.Report{
		SKU: sku, ProductStoreID: "STORE",
		Product: &diagnostics.Product{ProductID: "10017", Name: name, VirtualID: "10016", VirtualName: strings.TrimSuffix(name, " M")},
		Status:  diagnostics.StatusPass, Cause: diagnostics.CauseHealthy, Causes: []diagnostics.Cause{diagnostics.CauseHealthy},
		Checks: passing(), Shops: shops(), ParentSource: "config HOTWAX_PARENT_SHOP_ID",
		CheckedAt: testNow, Elapsed: diagnostics.Duration(840 * time.Millisecond), OMSCalls: 11,
	}
}

func healthyReport() diagnostics.Report { return baseReport("HW-JACKET-M", "Waxed Jacket M") }

func typoSKUReport() diagnostics.Report {
	r := unknownSKUReport()
	r.SKU, r.SimilarSKUs = "HW-SOCK-s", []string{"HW-SOCK-S", "HW-SOCK-M"}
	return r
}

func unknownSKUReport() diagnostics.Report {
	r := baseReport("HW-NOPE-1", "")
	r.Product = nil // the shops stay, as the chain reports them: the card must not list them as "not linked"
	r.Status, r.Cause, r.Causes = diagnostics.StatusFail, diagnostics.CauseUnknownSKU, []diagnostics.Cause{diagnostics.CauseUnknownSKU}
	for i := range r.Checks {
		r.Checks[i] = diagnostics.Check{ID: r.Checks[i].ID, Status: diagnostics.StatusSkip, Summary: "Skipped: no product"}
	}
	setCheck(r.Checks, diagnostics.CheckProduct, diagnostics.StatusFail, "No product with SKU HW-NOPE-1 in store STORE",
		diagnostics.Evidence{Label: "solr numFound", Value: "0"})
	r.Remedies = []diagnostics.Remedy{{Kind: diagnostics.RemedyRecheck, Label: "Re-check"}}
	r.OMSCalls = 1
	return r
}

func notPreorderReport() diagnostics.Report {
	r := baseReport("HW-TEE-WHT", "Cotton Tee White")
	r.Status, r.Cause, r.Causes = diagnostics.StatusFail, diagnostics.CauseNotPreorder, []diagnostics.Cause{diagnostics.CauseNotPreorder}
	setCheck(r.Checks, diagnostics.CheckPreorderCategory, diagnostics.StatusFail,
		"Not in the pre-order or backorder category", diagnostics.Evidence{Label: "categories", Value: "BROWSE_ROOT, TEES"})
	r.Remedies = []diagnostics.Remedy{
		{Kind: diagnostics.RemedyRunJob, Job: "JOB_REL_PREODR_CAT", Frequency: "EVERY_15_MIN", Label: "Run Auto Refresh Pre-sell Catalog now"},
		{Kind: diagnostics.RemedyEscalate, Label: "Escalate to HotWax Support"},
	}
	return r
}

func associationMissingReport() diagnostics.Report {
	r := baseReport("HW-BOOT-42", "Leather Boot 42")
	r.Shops[1].Linked, r.Shops[1].LinkedAt, r.Shops[1].VariantID = false, time.Time{}, ""
	r.Shops[1].AssociationJob, r.Shops[1].Listing, r.Shops[1].ListingAt = "draft only", "Not linked", time.Time{}
	r.Status = diagnostics.StatusFail
	r.Cause = diagnostics.CauseAssociationJobMissing
	r.Causes = []diagnostics.Cause{diagnostics.CauseAssociationJobMissing, diagnostics.CauseNeedsManualLink}
	setCheck(r.Checks, diagnostics.CheckShopLinks, diagnostics.StatusFail, "Not linked to Acme CA",
		diagnostics.Evidence{Label: "missing link", Value: "no ShopifyShopProduct row", Shop: "10001"})
	setCheck(r.Checks, diagnostics.CheckAssociationJob, diagnostics.StatusFail,
		"“Associate Products with Sub Catalog” is only a draft for Acme CA",
		diagnostics.Evidence{Label: "draft job", Value: "SERVICE_DRAFT", Shop: "10001", JobID: "JOB_UPD_PROD_ASSOC_CA"})
	setCheck(r.Checks, diagnostics.CheckShopListing, diagnostics.StatusWarn, "Not listed in Acme CA")
	r.Remedies = []diagnostics.Remedy{
		storedRemedy(`{"kind":"schedule-job","job":"JOB_UPD_PROD_ASSOC","shopId":"10001","shopName":"Acme CA","frequency":"HOURLY",
			"params":{"limit":"100"},"label":"Schedule association job for Acme CA"}`),
		{Kind: diagnostics.RemedyRunJob, Job: "JOB_UPD_PROD_ASSOC", ShopID: "10001", ShopName: "Acme CA",
			Label: "Run association job now for Acme CA"},
		{Kind: diagnostics.RemedyLinkProduct, ShopID: "10001", ShopName: "Acme CA", Label: "Link product to Acme CA by hand"},
		{Kind: diagnostics.RemedyEscalate, Label: "Escalate to HotWax Support"},
	}
	return r
}

// storedRemedy is a remedy as a card's action stores it; its OMS parameters are set only by the chain.
func storedRemedy(js string) diagnostics.Remedy {
	var r diagnostics.Remedy
	if err := json.Unmarshal([]byte(js), &r); err != nil {
		panic(err)
	}
	return r
}

func associatedAfterSyncReport() diagnostics.Report {
	r := baseReport("HW-SCARF-GRN", "Wool Scarf Green")
	r.Shops[2].LinkedAt, r.Shops[2].Listing, r.Shops[2].LastSync = minutesAgo(50), "No listing data", minutesAgo(90)
	r.Status, r.Cause, r.Causes = diagnostics.StatusFail, diagnostics.CauseAssociatedAfterSync, []diagnostics.Cause{diagnostics.CauseAssociatedAfterSync}
	setCheck(r.Checks, diagnostics.CheckAssociationTime, diagnostics.StatusFail,
		"Acme UK was linked 40 minutes after its last pre-order sync",
		diagnostics.Evidence{Label: "link created", Value: "44596467138726", Shop: "10002", At: minutesAgo(50)},
		diagnostics.Evidence{Label: "last sync", Value: "SERVICE_FINISHED", Shop: "10002", JobID: "M100377", At: minutesAgo(90)})
	setCheck(r.Checks, diagnostics.CheckShopListing, diagnostics.StatusWarn, "No listing data for Acme UK")
	r.Remedies = []diagnostics.Remedy{
		storedRemedy(`{"kind":"run-job","job":"JOB_PREORDER_CAT_SYC","shopId":"10002","shopName":"Acme UK","frequency":"EVERY_15_MIN",
			"params":{"includeAll":"true"},"label":"Run a full pre-order sync for Acme UK"}`),
		{Kind: diagnostics.RemedyEscalate, Label: "Escalate to HotWax Support"},
	}
	return r
}

func jobsDisabledReport() diagnostics.Report {
	r := baseReport("HW-BEANIE-BLK", "Beanie Black")
	r.Shops[1].Listing, r.Shops[2].Listing = "Not listed", "Not listed"
	r.Status, r.Cause, r.Causes = diagnostics.StatusFail, diagnostics.CausePresellJobsDisabled, []diagnostics.Cause{diagnostics.CausePresellJobsDisabled}
	setCheck(r.Checks, diagnostics.CheckPresellRefresh, diagnostics.StatusFail, "Not enabled: only a draft exists",
		diagnostics.Evidence{Label: "draft job", Value: "SERVICE_DRAFT", JobID: "JOB_REL_PREODR_CAT"})
	setCheck(r.Checks, diagnostics.CheckCatalogSync, diagnostics.StatusFail, "Not enabled: only a draft exists",
		diagnostics.Evidence{Label: "draft job", Value: "SERVICE_DRAFT", JobID: "JOB_PREORDER_CAT_SYC"})
	r.Remedies = []diagnostics.Remedy{
		{Kind: diagnostics.RemedyEnableJob, Job: "JOB_REL_PREODR_CAT", Frequency: "EVERY_15_MIN", Label: "Enable Auto Refresh Pre-sell Catalog"},
		{Kind: diagnostics.RemedyEnableJob, Job: "JOB_PREORDER_CAT_SYC", Frequency: "EVERY_15_MIN", Label: "Enable Preorder Catalog Sync"},
		{Kind: diagnostics.RemedyEscalate, Label: "Escalate to HotWax Support"},
	}
	return r
}

func jobFailingReport() diagnostics.Report {
	r := baseReport("HW-GLOVE-L", "Leather Glove L")
	r.Shops[1].Listing = "Listing failed"
	r.Status, r.Cause, r.Causes = diagnostics.StatusFail, diagnostics.CauseJobFailing, []diagnostics.Cause{diagnostics.CauseJobFailing}
	setCheck(r.Checks, diagnostics.CheckJobFailures, diagnostics.StatusFail,
		"Preorder Catalog Sync failed for Acme CA: Variant <gid://shopify/ProductVariant/44596467138725> not found",
		diagnostics.Evidence{Label: "Preorder Catalog Sync for Acme CA", Value: "SERVICE_FAILED: Variant <gid://shopify/ProductVariant/44596467138725> not found & skipped",
			Shop: "10001", JobID: "M100455", At: minutesAgo(20), Extra: map[string]string{"lastSuccess": minutesAgo(4320).Format(time.RFC3339)},
			Signature: &diagnostics.SignatureRef{}}) // not a known failure
	setCheck(r.Checks, diagnostics.CheckShopListing, diagnostics.StatusWarn, "Listing failed in Acme CA")
	r.Remedies = []diagnostics.Remedy{
		{Kind: diagnostics.RemedyRunJob, Job: "JOB_PREORDER_CAT_SYC", ShopID: "10001", ShopName: "Acme CA", Frequency: "EVERY_15_MIN",
			Label: "Run Preorder Catalog Sync again for Acme CA"},
		{Kind: diagnostics.RemedyEscalate, Label: "Escalate to HotWax Support"},
	}
	return r
}

func manualLinkReport() diagnostics.Report {
	r := baseReport("HW-SOCK-S", "Merino Sock S")
	r.Shops[2].Linked, r.Shops[2].LinkedAt, r.Shops[2].VariantID, r.Shops[2].Listing = false, time.Time{}, "", "Not linked"
	r.Status, r.Cause, r.Causes = diagnostics.StatusFail, diagnostics.CauseNeedsManualLink, []diagnostics.Cause{diagnostics.CauseNeedsManualLink}
	setCheck(r.Checks, diagnostics.CheckShopLinks, diagnostics.StatusFail, "Not linked to Acme UK although every job runs",
		diagnostics.Evidence{Label: "missing link", Value: "no ShopifyShopProduct row", Shop: "10002"})
	setCheck(r.Checks, diagnostics.CheckShopListing, diagnostics.StatusWarn, "Not listed in Acme UK")
	r.Remedies = []diagnostics.Remedy{
		{Kind: diagnostics.RemedyLinkProduct, ShopID: "10002", ShopName: "Acme UK", Label: "Link product to Acme UK"},
		{Kind: diagnostics.RemedyEscalate, Label: "Escalate to HotWax Support"},
	}
	return r
}

func unexplainedReport() diagnostics.Report {
	r := baseReport("HW-CAP-OS", "Canvas Cap")
	r.Shops[1].Listing = "Not listed"
	r.Status, r.Cause, r.Causes = diagnostics.StatusWarn, diagnostics.CauseUnexplained, []diagnostics.Cause{diagnostics.CauseUnexplained}
	setCheck(r.Checks, diagnostics.CheckShopListing, diagnostics.StatusWarn, "Not listed in Acme CA although linked and synced")
	r.Remedies = []diagnostics.Remedy{{Kind: diagnostics.RemedyEscalate, Label: "Escalate to HotWax Support"}}
	return r
}

func unavailableReport() diagnostics.Report {
	r := baseReport("HW-BOOT-42", "")
	r.Product, r.Shops, r.Checks = nil, nil, nil
	r.Status, r.Cause, r.Causes = diagnostics.StatusUnknown, diagnostics.CauseOMSUnavailable, []diagnostics.Cause{diagnostics.CauseOMSUnavailable}
	for _, id := range diagnostics.CheckIDs {
		r.Checks = append(r.Checks, diagnostics.Check{ID: id, Status: diagnostics.StatusUnknown, Summary: "OMS did not answer"})
	}
	r.Failures = []diagnostics.Failure{
		{Kind: diagnostics.FailureUnreachable, Call: "product lookup (solr-query), shops (performFind ShopifyShopAndConfig)",
			Message: "the OMS is not answering: HTTP 503 Service Unavailable", Fix: "wait for the OMS to come back, then re-check",
			Checks: []diagnostics.CheckID{diagnostics.CheckProduct, diagnostics.CheckShopLinks}},
		{Kind: diagnostics.FailureUnreachable, Call: "scheduled jobs (findJobs)", Message: "no answer before the deadline",
			Fix: "check that the OMS at HOTWAX_BASE_URL answers; raise HOTWAX_TIMEOUT if it is only slow", Checks: []diagnostics.CheckID{diagnostics.CheckPresellRefresh}},
	}
	r.Remedies = []diagnostics.Remedy{{Kind: diagnostics.RemedyRecheck, Label: "Re-check"}}
	r.OMSCalls = 2
	return r
}

// incompleteReport: the listings answer came in a shape the bot does not read; every other check passed.
func incompleteReport() diagnostics.Report {
	r := baseReport("HW-JACKET-L", "Waxed Jacket L")
	r.Shops[1].Listing, r.Shops[2].Listing = "Unknown", "Unknown"
	r.Status, r.Cause, r.Causes = diagnostics.StatusUnknown, diagnostics.CauseIncomplete, []diagnostics.Cause{diagnostics.CauseIncomplete}
	setCheck(r.Checks, diagnostics.CheckShopListing, diagnostics.StatusUnknown, "could not read the listings of Acme CA, Acme UK")
	r.Failures = []diagnostics.Failure{{
		Kind: diagnostics.FailureUnexpected, Call: "listings (solr-query shopifyCore) for shops 10001, 10002",
		Message: `field "response.docs.operation" is a JSON array where the bot reads a string`,
		Fix:     "report it to the bot's maintainers with this message: the OMS answered in a shape the bot does not read",
		Checks:  []diagnostics.CheckID{diagnostics.CheckShopListing},
	}}
	r.Remedies = []diagnostics.Remedy{
		{Kind: diagnostics.RemedyRecheck, Label: "Re-check"},
		{Kind: diagnostics.RemedyEscalate, Label: "Escalate to HotWax Support"},
	}
	return r
}

// actionIDs returns one opaque id per remedy, the way the bot would create them.
func actionIDs(r diagnostics.Report) []string {
	ids := make([]string, len(r.Remedies))
	for i := range ids {
		ids[i] = "a:" + r.SKU + ":" + string(rune('0'+i%10))
	}
	return ids
}

// remedyButtons pairs ids[i] with nextRuns[i] (empty past its end).
func remedyButtons(ids []string) []RemedyButton {
	out := make([]RemedyButton, len(ids))
	for i, id := range ids {
		out[i].ActionID = id
	}
	return out
}
