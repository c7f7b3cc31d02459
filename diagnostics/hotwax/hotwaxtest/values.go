package hotwaxtest

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// str renders a JSON-decoded or model value the way OFBiz compares it: times as epoch milliseconds.
func str(v any) string {
	switch x := v.(type) {
	case nil:
		return ""
	case string:
		return x
	case json.Number:
		return x.String()
	case float64:
		return strconv.FormatFloat(x, 'f', -1, 64)
	case int:
		return strconv.Itoa(x)
	case int64:
		return strconv.FormatInt(x, 10)
	case bool:
		return strconv.FormatBool(x)
	case time.Time:
		if x.IsZero() {
			return ""
		}
		return strconv.FormatInt(x.UnixMilli(), 10)
	default:
		return fmt.Sprint(x)
	}
}

func itoa(n int) string { return strconv.Itoa(n) }

func numeric(s string) bool {
	if s == "" {
		return false
	}
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return true
}

// parseMillis reads an epoch-milliseconds value sent as a number or a string.
func parseMillis(s string) (time.Time, error) {
	n, err := strconv.ParseInt(strings.TrimSpace(s), 10, 64)
	if err != nil {
		f, ferr := strconv.ParseFloat(strings.TrimSpace(s), 64)
		if ferr != nil {
			return time.Time{}, fmt.Errorf("parse epoch millis %q: %w", s, err)
		}
		n = int64(f)
	}
	return time.UnixMilli(n), nil
}

// parseTimeValue reads a condition value compared with a timestamp: epoch millis or an OFBiz timestamp string.
func parseTimeValue(s string) (time.Time, bool) {
	if t, err := parseMillis(s); err == nil {
		return t, true
	}
	for _, layout := range []string{"2006-01-02 15:04:05.000", "2006-01-02 15:04:05", time.RFC3339Nano, "2006-01-02"} {
		if t, err := time.Parse(layout, s); err == nil {
			return t, true
		}
	}
	return time.Time{}, false
}

// intParam reads viewSize/viewIndex/rows style parameters sent as numbers or strings.
func intParam(v any, def int) (int, error) {
	s := str(v)
	if s == "" {
		return def, nil
	}
	n, err := strconv.Atoi(s)
	if err != nil {
		return 0, fmt.Errorf("not an integer: %q", s)
	}
	return n, nil
}

// stringList reads a JSON array of strings, or a single string, as a list.
func stringList(v any) []string {
	switch x := v.(type) {
	case nil:
		return nil
	case []any:
		out := make([]string, 0, len(x))
		for _, e := range x {
			out = append(out, str(e))
		}
		return out
	case []string:
		return x
	default:
		if s := str(x); s != "" {
			return []string{s}
		}
		return nil
	}
}

// ofbizTimestamp formats a time as java.sql.Timestamp.toString does, for SystemProperty values.
func ofbizTimestamp(t time.Time) string {
	return t.UTC().Format("2006-01-02 15:04:05.000")
}
