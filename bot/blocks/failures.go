package blocks

import (
	"strconv"
	"strings"

	"github.com/preorderbot/preorderbot/diagnostics"
)

// maxQuotedFailure bounds the verbatim error text of an unknown failure on a card.
const maxQuotedFailure = 600

// failingRuns are the failed runs that make the job-failures check fail: store-wide ones and those of shops
// where the SKU is not listed (a failure where it is listed anyway only warns, and stays in the thread).
func failingRuns(r diagnostics.Report) []diagnostics.Evidence {
	c, ok := r.Check(diagnostics.CheckJobFailures)
	if !ok || c.Status != diagnostics.StatusFail {
		return nil
	}
	listed := map[string]bool{}
	for _, s := range r.Shops {
		listed[s.ShopID] = s.Listing == "Listed"
	}
	var out []diagnostics.Evidence
	for _, e := range c.Evidence {
		if e.Shop == "" || !listed[e.Shop] {
			out = append(out, e)
		}
	}
	return out
}

// jobFailureLines explain each failing run on the card: what it means and its fix, or, for a failure no
// signature knows, the OMS's words verbatim with escalation first.
func jobFailureLines(r diagnostics.Report) []string {
	var lines []string
	for _, e := range failingRuns(r) {
		what := "*" + escape(e.Label) + "*"
		if e.Signature == nil || !e.Signature.Known() {
			lines = append(lines, "❓ "+what+" failed with an error that is *not a known failure*:\n"+
				quote(truncate(escape(failureText(e.Value)), maxQuotedFailure))+
				"\nEscalate it to HotWax Support first: the note is prefilled with the error.")
			continue
		}
		sig := *e.Signature
		line := "🔎 " + what + ": " + escape(sig.Meaning) + " `" + escape(sig.ID) + "`"
		lines = append(lines, line+"\n"+fixText(r, e, sig.Fix))
	}
	return lines
}

// fixText says what to do about a known failure, naming the button that does it.
func fixText(r diagnostics.Report, e diagnostics.Evidence, f diagnostics.Fix) string {
	switch f.Kind {
	case diagnostics.FixRemedy:
		for _, m := range r.Remedies {
			if m.Kind == f.Remedy && m.ShopID == e.Shop {
				return "*Fix:* press “" + escape(remedyLabel(m)) + "”."
			}
		}
		if f.Remedy == diagnostics.RemedyLinkProduct {
			return "*Fix:* relink the product in that shop to its current Shopify variant, then run the job again."
		}
		return "*Fix:* run the job again."
	case diagnostics.FixSteps:
		steps := make([]string, 0, len(f.Steps))
		for i, s := range f.Steps {
			steps = append(steps, strconv.Itoa(i+1)+". "+escape(s))
		}
		return "*Fix, by a person:*\n" + strings.Join(steps, "\n")
	}
	return "*Fix:* escalate to HotWax Support; the note is prefilled."
}

// failureText is the OMS's error of a failed run without the status the evidence prefixes it with.
func failureText(value string) string {
	for _, status := range []string{"SERVICE_FAILED: ", "SERVICE_CRASHED: "} {
		if v, ok := strings.CutPrefix(value, status); ok {
			return v
		}
	}
	return value
}

// escalateFirst tells whether the card's first button is the escalation: when the most likely cause is a
// failing job and no failing run has a fix the bot can run, only Support can act.
func escalateFirst(r diagnostics.Report) bool {
	if r.Cause != diagnostics.CauseJobFailing {
		return false
	}
	runs := failingRuns(r)
	for _, e := range runs {
		if e.Signature != nil && e.Signature.Known() && e.Signature.Fix.Kind != diagnostics.FixEscalate {
			return false
		}
	}
	return len(runs) > 0
}

// failureSummary is one line per failed run for Support: the signature id and meaning, or the mark that
// it is not a known failure.
func failureSummary(r diagnostics.Report) []string {
	c, ok := r.Check(diagnostics.CheckJobFailures)
	if !ok {
		return nil
	}
	var lines []string
	for _, e := range c.Evidence {
		line := "• *" + escape(e.Label) + "*"
		if e.JobID != "" {
			line += " (run `" + escape(e.JobID) + "`)"
		}
		if e.Signature == nil || !e.Signature.Known() {
			lines = append(lines, line+": not a known failure: "+truncate(escape(oneLine(failureText(e.Value))), maxEvidenceValue))
			continue
		}
		lines = append(lines, line+": "+signatureMark(*e.Signature)+": "+escape(e.Signature.Meaning))
	}
	return lines
}

// signatureMark names a failed run's signature in evidence lines.
func signatureMark(sig diagnostics.SignatureRef) string {
	if !sig.Known() {
		return "not a known failure"
	}
	return "known failure `" + escape(sig.ID) + "`"
}
