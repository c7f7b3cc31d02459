package doctor

import (
	"fmt"
	"slices"
	"strings"

	"github.com/preorderbot/preorderbot/diagnostics/hotwax"
)

// jobSetting names a configured job: its setting, how the Job Manager labels it, and where to enable it.
type jobSetting struct {
	enum, variable, name, where string
}

func (p *probe) jobSettings() []jobSetting {
	j := p.opts.Jobs
	out := []jobSetting{
		{j.Association, "HOTWAX_JOB_ASSOCIATION", "Associate Products with Sub Catalog", "Job Manager → Product → More jobs"},
		{j.PresellRefresh, "HOTWAX_JOB_PRESELL_REFRESH", "Auto Refresh Pre-sell Catalog", "Job Manager → Pre-order"},
		{j.CatalogSync, "HOTWAX_JOB_CATALOG_SYNC", "Preorder Catalog Sync", "Job Manager → Pre-order → Sync variant details"},
	}
	if j.FullRepush != "" {
		out = append(out, jobSetting{j.FullRepush, "HOTWAX_JOB_FULL_REPUSH", "Bulk push pre-order catalog", "Job Manager → Pre-order"})
	}
	return out
}

// configuredJobs lists the job ids the bot uses, with the setting each comes from.
func (p *probe) configuredJobs() {
	var parts []string
	for _, s := range p.jobSettings() {
		parts = append(parts, s.variable+"="+s.enum)
	}
	if p.opts.Jobs.FullRepush == "" {
		parts = append(parts, "HOTWAX_JOB_FULL_REPUSH unset (a full push is a catalog sync with includeAll)")
	}
	p.r.add(Finding{Area: AreaConfig, Item: "job ids", Status: OK, Detail: strings.Join(parts, ", ")})
}

// jobs reports, for each configured job, its draft and where it is scheduled: the association job for each
// child shop, the pre-sell refresh for the store, the catalog sync for each connected shop (hotwax-api §4.2).
func (p *probe) jobs(shops []shop, jobs []hotwax.Job, err error) {
	if err != nil {
		f := p.failure(AreaJobs, "job drafts and schedules (findJobs)", "read the jobs", err)
		f.Status = Fail // no job checks, no parent inference, no fixes
		p.r.add(f)
		return
	}
	var connected, children []shop
	for _, s := range shops {
		if s.Disconnected {
			continue
		}
		connected = append(connected, s)
		if s.ID != p.r.Parent.ShopID {
			children = append(children, s)
		}
	}
	for _, s := range p.jobSettings() {
		p.draft(s, jobs)
		switch s.enum {
		case p.opts.Jobs.Association:
			for _, sh := range children {
				p.schedule(s, jobs, &sh, true)
			}
			p.shoplessAssociation(s, jobs)
		case p.opts.Jobs.CatalogSync:
			for _, sh := range connected {
				p.schedule(s, jobs, &sh, false)
			}
		case p.opts.Jobs.PresellRefresh:
			p.schedule(s, jobs, nil, false)
		}
	}
}

// draft reports the job's draft: the template every schedule and run-now copies (hotwax-api §4.3).
func (p *probe) draft(s jobSetting, jobs []hotwax.Job) {
	f := Finding{Area: AreaJobs, Item: s.name + " draft", Status: OK}
	var draft *hotwax.Job
	known := false
	for i, j := range jobs {
		if j.SystemJobEnumID != s.enum {
			continue
		}
		known = true
		if j.StatusID == hotwax.StatusDraft && draft == nil {
			draft = &jobs[i]
		}
	}
	switch {
	case !known:
		f.Status, f.Detail = Warn, "the OMS has no draft or schedule of "+s.enum
		f.Fix = "check " + s.variable + ": it must be the Job Manager's id of " + s.name + " (" + s.where + ")"
	case draft == nil:
		f.Status, f.Detail = Warn, s.enum+" has a schedule but no draft: the bot cannot schedule or run it"
		f.Fix = "ask HotWax Support to restore the " + s.enum + " draft"
	case draft.RuntimeData["_ERROR_MESSAGE_"] != "":
		f.Status, f.Detail = Warn, "draft "+draft.JobID+" has no usable runtime data: "+draft.RuntimeData["_ERROR_MESSAGE_"]
		f.Fix = "ask HotWax Support to fix the runtime data of draft " + draft.JobID + " (" + s.enum + ")"
	case draft.ServiceName == "" || draft.ServiceName == "_NA_":
		f.Status, f.Detail = Warn, "draft "+draft.JobID+" has no service configured"
		f.Fix = "ask HotWax Support to configure the service of draft " + draft.JobID + " (" + s.enum + ")"
	default:
		f.Detail = s.enum + " draft " + draft.JobID + " (service " + draft.ServiceName + ")"
	}
	p.r.add(f)
}

// schedule reports whether the job is enabled for a shop (sh nil: for the store). exact requires a row for
// that shop; otherwise a store-wide row counts too, as the chain reads it.
func (p *probe) schedule(s jobSetting, jobs []hotwax.Job, sh *shop, exact bool) {
	f := Finding{Area: AreaJobs, Item: s.name + " · store " + p.opts.ProductStoreID, Status: OK}
	shopID := ""
	if sh != nil {
		f.Item, shopID = s.name+" · "+sh.label(), sh.ID
	}
	j, ok := p.scheduled(jobs, s.enum, shopID, exact, sh == nil)
	if ok {
		f.Detail = "scheduled " + j.TempExprID
		if !j.RunTime.IsZero() {
			f.Detail += ", next run " + fmtTime(j.RunTime)
		}
		f.Detail += " (job " + j.JobID + ")"
		p.r.add(f)
		return
	}
	f.Status, f.Detail = Warn, "not scheduled"
	where := ""
	if sh != nil {
		where = " for " + sh.label()
	}
	f.Fix = fmt.Sprintf("schedule %s%s in %s, or press its button on a check card", s.name, where, s.where)
	p.r.add(f)
}

