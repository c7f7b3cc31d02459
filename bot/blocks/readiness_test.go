package blocks

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestUnreadyReasonsNameWhatTheOperatorMustFix(t *testing.T) {
	t.Parallel()
	assert.Equal(t, "cannot reach Slack to start (auth.test: dial tcp: refused); retrying, attempt 3",
		UnreadyReason(Unready{Kind: SlackUnreachable, Detail: "dial tcp: refused", Attempt: 3}))
	assert.Equal(t, "Slack rejects the bot token (token_revoked): cards cannot be posted or finished; check SLACK_BOT_TOKEN and the app's installation",
		UnreadyReason(Unready{Kind: TokenRejected, Detail: "token_revoked"}))
	assert.Equal(t, "the bot cannot post the digest in PREORDERBOT_DIGEST_CHANNEL C0DIGEST (not_in_channel): invite @preorderbot to it with /invite",
		UnreadyReason(Unready{Kind: DigestChannelClosed, Channel: "C0DIGEST", Detail: "not_in_channel"}))
	assert.Equal(t, "the bot cannot do its job: odd", UnreadyReason(Unready{Kind: -1, Detail: "odd"}))
}
