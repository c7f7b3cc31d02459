package diagnostics_test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/preorderbot/preorderbot/diagnostics"
)

func TestBuiltinSignaturesAreComplete(t *testing.T) {
	all := diagnostics.DefaultSignatures().All()
	require.NotEmpty(t, all)
	for _, s := range all {
		assert.NotEmpty(t, s.Samples, "%s has no samples", s.ID)
		assert.NotEmpty(t, s.Source, "%s cites no source", s.ID)
		assert.True(t, strings.HasSuffix(s.Meaning, "."), "%s: the meaning is one sentence", s.ID)
		if s.Transient {
			assert.Equal(t, diagnostics.Fix{Kind: diagnostics.FixRemedy, Remedy: diagnostics.RemedyRunJob, Note: s.Fix.Note}, s.Fix,
				"%s passes by itself, so its fix is to run the job again", s.ID)
		}
	}
}

// Every sample is claimed by its own entry and by no other: the catalogue does not depend on its order.
func TestEverySampleMatchesOnlyItsEntry(t *testing.T) {
	all := diagnostics.DefaultSignatures().All()
	for _, s := range all {
		for _, sample := range s.Samples {
			var matched []string
			for _, o := range all {
				if o.Matches(sample) {
					matched = append(matched, o.ID)
				}
			}
			assert.Equal(t, []string{s.ID}, matched, "sample %q", sample.Text())
		}
	}
}

func TestBuiltinSignaturesDoNotOverlap(t *testing.T) {
	assert.Empty(t, diagnostics.DefaultSignatures().Overlaps())
}

func TestOverlapsAreDetected(t *testing.T) {
	path := writeFile(t, `[
  {"id": "slow-shopify", "match": [{"contains": "timed out"}], "meaning": "Shopify was slow.", "transient": true,
   "fix": {"kind": "remedy", "remedy": "run-job"}}
]`)
	sigs, err := diagnostics.LoadSignatures(path)
	require.NoError(t, err)
	overlaps := sigs.Overlaps()
	require.NotEmpty(t, overlaps)
	assert.Contains(t, strings.Join(overlaps, "\n"), "network-timeout and slow-shopify both match")
}

// The texts the catalogue must know, as Shopify's Admin API, the JVM, MySQL and HotWax's apps write them.
func TestKnownFailureTexts(t *testing.T) {
	sigs := diagnostics.DefaultSignatures()
	tests := []struct {
		failure diagnostics.Failed
		want    string
	}{
		{jr(`[{"message":"Throttled","extensions":{"code":"THROTTLED"}}]`), "shopify-throttled"},
		{jr(`{"errors":"Exceeded 2 calls per second for api client. Reduce request rates to resume uninterrupted service."}`), "shopify-throttled"},
		{jr("Shopify answered HTTP 429"), "shopify-throttled"},
		{jr("Access denied for productVariantsBulkUpdate field. Required access: `write_products` access scope."), "shopify-access-scope"},
		{jr(`{"extensions":{"code":"ACCESS_DENIED"}}`), "shopify-access-scope"},
		{jr(`{"errors":"[API] Invalid API key or access token (unrecognized login or wrong password)"}`), "shopify-token-invalid"},
		{jr("status: 401"), "shopify-token-invalid"},
		{jr("HTTP 402 Payment Required"), "shopify-shop-frozen"},
		{jr("HTTP 423 Locked"), "shopify-shop-locked"},
		{jr("HTTP 404 Not Found"), "shopify-shop-gone"},
		{jr(`{"code":"PRODUCT_VARIANT_DOES_NOT_EXIST","message":"Product variant does not exist"}`), "shopify-variant-deleted"},
		{jr(`{"code":"PRODUCT_DOES_NOT_EXIST","message":"Product does not exist"}`), "shopify-product-deleted"},
		{jr(`{"code":"INVALID_VALUE"}`), "shopify-metafield-invalid"},
		{jr(`{"code":"APP_NOT_AUTHORIZED"}`), "shopify-metafield-owned"},
		{jr("java.net.SocketTimeoutException: Read timed out"), "network-timeout"},
		{jr("java.net.SocketException: Connection reset by peer"), "network-reset"},
		{jr("Lock wait timeout exceeded; try restarting transaction"), "oms-lock-wait"},
		{diagnostics.Failed{ErrorMessage: "RuntimeData [10120] not found"}, "oms-job-config-missing"},
		{jr("The following required parameter is missing: [pushPreorderCatalogOnShopify.shopifyConfigId]"), "oms-job-config-missing"},
	}
	for _, tt := range tests {
		got, ok := sigs.Match(tt.failure)
		assert.True(t, ok, "%q matches nothing", tt.failure.Text())
		assert.Equal(t, tt.want, got.ID, "%q", tt.failure.Text())
	}
	for _, text := range []string{"boom", "Shop 10429 has 402 products", "The job was cancelled by hotwax.user"} {
		_, ok := sigs.Match(jr(text))
		assert.False(t, ok, "%q is not a known failure", text)
	}
	// The same text only in jobResult is not a runtime-data error.
	_, ok := sigs.Match(diagnostics.Failed{JobResult: "RuntimeData [10120] not found"})
	assert.False(t, ok)
}

