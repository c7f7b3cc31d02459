package hotwax

import (
	"encoding/json"
	"time"

	"github.com/preorderbot/preorderbot/diagnostics"
)

// Job statuses of a JobSandbox row.
const (
	StatusDraft     = "SERVICE_DRAFT"
	StatusPending   = "SERVICE_PENDING"
	StatusRunning   = "SERVICE_RUNNING"
	StatusQueued    = "SERVICE_QUEUED"
	StatusFinished  = "SERVICE_FINISHED"
	StatusFailed    = "SERVICE_FAILED"
	StatusCrashed   = "SERVICE_CRASHED"
	StatusCancelled = "SERVICE_CANCELLED"
)

// Default job enum ids (hotwax-api §4.7); callers take them from configuration.
const (
	JobAssociation    = "JOB_UPD_PROD_ASSOC"
	JobPresellRefresh = "JOB_REL_PREODR_CAT"
	JobCatalogSync    = "JOB_PREORDER_CAT_SYC"
	JobImportNew      = "JOB_IMP_PROD_NEW"
	JobImportUpdates  = "JOB_IMP_PROD_UPD"
)

// Catalog category types that make a product pre-orderable.
const (
	CategoryPreorder  = "PCCT_PREORDR"
	CategoryBackorder = "PCCT_BACKORDER"
)

// AccessNone marks a shop whose Shopify connection is gone ("Disconnected" in the apps).
const AccessNone = "SHOP_NO_ACCESS"

// Frequencies are the TemporalExpression ids the Job Manager offers, in its order.
var Frequencies = diagnostics.Frequencies

// Product is one Solr product document.
type Product struct {
	ProductID            string   `json:"productId"`
	SKU                  string   `json:"sku"`
	InternalName         string   `json:"internalName"`
	Name                 string   `json:"productName"`
	ParentName           string   `json:"parentProductName,omitempty"`
	GroupID              string   `json:"groupId,omitempty"`
	IsVirtual            bool     `json:"isVirtual"`
	IsVariant            bool     `json:"isVariant"`
	GoodIdentifications  []string `json:"goodIdentifications,omitempty"`
	CatalogCategoryTypes []string `json:"prodCatalogCategoryTypeIds,omitempty"`
	Categories           []string `json:"productCategories,omitempty"`
	ProductStoreIDs      []string `json:"productStoreIds,omitempty"`
}

// Shop is a Shopify shop of a product store (ShopifyShopAndConfig).
type Shop struct {
	ShopID          string `json:"shopId"`
	Name            string `json:"name"`
	ShopifyConfigID string `json:"shopifyConfigId"`
	AccessScope     string `json:"accessScopeEnumId,omitempty"`
}

// Disconnected reports whether HotWax has lost access to the shop.
func (s Shop) Disconnected() bool { return s.AccessScope == AccessNone }

// ShopLink is a ShopifyShopProduct row: the product as known to one Shopify shop.
// ShopifyProductID holds the Shopify variant id, not the product id.
type ShopLink struct {
	ShopID                 string    `json:"shopId"`
	ProductID              string    `json:"productId"`
	ShopifyProductID       string    `json:"shopifyProductId"`
	ShopifyInventoryItemID string    `json:"shopifyInventoryItemId,omitempty"`
	CreatedAt              time.Time `json:"createdStamp"`
	UpdatedAt              time.Time `json:"lastUpdatedStamp"`
}

// Category is a pre-order or backorder category of the store's catalog.
type Category struct {
	ProductCategoryID string `json:"productCategoryId"`
	Type              string `json:"prodCatalogCategoryTypeId"` // CategoryPreorder or CategoryBackorder
}

// CategoryMember is an active ProductCategoryMember row.
type CategoryMember struct {
	ProductID         string    `json:"productId"`
	ProductCategoryID string    `json:"productCategoryId"`
	FromDate          time.Time `json:"fromDate"`
	ThruDate          time.Time `json:"thruDate"`
	UpdatedAt         time.Time `json:"lastUpdatedStamp"`
}

