package diagnostics

import (
	"time"

	"github.com/preorderbot/preorderbot/diagnostics/hotwax"
)

// Frequencies are the schedules the Job Manager offers for a job, in its order (hotwax-api §4.1).
var Frequencies = hotwax.Frequencies

// frequencyIntervals are the recurrences of Frequencies (TemporalExpression integer1/integer2).
var frequencyIntervals = map[string]time.Duration{
	"EVERY_5_MIN":  5 * time.Minute,
	"EVERY_15_MIN": 15 * time.Minute,
	"EVERY_30_MIN": 30 * time.Minute,
	"HOURLY":       time.Hour,
	"EVERY_6_HOUR": 6 * time.Hour,
	"EVERYDAY":     24 * time.Hour,
}

// FrequencyInterval is how often a job of frequency id recurs; false for an id not in Frequencies.
func FrequencyInterval(id string) (time.Duration, bool) {
	d, ok := frequencyIntervals[id]
	return d, ok
}
