package diagnostics

import (
	"context"
	"time"
)

// OMS is what the chain reads from HotWax. *hotwax.OMS satisfies it; tests use function-field fakes.
type OMS interface {
	ProductsBySKU(ctx context.Context, storeID string, skus []string) ([]CatalogProduct, error)
	Shops(ctx context.Context, storeID string) ([]Shop, error)
	ShopLinks(ctx context.Context, productIDs []string) ([]ShopLink, error)
	PreorderCategories(ctx context.Context, storeID string) ([]Category, error)
	CategoryMembers(ctx context.Context, productIDs []string) ([]CategoryMember, error)
	FindJobs(ctx context.Context, q JobQuery) ([]Job, error)
	Listings(ctx context.Context, shopID string, variants []VariantRef) ([]Listing, error)
}

// Jobs names the job enum ids the chain reasons about. HotWax's own documents disagree on some of them,
// so they come from configuration; the adapter knows the ids the apps use (hotwax.DefaultJobs).
type Jobs struct {
	Association    string
	PresellRefresh string
	CatalogSync    string
	ImportNew      string
	ImportUpdates  string
	// FullRepush is the "Bulk push pre-order catalog" job when the instance has one; empty means a
	// catalog sync run with includeAll "Y" does the full push.
	FullRepush string
}

// Options tunes a Chain. Jobs must name the jobs; every other field has a default.
type Options struct {
	// ParentShopID names the parent shop; empty means infer it (see inferParent).
	ParentShopID string
	// Jobs are the job enum ids.
	Jobs Jobs
	// MaxInFlight bounds OMS calls in flight per run, to protect the OMS (default 10: a second round of
	// links, memberships and a listing query per shop, beside the store-wide calls still out, all at once).
	MaxInFlight int
	// Deadline bounds one run; calls still unanswered then make their checks unknown (default 20s).
	Deadline time.Duration
	// Now is the clock (default time.Now); the simulated OMS has its own, tests pin it.
	Now func() time.Time
	// Signatures explain failed job runs (default DefaultSignatures).
	Signatures *Signatures
	// StoreFacts, when set, keeps the store-wide facts between runs (see StoreFacts); nil asks for them
	// on every run.
	StoreFacts *StoreFacts
}

const (
	defaultMaxInFlight = 10
	defaultDeadline    = 20 * time.Second
	// linkBatch caps product ids per ShopifyShopProduct performFind so that each answer fits in one page
	// (viewSize 250) with a link per shop for up to five shops.
	linkBatch = 50
	// memberBatch caps product ids per ProductCategoryMember performFind: with filterByDate a product is
	// in at most the pre-order and the backorder category at once, so 100 ids fit a 250-row page, and 50
	// variants with their parents never need a second request.
	memberBatch = 100
)

func (o Options) withDefaults() Options {
	if o.MaxInFlight <= 0 {
		o.MaxInFlight = defaultMaxInFlight
	}
	if o.Deadline <= 0 {
		o.Deadline = defaultDeadline
	}
	if o.Signatures == nil {
		o.Signatures = DefaultSignatures()
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	return o
}

// jobName is how the Job Manager names a job, for summaries and button labels.
func (o Options) jobName(enumID string) string {
	switch enumID {
	case o.Jobs.Association:
		return "association job"
	case o.Jobs.PresellRefresh:
		return "Auto Refresh Pre-sell Catalog"
	case o.Jobs.CatalogSync:
		return "Preorder Catalog Sync"
	case o.Jobs.FullRepush:
		return "Bulk push pre-order catalog"
	}
	return enumID
}
