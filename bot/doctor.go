package bot

import (
	"context"
	"fmt"

	"github.com/preorderbot/preorderbot/bot/blocks"
	"github.com/preorderbot/preorderbot/store"
)

// doctorRefusal says which setting an admin must change; the probe shows the tenant's set-up, so it is
// for operators only.
const doctorRefusal = "Only operators can run the doctor. An admin can add you to PREORDERBOT_OPERATORS (your user id is %s) " +
	"or add you to a Slack user group listed in PREORDERBOT_OPERATOR_GROUPS."

// doctor answers /preorder doctor privately to an operator with the tenant probe's report.
func (b *Bot) doctor(ctx context.Context, req request) {
	if !b.auth.allowed(req.User) {
		b.audit(ctx, store.AuditRecord{Actor: req.User, Action: "refused:doctor", ProductStoreID: b.opts.StoreID, Outcome: "not an operator"})
		b.whisper(ctx, req, blocks.Note(fmt.Sprintf(doctorRefusal, req.User)))
		return
	}
	if b.opts.Doctor == nil {
		b.whisper(ctx, req, blocks.Note("The doctor is not available in this deployment."))
		return
	}
	rep := b.opts.Doctor(ctx)
	b.audit(ctx, store.AuditRecord{Actor: req.User, Action: "doctor", ProductStoreID: rep.ProductStoreID, Outcome: string(rep.Status)})
	b.whisper(ctx, req, blocks.Doctor(rep))
}
