package diagnostics

import "slices"

// Cause names why a SKU is, or is not, in sync with the child shops. Its JSON is the id.
type Cause string

// Causes, most likely first: the order of the catalogue below.
const (
	CauseUnknownSKU            Cause = "unknown-sku"
	CauseNotPreorder           Cause = "not-preorder"
	CauseAssociationJobMissing Cause = "association-job-not-scheduled"
	CauseAssociatedAfterSync   Cause = "associated-after-sync"
	CausePresellJobsDisabled   Cause = "presell-jobs-disabled"
	CauseJobFailing            Cause = "job-failing"
	CauseNeedsManualLink       Cause = "needs-manual-link"
	CauseUnexplained           Cause = "unexplained"
	CauseIncomplete            Cause = "incomplete"      // no cause among the checks that ran, and some could not
	CauseOMSUnavailable        Cause = "oms-unavailable" // the OMS could not be reached or refused the credentials
	CauseHealthy               Cause = "healthy"
)

// causeEntry is everything the project knows about one cause. The catalogue is the only place a cause is
// described: the card, the CLI, the escalation packet and the sweep read it.
type causeEntry struct {
	id Cause
	// guide says the cause in the words of HotWax's guide, without names: the CLI's verdict line.
	guide string
	// short is a few words, for the multi-SKU matrix, "what changed" and the history.
	short string
	// skusThat says what the cause means for the SKUs that have it, after "SKUs that": the digest's
	// escalations and lists. Empty for the causes a digest lists under a bulk fix instead.
	skusThat string
	// uncertain causes conclude nothing about the product: the OMS could not answer enough.
	uncertain bool
	// sentence explains the cause for one report, naming its shops and jobs, in words an operator
	// understands; q quotes every text the sentence did not write itself.
	sentence func(r Report, q Quoting) string
	// applies says whether the cause applies to a run and the remedies that fix it, in the order the
	// card offers them. It sees the causes found before it in the catalogue.
	applies func(v *ranking) ([]Remedy, bool)
}

