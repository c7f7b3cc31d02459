package blocks

// CannedNote names a note the bot sends: something it could not do for a reason of its own, a part the
// deployment lacks, or news with nothing more to say.
type CannedNote int

// The canned notes the bot sends.
const (
	UnrecordedAction     CannedNote = iota // a fix's claim could not be written
	UnrecordedFix                          // a digest's bulk fix could not be claimed
	UnrecordedPress                        // a digest's "Check these" or "Escalate" could not be claimed
	UnrecordedEscalation                   // a card's escalation could not be claimed
	CheckNotStarted                        // a check's conversation could not be written
	HistoryUnreadable                      // the history could not be read from the store
	JobsUnavailable                        // the deployment has no job reader
	DoctorUnavailable                      // the deployment has no doctor
	SweepsUnavailable                      // the deployment runs no sweeps
	NothingToCheck                         // a digest's "Check these" whose cause no SKU has any more
	NoReportToEscalate                     // Escalate pressed on a card with no finished report
	NoSupportChannel                       // no support channel: the packet went to the card's thread
	TicketDelivered                        // the support ticket reached the support system
	BusyNotStarted                         // the admission queue was full
	BusyNoForm                             // the forms' queue was full
)

// Canned words a canned note (mrkdwn).
func Canned(n CannedNote) string {
	switch n {
	case UnrecordedAction:
		return "I could not record this action, so I did nothing. Please try again."
	case UnrecordedFix:
		return "I could not record this fix, so I did nothing. Please try again."
	case UnrecordedPress:
		return "I could not record this, so I did nothing. Please try again."
	case UnrecordedEscalation:
		return "I could not record this escalation, so I sent nothing. Please try again."
	case CheckNotStarted:
		return "I could not start the check: my database is not writable. Please tell the bot's admin."
	case HistoryUnreadable:
		return "⚠️ I could not read the history from my database."
	case JobsUnavailable:
		return "Job health is not available in this deployment."
	case DoctorUnavailable:
		return "The doctor is not available in this deployment."
	case SweepsUnavailable:
		return "Sweeps are not available in this deployment."
	case NothingToCheck:
		return "No SKU has that cause any more, so there is nothing to check."
	case NoReportToEscalate:
		return "This card has no finished report to escalate yet; press Re-check first."
	case NoSupportChannel:
		return "No support channel is configured: an admin can set PREORDERBOT_SUPPORT_CHANNEL. " +
			"I put the evidence packet in the card's thread as a file so you can forward it."
	case TicketDelivered:
		return "🎫 The support ticket was delivered."
	case BusyNotStarted:
		return "I'm busy with many requests right now, so I did not start this. Please try again in a minute."
	case BusyNoForm:
		return "I'm busy with many requests right now, so I did not open the form. Please press the button again in a minute."
	}
	return ""
}
