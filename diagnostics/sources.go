package diagnostics

import (
	"slices"
	"strings"
)

// sourceErr is the error of one read of the run, nil when it answered. Listings answer per shop, so they
// have no run-wide error: see shopListingErr.
func (f *facts) sourceErr(source string) error {
	switch source {
	case callProducts:
		return f.products.err
	case callShops:
		return f.shops.err
	case callJobs:
		return f.jobs.err
	case callHistory:
		return f.history.err
	case callCategories:
		return f.categories.err
	case callMembers:
		return f.members.err
	case callLinks:
		return f.links.err
	}
	return nil
}

// shopListingErr is the error of the listing call for one shop, nil when it answered or was not needed.
func (f *facts) shopListingErr(shopID string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.listings[shopID].err
}

// failedSources lists the reads among reads that failed, in their order.
func (f *facts) failedSources(reads []string) []string {
	var failed []string
	for _, src := range reads {
		if f.sourceErr(src) != nil {
			failed = append(failed, src)
		}
	}
	return failed
}

// unreadCheck is a check that could not run because reads it needs failed; the failures themselves are
// said once, in Report.Failures.
func unreadCheck(id CheckID, failed []string) Check {
	return unknownCheck(id, "not checked: could not read "+strings.Join(failed, ", "))
}

// failures classifies every read that failed, once, with the checks it left unknown.
func (f *facts) failures(checks []Check) []Failure {
	unknown := map[CheckID]bool{}
	for _, c := range checks {
		unknown[c.ID] = c.Status == StatusUnknown
	}
	affected := func(source string) []CheckID {
		var ids []CheckID
		for _, c := range checkList {
			if unknown[c.id] && slices.Contains(c.reads, source) {
				ids = append(ids, c.id)
			}
		}
		return ids
	}
	var out []Failure
	for _, src := range []string{callProducts, callShops, callJobs, callHistory, callCategories, callMembers, callLinks} {
		if err := f.sourceErr(src); err != nil {
			fl := Classify(src, err)
			fl.Checks = affected(src)
			out = append(out, fl)
		}
	}
	// One failure per way the listing calls failed, naming the shops it concerns.
	var listing []Failure
	var shops [][]string
	for _, id := range f.listingShops() {
		err := f.shopListingErr(id)
		if err == nil {
			continue
		}
		fl := Classify(callListings, err)
		if i := indexOfFailure(listing, fl); i >= 0 {
			shops[i] = append(shops[i], id)
			continue
		}
		fl.Checks = affected(callListings)
		listing = append(listing, fl)
		shops = append(shops, []string{id})
	}
	for i := range listing {
		listing[i].Call = callListings + " for shop " + strings.Join(shops[i], ", ")
		if len(shops[i]) > 1 {
			listing[i].Call = callListings + " for shops " + strings.Join(shops[i], ", ")
		}
	}
	return mergeFailures(append(out, listing...))
}

// listingShops is the shops whose listings were asked for, sorted.
func (f *facts) listingShops() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	ids := make([]string, 0, len(f.listings))
	for id := range f.listings {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	return ids
}

// unavailable reports whether any failure means the OMS could not be asked at all.
func unavailable(fs []Failure) bool {
	return slices.ContainsFunc(fs, Failure.Unavailable)
}
