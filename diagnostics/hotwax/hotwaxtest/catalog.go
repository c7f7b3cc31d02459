package hotwaxtest

import (
	"fmt"
	"maps"
	"math/rand/v2"
	"time"

	"github.com/preorderbot/preorderbot/diagnostics/hotwax"
)

// ScenarioCatalog is a generated pre-order catalog of many SKUs across every per-SKU cause, for sweeps,
// benchmarks and the demo. Options.Seed and Options.CatalogSKUs shape it; the same seed builds the same catalog.
//
// On top of the shared data (see Scenario): JOB_UPD_PROD_ASSOC is not scheduled for 10002 (UK), and the last
// JOB_PREORDER_CAT_SYC run for 10000 (US) failed and keeps failing. Each SKU is given one cause:
//
//   - healthy: linked to 10000, 10001 and 10002 30 days ago and listed in all three;
//   - association-job-not-scheduled: not linked to 10002, so not listed there;
//   - associated-after-sync: member row updated 5 days ago, linked to 10002 2 days ago, not listed there;
//   - job-failing: linked everywhere, not listed in 10000, whose catalog sync fails;
//   - needs-manual-link: not linked to 10001 although its association job is scheduled;
//   - unexplained: linked everywhere, jobs healthy, yet not listed in 10002;
//   - unknown-sku: a member product the search index does not hold (Solr behind the database).
//
// About 60% of the SKUs are variants of virtual products that are the category members; the rest are
// members themselves. About a third of the members are in BACKORDER_CAT.
const ScenarioCatalog = "catalog"

// Defaults of the generated catalog.
const (
	DefaultCatalogSeed = 1
	DefaultCatalogSKUs = 2000
)

// CatalogSyncFailingUS is the jobResult of the failing US catalog sync of the generated catalog.
const CatalogSyncFailingUS = "Error while pushing preorder catalog to Shopify for shop 10000: [API] Internal error. " +
	"Looks like something went wrong on our end."

// Catalog causes and their share of the generated SKUs, in percent.
var catalogMix = []struct {
	cause string
	share int
}{
	{"healthy", 70},
	{ScenarioAssociationJobNotScheduled, 7},
	{ScenarioAssociatedAfterSync, 5},
	{ScenarioJobFailing, 6},
	{ScenarioNeedsManualLink, 6},
	{"unexplained", 4},
	{ScenarioUnknownSKU, 2},
}

// catalogScenario is the generated catalog with its parameters.
func catalogScenario(seed int64, skus int) Scenario {
	return Scenario{
		Name: ScenarioCatalog, Title: "Generated pre-order catalog", Cause: "healthy",
		SKUs:        []string{ControlSKU},
		Description: fmt.Sprintf("%d generated pre-order SKUs (seed %d) across every per-SKU cause", skus, seed),
		build:       func(b *builder) { buildCatalog(b, seed, skus) },
	}
}

// CatalogSKU names the n-th generated SKU (from 0).
func CatalogSKU(n int) string { return fmt.Sprintf("GEN-%05d", n) }

