package blocks

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"

	"github.com/preorderbot/preorderbot/diagnostics"
)

// A bulk fix's line is worded from its facts as the bot used to word it itself, with what people and the
// OMS wrote escaped; the OMS's times become date tokens.
func TestBulkFixLine(t *testing.T) {
	t.Parallel()
	at := time.Date(2026, 1, 2, 10, 2, 0, 0, time.UTC)
	date := slackDate(at)
	label := "Schedule <!channel> & co"
	esc := "Schedule &lt;!channel&gt; &amp; co"
	cut := "the bot restarted before the OMS answered (<@U1> pressed it at " + date + ")"
	base := BulkFixStatus{By: "U1", At: at, SKUs: 12}
	with := func(change func(*BulkFixStatus)) BulkFixStatus { s := base; change(&s); return s }
	tests := []struct {
		name string
		s    BulkFixStatus
		want string
	}{
		{"started", with(func(s *BulkFixStatus) { s.Step = BulkStarted }),
			"⏳ " + esc + " — 12 SKUs: started by <@U1> at " + date},
		{"failed", with(func(s *BulkFixStatus) { s.Step, s.Result, s.Outcome = BulkAnswered, "failed", "the OMS refused: <b>" }),
			"❌ <@U1> · " + esc + " — 12 SKUs · the OMS refused: &lt;b&gt;"},
		{"done, a time in the answer", with(func(s *BulkFixStatus) {
			s.Step, s.Result, s.Outcome = BulkAnswered, "ok", "scheduled; first run 2026-01-02 10:15 UTC"
		}), "✅ <@U1> · " + esc + " — 12 SKUs · scheduled; first run " + slackDate(at.Add(13*time.Minute))},
		{"already", with(func(s *BulkFixStatus) { s.Step, s.Result, s.Outcome = BulkAnswered, "already", "already scheduled" }),
			"✅ <@U1> · " + esc + " — 12 SKUs · already scheduled"},
		{"watching", with(func(s *BulkFixStatus) { s.Step, s.Done, s.JobID = BulkWatching, "Scheduled <it>", "M1" }),
			"⏳ Scheduled &lt;it&gt; by <@U1> at " + date + "; watching job M1, then I re-check these 12 SKUs"},
		{"re-checked, all fixed", with(func(s *BulkFixStatus) { s.Step, s.Fixed = BulkRechecked, 12 }),
			"✅ " + esc + ": re-checked the 12 SKUs at " + date + ": 12 fixed, 0 still with a problem"},
		{"re-checked, some left", with(func(s *BulkFixStatus) {
			s.Step, s.Fixed = BulkRechecked, 9
			s.Still = map[diagnostics.Cause]int{diagnostics.CauseNeedsManualLink: 1, diagnostics.CauseAssociatedAfterSync: 2}
		}), "⚠️ " + esc + ": re-checked the 12 SKUs at " + date + ": 9 fixed, 3 still with a problem (2 " +
			diagnostics.CauseAssociatedAfterSync.Short() + ", 1 " + diagnostics.CauseNeedsManualLink.Short() + ")"},
		{"OMS unreadable after a restart", with(func(s *BulkFixStatus) {
			s.Step, s.Cut, s.Outcome = BulkUnread, CutByRestart, "dial <tcp>"
		}), "⚠️ " + esc + ": " + cut + ", and I could not read the OMS to tell whether it happened (dial &lt;tcp&gt;). " +
			"Start a new sweep with `/preorder sweep` before trying again."},
		{"not found after a restart", with(func(s *BulkFixStatus) { s.Step, s.Cut = BulkNotFound, CutByRestart }),
			"⚠️ " + esc + ": " + cut + ", and the OMS shows no sign of it, so it did not happen. Press it again to retry."},
		{"found with a job after a restart", with(func(s *BulkFixStatus) {
			s.Step, s.Cut, s.Outcome, s.JobID = BulkFound, CutByRestart, "scheduled", "M2"
		}), "⏳ " + esc + ": " + cut + "; the OMS shows it done (scheduled). Watching job M2, then I re-check these 12 SKUs"},
		{"found after a restart", with(func(s *BulkFixStatus) {
			s.Step, s.Cut, s.Outcome = BulkFound, CutByRestart, "ran"
		}), "✅ " + esc + ": " + cut + "; the OMS shows it done (ran)."},
	}
	for _, tt := range tests {
		assert.Equal(t, tt.want, BulkFixLine(label, tt.s), tt.name)
	}
}

