package blocks

import (
	"cmp"
	"fmt"
	"slices"
	"time"

	"github.com/preorderbot/preorderbot/diagnostics"
	"github.com/slack-go/slack"
)

// maxNoteLength bounds the escalation note so it fits the summary message with room to spare.
const maxNoteLength = 2000

// ScheduleForm is what the schedule-job modal shows: the remedy it schedules and the choices to offer.
type ScheduleForm struct {
	Remedy           diagnostics.Remedy
	SKU              string
	Frequencies      []string  // TemporalExpression ids offered, in the Job Manager's order
	DefaultFrequency string    // preselected; empty means the remedy's frequency, else the first offered
	FirstRun         time.Time // initial value of the first-run picker; zero leaves it empty (the OMS decides)
	Limit            int       // initial "limit" parameter; 0 leaves it empty
	PrivateMetadata  string    // opaque key the bot resolves on submission
}

// ScheduleModal asks for frequency, first run and limit before scheduling a job from its draft. The modal is
// the confirmation: its preview says exactly what will change in the OMS.
func ScheduleModal(f ScheduleForm) slack.ModalViewRequest {
	m := f.Remedy
	freqs := f.Frequencies
	if len(freqs) == 0 {
		freqs = diagnostics.Frequencies // the Job Manager's choices, when the bot passes none
	}
	freqs = freqs[:min(len(freqs), maxOptions)]
	def := cmp.Or(f.DefaultFrequency, m.Frequency)
	if !slices.Contains(freqs, def) {
		def = freqs[0]
	}
	var options []*slack.OptionBlockObject
	var initial *slack.OptionBlockObject
	for _, id := range freqs {
		o := slack.NewOptionBlockObject(truncate(id, maxOptionValue), plain(truncate(frequencyName(id), maxOptionText)), nil)
		options = append(options, o)
		if id == def {
			initial = o
		}
	}
	freq := slack.NewOptionsSelectBlockElement(slack.OptTypeStatic, plain("Choose a frequency"), ActionScheduleFrequency, options...)
	freq.InitialOption = initial

	firstRun := slack.NewDateTimePickerBlockElement(ActionScheduleFirstRun)
	if !f.FirstRun.IsZero() {
		firstRun.InitialDateTime = f.FirstRun.Unix()
	}
	limit := slack.NewNumberInputBlockElement(plain("e.g. 100"), ActionScheduleLimit, false).WithMinValue("1")
	if f.Limit > 0 {
		limit.WithInitialValue(itoa(f.Limit))
	}

	blocks := []slack.Block{
		section("intro", fmt.Sprintf("Schedule “%s” (`%s`) for *%s* so %s gets linked to that shop.",
			jobName(m.Job), escape(m.Job), escape(remedyShop(m)), escape(f.SKU))),
		slack.NewInputBlock(BlockScheduleFrequency, plain("Frequency"), nil, freq),
		slack.NewInputBlock(BlockScheduleFirstRun, plain("First run"),
			plain("Shown in your time zone. The job runs at this time, then at the chosen frequency."), firstRun),
		slack.NewInputBlock(BlockScheduleLimit, plain("Limit"),
			plain("How many products one run associates."), limit),
		section("preview", schedulePreview(f, def)),
	}
	return modal(CallbackSchedule, "Schedule job", "Schedule", f.PrivateMetadata, blocks)
}

// schedulePreview lists what the OMS will hold after submission, with the values preselected above.
func schedulePreview(f ScheduleForm, freq string) string {
	m := f.Remedy
	first := "when the OMS next picks it up"
	if !f.FirstRun.IsZero() {
		first = slackDate(f.FirstRun)
	}
	limit := "the job's default"
	if f.Limit > 0 {
		limit = itoa(f.Limit) + " products per run"
	}
	return "*What will change*\n" +
		"• A scheduled copy of the “" + jobName(m.Job) + "” draft is created for " + escape(remedyShop(m)) + "\n" +
		"• Frequency: " + frequencyName(freq) + " (or what you choose above)\n" +
		"• First run: " + first + "\n" +
		"• Limit: " + limit + "\n" +
		"Nothing else changes. The job then appears as scheduled in the Job Manager, and this card is re-checked after its first run."
}

// LinkForm is what the manual-link modal shows.
type LinkForm struct {
	SKU             string
	ProductID       string
	ProductName     string
	Shops           []diagnostics.ShopFacts // the report's shops; only connected shops missing the link are offered
	Selected        string                  // shop id to preselect, e.g. the remedy's shop
	PrivateMetadata string
}