// catalogue lists every cause in the guide's order: the first that applies is the most likely. The last
// four only apply when none before them does.
var catalogue = []causeEntry{
	{
		id:    CauseUnknownSKU,
		guide: "the SKU is not a product of this store",
		short: "unknown SKU",
		sentence: func(r Report, q Quoting) string {
			return "SKU " + q.Name(r.SKU) + " does not match any product in store " + q.Name(r.ProductStoreID) +
				", so there is nothing to sync: check the SKU (SKUs are case-sensitive) and the store."
		},
		applies: func(v *ranking) ([]Remedy, bool) { return nil, v.failed(CheckProduct) },
	},
	{
		id:    CauseNotPreorder,
		guide: "the product is in no pre-order or backorder category, so nothing is synced",
		short: "not a pre-order product",
		sentence: func(r Report, q Quoting) string {
			return q.Name(r.SKU) + " is not in the pre-order or backorder category, so HotWax has no pre-order " +
				"information to send to any shop."
		},
		applies: func(v *ranking) ([]Remedy, bool) {
			return v.checkRemedies(CheckPreorderCategory), v.failed(CheckPreorderCategory)
		},
	},
	{
		id:    CauseAssociationJobMissing,
		guide: "the \"Associate Products with Sub Catalog\" job is not scheduled for a child shop, so the product was never linked there",
		short: "association job not scheduled",
		sentence: func(r Report, q Quoting) string {
			shops := r.remedyShops(RemedyScheduleJob, q)
			if len(shops) == 0 {
				shops = r.unlinkedChildren(q)
			}
			return "The “Associate Products with Sub Catalog” job is not scheduled for " + orDefault(shops, nil, "a child shop") +
				", so the product was never linked to " + thatShop(shops) + "."
		},
		applies: func(v *ranking) ([]Remedy, bool) {
			return v.checkRemedies(CheckAssociationJob), len(v.fd.unscheduled) > 0
		},
	},
	{
		id:    CauseAssociatedAfterSync,
		guide: "the product was linked to a child shop after its last pre-order sync, so delta syncs never pick it up",
		short: "linked after the last sync",
		sentence: func(r Report, q Quoting) string {
			shops := r.fullSyncShops(q)
			return "The product was linked to " + orDefault(shops, nil, "a child shop") + " after the last pre-order sync to " +
				thatShop(shops) + ", so the delta sync will never pick it up: it needs a full pre-order catalog sync."
		},
		applies: func(v *ranking) ([]Remedy, bool) {
			return v.checkRemedies(CheckAssociationTime), len(v.fd.lateLinked) > 0
		},
	},
	{
		id:    CausePresellJobsDisabled,
		guide: "the pre-order jobs (Auto Refresh Pre-sell Catalog / Preorder Catalog Sync) are not enabled",
		short: "pre-order jobs disabled",
		sentence: func(r Report, _ Quoting) string {
			return "The " + r.disabledJobs() + " not enabled, so pre-order changes are not pushed to the shops."
		},
		applies: func(v *ranking) ([]Remedy, bool) { return v.fd.disabled, len(v.fd.disabled) > 0 },
	},
	{
		id:       CauseJobFailing,
		skusThat: "are kept from the shops by a failing pre-order job",
		guide:    "a pre-order job is enabled but its latest run failed",
		short:    "a pre-order job is failing",
		sentence: func(r Report, q Quoting) string {
			s := "A pre-order job is enabled but its runs fail, so the shops are not updated"
			if c, ok := r.Check(CheckJobFailures); ok && c.Summary != "" {
				s += ": " + q.Text(c.Summary)
			}
			return s + "."
		},
		// Each failure's own fix comes first.
		applies: func(v *ranking) ([]Remedy, bool) {
			return v.checkRemedies(CheckJobFailures), len(v.fd.failing) > 0
		},
	},
	{
		id:       CauseNeedsManualLink,
		skusThat: "need a manual link",
		guide:    "the jobs are fine but the product is still not linked to a child shop: link it by hand",
		short:    "needs a manual link",
		sentence: func(r Report, q Quoting) string {
			shops := orDefault(r.remedyShops(RemedyLinkProduct, q), r.unlinkedChildren(q), "a child shop")
			return "Every job is scheduled and running, yet the product is still not linked to " + shops +
				": link it by hand with its Shopify variant id and inventory item id."
		},
		applies: func(v *ranking) ([]Remedy, bool) {
			var links []Remedy
			for _, id := range v.fd.manualLink {
				links = append(links, v.s.linkProduct(id))
			}
			return links, len(links) > 0
		},
	},
	{
		id:       CauseUnexplained,
		skusThat: "are not in sync although every check passes",
		guide:    "every check passes yet a shop is not in sync: escalate to HotWax Support",
		short:    "unexplained: escalate",
		sentence: func(Report, Quoting) string {
			return "Every job and link looks right, yet the shops are not in sync: escalate to HotWax Support " +
				"with the evidence."
		},
		applies: func(v *ranking) ([]Remedy, bool) {
			return []Remedy{escalate()}, len(v.found) == 0 && !v.unknown() &&
				(v.failed(CheckShopListing) || v.failed(CheckShopLinks))
		},
	},
	{
		id:        CauseIncomplete,
		skusThat:  "could not be checked",
		guide:     "some checks could not run and the others found nothing wrong: re-check, or escalate with the evidence",
		short:     "could not check everything",
		uncertain: true,
		sentence: func(r Report, q Quoting) string {
			return "Some checks of " + q.Name(r.SKU) + " could not run because the OMS's answers below could not be " +
				"used; the checks that ran found nothing wrong. Re-check, or escalate with the evidence."
		},
		applies: func(v *ranking) ([]Remedy, bool) {
			return []Remedy{escalate()}, len(v.found) == 0 && v.unknown() && unreadCause(v.failures) == CauseIncomplete
		},
	},
	{
		id:        CauseOMSUnavailable,
		skusThat:  "could not be checked",
		guide:     "the OMS could not be reached or refused the credentials: nothing is known to be wrong yet",
		short:     "OMS unavailable",
		uncertain: true,
		sentence: func(r Report, q Quoting) string {
			if r.refusedCredentials() {
				return "The OMS refused the bot's credentials, so " + q.Name(r.SKU) + " could not be checked. Nothing is " +
					"known to be wrong with it yet: fix the setting named below, then re-check."
			}
			return "The OMS could not be reached, so " + q.Name(r.SKU) + " could not be checked. Nothing is known to be wrong yet."
		},
		applies: func(v *ranking) ([]Remedy, bool) {
			return nil, len(v.found) == 0 && v.unknown() && unreadCause(v.failures) == CauseOMSUnavailable
		},
	},
	{
		id:    CauseHealthy,
		guide: "linked and listed in every connected shop",
		short: "healthy",
		sentence: func(r Report, q Quoting) string {
			if c, ok := r.Check(CheckShopListing); ok && c.Status == StatusWarn {
				return q.Name(r.SKU) + " is linked to every connected shop and every job is in order, but no shop shows " +
					"its listing yet: the next pre-order catalog sync should push it. Re-check after it runs."
			}
			return q.Name(r.SKU) + " is linked to every connected shop and its pre-order information is synced: nothing to fix."
		},
		applies: func(v *ranking) ([]Remedy, bool) { return nil, len(v.found) == 0 },
	},
}

