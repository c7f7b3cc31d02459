package slacktest

import (
	"encoding/base64"
	"strconv"
	"strings"
)

// Paging of conversations.history and conversations.replies, Slack's figures.
const (
	defaultHistoryLimit = 100
	maxHistoryLimit     = 999
)

// conversationsHistory answers a channel's top-level messages, newest first, between oldest and latest
// (exclusive unless inclusive), limit at a time with a cursor; metadata only with include_all_metadata,
// as Slack does. Thread replies are not part of a channel's history.
func (s *Server) conversationsHistory(r *apiRequest) (obj, *apiError) {
	c := s.st.channel(r.str("channel"))
	if c == nil {
		return nil, fail("channel_not_found")
	}
	var top []*Message
	for i := len(c.messages) - 1; i >= 0; i-- {
		if m := c.messages[i]; m.ThreadTS == "" || m.ThreadTS == m.TS {
			top = append(top, m)
		}
	}
	return pageOfMessages(r, top)
}

// conversationsReplies answers a thread: its parent first, then the replies, oldest first. A ts that is
// no message of the channel is thread_not_found; a reply's ts answers that reply alone.
func (s *Server) conversationsReplies(r *apiRequest) (obj, *apiError) {
	c := s.st.channel(r.str("channel"))
	if c == nil {
		return nil, fail("channel_not_found")
	}
	parent, ok := c.byTS[r.str("ts")]
	if !ok {
		return nil, fail("thread_not_found")
	}
	thread := []*Message{parent}
	if parent.ThreadTS == "" || parent.ThreadTS == parent.TS {
		for _, ts := range parent.Replies {
			if m, ok := c.byTS[ts]; ok {
				thread = append(thread, m)
			}
		}
	}
	return pageOfMessages(r, thread)
}

// pageOfMessages filters ms (already in answer order) by oldest/latest and returns one page of them.
func pageOfMessages(r *apiRequest, ms []*Message) (obj, *apiError) {
	limit := defaultHistoryLimit
	if v := r.str("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 0 {
			return nil, fail("invalid_limit")
		}
		if n > 0 {
			limit = min(n, maxHistoryLimit)
		}
	}
	oldest, latest := tsMicros(r.str("oldest")), tsMicros(r.str("latest"))
	inclusive := r.str("inclusive") == "true" || r.str("inclusive") == "1"
	withMeta := r.str("include_all_metadata") == "true" || r.str("include_all_metadata") == "1"
	start := 0
	if cur := r.str("cursor"); cur != "" {
		raw, err := base64.StdEncoding.DecodeString(cur)
		n, err2 := strconv.Atoi(strings.TrimPrefix(string(raw), "next:"))
		if err != nil || err2 != nil || n < 0 {
			return nil, fail("invalid_cursor")
		}
		start = n
	}
	var kept []*Message
	for _, m := range ms {
		at := tsMicros(m.TS)
		if oldest > 0 && (at < oldest || (at == oldest && !inclusive)) {
			continue
		}
		if latest > 0 && (at > latest || (at == latest && !inclusive)) {
			continue
		}
		kept = append(kept, m)
	}
	out := []obj{}
	end := min(start+limit, len(kept))
	for i := start; i < end; i++ {
		out = append(out, messageJSON(kept[i], withMeta))
	}
	more := end < len(kept)
	next := ""
	if more {
		next = base64.StdEncoding.EncodeToString([]byte("next:" + strconv.Itoa(end)))
	}
	return obj{"messages": out, "has_more": more, "response_metadata": obj{"next_cursor": next}}, nil
}

// tsMicros reads a message ts ("1700000000.000100") as microseconds; 0 when empty or malformed.
func tsMicros(ts string) int64 {
	sec, frac, _ := strings.Cut(ts, ".")
	s, err := strconv.ParseInt(sec, 10, 64)
	if err != nil {
		return 0
	}
	frac = (frac + "000000")[:6]
	f, err := strconv.ParseInt(frac, 10, 64)
	if err != nil {
		return 0
	}
	return s*1_000_000 + f
}
