package blocks

import (
	"fmt"

	"github.com/slack-go/slack"

	"github.com/preorderbot/preorderbot/diagnostics/doctor"
)

// Doctor renders the tenant probe for /preorder doctor: the verdict, each problem with what to do, then
// what is fine. Everything from the OMS is escaped.
func Doctor(r doctor.Report) Message {
	summary := doctorSummary(r)
	var problems, fine []string
	for _, f := range r.Findings {
		line := f.Status.Mark() + " *" + escape(oneLine(f.Area+" · "+f.Item)) + "* — " + escape(oneLine(f.Detail))
		if f.Status == doctor.OK {
			fine = append(fine, line)
			continue
		}
		if f.Fix != "" {
			line += "\n      ↳ " + escape(oneLine(f.Fix))
		}
		problems = append(problems, line)
	}
	blocks := []slack.Block{
		header("header", "preorderbot doctor"),
		section("summary", summary+"\nOMS `"+escape(r.OMS)+"` · store `"+escape(r.ProductStoreID)+"`"),
	}
	var body []slack.Block
	if len(problems) > 0 {
		body = append(body, packSections("problems", "*What to fix*", problems)...)
	}
	if len(fine) > 0 {
		body = append(body, packSections("fine", "*Fine*", fine)...)
	}
	blocks = append(blocks, capBlocks(body, maxMessageBlocks-3)...)
	facts := fmt.Sprintf("%d OMS requests, %d ms · read-only: nothing was changed in the OMS", r.OMSCalls, r.ElapsedMs)
	if r.ListingGeneration != "" {
		facts += " · listing fields: " + r.ListingGeneration
	}
	if r.Parent.How != "" {
		facts += " · parent shop: " + escape(oneLine(r.Parent.How))
	}
	blocks = append(blocks, contextLine("context", facts))
	return newMessage(summary, blocks)
}

func doctorSummary(r doctor.Report) string {
	fails, warns := r.Count(doctor.Fail), r.Count(doctor.Warn)
	switch {
	case fails > 0:
		return fmt.Sprintf("❌ The bot cannot work until this is fixed: %s, %s.", count(fails, "problem"), count(warns, "warning"))
	case warns > 0:
		return fmt.Sprintf("⚠️ %s: the bot works, but some checks or fixes will be unknown or unavailable.", count(warns, "warning"))
	}
	return "✅ All good: the bot can read everything it needs."
}

func count(n int, word string) string {
	if n == 1 {
		return "1 " + word
	}
	return itoa(n) + " " + word + "s"
}
