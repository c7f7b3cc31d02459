package diagnostics

import (
	"fmt"
	"strings"
	"time"
)

// findings are what the checks learned that the verdict ranks.
type findings struct {
	unscheduled []string          // children lacking the link with no association job scheduled
	manualLink  []string          // children lacking the link though the association job runs fine
	lateLinked  []string          // children linked after their sync watermark passed the member row
	disabled    []Remedy          // enable-job remedies for pre-order jobs that are off
	failing     []Job             // newest failed run per (job, shop), newer than the last success
	failingFor  map[string]bool   // shop ids (or "" store-wide) with a failing association run
	listings    map[string]string // connected linked shop id → listing state
}

const timeLayout = "2006-01-02 15:04 MST"

// syncBuffer is the catalog sync's default bufferTime: its delta also selects rows updated this long
// before the watermark.
const syncBuffer = time.Minute

func unknownCheck(id CheckID, why string) Check {
	return Check{ID: id, Status: StatusUnknown, Summary: why}
}

func skipCheck(id CheckID, why string) Check { return Check{ID: id, Status: StatusSkip, Summary: why} }

func (s *subject) checkProduct() Check {
	if !s.f.products.ok() {
		return unreadCheck(CheckProduct, []string{callProducts})
	}
	if s.product == nil {
		return Check{ID: CheckProduct, Status: StatusFail, Summary: fmt.Sprintf("SKU %s is not a product of store %s", s.sku, s.storeID),
			Evidence: []Evidence{{Label: "search", Value: "no product document with this sku or internalName"}}}
	}
	p := s.product
	ev := []Evidence{{Label: "productId", Value: p.ProductID}, {Label: "name", Value: p.Name}}
	if p.VirtualID != "" {
		ev = append(ev, Evidence{Label: "virtual product", Value: strings.TrimSpace(p.VirtualID + " " + p.VirtualName)})
	}
	return Check{ID: CheckProduct, Status: StatusPass, Summary: fmt.Sprintf("%s is product %s (%s)", s.sku, p.ProductID, p.Name), Evidence: ev}
}

func (s *subject) checkCategory() Check {
	members := s.preorderMembers()
	if len(members) == 0 {
		c := Check{ID: CheckPreorderCategory, Status: StatusFail,
			Summary:  "not in a pre-order or backorder category: there is nothing to sync",
			Evidence: []Evidence{{Label: "categories", Value: categoryList(s.f.categories.val)}}}
		if _, on := s.scheduled(s.opts.Jobs.PresellRefresh, "", false); !on {
			c.Remedies = append(c.Remedies, s.enableJob(s.opts.Jobs.PresellRefresh, ""))
		}
		c.Remedies = append(c.Remedies, s.runJob(s.opts.Jobs.PresellRefresh, "", "now"))
		return c
	}
	var ev []Evidence
	var names []string
	for _, m := range members {
		ev = append(ev, Evidence{Label: "member of " + m.CategoryID, Value: "product " + m.ProductID + ", updated " + fmtTime(m.UpdatedAt), At: m.UpdatedAt})
		names = append(names, m.CategoryID)
	}
	return Check{ID: CheckPreorderCategory, Status: StatusPass, Summary: "in " + strings.Join(uniq(names), ", "), Evidence: ev}
}

func categoryList(cs []Category) string {
	var out []string
	for _, c := range cs {
		out = append(out, c.CategoryID+" ("+c.Type+")")
	}
	if len(out) == 0 {
		return "the store's catalog has no pre-order or backorder category"
	}
	return strings.Join(out, ", ")
}

