package workspace

import (
	"cmp"
	"encoding/json"
	"fmt"
	"html"
	"strings"
)

// textObject is a Block Kit text object, plain_text or mrkdwn.
type textObject struct {
	Type  string `json:"type"`
	Text  string `json:"text"`
	Emoji bool   `json:"emoji"`
}

// element is any Block Kit element; only the fields the page shows are decoded.
type element struct {
	Type            string        `json:"type"`
	ActionID        string        `json:"action_id"`
	Text            *textObject   `json:"text"`
	Value           string        `json:"value"`
	URL             string        `json:"url"`
	Style           string        `json:"style"`
	Confirm         *confirm      `json:"confirm"`
	Placeholder     *textObject   `json:"placeholder"`
	Options         []option      `json:"options"`
	OptionGroups    []optionGroup `json:"option_groups"`
	InitialOption   *option       `json:"initial_option"`
	InitialValue    string        `json:"initial_value"`
	InitialDate     string        `json:"initial_date"`
	InitialTime     string        `json:"initial_time"`
	InitialDateTime int64         `json:"initial_date_time"`
	Multiline       bool          `json:"multiline"`
	MaxLength       int           `json:"max_length"`
	IsDecimal       bool          `json:"is_decimal_allowed"`
	MinValue        string        `json:"min_value"`
	MaxValue        string        `json:"max_value"`
	ImageURL        string        `json:"image_url"`
	AltText         string        `json:"alt_text"`
}

// contextElement is a context block's element: a text object (whose "text" is a string) or an image.
type contextElement struct {
	Type     string `json:"type"`
	Text     string `json:"text"`
	ImageURL string `json:"image_url"`
	AltText  string `json:"alt_text"`
}

type option struct {
	Text  textObject `json:"text"`
	Value string     `json:"value"`
}

type optionGroup struct {
	Label   textObject `json:"label"`
	Options []option   `json:"options"`
}

type confirm struct {
	Title   *textObject `json:"title"`
	Text    *textObject `json:"text"`
	Confirm *textObject `json:"confirm"`
	Deny    *textObject `json:"deny"`
	Style   string      `json:"style"`
}

// block is any Block Kit layout block.
type block struct {
	Type      string          `json:"type"`
	BlockID   string          `json:"block_id"`
	Text      *textObject     `json:"text"`
	Fields    []textObject    `json:"fields"`
	Accessory *element        `json:"accessory"`
	Elements  json.RawMessage `json:"elements"` // []element, or []contextElement in a context block
	Label     *textObject     `json:"label"`
	Hint      *textObject     `json:"hint"`
	Element   *element        `json:"element"`
	Optional  bool            `json:"optional"`
	ImageURL  string          `json:"image_url"`
	AltText   string          `json:"alt_text"`
	Title     *textObject     `json:"title"`
}

// Blocks renders a Block Kit block list as HTML. Buttons carry data-button (their label, which is how the
// simulated Slack finds them) and, when they ask for one, the confirm dialog's texts; input blocks become
// form controls named by block and action id. An unknown block type renders as a small note rather than
// failing the whole message.
func Blocks(raw json.RawMessage, n Names) (string, error) {
	if len(raw) == 0 || string(raw) == "null" {
		return "", nil
	}
	var list []block
	if err := json.Unmarshal(raw, &list); err != nil {
		return "", fmt.Errorf("decode blocks: %w", err)
	}
	var b strings.Builder
	for _, bl := range list {
		renderBlock(&b, bl, n)
	}
	return b.String(), nil
}