func buildCatalog(b *builder, seed int64, skus int) {
	rng := rand.New(rand.NewPCG(uint64(seed), 0x5eed))
	b.dropScheduled(hotwax.JobAssociation, ShopUK)
	b.dropScheduled(hotwax.JobCatalogSync, ShopUS)
	us := b.scheduled(hotwax.JobCatalogSync, ShopUS, "EVERY_15_MIN", b.ago(40*time.Minute))
	b.run(us, b.ago(25*time.Minute), hotwax.StatusFailed, CatalogSyncFailingUS)
	b.run(us, b.ago(10*time.Minute), hotwax.StatusFailed, CatalogSyncFailingUS)
	us.RunTime = b.ago(10 * time.Minute).Add(15 * time.Minute)
	b.m.failing[failKey{hotwax.JobCatalogSync, ShopUS}] = CatalogSyncFailingUS
	b.m.watermarks[ShopUS] = b.ago(40 * time.Minute)
	for _, n := range []int{11, 12} { // the control stays listed in the US from before the failures
		b.listing(n, ShopUS, b.ago(40*time.Minute).Add(30*time.Second))
	}

	const firstVariant = 100 // product numbers below are the hand-written scenarios'
	n := 0
	for family := 0; n < skus; family++ {
		cat := preorderCatID
		if rng.IntN(3) == 0 {
			cat = backorderCatID
		}
		size := 1
		virtual := rng.IntN(10) < 6
		if virtual {
			size = 2 + rng.IntN(4)
		}
		size = min(size, skus-n)
		vs := make([]variant, 0, size)
		for i := range size {
			vs = append(vs, variant{firstVariant + n + i, CatalogSKU(n + i), fmt.Sprintf("Generated %d", n+i)})
		}
		virtualID := 900000 + family
		b.family(virtualID, fmt.Sprintf("GEN-V%05d", family), fmt.Sprintf("Generated family %d", family), vs...)
		updated := b.ago(10 * day)
		causes := make([]string, len(vs))
		for i := range vs {
			causes[i] = pickCause(rng)
			if causes[i] == ScenarioUnknownSKU && virtual {
				causes[i] = "healthy" // a variant missing from the index cannot be found from its virtual parent
			}
			if causes[i] == ScenarioAssociatedAfterSync {
				updated = b.ago(5 * day)
			}
		}
		if virtual {
			b.m.members = append(b.m.members, hotwax.CategoryMember{ProductID: itoa(virtualID), ProductCategoryID: cat, FromDate: b.ago(10 * day), UpdatedAt: updated})
		}
		for i, v := range vs {
			if !virtual {
				b.m.members = append(b.m.members, hotwax.CategoryMember{ProductID: productID(v.n), ProductCategoryID: cat, FromDate: b.ago(10 * day), UpdatedAt: updated})
			}
			b.catalogSKU(v.n, v.sku, causes[i])
		}
		n += size
	}
	// Members the sweep must leave out: a membership that ended and one that has not started.
	b.family(899998, "GEN-OLD", "Generated past pre-order", variant{firstVariant - 2, CatalogExpiredSKU, "Generated expired"})
	b.family(899999, "GEN-NEW", "Generated future pre-order", variant{firstVariant - 1, CatalogFutureSKU, "Generated future"})
	b.m.members = append(b.m.members,
		hotwax.CategoryMember{ProductID: productID(firstVariant - 2), ProductCategoryID: backorderCatID, FromDate: b.ago(30 * day), ThruDate: b.ago(20 * day), UpdatedAt: b.ago(20 * day)},
		hotwax.CategoryMember{ProductID: productID(firstVariant - 1), ProductCategoryID: preorderCatID, FromDate: b.now.Add(5 * day), UpdatedAt: b.ago(day)})
}

// SKUs of the generated catalog that are not current members: one whose membership ended, one whose
// membership starts in five days.
const (
	CatalogExpiredSKU = "GEN-EXPIRED"
	CatalogFutureSKU  = "GEN-FUTURE"
)

func pickCause(rng *rand.Rand) string {
	r := rng.IntN(100)
	for _, c := range catalogMix {
		if r < c.share {
			return c.cause
		}
		r -= c.share
	}
	return "healthy"
}

// catalogSKU lays down the links and listings of generated product n for its cause.
func (b *builder) catalogSKU(n int, sku, cause string) {
	b.m.intended[sku] = cause
	linked := map[string]time.Time{ShopUS: b.ago(30 * day), ShopCA: b.ago(30 * day), ShopUK: b.ago(30 * day)}
	listed := map[string]bool{ShopUS: true, ShopCA: true, ShopUK: true}
	switch cause {
	case ScenarioAssociationJobNotScheduled:
		delete(linked, ShopUK)
		listed[ShopUK] = false
	case ScenarioAssociatedAfterSync:
		linked[ShopUK] = b.ago(2 * day)
		listed[ShopUK] = false
	case ScenarioJobFailing:
		listed[ShopUS] = false
	case ScenarioNeedsManualLink:
		delete(linked, ShopCA)
		listed[ShopCA] = false
		delete(b.m.shopify[ShopCA], sku) // CA's Shopify catalog does not know the SKU
	case "unexplained":
		listed[ShopUK] = false
	case ScenarioUnknownSKU:
		b.m.unindexed[productID(n)] = true
	}
	for shop, at := range linked {
		b.link(n, shop, at)
	}
	for shop, ok := range listed {
		if !ok {
			continue
		}
		at := b.lastSync().Add(30 * time.Second)
		if shop == ShopUS {
			at = b.ago(40 * time.Minute).Add(30 * time.Second)
		}
		b.listing(n, shop, at)
	}
}

// CatalogCauses maps every SKU of the generated catalog to the cause it was built for (empty for other
// scenarios), so tests can compare a sweep with the truth.
func (s *Server) CatalogCauses() map[string]string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return maps.Clone(s.m.intended)
}