func jr(s string) diagnostics.Failed { return diagnostics.Failed{JobResult: s} }

func TestSignatureRefJSON(t *testing.T) {
	js, err := json.Marshal(struct {
		A *diagnostics.SignatureRef `json:"a"`
		B *diagnostics.SignatureRef `json:"b,omitempty"`
		C *diagnostics.SignatureRef `json:"c,omitempty"`
	}{
		A: &diagnostics.SignatureRef{ID: "network-reset", Meaning: "It dropped.", Transient: true,
			Fix: diagnostics.Fix{Kind: "remedy", Remedy: "run-job"}},
		B: &diagnostics.SignatureRef{},
	})
	require.NoError(t, err)
	assert.JSONEq(t, `{"a":{"id":"network-reset","meaning":"It dropped.","transient":true,"fix":{"kind":"remedy","remedy":"run-job"}},"b":null}`, string(js))
}

func TestLoadSignaturesOverrides(t *testing.T) {
	path := writeFile(t, `[
  {
    "id": "shopify-throttled",
    "match": [{"contains": "THROTTLED"}],
    "meaning": "Shopify throttled us; our plan allows more, so tell Support.",
    "transient": false,
    "fix": {"kind": "escalate", "note": "Throttled again."}
  },
  {
    "id": "acme-erp-down",
    "match": [{"regexp": "ERP-\\d{3}"}],
    "meaning": "Acme's ERP did not answer.",
    "transient": true,
    "fix": {"kind": "remedy", "remedy": "run-job"},
    "samples": [{"jobResult": "upstream ERP-503"}]
  }
]`)
	sigs, err := diagnostics.LoadSignatures(path)
	require.NoError(t, err)
	got, ok := sigs.Match(jr(`{"extensions":{"code":"THROTTLED"}}`))
	require.True(t, ok)
	assert.Equal(t, diagnostics.FixEscalate, got.Fix.Kind, "the operator's entry replaces the built-in one")
	_, ok = sigs.Match(jr("Exceeded 2 calls per second for api client"))
	assert.False(t, ok, "the replaced entry's other patterns are gone with it")
	got, _ = sigs.Match(jr("upstream ERP-503"))
	assert.Equal(t, "acme-erp-down", got.ID)
	got, _ = sigs.Match(jr("java.net.SocketException: Connection reset"))
	assert.Equal(t, "network-reset", got.ID, "built-in entries stay")
	assert.Len(t, sigs.All(), len(diagnostics.DefaultSignatures().All())+1)

	sigs, err = diagnostics.LoadSignatures("")
	require.NoError(t, err)
	assert.Equal(t, diagnostics.DefaultSignatures().All(), sigs.All())
}

