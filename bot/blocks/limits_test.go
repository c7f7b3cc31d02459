package blocks

import (
	"fmt"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/preorderbot/preorderbot/diagnostics"
	"github.com/slack-go/slack"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// giantReport is as pathological as the OMS can make a report: 10 shops with long names, 5 KB error
// messages full of characters mrkdwn must escape, 60 remedies with overlong labels, many evidence items.
func giantReport(sku string) diagnostics.Report {
	r := jobFailingReport()
	r.SKU = sku + strings.Repeat("X", 100)
	r.Product.Name = strings.Repeat("Very long product name ", 20)
	long := strings.Repeat("Shopify said <error> & failed; ", 170) // ~5 KB
	r.Shops = nil
	for i := range 10 {
		r.Shops = append(r.Shops, diagnostics.ShopFacts{
			ShopID: fmt.Sprintf("1%04d", i), Name: strings.Repeat("Acme Shop With A Long Name ", 5), Role: diagnostics.RoleChild,
			Listing: long[:300], LastSync: testNow, ShopifyConfigID: strings.Repeat("CFG", 50), VariantID: strings.Repeat("9", 40),
		})
	}
	for i := range r.Checks {
		r.Checks[i].Status = diagnostics.StatusFail
		r.Checks[i].Summary = long
		for j := range 6 {
			r.Checks[i].Evidence = append(r.Checks[i].Evidence, diagnostics.Evidence{
				Label: "failed run " + long[:100], Value: long, Shop: r.Shops[j%10].ShopID, JobID: strings.Repeat("M", 80), At: testNow,
				Extra: map[string]string{"jobResult": long, "statusId": "SERVICE_FAILED"},
			})
		}
	}
	r.Causes = []diagnostics.Cause{diagnostics.CauseJobFailing, diagnostics.CauseAssociationJobMissing, diagnostics.CausePresellJobsDisabled,
		diagnostics.CauseNeedsManualLink, diagnostics.CauseUnexplained}
	r.Remedies = nil
	kinds := []string{diagnostics.RemedyScheduleJob, diagnostics.RemedyEnableJob, diagnostics.RemedyRunJob, diagnostics.RemedyLinkProduct}
	for i := range 60 {
		r.Remedies = append(r.Remedies, diagnostics.Remedy{
			Kind: kinds[i%len(kinds)], Job: strings.Repeat("JOB_", 30), ShopID: r.Shops[i%10].ShopID, ShopName: r.Shops[i%10].Name,
			Frequency: "EVERY_15_MIN", Label: fmt.Sprintf("%d %s", i, long[:200]),
		})
	}
	r.Remedies = append(r.Remedies, diagnostics.Remedy{Kind: diagnostics.RemedyEscalate, Label: long})
	r.Failures = []diagnostics.Failure{
		{Kind: diagnostics.FailureOMSError, Call: long, Message: long, Fix: long, Checks: diagnostics.CheckIDs},
		{Kind: diagnostics.FailureSolr, Call: "solr-query", Message: long},
	}
	return r
}

// renderedMessages renders every message kind for one report.
func renderedMessages(r diagnostics.Report) map[string][]Message {
	ids := make([]string, len(r.Remedies))
	for i := range ids {
		ids[i] = strings.Repeat("a", 40) + fmt.Sprint(i)
	}
	long := strings.Repeat("changed <a> & <b> ", 300)
	meta := CardMeta{Requester: "U1", Remedies: remedyButtons(ids), RecheckID: "a:recheck", EscalateID: "a:esc",
		Status: long, Outcome: long, EscalationURL: "https://acme.slack.com/archives/C1/p1", Changes: []string{long, long, long}}
	esc := Escalation{Report: r, Requester: "U1", Note: long, CardURL: "https://acme.slack.com/archives/C1/p1", OMSBase: omsBase}
	for range 60 {
		esc.Timeline = append(esc.Timeline, TimelineEntry{At: testNow, Who: "U2", What: long[:500], Outcome: long})
	}
	return map[string][]Message{
		"card":              {Card(r, meta)},
		"card without meta": {Card(r, CardMeta{})},
		"progress":          {Progress([]string{r.SKU}, r.Checks, "U1", testNow)},
		"evidence":          Evidence(r, omsBase),
		"escalation":        {EscalationSummary(esc)},
		"packet":            EscalationPacket(esc),
	}
}

// TestLimits renders every card, thread and modal for every scenario and for pathological inputs, and
// checks each stays inside Slack's Block Kit limits.
func TestLimits(t *testing.T) {
	reports := []diagnostics.Report{giantReport("HW-GIANT-1")}
	for _, sc := range scenarios() {
		reports = append(reports, sc.report)
	}
	for _, r := range reports {
		for kind, msgs := range renderedMessages(r) {
			t.Run(string(r.Cause)+"/"+kind, func(t *testing.T) {
				require.NotEmpty(t, msgs)
				for i, m := range msgs {
					assert.NoError(t, validateMessage(m), "message %d", i)
				}
			})
		}
	}

	t.Run("matrix of 50 giant SKUs", func(t *testing.T) {
		var many []diagnostics.Report
		for i := range 50 {
			many = append(many, giantReport(fmt.Sprintf("HW-%02d-", i)))
		}
		assert.NoError(t, validateMessage(Matrix(many, MatrixMeta{Requester: "U1", RecheckID: "a", Now: testNow})))
	})

	long := strings.Repeat("<long> & ", 600)
	t.Run("messages from long tables", func(t *testing.T) {
		var cmds []Command
		var hist []HistoryEntry
		v := JobsView{ProductStoreID: long[:200], Now: testNow}
		for i := range 200 {
			cmds = append(cmds, Command{Usage: long[:300], Description: long})
			hist = append(hist, HistoryEntry{At: testNow, Kind: HistoryAction, Who: "U1", What: long, Outcome: long})
			v.Shops = append(v.Shops, JobsShop{ShopID: fmt.Sprint(i), Name: long[:200], Role: diagnostics.RoleChild})
			v.Rows = append(v.Rows, JobRow{ShopID: fmt.Sprint(i), Job: long[:100], Enabled: true, LastFailure: testNow, LastError: long})
		}
		for name, m := range map[string]Message{
			"help": Help(cmds), "history": History(HistoryView{SKU: long[:100], Entries: hist, Now: testNow}),
			"jobs": Jobs(v), "notice": Notice(long, long),
		} {
			assert.NoError(t, validateMessage(m), name)
		}
	})

	t.Run("modals", func(t *testing.T) {
		g := giantReport("HW-GIANT-2")
		var freqs []string
		for i := range 150 {
			freqs = append(freqs, fmt.Sprintf("%s_%d", strings.Repeat("F", 200), i))
		}
		var manyShops []diagnostics.ShopFacts
		for i := range 150 {
			manyShops = append(manyShops, diagnostics.ShopFacts{ShopID: strings.Repeat("9", 200) + fmt.Sprint(i), Name: long[:300], Role: diagnostics.RoleChild})
		}
		for name, v := range map[string]slack.ModalViewRequest{
			"schedule":             ScheduleModal(ScheduleForm{Remedy: g.Remedies[0], SKU: g.SKU, Frequencies: freqs, FirstRun: testNow, Limit: 100, PrivateMetadata: "k"}),
			"schedule no freqs":    ScheduleModal(ScheduleForm{Remedy: g.Remedies[0], SKU: g.SKU}),
			"link many shops":      LinkModal(LinkForm{SKU: g.SKU, ProductID: long[:300], ProductName: long, Shops: manyShops, PrivateMetadata: "k"}),
			"link giant report":    LinkModal(LinkForm{SKU: g.SKU, ProductID: "1", Shops: g.Shops, Selected: g.Shops[0].ShopID}),
			"escalate long inputs": EscalateModal(EscalateForm{SKU: long, Cause: long, Target: EscalationTarget{SupportChannel: long, ThreadChannel: long, ThreadBy: long, Webhook: true}, ThreadURL: "https://x/y"}),
		} {
			assert.NoError(t, validateModal(v), name)
		}
	})
}

// TestEvidenceKeepsEveryCheck proves splitting loses nothing: every check of a giant report appears in
// some thread message, and long values are marked as truncated rather than dropped.
func TestEvidenceKeepsEveryCheck(t *testing.T) {
	r := giantReport("HW-GIANT-3")
	msgs := Evidence(r, omsBase)
	require.Greater(t, len(msgs), 1, "a giant report needs several thread messages")
	var all strings.Builder
	for i, m := range msgs {
		assert.Contains(t, m.Text, fmt.Sprintf("part %d of %d", i+1, len(msgs)))
		for _, b := range m.Blocks {
			if s, ok := b.(*slack.SectionBlock); ok {
				all.WriteString(s.Text.Text)
			}
		}
	}
	for _, c := range r.Checks {
		assert.Contains(t, all.String(), "*"+checkTitle(c.ID)+"*")
	}
	assert.Contains(t, all.String(), "more chars)")
}

// TestActionIDs keeps every action_id and block_id of every rendering below Slack's 255 characters.
func TestActionIDs(t *testing.T) {
	assert.Less(t, utf8.RuneCountInString(RemedyActionID(1<<62)), 255)
	for _, r := range []diagnostics.Report{giantReport("HW-IDS-1"), associationMissingReport()} {
		for kind, msgs := range renderedMessages(r) {
			for _, m := range msgs {
				for _, b := range m.Blocks {
					assert.Less(t, len(blockID(b)), 255, kind)
					if a, ok := b.(*slack.ActionBlock); ok {
						for _, e := range a.Elements.ElementSet {
							id := actionID(e)
							assert.NotEmpty(t, id, kind)
							assert.Less(t, len(id), 255, kind)
						}
					}
				}
			}
		}
	}
}
