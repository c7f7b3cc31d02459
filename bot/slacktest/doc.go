// Package slacktest is a simulated Slack workspace: a real HTTP server that speaks Slack's Web API
// and Socket Mode protocols closely enough for the bot's slack-go client to run unmodified against it.
//
// Tests, benchmarks and the browser demo point the bot at APIURL() and AppToken(), then act as a
// person would (SlashCommand, Mention, ClickButton, SubmitView, CloseView) and look at what a person
// would see (Messages, Thread, Ephemeral, OpenViews, Reactions). The server also records every Web API
// call and every Socket Mode ack, and offers knobs for the faults Slack produces in production:
// rate limits, revoked tokens, disconnects, missing pings, redelivery of unacknowledged events.
//
// The wire behaviour follows Slack's Socket Mode documentation and slack-go v0.35.0; block limits
// follow Block Kit's reference and the official SDKs' validators. The package name
// clashes with github.com/slack-go/slack/slacktest; import one of them under an alias.
package slacktest
