package hotwax

import (
	"encoding/base64"
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
)

func TestJWTExpiry(t *testing.T) {
	enc := base64.RawURLEncoding
	token := func(payload string) string {
		return enc.EncodeToString([]byte(`{"alg":"HS256"}`)) + "." + enc.EncodeToString([]byte(payload)) + ".c2ln"
	}
	for name, tc := range map[string]struct {
		token string
		want  time.Time
		ok    bool
	}{
		"exp":              {token(`{"exp":1798761600}`), time.Date(2027, 1, 1, 0, 0, 0, 0, time.UTC), true},
		"fractional exp":   {token(`{"exp":1798761600.5}`), time.Date(2027, 1, 1, 0, 0, 0, 0, time.UTC), true},
		"no exp":           {token(`{"sub":"x"}`), time.Time{}, true},
		"padded payload":   {enc.EncodeToString([]byte(`{}`)) + "." + base64.URLEncoding.EncodeToString([]byte(`{"exp":1798761600}`)) + ".s", time.Date(2027, 1, 1, 0, 0, 0, 0, time.UTC), true},
		"opaque":           {"fake-jwt-0123", time.Time{}, false},
		"payload not b64":  {"a.!!!.c", time.Time{}, false},
		"payload not json": {"a." + enc.EncodeToString([]byte("exp")) + ".c", time.Time{}, false},
	} {
		t.Run(name, func(t *testing.T) {
			got, ok := jwtExpiry(tc.token)
			assert.Equal(t, tc.ok, ok)
			assert.True(t, tc.want.Equal(got), "got %s want %s", got, tc.want)
		})
	}
}

func TestIsUndefinedField(t *testing.T) {
	assert.True(t, IsUndefinedField(&APIError{Status: http.StatusBadRequest, Messages: []string{"undefined field data.x"}}))
	assert.False(t, IsUndefinedField(&APIError{Status: http.StatusBadRequest, Messages: []string{"Cannot parse query"}}))
	assert.False(t, IsUndefinedField(ErrUnauthorized))
}