func (s *subject) checkLinks() Check {
	var ev []Evidence
	var missing []string
	for _, sh := range s.f.shops.val {
		l, ok := s.links[sh.ShopID]
		switch {
		case sh.Disconnected:
			ev = append(ev, Evidence{Label: sh.Name, Value: "disconnected, ignored", Shop: sh.ShopID})
		case ok:
			ev = append(ev, Evidence{Label: sh.Name, Value: "linked to variant " + l.VariantID + " since " + fmtTime(l.CreatedAt), Shop: sh.ShopID, At: l.CreatedAt})
		default:
			ev = append(ev, Evidence{Label: sh.Name, Value: "not linked", Shop: sh.ShopID})
			missing = append(missing, sh.Name)
		}
	}
	if len(s.connected()) == 0 {
		return Check{ID: CheckShopLinks, Status: StatusFail, Summary: "the store has no connected Shopify shop", Evidence: ev}
	}
	if len(missing) > 0 {
		return Check{ID: CheckShopLinks, Status: StatusFail, Summary: "not linked to " + strings.Join(missing, ", "), Evidence: ev}
	}
	return Check{ID: CheckShopLinks, Status: StatusPass, Summary: "linked to every connected shop", Evidence: ev}
}

func (s *subject) checkAssociation(fd *findings) Check {
	c := Check{ID: CheckAssociationJob, Status: StatusPass}
	var lacking, scheduled []string
	for _, sh := range s.children() {
		if _, linked := s.links[sh.ShopID]; linked {
			continue
		}
		lacking = append(lacking, sh.Name)
		if j, ok := s.scheduled(s.opts.Jobs.Association, sh.ShopID, true); ok {
			scheduled = append(scheduled, sh.Name)
			c.Evidence = append(c.Evidence, Evidence{Label: sh.Name, Value: "scheduled " + FrequencyName(j.Frequency) + ", next run " + fmtTime(j.RunTime), Shop: sh.ShopID, JobID: j.JobID, At: j.RunTime})
			if !fd.failingFor[sh.ShopID] {
				fd.manualLink = append(fd.manualLink, sh.ShopID)
			}
			continue
		}
		state := "not scheduled (no draft found)"
		if s.hasDraft(s.opts.Jobs.Association) {
			state = "not scheduled (draft only)"
		}
		c.Evidence = append(c.Evidence, Evidence{Label: sh.Name, Value: state, Shop: sh.ShopID})
		fd.unscheduled = append(fd.unscheduled, sh.ShopID)
		c.Remedies = append(c.Remedies, s.scheduleAssociation(sh.ShopID), s.runJob(s.opts.Jobs.Association, sh.ShopID, "now"))
	}
	switch {
	case len(lacking) == 0:
		c.Summary = "every child shop is linked; nothing to associate"
	case len(fd.unscheduled) > 0:
		c.Status = StatusFail
		c.Summary = "association job not scheduled for " + s.names(fd.unscheduled)
	default:
		c.Summary = "association job scheduled for " + strings.Join(scheduled, ", ") + ", yet the link is missing"
	}
	return c
}

