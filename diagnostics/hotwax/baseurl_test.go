package hotwax

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestNormalizeBaseURL(t *testing.T) {
	tests := []struct {
		in      string
		want    string
		wantErr bool
	}{
		{in: "acme-uat", want: "https://acme-uat.hotwax.io/api/"},
		{in: "  acme-oms ", want: "https://acme-oms.hotwax.io/api/"},
		{in: "acme-oms.hotwax.io", want: "https://acme-oms.hotwax.io/api/"},
		{in: "https://acme-oms.hotwax.io", want: "https://acme-oms.hotwax.io/api/"},
		{in: "https://acme-oms.hotwax.io/", want: "https://acme-oms.hotwax.io/api/"},
		{in: "https://acme-oms.hotwax.io/api", want: "https://acme-oms.hotwax.io/api/"},
		{in: "https://acme-oms.hotwax.io/api/", want: "https://acme-oms.hotwax.io/api/"},
		{in: "http://127.0.0.1:8123", want: "http://127.0.0.1:8123/api/"},
		{in: "http://127.0.0.1:8123/oms", want: "http://127.0.0.1:8123/oms/api/"},
		{in: "", wantErr: true},
		{in: "   ", wantErr: true},
		{in: "acme uat", wantErr: true},
		{in: "acme/uat", wantErr: true},
		{in: "-acme", wantErr: true},
		{in: "ftp://acme.hotwax.io", wantErr: true},
		{in: "https://", wantErr: true},
		{in: "https://acme.hotwax.io/api/?x=1", wantErr: true},
		{in: "https://user:pw@acme.hotwax.io", wantErr: true},
		{in: "://nothing", wantErr: true},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := NormalizeBaseURL(tt.in)
			if tt.wantErr {
				require.Error(t, err)
				assert.NotContains(t, err.Error(), "pw@", "credentials must not be echoed")
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tt.want, got)
		})
	}
}
