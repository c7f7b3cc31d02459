package blocks

import "fmt"

// OperatorTask is something only operators may do.
type OperatorTask int

// The tasks a refusal to a non-operator names.
const (
	TaskFix OperatorTask = iota
	TaskDoctor
	TaskSweep
)

// OperatorsOnly refuses a task to someone who is not an operator, and says which settings an admin can
// change, with the user id to add.
func OperatorsOnly(task OperatorTask, user string) string {
	join := "An admin can add you to PREORDERBOT_OPERATORS (your user id is %s) or add you to a Slack user group listed in PREORDERBOT_OPERATOR_GROUPS."
	what := "Only operators can run fixes."
	switch task {
	case TaskDoctor:
		what = "Only operators can run the doctor."
	case TaskSweep:
		what = "Only operators can start a sweep: it reads the whole pre-order catalog from the OMS."
		join = "An admin can add you to PREORDERBOT_OPERATORS (your user id is %s) or to a Slack user group listed in PREORDERBOT_OPERATOR_GROUPS."
	}
	return what + " " + fmt.Sprintf(join, escape(user))
}

// KnownStore is a product store the OMS has.
type KnownStore struct {
	ID   string
	Name string
}

// UnknownStore says that the store a command names does not exist, and lists those that do (plain text
// for Notice, with the ids as code).
func UnknownStore(id string, known []KnownStore) string {
	names := ""
	for i, s := range known {
		if i > 0 {
			names += ", "
		}
		names += "`" + s.ID + "`"
		if s.Name != "" && s.Name != s.ID {
			names += " (" + s.Name + ")"
		}
	}
	return "There is no product store `" + id + "` in HotWax, so I checked nothing. The stores are: " + names +
		". Store ids are case-sensitive."
}

// CardNotPosted tells who asked for a check why its card could not be posted, from Slack's error code,
// or in Slack's words for any other failure (mrkdwn).
func CardNotPosted(code, slackSaid string) string {
	switch code {
	case "not_in_channel", "channel_not_found":
		return "I can't post in this channel. Invite me with `/invite @preorderbot` and try again."
	case "is_archived":
		return "This channel is archived; run the check somewhere else."
	}
	return "I could not post the card: Slack said " + escape(slackSaid) + ". Try again in a minute."
}

// JobsUnreadable tells who asked for /preorder jobs that the OMS could not be read (mrkdwn).
func JobsUnreadable(store, why string) string {
	return "⚠️ I could not read the jobs of " + escape(store) + " from the OMS: " + escape(why)
}

// NotRun tells who submitted a form that the OMS would refuse it, so nothing ran (mrkdwn).
func NotRun(problem string) string {
	return "I did not run this, and the button still works: " + escape(problem)
}