func (s *subject) checkTiming(fd *findings) Check {
	members := s.preorderMembers()
	if len(members) == 0 {
		return skipCheck(CheckAssociationTime, "not in a pre-order category")
	}
	var tPCM time.Time
	for _, m := range members {
		if m.UpdatedAt.After(tPCM) {
			tPCM = m.UpdatedAt
		}
	}
	c := Check{ID: CheckAssociationTime, Status: StatusPass}
	checked := 0
	for _, sh := range s.children() {
		link, linked := s.links[sh.ShopID]
		if !linked {
			continue
		}
		checked++
		tLink := link.CreatedAt
		if !tPCM.Before(tLink) {
			c.Evidence = append(c.Evidence, Evidence{Label: sh.Name, Value: "linked " + fmtTime(tLink) + ", before the member row changed (" + fmtTime(tPCM) + "): delta syncs select it", Shop: sh.ShopID, At: tLink})
			continue
		}
		sync, how, passed := s.watermarkPassed(sh.ShopID, tPCM, tLink)
		if !passed {
			c.Evidence = append(c.Evidence, Evidence{Label: sh.Name, Value: "linked " + fmtTime(tLink) + "; no finished sync passed the member row (updated " + fmtTime(tPCM) + ") before that", Shop: sh.ShopID, At: tLink})
			continue
		}
		state, l := s.listing(sh.ShopID)
		if state == listingUnknown {
			c.Status = worse(c.Status, StatusUnknown)
			c.Evidence = append(c.Evidence, Evidence{Label: sh.Name, Value: "linked after a sync passed the member row; listing unknown", Shop: sh.ShopID})
			continue
		}
		if state != listingNoData && state != listingNotLinked && !listingTime(l).Before(tLink) {
			c.Evidence = append(c.Evidence, Evidence{Label: sh.Name, Value: "linked after a sync, but listed since " + fmtTime(listingTime(l)), Shop: sh.ShopID})
			continue
		}
		c.Status = worse(c.Status, StatusFail)
		fd.lateLinked = append(fd.lateLinked, sh.ShopID)
		c.Evidence = append(c.Evidence, Evidence{
			Label: sh.Name, Shop: sh.ShopID, JobID: sync.JobID, At: tLink,
			Value: fmt.Sprintf("member updated %s, link created %s; %s: delta syncs never re-select it",
				fmtTime(tPCM), fmtTime(tLink), how),
			Extra: map[string]string{"t_pcm": tPCM.UTC().Format(time.RFC3339), "t_sync": startOf(sync).UTC().Format(time.RFC3339), "t_link": tLink.UTC().Format(time.RFC3339)},
		})
		c.Remedies = append(c.Remedies, s.fullSync(sh.ShopID))
	}
	switch {
	case checked == 0:
		return skipCheck(CheckAssociationTime, "no child shop is linked yet")
	case c.Status == StatusFail:
		c.Summary = "linked to " + s.names(fd.lateLinked) + " after the last sync had passed it: only a full sync lists it"
	case c.Status == StatusUnknown:
		c.Summary = "could not tell: listing data unavailable"
	default:
		c.Summary = "every child link predates the syncs that needed it"
	}
	return c
}

// watermarkPassed tells whether shopID's delta-sync watermark had passed the member row (updated tPCM)
// before the link existed (tLink), which is when the delta never selects the product (hotwax-api §7).
// Direct evidence is a finished sync that started between the two. History is short (the OMS keeps many
// runs), so a finished sync that started after the link also counts: its watermark was the start of the
// run before it, which began before the link; if the delta had selected the row, the shop would list it.
// A member row updated after the link is selected by the next delta, so it never counts.
func (s *subject) watermarkPassed(shopID string, tPCM, tLink time.Time) (Job, string, bool) {
	if !tPCM.Before(tLink) {
		return Job{}, "", false
	}
	// The delta re-reads rows updated up to bufferTime (default 1 min) before the watermark.
	passed := tPCM.Add(syncBuffer)
	var between, after Job
	for _, j := range s.f.jobRuns().of[runKey{s.opts.Jobs.CatalogSync, shopID}] {
		if j.Status != JobFinished {
			continue
		}
		t := startOf(j)
		switch {
		case t.After(passed) && t.Before(tLink):
			if between.JobID == "" || t.After(startOf(between)) {
				between = j
			}
		case t.After(tLink):
			if after.JobID == "" || t.Before(startOf(after)) {
				after = j
			}
		}
	}
	if between.JobID != "" {
		return between, "sync " + between.JobID + " started " + fmtTime(startOf(between)) + ", between the two", true
	}
	if after.JobID != "" {
		return after, "sync " + after.JobID + " ran " + fmtTime(startOf(after)) + " after the link without selecting it, so the watermark was already past the row", true
	}
	return Job{}, "", false
}

