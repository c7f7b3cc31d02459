package blocks

import "github.com/preorderbot/preorderbot/diagnostics"

// CauseSentence is the report's most likely cause in an operator's words, as the card's verdict says it. It is
// mrkdwn-escaped (&, <, > as entities), ready for Slack text.
func CauseSentence(r diagnostics.Report) string { return causeSentence(r.Cause, r) }

// Escape makes text from people or the OMS safe inside mrkdwn: no mentions, links or broadcasts.
func Escape(s string) string { return escape(s) }
