package main

import (
	"errors"
	"fmt"
	"strings"

	"github.com/preorderbot/preorderbot/bot"
	"github.com/preorderbot/preorderbot/diagnostics"
)

// SweepConfig is when `serve` sweeps the pre-order catalog, where the digest goes, and how hard a sweep
// may press the OMS.
type SweepConfig struct {
	Schedule       string  `envconfig:"PREORDERBOT_SWEEP_SCHEDULE"`
	DigestChannel  string  `envconfig:"PREORDERBOT_DIGEST_CHANNEL"`
	OMSConcurrency int     `envconfig:"PREORDERBOT_OMS_CONCURRENCY" default:"4"`
	OMSRPS         float64 `envconfig:"PREORDERBOT_OMS_RPS"`
}

// Validate refuses a schedule that does not parse, a digest channel given by name, a schedule without a
// digest channel, and OMS limits out of range, each naming its variable.
func (c SweepConfig) Validate() error {
	var errs []error
	if _, err := bot.ParseSweepSchedule(c.Schedule); err != nil {
		errs = append(errs, err)
	}
	switch d := strings.TrimSpace(c.DigestChannel); {
	case d == "" && strings.TrimSpace(c.Schedule) != "":
		errs = append(errs, errors.New("PREORDERBOT_SWEEP_SCHEDULE is set but PREORDERBOT_DIGEST_CHANNEL is not: the scheduled sweep needs a channel id for its digest"))
	case d != "" && !channelID().MatchString(d):
		errs = append(errs, fmt.Errorf("PREORDERBOT_DIGEST_CHANNEL=%q is not a channel id: it takes the id (C… or G…, from the channel's details → About → Channel ID), not its name", c.DigestChannel))
	}
	if c.OMSConcurrency < 0 || c.OMSConcurrency > 64 { // 0: the default, for configurations built in code
		errs = append(errs, fmt.Errorf("PREORDERBOT_OMS_CONCURRENCY=%d: want a whole number from 1 to 64", c.OMSConcurrency))
	}
	if c.OMSRPS < 0 || c.OMSRPS > 10_000 {
		errs = append(errs, fmt.Errorf("PREORDERBOT_OMS_RPS=%v: want requests per second, more than 0", c.OMSRPS))
	}
	return errors.Join(errs...)
}

// wire sets the bot's sweep options: a sweeper reading the OMS through its own limiter, so interactive
// checks never wait behind it, the schedule and the digest channel.
func (c SweepConfig) wire(opts *bot.Options, oms diagnostics.SweepOMS, dopts diagnostics.Options) {
	sched, _ := bot.ParseSweepSchedule(c.Schedule) // validated at start
	opts.Sweeper = diagnostics.NewSweeper(oms, diagnostics.NewLimiter(c.OMSConcurrency, c.OMSRPS), dopts)
	opts.SweepSchedule = sched
	opts.DigestChannel = strings.TrimSpace(c.DigestChannel)
}
