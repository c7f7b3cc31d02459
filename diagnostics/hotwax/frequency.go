package hotwax

import (
	"context"
	"time"
)

// Frequency is a TemporalExpression the Job Manager offers as a job schedule.
type Frequency struct {
	ID          string // tempExprId, e.g. "HOURLY"
	Description string
	Unit        int // integer1: 12 minutes, 10 hours, 5 days
	Count       int // integer2: how many units
}

// TemporalExpression units (integer1), as the Job Manager reads them.
const (
	unitMinutes = 12
	unitHours   = 10
	unitDays    = 5
)

// Interval is the time between runs, or zero when the unit is not one the Job Manager knows.
func (f Frequency) Interval() time.Duration {
	n := time.Duration(f.Count)
	switch f.Unit {
	case unitMinutes:
		return n * time.Minute
	case unitHours:
		return n * time.Hour
	case unitDays:
		return n * 24 * time.Hour
	}
	return 0
}

// Frequencies lists the schedules the OMS defines (hotwax-api §4.1), for the schedule modal.
func (c *Client) Frequencies(ctx context.Context) ([]Frequency, error) {
	docs, err := performFind[wireFrequency](ctx, c, "TemporalExpression", map[string]any{
		"inputFields": map[string]any{"tempExprTypeId": "FREQUENCY"},
		"fieldList":   []string{"tempExprId", "description", "integer1", "integer2"},
	}, 100)
	if err != nil {
		return nil, err
	}
	out := make([]Frequency, 0, len(docs))
	for _, d := range docs {
		out = append(out, Frequency{ID: d.ID, Description: d.Description, Unit: int(d.Unit), Count: int(d.Count)})
	}
	return out, nil
}

type wireFrequency struct {
	ID          string  `json:"tempExprId"`
	Description string  `json:"description"`
	Unit        flexInt `json:"integer1"`
	Count       flexInt `json:"integer2"`
}
