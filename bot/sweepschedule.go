package bot

import (
	"context"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/robfig/cron/v3"
)

// SweepSchedule says when the scheduled sweep runs next; robfig/cron's schedules satisfy it.
type SweepSchedule interface {
	Next(after time.Time) time.Time
}

// dailyForm is the readable form of a schedule: "daily 07:00 Europe/Berlin" (the zone defaults to UTC).
var dailyForm = sync.OnceValue(func() *regexp.Regexp {
	return regexp.MustCompile(`^daily\s+([01]?\d|2[0-3]):([0-5]\d)(?:\s+(\S+))?$`)
})

// ParseSweepSchedule reads PREORDERBOT_SWEEP_SCHEDULE: "daily HH:MM [Area/City]" or a five-field cron
// expression (with an optional leading "CRON_TZ=Area/City", or a descriptor such as "@daily"). Empty
// means no scheduled sweep (nil, nil). Both forms go through robfig/cron, which runs a zone's
// daylight-saving changes the way people expect (a 02:30 that does not exist runs once, not never).
func ParseSweepSchedule(s string) (SweepSchedule, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return nil, nil
	}
	spec := s
	if m := dailyForm().FindStringSubmatch(strings.ToLower(s)); m != nil {
		zone := "UTC"
		if f := strings.Fields(s); len(f) == 3 {
			zone = f[2] // as written: zone names are case-sensitive
		}
		if _, err := time.LoadLocation(zone); err != nil {
			return nil, fmt.Errorf("PREORDERBOT_SWEEP_SCHEDULE=%q: unknown time zone %q (write an IANA name such as Europe/Berlin)", s, zone)
		}
		hour, _ := strconv.Atoi(m[1])
		minute, _ := strconv.Atoi(m[2])
		spec = fmt.Sprintf("CRON_TZ=%s %d %d * * *", zone, minute, hour)
	} else if strings.HasPrefix(strings.ToLower(s), "daily") {
		return nil, fmt.Errorf("PREORDERBOT_SWEEP_SCHEDULE=%q: write \"daily HH:MM Area/City\", for example \"daily 07:00 Europe/Berlin\"", s)
	}
	sched, err := cron.ParseStandard(spec)
	if err != nil {
		return nil, fmt.Errorf("PREORDERBOT_SWEEP_SCHEDULE=%q: not \"daily HH:MM Area/City\" nor a cron expression (minute hour day month weekday): %v", s, err)
	}
	if next := sched.Next(time.Now()); next.IsZero() {
		return nil, fmt.Errorf("PREORDERBOT_SWEEP_SCHEDULE=%q: the expression never falls due", s)
	}
	return sched, nil
}

// runSchedule starts a sweep of the default store each time the schedule falls due, until ctx ends. A
// slot whose sweep is still running from the previous slot is skipped and logged.
func (b *Bot) runSchedule(ctx context.Context) {
	for {
		next := b.opts.SweepSchedule.Next(b.now())
		b.log.Info("next scheduled sweep", "store", b.opts.StoreID, "at", next)
		select {
		case <-ctx.Done():
			return
		case <-time.After(next.Sub(b.now())):
		}
		slot := "schedule/" + next.UTC().Format(time.RFC3339)
		goOn(ctx, stopped, func(ctx context.Context) {
			if err := b.sweep(ctx, sweepAsk{store: b.opts.StoreID, request: slot, channel: b.opts.DigestChannel}); err != nil {
				b.log.Warn("scheduled sweep not started", "slot", slot, "error", err)
			}
		})
	}
}
