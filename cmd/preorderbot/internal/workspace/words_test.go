package workspace_test

import (
	"strings"
	"testing"

	"github.com/slack-go/slack"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The scenario panel tells each scenario in an operator's words: no job enum ids, field names or test
// helpers such as FixJob(JOB_PREORDER_CAT_SYC, …).
func TestScenarioDescriptionsInPlainWords(t *testing.T) {
	f, _ := newFixture(t, nil)
	s := f.state(t, "C0PREORDER")
	require.NotEmpty(t, s.Scenarios)
	for _, sc := range s.Scenarios {
		assert.NotEmpty(t, sc.Description, sc.Name)
		assert.NotRegexp(t, `[A-Z]{2,}_[A-Z_]{2,}`, sc.Description, "an OMS id in %s", sc.Name)
		assert.NotRegexp(t, `\w\(`, sc.Description, "code in %s", sc.Name)
		assert.NotRegexp(t, `includeAll|lastUpdatedStamp|runtimeData|\b1000[0-3]\b`, sc.Description, "a field or shop id in %s", sc.Name)
	}
}

// A permalink of the simulated Slack opens its channel and thread on the page instead of leaving it.
func TestPermalinksOpenOnThePage(t *testing.T) {
	f, _ := newFixture(t, nil)
	_, ts, err := f.api.PostMessage("C0SUPPORT", slack.MsgOptionText("escalation", false))
	require.NoError(t, err)
	link, err := f.api.GetPermalink(&slack.PermalinkParameters{Channel: "C0SUPPORT", Ts: ts})
	require.NoError(t, err)
	_, _, err = f.api.PostMessage("C0PREORDER", slack.MsgOptionText("📨 Escalated: <"+link+"|support thread>", false))
	require.NoError(t, err)

	s := f.state(t, "C0PREORDER")
	html := s.Messages[len(s.Messages)-1].HTML
	assert.Contains(t, html, `data-permalink-channel="C0SUPPORT"`)
	assert.Contains(t, html, `data-permalink-ts="`+ts+`"`)
	assert.NotContains(t, html, `href="`+strings.SplitN(link, "?", 2)[0], "no link to the simulated Slack's address")
}
