package hotwax

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// The OMS is loose about JSON types: entity timestamps are epoch milliseconds while Solr sends ISO strings,
// counts and retry counts arrive as numbers or strings, and ids may be numbers. The types below accept every
// form seen so that one odd value does not fail a whole diagnostic.
//
// One rule covers Solr documents: any field may come as a scalar or as an array, because a schemaless core
// (shopifyCore) makes every field multi-valued, single values included. The scalar types read an array as
// its first element (see solrScalar); stringList reads a scalar as a one-element list.

var jsonNull = []byte("null")

// msTime decodes an epoch-millisecond number or string, an ISO/OFBiz timestamp string, or null.
type msTime time.Time

// timeLayouts are the string forms accepted besides epoch milliseconds, most common first.
var timeLayouts = []string{
	time.RFC3339Nano,
	"2006-01-02 15:04:05.999999999", // OFBiz java.sql.Timestamp.toString
	"2006-01-02T15:04:05.999999999",
	"2006-01-02",
}

func (t *msTime) UnmarshalJSON(b []byte) error {
	b, err := solrScalar(b)
	if err != nil {
		return fmt.Errorf("timestamp: %w", err)
	}
	if bytes.Equal(b, jsonNull) {
		*t = msTime{}
		return nil
	}
	if ms, ok := plainMillis(b); ok { // the entities' usual form, read without copying it
		*t = msTime(time.UnixMilli(ms).UTC())
		return nil
	}
	s := string(b)
	if len(b) > 0 && b[0] == '"' {
		var err error
		if s, err = strconv.Unquote(s); err != nil {
			return fmt.Errorf("timestamp %.40s: %w", b, err)
		}
		s = strings.TrimSpace(s)
		if s == "" || s == "null" {
			*t = msTime{}
			return nil
		}
	}
	if looksLikeDate(s) { // Solr's ISO strings, the most common form: skip the failed number parses
		if parsed, err := time.Parse(time.RFC3339Nano, s); err == nil {
			*t = msTime(parsed.UTC())
			return nil
		}
	}
	if ms, err := strconv.ParseInt(s, 10, 64); err == nil {
		*t = msTime(time.UnixMilli(ms).UTC())
		return nil
	}
	if f, err := strconv.ParseFloat(s, 64); err == nil {
		*t = msTime(time.UnixMilli(int64(f)).UTC())
		return nil
	}
	for _, layout := range timeLayouts {
		if parsed, err := time.Parse(layout, s); err == nil {
			*t = msTime(parsed.UTC())
			return nil
		}
	}
	return fmt.Errorf("timestamp %.40q is neither epoch milliseconds nor ISO 8601", s)
}

func (t msTime) time() time.Time { return time.Time(t) }

// plainMillis reads epoch milliseconds written as plain digits, bare or quoted; ok is false for any other
// form.
func plainMillis(b []byte) (ms int64, ok bool) {
	if len(b) >= 2 && b[0] == '"' && b[len(b)-1] == '"' {
		b = b[1 : len(b)-1]
	}
	if len(b) == 0 || len(b) > 18 {
		return 0, false
	}
	for _, c := range b {
		if c < '0' || c > '9' {
			return 0, false
		}
		ms = ms*10 + int64(c-'0')
	}
	return ms, true
}

// looksLikeDate is true for text starting "yyyy-", which no number does.
func looksLikeDate(s string) bool {
	return len(s) > 5 && s[4] == '-' && strings.IndexFunc(s[:4], func(r rune) bool { return r < '0' || r > '9' }) < 0
}

// flexInt decodes a JSON number or a numeric string; null and "" are zero.
type flexInt int64

func (n *flexInt) UnmarshalJSON(b []byte) error {
	b, err := solrScalar(b)
	if err != nil {
		return fmt.Errorf("number: %w", err)
	}
	s := string(b)
	if len(b) > 0 && b[0] == '"' {
		var err error
		if s, err = strconv.Unquote(s); err != nil {
			return fmt.Errorf("number %.40s: %w", b, err)
		}
		s = strings.TrimSpace(s)
	}
	if s == "" || s == "null" {
		*n = 0
		return nil
	}
	if v, err := strconv.ParseInt(s, 10, 64); err == nil {
		*n = flexInt(v)
		return nil
	}
	f, err := strconv.ParseFloat(s, 64)
	if err != nil {
		return fmt.Errorf("number %.40q: %w", s, err)
	}
	*n = flexInt(f)
	return nil
}

// flexString decodes a string, or a number or boolean kept as its JSON text; null is "".
type flexString string

func (s *flexString) UnmarshalJSON(b []byte) error {
	b, err := solrScalar(b)
	if err != nil {
		return fmt.Errorf("string: %w", err)
	}
	*s = flexString(scalarText(b))
	return nil
}

