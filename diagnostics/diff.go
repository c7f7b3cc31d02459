package diagnostics

import (
	"slices"
)

// Change kinds: what a Change is about.
const (
	ChangeStatus         = "status"          // the report's status: From → To
	ChangeCause          = "cause"           // the most likely cause: From → To (cause ids)
	ChangeCauseGone      = "cause-gone"      // Name no longer applies (a cause id)
	ChangeCauseAdded     = "cause-added"     // Name now also applies (a cause id)
	ChangeCheck          = "check"           // check Name's status: From → To
	ChangeLinked         = "linked"          // shop Name is now linked
	ChangeUnlinked       = "unlinked"        // shop Name is no longer linked
	ChangeListing        = "listing"         // shop Name's listing: From → To
	ChangeAssociationJob = "association-job" // shop Name's association job: From → To
)

// Change is one difference between two reports of the same SKU. Ids stay ids: the reader's words for
// them belong to whoever renders the change.
type Change struct {
	Kind     string
	Name     string // the check id, cause id or shop name the change is about
	From, To string
}

// Diff says what changed between two reports of the same SKU, for "what changed since the last check":
// the verdict, each check's status, and each shop's link and listing.
func Diff(old, new Report) []Change {
	var out []Change
	if old.Status != new.Status {
		out = append(out, Change{Kind: ChangeStatus, From: string(old.Status), To: string(new.Status)})
	}
	if old.Cause != new.Cause {
		out = append(out, Change{Kind: ChangeCause, From: string(old.Cause), To: string(new.Cause)})
	}
	for _, c := range old.Causes {
		if c != old.Cause && c != new.Cause && !slices.Contains(new.Causes, c) {
			out = append(out, Change{Kind: ChangeCauseGone, Name: string(c)})
		}
	}
	for _, c := range new.Causes {
		if c != new.Cause && !slices.Contains(old.Causes, c) {
			out = append(out, Change{Kind: ChangeCauseAdded, Name: string(c)})
		}
	}
	for _, nc := range new.Checks {
		for _, oc := range old.Checks {
			if oc.ID == nc.ID && oc.Status != nc.Status {
				out = append(out, Change{Kind: ChangeCheck, Name: string(nc.ID), From: string(oc.Status), To: string(nc.Status)})
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
			out = append(out, Change{Kind: ChangeLinked, Name: ns.Name})
		case !ns.Linked && os.Linked:
			out = append(out, Change{Kind: ChangeUnlinked, Name: ns.Name})
		}
		if ns.Listing != os.Listing && ns.Listing != "" && os.Listing != "" {
			out = append(out, Change{Kind: ChangeListing, Name: ns.Name, From: os.Listing, To: ns.Listing})
		}
		if ns.AssociationJob != os.AssociationJob && ns.AssociationJob != "" && os.AssociationJob != "" {
			out = append(out, Change{Kind: ChangeAssociationJob, Name: ns.Name, From: os.AssociationJob, To: ns.AssociationJob})
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
