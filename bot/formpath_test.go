package bot_test

import (
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/preorderbot/preorderbot/bot/blocks"
	"github.com/preorderbot/preorderbot/diagnostics/hotwax/hotwaxtest"
)

func (e *env) checks(sku string) int {
	return strings.Count(strings.Join(e.audit(sku), " "), "check=")
}

// A button that opens a form does not wait behind a re-check (or a fix) that holds every interactive
// worker: the form opens while the re-check is still reading a slow OMS.
func TestFormOpensWhileTheInteractiveWorkersAreBusy(t *testing.T) {
	t.Parallel()
	e := newEnv(t, "needs-manual-link", func(o *botOptions, _ *hotwaxtest.Options) { o.Workers = 1 })
	rechecked, _ := e.check("HW-SOCK-S")
	form, _ := e.check("HW-SOCK-S")
	require.Equal(t, 2, e.checks("HW-SOCK-S"))

	e.oms.SetFaults(hotwaxtest.Faults{Latency: 1500 * time.Millisecond}) // a re-check takes several seconds
	calls := e.oms.Counts()
	e.click(viewer, rechecked, "🔄 Re-check")
	e.waitFor("the re-check reading the OMS", func() bool { return total(e.oms.Counts()) > total(calls) })
	e.click(operator, form, "Link product to Acme CA")
	v := e.openView(operator)
	assert.Equal(t, blocks.CallbackLink, v.CallbackID)
	assert.Equal(t, 2, e.checks("HW-SOCK-S"), "the form opened while the re-check still ran")
	e.oms.SetFaults(hotwaxtest.Faults{})
}

func total(counts map[string]int) int {
	n := 0
	for _, c := range counts {
		n += c
	}
	return n
}

// The operator groups are read at start and in the background, never on a click.
func TestClickReadsNoUserGroup(t *testing.T) {
	t.Parallel()
	e := newEnv(t, "needs-manual-link", func(o *botOptions, _ *hotwaxtest.Options) {
		o.Operators = nil
		o.OperatorGroups = []string{"S0OPS"}
	})
	e.slack.SetUserGroup("S0OPS", []string{operator})
	e.shutdown() // read again at the next start, with the operator in the group
	e.start()
	card, _ := e.check("HW-SOCK-S")
	read := e.slack.Count("usergroups.users.list")
	require.Equal(t, 2, read, "read once at each start")
	e.click(operator, card, "Link product to Acme CA")
	e.openView(operator)
	e.click(viewer, card, "Link product to Acme CA")
	e.waitFor("refusal", func() bool { return len(e.slack.Ephemeral(viewer)) > 0 })
	assert.Equal(t, read, e.slack.Count("usergroups.users.list"), "no Slack call on a click")
}

// When Slack cannot be read, the members last read stay in force: an operator keeps their rights
// through an outage of usergroups.users.list.
func TestGroupOutageKeepsTheLastMembers(t *testing.T) {
	t.Parallel()
	e, card := groupOperatorCard(t)
	e.slack.FailNext("usergroups.users.list", "fatal_error", 1_000_000)
	e.groupsReread()
	e.click(operator, card, "Link product to Acme CA")
	v := e.openView(operator)
	assert.Equal(t, blocks.CallbackLink, v.CallbackID)
	assert.Empty(t, e.slack.Ephemeral(operator), "not refused")
}
