package slacktest

import "time"

// knobs hold the scripted faults and the call log; guarded by Server.mu.
type knobs struct {
	limits    map[string]*rateLimit
	failures  map[string]*scriptedFailure
	revoked   map[string]string
	calls     []Call
	served429 map[string]int
}

type rateLimit struct {
	remaining  int       // next N calls limited, when until is zero
	until      time.Time // storm: every call until this instant is limited
	retryAfter time.Duration
}

type scriptedFailure struct {
	code      string        // Slack error code answered with HTTP 200
	status    int           // or an HTTP status (5xx, 404) with a plain-text body
	landed    bool          // the call is served first: its effect lands, only the answer fails
	hang      time.Duration // with landed: the answer is held this long (a client timeout)
	late      time.Duration // with landed: the call takes effect this long after it arrived
	remaining int
}

func newKnobs() knobs {
	return knobs{
		limits:    map[string]*rateLimit{},
		failures:  map[string]*scriptedFailure{},
		revoked:   map[string]string{},
		served429: map[string]int{},
	}
}

// anyMethod applies a knob to every method.
const anyMethod = "*"

func (k *knobs) rateLimitedLocked(method string) (time.Duration, bool) {
	for _, key := range []string{method, anyMethod} {
		l, ok := k.limits[key]
		if !ok {
			continue
		}
		if !l.until.IsZero() {
			if time.Now().Before(l.until) {
				return l.retryAfter, true
			}
			delete(k.limits, key)
			continue
		}
		if l.remaining > 0 {
			l.remaining--
			if l.remaining == 0 {
				delete(k.limits, key)
			}
			return l.retryAfter, true
		}
	}
	return 0, false
}

func (k *knobs) scriptedFailureLocked(method string) (scriptedFailure, bool) {
	for _, key := range []string{method, anyMethod} {
		f, ok := k.failures[key]
		if !ok {
			continue
		}
		f.remaining--
		if f.remaining <= 0 {
			delete(k.failures, key)
		}
		return *f, true
	}
	return scriptedFailure{}, false
}

// RateLimit answers the next calls to method (or "*" for every method) with HTTP 429 and
// Retry-After (whole seconds, at least 1).
func (s *Server) RateLimit(method string, calls int, retryAfter time.Duration) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.knobs.limits[method] = &rateLimit{remaining: calls, retryAfter: retryAfter}
}

// RateLimitStorm answers every call to method (or "*") with 429 for the duration d.
func (s *Server) RateLimitStorm(method string, d, retryAfter time.Duration) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.knobs.limits[method] = &rateLimit{until: time.Now().Add(d), retryAfter: retryAfter}
}

// FailNext answers the next calls to method (or "*") with {"ok":false,"error":code}.
// It also works for apps.connections.open.
func (s *Server) FailNext(method, code string, calls int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.knobs.failures[method] = &scriptedFailure{code: code, remaining: calls}
}

// FailHTTPNext answers the next calls to method (or "*") with the HTTP status (e.g. 500, 503, 404)
// and a plain-text body, as Slack's front end does. A 404 on apps.connections.open is fatal for slack-go.
func (s *Server) FailHTTPNext(method string, status, calls int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.knobs.failures[method] = &scriptedFailure{status: status, remaining: calls}
}

// LandThenFailNext serves the next calls to method (or "*") — a post is posted — but answers them with
// the HTTP status (e.g. 500, 503) and a plain-text body: the answer is lost, not the effect, as when
// Slack's edge fails after its backend wrote.
func (s *Server) LandThenFailNext(method string, status, calls int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.knobs.failures[method] = &scriptedFailure{status: status, landed: true, remaining: calls}
}

// LandThenHangNext serves the next calls to method (or "*"), then holds each answer for d before
// sending it: a client whose timeout is shorter sees a timeout for a call that took effect.
func (s *Server) LandThenHangNext(method string, d time.Duration, calls int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.knobs.failures[method] = &scriptedFailure{hang: d, landed: true, remaining: calls}
}

// LandLateNext holds the next calls to method (or "*") for d, then serves them, whether or not their
// sender is still waiting: a post sent by a process that dies meanwhile still lands, d after it was sent.
func (s *Server) LandLateNext(method string, d time.Duration, calls int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.knobs.failures[method] = &scriptedFailure{late: d, landed: true, remaining: calls}
}

// Revoke makes token (BotToken or AppToken) fail with code, e.g. "token_revoked" or
// "invalid_auth"; an empty code restores it.
func (s *Server) Revoke(token, code string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if code == "" {
		delete(s.knobs.revoked, token)
		return
	}
	s.knobs.revoked[token] = code
}

// Calls returns the recorded Web API calls to method, or every call for "".
func (s *Server) Calls(method string) []Call {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []Call
	for _, c := range s.knobs.calls {
		if method == "" || c.Method == method {
			out = append(out, c)
		}
	}
	return out
}

// Count returns how many calls method received, 429s included.
func (s *Server) Count(method string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	n := 0
	for _, c := range s.knobs.calls {
		if c.Method == method {
			n++
		}
	}
	return n
}

// RateLimited returns how many 429s were served for method, or in total for "".
func (s *Server) RateLimited(method string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	if method != "" {
		return s.knobs.served429[method]
	}
	n := 0
	for _, v := range s.knobs.served429 {
		n += v
	}
	return n
}
