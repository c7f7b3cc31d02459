package blocks

import (
	"fmt"
	"time"
)

// Pressed is a button someone pressed before: who and when, and who presses it now, so that the refusal
// says "You" to the same person.
type Pressed struct {
	By     string    // Slack user id of who pressed it first
	At     time.Time // when
	Viewer string    // Slack user id of who presses it now
}

func (p Pressed) who() string {
	if p.By == p.Viewer {
		return "You"
	}
	return userMention(p.By)
}

// Refusal is why a button or form did nothing, with who and what stood in the way, for the person who
// pressed it. The bot states the facts; Refused words them.
type Refusal struct {
	Why     RefusalReason
	Pressed Pressed   // the earlier press, for the "used" reasons; its By also names who started a change under way
	At      time.Time // when the button expired, for ExpiredAt
	Label   string    // the change under way elsewhere, or the unknown button's kind
}

// RefusalReason names one refusal's sentence.
type RefusalReason int

// The refusals the bot gives.
const (
	UsedButton         RefusalReason = iota // a used button, pressed again before anything ran
	UsedFix                                 // a fix's button, used while the click was claimed
	UsedDigestButton                        // a digest's bulk fix, used
	UsedCheckThese                          // a digest's "Check these", used
	UsedEscalateThese                       // a digest's "Escalate", used
	UsedEscalate                            // a card's Escalate button, used
	FixUnderwayHere                         // the same fix is under way on this card
	ChangeUnderway                          // the same OMS change is under way from another card
	ChangeUnderwayBulk                      // the same OMS change is under way, pressed on a digest
	ExpiredAt                               // the button expired at Refusal.At
	Expired                                 // the button expired while the click was claimed
	ExpiredDigest                           // a digest's button expired
	UnknownButton                           // no stored action has the button's value
	GoneButton                              // the button's check was pruned
	UnknownKind                             // a stored action of a kind the bot does not run
	UnreadableAction                        // the button's action could not be read from the store
	UnreadableRemedy                        // the button's stored remedy no longer decodes
	UnreadableBulkFix                       // a digest button's stored bulk fix no longer decodes
	ForeignCard                             // the button was pressed somewhere other than its card
	EarlierVersion                          // the button is from an earlier version of its card
	NotADigest                              // a digest's button on something that is not a digest
)

// Refused words a refusal (mrkdwn).
func Refused(r Refusal) string {
	p := r.Pressed
	switch r.Why {
	case UsedButton:
		return fmt.Sprintf("%s already used this button at %s. Press Re-check for the current state.", p.who(), slackDate(p.At))
	case UsedFix:
		return fmt.Sprintf("%s already used this button at %s, so I did nothing.", p.who(), slackDate(p.At))
	case UsedDigestButton:
		return fmt.Sprintf("%s already pressed this at %s, so I did nothing.", p.who(), slackDate(p.At))
	case UsedCheckThese:
		return fmt.Sprintf("%s already pressed this at %s; the cards are in the digest's thread.", p.who(), slackDate(p.At))
	case UsedEscalateThese:
		return fmt.Sprintf("%s already escalated these at %s.", p.who(), slackDate(p.At))
	case UsedEscalate:
		return fmt.Sprintf("%s already escalated from this button at %s; see the card's thread.", userMention(p.By), slackDate(p.At))
	case FixUnderwayHere:
		return fmt.Sprintf("%s started this fix at %s and it is still under way, so I did nothing.", userMention(p.By), slackDate(p.At))
	case ChangeUnderway, ChangeUnderwayBulk:
		text := fmt.Sprintf("%s started the same change (%s) at %s and it is still under way, so I did nothing.",
			userMention(p.By), escape(r.Label), slackDate(p.At))
		if r.Why == ChangeUnderway {
			text += " Press Re-check in a minute."
		}
		return text
	case ExpiredAt:
		return fmt.Sprintf("This button expired at %s. Press Re-check for fresh buttons.", slackDate(r.At))
	case Expired:
		return "This button expired. Press Re-check for fresh buttons."
	case ExpiredDigest:
		return "This button expired. Start a new sweep with `/preorder sweep`."
	case UnknownButton:
		return "This button is unknown to me: it may come from an old card or been altered. Run `/preorder check SKU` again."
	case GoneButton:
		return "This button's check is gone (older than the retention period). Run `/preorder check SKU` again."
	case UnknownKind:
		return "I don't know this kind of button (" + escape(r.Label) + ")."
	case UnreadableAction:
		return "I could not read this button's action from my database. Please try again."
	case UnreadableRemedy:
		return "This button's stored action no longer reads; press Re-check."
	case UnreadableBulkFix:
		return "This button's stored fix no longer reads, so I did nothing."
	case ForeignCard:
		return "This button does not belong to this card, so I did nothing."
	case EarlierVersion:
		return "This button is from an earlier version of this card, so I did nothing. Use the buttons the card shows now."
	case NotADigest:
		return "This button does not belong to a digest, so I did nothing."
	}
	return "I did nothing."
}

// AlreadyDone answers someone whose fix the OMS already shows: who made the change and when, when the
// bot made it (Made.By set), else what the OMS shows (mrkdwn).
type AlreadyDone struct {
	Made    Pressed // who made the change through the bot, and when; By empty when it was not the bot
	Label   string  // the change the bot made
	Summary string  // what the OMS answered then
	Outcome string  // what the OMS shows now, when the bot did not make it
}

// Already words an AlreadyDone (mrkdwn).
func Already(a AlreadyDone) string {
	if a.Made.By != "" || !a.Made.At.IsZero() {
		return fmt.Sprintf("%s already did this at %s (%s: %s), so I did nothing.", userMention(a.Made.By), slackDate(a.Made.At),
			escape(a.Label), escape(a.Summary))
	}
	return fmt.Sprintf("The OMS already shows this done (%s), so I did nothing.", DatesIn(escape(a.Outcome)))
}

// FormFailed tells the person whose form did not open what Slack said (mrkdwn).
func FormFailed(slackSaid string) string {
	return "I could not open the form (Slack said " + escape(slackSaid) + "). Press the button again."
}

// SupportPostFailed tells who escalated that the support channel refused the post (mrkdwn).
func SupportPostFailed(slackSaid string) string {
	return "I could not post in the support channel (Slack said " + escape(slackSaid) + "). Is the bot invited there? " +
		"The card has a fresh Escalate button."
}