// LinkModal asks which shop to link and the product's Shopify ids there (the guide's manual link step).
// Its input block ids are constants so the bot can answer response_action "errors" on a bad id.
func LinkModal(f LinkForm) slack.ModalViewRequest {
	var options []*slack.OptionBlockObject
	var initial *slack.OptionBlockObject
	for _, s := range f.Shops {
		if s.Linked || s.Role == diagnostics.RoleDisconnected || len(options) == maxOptions {
			continue
		}
		o := slack.NewOptionBlockObject(truncate(s.ShopID, maxOptionValue),
			plain(truncate(shopName(s)+" ("+s.ShopID+")", maxOptionText)), nil)
		options = append(options, o)
		if s.ShopID == f.Selected {
			initial = o
		}
	}
	product := escape(f.SKU)
	if f.ProductName != "" {
		product += " · " + escape(f.ProductName)
	}
	if len(options) == 0 {
		blocks := []slack.Block{section("intro", product+" is already linked to every connected shop: there is nothing to link.")}
		return modal(CallbackLink, "Link product to shop", "", f.PrivateMetadata, blocks)
	}
	shop := slack.NewOptionsSelectBlockElement(slack.OptTypeStatic, plain("Choose a shop"), ActionLinkShop, options...)
	shop.InitialOption = initial
	variant := slack.NewPlainTextInputBlockElement(plain("e.g. 44596467138724"), ActionLinkVariant)
	inventory := slack.NewPlainTextInputBlockElement(plain("e.g. 46543210987654"), ActionLinkInventoryItem)
	blocks := []slack.Block{
		section("intro", "Link "+product+" (product `"+escape(f.ProductID)+"`) to a Shopify shop by hand."),
		slack.NewInputBlock(BlockLinkShop, plain("Shop"), plain("Only connected shops missing the link are listed."), shop),
		slack.NewInputBlock(BlockLinkVariant, plain("Shopify variant id"),
			plain("From the variant's page in that shop's Shopify admin: the number at the end of its URL."), variant),
		slack.NewInputBlock(BlockLinkInventoryItem, plain("Shopify inventory item id"),
			plain("The variant's inventory item id in that shop."), inventory),
		section("preview", "*What will change*\n• The OMS records the product as known to the chosen shop, with these ids "+
			"(the “Shopify shop product” section of the product page)\n• Then a full “Preorder Catalog Sync” of that shop "+
			"runs at once and pushes the product to it; this card is re-checked when it ends"),
	}
	return modal(CallbackLink, "Link product to shop", "Link", f.PrivateMetadata, blocks)
}

// EscalateForm is what the escalation modal shows.
type EscalateForm struct {
	SKU             string
	Cause           string           // cause id of the report
	Target          EscalationTarget // where it goes
	ThreadURL       string           // existing escalation thread for this store, SKU and cause; empty opens a new one
	Note            string           // prefills the note, e.g. what a known failure wants Support to know
	PrivateMetadata string
}

// EscalateModal asks for an optional note before handing the case to HotWax Support, and says where it goes.
func EscalateModal(f EscalateForm) slack.ModalViewRequest {
	note := slack.NewPlainTextInputBlockElement(plain("What you already tried, who to contact, urgency…"), ActionEscalateNote)
	note.Multiline = true
	note.MaxLength = maxNoteLength
	note.InitialValue = truncate(f.Note, maxNoteLength)
	input := slack.NewInputBlock(BlockEscalateNote, plain("Note for HotWax Support"), nil, note)
	input.Optional = true
	where := "Posts a summary to " + destination(f.Target) + " and the evidence packet in its thread."
	if f.ThreadURL != "" {
		where = "Adds to the <" + f.ThreadURL + "|existing escalation thread> for this SKU and cause in " + destination(f.Target) + "."
	}
	blocks := []slack.Block{
		section("intro", "Escalate "+escape(f.SKU)+" ("+shortCause(f.Cause)+") to HotWax Support."),
		input,
		section("preview", "*Where it goes*\n"+where+"\nThe packet holds every check with its evidence, job and run ids "+
			"with error text, and the steps already taken."),
	}
	return modal(CallbackEscalate, "Escalate to HotWax", "Escalate", f.PrivateMetadata, blocks)
}

// modal assembles a view; an empty submit label means the modal only informs.
func modal(callbackID, title, submit, metadata string, blocks []slack.Block) slack.ModalViewRequest {
	v := slack.ModalViewRequest{
		Type:            slack.VTModal,
		Title:           plain(truncate(title, maxModalTitle)),
		Close:           plain("Cancel"),
		Blocks:          slack.Blocks{BlockSet: blocks},
		CallbackID:      callbackID,
		PrivateMetadata: metadata,
	}
	if submit != "" {
		v.Submit = plain(truncate(submit, maxModalTitle))
	}
	return v
}