// flexBool decodes true/false, "true"/"false" and the OFBiz "Y"/"N" indicators, bare or as the only
// element of an array: [true] and ["true"] are true.
type flexBool bool

func (v *flexBool) UnmarshalJSON(b []byte) error {
	b, err := solrScalar(b)
	if err != nil {
		return fmt.Errorf("boolean: %w", err)
	}
	switch strings.ToLower(strings.TrimSpace(scalarText(b))) {
	case "true", "y", "yes", "1":
		*v = true
	default:
		*v = false
	}
	return nil
}

// stringList decodes a Solr field that is multi-valued (an array) or single-valued (a scalar).
type stringList []string

func (l *stringList) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	if len(b) == 0 || bytes.Equal(b, jsonNull) {
		*l = nil
		return nil
	}
	if b[0] != '[' {
		*l = stringList{scalarText(b)}
		return nil
	}
	if plain, ok := plainStrings(b); ok {
		*l = plain
		return nil
	}
	var raw []json.RawMessage
	if err := json.Unmarshal(b, &raw); err != nil {
		return fmt.Errorf("string list: %w", err)
	}
	out := make(stringList, 0, len(raw))
	for _, r := range raw {
		out = append(out, scalarText(r))
	}
	*l = out
	return nil
}

// runtimeData is a job's parsed RuntimeData as strings, the literal "null" and JSON null read as "" as the
// Job Manager does; non-string values keep their JSON text (see wireRuntime).
type runtimeData map[string]string

// runtimeText is one runtimeData value as text: the literal "null" and JSON null are "".
func runtimeText(v json.RawMessage) string {
	if s := scalarText(v); s != "null" {
		return s
	}
	return ""
}

// solrScalar returns the value itself, or the first element of an array (null for an empty one), so that a
// multi-valued Solr field decodes into a single-valued Go field.
func solrScalar(b []byte) ([]byte, error) {
	b = bytes.TrimSpace(b)
	if len(b) == 0 || b[0] != '[' {
		return b, nil
	}
	if first, ok := plainFirst(b); ok {
		return first, nil
	}
	var items []json.RawMessage
	if err := json.Unmarshal(b, &items); err != nil {
		return nil, err
	}
	if len(items) == 0 {
		return jsonNull, nil
	}
	return bytes.TrimSpace(items[0]), nil
}

// scalarText is the text of a JSON value: a string unquoted, null as "", anything else as its JSON text.
func scalarText(b []byte) string {
	b = bytes.TrimSpace(b)
	if len(b) == 0 || bytes.Equal(b, jsonNull) {
		return ""
	}
	if b[0] == '"' {
		if len(b) >= 2 && b[len(b)-1] == '"' && bytes.IndexByte(b, '\\') < 0 {
			return string(b[1 : len(b)-1]) // no escapes: skip the decoder
		}
		var s string
		if err := json.Unmarshal(b, &s); err == nil {
			return s
		}
	}
	return string(b)
}

// FieldText is a raw Solr or entity field as text, by the client's one decoding rule: a scalar, or the
// first element of a multi-valued field; null and an empty array are "". Raw probes (doctor) read
// documents with it, so they tolerate what the typed calls tolerate.
func FieldText(raw json.RawMessage) string {
	b, err := solrScalar(raw)
	if err != nil {
		return ""
	}
	return scalarText(b)
}

// plainStrings reads the common shape of a multi-valued Solr field, an array of strings, without decoding the
// array as a whole (only a string with escapes goes through the decoder); ok is false for any other shape,
// which the decoder then reads.
func plainStrings(b []byte) (out stringList, ok bool) {
	i := skipSpace(b, 1)
	if i < len(b) && b[i] == ']' {
		return stringList{}, skipSpace(b, i+1) == len(b)
	}
	for {
		s, end, ok := quotedString(b, i)
		if !ok {
			return nil, false
		}
		out = append(out, s)
		var more bool
		if i, more, ok = nextItem(b, end, ']'); !more {
			return out, ok
		}
	}
}

