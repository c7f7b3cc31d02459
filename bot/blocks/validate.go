package blocks

import (
	"encoding/json"
	"errors"
	"fmt"
	"unicode/utf8"

	"github.com/slack-go/slack"
)

// validateMessage reports every Block Kit limit a message breaks. Slack would reject such a message whole
// (invalid_blocks, msg_too_long), so tests run it on every rendering.
func validateMessage(m Message) error {
	v := &validator{}
	v.max("fallback text", m.Text, maxFallbackText)
	if len(m.Blocks) > maxMessageBlocks {
		v.errorf("%d blocks in a message, limit %d", len(m.Blocks), maxMessageBlocks)
	}
	v.blocks(m.Blocks)
	return v.err()
}

// validateModal reports every limit a modal view breaks (views.open answers invalid_arguments otherwise).
func validateModal(m slack.ModalViewRequest) error {
	v := &validator{}
	if len(m.Blocks.BlockSet) > maxModalBlocks {
		v.errorf("%d blocks in a modal, limit %d", len(m.Blocks.BlockSet), maxModalBlocks)
	}
	v.plain("modal title", m.Title, maxModalTitle, true)
	v.plain("modal submit", m.Submit, maxModalTitle, false)
	v.plain("modal close", m.Close, maxModalTitle, false)
	v.max("private_metadata", m.PrivateMetadata, maxPrivateMetadata)
	v.max("callback_id", m.CallbackID, maxID)
	v.blocks(m.Blocks.BlockSet)
	if b, err := json.Marshal(m); err != nil {
		v.errorf("marshal view: %w", err)
	} else if len(b) > maxViewBytes {
		v.errorf("view is %d bytes, limit %d (view_too_large)", len(b), maxViewBytes)
	}
	return v.err()
}

type validator struct {
	errs []error
}

func (v *validator) errorf(format string, args ...any) {
	v.errs = append(v.errs, fmt.Errorf(format, args...))
}

func (v *validator) err() error { return errors.Join(v.errs...) }

// max checks a string's length in characters.
func (v *validator) max(what, s string, limit int) {
	if n := utf8.RuneCountInString(s); n > limit {
		v.errorf("%s is %d chars, limit %d", what, n, limit)
	}
}

// text checks a text object: present when required, not empty, within limit.
func (v *validator) text(what string, t *slack.TextBlockObject, limit int, required bool) {
	if t == nil {
		if required {
			v.errorf("%s missing", what)
		}
		return
	}
	if t.Text == "" {
		v.errorf("%s is empty", what)
	}
	v.max(what, t.Text, limit)
}

// plain checks a text object that Slack accepts only as plain_text.
func (v *validator) plain(what string, t *slack.TextBlockObject, limit int, required bool) {
	v.text(what, t, limit, required)
	if t != nil && t.Type != slack.PlainTextType {
		v.errorf("%s must be plain_text, is %s", what, t.Type)
	}
}

func (v *validator) blocks(bs []slack.Block) {
	seen := map[string]bool{}
	for i, b := range bs {
		if id := blockID(b); id != "" {
			if seen[id] {
				v.errorf("block %d: duplicate block_id %q", i, id)
			}
			seen[id] = true
			v.max(fmt.Sprintf("block %d block_id", i), id, maxID)
		}
		v.block(i, b)
	}
}

func (v *validator) block(i int, b slack.Block) {
	where := fmt.Sprintf("block %d (%s)", i, b.BlockType())
	switch b := b.(type) {
	case *slack.HeaderBlock:
		v.plain(where+" text", b.Text, maxHeaderText, true)
	case *slack.SectionBlock:
		if b.Text == nil && len(b.Fields) == 0 {
			v.errorf("%s has neither text nor fields", where)
		}
		v.text(where+" text", b.Text, maxSectionText, false)
		if len(b.Fields) > maxFields {
			v.errorf("%s has %d fields, limit %d", where, len(b.Fields), maxFields)
		}
		for j, f := range b.Fields {
			v.text(fmt.Sprintf("%s field %d", where, j), f, maxFieldText, true)
		}
		if b.Accessory != nil && b.Accessory.ButtonElement != nil {
			v.button(where+" accessory", b.Accessory.ButtonElement)
		}
	case *slack.ContextBlock:
		els := b.ContextElements.Elements
		if len(els) == 0 || len(els) > maxContextElements {
			v.errorf("%s has %d elements, want 1..%d", where, len(els), maxContextElements)
		}
		for j, e := range els {
			if t, ok := e.(*slack.TextBlockObject); ok {
				v.text(fmt.Sprintf("%s element %d", where, j), t, maxContextText, true)
			}
		}
	case *slack.ActionBlock:
		v.actions(where, b)
	case *slack.InputBlock:
		v.plain(where+" label", b.Label, maxInputLabel, true)
		v.plain(where+" hint", b.Hint, maxInputLabel, false)
		v.element(where+" element", b.Element)
	case *slack.DividerBlock:
	default:
		v.errorf("%s: block type not checked by the validator", where)
	}
}

