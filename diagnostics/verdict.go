package diagnostics

import (
	"slices"
	"time"
)

// evaluate turns the run's facts into one SKU's report: checks, per-shop matrix, ranked causes, remedies.
func (c *Chain) evaluate(storeID, sku string, f *facts, now time.Time) Report {
	s := newSubject(c.opts, storeID, sku, f)
	r := Report{SKU: sku, ProductStoreID: storeID, CheckedAt: now, Causes: []Cause{}, Remedies: []Remedy{}, Shops: []ShopFacts{}}
	if s.product != nil {
		r.Product = &Product{ProductID: s.product.ProductID, Name: s.product.Name, VirtualID: s.product.VirtualID, VirtualName: s.product.VirtualName}
	}
	fd := &findings{failingFor: map[string]bool{}, listings: map[string]string{}}
	byID := s.runChecks(checkOrder, fd)
	for _, id := range CheckIDs {
		ch := byID[id]
		r.Checks = append(r.Checks, ch)
		r.Status = worse(r.Status, ch.Status)
	}
	if r.Status == "" {
		r.Status = StatusPass
	}
	r.Shops = s.shopFacts(fd)
	r.ParentSource = s.parentBy
	r.Failures = f.failures(r.Checks)
	r.Causes, r.Remedies = s.rank(byID, fd, r.Failures)
	r.Cause = r.Causes[0]
	return r
}

// runChecks runs specs in their order, which puts each after the checks it needs (runOrder); the product
// check comes first. A check whose OMS reads failed is unknown without running; when the SKU is not a
// product of the store, nothing else is asked (design §4).
func (s *subject) runChecks(ordered []checkSpec, fd *findings) map[CheckID]Check {
	byID := make(map[CheckID]Check, len(ordered))
	for _, c := range ordered {
		failed := s.f.failedSources(c.reads)
		switch {
		case c.id != CheckProduct && byID[CheckProduct].Status == StatusFail:
			byID[c.id] = skipCheck(c.id, "SKU not found")
		case len(failed) > 0:
			byID[c.id] = unreadCheck(c.id, failed)
		default:
			byID[c.id] = c.run(s, fd)
		}
	}
	return byID
}

// rank lists every applicable cause in the catalogue's order (the first is the most likely) and the
// remedies for them in the same order, ending with re-check and escalate when there is a problem.
// Causes come from the checks that ran; only when they found none do unknown checks decide the verdict:
// oms-unavailable when the OMS could not be asked at all, incomplete when it answered but not everything.
func (s *subject) rank(byID map[CheckID]Check, fd *findings, failures []Failure) ([]Cause, []Remedy) {
	v := &ranking{s: s, byID: byID, fd: fd, failures: failures}
	var rs []Remedy
	for _, e := range catalogue {
		remedies, ok := e.applies(v)
		if !ok {
			continue
		}
		v.found = append(v.found, e.id)
		for _, r := range remedies {
			rs = appendRemedy(rs, r)
		}
	}
	// The catalog syncs that list the product now, rather than at their schedule, follow the causes' fixes;
	// with nothing else to fix they are the only ones.
	listNow := byID[CheckShopListing].Remedies
	if !slices.ContainsFunc(v.found, Cause.Problem) {
		return v.found, append([]Remedy{}, listNow...)
	}
	for _, r := range listNow {
		rs = appendRemedy(rs, r)
	}
	rs = appendRemedy(rs, recheck())
	rs = moveLast(appendRemedy(rs, escalate()), RemedyEscalate)
	return v.found, rs
}

// moveLast puts the remedy of kind at the end, where the guide puts "contact HotWax Support".
func moveLast(rs []Remedy, kind string) []Remedy {
	for i, r := range rs {
		if r.Kind == kind {
			return append(append(rs[:i:i], rs[i+1:]...), r)
		}
	}
	return rs
}

// shopFacts is the per-shop matrix: every shop of the store with its role, link, jobs and listing.
func (s *subject) shopFacts(fd *findings) []ShopFacts {
	out := []ShopFacts{}
	if !s.f.shops.ok() {
		return out
	}
	for _, sh := range s.f.shops.val {
		sf := ShopFacts{ShopID: sh.ShopID, Name: sh.Name, Role: s.role(sh), ShopifyConfigID: sh.ShopifyConfigID}
		if l, ok := s.links[sh.ShopID]; ok {
			sf.Linked, sf.LinkedAt, sf.VariantID = true, l.CreatedAt, l.VariantID
		}
		if sf.Role == RoleChild && s.f.jobs.ok() {
			switch j, ok := s.scheduled(s.opts.Jobs.Association, sh.ShopID, true); {
			case ok:
				sf.AssociationJob = "scheduled " + FrequencyName(j.Frequency)
			case s.hasDraft(s.opts.Jobs.Association):
				sf.AssociationJob = "draft only"
			default:
				sf.AssociationJob = "not found"
			}
		}
		if s.f.history.ok() {
			if j, ok := s.lastRun(s.opts.Jobs.CatalogSync, sh.ShopID, JobFinished); ok {
				sf.LastSync = startOf(j)
			}
		}
		if s.product != nil && !sh.Disconnected {
			state, l := s.listing(sh.ShopID)
			if st, ok := fd.listings[sh.ShopID]; ok {
				state = st
			}
			if !s.f.links.ok() {
				state = listingUnknown
			}
			sf.Listing, sf.ListingAt = state, listingTime(l)
		}
		out = append(out, sf)
	}
	return out
}

// severity orders statuses for Report.Status: unknown is worst, as nothing can be concluded from it.
func severity(s Status) int {
	switch s {
	case StatusWarn:
		return 1
	case StatusFail:
		return 2
	case StatusUnknown:
		return 3
	}
	return 0
}

func worse(a, b Status) Status {
	if a == "" {
		a = StatusPass
	}
	if severity(b) > severity(a) {
		return b
	}
	return a
}
