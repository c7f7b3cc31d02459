package slacktest

import (
	"fmt"
	"unicode/utf8"
)

func imageLimits(path string, b map[string]any) error {
	if err := maxLen(path+".alt_text", b["alt_text"], maxImageText); err != nil {
		return err
	}
	if err := maxLen(path+".image_url", b["image_url"], maxURL); err != nil {
		return err
	}
	return textObject(path+".title", b["title"], maxImageText, true)
}

// element checks an interactive element: ids, button, select and overflow limits, confirm dialogs.
func element(path string, el map[string]any, actionIDs map[string]bool) error {
	if err := maxLen(path+".action_id", el["action_id"], maxID); err != nil {
		return err
	}
	if id, ok := el["action_id"].(string); ok && id != "" {
		if actionIDs[id] {
			return &LimitError{Path: path + ".action_id", Reason: fmt.Sprintf("duplicate action_id %q in block", id)}
		}
		actionIDs[id] = true
	}
	if err := textObject(path+".placeholder", el["placeholder"], maxPlaceholder, true); err != nil {
		return err
	}
	switch el["type"] {
	case "button":
		if err := textObject(path+".text", el["text"], maxButtonText, true); err != nil {
			return err
		}
		if _, ok := el["text"]; !ok {
			return &LimitError{Path: path + ".text", Reason: "required"}
		}
		if err := maxLen(path+".value", el["value"], maxButtonValue); err != nil {
			return err
		}
		if err := maxLen(path+".url", el["url"], maxURL); err != nil {
			return err
		}
		if err := maxLen(path+".accessibility_label", el["accessibility_label"], maxAccessibility); err != nil {
			return err
		}
	case "overflow":
		opts, _ := el["options"].([]any)
		if len(opts) > maxOverflowOptions {
			return &LimitError{Path: path + ".options", Reason: fmt.Sprintf("%d options, more than %d", len(opts), maxOverflowOptions)}
		}
	}
	if err := options(path+".options", el["options"]); err != nil {
		return err
	}
	if groups, ok := el["option_groups"].([]any); ok {
		if len(groups) > maxOptions {
			return &LimitError{Path: path + ".option_groups", Reason: fmt.Sprintf("%d groups, more than %d", len(groups), maxOptions)}
		}
		for i, g := range groups {
			gm, _ := g.(map[string]any)
			if err := options(fmt.Sprintf("%s.option_groups[%d].options", path, i), gm["options"]); err != nil {
				return err
			}
		}
	}
	if c, ok := el["confirm"].(map[string]any); ok {
		return confirm(path+".confirm", c)
	}
	return nil
}

func options(path string, x any) error {
	opts, _ := x.([]any)
	if len(opts) > maxOptions {
		return &LimitError{Path: path, Reason: fmt.Sprintf("%d options, more than %d", len(opts), maxOptions)}
	}
	for i, o := range opts {
		om, _ := o.(map[string]any)
		p := fmt.Sprintf("%s[%d]", path, i)
		if err := textObject(p+".text", om["text"], maxOptionText, false); err != nil {
			return err
		}
		if err := maxLen(p+".value", om["value"], maxOptionValue); err != nil {
			return err
		}
	}
	return nil
}

func confirm(path string, c map[string]any) error {
	checks := []struct {
		key   string
		limit int
	}{{"title", maxConfirmTitle}, {"text", maxConfirmText}, {"confirm", maxConfirmButton}, {"deny", maxConfirmButton}}
	for _, ch := range checks {
		if err := textObject(path+"."+ch.key, c[ch.key], ch.limit, false); err != nil {
			return err
		}
	}
	return nil
}

// textObject checks a composition text object's length (absent objects pass) and, when
// plainOnly, that it is plain_text.
func textObject(path string, x any, limit int, plainOnly bool) error {
	if x == nil {
		return nil
	}
	t, ok := x.(map[string]any)
	if !ok {
		return &LimitError{Path: path, Reason: "not a text object"}
	}
	if plainOnly && t["type"] != "plain_text" {
		return &LimitError{Path: path + ".type", Reason: "must be plain_text"}
	}
	return maxLen(path+".text", t["text"], limit)
}

func maxLen(path string, x any, limit int) error {
	s, _ := x.(string)
	if n := utf8.RuneCountInString(s); n > limit {
		return &LimitError{Path: path, Reason: fmt.Sprintf("%d characters, more than %d", n, limit)}
	}
	return nil
}
