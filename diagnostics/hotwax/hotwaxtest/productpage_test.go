package hotwaxtest

import (
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The product page a card links to opens in the simulated OMS: the product, its category and its links.
func TestProductPage(t *testing.T) {
	s := newTest(t, ScenarioNeedsManualLink)
	id, ok := s.ProductID("HW-SOCK-S")
	require.True(t, ok)
	get := func(productID string) (int, string) {
		resp, err := http.Get(strings.TrimSuffix(s.URL(), "/api/") + ProductPagePath + "?productId=" + productID)
		require.NoError(t, err)
		defer resp.Body.Close()
		body, err := io.ReadAll(resp.Body)
		require.NoError(t, err)
		return resp.StatusCode, string(body)
	}
	status, page := get(id)
	assert.Equal(t, http.StatusOK, status)
	assert.Contains(t, page, "HW-SOCK-S")
	assert.Contains(t, page, "PREORDER_CAT")
	assert.Contains(t, page, "Acme CA (10001)</td><td>not linked")
	status, page = get("<script>")
	assert.Equal(t, http.StatusNotFound, status)
	assert.NotContains(t, page, "<script>")
}
