package blocks

import "fmt"

// Unready is a reason the bot cannot do its job right now, with the facts its sentence needs; /readyz
// lists it for the operator.
type Unready struct {
	Kind    UnreadyKind
	Detail  string // what Slack answered: its error code, or the error
	Attempt int    // auth.test attempts so far, for SlackUnreachable
	Channel string // the digest channel, for DigestChannelClosed
}

// UnreadyKind names one readiness problem; a newer problem of a kind replaces the older one.
type UnreadyKind int

// The readiness problems the bot reports besides its Socket Mode connection.
const (
	SlackUnreachable    UnreadyKind = iota // auth.test at start keeps failing for a reason that is not the token
	TokenRejected                          // Slack refused the bot token on a call while running
	DigestChannelClosed                    // the bot cannot post in the digest channel
)

// UnreadyReason words a readiness problem (plain text, for /readyz's JSON).
func UnreadyReason(u Unready) string {
	switch u.Kind {
	case SlackUnreachable:
		return fmt.Sprintf("cannot reach Slack to start (auth.test: %s); retrying, attempt %d", u.Detail, u.Attempt)
	case TokenRejected:
		return "Slack rejects the bot token (" + u.Detail + "): cards cannot be posted or finished; check SLACK_BOT_TOKEN and the app's installation"
	case DigestChannelClosed:
		return fmt.Sprintf("the bot cannot post the digest in PREORDERBOT_DIGEST_CHANNEL %s (%s): invite @preorderbot to it with /invite", u.Channel, u.Detail)
	}
	return "the bot cannot do its job: " + u.Detail
}
