package hotwaxtest

import "slices"

// Scenario is a named state of the simulated OMS reproducing one cause of the troubleshooting guide.
//
// Every scenario shares this data (times relative to the moment the scenario is built):
//
//   - product store STORE with catalog PREORDER_CATALOG and its categories PREORDER_CAT (PCCT_PREORDR) and
//     BACKORDER_CAT (PCCT_BACKORDER);
//   - shops (ShopifyShopAndConfig, shopifyConfigId "SHOP_CONFIG_<shopId>"): 10000 "Acme US" (the parent),
//     10001 "Acme CA", 10002 "Acme UK", and 10003 "Acme AU" with accessScopeEnumId SHOP_NO_ACCESS
//     (disconnected);
//   - drafts (SERVICE_DRAFT) of JOB_UPD_PROD_ASSOC, JOB_REL_PREODR_CAT, JOB_PREORDER_CAT_SYC and JOB_IMP_PROD_UPD,
//     with runtimeData keys shopId/shopifyConfigId/productStoreId ("null") and serviceInParams (limit for the
//     association job, includeAll for the sync);
//   - pending jobs, unless the scenario says otherwise: JOB_IMP_PROD_UPD HOURLY for 10000 only (the parent
//     marker), JOB_UPD_PROD_ASSOC HOURLY for 10001 and 10002, JOB_REL_PREODR_CAT EVERY_15_MIN store-wide
//     (no shopId), JOB_PREORDER_CAT_SYC EVERY_15_MIN for 10000, 10001 and 10002; each with three FINISHED runs,
//     the last 10 minutes ago, and the next runTime one period after it;
//   - pre-order catalog sync watermarks (SystemProperty "<shopId>.PREORDER_CATALOG.sync.time") 10 minutes ago;
//   - the healthy control products: virtual HW-JACKET (productId 19010) with variants HW-JACKET-M (20011) and
//     HW-JACKET-L (20012), members of PREORDER_CAT for 10 days (lastUpdatedStamp 10 days ago), linked to 10000,
//     10001 and 10002 30 days ago, listed (active) in those three shops just after the last sync.
//
// Products: a variant numbered n has productId 20000+n; its Shopify variant id in shop 1000k is
// 45000000000000 + k·10^10 + 2·10^9 + n and its inventory item id 47000000000000 + (k+1)·10^10 + n (so 14 digits,
// distinct per shop). Every shop's Shopify catalog, AU included, holds every variant SKU under those ids unless a
// scenario says otherwise. The promise date pushed to listings is 45 days after the scenario was built.
type Scenario struct {
	Name        string
	Title       string
	Description string // the data, for developers
	// Story says the same for a person trying the demo, in the words an operator uses.
	Story string
	SKUs  []string // the SKUs to check, the scenario's own first, the healthy control last
	Cause string   // the diagnostics cause id the chain should report for the first SKU
	build func(b *builder)
}

// Scenario names.
const (
	ScenarioHealthy                    = "healthy"
	ScenarioAssociationJobNotScheduled = "association-job-not-scheduled"
	ScenarioAssociatedAfterSync        = "associated-after-sync"
	ScenarioPresellJobsDisabled        = "presell-jobs-disabled"
	ScenarioJobFailing                 = "job-failing"
	ScenarioNeedsManualLink            = "needs-manual-link"
	ScenarioNotPreorder                = "not-preorder"
	ScenarioUnknownSKU                 = "unknown-sku"
	ScenarioDraftWithoutConfiguration  = "draft-without-configuration"
)

// Shop ids of every scenario.
const (
	ShopUS = "10000" // parent
	ShopCA = "10001"
	ShopUK = "10002"
	ShopAU = "10003" // disconnected
)

// ControlSKU is the healthy product present in every scenario.
const ControlSKU = "HW-JACKET-M"

// DraftRuntimeError is the _ERROR_MESSAGE_ the association job's draft carries in its runtimeData in the
// draft-without-configuration scenario: the OMS could not read the draft's RuntimeData.
const DraftRuntimeError = "Problem deserializing RuntimeData [500001] for job JOB_UPD_PROD_ASSOC: " +
	"org.xml.sax.SAXParseException; Premature end of file."

// CatalogSyncFailure is the jobResult of the failing catalog sync runs of the job-failing scenario.
const CatalogSyncFailure = "Error while pushing preorder catalog to Shopify for shop 10001: [API] Access denied for " +
	"productVariantsBulkUpdate field. Required access: write_products access scope."

