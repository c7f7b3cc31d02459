package diagnostics

import (
	"context"
	"errors"
)

// OutcomeUnknown reports whether a remedy that failed with err may still have happened: the OMS did not
// answer in time, or its answer was lost. Such a remedy must be re-checked, never retried blindly.
func OutcomeUnknown(err error) bool {
	return errors.Is(err, ErrOutcomeUnknown) || errors.Is(err, context.DeadlineExceeded)
}

// OMSRefusal returns the OMS's own messages when err is the OMS refusing a request.
func OMSRefusal(err error) ([]string, bool) {
	var ae *OMSError
	if errors.As(err, &ae) {
		return ae.Messages, true
	}
	return nil, false
}
