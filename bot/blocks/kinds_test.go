package blocks

import (
	"strings"
	"testing"
	"time"

	"github.com/preorderbot/preorderbot/diagnostics"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestProgress(t *testing.T) {
	partial := associationMissingReport().Checks[:3]
	tests := []struct {
		name string
		skus []string
		done []diagnostics.Check
	}{
		{"nothing done", []string{"HW-BOOT-42"}, nil},
		{"three done", []string{"HW-BOOT-42"}, partial},
		{"many skus", []string{"HW-JACKET-M", "HW-BOOT-42", "HW-SCARF-GRN", "HW-BEANIE-BLK", "HW-GLOVE-L", "HW-SOCK-S", "HW-TEE-WHT"}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			msg := Progress(tt.skus, tt.done, "U1", testNow)
			require.NoError(t, validateMessage(msg))
			assertGolden(t, msg)
		})
	}
}

func TestMatrix(t *testing.T) {
	var reports []diagnostics.Report
	for _, sc := range scenarios() {
		reports = append(reports, sc.report)
	}
	msg := Matrix(reports, MatrixMeta{Requester: "U1", RecheckID: "a:recheck-all", Now: testNow})
	require.NoError(t, validateMessage(msg))
	assertGolden(t, msg)
}

func TestEvidence(t *testing.T) {
	for _, sc := range scenarios() {
		t.Run(sc.name, func(t *testing.T) {
			msgs := Evidence(sc.report, omsBase)
			for _, m := range msgs {
				require.NoError(t, validateMessage(m))
			}
			assertGolden(t, msgs)
		})
	}
}

func TestScheduleModal(t *testing.T) {
	r := associationMissingReport()
	v := ScheduleModal(ScheduleForm{
		Remedy: r.Remedies[0], SKU: r.SKU, Frequencies: []string{"EVERY_5_MIN", "EVERY_15_MIN", "EVERY_30_MIN", "HOURLY", "EVERY_6_HOUR", "EVERYDAY"},
		FirstRun: testNow.Add(15 * time.Minute), Limit: 100, PrivateMetadata: "a:HW-BOOT-42:0",
	})
	require.NoError(t, validateModal(v))
	assertGolden(t, v)
}

func TestLinkModal(t *testing.T) {
	tests := []struct {
		name   string
		report diagnostics.Report
	}{
		{"one shop missing", manualLinkReport()},
		{"nothing to link", healthyReport()},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := tt.report
			v := LinkModal(LinkForm{SKU: r.SKU, ProductID: r.Product.ProductID, ProductName: r.Product.Name,
				Shops: r.Shops, Selected: "10002", PrivateMetadata: "a:link"})
			require.NoError(t, validateModal(v))
			assertGolden(t, v)
		})
	}
}

func TestEscalateModal(t *testing.T) {
	tests := []struct {
		name string
		form EscalateForm
	}{
		{"new thread", EscalateForm{SKU: "HW-SOCK-S", Cause: string(diagnostics.CauseNeedsManualLink), Target: EscalationTarget{SupportChannel: "C0SUPPORT"}, PrivateMetadata: "a:esc"}},
		{"existing thread", EscalateForm{SKU: "HW-SOCK-S", Cause: string(diagnostics.CauseNeedsManualLink), Target: EscalationTarget{SupportChannel: "C0SUPPORT"},
			ThreadURL: "https://acme.slack.com/archives/C0SUPPORT/p1700000000000100", PrivateMetadata: "a:esc"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			v := EscalateModal(tt.form)
			require.NoError(t, validateModal(v))
			assertGolden(t, v)
		})
	}
}

func jobsView() JobsView {
	return JobsView{
		ProductStoreID: "STORE", Now: testNow,
		Shops: []JobsShop{{"10000", "Acme US", diagnostics.RoleParent}, {"10001", "Acme CA", diagnostics.RoleChild},
			{"10002", "Acme UK", diagnostics.RoleChild}, {"10003", "Acme AU", diagnostics.RoleDisconnected}},
		Rows: []JobRow{
			{Job: "JOB_REL_PREODR_CAT", JobID: "M100202", Enabled: true, Frequency: "EVERY_15_MIN", NextRun: minutesAgo(-5), LastRun: minutesAgo(10)},
			{ShopID: "10001", Job: "JOB_UPD_PROD_ASSOC", Enabled: false, LastRun: minutesAgo(3000)},
			{ShopID: "10001", Job: "JOB_PREORDER_CAT_SYC", JobID: "M100203", Enabled: true, Frequency: "EVERY_15_MIN",
				NextRun: minutesAgo(-5), LastRun: minutesAgo(40), LastFailure: minutesAgo(20), LastError: "Shopify <throttled> & retried",
				Signature: &diagnostics.SignatureRef{ID: "shopify-throttled", Meaning: "Shopify refused <too many> calls & will again.", Transient: true}},
			{ShopID: "10002", Job: "JOB_UPD_PROD_ASSOC", JobID: "M100201", Enabled: true, Frequency: "HOURLY", NextRun: minutesAgo(-30), LastRun: minutesAgo(30)},
			{ShopID: "10002", Job: "JOB_PREORDER_CAT_SYC", JobID: "M100204", Enabled: true, Frequency: "EVERY_15_MIN", NextRun: minutesAgo(-5), LastRun: minutesAgo(10),
				LastFailure: minutesAgo(70), LastError: "java.lang.NullPointerException <at> line 42", Signature: &diagnostics.SignatureRef{}},
		},
	}
}