// A bad file is refused with the line at fault and the entry's id.
func TestLoadSignaturesRefusesBadFiles(t *testing.T) {
	entry := func(id, extra string) string {
		return `  {
    "id": "` + id + `",
    "match": [{"contains": "ERP down"}],
    "meaning": "The ERP is down."` + extra + `,
    "fix": {"kind": "steps", "steps": ["Wait."]}
  }`
	}
	tests := []struct {
		name, file, want string
	}{
		{"not an array", `{"id": "x"}`, ":1: the file must be a JSON array"},
		{"syntax", "[\n" + entry("a", "") + ",\n  {\"id\": \"b\",,}\n]", `:8: not valid JSON`},
		{"unterminated", "[\n" + entry("a", ""), ":7: the file ends before the array is closed"},
		{"unknown key", "[\n" + entry("erp-down", `,
    "macth": "x"`) + "\n]", `:6: signature "erp-down": unknown key "macth"`},
		{"wrong type", "[\n" + entry("erp-down", `,
    "transient": "yes"`) + "\n]", `:6: signature "erp-down": transient must be true or false`},
		{"bad regexp", `[
  {"id": "erp-down", "meaning": "The ERP is down.", "fix": {"kind": "steps", "steps": ["Wait."]},
   "match": [
     {"regexp": "ERP-(\\d+"}
   ]}
]`, `:4: signature "erp-down": match 1: bad regexp`},
		{"regexp matching everything", `[
  {"id": "erp-down", "meaning": "The ERP is down.", "fix": {"kind": "steps", "steps": ["Wait."]},
   "match": [{"contains": "ERP"}, {"regexp": ".*"}]}
]`, `:3: signature "erp-down": match 2: the regexp ".*" matches empty text`},
		{"no meaning", `[
  {"id": "erp-down", "match": [{"contains": "ERP"}], "fix": {"kind": "steps", "steps": ["Wait."]}}
]`, `:2: signature "erp-down": meaning is empty`},
		{"unknown fix", `[
  {"id": "erp-down", "match": [{"contains": "ERP"}], "meaning": "The ERP is down.",
   "fix": {"kind": "reboot"}}
]`, `:3: signature "erp-down": fix: kind is "reboot"`},
		{"remedy the bot cannot run for a failure", `[
  {"id": "erp-down", "match": [{"contains": "ERP"}], "meaning": "The ERP is down.",
   "fix": {"kind": "remedy", "remedy": "enable-job"}}
]`, `:3: signature "erp-down": fix: remedy is "enable-job"`},
		{"escalate without note", `[
  {"id": "erp-down", "match": [{"contains": "ERP"}], "meaning": "The ERP is down.",
   "fix": {"kind": "escalate"}}
]`, `:3: signature "erp-down": fix: kind escalate needs the note`},
		{"bad in", `[
  {"id": "erp-down", "meaning": "The ERP is down.", "fix": {"kind": "steps", "steps": ["Wait."]},
   "match": [{"in": "errorMessage", "contains": "ERP"}]}
]`, `:3: signature "erp-down": match 1: in is "errorMessage"`},
		{"both contains and regexp", `[
  {"id": "erp-down", "meaning": "The ERP is down.", "fix": {"kind": "steps", "steps": ["Wait."]},
   "match": [{"contains": "ERP", "regexp": "ERP"}]}
]`, `:3: signature "erp-down": match 1: give exactly one of contains or regexp`},
		{"no id", `[
  {"meaning": "The ERP is down.", "match": [{"contains": "ERP"}], "fix": {"kind": "steps", "steps": ["Wait."]}}
]`, `:2: an entry needs an id`},
		{"duplicate id", "[\n" + entry("erp-down", "") + ",\n" + entry("erp-down", "") + "\n]", `:8: signature "erp-down": the id is already used on line 2`},
		{"sample that does not match", `[
  {"id": "erp-down", "meaning": "The ERP is down.", "fix": {"kind": "steps", "steps": ["Wait."]},
   "match": [{"contains": "ERP down"}],
   "samples": [{"jobResult": "ERP is up"}]}
]`, `:4: signature "erp-down": sample 1 ("ERP is up") does not match`},
		{"sample claimed by an earlier entry", `[
  {"id": "erp-down", "meaning": "The ERP is down.", "fix": {"kind": "steps", "steps": ["Wait."]},
   "match": [{"contains": "ERP"}]},
  {"id": "erp-timeout", "meaning": "The ERP is slow.", "fix": {"kind": "remedy", "remedy": "run-job"},
   "match": [{"contains": "ERP timeout"}],
   "samples": [{"jobResult": "ERP timeout"}]}
]`, `:4: signature "erp-timeout": its sample "ERP timeout" is claimed by "erp-down", which comes first`},
		{"bad id", `[
  {"id": "ERP down!", "meaning": "The ERP is down.", "match": [{"contains": "ERP"}], "fix": {"kind": "steps", "steps": ["Wait."]}}
]`, `:2: signature "ERP down!": the id must be lower-case words`},
		{"reserved id", `[
  {"id": "unknown", "meaning": "The ERP is down.", "match": [{"contains": "ERP"}], "fix": {"kind": "steps", "steps": ["Wait."]}}
]`, `:2: signature "unknown": "unknown" is the label`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := writeFile(t, tt.file)
			_, err := diagnostics.LoadSignatures(path)
			require.Error(t, err)
			assert.Contains(t, err.Error(), path+tt.want)
		})
	}
	_, err := diagnostics.LoadSignatures(filepath.Join(t.TempDir(), "missing.json"))
	assert.ErrorContains(t, err, "missing.json")
}

