package hotwaxtest

import (
	"time"

	"github.com/preorderbot/preorderbot/diagnostics/hotwax"
)

// jobDef is a job type as the OMS knows it: its Enumeration row, its draft and its service's IN parameters.
type jobDef struct {
	Enum        string
	JobName     string // the draft's jobName
	EnumName    string
	Description string
	EnumTypeID  string
	Service     string
	PerShop     bool     // the draft's runtimeData has shopId/shopifyConfigId keys
	Extra       []string // further runtimeData keys of the draft, in order, with their default values
	Params      []hotwax.ServiceParam
}

// jobDefs are the job types of every scenario. Service names follow the OFBiz shopify-connector where known.
var jobDefs = []jobDef{
	{
		Enum: hotwax.JobAssociation, JobName: "Associate products with sub catalog", EnumName: "Associate products with sub catalog",
		Description: "Link products of a child Shopify shop to the products of the master catalog",
		EnumTypeID:  "PRODUCT_SYS_JOB", Service: "queueImportShopifyShopProducts", PerShop: true,
		Extra: []string{"configId", "IMP_SHPFY_SHOP_PROD", "limit", "null", "bufferTime", "null"},
		Params: []hotwax.ServiceParam{
			{Name: "shopifyConfigId", Type: "String"}, {Name: "shopId", Type: "String", Optional: true},
			{Name: "productStoreId", Type: "String", Optional: true}, {Name: "configId", Type: "String", Optional: true},
			{Name: "limit", Type: "Integer", Optional: true}, {Name: "bufferTime", Type: "Integer", Optional: true},
		},
	},
	{
		Enum: hotwax.JobPresellRefresh, JobName: "Auto refresh pre-sell catalog", EnumName: "Auto refresh pre-sell catalog",
		Description: "Add and remove products from the pre-order and backorder catalogs",
		EnumTypeID:  "PRE_ORD_SYS_JOB", Service: "releasePreorderCatalogItems",
		Params: []hotwax.ServiceParam{{Name: "productStoreId", Type: "String", Optional: true}},
	},
	{
		Enum: hotwax.JobCatalogSync, JobName: "Preorder catalog sync", EnumName: "Sync variant details",
		Description: "Push pre-order catalog ship from dates and inventory policies to Shopify",
		EnumTypeID:  "PRE_ORD_SYS_JOB", Service: "pushPreorderCatalogOnShopify", PerShop: true,
		Extra: []string{"includeAll", "false", "preorderNamespace", "HC_PREORDER"},
		Params: []hotwax.ServiceParam{
			{Name: "shopifyConfigId", Type: "String"}, {Name: "shopId", Type: "String", Optional: true},
			{Name: "productStoreId", Type: "String", Optional: true}, {Name: "includeAll", Type: "Boolean", Optional: true},
			{Name: "preorderNamespace", Type: "String", Optional: true}, {Name: "bufferTime", Type: "Integer", Optional: true},
		},
	},
	{
		Enum: hotwax.JobImportUpdates, JobName: "Import product updates", EnumName: "Import product updates",
		Description: "Import products updated in the Shopify shop",
		EnumTypeID:  "PRODUCT_SYS_JOB", Service: "queueImportShopifyProductUpdates", PerShop: true,
		Params: []hotwax.ServiceParam{
			{Name: "shopifyConfigId", Type: "String"}, {Name: "shopId", Type: "String", Optional: true},
			{Name: "productStoreId", Type: "String", Optional: true},
		},
	},
}

func jobDefFor(enum string) (jobDef, bool) {
	for _, d := range jobDefs {
		if d.Enum == enum {
			return d, true
		}
	}
	return jobDef{}, false
}

// frequency is a TemporalExpression of type FREQUENCY: integer1 is the unit (12 minutes, 10 hours, 5 days),
// integer2 the count.
type frequency struct {
	ID          string
	Description string
	Integer1    int
	Integer2    int
}

var frequencies = []frequency{
	{"EVERY_5_MIN", "Every 5 minutes", 12, 5},
	{"EVERY_15_MIN", "Every 15 minutes", 12, 15},
	{"EVERY_30_MIN", "Every 30 minutes", 12, 30},
	{"HOURLY", "Hourly", 10, 1},
	{"EVERY_6_HOUR", "Every 6 hours", 10, 6},
	{"EVERYDAY", "Every day", 5, 1},
}

func frequencyFor(id string) (frequency, bool) {
	for _, f := range frequencies {
		if f.ID == id {
			return f, true
		}
	}
	return frequency{}, false
}

// next is the occurrence after t.
func (f frequency) next(t time.Time) time.Time {
	switch f.Integer1 {
	case 12:
		return t.Add(time.Duration(f.Integer2) * time.Minute)
	case 10:
		return t.Add(time.Duration(f.Integer2) * time.Hour)
	default:
		return t.AddDate(0, 0, f.Integer2)
	}
}

// interval is the length of one period, for building histories.
func (f frequency) interval() time.Duration {
	var zero time.Time
	return f.next(zero).Sub(zero)
}
