package slacktest

import (
	"encoding/json"
	"errors"
	"fmt"
	"unicode/utf8"

	"github.com/slack-go/slack"
)

// Surface is where blocks are shown; it decides the block-count limit.
type Surface string

// Surfaces accepted by ValidateBlocks.
const (
	SurfaceMessage Surface = "message"
	SurfaceModal   Surface = "modal"
)

// ErrInvalidBlocks is matched (errors.Is) by every block-limit violation.
var ErrInvalidBlocks = errors.New("invalid_blocks")

// LimitError says which field broke which Slack limit.
type LimitError struct {
	Path   string // e.g. "blocks[3].elements[0].text"
	Reason string // e.g. "more than 75 characters"
}

func (e *LimitError) Error() string { return fmt.Sprintf("invalid_blocks: %s: %s", e.Path, e.Reason) }

// Is makes errors.Is(err, ErrInvalidBlocks) true.
func (e *LimitError) Is(target error) bool { return target == ErrInvalidBlocks }

// Block Kit limits.
const (
	maxMessageBlocks   = 50
	maxModalBlocks     = 100
	maxSectionText     = 3000
	maxFields          = 10
	maxFieldText       = 2000
	maxHeaderText      = 150
	maxID              = 255
	maxButtonText      = 75
	maxButtonValue     = 2000
	maxURL             = 3000
	maxAccessibility   = 75
	maxActionsElements = 25
	maxContextElements = 10
	maxOptionText      = 75
	maxOptionValue     = 150
	maxOptions         = 100
	maxOverflowOptions = 5
	maxPlaceholder     = 150
	maxConfirmTitle    = 100
	maxConfirmText     = 300
	maxConfirmButton   = 30
	maxInputLabel      = 2000
	maxImageText       = 2000
	maxMarkdownTotal   = 12000
	maxViewText        = 24
	maxPrivateMetadata = 3000
)

// ValidateBlocks checks blocks against Slack's Block Kit limits for the surface, returning a
// *LimitError (matching ErrInvalidBlocks) for the first violation. blocks may be []slack.Block,
// slack.Blocks, or their JSON as json.RawMessage, []byte or string.
func ValidateBlocks(blocks any, surface Surface) error {
	list, err := decodeBlockList(blocks)
	if err != nil {
		return err
	}
	limit := maxMessageBlocks
	if surface == SurfaceModal {
		limit = maxModalBlocks
	}
	if len(list) > limit {
		return &LimitError{Path: "blocks", Reason: fmt.Sprintf("%d blocks, more than %d per %s", len(list), limit, surface)}
	}
	v := validator{blockIDs: map[string]bool{}}
	for i, b := range list {
		if err := v.block(fmt.Sprintf("blocks[%d]", i), b); err != nil {
			return err
		}
	}
	return nil
}

// ValidateView checks a modal view (as sent to views.open/update/push): its blocks and its
// title, submit, close, private_metadata, callback_id and external_id limits.
func ValidateView(view any) error {
	raw, err := toJSON(view)
	if err != nil {
		return err
	}
	var v map[string]any
	if err := json.Unmarshal(raw, &v); err != nil {
		return &LimitError{Path: "view", Reason: "not a JSON object"}
	}
	if v["type"] != "modal" && v["type"] != "home" {
		return &LimitError{Path: "view.type", Reason: "must be modal or home"}
	}
	if v["type"] == "modal" {
		if _, ok := v["title"]; !ok {
			return &LimitError{Path: "view.title", Reason: "required"}
		}
	}
	for _, key := range []string{"title", "submit", "close"} {
		if err := textObject("view."+key, v[key], maxViewText, true); err != nil {
			return err
		}
	}
	if err := maxLen("view.private_metadata", v["private_metadata"], maxPrivateMetadata); err != nil {
		return err
	}
	for _, key := range []string{"callback_id", "external_id"} {
		if err := maxLen("view."+key, v[key], maxID); err != nil {
			return err
		}
	}
	blocks, _ := v["blocks"].([]any)
	if err := ValidateBlocks(blocks, SurfaceModal); err != nil {
		return err
	}
	if _, hasSubmit := v["submit"]; !hasSubmit && v["type"] == "modal" {
		for i, b := range blocks {
			if m, _ := b.(map[string]any); m["type"] == "input" {
				return &LimitError{Path: fmt.Sprintf("view.blocks[%d]", i), Reason: "input block in a modal without submit"}
			}
		}
	}
	return nil
}

func toJSON(x any) ([]byte, error) {
	switch v := x.(type) {
	case json.RawMessage:
		return v, nil
	case []byte:
		return v, nil
	case string:
		return []byte(v), nil
	case slack.Blocks:
		return json.Marshal(v.BlockSet)
	}
	b, err := json.Marshal(x)
	if err != nil {
		return nil, fmt.Errorf("encode blocks: %w", err)
	}
	return b, nil
}

func decodeBlockList(blocks any) ([]map[string]any, error) {
	raw, err := toJSON(blocks)
	if err != nil {
		return nil, err
	}
	if string(raw) == "null" {
		return nil, nil
	}
	var list []map[string]any
	if err := json.Unmarshal(raw, &list); err != nil {
		return nil, &LimitError{Path: "blocks", Reason: "not a JSON array of objects"}
	}
	return list, nil
}

