package diagnostics

import (
	"fmt"
	"slices"
)

// Diff says in human lines what changed between two reports of the same SKU, for "what changed since the
// last check": the verdict, each check's status, and each shop's link and listing.
func Diff(old, new Report) []string {
	var out []string
	if old.Status != new.Status {
		out = append(out, fmt.Sprintf("status: %s → %s", old.Status, new.Status))
	}
	if old.Cause != new.Cause {
		out = append(out, fmt.Sprintf("cause: %s → %s", old.Cause, new.Cause))
	}
	for _, c := range old.Causes {
		if c != old.Cause && c != new.Cause && !slices.Contains(new.Causes, c) {
			out = append(out, "no longer: "+c)
		}
	}
	for _, c := range new.Causes {
		if c != new.Cause && !slices.Contains(old.Causes, c) {
			out = append(out, "also: "+c)
		}
	}
	for _, nc := range new.Checks {
		for _, oc := range old.Checks {
			if oc.ID == nc.ID && oc.Status != nc.Status {
				out = append(out, fmt.Sprintf("%s: %s → %s", nc.ID, oc.Status, nc.Status))
			}
		}
	}
	for _, ns := range new.Shops {
		os, found := shopByID(old.Shops, ns.ShopID)
		if !found {
			continue
		}
		switch {
		case ns.Linked && !os.Linked:
			out = append(out, ns.Name+": linked")
		case !ns.Linked && os.Linked:
			out = append(out, ns.Name+": no longer linked")
		}
		if ns.Listing != os.Listing && ns.Listing != "" && os.Listing != "" {
			out = append(out, fmt.Sprintf("%s: %s → %s", ns.Name, os.Listing, ns.Listing))
		}
		if ns.AssociationJob != os.AssociationJob && ns.AssociationJob != "" && os.AssociationJob != "" {
			out = append(out, fmt.Sprintf("%s association job: %s → %s", ns.Name, os.AssociationJob, ns.AssociationJob))
		}
	}
	return out
}

func shopByID(shops []ShopFacts, id string) (ShopFacts, bool) {
	for _, s := range shops {
		if s.ShopID == id {
			return s, true
		}
	}
	return ShopFacts{}, false
}
