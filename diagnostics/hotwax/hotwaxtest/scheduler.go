package hotwaxtest

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"time"

	"github.com/preorderbot/preorderbot/diagnostics/hotwax"
)

// Advance moves the simulated clock forward and runs every job that is then due, without waiting RunDelay.
func (s *Server) Advance(d time.Duration) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.offset += d
	s.runDueLocked(true)
}

// RunDue runs every job due now, without waiting RunDelay.
func (s *Server) RunDue() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.runDueLocked(true)
}

// runDueLocked executes due jobs; unless immediate, only those that have been due for RunDelay.
func (s *Server) runDueLocked(immediate bool) {
	now, realNow := s.nowLocked(), time.Now()
	for _, j := range s.m.due(now) {
		if !immediate {
			if j.dueSince.IsZero() {
				j.dueSince = realNow
			}
			if realNow.Sub(j.dueSince) < s.opts.RunDelay {
				continue
			}
		}
		s.m.execute(j, now)
	}
}

// scheduler runs due jobs in the background until Close.
func (s *Server) scheduler() {
	defer close(s.bgEnd)
	tick := min(max(s.opts.RunDelay/4, time.Millisecond), 100*time.Millisecond)
	t := time.NewTicker(tick)
	defer t.Stop()
	for {
		select {
		case <-s.quit:
			return
		case <-t.C:
			s.mu.Lock()
			s.runDueLocked(false)
			s.mu.Unlock()
		}
	}
}

// WaitIdle returns when no job is due or executing, or with ctx's error.
func (s *Server) WaitIdle(ctx context.Context) error {
	t := time.NewTicker(2 * time.Millisecond)
	defer t.Stop()
	for {
		s.mu.Lock()
		idle := len(s.m.due(s.nowLocked())) == 0 // executions run under the lock
		s.mu.Unlock()
		if idle {
			return nil
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("wait for simulated jobs: %w", ctx.Err())
		case <-s.quit:
			return errors.New("wait for simulated jobs: server closed")
		case <-t.C:
		}
	}
}

// FailJob makes every later run of the job for the shop ("" for store-wide jobs) fail with msg.
func (s *Server) FailJob(enumID, shopID, msg string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.m.failing[failKey{enumID, shopID}] = msg
}

// FixJob undoes FailJob.
func (s *Server) FixJob(enumID, shopID string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.m.failing, failKey{enumID, shopID})
}

// due lists the pending jobs whose runTime has come.
func (m *model) due(now time.Time) []*jobRow {
	var out []*jobRow
	for _, j := range m.jobs {
		if j.StatusID == hotwax.StatusPending && !j.RunTime.IsZero() && !j.RunTime.After(now) {
			out = append(out, j)
		}
	}
	return out
}

// execute runs a due job once. A recurring job records a run row and moves on to its next occurrence;
// a one-off job's own row becomes the run.
func (m *model) execute(j *jobRow, now time.Time) {
	run := j
	freq, recurring := frequencyFor(j.TempExprID)
	if recurring && !j.oneOff {
		run = &jobRow{Job: copyJob(j.Job)}
		run.JobID = m.newJobID()
		run.ParentJobID = j.JobID
		run.CreatedDate = now
		run.RuntimeData = maps.Clone(j.RuntimeData)
		m.jobs = append(m.jobs, run)
		next := j.RunTime
		for !next.After(now) {
			next = freq.next(next)
		}
		j.RunTime = next
		j.dueSince = time.Time{}
		j.LastUpdatedStamp = now
	}
	run.StatusID = hotwax.StatusRunning
	run.StartDateTime = now
	result, err := m.perform(run.Job, now)
	run.StatusID = hotwax.StatusFinished
	run.JobResult = result
	if err != nil {
		run.StatusID = hotwax.StatusFailed
		run.JobResult = err.Error()
	}
	run.FinishDateTime = now
	run.LastUpdatedStamp = now
}

// jobShop is the shop a job works on: its shopId column, else its runtime shopId or shopifyConfigId.
func (m *model) jobShop(j hotwax.Job) string {
	if s := nullable(j.Shop()); s != "" {
		return s
	}
	if s, ok := m.shopByConfig(nullable(j.RuntimeData["shopifyConfigId"])); ok {
		return s.ShopID
	}
	return ""
}

// perform applies a job's effect on the model and returns its jobResult.
func (m *model) perform(j hotwax.Job, now time.Time) (string, error) {
	shopID := m.jobShop(j)
	if msg, ok := m.failing[failKey{j.SystemJobEnumID, shopID}]; ok {
		return "", omsError(msg)
	}
	switch j.SystemJobEnumID {
	case hotwax.JobAssociation:
		if shopID == "" {
			return "", omsError("The following required parameter is missing: [shopifyConfigId]")
		}
		return m.associate(shopID, now), nil
	case hotwax.JobCatalogSync:
		if shopID == "" {
			return "", omsError("The following required parameter is missing: [shopifyConfigId]")
		}
		all := j.RuntimeData["includeAll"]
		return m.syncCatalog(shopID, all == "Y" || all == "true", now), nil
	case hotwax.JobPresellRefresh:
		return m.refreshPresell(now), nil
	default:
		return "Job completed", nil
	}
}
