package main

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// A bad schedule, a digest channel given by name, a schedule without a digest channel and OMS limits out
// of range are refused at start, naming the variable.
func TestSweepConfigRefusals(t *testing.T) {
	ok := SweepConfig{OMSConcurrency: 4}
	require.NoError(t, ok.Validate(), "no schedule, no digest channel: sweeps on demand only")
	for _, good := range []SweepConfig{
		{Schedule: "daily 07:00 Europe/Berlin", DigestChannel: "C0DIGEST", OMSConcurrency: 4},
		{Schedule: "0 7 * * 1-5", DigestChannel: "G0PRIVATE", OMSConcurrency: 64, OMSRPS: 20},
		{DigestChannel: "C0DIGEST", OMSConcurrency: 1},
	} {
		assert.NoError(t, good.Validate(), "%+v", good)
	}
	cases := []struct {
		cfg  SweepConfig
		want []string
	}{
		{SweepConfig{Schedule: "every morning", DigestChannel: "C0DIGEST", OMSConcurrency: 4}, []string{"PREORDERBOT_SWEEP_SCHEDULE", "every morning"}},
		{SweepConfig{Schedule: "daily 07:00 Europe/Nowhere", DigestChannel: "C0DIGEST", OMSConcurrency: 4}, []string{"PREORDERBOT_SWEEP_SCHEDULE", "Europe/Nowhere"}},
		{SweepConfig{DigestChannel: "#preorder-digest", OMSConcurrency: 4}, []string{`PREORDERBOT_DIGEST_CHANNEL="#preorder-digest" is not a channel id`}},
		{SweepConfig{Schedule: "daily 07:00", OMSConcurrency: 4}, []string{"PREORDERBOT_SWEEP_SCHEDULE is set but PREORDERBOT_DIGEST_CHANNEL is not"}},
		{SweepConfig{OMSConcurrency: -1}, []string{"PREORDERBOT_OMS_CONCURRENCY"}},
		{SweepConfig{OMSConcurrency: 65}, []string{"PREORDERBOT_OMS_CONCURRENCY"}},
		{SweepConfig{OMSConcurrency: 4, OMSRPS: -1}, []string{"PREORDERBOT_OMS_RPS"}},
	}
	for _, tc := range cases {
		err := tc.cfg.Validate()
		require.Error(t, err, "%+v", tc.cfg)
		for _, w := range tc.want {
			assert.Contains(t, err.Error(), w)
		}
	}
}

// The sweep's variables are read with the rest of serve's configuration, and a wrong one stops it.
func TestSweepConfigFromEnvironment(t *testing.T) {
	env := validEnv()
	env["PREORDERBOT_SWEEP_SCHEDULE"] = "daily 07:00 Europe/Berlin"
	env["PREORDERBOT_DIGEST_CHANNEL"] = "C0DIGEST"
	env["PREORDERBOT_OMS_CONCURRENCY"] = "2"
	cfg, err := loadBot(func(k string) string { return env[k] })
	require.NoError(t, err)
	assert.Equal(t, "daily 07:00 Europe/Berlin", cfg.Schedule)
	assert.Equal(t, "C0DIGEST", cfg.DigestChannel)
	assert.Equal(t, 2, cfg.OMSConcurrency)

	env["PREORDERBOT_DIGEST_CHANNEL"] = "#preorder-digest"
	_, err = loadBot(func(k string) string { return env[k] })
	require.Error(t, err)
	assert.Contains(t, err.Error(), "PREORDERBOT_DIGEST_CHANNEL")
}