func (s *subject) checkPresell(fd *findings) Check {
	enum := s.opts.Jobs.PresellRefresh
	if j, ok := s.scheduled(enum, "", false); ok {
		return Check{ID: CheckPresellRefresh, Status: StatusPass, Summary: "enabled, " + FrequencyName(j.Frequency),
			Evidence: []Evidence{{Label: s.opts.jobName(enum), Value: FrequencyName(j.Frequency) + ", next run " + fmtTime(j.RunTime), JobID: j.JobID, At: j.RunTime}}}
	}
	for _, j := range s.f.jobs.val { // a shop-specific row also enables it (shop empty or any)
		if j.Type == enum && j.Scheduled() && (jobStore(j) == "" || jobStore(j) == s.storeID) {
			return Check{ID: CheckPresellRefresh, Status: StatusPass, Summary: "enabled, " + FrequencyName(j.Frequency) + s.where(j.Shop()),
				Evidence: []Evidence{{Label: s.opts.jobName(enum), Value: FrequencyName(j.Frequency), Shop: j.Shop(), JobID: j.JobID, At: j.RunTime}}}
		}
	}
	r := s.enableJob(enum, "")
	fd.disabled = append(fd.disabled, r)
	state := "no draft found"
	if s.hasDraft(enum) {
		state = "draft only"
	}
	return Check{ID: CheckPresellRefresh, Status: StatusFail, Summary: "not enabled: " + state,
		Evidence: []Evidence{{Label: s.opts.jobName(enum), Value: state}}, Remedies: []Remedy{r}}
}

func (s *subject) checkSync(fd *findings) Check {
	enum := s.opts.Jobs.CatalogSync
	c := Check{ID: CheckCatalogSync, Status: StatusPass}
	var off []string
	for _, sh := range s.connected() {
		if j, ok := s.scheduled(enum, sh.ShopID, false); ok {
			c.Evidence = append(c.Evidence, Evidence{Label: sh.Name, Value: "enabled, " + FrequencyName(j.Frequency) + ", next run " + fmtTime(j.RunTime), Shop: sh.ShopID, JobID: j.JobID, At: j.RunTime})
			continue
		}
		off = append(off, sh.Name)
		c.Evidence = append(c.Evidence, Evidence{Label: sh.Name, Value: "not enabled", Shop: sh.ShopID})
		r := s.enableJob(enum, sh.ShopID)
		fd.disabled = append(fd.disabled, r)
		c.Remedies = append(c.Remedies, r)
	}
	if len(off) > 0 {
		c.Status = StatusFail
		c.Summary = "not enabled for " + strings.Join(off, ", ")
		return c
	}
	c.Summary = "enabled for every connected shop"
	return c
}

// checkFailures finds, per job and shop, a failed run newer than the last finished one. A failure
// matters to this SKU when it is store-wide or for a shop where the SKU is not listed (by the listing
// check's findings); others warn. A shop whose listing could not be read counts as not listed: the failure
// may be why.
func (s *subject) checkFailures(fd *findings) Check {
	listed := func(shopID string) bool { return fd.listings[shopID] == listingListed }
	c := Check{ID: CheckJobFailures, Status: StatusPass, Summary: "no recent failed runs"}
	var failing, ignored []string
	var fixes, afters []Remedy // each failure's own fix first, then running the jobs again
	for _, k := range s.f.jobRuns().keys {
		if sh, ok := s.shop(k.shop); k.shop != "" && (!ok || sh.Disconnected) {
			continue
		}
		bad, ok := s.lastRun(k.job, k.shop, JobFailed, JobCrashed)
		if !ok {
			continue
		}
		if good, ok := s.lastRun(k.job, k.shop, JobFinished); ok && !runTime(good).Before(runTime(bad)) {
			continue
		}
		what := s.opts.jobName(k.job) + s.where(k.shop)
		sig := s.f.known.signatureOf(s.opts, bad)
		ev := Evidence{Label: what, Value: strings.TrimSpace(bad.Status + ": " + failedOf(bad).Text()), Shop: k.shop, JobID: bad.JobID, At: bad.EndTime(), Signature: &sig}
		if last, ok := s.lastRun(k.job, k.shop, JobFinished); ok {
			ev.Extra = map[string]string{"lastSuccess": runTime(last).UTC().Format(time.RFC3339)}
		}
		c.Evidence = append(c.Evidence, ev)
		if k.shop != "" && listed(k.shop) {
			ignored = append(ignored, what)
			continue
		}
		failing = append(failing, what)
		fd.failing = append(fd.failing, bad)
		if k.job == s.opts.Jobs.Association {
			fd.failingFor[k.shop] = true
		}
		fix, after := s.failureRemedies(bad, sig)
		fixes, afters = append(fixes, fix...), append(afters, after...)
	}
	for _, r := range append(fixes, afters...) {
		c.Remedies = appendFix(c.Remedies, r)
	}
	switch {
	case len(failing) > 0:
		c.Status = StatusFail
		c.Summary = "latest run failed: " + strings.Join(failing, ", ")
		c.Remedies = appendRemedy(c.Remedies, escalate())
	case len(ignored) > 0:
		c.Status = StatusWarn
		c.Summary = "latest run failed for " + strings.Join(ignored, ", ") + ", where this SKU is listed anyway"
	}
	return c
}

