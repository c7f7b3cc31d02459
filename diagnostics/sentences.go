// The words the causes' sentences share: the report's shops, jobs and failures, named.

package diagnostics

import (
	"cmp"
	"slices"
	"strings"
)

// refusedCredentials reports whether the OMS refused the bot's token, login or permissions.
func (r Report) refusedCredentials() bool {
	return slices.ContainsFunc(r.Failures, func(f Failure) bool { return f.Kind == FailureCredentials })
}

// disabledJobs names the pre-order jobs whose checks failed, with the verb agreeing.
func (r Report) disabledJobs() string {
	var names []string
	for _, id := range []CheckID{CheckPresellRefresh, CheckCatalogSync} {
		if c, ok := r.Check(id); ok && (c.Status == StatusFail || c.Status == StatusWarn) {
			names = append(names, "“"+id.Title()+"”")
		}
	}
	switch len(names) {
	case 0:
		return "pre-order jobs (“Auto Refresh Pre-sell Catalog”, “Preorder Catalog Sync”) are"
	case 1:
		return names[0] + " job is"
	}
	return NameList(names) + " jobs are"
}

// remedyShops names the shops that remedies of one kind target, in order, without repeats.
func (r Report) remedyShops(kind string, q Quoting) []string {
	var names []string
	seen := map[string]bool{}
	for _, m := range r.Remedies {
		name := cmp.Or(m.ShopName, m.ShopID)
		if m.Kind != kind || name == "" || seen[name] {
			continue
		}
		seen[name] = true
		names = append(names, q.Name(name))
	}
	return names
}

// fullSyncShops names the shops offered a full catalog sync, the fix of a late association.
func (r Report) fullSyncShops(q Quoting) []string {
	var names []string
	for _, m := range r.Remedies {
		if m.Kind == RemedyRunJob && m.params[paramIncludeAll] != "" {
			names = append(names, q.Name(cmp.Or(m.ShopName, m.ShopID)))
		}
	}
	return names
}

// unlinkedChildren names the connected child shops that lack the product link.
func (r Report) unlinkedChildren(q Quoting) []string {
	var names []string
	for _, s := range r.Shops {
		if s.Role == RoleChild && !s.Linked {
			names = append(names, q.Name(cmp.Or(s.Name, s.ShopID)))
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

// orDefault lists the first non-empty list of names, else the fallback.
func orDefault(first, second []string, fallback string) string {
	if len(first) > 0 {
		return NameList(first)
	}
	if len(second) > 0 {
		return NameList(second)
	}
	return fallback
}

// NameList joins names as "A", "A and B", "A, B and C".
func NameList(names []string) string {
	switch len(names) {
	case 0:
		return ""
	case 1:
		return names[0]
	}
	return strings.Join(names[:len(names)-1], ", ") + " and " + names[len(names)-1]
}
