package bot

import (
	"context"

	"github.com/preorderbot/preorderbot/bot/blocks"
	"github.com/preorderbot/preorderbot/store"
)

// doctor answers /preorder doctor privately to an operator with the tenant probe's report.
func (b *Bot) doctor(ctx context.Context, req request) {
	if !b.auth.allowed(req.User) {
		b.audit(ctx, store.AuditRecord{Actor: req.User, Action: "refused:doctor", ProductStoreID: b.opts.StoreID, Outcome: "not an operator"})
		b.whisper(ctx, req, blocks.Note(blocks.OperatorsOnly(blocks.TaskDoctor, req.User)))
		return
	}
	if b.opts.Doctor == nil {
		b.whisper(ctx, req, blocks.Note(blocks.Canned(blocks.DoctorUnavailable)))
		return
	}
	rep := b.opts.Doctor(ctx)
	b.audit(ctx, store.AuditRecord{Actor: req.User, Action: "doctor", ProductStoreID: rep.ProductStoreID, Outcome: string(rep.Status)})
	b.whisper(ctx, req, blocks.Doctor(rep))
}