// shoplessAssociation warns about an association job scheduled without a shop: the job runs per child shop
// (hotwax-api §4.7), so the chain attributes it to none and every child shows it as not scheduled.
func (p *probe) shoplessAssociation(s jobSetting, jobs []hotwax.Job) {
	for _, j := range jobs {
		if j.SystemJobEnumID != s.enum || !j.Scheduled() || j.Shop() != "" {
			continue
		}
		if st := jobStore(j); st != "" && st != p.opts.ProductStoreID {
			continue
		}
		p.r.add(Finding{Area: AreaJobs, Item: s.name + " · no shop", Status: Warn,
			Detail: "job " + j.JobID + " is scheduled " + j.TempExprID + " without a shop: it links products to no child shop",
			Fix:    "schedule " + s.name + " once per child shop (" + s.where + ", with the shop selected) and cancel job " + j.JobID})
		return
	}
}

// scheduled finds a pending row with a frequency for the store: for shopID exactly, or (unless exact) a
// store-wide row; anyShop accepts a row for any shop, as the pre-sell refresh check does.
func (p *probe) scheduled(jobs []hotwax.Job, enum, shopID string, exact, anyShop bool) (hotwax.Job, bool) {
	for _, j := range jobs {
		if j.SystemJobEnumID != enum || !j.Scheduled() {
			continue
		}
		if st := jobStore(j); st != "" && st != p.opts.ProductStoreID {
			continue
		}
		if anyShop || j.Shop() == shopID || (!exact && j.Shop() == "") {
			return j, true
		}
	}
	return hotwax.Job{}, false
}

func jobStore(j hotwax.Job) string {
	if j.ProductStoreID != "" {
		return j.ProductStoreID
	}
	return j.RuntimeData["productStoreId"]
}

// parent says which shop the chain will treat as the parent and why, as the chain chooses it: configuration
// first, else the one connected shop with a pending product import job (hotwax-api §5.1: children must not
// have one), else per product the shop whose link is oldest.
func (p *probe) parent(shops []shop, jobs []hotwax.Job, jobsErr error) {
	f := Finding{Area: AreaParent, Item: "HOTWAX_PARENT_SHOP_ID", Status: OK}
	byID := map[string]shop{}
	for _, s := range shops {
		byID[s.ID] = s
	}
	var importing []string
	var enum string
	for _, j := range jobs {
		if j.StatusID != hotwax.StatusPending || (j.SystemJobEnumID != p.opts.Jobs.ImportNew && j.SystemJobEnumID != p.opts.Jobs.ImportUpdates) {
			continue
		}
		if s, ok := byID[j.Shop()]; ok && !s.Disconnected && !slices.Contains(importing, s.ID) {
			importing = append(importing, s.ID)
			enum = j.SystemJobEnumID
		}
	}
	slices.Sort(importing)

	if id := p.opts.ParentShopID; id != "" {
		s, ok := byID[id]
		p.r.Parent = Parent{ShopID: id, How: "configured"}
		switch {
		case !ok:
			f.Status, f.Detail = Fail, "configured "+id+", which is not a shop of store "+p.opts.ProductStoreID
			f.Fix = "set HOTWAX_PARENT_SHOP_ID to one of: " + shopList(shops)
		case s.Disconnected:
			f.Status, f.Detail = Warn, "configured "+s.label()+", which is disconnected"
			f.Fix = "set HOTWAX_PARENT_SHOP_ID to the connected shop that imports products"
		case len(importing) > 0 && !slices.Contains(importing, id):
			f.Status, f.Detail = Warn, "configured "+s.label()+", but the product import job runs for "+labels(byID, importing)
			f.Fix = "check HOTWAX_PARENT_SHOP_ID: the parent is the shop products are imported from"
		default:
			f.Detail = "configured: " + s.label()
		}
		p.r.add(f)
		return
	}
	switch {
	case jobsErr != nil:
		p.r.Parent = Parent{How: "unknown: the jobs could not be read"}
		f.Status, f.Detail = Warn, "not configured, and the product import jobs could not be read"
		f.Fix = "set HOTWAX_PARENT_SHOP_ID to the shop products are imported from"
	case len(importing) == 1:
		p.r.Parent = Parent{ShopID: importing[0], How: "inferred: the only shop with a pending product import job (" + enum + ")"}
		f.Detail = "not configured; inferred " + labels(byID, importing) + ": the only shop with a pending product import job (" + enum + ")"
	case len(importing) > 1:
		p.r.Parent = Parent{ShopID: importing[0], How: "inferred: several shops have a pending product import job; took the first"}
		f.Status, f.Detail = Warn, "not configured; several shops have a pending product import job: "+labels(byID, importing)
		f.Fix = "set HOTWAX_PARENT_SHOP_ID to the one that is the parent"
	default:
		p.r.Parent = Parent{How: "inferred per product: the shop whose link to the product is oldest"}
		f.Status, f.Detail = Warn, "not configured, and no shop has a pending product import job: each check guesses the parent from the oldest link"
		f.Fix = "set HOTWAX_PARENT_SHOP_ID to the shop products are imported from"
	}
	p.r.add(f)
}

func labels(byID map[string]shop, ids []string) string {
	out := make([]string, len(ids))
	for i, id := range ids {
		out[i] = byID[id].label()
	}
	return strings.Join(out, ", ")
}
