package hotwaxtest

import (
	"bytes"
	"cmp"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"
)

// handler answers one endpoint with an HTTP status and a JSON body.
type handler func(s *Server, body map[string]any) (int, any)

var routes = map[string]handler{
	"login":                            (*Server).login,
	"performFind":                      (*Server).performFind,
	"findJobs":                         (*Server).findJobs,
	"solr-query":                       (*Server).solrQuery,
	"scheduleService":                  (*Server).scheduleService,
	"service/createShopifyShopProduct": (*Server).createShopifyShopProduct,
}

// maxBody bounds request bodies.
const maxBody = 1 << 20

// ServeHTTP counts the request, applies latency and faults, authenticates and dispatches it.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.URL.Path == ProductPagePath && r.Method == http.MethodGet {
		s.productPage(w, r)
		return
	}
	endpoint, ok := strings.CutPrefix(r.URL.Path, "/api/")
	if !ok {
		writeJSON(w, http.StatusNotFound, map[string]any{"error": "Not Found"})
		return
	}
	body, bodyErr := decodeBody(r)
	source := requestSource(endpoint, body)
	s.mu.Lock()
	s.counts[endpoint]++
	s.bySource[strings.TrimSpace(endpoint+" "+source)]++
	s.mu.Unlock()
	plan := s.planFaults(endpoint, source)
	pre := plan.latency
	if reads[endpoint] {
		// A real OMS does a read's work within its round trip: the simulator's time computing the answer
		// (its CPU shares the machine with the client under test) is not added to it.
		held := &heldAnswer{ResponseWriter: w}
		pre -= s.opts.Latency
		defer held.release(s, r, time.Now().Add(pre+s.opts.Latency))
		w = held
	}
	if !s.wait(r, pre) {
		return
	}
	if plan.hang {
		select {
		case <-r.Context().Done():
		case <-s.quit:
		}
		return
	}
	if plan.fail500 {
		w.Header().Set("Content-Type", "text/html;charset=utf-8")
		w.WriteHeader(http.StatusInternalServerError)
		_, _ = io.WriteString(w, internalErrorBody)
		return
	}
	if plan.echo {
		echoed, _ := json.Marshal(body)
		writeJSON(w, http.StatusOK, map[string]any{"_ERROR_MESSAGE_": fmt.Sprintf(
			"Could not process request. Authorization: %s; body: %s", r.Header.Get("Authorization"), echoed)})
		return
	}
	if r.Method != http.MethodPost {
		writeJSON(w, http.StatusMethodNotAllowed, map[string]any{"error": "Method Not Allowed: use POST"})
		return
	}
	if endpoint != "login" {
		if msg := s.authorize(r); msg != "" {
			writeJSON(w, http.StatusUnauthorized, map[string]any{"error": msg})
			return
		}
	}
	if bodyErr != nil {
		writeJSON(w, http.StatusBadRequest, map[string]any{"_ERROR_MESSAGE_": bodyErr.Error()})
		return
	}
	if plan.malformed {
		w.Header().Set("Content-Type", "application/json")
		_, _ = io.WriteString(w, malformedBody)
		return
	}
	if plan.omsError != "" {
		writeJSON(w, http.StatusOK, map[string]any{"_ERROR_MESSAGE_": plan.omsError})
		return
	}
	h, ok := routes[endpoint]
	if !ok {
		writeJSON(w, http.StatusNotFound, map[string]any{"error": fmt.Sprintf("No request map found for %s", endpoint)})
		return
	}
	status, resp := h(s, body)
	s.wait(r, plan.answer)
	writeJSON(w, status, resp)
}

// reads are the endpoints that change nothing: their answers may be computed while the latency runs.
var reads = map[string]bool{"performFind": true, "findJobs": true, "solr-query": true}

// heldAnswer keeps an answer until its round trip is over.
type heldAnswer struct {
	http.ResponseWriter
	status int
	body   []byte
}

func (h *heldAnswer) WriteHeader(status int) { h.status = status }

func (h *heldAnswer) Write(b []byte) (int, error) {
	h.body = append(h.body, b...)
	return len(b), nil
}

// release sends the answer at the instant at, unless the client or the server goes first.
func (h *heldAnswer) release(s *Server, r *http.Request, at time.Time) {
	if h.status == 0 && h.body == nil {
		return // nothing answered: a hang
	}
	if !s.wait(r, time.Until(at)) {
		return
	}
	h.ResponseWriter.WriteHeader(cmp.Or(h.status, http.StatusOK))
	_, _ = h.ResponseWriter.Write(h.body)
}

