package slacktest

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
)

// SubmitView submits user's open view with values[blockID][actionID] typed or selected, waits for
// the bot's ack and applies its response_action (errors keep the view open; update and push change
// the stack; clear or an empty ack close it). It returns the ack payload so a test can check errors.
// A missing ack within AckTimeout returns ErrOperationTimeout.
func (s *Server) SubmitView(ctx context.Context, user, viewID string, values map[string]map[string]string) (json.RawMessage, error) {
	s.mu.Lock()
	v, ok := s.st.views[viewID]
	if !ok || v.User != user {
		s.mu.Unlock()
		return nil, fmt.Errorf("submit view %s: %w", viewID, ErrNoSuchView)
	}
	state, err := stateValues(v.Blocks, values)
	if err != nil {
		s.mu.Unlock()
		return nil, fmt.Errorf("submit view %s: %w", viewID, err)
	}
	u := s.st.user(user)
	payload := obj{
		"type": "view_submission", "api_app_id": AppID, "token": "verification-token", "is_enterprise_install": false,
		"enterprise": nil, "user": userRef(u), "team": obj{"id": TeamID, "domain": TeamDomain},
		"trigger_id": s.newTriggerLocked(u.ID), "view": viewJSON(v, state), "response_urls": []obj{},
	}
	s.mu.Unlock()

	env := &envelope{typ: TypeInteractive, accepts: true, payload: mustJSON(payload), user: u.ID}
	s.enqueue(env)
	select {
	case res := <-env.result:
		if res.err != nil {
			return nil, fmt.Errorf("submit view %s: %w", viewID, res.err)
		}
		s.applyResponseAction(u.ID, viewID, res.payload)
		return res.payload, nil
	case <-ctx.Done():
		return nil, fmt.Errorf("submit view %s: %w", viewID, ctx.Err())
	}
}

// applyResponseAction changes the view stack as Slack does after a view_submission ack.
func (s *Server) applyResponseAction(user, viewID string, payload json.RawMessage) {
	var resp struct {
		ResponseAction string          `json:"response_action"`
		View           json.RawMessage `json:"view"`
	}
	if len(payload) > 0 {
		_ = json.Unmarshal(payload, &resp)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	switch resp.ResponseAction {
	case "errors":
	case "update":
		cur, ok := s.st.views[viewID]
		if next, aerr := parseView(resp.View); ok && aerr == nil {
			s.replaceViewLocked(cur, next)
		}
	case "push":
		if next, aerr := parseView(resp.View); aerr == nil && len(s.st.viewStacks[user]) < maxViewStack {
			s.openViewLocked(user, next, false)
		}
	case "clear":
		s.closeViewsLocked(user, true)
	default:
		s.closeViewsLocked(user, false)
	}
}

// CloseView closes user's view with ×. When the view asked for notify_on_close, a view_closed
// payload is delivered and its envelope id returned; otherwise the id is empty.
func (s *Server) CloseView(user, viewID string) (string, error) {
	s.mu.Lock()
	v, ok := s.st.views[viewID]
	if !ok || v.User != user {
		s.mu.Unlock()
		return "", fmt.Errorf("close view %s: %w", viewID, ErrNoSuchView)
	}
	u := s.st.user(user)
	payload := obj{
		"type": "view_closed", "api_app_id": AppID, "token": "verification-token", "is_enterprise_install": false,
		"enterprise": nil, "user": userRef(u), "team": obj{"id": TeamID, "domain": TeamDomain},
		"view": viewJSON(v, nil), "is_cleared": true,
	}
	notify := v.NotifyOnClose
	s.closeViewsLocked(user, true)
	s.mu.Unlock()
	if !notify {
		return "", nil
	}
	return s.enqueue(&envelope{typ: TypeInteractive, payload: mustJSON(payload), user: u.ID}), nil
}

// stateValues builds view.state.values for the input elements of blocks from what the user entered;
// an input left empty reports a null value, as Slack does.
func stateValues(blocks json.RawMessage, values map[string]map[string]string) (obj, error) {
	list, err := decodeBlockList(blocks)
	if err != nil {
		return nil, err
	}
	out := obj{}
	seen := map[string]bool{}
	for _, b := range list {
		blockID, _ := b["block_id"].(string)
		for _, el := range blockElements(b) {
			typ, _ := el["type"].(string)
			actionID, _ := el["action_id"].(string)
			if typ == "button" || typ == "overflow" || actionID == "" {
				continue
			}
			val, entered := values[blockID][actionID]
			if entered {
				seen[blockID+"/"+actionID] = true
			}
			if b["type"] != "input" && !entered {
				continue
			}
			block, _ := out[blockID].(obj)
			if block == nil {
				block = obj{}
				out[blockID] = block
			}
			block[actionID] = elementValue(el, typ, val, entered)
		}
	}
	for blockID, actions := range values {
		for actionID := range actions {
			if !seen[blockID+"/"+actionID] {
				return nil, fmt.Errorf("no input %s/%s in the view", blockID, actionID)
			}
		}
	}
	return out, nil
}

// elementValue is one state.values entry, shaped by the element type.
func elementValue(el map[string]any, typ, val string, entered bool) obj {
	v := obj{"type": typ}
	var value any
	if entered {
		value = val
	}
	switch typ {
	case "static_select", "external_select", "radio_buttons":
		v["selected_option"] = nil
		if entered {
			v["selected_option"] = findOption(el, val)
		}
	case "multi_static_select", "checkboxes":
		selected := []any{}
		if entered && val != "" {
			for _, part := range strings.Split(val, ",") {
				selected = append(selected, findOption(el, part))
			}
		}
		v["selected_options"] = selected
	case "users_select":
		v["selected_user"] = value
	case "conversations_select":
		v["selected_conversation"] = value
	case "channels_select":
		v["selected_channel"] = value
	case "datepicker":
		v["selected_date"] = value
	case "timepicker":
		v["selected_time"] = value
	default:
		v["value"] = value
	}
	return v
}

func findOption(el map[string]any, value string) obj {
	opts, _ := el["options"].([]any)
	if groups, ok := el["option_groups"].([]any); ok {
		for _, g := range groups {
			gm, _ := g.(map[string]any)
			more, _ := gm["options"].([]any)
			opts = append(opts, more...)
		}
	}
	for _, o := range opts {
		om, _ := o.(map[string]any)
		if om["value"] == value {
			return om
		}
	}
	return obj{"text": obj{"type": "plain_text", "text": value}, "value": value}
}