// plainObject reads the common shape of a job's runtimeData, an object of plain strings and literals, into
// raw values that share one copy of b; ok is false for any other shape (escapes, nested values), which the
// decoder then reads.
func plainObject(b []byte) (map[string]json.RawMessage, bool) {
	b = bytes.TrimSpace(b)
	if len(b) < 2 || b[0] != '{' {
		return nil, false
	}
	own := bytes.Clone(b)
	out := map[string]json.RawMessage{}
	i := skipSpace(own, 1)
	if i < len(own) && own[i] == '}' {
		return out, skipSpace(own, i+1) == len(own)
	}
	for {
		key, end, ok := plainString(own, i)
		if !ok {
			return nil, false
		}
		if i = skipSpace(own, end); i >= len(own) || own[i] != ':' {
			return nil, false
		}
		i = skipSpace(own, i+1)
		start := i
		if i < len(own) && own[i] == '"' {
			if _, end, ok = plainString(own, i); !ok {
				return nil, false
			}
			i = end
		} else {
			for i < len(own) && isLiteralByte(own[i]) {
				i++
			}
			if i == start {
				return nil, false
			}
		}
		out[string(key)] = own[start:i:i]
		var more bool
		if i, more, ok = nextItem(own, i, '}'); !more {
			return out, ok
		}
	}
}

// nextItem reads what follows an element of an array or object closed by closer: at a comma more is true
// and next is where the following element starts; at closer more is false and ok says whether nothing
// follows it; at anything else both are false.
func nextItem(b []byte, i int, closer byte) (next int, more, ok bool) {
	i = skipSpace(b, i)
	switch {
	case i < len(b) && b[i] == ',':
		return skipSpace(b, i+1), true, true
	case i < len(b) && b[i] == closer:
		return i, false, skipSpace(b, i+1) == len(b)
	}
	return i, false, false
}

// plainFirst is the first element of an array when it is a string without escapes or a bare literal
// (number, true, false, null), and null for an empty array; ok is false for anything else.
func plainFirst(b []byte) (first []byte, ok bool) {
	i := skipSpace(b, 1)
	if i >= len(b) {
		return nil, false
	}
	if b[i] == ']' {
		return jsonNull, true
	}
	end := i
	if b[i] == '"' {
		if _, end, ok = plainString(b, i); !ok {
			return nil, false
		}
	} else {
		for end < len(b) && isLiteralByte(b[end]) {
			end++
		}
	}
	if next := skipSpace(b, end); end == i || next >= len(b) || (b[next] != ',' && b[next] != ']') {
		return nil, false
	}
	return b[i:end], true
}

// quotedString reads the JSON string starting at b[i]; end is just past its closing quote.
func quotedString(b []byte, i int) (s string, end int, ok bool) {
	if plain, end, ok := plainString(b, i); ok {
		return string(plain), end, true
	}
	if i >= len(b) || b[i] != '"' {
		return "", 0, false
	}
	for j := i + 1; j < len(b); j++ {
		switch b[j] {
		case '\\':
			j++
		case '"':
			if s, ok := unescape(b[i+1 : j]); ok {
				return s, j + 1, true
			}
			if json.Unmarshal(b[i:j+1], &s) != nil {
				return "", 0, false
			}
			return s, j + 1, true
		}
	}
	return "", 0, false
}

// unescape reads the inside of a JSON string whose escapes are all single characters (\" \\ \/ \b \f \n \r
// \t), as a metafield's JSON value quoted in a Solr field is; ok is false for \u escapes, control characters
// or invalid UTF-8, which the decoder reads.
func unescape(b []byte) (string, bool) {
	if !utf8.Valid(b) {
		return "", false
	}
	var out strings.Builder
	out.Grow(len(b))
	for j := 0; j < len(b); j++ {
		c := b[j]
		switch {
		case c < 0x20:
			return "", false
		case c != '\\':
			out.WriteByte(c)
		case j+1 >= len(b):
			return "", false
		default:
			j++
			switch b[j] {
			case '"', '\\', '/':
				out.WriteByte(b[j])
			case 'b':
				out.WriteByte('\b')
			case 'f':
				out.WriteByte('\f')
			case 'n':
				out.WriteByte('\n')
			case 'r':
				out.WriteByte('\r')
			case 't':
				out.WriteByte('\t')
			default:
				return "", false
			}
		}
	}
	return out.String(), true
}

// plainString reads a JSON string starting at b[i] that holds no escape or control character; end is just
// past its closing quote.
func plainString(b []byte, i int) (s []byte, end int, ok bool) {
	if i >= len(b) || b[i] != '"' {
		return nil, 0, false
	}
	for j := i + 1; j < len(b); j++ {
		switch c := b[j]; {
		case c == '"':
			return b[i+1 : j], j + 1, true
		case c == '\\' || c < 0x20:
			return nil, 0, false
		}
	}
	return nil, 0, false
}

func isLiteralByte(c byte) bool {
	return c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c == '-' || c == '+' || c == '.' || c == 'E'
}

func skipSpace(b []byte, i int) int {
	for i < len(b) && (b[i] == ' ' || b[i] == '\t' || b[i] == '\n' || b[i] == '\r') {
		i++
	}
	return i
}
