package blocks

import (
	"fmt"
	"strings"
)

// FormProblem is why a submitted form cannot go on, with the facts its sentence needs. The bot states
// them; FormError words them.
type FormProblem struct {
	Kind    FormProblemKind
	Pressed Pressed // who used the form's button and when, and who submits now, for FormButtonUsed
	Count   int     // the note's length, for NoteTooLong
	Limit   int     // the longest note, for NoteTooLong
	Detail  string  // the executor's validation message, for InvalidInput
}

// FormProblemKind names one form problem's sentence.
type FormProblemKind int

// The problems a submitted form can have.
const (
	FormNotOurs          FormProblemKind = iota // the bot did not open this form for this person from this button
	FormRecordUnreadable                        // the form's record could not be read from the store
	FormButtonUnknown                           // no stored action has the form's button
	FormActionUnreadable                        // the form's action could not be read from the store
	FormButtonUsed                              // the form's button was used while the form was open
	FormButtonExpired                           // the form's button expired while the form was open
	FormButtonUnusable                          // the form's button cannot run any more
	InvalidInput                                // the executor refuses an input: Detail says why
	FirstRunUnreadable                          // the first-run picker's value is not a time
	FrequencyNotOffered                         // a frequency the OMS does not have
	ShopNotOffered                              // a shop that is not missing the link
	NoteTooLong                                 // the escalation note is longer than Limit
)

// FormError words a form problem. It is plain text: a modal's inline errors render no mrkdwn, so a user
// is named by id.
func FormError(p FormProblem) string {
	switch p.Kind {
	case FormNotOurs:
		return "I did not open this form for you from this button; close it and use the card's buttons."
	case FormRecordUnreadable:
		return "I could not read this form's record from my database; please submit again."
	case FormButtonUnknown:
		return "This form's button is unknown to me; close it and use the card's buttons."
	case FormActionUnreadable:
		return "I could not read this form's action from my database; please submit again."
	case FormButtonUsed:
		who := "User " + p.Pressed.By
		if p.Pressed.By == p.Pressed.Viewer {
			who = "You"
		}
		return fmt.Sprintf("%s already did this at %s; close the form and press Re-check.", who, p.Pressed.At.UTC().Format("15:04 UTC"))
	case FormButtonExpired:
		return "This form's button expired; close it and press Re-check for fresh buttons."
	case FormButtonUnusable:
		return "This form's button can no longer be used; close it and press Re-check."
	case InvalidInput:
		return sentence(p.Detail)
	case FirstRunUnreadable:
		return "Pick the first run with the date and time picker."
	case FrequencyNotOffered:
		return "Pick one of the OMS's frequencies."
	case ShopNotOffered:
		return "Pick one of the shops missing the link."
	case NoteTooLong:
		return fmt.Sprintf("Keep the note under %d characters (it has %d).", p.Limit, p.Count)
	}
	return "This form cannot be submitted; close it and press Re-check."
}

// sentence makes a validation message read as a sentence.
func sentence(s string) string {
	if s == "" {
		return s
	}
	r := []rune(s)
	return strings.ToUpper(string(r[0])) + string(r[1:]) + "."
}
