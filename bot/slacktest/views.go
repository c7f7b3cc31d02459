package slacktest

import (
	"encoding/json"
	"fmt"
	"time"
)

// maxViewStack is how many modals Slack stacks (views.push beyond it fails).
const maxViewStack = 3

// View is an open modal as Slack keeps it.
type View struct {
	ID              string
	Hash            string
	User            string
	CallbackID      string
	ExternalID      string
	PrivateMetadata string
	Title           string
	NotifyOnClose   bool
	RootViewID      string
	PreviousViewID  string
	Blocks          json.RawMessage // with block and action ids filled in
	Raw             json.RawMessage // the view object as the app last sent it
}

type trigger struct {
	issued time.Time
	user   string
	used   bool
}

// newTriggerLocked registers a fresh trigger_id for user, as Slack issues with each interaction.
func (s *Server) newTriggerLocked(user string) string {
	s.st.seq++
	id := fmt.Sprintf("%d.%d.%s", time.Now().UnixMilli(), s.st.seq, randomHex(16))
	s.st.triggers[id] = &trigger{issued: time.Now(), user: user}
	return id
}

// IssueTrigger returns a fresh trigger_id for user, as if user had just interacted with the app;
// it lets a test call views.open without going through Socket Mode.
func (s *Server) IssueTrigger(user string) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.newTriggerLocked(user)
}

// useTriggerLocked exchanges a trigger_id once, within TriggerTTL.
func (s *Server) useTriggerLocked(id string) (*trigger, *apiError) {
	if id == "" {
		return nil, fail("invalid_arguments", "[ERROR] missing required field: trigger_id")
	}
	t, ok := s.st.triggers[id]
	switch {
	case !ok:
		return nil, fail("invalid_trigger_id")
	case t.used:
		return nil, fail("exchanged_trigger_id")
	case time.Since(t.issued) > s.opts.TriggerTTL:
		return nil, fail("expired_trigger_id")
	}
	t.used = true
	return t, nil
}

type viewRequest struct {
	Type            string          `json:"type"`
	Title           json.RawMessage `json:"title"`
	Blocks          json.RawMessage `json:"blocks"`
	CallbackID      string          `json:"callback_id"`
	ExternalID      string          `json:"external_id"`
	PrivateMetadata string          `json:"private_metadata"`
	NotifyOnClose   bool            `json:"notify_on_close"`
}

// parseView validates a view object and fills a View (without id and user).
func parseView(raw json.RawMessage) (*View, *apiError) {
	if raw == nil {
		return nil, fail("invalid_arguments", "[ERROR] missing required field: view")
	}
	if err := ValidateView(raw); err != nil {
		return nil, fail("invalid_blocks", err.Error())
	}
	var req viewRequest
	if err := json.Unmarshal(raw, &req); err != nil {
		return nil, fail("invalid_arguments", err.Error())
	}
	blocks := req.Blocks
	if blocks == nil {
		blocks = json.RawMessage("[]")
	}
	normalized, err := normalizeBlocks(blocks)
	if err != nil {
		return nil, fail("invalid_blocks", err.Error())
	}
	var title struct {
		Text string `json:"text"`
	}
	_ = json.Unmarshal(req.Title, &title)
	return &View{
		CallbackID: req.CallbackID, ExternalID: req.ExternalID, PrivateMetadata: req.PrivateMetadata,
		Title: title.Text, NotifyOnClose: req.NotifyOnClose, Blocks: normalized, Raw: raw,
	}, nil
}

func (s *Server) viewsOpen(r *apiRequest) (obj, *apiError) {
	t, aerr := s.useTriggerLocked(r.str("trigger_id"))
	if aerr != nil {
		return nil, aerr
	}
	v, aerr := parseView(r.raw("view"))
	if aerr != nil {
		return nil, aerr
	}
	s.openViewLocked(t.user, v, true)
	return obj{"view": viewJSON(v, nil)}, nil
}

func (s *Server) viewsPush(r *apiRequest) (obj, *apiError) {
	t, aerr := s.useTriggerLocked(r.str("trigger_id"))
	if aerr != nil {
		return nil, aerr
	}
	if len(s.st.viewStacks[t.user]) >= maxViewStack {
		return nil, fail("push_limit_reached")
	}
	v, aerr := parseView(r.raw("view"))
	if aerr != nil {
		return nil, aerr
	}
	s.openViewLocked(t.user, v, false)
	return obj{"view": viewJSON(v, nil)}, nil
}

