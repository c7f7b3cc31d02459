package hotwax

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestMsTimeDecodesEveryForm(t *testing.T) {
	want := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	tests := []struct {
		name string
		in   string
		want time.Time
	}{
		{"epoch ms number", `1767225600000`, want},
		{"epoch ms string", `"1767225600000"`, want},
		{"epoch ms float", `1.7672256e12`, want},
		{"iso", `"2026-01-01T00:00:00Z"`, want},
		{"iso with offset", `"2026-01-01T01:00:00+01:00"`, want},
		{"ofbiz timestamp", `"2026-01-01 00:00:00.0"`, want},
		{"date", `"2026-01-01"`, want},
		{"null", `null`, time.Time{}},
		{"empty string", `""`, time.Time{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got msTime
			require.NoError(t, json.Unmarshal([]byte(tt.in), &got))
			assert.True(t, tt.want.Equal(got.time()), "got %s", got.time())
		})
	}

	var bad msTime
	assert.Error(t, json.Unmarshal([]byte(`"yesterday"`), &bad))
}

func TestFlexScalars(t *testing.T) {
	var v struct {
		A, B, C, D flexInt
		S, N, Z    flexString
		T, Y, F    flexBool
		One, Many  stringList
		Null       stringList
	}
	in := `{"A":3,"B":"4","C":null,"D":"","S":"x","N":10010,"Z":null,"T":true,"Y":"Y","F":"false",
		"One":"a","Many":["a",1],"Null":null}`
	require.NoError(t, json.Unmarshal([]byte(in), &v))
	assert.Equal(t, flexInt(3), v.A)
	assert.Equal(t, flexInt(4), v.B)
	assert.Equal(t, flexInt(0), v.C)
	assert.Equal(t, flexInt(0), v.D)
	assert.Equal(t, flexString("x"), v.S)
	assert.Equal(t, flexString("10010"), v.N)
	assert.Equal(t, flexString(""), v.Z)
	assert.True(t, bool(v.T))
	assert.True(t, bool(v.Y))
	assert.False(t, bool(v.F))
	assert.Equal(t, stringList{"a"}, v.One)
	assert.Equal(t, stringList{"a", "1"}, v.Many)
	assert.Nil(t, v.Null)

	var bad flexInt
	assert.Error(t, json.Unmarshal([]byte(`"ten"`), &bad))
}

func TestRuntimeDataMapsNullToEmpty(t *testing.T) {
	var m wireRuntime
	in := `{"shopId":"10","sinceId":"null","limit":100,"cursor":null,"q":"a \"b\"","flag":true}`
	require.NoError(t, json.Unmarshal([]byte(in), &m))
	assert.Equal(t, runtimeData{"shopId": "10", "sinceId": "", "limit": "100", "cursor": "", "q": `a "b"`, "flag": "true"}, m.strs)

	var strs wireRuntime
	require.NoError(t, json.Unmarshal([]byte(`{"shopId":"10","sinceId":"null","cursor":null}`), &strs))
	assert.Equal(t, runtimeData{"shopId": "10", "sinceId": "", "cursor": ""}, strs.strs)
}

// The multi-valued fields of a Solr answer are read without the decoder when they are plain; every other
// shape must still read exactly as the decoder reads it.
func TestSolrArraysReadAsTheDecoderReadsThem(t *testing.T) {
	inputs := []string{
		`[]`, ` [ ] `, `["a"]`, `[ "a" , "b" ]`, `["a","b\"c"]`, `["é\u00e9"]`, `["x\ny"]`, `[1,"2",true]`,
		`["{\"status\":\"active\"}","\u00e9\ud83d\ude00"]`, `["a\\"]`, `["a\\","b"]`, `[true]`, `[null]`, `[-1.5e3]`, `[{"a":1}]`, `[["a"]]`, `["",""]`, `["a",{"b":[1]}]`, `[ "gid://shopify/ProductVariant/1" ]`, `["\/\b\f\r\t\"\\"]`, `["\u0041\"b","c"]`, `["é\"ü"]`,
	}
	for _, in := range inputs {
		t.Run(in, func(t *testing.T) {
			var items []json.RawMessage
			require.NoError(t, json.Unmarshal([]byte(in), &items))
			want := stringList{}
			for _, r := range items {
				want = append(want, scalarText(r))
			}
			var got stringList
			require.NoError(t, json.Unmarshal([]byte(in), &got))
			assert.Equal(t, want, got)

			wantFirst := "null"
			if len(items) > 0 {
				wantFirst = string(items[0])
			}
			first, err := solrScalar([]byte(in))
			require.NoError(t, err)
			assert.Equal(t, wantFirst, string(first))
			assert.Equal(t, scalarText([]byte(wantFirst)), FieldText(json.RawMessage(in)))
		})
	}
}

// TestListingWireReadsEveryGeneration: the struct a listing document decodes into names the same fields as
// the generation table the query asks for, so no generation's documents decode empty.
func TestListingWireReadsEveryGeneration(t *testing.T) {
	for _, g := range listingGenerations {
		doc := map[string]any{
			"_timestamp_": "2026-12-01T10:00:00Z", "contains_error": []bool{false},
			g.variantIDs: []string{"gid://shopify/ProductVariant/1"}, g.namespace: []string{preorderNamespace}, g.value: []string{`{"status":"PRE_ORDER"}`},
		}
		raw, err := json.Marshal(doc)
		require.NoError(t, err)
		var w listingWire
		require.NoError(t, json.Unmarshal(raw, &w))
		d := w.doc(g.generation)
		assert.Equal(t, stringList{"gid://shopify/ProductVariant/1"}, d.VariantIDs, g.generation)
		assert.Equal(t, stringList{preorderNamespace}, d.Namespaces, g.generation)
		assert.Equal(t, stringList{`{"status":"PRE_ORDER"}`}, d.Values, g.generation)
	}
}

// A job's runtimeData reads the same raw values and strings whether its plain shape is read by hand or
// any other shape by the decoder.
func TestRuntimeObjectsReadAsTheDecoderReadsThem(t *testing.T) {
	inputs := []string{
		`{}`, ` { } `, `{"shopId":"10","sinceId":"null","limit":100,"cursor":null,"flag":true}`,
		`{ "a" : "x" , "b" : -1.5e3 }`, `{"q":"a \"b\""}`, `{"a\u0041":"1"}`, `{"n":{"x":[1,"2"]}}`,
		`{"l":["a"],"s":"é"}`, `{"a":"1","a":"2"}`, `{"e":""}`, `null`,
	}
	for _, in := range inputs {
		t.Run(in, func(t *testing.T) {
			var want map[string]json.RawMessage
			require.NoError(t, json.Unmarshal([]byte(in), &want))
			var got wireRuntime
			require.NoError(t, json.Unmarshal([]byte(in), &got))
			assert.Equal(t, len(want), len(got.raw))
			for k, v := range want {
				assert.Equal(t, string(v), string(got.raw[k]), k)
				assert.Equal(t, runtimeText(v), got.strs[k], k)
			}
			assert.Equal(t, want == nil, got.raw == nil)
		})
	}
}