func decodeBody(r *http.Request) (map[string]any, error) {
	raw, err := io.ReadAll(io.LimitReader(r.Body, maxBody))
	if err != nil {
		return nil, fmt.Errorf("read request body: %w", err)
	}
	body := map[string]any{}
	if len(bytes.TrimSpace(raw)) == 0 {
		return body, nil
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	if err := dec.Decode(&body); err != nil {
		return nil, fmt.Errorf("request body is not a JSON object: %w", err)
	}
	return body, nil
}

// answerBuffers are reused between answers: a listing page is 20 KB, and growing a fresh buffer to it each
// time is most of the garbage the simulator makes.
var answerBuffers = sync.Pool{New: func() any { return new([]byte) }}

func writeJSON(w http.ResponseWriter, status int, v any) {
	buf := answerBuffers.Get().(*[]byte)
	defer answerBuffers.Put(buf)
	body, err := appendJSON((*buf)[:0], v)
	if err != nil {
		status, body = http.StatusInternalServerError, []byte(`{"error":"the simulator could not encode its answer"}`)
	}
	body = append(body, '\n')
	*buf = body
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(status)
	_, _ = w.Write(body)
}

// authorize checks the bearer token; it returns the 401 message, or "" when the token is good.
func (s *Server) authorize(r *http.Request) string {
	raw, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
	if !ok || raw == "" {
		return "Unauthorized: missing bearer token"
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	t, ok := s.tokens[raw]
	switch {
	case !ok:
		return "Unauthorized: invalid token"
	case t.seq <= s.expired, !t.expires.IsZero() && !s.nowLocked().Before(t.expires):
		return "Unauthorized: token expired"
	}
	return ""
}

func omsFailure(msg string) (int, any) {
	return http.StatusOK, map[string]any{"_ERROR_MESSAGE_": msg}
}

func (s *Server) login(body map[string]any) (int, any) {
	user, pass := str(body["USERNAME"]), str(body["PASSWORD"])
	if s.opts.Username == "" || user != s.opts.Username || pass != s.opts.Password {
		// OFBiz answers a refused login with 200 and the reason (hotwax-api §2.1).
		return omsFailure("The password was not correct, please re-enter.")
	}
	b := make([]byte, 16)
	if _, err := rand.Read(b); err != nil {
		return http.StatusInternalServerError, map[string]any{"error": "token generation failed"}
	}
	value := "fake-jwt-" + hex.EncodeToString(b)
	s.mu.Lock()
	defer s.mu.Unlock()
	s.tokenSeq++
	expires := s.nowLocked().Add(s.opts.TokenTTL)
	s.tokens[value] = token{seq: s.tokenSeq, expires: expires}
	return http.StatusOK, map[string]any{"token": value, "expirationTime": expires.UnixMilli()}
}

// noRecord is how the OMS answers a find without rows.
var noRecord = map[string]any{"error": "No record found"}

func findAnswer(req findRequest, rows []row, now time.Time) (int, any) {
	count, page := req.run(rows, now)
	if count == 0 {
		return http.StatusOK, noRecord
	}
	docs := make([]map[string]any, 0, len(page))
	for _, r := range page {
		docs = append(docs, project(r, req.fieldList))
	}
	return http.StatusOK, map[string]any{"count": count, "docs": docs}
}

func (s *Server) performFind(body map[string]any) (int, any) {
	entity := str(body["entityName"])
	if entity == "" {
		return omsFailure("The following required parameter is missing: [performFind.entityName]")
	}
	req, err := parseFind(body)
	if err != nil {
		return omsFailure(fmt.Sprintf("Error in performFind: %v", err))
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.nowLocked()
	rows, ok := s.m.entityRows(entity, req, now)
	if !ok {
		return omsFailure(fmt.Sprintf("Error in performFind: entity [%s] not found", entity))
	}
	return findAnswer(req, rows, now)
}

func (s *Server) findJobs(body map[string]any) (int, any) {
	req, err := parseFind(body)
	if err != nil {
		return omsFailure(fmt.Sprintf("Error in findJobs: %v", err))
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	return findAnswer(req, s.m.jobRows(req), s.nowLocked())
}

func (s *Server) scheduleService(body map[string]any) (int, any) {
	s.mu.Lock()
	defer s.mu.Unlock()
	// No jobId in the answer: the apps never read one (hotwax/job-manager:src/store/modules/job/actions.ts
	// scheduleService re-reads findJobs), and the OMS does not always send it.
	if _, err := s.m.schedule(body, s.nowLocked(), time.Now()); err != nil {
		return omsFailure(err.Error())
	}
	return http.StatusOK, map[string]any{"successMessage": "Service scheduled successfully", "responseMessage": "success"}
}

func (s *Server) createShopifyShopProduct(body map[string]any) (int, any) {
	s.mu.Lock()
	defer s.mu.Unlock()
	l, err := s.m.createLink(body, s.nowLocked())
	if err != nil {
		return omsFailure(err.Error())
	}
	return http.StatusOK, map[string]any{"shopId": l.ShopID, "shopifyProductId": l.ShopifyProductID,
		"successMessage": "Shopify shop product created successfully", "responseMessage": "success"}
}