func (s *subject) checkListing(fd *findings) Check {
	c := Check{ID: CheckShopListing, Status: StatusPass}
	var notListed, unknown []string
	data := 0
	for _, sh := range s.connected() {
		state, l := s.listing(sh.ShopID)
		fd.listings[sh.ShopID] = state
		ev := Evidence{Label: sh.Name, Value: state, Shop: sh.ShopID, At: listingTime(l)}
		if l.PromiseDate != "" {
			ev.Extra = map[string]string{"promiseDate": l.PromiseDate}
		}
		c.Evidence = append(c.Evidence, ev)
		switch state {
		case listingListed:
			data++
		case listingUnknown:
			unknown = append(unknown, sh.Name)
		case listingNoData, listingNotLinked:
			notListed = append(notListed, sh.Name+" ("+strings.ToLower(state)+")")
			if r, ok := s.syncNow(sh.ShopID, state); ok {
				c.Remedies = append(c.Remedies, r)
			}
		default:
			data++
			notListed = append(notListed, sh.Name+" ("+strings.ToLower(state)+")")
		}
	}
	switch {
	case len(unknown) > 0:
		c.Status = StatusUnknown
		c.Summary = "could not read the listings of " + strings.Join(unknown, ", ")
	case len(notListed) > 0 && data == 0:
		c.Status = StatusWarn
		c.Summary = "no shop has listing data for it: " + strings.Join(notListed, ", ")
	case len(notListed) > 0:
		c.Status = StatusFail
		c.Summary = "not listed in " + strings.Join(notListed, ", ")
	default:
		c.Summary = "listed in every connected shop"
	}
	return c
}

// syncNow offers to run the catalog sync of a shop that lacks the listing of a linked pre-order product
// whose category row changed after the shop's last finished sync began (the pre-sell refresh has just added
// it, say): the next delta sync lists it anyway, and running it now spares the wait for its schedule.
func (s *subject) syncNow(shopID, state string) (Remedy, bool) {
	var tPCM time.Time
	for _, m := range s.preorderMembers() {
		if m.UpdatedAt.After(tPCM) {
			tPCM = m.UpdatedAt
		}
	}
	if _, linked := s.links[shopID]; !linked || state != listingNoData || tPCM.IsZero() {
		return Remedy{}, false
	}
	if _, enabled := s.scheduled(s.opts.Jobs.CatalogSync, shopID, false); !enabled {
		return Remedy{}, false // enabling it runs it
	}
	if last, ok := s.lastRun(s.opts.Jobs.CatalogSync, shopID, JobFinished); ok && !startOf(last).Before(tPCM) {
		return Remedy{}, false // a delta since then should have listed it: not a matter of waiting
	}
	return s.runJob(s.opts.Jobs.CatalogSync, shopID, "now"), true
}

func (s *subject) names(ids []string) string {
	out := make([]string, 0, len(ids))
	for _, id := range ids {
		out = append(out, s.shopName(id))
	}
	return strings.Join(out, ", ")
}

func fmtTime(t time.Time) string {
	if t.IsZero() {
		return "never"
	}
	return t.UTC().Format(timeLayout)
}