func renderBlock(b *strings.Builder, bl block, n Names) {
	switch bl.Type {
	case "header":
		b.WriteString(`<div class="b-header">` + text(bl.Text, n) + `</div>`)
	case "section":
		b.WriteString(`<div class="b-section">`)
		b.WriteString(`<div class="b-section-body">`)
		if bl.Text != nil {
			b.WriteString(`<div class="b-text">` + text(bl.Text, n) + `</div>`)
		}
		if len(bl.Fields) > 0 {
			b.WriteString(`<div class="b-fields">`)
			for i := range bl.Fields {
				b.WriteString(`<div class="b-field">` + text(&bl.Fields[i], n) + `</div>`)
			}
			b.WriteString(`</div>`)
		}
		b.WriteString(`</div>`)
		if bl.Accessory != nil {
			b.WriteString(`<div class="b-accessory">`)
			renderElement(b, *bl.Accessory, n)
			b.WriteString(`</div>`)
		}
		b.WriteString(`</div>`)
	case "context":
		var els []contextElement
		_ = json.Unmarshal(bl.Elements, &els)
		b.WriteString(`<div class="b-context">`)
		for _, el := range els {
			if el.Type == "image" {
				renderElement(b, element{Type: el.Type, ImageURL: el.ImageURL, AltText: el.AltText}, n)
				continue
			}
			b.WriteString(`<span>` + text(&textObject{Type: el.Type, Text: el.Text}, n) + `</span>`)
		}
		b.WriteString(`</div>`)
	case "divider":
		b.WriteString(`<hr class="b-divider">`)
	case "actions":
		var els []element
		_ = json.Unmarshal(bl.Elements, &els)
		b.WriteString(`<div class="b-actions">`)
		for _, el := range els {
			renderElement(b, el, n)
		}
		b.WriteString(`</div>`)
	case "input":
		renderInput(b, bl, n)
	case "image":
		if safeURL(bl.ImageURL) {
			b.WriteString(`<img class="b-image" src="` + html.EscapeString(bl.ImageURL) + `" alt="` + html.EscapeString(bl.AltText) + `">`)
		}
	default:
		b.WriteString(`<div class="b-unknown">[` + html.EscapeString(bl.Type) + ` block]</div>`)
	}
}

// text renders a text object: mrkdwn through Mrkdwn, plain_text escaped with its line breaks kept.
func text(t *textObject, n Names) string {
	if t == nil {
		return ""
	}
	if t.Type == "mrkdwn" {
		return Mrkdwn(t.Text, n)
	}
	return strings.ReplaceAll(html.EscapeString(t.Text), "\n", "<br>")
}

func plainText(t *textObject) string {
	if t == nil {
		return ""
	}
	return html.EscapeString(t.Text)
}

func renderElement(b *strings.Builder, el element, n Names) {
	switch el.Type {
	case "button":
		renderButton(b, el, n)
	case "image":
		if safeURL(el.ImageURL) {
			b.WriteString(`<img class="b-ctx-image" src="` + html.EscapeString(el.ImageURL) + `" alt="` + html.EscapeString(el.AltText) + `">`)
		}
	default:
		b.WriteString(`<span class="b-unknown">[` + html.EscapeString(el.Type) + `]</span>`)
	}
}

// renderButton writes a button; its label is the key the simulated Slack uses to press it.
func renderButton(b *strings.Builder, el element, n Names) {
	label := ""
	if el.Text != nil {
		label = el.Text.Text
	}
	class := "btn"
	switch el.Style {
	case "primary":
		class += " btn-primary"
	case "danger":
		class += " btn-danger"
	}
	b.WriteString(`<button type="button" class="` + class + `" data-button="` + html.EscapeString(label) + `"`)
	if el.URL != "" && safeURL(el.URL) {
		b.WriteString(` data-url="` + html.EscapeString(el.URL) + `"`)
	}
	if c := el.Confirm; c != nil {
		b.WriteString(` data-confirm-title="` + plainText(c.Title) + `"`)
		b.WriteString(` data-confirm-text="` + html.EscapeString(text(c.Text, n)) + `"`)
		b.WriteString(` data-confirm-yes="` + html.EscapeString(cmp.Or(rawText(c.Confirm), "Yes")) + `"`)
		b.WriteString(` data-confirm-no="` + html.EscapeString(cmp.Or(rawText(c.Deny), "Cancel")) + `"`)
		b.WriteString(` data-confirm-style="` + html.EscapeString(c.Style) + `"`)
	}
	b.WriteString(`>` + html.EscapeString(label) + `</button>`)
}

func rawText(t *textObject) string {
	if t == nil {
		return ""
	}
	return t.Text
}
