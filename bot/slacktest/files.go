package slacktest

import (
	"encoding/json"
	"io"
	"net/http"
	"strconv"
	"strings"
)

// files.uploadV2 as slack-go runs it: files.getUploadURLExternal, a multipart POST to the
// returned URL, then files.completeUploadExternal sharing the file into a channel.

func (s *Server) filesGetUploadURLExternal(r *apiRequest) (obj, *apiError) {
	name := r.str("filename")
	if name == "" || r.str("length") == "" {
		return nil, fail("invalid_arguments")
	}
	id := s.st.nextID("F")
	s.st.uploads[id] = &File{ID: id, Name: name}
	return obj{"upload_url": s.baseURL + "/upload/" + id, "file_id": id}, nil
}

func (s *Server) handleUpload(w http.ResponseWriter, r *http.Request) {
	id := strings.TrimPrefix(r.URL.Path, "/upload/")
	var content []byte
	if f, _, err := r.FormFile("file"); err == nil {
		content, _ = io.ReadAll(f)
		_ = f.Close()
	} else {
		content, _ = io.ReadAll(r.Body)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	f, ok := s.st.uploads[id]
	if !ok {
		http.Error(w, "unknown upload", http.StatusNotFound)
		return
	}
	f.Content = content
	w.Header().Set("Content-Type", "text/plain")
	_, _ = io.WriteString(w, "OK - "+strconv.Itoa(len(content)))
}

func (s *Server) filesCompleteUploadExternal(r *apiRequest) (obj, *apiError) {
	var files []struct {
		ID    string `json:"id"`
		Title string `json:"title"`
	}
	if err := json.Unmarshal(r.raw("files"), &files); err != nil || len(files) == 0 {
		return nil, fail("invalid_arguments")
	}
	var shared []File
	out := []obj{}
	for _, f := range files {
		up, ok := s.st.uploads[f.ID]
		if !ok || up.Content == nil {
			return nil, fail("file_not_found")
		}
		up.Title = f.Title
		shared = append(shared, *up)
		out = append(out, obj{"id": up.ID, "title": up.Title})
	}
	channel := r.str("channel_id")
	if channel == "" {
		channel, _, _ = strings.Cut(r.str("channels"), ",")
	}
	if channel != "" {
		c := s.st.channel(channel)
		if c == nil {
			return nil, fail("channel_not_found")
		}
		m := &Message{TS: s.st.nextTS(), ThreadTS: r.str("thread_ts"), User: BotUserID, BotID: BotID,
			Text: r.str("initial_comment"), Files: shared}
		s.st.addMessage(c, m)
		cp := m.clone()
		s.emitLocked(Change{Kind: MessagePosted, Channel: c.ID, TS: m.TS, User: BotUserID, Message: &cp})
	}
	return obj{"files": out}, nil
}
