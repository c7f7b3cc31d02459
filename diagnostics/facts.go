package diagnostics

import "time"

// The facts below are what the chain and the executor read from the OMS, in the chain's own words. An
// adapter (diagnostics/hotwax) maps the OMS's rows into them; nothing here knows how the OMS spells them.

// CatalogProduct is a product of the store's catalog, as the search index knows it.
type CatalogProduct struct {
	ProductID    string
	SKU          string
	InternalName string
	Name         string
	VirtualID    string // the virtual product a variant belongs to
	VirtualName  string
	IsVariant    bool
	// IndexedLinks are the shops the index says the product is linked to, with its variant id in each.
	IndexedLinks []IndexedLink
}

// IndexedLink is a product's variant id in one shop, as the search index records the link.
type IndexedLink struct {
	ShopID    string
	VariantID string
}

// Shop is a Shopify shop of a product store.
type Shop struct {
	ShopID          string
	Name            string
	ShopifyConfigID string // names the shop's Shopify connection when a job is scheduled for it
	Disconnected    bool   // the OMS has lost access to the shop
}

// ShopLink is a product as known to one Shopify shop. VariantID holds the Shopify variant id.
type ShopLink struct {
	ShopID          string
	ProductID       string
	VariantID       string // the Shopify variant id in the shop
	InventoryItemID string // the Shopify inventory item id, written with a new link
	CreatedAt       time.Time
	UpdatedAt       time.Time
}

// Catalog category types that make a product pre-orderable. The values are the OMS's, because evidence
// shows them.
const (
	CategoryPreorder  = "PCCT_PREORDR"
	CategoryBackorder = "PCCT_BACKORDER"
)

// Category is a pre-order or backorder category of the store's catalog.
type Category struct {
	CategoryID string
	Type       string // CategoryPreorder or CategoryBackorder
}

// CategoryMember is a product's current place in a category.
type CategoryMember struct {
	ProductID  string
	CategoryID string
	FromDate   time.Time
	ThruDate   time.Time
	UpdatedAt  time.Time
}

// Job statuses. The values are the OMS's, because stored reports and watched runs carry them.
const (
	JobDraft     = "SERVICE_DRAFT"
	JobPending   = "SERVICE_PENDING"
	JobRunning   = "SERVICE_RUNNING"
	JobQueued    = "SERVICE_QUEUED"
	JobFinished  = "SERVICE_FINISHED"
	JobFailed    = "SERVICE_FAILED"
	JobCrashed   = "SERVICE_CRASHED"
	JobCancelled = "SERVICE_CANCELLED"
)

// Job is a job of the OMS: a draft to schedule from, a pending schedule, or a run. Zero times mean the OMS
// sent no value.
type Job struct {
	JobID          string
	Type           string // which job: one of the Jobs ids
	Status         string // one of the Job statuses
	Frequency      string // how often a pending job runs; empty for a one-off run
	ParentJobID    string // the scheduled job a run was started from
	ServiceName    string
	Result         string // the error text of a failed run
	ProductStoreID string
	ShopID         string
	RunTime        time.Time
	Started        time.Time
	Finished       time.Time
	Cancelled      time.Time
	Created        time.Time
	Params         map[string]string // the job's own parameters; a value the OMS sent as null is ""
	// Row is the adapter's own record of the job, handed back untouched when a job is scheduled from this
	// draft, so that its configuration reaches the OMS exactly as it was read.
	Row any
}

// Shop returns the shop a job is for: its own shop, else the one its parameters name.
func (j Job) Shop() string {
	if j.ShopID != "" {
		return j.ShopID
	}
	return j.Params["shopId"]
}

// RuntimeError is the error the OMS put in the job's parameters: the job has no usable configuration
// (the Job Manager's hasJobDataError).
func (j Job) RuntimeError() string { return j.Params["_ERROR_MESSAGE_"] }

// Scheduled reports whether the job is enabled in the Job Manager's sense: pending with a frequency.
func (j Job) Scheduled() bool { return j.Status == JobPending && j.Frequency != "" }

// EndTime is when a run ended: when it was cancelled for cancelled or crashed runs, else when it finished.
func (j Job) EndTime() time.Time {
	if j.Status == JobCancelled || j.Status == JobCrashed {
		return j.Cancelled
	}
	return j.Finished
}

// JobQuery selects jobs. A field with one value is an equals condition, several an "in".
type JobQuery struct {
	Types          []string
	Statuses       []string
	ProductStoreID string
	ShopID         string
	OrderBy        string // e.g. "runTime DESC"
	ViewSize       int    // default 50
	ViewIndex      int
}

// ScheduleRequest schedules a job from its draft, or runs a one-off copy when RunNow is set.
type ScheduleRequest struct {
	Draft           Job
	Frequency       string            // ignored for RunNow
	FirstRun        time.Time         // zero: the OMS decides
	Params          map[string]string // the remedy's own parameters, such as the batch size
	ProductStoreID  string
	ShopID          string
	ShopifyConfigID string
	TimeZone        string // IANA zone for recurrence
	UserLogin       string // recorded as the job's creator
	RunNow          bool
}

// ScheduleResult is what the OMS answered to a schedule. It names no job: find the new one with FindJobs.
type ScheduleResult struct {
	SuccessMessage string
}

// VariantRef names a variant for a listing question: its Shopify variant id in the shop (numeric or a GID)
// and its product id. Either may be empty.
type VariantRef struct {
	VariantID string
	ProductID string
}

// Listing is the newest Shopify result for a variant in one shop.
type Listing struct {
	ShopID        string
	VariantID     string
	Status        string // "active" or "inactive"; empty when the value could not be attributed to the variant
	PromiseDate   string
	LastUpdatedAt time.Time // when the pre-order sync last wrote the variant
	ContainsError bool
	Timestamp     time.Time // when Shopify answered
}

// ProductStore is a product store of the OMS.
type ProductStore struct {
	ProductStoreID string
	Name           string
}

// MembersPage is one page of a catalog's category members.
type MembersPage struct {
	Members []CategoryMember
	Total   int // rows matching, over every page
}

// ProductsPage is one page of a store's sellable products.
type ProductsPage struct {
	Products []CatalogProduct
	Total    int // products matching, over every page
}