// The escalation lines of a card and a digest are worded from who, when, how many and the ticket.
func TestEscalationLines(t *testing.T) {
	t.Parallel()
	at := time.Date(2026, 1, 2, 10, 2, 0, 0, time.UTC)
	date := slackDate(at)
	assert.Equal(t, "🆘 Escalated to HotWax Support by <@U1> at "+date, EscalatedLine(Escalated{By: "U1", At: at}))
	assert.Equal(t, "🆘 Escalated to HotWax Support by <@U1> at "+date+": <https://x/p1|support thread> · support ticket pending "+
		"(it will be retried until delivered)", EscalatedLine(Escalated{By: "U1", At: at, ThreadURL: "https://x/p1", Ticket: "pending"}))
	assert.Equal(t, "🆘 Escalated to HotWax Support by <@U1> at "+date+" · support ticket sent",
		EscalatedLine(Escalated{By: "U1", At: at, Ticket: "sent"}))
	assert.Equal(t, "🆘 <@U1> escalated the 4 SKUs that need a manual link to HotWax Support at "+date+".",
		digestEscalationLine(DigestEscalation{By: "U1", At: at, SKUs: 4, Cause: diagnostics.CauseNeedsManualLink}))
	assert.Equal(t, "🔁 Escalated again by <@U2>: &lt;!here&gt; call me", EscalatedAgain("U2", "<!here> call me"))
	assert.Equal(t, "🔁 Escalated again by <@U2>: (no note)", EscalatedAgain("U2", ""))
}

// A refusal names who stood in the way ("You" to the same person) and escapes the change's label.
func TestRefused(t *testing.T) {
	t.Parallel()
	at := time.Date(2026, 1, 2, 10, 2, 0, 0, time.UTC)
	date := slackDate(at)
	assert.Equal(t, "You already used this button at "+date+", so I did nothing.",
		Refused(Refusal{Why: UsedFix, Pressed: Pressed{By: "U1", At: at, Viewer: "U1"}}))
	assert.Equal(t, "<@U1> already pressed this at "+date+"; the cards are in the digest's thread.",
		Refused(Refusal{Why: UsedCheckThese, Pressed: Pressed{By: "U1", At: at, Viewer: "U2"}}))
	assert.Equal(t, "<@U1> started the same change (Run &lt;x&gt;) at "+date+" and it is still under way, so I did nothing. Press Re-check in a minute.",
		Refused(Refusal{Why: ChangeUnderway, Label: "Run <x>", Pressed: Pressed{By: "U1", At: at}}))
	assert.Equal(t, "I don't know this kind of button (&lt;b&gt;).", Refused(Refusal{Why: UnknownKind, Label: "<b>"}))
}

// Every refusal and canned note has words of its own: a reason added without them would say nothing, or
// another reason's sentence.
func TestEveryRefusalAndCannedNoteIsWorded(t *testing.T) {
	t.Parallel()
	seen := map[string]RefusalReason{}
	for why := UsedButton; why <= NotADigest; why++ {
		text := Refused(Refusal{Why: why, Label: "x"})
		assert.NotEqual(t, "I did nothing.", text, "refusal %d", why)
		if other, ok := seen[text]; ok {
			t.Errorf("refusals %d and %d say the same: %q", other, why, text)
		}
		seen[text] = why
	}
	said := map[string]CannedNote{}
	for n := UnrecordedAction; n <= BusyNoForm; n++ {
		text := Canned(n)
		assert.NotEmpty(t, text, "canned note %d", n)
		if other, ok := said[text]; ok {
			t.Errorf("canned notes %d and %d say the same: %q", other, n, text)
		}
		said[text] = n
	}
}