// UKSyncThrottled and UKSyncTimeout are the jobResults of the UK catalog sync runs of the job-failing
// scenario: Shopify's rate limit (GraphQL errors[].extensions.code THROTTLED, https://shopify.dev/docs/api/usage/rate-limits)
// and a read timeout, both of which pass by themselves.
const (
	UKSyncThrottled = "Error while pushing preorder catalog to Shopify for shop 10002: [{\"message\":\"Throttled\"," +
		"\"extensions\":{\"code\":\"THROTTLED\",\"documentation\":\"https://shopify.dev/api/usage/rate-limits\"}}]"
	UKSyncTimeout = "Error while pushing preorder catalog to Shopify for shop 10002: java.net.SocketTimeoutException: Read timed out"
)

var scenarios = []Scenario{
	{
		Name: ScenarioHealthy, Title: "Everything in sync", Cause: "healthy",
		SKUs: []string{"HW-JACKET-M", "HW-JACKET-L"},
		Story: "HW-JACKET-M and HW-JACKET-L are pre-order products, linked to the US, Canada and UK shops and listed " +
			"in all three. Every job runs on time: nothing to fix.",
		Description: "HW-JACKET-M and HW-JACKET-L are in PREORDER_CAT (10 days), linked to 10000, 10001 and 10002 " +
			"(30 days ago) and listed in all three after the last sync; every job is scheduled and finishing.",
		build: func(*builder) {},
	},
	{
		Name: ScenarioAssociationJobNotScheduled, Title: "Association job not scheduled", Cause: ScenarioAssociationJobNotScheduled,
		SKUs: []string{"HW-BOOT-42", ControlSKU},
		Story: "HW-BOOT-42 is a pre-order product, but only the US shop has it: the job that links products to the " +
			"other shops (Associate Products with Sub Catalog) was never scheduled for Acme CA and Acme UK.",
		Description: "HW-BOOT-42 (20021) is in PREORDER_CAT (10 days) and linked to 10000 only, listed there only. " +
			"JOB_UPD_PROD_ASSOC exists only as a draft: no pending row and no run for any shop. The CA and UK " +
			"Shopify catalogs list the SKU, so scheduling (or running) the association job for a shop links it.",
		build: buildAssociationJobNotScheduled,
	},
	{
		Name: ScenarioAssociatedAfterSync, Title: "Associated after the last sync", Cause: ScenarioAssociatedAfterSync,
		SKUs: []string{"HW-SCARF-GRN", ControlSKU},
		Story: "HW-SCARF-GRN was linked to Acme CA two days ago, after Canada's last catalog sync had passed it. " +
			"Regular syncs send only what changed since, so Canada never gets it until a full sync runs.",
		Description: "HW-SCARF-GRN (20031) is in PREORDER_CAT with lastUpdatedStamp 5 days ago; linked to 10000 " +
			"and 10002 30 days ago and to 10001 2 days ago, after CA's delta syncs had passed the member row. " +
			"Listed in 10000 and 10002, not in 10001. Jobs are healthy; delta syncs never list it in CA, a CA " +
			"sync run with includeAll=Y does.",
		build: buildAssociatedAfterSync,
	},
	{
		Name: ScenarioPresellJobsDisabled, Title: "Pre-sell jobs disabled", Cause: ScenarioPresellJobsDisabled,
		SKUs: []string{"HW-BEANIE-BLK", ControlSKU},
		Story: "HW-BEANIE-BLK joined the pre-order catalog three days ago, but the Auto Refresh Pre-sell Catalog and " +
			"Preorder Catalog Sync jobs were switched off a week ago, so no shop lists it.",
		Description: "HW-BEANIE-BLK (20041) joined PREORDER_CAT 3 days ago and is linked everywhere (30 days ago), " +
			"but JOB_REL_PREODR_CAT and JOB_PREORDER_CAT_SYC were cancelled 7 days ago: drafts only, last runs " +
			"and watermarks 7 days old, no listing in any shop. Scheduling the sync jobs lists it.",
		build: buildPresellJobsDisabled,
	},
	{
		Name: ScenarioJobFailing, Title: "Catalog sync failing for CA", Cause: ScenarioJobFailing,
		SKUs: []string{"HW-GLOVE-L", "HW-MITTEN-S", ControlSKU},
		Story: "HW-GLOVE-L is linked everywhere, but Canada's catalog sync failed its last three runs: HotWax's " +
			"Shopify app lacks the permission to write products. The UK sync failed for a while too (Shopify was " +
			"busy), so HW-MITTEN-S, new in the pre-order catalog, waits for the next UK sync.",
		Description: "HW-GLOVE-L (20051) joined PREORDER_CAT 2 days ago and is linked everywhere (30 days ago). " +
			"All jobs are scheduled, but the last 3 runs of JOB_PREORDER_CAT_SYC for 10001 (10, 25 and 40 minutes " +
			"ago) FAILED with a missing write_products scope; CA's last successful run and watermark are 3 days " +
			"old. Listed in 10000 and 10002 only. FixJob(JOB_PREORDER_CAT_SYC, \"10001\") makes later runs succeed. " +
			"The UK syncs of the same hour failed too (a read timeout, then Shopify's THROTTLED twice) after a " +
			"success 55 minutes ago, but later UK runs succeed: HW-MITTEN-S (20056), which joined PREORDER_CAT 50 " +
			"minutes ago, is listed in 10000 only until a UK sync runs again.",
		build: buildJobFailing,
	},
	{
		Name: ScenarioNeedsManualLink, Title: "Needs a manual link", Cause: ScenarioNeedsManualLink,
		SKUs: []string{"HW-SOCK-S", ControlSKU},
		Story: "HW-SOCK-S is missing in Acme CA because Canada's Shopify has it under another SKU (HW-SOCKS-S), so " +
			"automatic linking never matches it. Link it by hand: Shopify variant 45012000000077, inventory item " +
			"47020000000077.",
		Description: "HW-SOCK-S (20077) is in PREORDER_CAT (10 days), linked to 10000 and 10002. CA's Shopify " +
			"catalog has the variant under SKU HW-SOCKS-S (variant id 45012000000077, inventory item id " +
			"47020000000077), so the association job, scheduled and finishing, never links it. A manual " +
			"createShopifyShopProduct for 10001 with those ids works; a following includeAll sync lists it.",
		build: buildNeedsManualLink,
	},
	{
		Name: ScenarioNotPreorder, Title: "Not in the pre-order catalog", Cause: ScenarioNotPreorder,
		SKUs: []string{"HW-TEE-WHT", ControlSKU},
		Story: "HW-TEE-WHT has an open purchase order but is not in the pre-order catalog: the Auto Refresh Pre-sell " +
			"Catalog job that would add it is switched off.",
		Description: "HW-TEE-WHT (20061) is linked everywhere but in no pre-order or backorder category, though " +
			"eligible (open purchase order). JOB_REL_PREODR_CAT is a draft only; running or enabling it adds the " +
			"product to PREORDER_CAT with a fresh lastUpdatedStamp, and the next delta sync lists it.",
		build: buildNotPreorder,
	},
	{
		Name: ScenarioDraftWithoutConfiguration, Title: "Association job draft without configuration",
		Cause: ScenarioAssociationJobNotScheduled,
		SKUs:  []string{"HW-PARKA-S", ControlSKU},
		Story: "HW-PARKA-S is in the US shop only, as in the association case, but the association job's setup in " +
			"HotWax is broken, so HotWax refuses to schedule it: a case for HotWax Support.",
		Description: "HW-PARKA-S (20081) is in PREORDER_CAT (10 days) and linked to 10000 only, listed there only. " +
			"JOB_UPD_PROD_ASSOC has no pending row, and its draft's runtimeData holds _ERROR_MESSAGE_ " +
			"(DraftRuntimeError): the Job Manager refuses to schedule it, and so must the bot.",
		build: buildDraftWithoutConfiguration,
	},
	{
		Name: ScenarioUnknownSKU, Title: "Unknown SKU", Cause: ScenarioUnknownSKU,
		SKUs:        []string{"HW-NOPE-1", ControlSKU},
		Story:       "HW-NOPE-1 does not exist in the store. Try it, or a SKU typed in the wrong case, to see the suggestions.",
		Description: "HW-NOPE-1 exists nowhere: not in Solr, not a Product. The rest is the healthy data.",
		build:       func(*builder) {},
	},
}

// Scenarios lists every scenario, in the guide's order.
func Scenarios() []Scenario {
	return slices.Clone(scenarios)
}

// ScenarioNames lists the scenario names.
func ScenarioNames() []string {
	names := make([]string, 0, len(scenarios))
	for _, s := range scenarios {
		names = append(names, s.Name)
	}
	return names
}

func scenarioByName(name string) (Scenario, bool) {
	for _, s := range scenarios {
		if s.Name == name {
			return s, true
		}
	}
	return Scenario{}, false
}

// Fixed ids of the model.
const (
	storeID        = "STORE"
	catalogID      = "PREORDER_CATALOG"
	preorderCatID  = "PREORDER_CAT"
	backorderCatID = "BACKORDER_CAT"
)