type validator struct {
	blockIDs      map[string]bool
	markdownTotal int
}

func (v *validator) block(path string, b map[string]any) error {
	if err := maxLen(path+".block_id", b["block_id"], maxID); err != nil {
		return err
	}
	if id, ok := b["block_id"].(string); ok && id != "" {
		if v.blockIDs[id] {
			return &LimitError{Path: path + ".block_id", Reason: fmt.Sprintf("duplicate block_id %q", id)}
		}
		v.blockIDs[id] = true
	}
	actionIDs := map[string]bool{}
	switch b["type"] {
	case "section":
		return v.section(path, b, actionIDs)
	case "header":
		return textObject(path+".text", b["text"], maxHeaderText, true)
	case "context":
		return v.elements(path, b, maxContextElements, actionIDs)
	case "actions":
		return v.elements(path, b, maxActionsElements, actionIDs)
	case "input":
		if err := textObject(path+".label", b["label"], maxInputLabel, true); err != nil {
			return err
		}
		if err := textObject(path+".hint", b["hint"], maxInputLabel, true); err != nil {
			return err
		}
		if el, ok := b["element"].(map[string]any); ok {
			return element(path+".element", el, actionIDs)
		}
		return &LimitError{Path: path + ".element", Reason: "required"}
	case "image":
		return imageLimits(path, b)
	case "markdown":
		text, _ := b["text"].(string)
		v.markdownTotal += utf8.RuneCountInString(text)
		if v.markdownTotal > maxMarkdownTotal {
			return &LimitError{Path: path + ".text", Reason: fmt.Sprintf("markdown blocks exceed %d characters in total", maxMarkdownTotal)}
		}
	}
	return nil
}

func (v *validator) section(path string, b map[string]any, actionIDs map[string]bool) error {
	text, hasText := b["text"]
	fields, _ := b["fields"].([]any)
	if !hasText && len(fields) == 0 {
		return &LimitError{Path: path, Reason: "section needs text or fields"}
	}
	if hasText {
		if err := textObject(path+".text", text, maxSectionText, false); err != nil {
			return err
		}
		if t, _ := text.(map[string]any); t != nil && t["text"] == "" {
			return &LimitError{Path: path + ".text.text", Reason: "empty"}
		}
	}
	if len(fields) > maxFields {
		return &LimitError{Path: path + ".fields", Reason: fmt.Sprintf("%d fields, more than %d", len(fields), maxFields)}
	}
	for i, f := range fields {
		if err := textObject(fmt.Sprintf("%s.fields[%d]", path, i), f, maxFieldText, false); err != nil {
			return err
		}
	}
	if acc, ok := b["accessory"].(map[string]any); ok {
		return element(path+".accessory", acc, actionIDs)
	}
	return nil
}

func (v *validator) elements(path string, b map[string]any, limit int, actionIDs map[string]bool) error {
	els, _ := b["elements"].([]any)
	if len(els) == 0 {
		return &LimitError{Path: path + ".elements", Reason: "empty"}
	}
	if len(els) > limit {
		return &LimitError{Path: path + ".elements", Reason: fmt.Sprintf("%d elements, more than %d", len(els), limit)}
	}
	for i, e := range els {
		el, _ := e.(map[string]any)
		p := fmt.Sprintf("%s.elements[%d]", path, i)
		switch el["type"] {
		case "plain_text", "mrkdwn":
			if err := textObject(p, el, maxSectionText, false); err != nil {
				return err
			}
		case "image":
			if err := imageLimits(p, el); err != nil {
				return err
			}
		default:
			if err := element(p, el, actionIDs); err != nil {
				return err
			}
		}
	}
	return nil
}

// normalizeBlocks gives every block a block_id and every interactive element an action_id,
// as Slack does when storing a message; without block_id slack-go mis-files block actions.
func normalizeBlocks(raw json.RawMessage) (json.RawMessage, error) {
	list, err := decodeBlockList(raw)
	if err != nil {
		return nil, err
	}
	for i, b := range list {
		if id, _ := b["block_id"].(string); id == "" {
			b["block_id"] = fmt.Sprintf("blk%02d", i)
		}
		for j, el := range blockElements(b) {
			switch el["type"] {
			case "plain_text", "mrkdwn", "image":
				continue
			}
			if id, _ := el["action_id"].(string); id == "" {
				el["action_id"] = fmt.Sprintf("%s-act%d", b["block_id"], j)
			}
		}
	}
	out, err := json.Marshal(list)
	if err != nil {
		return nil, fmt.Errorf("encode blocks: %w", err)
	}
	return out, nil
}

// blockElements returns the interactive-capable elements of a block.
func blockElements(b map[string]any) []map[string]any {
	var out []map[string]any
	switch b["type"] {
	case "actions", "context":
		els, _ := b["elements"].([]any)
		for _, e := range els {
			if m, ok := e.(map[string]any); ok {
				out = append(out, m)
			}
		}
	case "section":
		if m, ok := b["accessory"].(map[string]any); ok {
			out = append(out, m)
		}
	case "input":
		if m, ok := b["element"].(map[string]any); ok {
			out = append(out, m)
		}
	}
	return out
}
