// Package slacktest is a simulated Slack workspace: a real HTTP server that speaks Slack's Web API
// and Socket Mode protocols closely enough for the bot's slack-go client to run unmodified against it.
//
// Tests, benchmarks and the browser demo point the bot at APIURL() and AppToken(), then act as a
// person would (SlashCommand, Mention, ClickButton, SubmitView, CloseView) and look at what a person
// would see (Messages, Thread, Ephemeral, OpenViews, Reactions). The server also records every Web API
// call and every Socket Mode ack, and offers knobs for the faults Slack produces in production:
// rate limits, revoked tokens, disconnects, missing pings, redelivery of unacknowledged events.
//
// The wire behaviour follows docs/slack-platform.md §2.9 and the limits of §6. The package name
// clashes with github.com/slack-go/slack/slacktest; import one of them under an alias.
package slacktest
