package bot_test

import (
	"context"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/preorderbot/preorderbot/bot/slacktest"
	"github.com/preorderbot/preorderbot/diagnostics/doctor"
	"github.com/preorderbot/preorderbot/diagnostics/hotwax"
	"github.com/preorderbot/preorderbot/diagnostics/hotwax/hotwaxtest"
)

// doctorEnv is a bot whose /preorder doctor probes its simulated OMS; runs counts the probes.
func doctorEnv(t *testing.T, scenario string) (*env, *atomic.Int32) {
	t.Helper()
	var e *env
	var runs atomic.Int32
	e = newEnv(t, scenario, func(o *botOptions, _ *hotwaxtestOptions) {
		o.Doctor = func(ctx context.Context) doctor.Report {
			runs.Add(1)
			c, err := hotwax.New(hotwax.Options{BaseURL: e.oms.URL(), Token: e.oms.Token(), Timeout: 2 * time.Second})
			require.NoError(t, err)
			return doctor.Run(ctx, c, doctor.Options{ProductStoreID: storeID, ParentShopID: hotwaxtest.ShopUS})
		}
	})
	return e, &runs
}

func (e *env) ephemeralTo(user, contains string) slacktest.Message {
	e.t.Helper()
	var got slacktest.Message
	e.waitFor("ephemeral to "+user+" containing "+contains, func() bool {
		for _, m := range e.slack.Ephemeral(user) {
			if strings.Contains(m.Text, contains) {
				got = m
				return true
			}
		}
		return false
	})
	return got
}

func (e *env) auditSince(since time.Time) []string {
	e.t.Helper()
	recs, err := e.db.AuditSince(context.Background(), since)
	require.NoError(e.t, err)
	var out []string
	for _, r := range recs {
		out = append(out, r.Actor+" "+r.Action+"="+r.Outcome)
	}
	return out
}

func TestDoctorCommandAnswersOperatorsPrivately(t *testing.T) {
	t.Parallel()
	e, runs := doctorEnv(t, hotwaxtest.ScenarioAssociationJobNotScheduled)
	start := time.Now()
	e.slash(operator, "doctor")

	m := e.ephemeralTo(operator, "2 warnings")
	assert.True(t, m.Ephemeral)
	assert.Equal(t, operator, m.Recipient)
	blocks := string(m.Blocks)
	assert.Contains(t, blocks, "preorderbot doctor")
	assert.Contains(t, blocks, "Associate Products with Sub Catalog · Acme CA (10001)")
	assert.Contains(t, blocks, "schedule Associate Products with Sub Catalog for Acme CA")
	assert.NotContains(t, blocks, e.oms.Token())
	assert.Empty(t, e.slack.Messages(opsChannel), "nothing is posted in the channel")
	assert.Equal(t, int32(1), runs.Load())
	assert.Contains(t, e.auditSince(start), operator+" doctor=warn")
}

func TestDoctorCommandRefusesNonOperators(t *testing.T) {
	t.Parallel()
	e, runs := doctorEnv(t, hotwaxtest.ScenarioHealthy)
	start := time.Now()
	e.slash(viewer, "doctor")

	m := e.ephemeralTo(viewer, "Only operators can run the doctor")
	assert.Contains(t, m.Text, viewer, "the refusal gives the user id an admin must add")
	assert.Contains(t, m.Text, "PREORDERBOT_OPERATORS")
	assert.Empty(t, e.slack.Messages(opsChannel))
	assert.Zero(t, runs.Load(), "the OMS is not probed for a non-operator")
	assert.Equal(t, []string{viewer + " refused:doctor=not an operator"}, e.auditSince(start))
}

func TestDoctorMentionIsAnsweredPrivately(t *testing.T) {
	t.Parallel()
	e, _ := doctorEnv(t, hotwaxtest.ScenarioHealthy)
	_, err := e.slack.Mention(operator, opsChannel, "doctor", "")
	require.NoError(t, err)

	m := e.ephemeralTo(operator, "All good")
	assert.Equal(t, operator, m.Recipient)
	for _, p := range e.slack.Messages(opsChannel) {
		assert.NotEqual(t, slacktest.BotUserID, p.User, "the bot posts nothing public: %s", p.Text)
		assert.Empty(t, p.Replies, "no thread reply under the mention")
	}
}

func TestDoctorTakesNoArguments(t *testing.T) {
	t.Parallel()
	e, runs := doctorEnv(t, hotwaxtest.ScenarioHealthy)
	e.slash(operator, "doctor HW-JACKET-M")
	e.ephemeralTo(operator, "Doctor takes no SKU or store")
	assert.Zero(t, runs.Load())
}
