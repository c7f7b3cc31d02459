package blocks

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/preorderbot/preorderbot/diagnostics/doctor"
)

func doctorReport() doctor.Report {
	return doctor.Report{
		Status: doctor.Fail, OMS: "https://acme-oms.hotwax.io/api/", ProductStoreID: "STORE",
		At: time.Date(2026, 12, 3, 9, 0, 0, 0, time.UTC), ListingGeneration: doctor.GenerationUnderscore,
		Parent: doctor.Parent{ShopID: "10000", How: "configured"}, OMSCalls: 11, ElapsedMs: 420,
		Findings: []doctor.Finding{
			{Area: doctor.AreaCredentials, Item: "HOTWAX_TOKEN", Status: doctor.Warn, Detail: "accepted; the JWT expires on 2026-12-06 09:00 UTC, in 3 days",
				Fix: "create a new JWT (OMS → Settings → Create JWT Token) before 2026-12-06 09:00 UTC and set HOTWAX_TOKEN"},
			{Area: doctor.AreaParent, Item: "HOTWAX_PARENT_SHOP_ID", Status: doctor.Fail, Detail: "configured 99999, which is not a shop of store STORE",
				Fix: "set HOTWAX_PARENT_SHOP_ID to one of: Acme US (10000), Acme CA (10001)"},
			{Area: doctor.AreaEntity, Item: "ShopifyShopAndConfig", Status: doctor.OK, Detail: "2 shops: Acme US (10000), <Acme & CA> (10001)"},
		},
	}
}

func TestDoctor(t *testing.T) {
	msg := Doctor(doctorReport())
	require.NoError(t, validateMessage(msg))
	assertGolden(t, msg)
}

func TestDoctorEscapesOMSText(t *testing.T) {
	b, err := json.Marshal(Doctor(doctorReport()))
	require.NoError(t, err)
	assert.Contains(t, string(b), "\\u0026lt;Acme \\u0026amp; CA\\u0026gt;", "shop names from the OMS are escaped")
}

func TestDoctorStaysWithinSlackLimits(t *testing.T) {
	r := doctorReport()
	for i := range 400 {
		r.Findings = append(r.Findings, doctor.Finding{Area: doctor.AreaJobs, Item: fmt.Sprintf("Preorder Catalog Sync · shop %d", i),
			Status: doctor.Warn, Detail: "not scheduled", Fix: strings.Repeat("schedule it ", 20)})
	}
	msg := Doctor(r)
	require.NoError(t, validateMessage(msg))
	assert.LessOrEqual(t, len(msg.Blocks), maxMessageBlocks)
}

func TestDoctorSummary(t *testing.T) {
	r := doctorReport()
	assert.Equal(t, "❌ The bot cannot work until this is fixed: 1 problem, 1 warning.", doctorSummary(r))
	r.Findings = r.Findings[:1]
	assert.Equal(t, "⚠️ 1 warning: the bot works, but some checks or fixes will be unknown or unavailable.", doctorSummary(r))
	r.Findings = nil
	assert.Equal(t, "✅ All good: the bot can read everything it needs.", doctorSummary(r))
}