func (v *validator) actions(where string, b *slack.ActionBlock) {
	if b.Elements == nil || len(b.Elements.ElementSet) == 0 {
		v.errorf("%s has no elements", where)
		return
	}
	if n := len(b.Elements.ElementSet); n > maxActionElements {
		v.errorf("%s has %d elements, limit %d", where, n, maxActionElements)
	}
	ids := map[string]bool{}
	for j, e := range b.Elements.ElementSet {
		w := fmt.Sprintf("%s element %d", where, j)
		id := actionID(e)
		if ids[id] {
			v.errorf("%s: duplicate action_id %q", w, id)
		}
		ids[id] = true
		v.element(w, e)
	}
}

func (v *validator) element(where string, e slack.BlockElement) {
	v.max(where+" action_id", actionID(e), maxID)
	switch e := e.(type) {
	case *slack.ButtonBlockElement:
		v.button(where, e)
	case *slack.SelectBlockElement:
		v.plain(where+" placeholder", e.Placeholder, maxPlaceholderText, false)
		if len(e.Options) == 0 || len(e.Options) > maxOptions {
			v.errorf("%s has %d options, want 1..%d", where, len(e.Options), maxOptions)
		}
		for j, o := range e.Options {
			v.option(fmt.Sprintf("%s option %d", where, j), o)
		}
		if e.InitialOption != nil {
			v.option(where+" initial option", e.InitialOption)
		}
	case *slack.PlainTextInputBlockElement:
		v.plain(where+" placeholder", e.Placeholder, maxPlaceholderText, false)
	case *slack.NumberInputBlockElement:
		v.plain(where+" placeholder", e.Placeholder, maxPlaceholderText, false)
	case *slack.DateTimePickerBlockElement:
	default:
		v.errorf("%s: element type %s not checked by the validator", where, e.ElementType())
	}
}

func (v *validator) button(where string, b *slack.ButtonBlockElement) {
	v.plain(where+" text", b.Text, maxButtonText, true)
	v.max(where+" value", b.Value, maxButtonValue)
	v.max(where+" url", b.URL, 3000)
	if c := b.Confirm; c != nil {
		v.plain(where+" confirm title", c.Title, maxConfirmTitle, true)
		v.text(where+" confirm text", c.Text, maxConfirmText, true)
		v.plain(where+" confirm button", c.Confirm, maxConfirmButton, true)
		v.plain(where+" confirm deny", c.Deny, maxConfirmButton, false)
	}
}

func (v *validator) option(where string, o *slack.OptionBlockObject) {
	v.text(where+" text", o.Text, maxOptionText, true)
	v.max(where+" value", o.Value, maxOptionValue)
}

// blockID returns the block_id of the block types this package renders.
func blockID(b slack.Block) string {
	switch b := b.(type) {
	case *slack.HeaderBlock:
		return b.BlockID
	case *slack.SectionBlock:
		return b.BlockID
	case *slack.ContextBlock:
		return b.BlockID
	case *slack.ActionBlock:
		return b.BlockID
	case *slack.InputBlock:
		return b.BlockID
	case *slack.DividerBlock:
		return b.BlockID
	}
	return ""
}

// actionID returns the action_id of the element types this package renders.
func actionID(e slack.BlockElement) string {
	switch e := e.(type) {
	case *slack.ButtonBlockElement:
		return e.ActionID
	case *slack.SelectBlockElement:
		return e.ActionID
	case *slack.PlainTextInputBlockElement:
		return e.ActionID
	case *slack.NumberInputBlockElement:
		return e.ActionID
	case *slack.DateTimePickerBlockElement:
		return e.ActionID
	}
	return ""
}
