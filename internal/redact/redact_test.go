package redact

import (
	"bytes"
	"errors"
	"log/slog"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestStringRedactsEveryForm(t *testing.T) {
	r := New("xoxb-1-bot", "", "eyJhbGciOi.jwt", `p@ss "w<rd>"&`, "abc")
	for in, want := range map[string]string{
		"Authorization: Bearer eyJhbGciOi.jwt":                           "Authorization: Bearer [REDACTED]",
		`{"USERNAME":"ops","PASSWORD":"p@ss \"w\u003crd\u003e\"\u0026"}`: `{"USERNAME":"ops","PASSWORD":"[REDACTED]"}`,
		`{"PASSWORD":"p@ss \"w<rd>\"&"}`:                                 `{"PASSWORD":"[REDACTED]"}`,
		"USERNAME=ops&PASSWORD=p%40ss+%22w%3Crd%3E%22%26":                "USERNAME=ops&PASSWORD=[REDACTED]",
		"token=xoxb-1-bot and xoxb-1-bot":                                "token=[REDACTED] and [REDACTED]",
		"abc is too short to be a secret worth mangling text for":        "abc is too short to be a secret worth mangling text for",
	} {
		assert.Equal(t, want, r.String(in), in)
	}
	var none *Redactor
	assert.Equal(t, "x", none.String("x"))
	assert.Equal(t, "eyJhbGciOi.jwt", New().String("eyJhbGciOi.jwt"))
}

type stringer struct{}

func (stringer) String() string { return "url with xoxb-1-bot" }

func TestHandlerRedactsLogRecords(t *testing.T) {
	var buf bytes.Buffer
	r := New("xoxb-1-bot", "hunter22")
	log := slog.New(r.Handler(slog.NewJSONHandler(&buf, nil))).With("token", "xoxb-1-bot")
	log.WithGroup("hotwax").Info("login failed for hunter22",
		"error", errors.New("OMS said: PASSWORD=hunter22"),
		"body", "hunter22",
		slog.Group("req", "auth", "Bearer xoxb-1-bot"),
		"url", stringer{},
		"n", 3)
	out := buf.String()
	assert.NotContains(t, out, "xoxb-1-bot")
	assert.NotContains(t, out, "hunter22")
	assert.Equal(t, 6, strings.Count(out, Marker), out)
	assert.Contains(t, out, `"n":3`)
}
