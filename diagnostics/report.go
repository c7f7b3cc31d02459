// Package diagnostics is the HotWax "Multistore pre-orders sync" troubleshooting guide as code: a chain of
// checks that answers why a SKU is not synced to a child Shopify shop, ranks the causes in the guide's order,
// and offers remedies that an Executor can perform against the OMS.
//
// It knows nothing of Slack or bbolt; it declares the small OMS interface it consumes.
package diagnostics

import "time"

// Status is the verdict of one check.
type Status string

// Check statuses. Unknown means the OMS could not answer; it never reads as a pass.
const (
	StatusPending Status = "pending" // only on cards still being filled in
	StatusPass    Status = "pass"
	StatusWarn    Status = "warn"
	StatusFail    Status = "fail"
	StatusSkip    Status = "skip"
	StatusUnknown Status = "unknown"
)

// CheckID names one question of the guide.
type CheckID string

// Check ids, in the order the guide walks them.
const (
	CheckProduct          CheckID = "product"
	CheckPreorderCategory CheckID = "preorder-category"
	CheckShopLinks        CheckID = "shop-links"
	CheckAssociationJob   CheckID = "association-job"
	CheckAssociationTime  CheckID = "association-timing"
	CheckPresellRefresh   CheckID = "presell-refresh-job"
	CheckCatalogSync      CheckID = "catalog-sync-job"
	CheckJobFailures      CheckID = "job-failures"
	CheckShopListing      CheckID = "shop-listing"
)

// Remedy kinds.
const (
	RemedyScheduleJob = "schedule-job"
	RemedyEnableJob   = "enable-job"
	RemedyRunJob      = "run-job"
	RemedyLinkProduct = "link-product"
	RemedyRecheck     = "recheck"
	RemedyEscalate    = "escalate"
)

// Evidence is one fact a check relied on, kept as data so cards, threads and escalations can show it.
type Evidence struct {
	Label string            `json:"label"`
	Value string            `json:"value"`
	Shop  string            `json:"shopId,omitempty"`
	JobID string            `json:"jobId,omitempty"`
	At    time.Time         `json:"at,omitzero"`
	Extra map[string]string `json:"extra,omitempty"`
	// Signature explains a failed run (job-failures evidence only); an unmatched failure carries the zero
	// value, which marshals as null.
	Signature *SignatureRef `json:"signature,omitempty"`
}

// Check is the result of one question of the guide.
type Check struct {
	ID       CheckID    `json:"id"`
	Status   Status     `json:"status"`
	Summary  string     `json:"summary"`
	Evidence []Evidence `json:"evidence,omitempty"`
	Remedies []Remedy   `json:"remedies,omitempty"`
}

// Remedy is a fix the chain offers, as data; Executor performs it. Its OMS parameters are its own: callers
// ask Limit, Note, FullSync and Settings (see remedyfacts.go), and its JSON carries them as "params".
type Remedy struct {
	Kind      string `json:"kind"`
	Job       string `json:"job,omitempty"` // the job id, one of Jobs
	ShopID    string `json:"shopId,omitempty"`
	ShopName  string `json:"shopName,omitempty"`
	Frequency string `json:"frequency,omitempty"`
	Label     string `json:"label"` // what it does and where, for a button

	params map[string]string // e.g. limit, includeAll
}

// Product is the resolved product of a SKU.
type Product struct {
	ProductID   string `json:"productId"`
	Name        string `json:"name"`
	VirtualID   string `json:"virtualId,omitempty"`
	VirtualName string `json:"virtualName,omitempty"`
}

// Role of a shop in the store.
const (
	RoleParent       = "parent"
	RoleChild        = "child"
	RoleDisconnected = "disconnected"
)

// ShopFacts is one row of the per-shop matrix.
type ShopFacts struct {
	ShopID          string    `json:"shopId"`
	Name            string    `json:"name"`
	Role            string    `json:"role"`
	Linked          bool      `json:"linked"`
	LinkedAt        time.Time `json:"linkedAt,omitzero"`
	VariantID       string    `json:"variantId,omitempty"`
	AssociationJob  string    `json:"associationJob,omitempty"` // "scheduled", "draft only", …
	LastSync        time.Time `json:"lastSync,omitzero"`
	Listing         string    `json:"listing,omitempty"` // Listed, Not listed, Listing failed, No listing data, Not linked
	ListingAt       time.Time `json:"listingAt,omitzero"`
	ShopifyConfigID string    `json:"shopifyConfigId,omitempty"`
}

// Report is everything one check of one SKU found. It is stored and diffed, so its JSON is stable.
type Report struct {
	SKU            string      `json:"sku"`
	ProductStoreID string      `json:"productStoreId"`
	Product        *Product    `json:"product"`
	Status         Status      `json:"status"` // worst check status: pass, warn, fail or unknown
	Cause          Cause       `json:"cause"`  // most likely cause
	Causes         []Cause     `json:"causes"` // every cause that applies, most likely first
	Checks         []Check     `json:"checks"`
	Shops          []ShopFacts `json:"shops"`
	ParentSource   string      `json:"parentSource,omitempty"` // how the parent shop was chosen
	Remedies       []Remedy    `json:"remedies"`
	SimilarSKUs    []string    `json:"similarSkus,omitempty"` // for an unknown SKU: the store's closest SKUs
	Failures       []Failure   `json:"failures,omitempty"`    // each OMS call that failed, once
	CheckedAt      time.Time   `json:"checkedAt"`
	Elapsed        Duration    `json:"elapsedMs"`
	OMSCalls       int         `json:"omsCalls"`
}

// Duration marshals as whole milliseconds.
type Duration time.Duration
