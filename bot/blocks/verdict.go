package blocks

import (
	"fmt"

	"github.com/preorderbot/preorderbot/diagnostics"
)

// CauseSentence is the report's most likely cause in an operator's words, as the card's verdict says it. It is
// mrkdwn-escaped (&, <, > as entities), ready for Slack text.
func CauseSentence(r diagnostics.Report) string { return causeSentence(r.Cause, r) }

// Recheck is the verdict a re-check posts in the thread and adds to the card (mrkdwn); underWay counts the
// fixes still running on the card, which a "still failing" would wrongly send to Support.
func Recheck(rs []diagnostics.Report, underWay int) string {
	if allHealthy(rs) {
		for _, r := range rs {
			if r.Status == diagnostics.StatusWarn {
				return "✅ Nothing left to fix: every link and job is in order; the shops show the listing after the next catalog sync."
			}
		}
		return "✅ Fixed: every shop is in sync."
	}
	if underWay > 0 {
		return stillUnderWay(underWay)
	}
	for _, r := range rs {
		if r.Cause.Problem() && !r.Cause.Uncertain() { // an uncertain cause is not known to be failing: said below
			return "❌ Still failing: " + CauseSentence(r)
		}
	}
	for _, r := range rs {
		if r.Cause != diagnostics.CauseHealthy {
			return "❓ Could not tell whether it is fixed: " + CauseSentence(r)
		}
	}
	return ""
}

// stillUnderWay is the re-check verdict while other fixes on the card still run.
func stillUnderWay(n int) string {
	if n == 1 {
		return "⏳ Not fixed yet: 1 more fix on this card is still under way; I re-check when it ends."
	}
	return fmt.Sprintf("⏳ Not fixed yet: %d more fixes on this card are still under way; I re-check when each ends.", n)
}

func allHealthy(rs []diagnostics.Report) bool {
	for _, r := range rs {
		if r.Cause != diagnostics.CauseHealthy {
			return false
		}
	}
	return len(rs) > 0
}
