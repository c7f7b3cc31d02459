package hotwaxtest

import (
	"encoding/json"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The simulator's answers must be byte for byte what encoding/json writes, hostile text included.
func TestAnswersEncodeAsEncodingJSONDoes(t *testing.T) {
	values := []any{
		nil, "", "plain", `quote " back \ slash`, "<script>&amp;</script>", "tab\tnew\nline\rcr\bbs\fff\x00\x1f\x7f",
		"\u2028\u2029 é ü 日本 🙂", "bad \xff\xfe utf-8 \xc3", true, false, 0, -12, int64(1767225600000), 1.5, 1e21, json.Number("12"),
		time.Date(2026, 1, 2, 3, 4, 5, 6, time.UTC), []string{}, []string(nil), []string{"a", "<b>"}, []any{}, []any{1, "x", nil, []string{"y"}},
		map[string]any{}, map[string]any(nil), []map[string]any{{"z": 1, "a": map[string]any{"k": []any{true}}}}, map[string]string{"b": "1", "a": "2"},
		map[string]any{"responseHeader": map[string]any{"status": 0, "QTime": 1}, "response": map[string]any{"numFound": 2, "docs": []map[string]any{
			{"data.productVariantUpdate.productVariant.id": []string{"gid://shopify/ProductVariant/1"}, "contains_error": []bool{false}, "_timestamp_": []string{"2026-01-02T10:00:00Z"}},
		}}},
	}
	rng := rand.New(rand.NewPCG(1, 2))
	for range 500 {
		b := make([]byte, rng.IntN(40))
		for i := range b {
			b[i] = byte(rng.IntN(256))
		}
		values = append(values, string(b), map[string]any{string(b): []string{string(b)}})
	}
	for _, v := range values {
		want, err := json.Marshal(v)
		require.NoError(t, err)
		got, err := appendJSON(nil, v)
		require.NoError(t, err)
		assert.Equal(t, string(want), string(got), "%#v", v)
	}
}
