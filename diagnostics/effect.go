package diagnostics

import (
	"net/url"
	"strings"
)

// Effect names what r changes in the OMS for a product store: two remedies with the same effect are one
// write, whichever card, button or person asks for them. Scheduling and enabling a job create the same
// pending row, so they share an effect; a run-now is its own effect, and so is a product's link to a shop.
func (r Remedy) Effect(storeID string) string {
	kind := r.Kind
	parts := []string{storeID, r.Job, r.ShopID}
	switch r.Kind {
	case RemedyScheduleJob, RemedyEnableJob:
		kind = "schedule"
	case RemedyRunJob:
		kind = "run"
	case RemedyLinkProduct:
		kind = "link"
		parts = []string{storeID, r.ShopID, r.params[paramProductID]}
	}
	for i, p := range parts {
		parts[i] = url.PathEscape(p)
	}
	return kind + "/" + strings.Join(parts, "/")
}
