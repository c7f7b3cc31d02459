package diagnostics

import (
	"maps"
	"slices"
	"strings"
)

// The OMS parameter names a remedy carries. They stay inside this package: callers ask the methods
// below, so a renamed OMS parameter changes this file only, while remedies already stored (as JSON in
// the bot's actions) keep decoding with the same names.
const (
	paramLimit      = "limit"
	paramIncludeAll = "includeAll"
	paramNote       = "note"
	paramProductID  = "productId"
)

// fullSyncLabel starts the label of every full sync, including one through a configured bulk push job,
// which carries no includeAll.
const fullSyncLabel = "Run full catalog sync"

// Limit is the batch size a scheduled job starts with, or "" when the job takes none.
func (r Remedy) Limit() string { return r.Params[paramLimit] }

// Note is the text that prefills an escalation.
func (r Remedy) Note() string { return r.Params[paramNote] }

// FullSync reports whether r re-pushes every pre-order product to its shop rather than the delta since
// the last sync: the fix for a product associated after its shop's last sync.
func (r Remedy) FullSync() bool {
	return r.Kind == RemedyRunJob && (r.Params[paramIncludeAll] != "" || strings.HasPrefix(r.Label, fullSyncLabel))
}

// Settings lists r's parameters as sorted "name=value" pairs, for an audit trail or an operator who
// repeats the action in the Job Manager.
func (r Remedy) Settings() []string {
	var out []string
	for _, k := range slices.Sorted(maps.Keys(r.Params)) {
		out = append(out, k+"="+r.Params[k])
	}
	return out
}
