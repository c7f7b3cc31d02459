package workspace

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestBlocks(t *testing.T) {
	names := Names{Users: map[string]string{"U0ANA": "ana"}, Location: time.UTC}
	tests := []struct {
		name   string
		blocks string
		want   string
	}{
		{"empty", `null`, ``},
		{"header", `[{"type":"header","text":{"type":"plain_text","text":"❌ HW-1 <b>"}}]`,
			`<div class="b-header">❌ HW-1 &lt;b&gt;</div>`},
		{"section with fields",
			`[{"type":"section","text":{"type":"mrkdwn","text":"*Cause*"},"fields":[{"type":"mrkdwn","text":"_a_"},{"type":"plain_text","text":"b\nc"}]}]`,
			`<div class="b-section"><div class="b-section-body"><div class="b-text"><b>Cause</b></div>` +
				`<div class="b-fields"><div class="b-field"><i>a</i></div><div class="b-field">b<br>c</div></div></div></div>`},
		{"context and divider",
			`[{"type":"context","elements":[{"type":"mrkdwn","text":"Asked by <@U0ANA>"}]},{"type":"divider"}]`,
			`<div class="b-context"><span>Asked by <span class="md-mention">@ana</span></span></div><hr class="b-divider">`},
		{"buttons with styles and confirm",
			`[{"type":"actions","elements":[
				{"type":"button","text":{"type":"plain_text","text":"Link"},"style":"primary","action_id":"a"},
				{"type":"button","text":{"type":"plain_text","text":"Run \"now\""},"style":"danger","action_id":"b",
				 "confirm":{"title":{"type":"plain_text","text":"Run?"},"text":{"type":"mrkdwn","text":"*Sure*"},
				            "confirm":{"type":"plain_text","text":"Run now"},"deny":{"type":"plain_text","text":"Cancel"}}}]}]`,
			`<div class="b-actions"><button type="button" class="btn btn-primary" data-button="Link">Link</button>` +
				`<button type="button" class="btn btn-danger" data-button="Run &#34;now&#34;" data-confirm-title="Run?" ` +
				`data-confirm-text="&lt;b&gt;Sure&lt;/b&gt;" data-confirm-yes="Run now" data-confirm-no="Cancel" data-confirm-style="">` +
				`Run &#34;now&#34;</button></div>`},
		{"section accessory button",
			`[{"type":"section","text":{"type":"plain_text","text":"x"},"accessory":{"type":"button","text":{"type":"plain_text","text":"Go"},"url":"javascript:alert(1)"}}]`,
			`<div class="b-section"><div class="b-section-body"><div class="b-text">x</div></div>` +
				`<div class="b-accessory"><button type="button" class="btn" data-button="Go">Go</button></div></div>`},
		{"unknown block", `[{"type":"video"}]`, `<div class="b-unknown">[video block]</div>`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Blocks(json.RawMessage(tt.blocks), names)
			require.NoError(t, err)
			assert.Equal(t, tt.want, got)
		})
	}
}

func TestBlocksRejectsMalformedJSON(t *testing.T) {
	_, err := Blocks(json.RawMessage(`{"type":"header"}`), Names{})
	assert.Error(t, err)
}

func TestInputBlocks(t *testing.T) {
	tests := []struct {
		name  string
		block string
		want  string
	}{
		{"plain text input",
			`{"type":"input","block_id":"variant","label":{"type":"plain_text","text":"Variant id"},"hint":{"type":"plain_text","text":"From Shopify"},
			  "element":{"type":"plain_text_input","action_id":"variant_input","placeholder":{"type":"plain_text","text":"e.g. 1"}}}`,
			`<div class="b-input" data-block="variant"><label class="b-label">Variant id</label>` +
				`<input type="text" class="in" data-input data-block="variant" data-action="variant_input" data-type="plain_text_input" placeholder="e.g. 1" value="">` +
				`<div class="b-hint">From Shopify</div><div class="b-error" data-error-for="variant"></div></div>`},
		{"optional multiline",
			`{"type":"input","block_id":"note","optional":true,"label":{"type":"plain_text","text":"Note"},
			  "element":{"type":"plain_text_input","action_id":"n","multiline":true,"max_length":2000,"initial_value":"</textarea><b>"}}`,
			`<div class="b-input" data-block="note"><label class="b-label">Note <span class="b-optional">(optional)</span></label>` +
				`<textarea rows="4" class="in" data-input data-block="note" data-action="n" data-type="plain_text_input" maxlength="2000">&lt;/textarea&gt;&lt;b&gt;</textarea>` +
				`<div class="b-error" data-error-for="note"></div></div>`},
		{"static select with initial option",
			`{"type":"input","block_id":"shop","label":{"type":"plain_text","text":"Shop"},
			  "element":{"type":"static_select","action_id":"s","options":[{"text":{"type":"plain_text","text":"Acme CA"},"value":"10001"},{"text":{"type":"plain_text","text":"Acme UK"},"value":"10002"}],
			             "initial_option":{"text":{"type":"plain_text","text":"Acme UK"},"value":"10002"}}}`,
			`<div class="b-input" data-block="shop"><label class="b-label">Shop</label>` +
				`<select class="in" data-input data-block="shop" data-action="s" data-type="static_select"><option value="">Choose…</option>` +
				`<option value="10001">Acme CA</option><option value="10002" selected>Acme UK</option></select>` +
				`<div class="b-error" data-error-for="shop"></div></div>`},
		{"number, date, time and datetime pickers",
			`{"type":"input","block_id":"n","label":{"type":"plain_text","text":"Limit"},"element":{"type":"number_input","action_id":"l","min_value":"1","initial_value":"100"}}`,
			`<div class="b-input" data-block="n"><label class="b-label">Limit</label>` +
				`<input type="number" class="in" data-input data-block="n" data-action="l" data-type="number_input" step="1" min="1" value="100">` +
				`<div class="b-error" data-error-for="n"></div></div>`},
		{"datetimepicker carries its initial time for the page",
			`{"type":"input","block_id":"first","label":{"type":"plain_text","text":"First run"},"element":{"type":"datetimepicker","action_id":"f","initial_date_time":1700000000}}`,
			`<div class="b-input" data-block="first"><label class="b-label">First run</label>` +
				`<input type="datetime-local" class="in" data-input data-block="first" data-action="f" data-type="datetimepicker" data-initial="1700000000">` +
				`<div class="b-error" data-error-for="first"></div></div>`},
		{"datepicker and timepicker",
			`{"type":"input","block_id":"d","label":{"type":"plain_text","text":"Day"},"element":{"type":"datepicker","action_id":"d","initial_date":"2026-01-02"}}`,
			`<div class="b-input" data-block="d"><label class="b-label">Day</label>` +
				`<input type="date" class="in" data-input data-block="d" data-action="d" data-type="datepicker" value="2026-01-02">` +
				`<div class="b-error" data-error-for="d"></div></div>`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Blocks(json.RawMessage("["+tt.block+"]"), Names{})
			require.NoError(t, err)
			assert.Equal(t, tt.want, got)
		})
	}
}