func writeFile(t *testing.T, content string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "signatures.json")
	require.NoError(t, os.WriteFile(path, []byte(content), 0o600))
	return path
}

func TestGroupBySignature(t *testing.T) {
	t0 := time.Date(2026, 12, 1, 10, 0, 0, 0, time.UTC)
	throttled := diagnostics.SignatureRef{ID: "shopify-throttled", Meaning: "Too many calls.", Transient: true}
	scope := diagnostics.SignatureRef{ID: "shopify-access-scope", Meaning: "A scope is missing."}
	runs := []diagnostics.FailedRun{
		{JobID: "1", At: t0, Signature: throttled},
		{JobID: "2", At: t0.Add(time.Minute), Signature: scope},
		{JobID: "3", At: t0.Add(2 * time.Minute), Signature: throttled},
		{JobID: "4", At: t0.Add(3 * time.Minute), Text: "boom"},
		{JobID: "5", At: t0.Add(4 * time.Minute), Signature: throttled},
	}
	groups := diagnostics.GroupBySignature(runs)
	require.Len(t, groups, 3)
	assert.Equal(t, diagnostics.UnknownSignature, groups[0].Label, "unknown failures first: they need a person")
	assert.Equal(t, "shopify-throttled", groups[1].Label, "then the largest group")
	assert.Equal(t, throttled, groups[1].Signature)
	var ids []string
	for _, r := range groups[1].Runs {
		ids = append(ids, r.JobID)
	}
	assert.Equal(t, []string{"5", "3", "1"}, ids, "newest first")
	assert.Equal(t, "shopify-access-scope", groups[2].Label)
	assert.Empty(t, diagnostics.GroupBySignature(nil))
}

// BenchmarkMatchFailure is the cost of explaining one failed run against the built-in catalogue, for a
// text no entry knows (every pattern is tried).
func BenchmarkMatchFailure(b *testing.B) {
	sigs := diagnostics.DefaultSignatures()
	f := jr("Error while pushing preorder catalog to Shopify for shop 10002: " + strings.Repeat("something unexpected happened; ", 20))
	b.ReportAllocs()
	for b.Loop() {
		if _, ok := sigs.Match(f); ok {
			b.Fatal("matched")
		}
	}
}