// Causes lists every cause, most likely first.
func Causes() []Cause {
	out := make([]Cause, len(catalogue))
	for i, e := range catalogue {
		out[i] = e.id
	}
	return out
}

func (c Cause) entry() (causeEntry, bool) {
	i := slices.IndexFunc(catalogue, func(e causeEntry) bool { return e.id == c })
	if i < 0 {
		return causeEntry{}, false
	}
	return catalogue[i], true
}

// Rank is the cause's place in the guide's order, 1 the most likely; 0 for a cause the catalogue does not
// know (one stored by another version).
func (c Cause) Rank() int {
	return slices.IndexFunc(catalogue, func(e causeEntry) bool { return e.id == c }) + 1
}

// Guide says the cause in the words of HotWax's guide, naming nothing; an unknown cause is its id.
func (c Cause) Guide() string {
	if e, ok := c.entry(); ok {
		return e.guide
	}
	return string(c)
}

// Short says the cause in a few words; an unknown cause is its id.
func (c Cause) Short() string {
	if e, ok := c.entry(); ok {
		return e.short
	}
	return string(c)
}

// SKUsThat says what the cause means for the SKUs that have it, in a few words: "need a manual link".
func (c Cause) SKUsThat() string {
	if e, ok := c.entry(); ok && e.skusThat != "" {
		return e.skusThat
	}
	return "have cause " + string(c)
}

// Uncertain reports whether the cause concludes nothing about the product: the OMS did not answer enough.
func (c Cause) Uncertain() bool {
	e, _ := c.entry()
	return e.uncertain
}

// Problem reports whether the cause is something to fix or to find out: anything but healthy.
func (c Cause) Problem() bool { return c != CauseHealthy }

// Quoting is how a cause's sentence quotes what it did not write itself: Name quotes a SKU, store id or shop
// name; Text quotes a longer text of the OMS (a check's summary) and may shorten it.
type Quoting struct {
	Name func(string) string
	Text func(string) string
}

// Sentence explains cause c for report r in one sentence an operator understands, in the words of HotWax's
// guide, naming the shops and jobs of r.
func (r Report) Sentence(c Cause, q Quoting) string {
	if e, ok := c.entry(); ok {
		return e.sentence(r, q)
	}
	return "Cause “" + q.Name(string(c)) + "”."
}

// VerdictStatus is the status a report's verdict shows: unknown when its cause concludes nothing, fail when a
// cause was found though some checks could not run, else the worst status of its checks.
func (r Report) VerdictStatus() Status {
	switch {
	case r.Cause.Uncertain():
		return StatusUnknown
	case r.Cause.Problem() && r.Status == StatusUnknown:
		return StatusFail
	}
	return r.Status
}

// ranking is what a cause's applies reads: the run's checks and findings, and the causes found so far.
type ranking struct {
	s        *subject
	byID     map[CheckID]Check
	fd       *findings
	failures []Failure
	found    []Cause
}

func (v *ranking) failed(id CheckID) bool { return v.byID[id].Status == StatusFail }

func (v *ranking) checkRemedies(id CheckID) []Remedy { return v.byID[id].Remedies }

// unknown reports whether some check could not run.
func (v *ranking) unknown() bool {
	for _, c := range v.byID {
		if c.Status == StatusUnknown {
			return true
		}
	}
	return false
}

// unreadCause is the cause of a SKU nothing could be concluded about, given the reads that failed:
// oms-unavailable when the OMS could not be asked at all, incomplete when it answered, but not usably.
func unreadCause(failures []Failure) Cause {
	if unavailable(failures) {
		return CauseOMSUnavailable
	}
	return CauseIncomplete
}

// Check finds the report's check of id.
func (r Report) Check(id CheckID) (Check, bool) {
	i := slices.IndexFunc(r.Checks, func(c Check) bool { return c.ID == id })
	if i < 0 {
		return Check{}, false
	}
	return r.Checks[i], true
}
