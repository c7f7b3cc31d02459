package diagnostics

import (
	"encoding/csv"
	"io"
	"strings"
)

// WriteSweepCSV writes one row per result (sku, productId, cause, causes, failing, shopsNotListed), as
// `preorderbot sweep --csv` and the digest's thread share it. Cells a spreadsheet would run as a formula
// are quoted with a leading apostrophe: SKUs and product ids come from the OMS, not from us.
func WriteSweepCSV(w io.Writer, results []SweepResult) error {
	cw := csv.NewWriter(w)
	_ = cw.Write([]string{"sku", "productId", "cause", "causes", "failing", "shopsNotListed"})
	for _, r := range results {
		_ = cw.Write([]string{safeCell(r.SKU), safeCell(r.ProductID), string(r.Cause), joinIDs(r.Causes, " "),
			joinIDs(r.Failing, " "), strings.Join(r.ShopsNotListed, " ")})
	}
	cw.Flush()
	return cw.Error()
}

func safeCell(s string) string {
	if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		return "'" + s
	}
	return s
}

// joinIDs joins causes or check ids.
func joinIDs[T ~string](ids []T, sep string) string {
	s := make([]string, len(ids))
	for i, id := range ids {
		s[i] = string(id)
	}
	return strings.Join(s, sep)
}
