package diagnostics

import (
	"encoding/json"
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
func (r Remedy) Limit() string { return r.params[paramLimit] }

// Note is the text that prefills an escalation.
func (r Remedy) Note() string { return r.params[paramNote] }

// FullSync reports whether r re-pushes every pre-order product to its shop rather than the delta since
// the last sync: the fix for a product associated after its shop's last sync.
func (r Remedy) FullSync() bool {
	return r.Kind == RemedyRunJob && (r.params[paramIncludeAll] != "" || strings.HasPrefix(r.Label, fullSyncLabel))
}

// Settings lists r's parameters as sorted "name=value" pairs, for an audit trail or an operator who
// repeats the action in the Job Manager.
func (r Remedy) Settings() []string {
	var out []string
	for _, k := range slices.Sorted(maps.Keys(r.params)) {
		out = append(out, k+"="+r.params[k])
	}
	return out
}

// remedyJSON is a Remedy as stored and shown: the field order and names of every report and stored
// action, parameters included.
type remedyJSON struct {
	Kind      string            `json:"kind"`
	Job       string            `json:"job,omitempty"`
	ShopID    string            `json:"shopId,omitempty"`
	ShopName  string            `json:"shopName,omitempty"`
	Frequency string            `json:"frequency,omitempty"`
	Params    map[string]string `json:"params,omitempty"`
	Label     string            `json:"label"`
}

func (r Remedy) MarshalJSON() ([]byte, error) {
	return json.Marshal(remedyJSON{Kind: r.Kind, Job: r.Job, ShopID: r.ShopID, ShopName: r.ShopName,
		Frequency: r.Frequency, Params: r.params, Label: r.Label})
}

func (r *Remedy) UnmarshalJSON(b []byte) error {
	var j remedyJSON
	if err := json.Unmarshal(b, &j); err != nil {
		return err
	}
	*r = Remedy{Kind: j.Kind, Job: j.Job, ShopID: j.ShopID, ShopName: j.ShopName, Frequency: j.Frequency,
		Label: j.Label, params: j.Params}
	return nil
}
