// Package blocks renders diagnostics reports, job overviews, histories, escalations and modals as Slack Block Kit.
//
// Every function is pure: it takes the data and the time it needs and returns slack-go values, so the bot can
// post, update or open them and tests can compare them with golden files. Slack validates Block Kit only on
// the server and rejects a whole message for one field too long, so this package enforces Slack's limits
// itself: long text is truncated visibly ("… (truncated, N more chars)"), long lists are split over several
// blocks or messages, and the tests check every rendering against the limits.
//
// Buttons carry stable action_id constants (ActionRecheck, RemedyActionID …) and an opaque action id in their
// value; the bot keeps the real parameters of an action in its store, never in the message.
package blocks