// Job is a findJobs document: a JobSandbox row joined with its Enumeration and parsed RuntimeData.
// Zero times mean the OMS sent no value.
type Job struct {
	JobID                   string            `json:"jobId"`
	JobName                 string            `json:"jobName"`
	SystemJobEnumID         string            `json:"systemJobEnumId"`
	StatusID                string            `json:"statusId"`
	TempExprID              string            `json:"tempExprId,omitempty"`
	ParentJobID             string            `json:"parentJobId,omitempty"`
	ServiceName             string            `json:"serviceName"`
	JobResult               string            `json:"jobResult,omitempty"`
	EnumTypeID              string            `json:"enumTypeId,omitempty"`
	EnumName                string            `json:"enumName,omitempty"`
	Description             string            `json:"description,omitempty"`
	RuntimeDataID           string            `json:"runtimeDataId,omitempty"`
	CreatedByUserLogin      string            `json:"createdByUserLogin,omitempty"`
	LastModifiedByUserLogin string            `json:"lastModifiedByUserLogin,omitempty"`
	RecurrenceTimeZone      string            `json:"recurrenceTimeZone,omitempty"`
	ProductStoreID          string            `json:"productStoreId,omitempty"`
	ShopID                  string            `json:"shopId,omitempty"`
	CurrentRetryCount       int               `json:"currentRetryCount,omitempty"`
	RunTime                 time.Time         `json:"runTime"`
	StartDateTime           time.Time         `json:"startDateTime"`
	FinishDateTime          time.Time         `json:"finishDateTime"`
	CancelDateTime          time.Time         `json:"cancelDateTime"`
	CreatedDate             time.Time         `json:"createdDate"`
	LastUpdatedStamp        time.Time         `json:"lastUpdatedStamp"`
	RuntimeData             map[string]string `json:"runtimeData,omitempty"` // "null" values arrive as ""
	// RuntimeValues are the runtimeData values exactly as the OMS sent them, which scheduling forwards.
	RuntimeValues   map[string]json.RawMessage `json:"-"`
	ServiceInParams []ServiceParam             `json:"serviceInParams,omitempty"`
}

// ServiceParam describes one IN parameter of a job's service.
type ServiceParam struct {
	Name     string `json:"name"`
	Type     string `json:"type"`
	Optional bool   `json:"optional"`
}

// Shop returns the shop a job is for: its shopId column, else its runtime data.
func (j Job) Shop() string {
	if j.ShopID != "" {
		return j.ShopID
	}
	return j.RuntimeData["shopId"]
}

// RuntimeError is the _ERROR_MESSAGE_ the OMS put in the job's runtimeData: the job has no usable
// configuration (the Job Manager's hasJobDataError).
func (j Job) RuntimeError() string { return j.RuntimeData["_ERROR_MESSAGE_"] }

// DraftError is a draft the OMS marks as unusable (see diagnostics.DraftError).
type DraftError = diagnostics.DraftError

// Scheduled reports whether the job is enabled in the Job Manager's sense: pending with a frequency.
func (j Job) Scheduled() bool { return j.StatusID == StatusPending && j.TempExprID != "" }

// JobQuery selects findJobs rows. A field with one value is an equals condition, several an "in".
type JobQuery struct {
	EnumIDs        []string
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
	Frequency       string            // TemporalExpression id; ignored for RunNow
	FirstRun        time.Time         // zero: the OMS decides
	Params          map[string]string // custom parameters such as "limit", sent at the root
	ProductStoreID  string
	ShopID          string
	ShopifyConfigID string
	TimeZone        string // IANA zone for recurrence
	UserLogin       string // recorded as createdByUserLogin
	RunNow          bool
}

// ScheduleResult is what scheduleService answered. No HotWax app reads a jobId from the reply, and the OMS
// does not always send one: find the new row with FindJobs.
type ScheduleResult struct {
	SuccessMessage string
}

// Listing is the newest Shopify bulk-operation result for a variant in one shop (Solr shopifyCore).
type Listing struct {
	ShopID        string    `json:"shopId"`
	VariantID     string    `json:"variantId"`
	Status        string    `json:"status"` // "active" or "inactive"
	PromiseDate   string    `json:"promiseDate,omitempty"`
	LastUpdatedAt time.Time `json:"lastUpdatedAt"`
	ContainsError bool      `json:"containsError"`
	Timestamp     time.Time `json:"timestamp"`
}

// Errors callers test with errors.Is: the domain's own, so that either package's name matches.
var (
	ErrUnauthorized   = diagnostics.ErrUnauthorized
	ErrForbidden      = diagnostics.ErrForbidden
	ErrOutcomeUnknown = diagnostics.ErrOutcomeUnknown
	ErrEmptyAnswer    = diagnostics.ErrEmptyAnswer
)