func TestJobs(t *testing.T) {
	msg := Jobs(jobsView())
	require.NoError(t, validateMessage(msg))
	assertGolden(t, msg)
}

func TestHistory(t *testing.T) {
	tests := []struct {
		name string
		view HistoryView
	}{
		{"empty", HistoryView{SKU: "HW-BOOT-42", Now: testNow}},
		{"checks and actions", HistoryView{SKU: "HW-BOOT-42", Now: testNow, Entries: []HistoryEntry{
			{At: minutesAgo(1), Kind: HistoryCheck, Who: "U1", Cause: string(diagnostics.CauseHealthy)},
			{At: minutesAgo(20), Kind: HistoryJobRun, What: "Job run M100501 failed", Result: "failed", Outcome: "Lock wait timeout exceeded"},
			{At: minutesAgo(25), Kind: HistoryAction, Who: "U2", What: "Run Preorder Catalog Sync again for Acme CA", Result: "failed", Outcome: "the OMS refused: no permission"},
			{At: minutesAgo(30), Kind: HistoryAction, Who: "U2", What: "Schedule association job for Acme CA", Result: "ok", Outcome: "OMS answered job M100500"},
			{At: minutesAgo(31), Kind: HistoryEscalation, Who: "U2", Link: "https://acme.slack.com/archives/C9/p1700000000000100"},
			{At: minutesAgo(35), Kind: HistoryCheck, Who: "U1", Cause: string(diagnostics.CauseAssociationJobMissing)},
		}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			msg := History(tt.view)
			require.NoError(t, validateMessage(msg))
			assertGolden(t, msg)
		})
	}
}

func commandTable() []Command {
	return []Command{
		{"/preorder check SKU [SKU …] [store:ID]", "Diagnose why SKUs are not synced to the child Shopify shops"},
		{"/preorder jobs [store:ID]", "Health of the pre-order jobs per shop"},
		{"/preorder history SKU", "Past checks and actions for a SKU"},
		{"/preorder help", "This list"},
	}
}

func TestHelp(t *testing.T) {
	msg := Help(commandTable())
	require.NoError(t, validateMessage(msg))
	assertGolden(t, msg)
}

func TestNotice(t *testing.T) {
	msg := Notice("“chek” is not a command.", "/preorder check SKU [SKU …] [store:ID]")
	require.NoError(t, validateMessage(msg))
	assertGolden(t, msg)
}

func escalation() Escalation {
	return Escalation{
		Report: jobFailingReport(), Requester: "U1", Note: "Customer <VIP> waiting & launch is tomorrow",
		CardURL: "https://acme.slack.com/archives/C1/p1700000000000100", OMSBase: omsBase,
		Timeline: []TimelineEntry{
			{At: minutesAgo(15), Who: "U2", What: "Ran “Preorder Catalog Sync” now for Acme CA", Outcome: "OMS answered job M100499"},
			{At: minutesAgo(5), Who: "U1", What: "Re-check", Outcome: "still failing"},
		},
	}
}

func TestEscalationSummary(t *testing.T) {
	msg := EscalationSummary(escalation())
	require.NoError(t, validateMessage(msg))
	assertGolden(t, msg)
}

func TestEscalationPacket(t *testing.T) {
	msgs := EscalationPacket(escalation())
	for _, m := range msgs {
		require.NoError(t, validateMessage(m))
	}
	assertGolden(t, msgs)
}

func TestNoteAndChanges(t *testing.T) {
	m := Changes([]string{"cause: job-failing → healthy", "Acme CA: linked"}, "✅ Fixed: every shop is in sync.")
	require.NoError(t, validateMessage(m))
	assert.Equal(t, "✅ Fixed: every shop is in sync.\n*What changed since the last check:*\n• cause: job-failing → healthy\n• Acme CA: linked", m.Text)
	assert.Contains(t, Changes(nil, "x").Text, "Nothing changed since the last check.")

	long := Note(strings.Repeat("<@U1> ", 2000))
	require.NoError(t, validateMessage(long), "a long note is cut visibly, not rejected")
	assert.Contains(t, long.Text, "@U1 @U1", "the notification reads the bot's own mentions as text")
	assert.NotContains(t, long.Text, "<")
}
