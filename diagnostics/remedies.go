package diagnostics

import (
	"cmp"
	"fmt"
)

// Remedy defaults: the Job Manager's own (hotwax-api §4.2): HOURLY for the association job with a
// modest limit, EVERY_15_MIN for the pre-order jobs as the Pre-Order page checkbox does.
const (
	associationFrequency = "HOURLY"
	associationLimit     = "100"
	preorderFrequency    = "EVERY_15_MIN"
)

func (s *subject) where(shopID string) string {
	if shopID == "" {
		return ""
	}
	return " for " + s.shopName(shopID)
}

func (s *subject) scheduleAssociation(shopID string) Remedy {
	return Remedy{
		Kind: RemedyScheduleJob, Job: s.opts.Jobs.Association, ShopID: shopID, ShopName: s.shopName(shopID),
		Frequency: associationFrequency, params: map[string]string{paramLimit: associationLimit},
		Label: "Schedule association job" + s.where(shopID),
	}
}

func (s *subject) runJob(enum, shopID, how string) Remedy {
	r := Remedy{Kind: RemedyRunJob, Job: enum, ShopID: shopID, Label: fmt.Sprintf("Run %s %s%s", s.opts.jobName(enum), how, s.where(shopID))}
	if shopID != "" {
		r.ShopName = s.shopName(shopID)
	}
	return r
}

// fullSync re-pushes every pre-order product to one shop.
func (s *subject) fullSync(shopID string) Remedy { return s.opts.fullSync(shopID, s.shopName(shopID)) }

// fullSync re-pushes every pre-order product to one shop: the configured bulk push job, else a catalog
// sync run with includeAll, which skips the delta watermark that missed a late link (hotwax-api §7).
func (o Options) fullSync(shopID, shopName string) Remedy {
	r := Remedy{
		Kind: RemedyRunJob, Job: o.Jobs.CatalogSync, ShopID: shopID, ShopName: shopName,
		params: map[string]string{paramIncludeAll: "Y"},
		Label:  fullSyncLabel + " for " + cmp.Or(shopName, "shop "+shopID),
	}
	if o.Jobs.FullRepush != "" {
		r.Job, r.params = o.Jobs.FullRepush, nil
	}
	return r
}

// FollowUp is the remedy that must follow r for r to take effect, if any: after a manual link, a full sync
// of that shop, since delta syncs never pick up a link made after the shop's last sync (hotwax-api §7).
func (e *Executor) FollowUp(r Remedy) (Remedy, bool) {
	if r.Kind != RemedyLinkProduct {
		return Remedy{}, false
	}
	return e.opts.fullSync(r.ShopID, r.ShopName), true
}

func (s *subject) enableJob(enum, shopID string) Remedy {
	r := Remedy{
		Kind: RemedyEnableJob, Job: enum, ShopID: shopID, Frequency: preorderFrequency,
		Label: "Enable " + s.opts.jobName(enum) + s.where(shopID),
	}
	if shopID != "" {
		r.ShopName = s.shopName(shopID)
	}
	return r
}

func (s *subject) linkProduct(shopID string) Remedy {
	r := Remedy{Kind: RemedyLinkProduct, ShopID: shopID, ShopName: s.shopName(shopID), Label: "Link product to " + s.shopName(shopID)}
	if s.product != nil {
		r.params = map[string]string{paramProductID: s.product.ProductID}
	}
	return r
}

func recheck() Remedy  { return Remedy{Kind: RemedyRecheck, Label: "Re-check"} }
func escalate() Remedy { return Remedy{Kind: RemedyEscalate, Label: "Escalate to HotWax Support"} }

// appendRemedy adds r unless the same action (kind, job, shop) is already offered.
func appendRemedy(rs []Remedy, r Remedy) []Remedy {
	for _, o := range rs {
		if o.Kind == r.Kind && o.Job == r.Job && o.ShopID == r.ShopID {
			return rs
		}
	}
	return append(rs, r)
}
