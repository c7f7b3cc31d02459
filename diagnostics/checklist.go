package diagnostics

// checkSpec is one question of the guide: what it reads from the OMS, which other checks' findings it
// reads, and how it runs.
type checkSpec struct {
	id    CheckID
	title string // as the operator knows it
	// reads are the OMS reads it needs: one that fails makes the check unknown, and only it. Listings are
	// read per shop: a check that names them stays known, and only the shops whose listing call failed are
	// unknown inside it.
	reads []string
	// needs are the checks whose findings it reads: they run before it.
	needs []CheckID
	run   func(s *subject, fd *findings) Check
}

// checkList is every check, in display order.
var checkList = []checkSpec{
	{
		id: CheckProduct, title: "Product", reads: []string{callProducts},
		run: func(s *subject, _ *findings) Check { return s.checkProduct() },
	},
	{
		id: CheckPreorderCategory, title: "Pre-order category", reads: []string{callProducts, callCategories, callMembers},
		run: func(s *subject, _ *findings) Check { return s.checkCategory() },
	},
	{
		id: CheckShopLinks, title: "Shop links", reads: []string{callProducts, callShops, callLinks},
		run: func(s *subject, _ *findings) Check { return s.checkLinks() },
	},
	{
		// A child whose association runs fail needs that fixed, not a manual link.
		id: CheckAssociationJob, title: "Association job", reads: []string{callProducts, callShops, callLinks, callJobs},
		needs: []CheckID{CheckJobFailures},
		run:   (*subject).checkAssociation,
	},
	{
		id: CheckAssociationTime, title: "Association timing",
		reads: []string{callProducts, callShops, callLinks, callCategories, callMembers, callHistory, callListings},
		run:   (*subject).checkTiming,
	},
	{
		id: CheckPresellRefresh, title: "Auto Refresh Pre-sell Catalog", reads: []string{callJobs},
		run: (*subject).checkPresell,
	},
	{
		id: CheckCatalogSync, title: "Preorder Catalog Sync", reads: []string{callJobs, callShops},
		run: (*subject).checkSync,
	},
	{
		// A failure matters only where the SKU is not listed; an unread listing counts as not listed.
		id: CheckJobFailures, title: "Job failures", reads: []string{callProducts, callHistory, callShops},
		needs: []CheckID{CheckShopListing},
		run:   (*subject).checkFailures,
	},
	{
		id: CheckShopListing, title: "Shop listing", reads: []string{callProducts, callShops, callLinks, callListings},
		run: (*subject).checkListing,
	},
}

// CheckIDs lists every check in display order.
var CheckIDs = func() []CheckID {
	ids := make([]CheckID, len(checkList))
	for i, c := range checkList {
		ids[i] = c.id
	}
	return ids
}()

func specOf(id CheckID) (checkSpec, bool) {
	for _, c := range checkList {
		if c.id == id {
			return c, true
		}
	}
	return checkSpec{}, false
}

// Title names the check as the operator knows it; an id no check has is shown as it is.
func (id CheckID) Title() string {
	if c, ok := specOf(id); ok {
		return c.title
	}
	return string(id)
}

// checkOrder is checkList in the order the checks run, worked out once rather than for every SKU.
var checkOrder = runOrder(checkList)

// runOrder is specs in their order, each after the checks it needs.
func runOrder(specs []checkSpec) []checkSpec {
	out := make([]checkSpec, 0, len(specs))
	placed := map[CheckID]bool{}
	var place func(c checkSpec)
	place = func(c checkSpec) {
		if placed[c.id] {
			return
		}
		placed[c.id] = true
		for _, id := range c.needs {
			for _, n := range specs {
				if n.id == id {
					place(n)
				}
			}
		}
		out = append(out, c)
	}
	for _, c := range specs {
		place(c)
	}
	return out
}
