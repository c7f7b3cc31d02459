package blocks

import (
	"slices"

	"github.com/preorderbot/preorderbot/diagnostics"
)

// underWay is the report as the card shows it while fixes run. A check whose fixes are all under way reads
// "⏳ … · fix under way" (one with only some of them, "… · one of its fixes is under way"); when the report offers no other fix (the ones under way are not offered again),
// the header and the verdict say a fix is under way too. Header, verdict and rows are all drawn from this
// one report, so they tell the same story as the status lines about the fixes.
func underWay(r diagnostics.Report, fixing map[diagnostics.CheckID]bool) (diagnostics.Report, bool) {
	if len(fixing) == 0 {
		return r, false
	}
	r.Checks = slices.Clone(r.Checks)
	for i, c := range r.Checks {
		all, some := fixing[c.ID]
		switch {
		case !some || c.Status == diagnostics.StatusPass:
		case all:
			r.Checks[i].Status = diagnostics.StatusPending
			r.Checks[i].Summary = c.Summary + " · fix under way"
		default:
			r.Checks[i].Summary = c.Summary + " · one of its fixes is under way"
		}
	}
	for _, rem := range r.Remedies {
		if rem.Kind != diagnostics.RemedyRecheck && rem.Kind != diagnostics.RemedyEscalate {
			return r, false // the operator still has something to do
		}
	}
	if r.Cause == diagnostics.CauseHealthy {
		return r, false
	}
	r.Status = diagnostics.StatusPending
	return r, true
}
