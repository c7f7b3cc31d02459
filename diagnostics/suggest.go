package diagnostics

import (
	"context"
	"slices"
)

// Catalog answers what the chain does not ask: the product stores, and the SKUs close to one that is not
// in the store. *hotwax.OMS satisfies it.
type Catalog interface {
	ProductStores(ctx context.Context) ([]ProductStore, error)
	SimilarSKUs(ctx context.Context, storeID, sku string, n int) ([]string, error)
}

// maxSimilarSKUs is how many close SKUs an unknown-SKU report suggests.
const maxSimilarSKUs = 5

// Runner runs the chain for SKUs of a store, telling progress of each check as it finishes; Chain
// satisfies it.
type Runner interface {
	Run(ctx context.Context, storeID string, skus []string) ([]Report, error)
	RunWithProgress(ctx context.Context, storeID string, skus []string, progress func(sku string, c Check)) ([]Report, error)
}

// Suggesting runs the chain and, for each SKU the store does not have, looks up the closest SKUs it does
// have: a SKU that is not found is most often a typo or the wrong case. Only a SKU with nothing close
// keeps the escalation: the product may never have reached HotWax.
type Suggesting struct {
	Runner
	Catalog Catalog
}

// Run runs the chain, then one suggestion query per unknown SKU; a failed query only leaves the
// suggestions out.
func (s Suggesting) Run(ctx context.Context, storeID string, skus []string) ([]Report, error) {
	reports, err := s.Runner.Run(ctx, storeID, skus)
	return s.suggest(ctx, storeID, reports, err)
}

// RunWithProgress is Run, telling progress as the chain does.
func (s Suggesting) RunWithProgress(ctx context.Context, storeID string, skus []string, progress func(sku string, c Check)) ([]Report, error) {
	reports, err := s.Runner.RunWithProgress(ctx, storeID, skus, progress)
	return s.suggest(ctx, storeID, reports, err)
}

func (s Suggesting) suggest(ctx context.Context, storeID string, reports []Report, err error) ([]Report, error) {
	if err != nil || s.Catalog == nil {
		return reports, err
	}
	for i := range reports {
		if reports[i].Cause != CauseUnknownSKU {
			continue
		}
		similar, err := s.Catalog.SimilarSKUs(ctx, storeID, reports[i].SKU, maxSimilarSKUs)
		if err != nil {
			continue
		}
		reports[i].OMSCalls++
		if len(similar) > 0 { // most likely a typo, which Support cannot fix: no escalation
			reports[i].SimilarSKUs = similar
			reports[i].Remedies = slices.DeleteFunc(reports[i].Remedies, func(r Remedy) bool { return r.Kind == RemedyEscalate })
		}
	}
	return reports, nil
}
