package blocks

import "strconv"

// Action ids of interactive elements. They are stable so the bot can route a click without parsing the
// message; the element's value carries the opaque action id the bot created.
const (
	ActionRecheck      = "preorder.recheck"
	ActionEscalate     = "preorder.escalate"
	ActionRemedyPrefix = "preorder.remedy."
)

// RemedyActionID is the action_id of the button for the i-th remedy of a report. Action ids must be unique
// within an actions block, so each remedy gets its own index.
func RemedyActionID(i int) string { return ActionRemedyPrefix + strconv.Itoa(i) }

// Callback ids of the modals, matched by the bot on view_submission.
const (
	CallbackSchedule = "preorder.schedule"
	CallbackLink     = "preorder.link"
	CallbackEscalate = "preorder.escalate"
)

// Block and action ids of modal inputs. The bot reads view.state.values[block][action] and names the block
// in a response_action "errors" answer, which Slack only accepts for input blocks.
const (
	BlockScheduleFrequency  = "frequency"
	ActionScheduleFrequency = "frequency_select"
	BlockScheduleFirstRun   = "first_run"
	ActionScheduleFirstRun  = "first_run_picker"
	BlockScheduleLimit      = "limit"
	ActionScheduleLimit     = "limit_input"

	BlockLinkShop           = "shop"
	ActionLinkShop          = "shop_select"
	BlockLinkVariant        = "variant"
	ActionLinkVariant       = "variant_input"
	BlockLinkInventoryItem  = "inventory_item"
	ActionLinkInventoryItem = "inventory_item_input"
	BlockEscalateNote       = "note"
	ActionEscalateNote      = "note_input"
)
