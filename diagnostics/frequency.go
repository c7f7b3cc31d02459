package diagnostics

import "time"

// Frequencies are the schedules the Job Manager offers for a job, in its order (hotwax-api §4.1).
var Frequencies = []string{"EVERY_5_MIN", "EVERY_15_MIN", "EVERY_30_MIN", "HOURLY", "EVERY_6_HOUR", "EVERYDAY"}

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

var frequencyNames = map[string]string{
	"EVERY_5_MIN":  "every 5 minutes",
	"EVERY_15_MIN": "every 15 minutes",
	"EVERY_30_MIN": "every 30 minutes",
	"HOURLY":       "every hour",
	"EVERY_6_HOUR": "every 6 hours",
	"EVERYDAY":     "every day",
}

// FrequencyName reads a TemporalExpression id in words ("every 15 minutes"); an id the Job Manager does
// not offer stays as it is, since it is the only name the operator can look up.
func FrequencyName(id string) string {
	if n, ok := frequencyNames[id]; ok {
		return n
	}
	if id == "" {
		return "no frequency"
	}
	return id
}
