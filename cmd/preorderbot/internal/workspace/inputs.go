package workspace

import (
	"html"
	"strconv"
	"strings"
)

// renderInput writes an input block as a labelled form control. The control's data-block and data-action
// are the keys of view_submission's state.values; data-type tells the page how to read its value (a
// datetimepicker is sent as Unix seconds). The empty data-error-for element receives the bot's inline error
// for the block.
func renderInput(b *strings.Builder, bl block, n Names) {
	id := html.EscapeString(bl.BlockID)
	b.WriteString(`<div class="b-input" data-block="` + id + `">`)
	b.WriteString(`<label class="b-label">` + plainText(bl.Label))
	if bl.Optional {
		b.WriteString(` <span class="b-optional">(optional)</span>`)
	}
	b.WriteString(`</label>`)
	if bl.Element != nil {
		renderControl(b, bl.BlockID, *bl.Element)
	}
	if bl.Hint != nil {
		b.WriteString(`<div class="b-hint">` + text(bl.Hint, n) + `</div>`)
	}
	b.WriteString(`<div class="b-error" data-error-for="` + id + `"></div>`)
	b.WriteString(`</div>`)
}

func renderControl(b *strings.Builder, blockID string, el element) {
	attrs := ` class="in" data-input data-block="` + html.EscapeString(blockID) + `" data-action="` +
		html.EscapeString(el.ActionID) + `" data-type="` + html.EscapeString(el.Type) + `"`
	placeholder := ""
	if el.Placeholder != nil {
		placeholder = ` placeholder="` + html.EscapeString(el.Placeholder.Text) + `"`
	}
	switch el.Type {
	case "plain_text_input":
		maxLen := ""
		if el.MaxLength > 0 {
			maxLen = ` maxlength="` + strconv.Itoa(el.MaxLength) + `"`
		}
		if el.Multiline {
			b.WriteString(`<textarea rows="4"` + attrs + placeholder + maxLen + `>` + html.EscapeString(el.InitialValue) + `</textarea>`)
			return
		}
		b.WriteString(`<input type="text"` + attrs + placeholder + maxLen + ` value="` + html.EscapeString(el.InitialValue) + `">`)
	case "number_input":
		step := ` step="1"`
		if el.IsDecimal {
			step = ` step="any"`
		}
		b.WriteString(`<input type="number"` + attrs + placeholder + step + bound("min", el.MinValue) + bound("max", el.MaxValue) +
			` value="` + html.EscapeString(el.InitialValue) + `">`)
	case "static_select":
		renderSelect(b, attrs, el)
	case "datepicker":
		b.WriteString(`<input type="date"` + attrs + ` value="` + html.EscapeString(el.InitialDate) + `">`)
	case "timepicker":
		b.WriteString(`<input type="time"` + attrs + ` value="` + html.EscapeString(el.InitialTime) + `">`)
	case "datetimepicker":
		initial := ""
		if el.InitialDateTime > 0 {
			initial = strconv.FormatInt(el.InitialDateTime, 10)
		}
		b.WriteString(`<input type="datetime-local"` + attrs + ` data-initial="` + initial + `">`)
	default:
		b.WriteString(`<div class="b-unknown">[` + html.EscapeString(el.Type) + ` input]</div>`)
	}
}

func bound(name, v string) string {
	if v == "" {
		return ""
	}
	return " " + name + `="` + html.EscapeString(v) + `"`
}

func renderSelect(b *strings.Builder, attrs string, el element) {
	selected := ""
	if el.InitialOption != nil {
		selected = el.InitialOption.Value
	}
	b.WriteString(`<select` + attrs + `>`)
	prompt := "Choose…"
	if el.Placeholder != nil {
		prompt = el.Placeholder.Text
	}
	b.WriteString(`<option value="">` + html.EscapeString(prompt) + `</option>`)
	writeOptions := func(opts []option) {
		for _, o := range opts {
			sel := ""
			if o.Value == selected {
				sel = " selected"
			}
			b.WriteString(`<option value="` + html.EscapeString(o.Value) + `"` + sel + `>` + html.EscapeString(o.Text.Text) + `</option>`)
		}
	}
	writeOptions(el.Options)
	for _, g := range el.OptionGroups {
		b.WriteString(`<optgroup label="` + html.EscapeString(g.Label.Text) + `">`)
		writeOptions(g.Options)
		b.WriteString(`</optgroup>`)
	}
	b.WriteString(`</select>`)
}
