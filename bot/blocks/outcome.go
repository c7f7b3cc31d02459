package blocks

import (
	"errors"
	"strings"

	"github.com/preorderbot/preorderbot/diagnostics"
)

// OutcomeText says what an OMS write did, in an operator's words (plain text: ResultLine escapes it). The
// same words go to the audit trail and to the effect's record, so a later press can quote them.
func OutcomeText(out diagnostics.Outcome, err error) string {
	var ve *diagnostics.ValidationError
	refusal, refused := diagnostics.OMSRefusal(err)
	switch {
	case err == nil && out.Already:
		return out.Summary
	case err == nil && out.Summary != "":
		return out.Summary
	case err == nil:
		return "done"
	case errors.As(err, &ve):
		return "not sent: " + ve.Error()
	case diagnostics.OutcomeUnknown(err):
		return "the OMS did not answer in time, so I don't know whether it happened. Press Re-check before trying again."
	case refused:
		return "the OMS refused: " + strings.Join(refusal, "; ")
	default:
		return "failed: " + err.Error()
	}
}

// Taken is a fix the OMS took and whose job the bot now watches: the facts its status line says in the
// past tense.
type Taken struct {
	Kind     string `json:"kind"`               // the remedy's kind (diagnostics.Remedy*)
	Label    string `json:"label"`              // the remedy's label, as its button names it
	ShopName string `json:"shopName,omitempty"` // the shop a link was made to
}

// pastTense says what the OMS did for a taken fix (plain text): "Scheduled …", "Started …", "Linked …".
func pastTense(t Taken) string {
	switch t.Kind {
	case diagnostics.RemedyScheduleJob, diagnostics.RemedyEnableJob:
		return strings.Replace(t.Label, "Schedule", "Scheduled", 1)
	case diagnostics.RemedyLinkProduct:
		if t.ShopName != "" {
			return "Linked the product to " + t.ShopName
		}
		return "Linked the product"
	}
	return strings.Replace(t.Label, "Run", "Started", 1)
}
