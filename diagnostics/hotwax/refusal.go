package hotwax

import (
	"context"

	"github.com/preorderbot/preorderbot/diagnostics"
)

// StopOnRefusal returns a context under which, once the OMS refuses the credentials, every later request
// fails at once with that same error (see diagnostics.StopOnRefusal).
func StopOnRefusal(ctx context.Context) context.Context { return diagnostics.StopOnRefusal(ctx) }

func refused(ctx context.Context) error { return diagnostics.Refused(ctx) }

func noteRefusal(ctx context.Context, err error) { diagnostics.NoteRefusal(ctx, err) }