// openViewLocked stores v for user: a new stack when replace is true, else on top of the stack.
func (s *Server) openViewLocked(user string, v *View, replace bool) {
	v.ID = s.st.nextID("V")
	v.Hash = fmt.Sprintf("%d.%s", time.Now().Unix(), randomHex(8))
	v.User = user
	stack := s.st.viewStacks[user]
	if replace {
		for _, id := range stack {
			delete(s.st.views, id)
		}
		stack = nil
	}
	if len(stack) > 0 {
		v.RootViewID = stack[0]
		v.PreviousViewID = stack[len(stack)-1]
	} else {
		v.RootViewID = v.ID
	}
	s.st.views[v.ID] = v
	s.st.viewStacks[user] = append(stack, v.ID)
	cp := *v
	s.emitLocked(Change{Kind: ViewOpened, User: user, ViewID: v.ID, View: &cp})
}

func (s *Server) viewsUpdate(r *apiRequest) (obj, *apiError) {
	var cur *View
	if id := r.str("view_id"); id != "" {
		cur = s.st.views[id]
	} else if ext := r.str("external_id"); ext != "" {
		for _, v := range s.st.views {
			if v.ExternalID == ext {
				cur = v
			}
		}
	} else {
		return nil, fail("invalid_arguments", "[ERROR] view_id or external_id is required")
	}
	if cur == nil {
		return nil, fail("not_found")
	}
	if h := r.str("hash"); h != "" && h != cur.Hash {
		return nil, fail("hash_conflict")
	}
	next, aerr := parseView(r.raw("view"))
	if aerr != nil {
		return nil, aerr
	}
	s.replaceViewLocked(cur, next)
	return obj{"view": viewJSON(cur, nil)}, nil
}

// replaceViewLocked swaps cur's content for next's, keeping cur's id and stack position.
func (s *Server) replaceViewLocked(cur, next *View) {
	id, user, root, prev := cur.ID, cur.User, cur.RootViewID, cur.PreviousViewID
	*cur = *next
	cur.ID, cur.User, cur.RootViewID, cur.PreviousViewID = id, user, root, prev
	cur.Hash = fmt.Sprintf("%d.%s", time.Now().Unix(), randomHex(8))
	cp := *cur
	s.emitLocked(Change{Kind: ViewUpdated, User: user, ViewID: id, View: &cp})
}

// closeViewsLocked removes the top view of user's stack, or the whole stack when all is true.
func (s *Server) closeViewsLocked(user string, all bool) {
	stack := s.st.viewStacks[user]
	if len(stack) == 0 {
		return
	}
	n := 1
	if all {
		n = len(stack)
	}
	for _, id := range stack[len(stack)-n:] {
		delete(s.st.views, id)
		s.emitLocked(Change{Kind: ViewClosed, User: user, ViewID: id})
	}
	stack = stack[:len(stack)-n]
	if len(stack) == 0 {
		delete(s.st.viewStacks, user)
		return
	}
	s.st.viewStacks[user] = stack
}

// viewJSON is a view as Slack returns it and puts in interaction payloads.
func viewJSON(v *View, stateValues obj) obj {
	out := obj{}
	_ = json.Unmarshal(v.Raw, &out)
	if stateValues == nil {
		stateValues = obj{}
	}
	prev := any(nil)
	if v.PreviousViewID != "" {
		prev = v.PreviousViewID
	}
	fields := obj{
		"id": v.ID, "team_id": TeamID, "app_id": AppID, "bot_id": BotID, "app_installed_team_id": TeamID,
		"hash": v.Hash, "root_view_id": v.RootViewID, "previous_view_id": prev, "blocks": v.Blocks,
		"callback_id": v.CallbackID, "external_id": v.ExternalID, "private_metadata": v.PrivateMetadata,
		"notify_on_close": v.NotifyOnClose, "state": obj{"values": stateValues},
	}
	for k, val := range fields {
		out[k] = val
	}
	return out
}
