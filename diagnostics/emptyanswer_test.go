package diagnostics

import (
	"slices"
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestJobAnswerWithoutDraftsIsNotEvidence(t *testing.T) {
	// {} or {"docs":null} from findJobs decodes to no rows: before, every job read as "not scheduled" and the
	// card offered to schedule drafts that could not be found.
	w := healthyWorld()
	w.jobs = nil
	r := runOne(t, w.oms(), testOptions())
	assert.NotContains(t, r.Causes, CauseAssociationJobMissing)
	assert.NotContains(t, r.Causes, CausePresellJobsDisabled)
	for _, c := range r.Checks {
		if c.ID == CheckAssociationJob || c.ID == CheckPresellRefresh || c.ID == CheckCatalogSync {
			assert.Equal(t, StatusUnknown, c.Status, c.ID)
		}
	}
	i := slices.IndexFunc(r.Failures, func(f Failure) bool { return f.Call == callJobs })
	if assert.GreaterOrEqual(t, i, 0, "the failure names the call: %+v", r.Failures) {
		assert.Contains(t, r.Failures[i].Message, "no rows where some must exist")
		assert.Contains(t, r.Failures[i].Fix, "HOTWAX_PRODUCT_STORE_ID")
	}
}

func TestUnattributedListingValueIsUnknownNotNotListed(t *testing.T) {
	w := healthyWorld()
	w.listings[1].Status = "" // the CA document names the variant, but its value belongs to no variant for sure
	r := runOne(t, w.oms(), testOptions())
	listing := r.Checks[slices.IndexFunc(r.Checks, func(c Check) bool { return c.ID == CheckShopListing })]
	assert.Equal(t, StatusUnknown, listing.Status, listing.Summary)
	for _, ev := range listing.Evidence {
		if ev.Shop == "10001" {
			assert.Equal(t, listingUnknown, ev.Value)
		}
	}
}
