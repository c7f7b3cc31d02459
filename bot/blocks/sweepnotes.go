package blocks

import (
	"fmt"
	"strings"
	"time"
)

// SweepRunning is a sweep already running when someone asks for another.
type SweepRunning struct {
	Store string
	By    string    // Slack user id of who started it; empty: the schedule
	At    time.Time // when it started
	Until time.Time // when it should end; zero: not known yet
	Now   time.Time
}

// SweepBusy tells who asked for a sweep who started the running one and when it should end (mrkdwn).
func SweepBusy(s SweepRunning) string {
	who := "the schedule"
	if s.By != "" {
		who = userMention(s.By)
	}
	end := "I cannot tell yet when it will end"
	if !s.Until.IsZero() && s.Until.After(s.Now) {
		end = "it should end about " + slackDate(s.Until)
	}
	return fmt.Sprintf("A sweep of %s is already running: started by %s at %s; %s. I did not start another.",
		escape(s.Store), who, slackDate(s.At), end)
}

// SweepStarted tells who asked for a sweep in another channel where its digest is (mrkdwn).
func SweepStarted(store, digestChannel string) string {
	return fmt.Sprintf("🧹 Sweep of %s started; the digest is in <#%s>.", escape(store), digestChannel)
}

// SweepNotStarted tells who asked for a sweep why it could not start (mrkdwn).
func SweepNotStarted(store, why string) string {
	return "⚠️ I could not start the sweep of " + escape(store) + ": " + escape(why)
}

// SweepFailure is why a sweep could not run.
type SweepFailure struct {
	Store string
	Why   string // the error, in short
	// Unknown: the OMS has no such store; Known lists the stores it has.
	Unknown bool
	Known   []string
	// NoCategory: the store's catalog has no pre-order or backorder category.
	NoCategory bool
}

// SweepFailed says on the digest card, and to who asked, why the sweep could not run (mrkdwn).
func SweepFailed(f SweepFailure) string {
	switch {
	case f.Unknown:
		names := make([]string, 0, len(f.Known))
		for _, s := range f.Known {
			names = append(names, "`"+escape(s)+"`")
		}
		list := strings.Join(names, ", ")
		if len(names) == 0 {
			list = "none"
		}
		return "❌ There is no product store `" + escape(f.Store) + "` in HotWax, so I swept nothing. The stores are: " + list + "."
	case f.NoCategory:
		return "❌ Product store `" + escape(f.Store) + "` has no pre-order (PCCT_PREORDR) or backorder (PCCT_BACKORDER) " +
			"category in its catalog, so there is nothing to sweep."
	}
	return "❌ I could not sweep " + escape(f.Store) + ": " + escape(f.Why)
}
