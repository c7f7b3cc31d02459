package blocks

import (
	"cmp"

	"github.com/preorderbot/preorderbot/diagnostics"
)

// causeSentence explains a cause id in one sentence an operator understands, in the words of the HotWax
// troubleshooting guide, naming the shops and jobs of this report. The result is mrkdwn-escaped.
func causeSentence(cause string, r diagnostics.Report) string {
	sku := escape(r.SKU)
	switch cause {
	case diagnostics.CauseUnknownSKU:
		return "SKU " + sku + " does not match any product in store " + escape(r.ProductStoreID) +
			", so there is nothing to sync: check the SKU (SKUs are case-sensitive) and the store."
	case diagnostics.CauseNotPreorder:
		return sku + " is not in the pre-order or backorder category, so HotWax has no pre-order information " +
			"to send to any shop."
	case diagnostics.CauseAssociationJobMissing:
		shops := remedyShops(r, diagnostics.RemedyScheduleJob)
		if len(shops) == 0 {
			shops = unlinkedChildren(r)
		}
		return "The “Associate Products with Sub Catalog” job is not scheduled for " + orDefault(shops, nil, "a child shop") +
			", so the product was never linked to " + thatShop(shops) + "."
	case diagnostics.CauseAssociatedAfterSync:
		shops := fullSyncShops(r)
		return "The product was linked to " + orDefault(shops, nil, "a child shop") + " after the last pre-order sync to " +
			thatShop(shops) + ", so the delta sync will never pick it up: it needs a full pre-order catalog sync."
	case diagnostics.CausePresellJobsDisabled:
		return "The " + disabledJobs(r) + " not enabled, so pre-order changes are not pushed to the shops."
	case diagnostics.CauseJobFailing:
		s := "A pre-order job is enabled but its runs fail, so the shops are not updated"
		if c, ok := findCheck(r, diagnostics.CheckJobFailures); ok && c.Summary != "" {
			s += ": " + escape(truncate(oneLine(c.Summary), 300))
		}
		return s + "."
	case diagnostics.CauseNeedsManualLink:
		shops := orDefault(remedyShops(r, diagnostics.RemedyLinkProduct), unlinkedChildren(r), "a child shop")
		return "Every job is scheduled and running, yet the product is still not linked to " + shops +
			": link it by hand with its Shopify variant id and inventory item id."
	case diagnostics.CauseUnexplained:
		return "Every job and link looks right, yet the shops are not in sync: escalate to HotWax Support " +
			"with the evidence."
	case diagnostics.CauseHealthy:
		if c, ok := findCheck(r, diagnostics.CheckShopListing); ok && c.Status == diagnostics.StatusWarn {
			return sku + " is linked to every connected shop and every job is in order, but no shop shows its " +
				"listing yet: the next pre-order catalog sync should push it. Re-check after it runs."
		}
		return sku + " is linked to every connected shop and its pre-order information is synced: nothing to fix."
	case diagnostics.CauseOMSUnavailable:
		if refusedCredentials(r) {
			return "The OMS refused the bot's credentials, so " + sku + " could not be checked. Nothing is known to be " +
				"wrong with it yet: fix the setting named below, then re-check."
		}
		return "The OMS could not be reached, so " + sku + " could not be checked. Nothing is known to be wrong yet."
	case diagnostics.CauseIncomplete:
		return "Some checks of " + sku + " could not run because the OMS's answers below could not be used; the " +
			"checks that ran found nothing wrong. Re-check, or escalate with the evidence."
	}
	return "Cause “" + escape(cause) + "”."
}

// refusedCredentials reports whether the OMS refused the bot's token, login or permissions.
func refusedCredentials(r diagnostics.Report) bool {
	for _, f := range r.Failures {
		if f.Kind == diagnostics.FailureCredentials {
			return true
		}
	}
	return false
}

// disabledJobs names the pre-order jobs whose checks failed, with the verb agreeing.
func disabledJobs(r diagnostics.Report) string {
	var names []string
	for _, id := range []string{diagnostics.CheckPresellRefresh, diagnostics.CheckCatalogSync} {
		if c, ok := findCheck(r, id); ok && (c.Status == diagnostics.StatusFail || c.Status == diagnostics.StatusWarn) {
			names = append(names, "“"+checkTitle(id)+"”")
		}
	}
	switch len(names) {
	case 0:
		return "pre-order jobs (“Auto Refresh Pre-sell Catalog”, “Preorder Catalog Sync”) are"
	case 1:
		return names[0] + " job is"
	}
	return nameList(names) + " jobs are"
}

// remedyShops names the shops that remedies of one kind target, in order, without repeats.
func remedyShops(r diagnostics.Report, kind string) []string {
	var names []string
	seen := map[string]bool{}
	for _, m := range r.Remedies {
		name := m.ShopName
		if name == "" {
			name = m.ShopID
		}
		if m.Kind != kind || name == "" || seen[name] {
			continue
		}
		seen[name] = true
		names = append(names, escape(name))
	}
	return names
}

// fullSyncShops names the shops offered a full catalog sync (a run-job fix with includeAll), the fix of a
// late association.
func fullSyncShops(r diagnostics.Report) []string {
	var names []string
	for _, m := range r.Remedies {
		if m.Kind == diagnostics.RemedyRunJob && m.Params["includeAll"] != "" {
			names = append(names, escape(cmp.Or(m.ShopName, m.ShopID)))
		}
	}
	return names
}

// thatShop refers back to the shops just named.
func thatShop(shops []string) string {
	if len(shops) > 1 {
		return "those shops"
	}
	return "that shop"
}

// unlinkedChildren names the connected child shops that lack the product link.
func unlinkedChildren(r diagnostics.Report) []string {
	var names []string
	for _, s := range r.Shops {
		if s.Role == diagnostics.RoleChild && !s.Linked {
			names = append(names, escape(shopName(s)))
		}
	}
	return names
}

func shopName(s diagnostics.ShopFacts) string {
	if s.Name != "" {
		return s.Name
	}
	return s.ShopID
}

// orDefault lists the first non-empty list of names, else the fallback.
func orDefault(first, second []string, fallback string) string {
	if len(first) > 0 {
		return nameList(first)
	}
	if len(second) > 0 {
		return nameList(second)
	}
	return fallback
}

func findCheck(r diagnostics.Report, id string) (diagnostics.Check, bool) {
	for _, c := range r.Checks {
		if c.ID == id {
			return c, true
		}
	}
	return diagnostics.Check{}, false
}
